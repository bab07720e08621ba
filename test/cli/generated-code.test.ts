/**
 * The TypeScript that `import` and `migrate` write, checked as an app would use it: type-checked with tsc
 * against the library's sources (strict, no unused locals, as the cdk8s app template sets them), and
 * synthesized with tsx into the same manifests as the YAML the commands write with `--format yaml`.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { repositoryRoot } from '../control-plane/state-paths.js';
import { uniqueName } from '../control-plane/test-cluster.js';
import { startFakeWorkspace, type FakeWorkspace } from '../fake-databricks/index.js';
import { runCommandLine } from './cli-runner.js';
import { CORPUS } from './migrate-corpus-path.js';
import { seedComputeKinds, seedWorkspace } from './workspace-fixtures.js';

const root = repositoryRoot();
const requireFromRoot = createRequire(join(root, 'package.json'));

/** Manifests of a YAML stream, comments dropped. */
const manifestsOf = (yaml: string) => parseAllDocuments(yaml).map((document) => document.toJS() as unknown);

describe('generated TypeScript', () => {
  let fake: FakeWorkspace;
  // Inside the repository (git-ignored), so that cdk8s and constructs resolve from its node_modules.
  const dir = join(root, '.cache', uniqueName('generated-code'));
  let importedYaml: string;
  let migratedYaml: string;

  beforeAll(async () => {
    fake = await startFakeWorkspace({ rateLimits: false });
    await seedWorkspace(fake);
    // Policies, pools, a pipeline and warehouses, and a job naming them: constructs and their references.
    await seedComputeKinds(fake);
    mkdirSync(dir, { recursive: true });
    const env = { DATABRICKS_HOST: fake.url, DATABRICKS_TOKEN: fake.token };
    const selection = ['import', '--all', '--dbfs-path', '/FileStore', '--notebooks-under', '/Shared'];
    for (const args of [
      [...selection, '--out', 'imported'],
      ['migrate', CORPUS, '--format', 'ts', '--out', 'migrated'],
    ]) {
      const { status, stderr } = await runCommandLine(args, {
        env: args[0] === 'import' ? env : {},
        cwd: dir,
      });
      if (status !== 0) throw new Error(stderr);
    }
    importedYaml = (await runCommandLine([...selection, '--format', 'yaml'], { env })).stdout;
    migratedYaml = (await runCommandLine(['migrate', CORPUS])).stdout;
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUnusedLocals: true,
          noUnusedParameters: true,
          skipLibCheck: true,
          noEmit: true,
          types: ['node'],
          paths: { 'cdk8s-databricks': [join(root, 'lib', 'index.ts')] },
        },
        include: ['**/*.ts'],
      }),
    );
    writeFileSync(
      join(dir, 'main.ts'),
      [
        "import { App } from 'cdk8s';",
        "import { ImportedWorkspace } from './imported/imported.js';",
        "import { MigratedFromAzureDatabricksOperator } from './migrated/migrated.js';",
        '',
        'const app = new App();',
        "new (process.argv[2] === 'migrated' ? MigratedFromAzureDatabricksOperator : ImportedWorkspace)(app, 'app');",
        'process.stdout.write(app.synthYaml());',
        '',
      ].join('\n'),
    );
  }, 60_000);

  afterAll(async () => {
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('type-checks against the library under strict settings with no unused locals', async () => {
    const tsc = requireFromRoot.resolve('typescript/bin/tsc');
    const errors = await promisify(execFile)(process.execPath, [tsc, '-p', dir], { cwd: dir }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(errors).toBe('');
  }, 180_000);

  it.each(['imported', 'migrated'])(
    'synthesizes the %s app into the manifests the command writes as YAML',
    async (which) => {
      const tsx = requireFromRoot.resolve('tsx/cli');
      const { stdout } = await promisify(execFile)(process.execPath, [tsx, 'main.ts', which], {
        cwd: dir,
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(manifestsOf(stdout)).toEqual(manifestsOf(which === 'imported' ? importedYaml : migratedYaml));
    },
    120_000,
  );
});
