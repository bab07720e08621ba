/**
 * Jest global setup of the `integration` project: starts the run's cluster (test-run-lifecycle.ts).
 *
 * Jest loads this file with Node's own ESM loader, which neither maps the `.js` import suffixes to
 * `.ts` files nor compiles TypeScript beyond this one file, so the real work is loaded through tsx.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

type Lifecycle = typeof import('./test-run-lifecycle.js');

export default async function globalSetup(
  _globalConfig: unknown,
  project: { rootDir: string },
): Promise<void> {
  const lifecycle = (await tsImport('./test/control-plane/test-run-lifecycle.ts', {
    parentURL: pathToFileURL(join(project.rootDir, '/')).href,
  })) as Lifecycle;
  await lifecycle.setUpTestCluster(project.rootDir);
}
