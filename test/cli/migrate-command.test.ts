import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import prettier from 'prettier';
import { parseAllDocuments } from 'yaml';
import { OLD_KINDS, type OldShape } from '../../cli/migrate/old-kinds.js';
import { runCommandLine } from './cli-runner.js';
import { CORPUS } from './migrate-corpus-path.js';

type Json = Record<string, unknown>;
type Manifest = { kind: string; metadata: { name: string; namespace?: string }; spec: Json; status?: Json };

/** Every old object of the corpus, `kind: List` items unpacked. */
function corpusObjects(): Manifest[] {
  return readdirSync(CORPUS)
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(CORPUS, file), 'utf8')).map((d) => d.toJS() as Json),
    )
    .flatMap((value) => (Array.isArray(value.items) ? (value.items as Json[]) : [value]))
    .map((value) => value as unknown as Manifest);
}

/** The dotted paths of every field `shape` names (`new_cluster.autoscale.min_workers`, ...). */
function shapePaths(shape: OldShape, at: string): string[] {
  if (shape === 'scalar' || shape === 'map') return [at];
  if ('list' in shape) return shapePaths(shape.list, at);
  return [at, ...Object.entries(shape.fields).flatMap(([key, field]) => shapePaths(field, `${at}.${key}`))];
}

/** The dotted paths of the fields `value` has (list items merged). */
function valuePaths(value: unknown, at: string): string[] {
  if (Array.isArray(value))
    return [at, ...value.flatMap((item) => valuePaths(item, at).filter((p) => p !== at))];
  if (typeof value !== 'object' || value === null) return [at];
  return [at, ...Object.entries(value as Json).flatMap(([key, field]) => valuePaths(field, `${at}.${key}`))];
}

const documentsOf = (yaml: string) => parseAllDocuments(yaml).map((document) => document.toJS() as Manifest);

describe('cdk8s-databricks migrate', () => {
  it('has a corpus that uses every spec field of every old kind', () => {
    const objects = corpusObjects();
    const missing = Object.values(OLD_KINDS).flatMap((kind) => {
      const used = new Set(
        objects
          .filter((object) => object.kind === kind.kind)
          .flatMap((object) => valuePaths(object.spec, 'spec')),
      );
      return Object.entries(kind.spec)
        .flatMap(([field, shape]) => shapePaths(shape, `spec.${field}`))
        .filter((path) => !used.has(path))
        .map((path) => `${kind.kind} ${path}`);
    });
    expect(missing).toEqual([]);
  });

  it('migrates the corpus: existing objects adopted by their old status IDs, a run that already ran left out', async () => {
    const { status, stdout } = await runCommandLine(['migrate', CORPUS]);
    expect(status).toBe(0);
    const manifests = documentsOf(stdout);
    const spec = (kind: string, name: string) =>
      manifests.find((m) => m.kind === kind && m.metadata.name === name)?.spec;
    expect(manifests.filter((m) => m.kind === 'DatabricksWorkspace')).toHaveLength(1);
    expect(spec('DatabricksWorkspace', 'databricks')?.auth).toEqual({
      token: { secretKeyRef: { name: 'dbrickssettings', key: 'DatabricksToken' } },
    });
    expect(spec('DatabricksJob', 'nightly-etl')?.jobId).toBe(42);
    expect(spec('DatabricksJob', 'train-model')?.jobId).toBe(43);
    expect(spec('DatabricksJob', 'publish')?.jobId).toBeUndefined();
    expect(spec('DatabricksCluster', 'shared')).toMatchObject({
      clusterId: '0301-120000-shared01',
      state: 'Terminated',
    });
    expect(spec('DatabricksCluster', 'pooled')?.clusterId).toBeUndefined();
    expect(spec('DatabricksSecretScope', 'etl-secrets')).toMatchObject({
      scopeName: 'etl-secrets',
      adopt: true,
    });
    expect(spec('DatabricksSecretScope', 'sample-scope')?.adopt).toBeUndefined();
    expect(spec('DatabricksRun', 'already-ran')).toBeUndefined();
    expect(spec('DatabricksRun', 'backfill-etl')).toMatchObject({
      jobRef: { name: 'nightly-etl' },
      runNow: { notebook_params: { day: '2020-03-01' } },
    });
    const nightly = spec('DatabricksJob', 'nightly-etl')?.settings as { name: string; tasks: Json[] };
    expect(nightly.name).toBe('nightly-etl');
    expect(nightly.tasks[0]).toMatchObject({
      task_key: 'nightly-etl',
      notebook_task: { notebook_path: '/Shared/etl/ingest' },
      new_cluster: { custom_tags: { team: 'analytics', 'cost-center': '42' } },
      max_retries: 2,
    });
    expect((spec('DatabricksJob', 'publish')?.settings as { tasks: Json[] }).tasks[0]).toMatchObject({
      existing_cluster_ref: { name: 'shared' },
    });
    expect(spec('DatabricksNotebook', 'ingest-notebook')).toMatchObject({
      overwrite: true,
      language: 'PYTHON',
    });
    expect(manifests.every((m) => m.metadata.namespace === 'analytics')).toBe(true);
  });

  it('reports every field of every old object: where it went, or why it was not carried', async () => {
    const { stderr } = await runCommandLine(['migrate', CORPUS]);
    const blocks = stderr.split('\n\n');
    for (const object of corpusObjects()) {
      const block = blocks.find((text) =>
        text.includes(`: ${object.kind} ${object.metadata.namespace}/${object.metadata.name} → `),
      );
      expect(block).toBeDefined();
      for (const field of Object.keys(object.spec))
        expect(block).toMatch(new RegExp(`^  spec\\.${field}[.[:]`, 'm'));
      if (object.status) expect(block).toMatch(/^ {2}status(\.[\w.]+)?: /m);
    }
    expect(stderr).toContain('spec.name: not carried: the old controller replaced it with metadata.name');
    expect(stderr).toContain('spec.initial_manage_principal: not carried: not a field of SecretScope');
    expect(stderr).toContain(
      'Run analytics/already-ran → left out: the old controller started it already (run 4401)',
    );
    expect(stderr).toContain('The workspace host is a placeholder');
  });

  it('reads a single object, several documents, a kind List and JSON alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-databricks-migrate-'));
    try {
      writeFileSync(
        join(dir, 'one.yaml'),
        'apiVersion: databricks.microsoft.com/v1alpha1\nkind: DbfsBlock\nmetadata: {name: a}\nspec: {path: /a, data: YQ==}\n',
      );
      const { status, stdout } = await runCommandLine(
        ['migrate', 'one.yaml', join(CORPUS, 'runs.yaml'), join(CORPUS, 'dclusters.json')],
        {
          cwd: dir,
        },
      );
      expect(status).toBe(0);
      expect(documentsOf(stdout).map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(
        expect.arrayContaining([
          'DatabricksDbfsFile/a',
          'DatabricksRun/backfill-etl',
          'DatabricksCluster/shared',
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the YAML, or TypeScript formatted as Prettier would, and the report into --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-databricks-migrate-'));
    try {
      const yaml = await runCommandLine(
        ['migrate', CORPUS, '--out', 'out', '--host', 'https://adb-1.2.azuredatabricks.net'],
        {
          cwd: dir,
        },
      );
      expect(yaml.status).toBe(0);
      expect(readdirSync(join(dir, 'out')).sort()).toEqual(['migrated.yaml', 'migration-report.txt']);
      expect(readFileSync(join(dir, 'out', 'migrated.yaml'), 'utf8')).toContain(
        'host: https://adb-1.2.azuredatabricks.net',
      );
      expect(readFileSync(join(dir, 'out', 'migration-report.txt'), 'utf8')).toContain(
        'spec.data: → spec.contents',
      );

      const ts = await runCommandLine(['migrate', CORPUS, '--format', 'ts', '--out', 'ts'], { cwd: dir });
      expect(ts.status).toBe(0);
      const source = readFileSync(join(dir, 'ts', 'migrated.ts'), 'utf8');
      expect(source).toBe(
        await prettier.format(source, {
          parser: 'typescript',
          singleQuote: true,
          printWidth: 110,
          trailingComma: 'all',
        }),
      );
      expect(source).toContain('export class MigratedFromAzureDatabricksOperator extends Chart');
      expect(readFileSync(join(dir, 'ts', 'notebooks', 'Shared', 'etl', 'ingest.py'), 'utf8')).toBe(
        'print("ingest")\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [
      'an unknown old field',
      'apiVersion: databricks.microsoft.com/v1alpha1\nkind: Djob\nmetadata: {name: etl, namespace: a}\nspec:\n  notebook_task: {notebook_path: /x}\n  max_retrys: 2\n',
      'bad.yaml: Djob a/etl: spec.max_retrys is not a field of Djob in azure-databricks-operator 0.74 (known: ',
    ],
    [
      'an unknown nested field',
      'apiVersion: databricks.microsoft.com/v1alpha1\nkind: Dcluster\nmetadata: {name: c}\nspec:\n  spark_version: x\n  autoscale: {min: 1}\n',
      'bad.yaml: Dcluster c: spec.autoscale.min is not a field (known: min_workers, max_workers); remove it or fix its spelling',
    ],
    [
      'YAML that is not the old operator’s',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n',
      'bad.yaml: Deployment web (apps/v1) is not an azure-databricks-operator object; migrate reads SecretScope, Djob, Run, Dcluster, DbfsBlock, WorkspaceItem of databricks.microsoft.com/v1alpha1, so leave it out',
    ],
    ['YAML that does not parse', 'kind: [Djob\n', 'bad.yaml, line 2: not valid YAML'],
    [
      'a notebook without a language',
      'apiVersion: databricks.microsoft.com/v1alpha1\nkind: WorkspaceItem\nmetadata: {name: n}\nspec: {path: /n, content: YQ==}\n',
      'bad.yaml: WorkspaceItem n: spec.language is missing, and SOURCE content needs one',
    ],
  ])('fails with exit 1 and one line naming the file and object on %s', async (_what, text, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-databricks-migrate-'));
    try {
      writeFileSync(join(dir, 'bad.yaml'), text);
      const { status, stdout, stderr } = await runCommandLine(['migrate', 'bad.yaml'], { cwd: dir });
      expect({ status, stdout }).toEqual({ status: 1, stdout: '' });
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toContain(`cdk8s-databricks migrate: ${message}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says which path does not exist', async () => {
    const { status, stderr } = await runCommandLine(['migrate', 'nowhere.yaml']);
    expect(status).toBe(1);
    expect(stderr).toBe('cdk8s-databricks migrate: nowhere.yaml: no such file or directory\n');
  });
});
