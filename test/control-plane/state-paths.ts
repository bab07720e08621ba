import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * The repository root: the nearest directory above `start` whose package.json is this project's.
 * Found by walking up rather than from the module's URL so it works the same under tsx and Jest.
 */
export function repositoryRoot(start: string = process.cwd()): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'cdk8s-databricks'
    ) {
      return dir;
    }
    if (dirname(dir) === dir) {
      throw new Error(
        `No cdk8s-databricks package.json above ${start}; run this from inside the repository.`,
      );
    }
  }
}

/** The Go wrapper module that builds kube-apiserver and kubectl. */
export function wrapperModuleDir(root: string = repositoryRoot()): string {
  return join(root, 'test', 'control-plane', 'go');
}

/**
 * Per-machine cache for the built binaries, outside the checkout so every clone and CI run on the
 * machine shares one build. `CDK8S_DATABRICKS_CACHE` moves it; XDG_CACHE_HOME is honoured.
 */
export function machineCacheDir(): string {
  if (process.env.CDK8S_DATABRICKS_CACHE) return resolve(process.env.CDK8S_DATABRICKS_CACHE);
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cdk8s-databricks');
}

/** Default state directory of `npm run control-plane -- up` (git-ignored). */
export function defaultStateDir(root: string = repositoryRoot()): string {
  return join(root, '.cache', 'control-plane');
}

/**
 * Parent of the state directories the Jest global setup creates, one per test run, so concurrent
 * runs in the same checkout never share (or tear down) each other's control plane.
 */
export function testRunsDir(root: string = repositoryRoot()): string {
  return join(root, '.cache', 'control-plane-test-runs');
}
