/**
 * `npm run build` (also `prepack`, and the Dockerfile's build stage): everything this repository ships,
 * compiled with tsc into build/, which it empties first so that no file of a deleted source ships.
 *
 * - build/cjs/: the construct library and the `cdk8s-databricks` command as the npm package holds them
 *   (tsconfig.package.json; bin/cdk8s-databricks.cjs runs build/cjs/cli/bin.js): CommonJS and
 *   .d.ts, with a package.json that marks the directory CommonJS, since this repository's own
 *   package.json says `"type": "module"` and Node would otherwise load those files as ES modules.
 * - build/controller/ and build/lib/crds/: the controller as its image runs it (tsconfig.build.json),
 *   ES modules like its sources.
 *
 * Never dist/: `cdk8s synth` empties that directory, and it holds only synthesized manifests.
 * npm runs scripts in the package's root, so paths are relative to the working directory.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const tsc = createRequire(`${process.cwd()}/package.json`).resolve('typescript/bin/tsc');

/** Runs tsc on `project`; the two projects compile side by side, as they share no output. */
async function compile(project: string): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', project], { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc -p ${project} failed:\n${stdout}${stderr}`);
  }
}

rmSync('build', { recursive: true, force: true });
await Promise.all([
  compile('tsconfig.package.json').then(() =>
    writeFileSync('build/cjs/package.json', `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`),
  ),
  compile('tsconfig.build.json'),
]);
