import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import prettier from 'prettier';
import { parseAllDocuments } from 'yaml';
import { startFakeWorkspace, type FakeWorkspace } from '../fake-databricks/index.js';
import { runCommandLine } from './cli-runner.js';
import { seedWorkspace, type SeededWorkspace } from './workspace-fixtures.js';

type Manifest = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };

const documentsOf = (yaml: string) => parseAllDocuments(yaml).map((document) => document.toJS() as Manifest);

describe('cdk8s-databricks import', () => {
  let fake: FakeWorkspace;
  let seeded: SeededWorkspace;
  let env: Record<string, string>;
  beforeAll(async () => {
    fake = await startFakeWorkspace({ rateLimits: false });
  });
  afterAll(async () => fake.close());
  beforeEach(async () => {
    fake.reset();
    seeded = await seedWorkspace(fake);
    env = { DATABRICKS_HOST: fake.url, DATABRICKS_TOKEN: fake.token };
  });

  const importAll = (...extra: string[]) =>
    runCommandLine(
      ['import', '--all', '--dbfs-path', '/FileStore', '--notebooks-under', '/Shared', ...extra],
      { env },
    );

  it('writes every selected object set to adopt what it came from, with references between them', async () => {
    const { status, stdout, stderr } = await importAll('--format', 'yaml');
    expect({
      status,
      stderr: stderr.split('\n').filter((line) => line.startsWith('cdk8s-databricks')),
    }).toEqual({
      status: 0,
      stderr: [],
    });
    const manifests = documentsOf(stdout);
    const byName = (name: string) => manifests.find((manifest) => manifest.metadata.name === name)!;
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'DatabricksWorkspace/workspace',
      'DatabricksCluster/shared-analytics',
      'DatabricksNotebook/shared-etl-ingest',
      'DatabricksDbfsFile/dbfs-filestore-etl-config-json',
      'DatabricksSecretScope/etl-secrets',
      'DatabricksJob/nightly-etl',
      'DatabricksJob/weekly-report',
    ]);
    expect(byName('shared-analytics').spec.clusterId).toBe(seeded.clusterId);
    expect(byName('nightly-etl').spec.jobId).toBe(seeded.etlJobId);
    expect(byName('weekly-report').spec.jobId).toBe(seeded.reportJobId);
    expect(byName('etl-secrets').spec).toMatchObject({ scopeName: seeded.scope, adopt: true });
    const etl = byName('nightly-etl').spec.settings as { tasks: Record<string, unknown>[] };
    expect(etl.tasks[0]).toMatchObject({
      task_key: 'ingest',
      existing_cluster_ref: { name: 'shared-analytics' },
      notebook_task: { notebook_ref: { name: 'shared-etl-ingest' }, base_parameters: { mode: 'full' } },
    });
    const report = byName('weekly-report').spec.settings as { tasks: Record<string, unknown>[] };
    expect(report.tasks[0]).toMatchObject({ run_job_task: { job_ref: { name: 'nightly-etl' } } });
    expect(Buffer.from(String(byName('shared-etl-ingest').spec.content), 'base64').toString()).toBe(
      seeded.notebookSource,
    );
    expect(Buffer.from(String(byName('dbfs-filestore-etl-config-json').spec.contents), 'base64')).toEqual(
      seeded.dbfsContent,
    );
  });

  it('never writes to the workspace: every request it made is a GET', async () => {
    fake.clearRequests();
    await importAll('--format', 'yaml');
    await importAll('--format', 'ts');
    const methods = new Set(fake.requests().map((request) => request.method));
    expect(fake.requests().length).toBeGreaterThan(0);
    expect([...methods]).toEqual(['GET']);
  });

  it('skips, and says why, what another DatabricksJob, DatabricksCluster or an Asset Bundle manages', async () => {
    const { stdout, stderr } = await importAll('--format', 'yaml');
    expect(stderr).toContain(
      `skipped job ${seeded.ownedJobId} "already managed": it is managed by DatabricksJob other/job already (its k8s-owner tag)`,
    );
    expect(stderr).toContain(`skipped job ${seeded.bundleJobId} "bundled": an Asset Bundle deployed it`);
    expect(stderr).toContain(
      `skipped cluster ${seeded.ownedClusterId} "owned elsewhere": it is managed by DatabricksCluster`,
    );
    expect(stdout).not.toContain('already managed');
    expect(stdout).not.toContain('bundled');
  });

  it('reads jobs in list pages of 100, with a jobs/get only for a job whose tasks the listing cut short', async () => {
    for (let i = 0; i < 150; i++) {
      await fake.ui.call('jobs/create', {
        name: `bulk ${i}`,
        tasks: [
          { task_key: 'a', notebook_task: { notebook_path: '/x' }, existing_cluster_id: seeded.clusterId },
        ],
      });
    }
    const tasks = Array.from({ length: 120 }, (_, i) => ({
      task_key: `t${i}`,
      notebook_task: { notebook_path: `/n/${i}` },
      existing_cluster_id: seeded.clusterId,
    }));
    const { job_id: bigJob } = (await fake.ui.call('jobs/create', { name: 'big', tasks })) as {
      job_id: number;
    };
    fake.clearRequests();
    const { status, stdout } = await runCommandLine(['import', '--all', '--format', 'yaml'], { env });
    expect(status).toBe(0);
    expect(fake.requestCount('jobs/list')).toBe(2); // 156 jobs
    // Both pages of the one job whose listing said has_more (its 120 tasks come 100 a page).
    expect(fake.requests({ endpoint: 'jobs/get' }).map((request) => request.query)).toEqual([
      `job_id=${bigJob}`,
      expect.stringMatching(new RegExp(`^job_id=${bigJob}&page_token=`)),
    ]);
    const big = documentsOf(stdout).find((manifest) => manifest.metadata.name === 'big')!;
    expect((big.spec.settings as { tasks: unknown[] }).tasks).toHaveLength(120);
  });

  it('selects jobs by ID and by part of their name, and nothing else', async () => {
    const byId = await runCommandLine(
      ['import', '--job-id', String(seeded.reportJobId), '--format', 'yaml'],
      { env },
    );
    expect(documentsOf(byId.stdout).map((m) => m.metadata.name)).toEqual(['workspace', 'weekly-report']);
    // A job it runs that was not imported keeps its ID.
    expect(byId.stdout).toContain(`job_id: ${seeded.etlJobId}`);
    const byName = await runCommandLine(['import', '--name-contains', 'NIGHTLY', '--format', 'yaml'], {
      env,
    });
    expect(documentsOf(byName.stdout).map((m) => m.metadata.name)).toEqual(['workspace', 'nightly-etl']);
  });

  it('selects clusters and secret scopes by ID and name, into the namespace asked for', async () => {
    const { status, stdout } = await runCommandLine(
      [
        'import',
        '--cluster-id',
        seeded.clusterId,
        '--secret-scope',
        seeded.scope,
        '--namespace',
        'analytics',
        '--format',
        'yaml',
      ],
      { env },
    );
    expect(status).toBe(0);
    const manifests = parseAllDocuments(stdout).map(
      (document) => document.toJS() as Manifest & { metadata: { namespace?: string } },
    );
    expect(manifests.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
      'DatabricksWorkspace/analytics/workspace',
      'DatabricksCluster/analytics/shared-analytics',
      'DatabricksSecretScope/analytics/etl-secrets',
    ]);
    const missing = await runCommandLine(['import', '--secret-scope', 'nope'], { env });
    expect(missing.stderr).toBe(
      `cdk8s-databricks import: --secret-scope nope: ${fake.url} has no secret scope "nope"; its scopes are etl-secrets\n`,
    );
  });

  it('writes TypeScript formatted as Prettier would, with notebooks and DBFS files beside it read by fromFile', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cdk8s-databricks-import-'));
    try {
      const { status, stderr } = await runCommandLine(
        ['import', '--all', '--dbfs-path', '/FileStore', '--notebooks-under', '/Shared', '--out', 'app'],
        { env, cwd: out },
      );
      expect(status).toBe(0);
      expect(stderr).toContain('wrote app/imported.ts');
      const source = readFileSync(join(out, 'app', 'imported.ts'), 'utf8');
      expect(source).toBe(
        await prettier.format(source, {
          parser: 'typescript',
          singleQuote: true,
          printWidth: 110,
          trailingComma: 'all',
        }),
      );
      expect(source).toContain("localPath: 'app/notebooks/Shared/etl/ingest.py'");
      expect(source).toContain(
        "type: TaskType.notebook(sharedEtlIngest, { base_parameters: { mode: 'full' } })",
      );
      expect(source).toContain('runOn: sharedAnalytics');
      expect(source).toContain('publish.dependsOnOutcome(check, true);');
      expect(readFileSync(join(out, 'app', 'notebooks', 'Shared', 'etl', 'ingest.py'), 'utf8')).toBe(
        seeded.notebookSource,
      );
      expect(readFileSync(join(out, 'app', 'dbfs', 'FileStore', 'etl', 'config.json'))).toEqual(
        seeded.dbfsContent,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('authenticates with OAuth M2M from DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET, and the workspace it writes does too', async () => {
    const { status, stdout } = await runCommandLine(['import', '--clusters', '--format', 'yaml'], {
      env: {
        DATABRICKS_HOST: fake.url,
        DATABRICKS_CLIENT_ID: fake.oauthClient.clientId,
        DATABRICKS_CLIENT_SECRET: fake.oauthClient.clientSecret,
      },
    });
    expect(status).toBe(0);
    expect(documentsOf(stdout)[0]!.spec.auth).toEqual({
      oauthM2M: {
        clientId: fake.oauthClient.clientId,
        clientSecret: { secretKeyRef: { name: 'databricks-oauth', key: 'client-secret' } },
      },
    });
  });

  it.each([
    [
      'no workspace',
      { DATABRICKS_TOKEN: 'x' },
      ['--all'],
      'cdk8s-databricks import: no workspace: set DATABRICKS_HOST (e.g. https://adb-1234567890123456.7.azuredatabricks.net) or pass --host',
    ],
    ['no credentials', 'host only', ['--all'], 'no credentials for'],
    [
      'a bad token',
      'bad token',
      ['--all'],
      'refused the credentials (HTTP 403: Invalid access token.); check DATABRICKS_TOKEN',
    ],
    [
      'an unreachable host',
      { DATABRICKS_HOST: 'http://127.0.0.1:9', DATABRICKS_TOKEN: 'x' },
      ['--all'],
      'cannot reach http://127.0.0.1:9: connection refused; check DATABRICKS_HOST (or --host)',
    ],
    ['a job that does not exist', 'good', ['--job-id', '777'], '--job-id 777: '],
    ['nothing selected', 'good', [], 'nothing selected: give --all'],
    [
      'an unknown flag',
      'good',
      ['--everything'],
      "Unknown option '--everything'; see cdk8s-databricks import --help",
    ],
    ['a bad format', 'good', ['--all', '--format', 'json'], '--format json: choose ts or yaml'],
  ] as const)('fails with exit 1 and one line on %s', async (_what, given, args, message) => {
    const environments: Record<string, Record<string, string>> = {
      'host only': { DATABRICKS_HOST: fake.url },
      'bad token': { DATABRICKS_HOST: fake.url, DATABRICKS_TOKEN: 'dapi-not-a-token-it-knows' },
      good: env,
    };
    const { status, stdout, stderr } = await runCommandLine(['import', ...args], {
      env: typeof given === 'string' ? environments[given]! : given,
    });
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
  });

  it('prints its help with --help and exits 0', async () => {
    const { status, stdout } = await runCommandLine(['import', '--help']);
    expect(status).toBe(0);
    expect(stdout).toContain('Usage: cdk8s-databricks import SELECTION...');
    expect(stdout).toContain('--notebooks-under PATH');
  });
});
