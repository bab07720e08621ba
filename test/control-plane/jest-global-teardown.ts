/**
 * Jest global teardown of the `integration` project: stops the control plane the setup started
 * (loaded through tsx for the reason given in jest-global-setup.ts). If Jest dies before getting
 * here, the watchdog started with the control plane stops it instead.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

type Lifecycle = typeof import('./test-run-lifecycle.js');

export default async function globalTeardown(
  _globalConfig: unknown,
  project: { rootDir: string },
): Promise<void> {
  const lifecycle = (await tsImport('./test/control-plane/test-run-lifecycle.ts', {
    parentURL: pathToFileURL(join(project.rootDir, '/')).href,
  })) as Lifecycle;
  await lifecycle.tearDownTestCluster();
}
