/**
 * The `cdk8s-databricks` bin as a shell runs it, in this repository (its launcher runs the sources
 * through tsx here; test/package/ runs the compiled one in an app that installed the package).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../control-plane/state-paths.js';
import { CORPUS } from './migrate-corpus-path.js';

const bin = join(repositoryRoot(), 'bin', 'cdk8s-databricks.cjs');

/** Runs the bin with `args`, `input` on standard input, and no DATABRICKS_* variables of this machine. */
function run(args: readonly string[], input = '') {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('DATABRICKS_')),
  );
  const result = spawnSync(process.execPath, [bin, ...args], {
    input,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the cdk8s-databricks bin', () => {
  it('prints its help and exits 0; an unknown command exits 1 with one line', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: cdk8s-databricks COMMAND');
    const unknown = run(['apply']);
    expect(unknown).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'cdk8s-databricks: unknown command "apply"; the commands are import, migrate, plan (see --help)\n',
    });
  }, 60_000);

  it('migrates manifests read from standard input', () => {
    const { status, stdout } = run(['migrate', '-'], readFileSync(join(CORPUS, 'dbfsblocks.yaml'), 'utf8'));
    expect(status).toBe(0);
    expect(stdout).toContain('kind: DatabricksDbfsFile');
    expect(stdout).toContain('path: /FileStore/etl/config.json');
  }, 60_000);

  it('exits 1 with one line when import cannot find a workspace', () => {
    expect(run(['import', '--all'])).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'cdk8s-databricks import: no workspace: set DATABRICKS_HOST (e.g. https://adb-1234567890123456.7.azuredatabricks.net) or pass --host\n',
    });
  }, 60_000);
});
