import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startFakeWorkspace, type FakeWorkspace } from '../fake-databricks/index.js';
import { runCommandLine } from './cli-runner.js';
import { seedWorkspace, type SeededWorkspace } from './workspace-fixtures.js';

type Json = Record<string, unknown>;

const API_VERSION = 'databricks.operator.dev/v1alpha1';
const workspaceRef = { name: 'workspace' };
const object = (kind: string, name: string, spec: Json): Json => ({
  apiVersion: API_VERSION,
  kind,
  metadata: { name },
  spec: { workspaceRef, ...spec },
});
const marker = (name: string) => ({ 'k8s-owner': `default/${name}`, 'k8s-owner-uid': `uid-of-${name}` });

describe('cdk8s-databricks plan', () => {
  let fake: FakeWorkspace;
  let seeded: SeededWorkspace;
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    // Clusters are RUNNING at once, so the marker can be put on them as the controller would.
    fake = await startFakeWorkspace({ rateLimits: false, timing: { clusterStartMs: 0 } });
  });
  afterAll(async () => fake.close());
  beforeEach(async () => {
    fake.reset();
    seeded = await seedWorkspace(fake);
    env = { DATABRICKS_HOST: fake.url, DATABRICKS_TOKEN: fake.token };
    dir = mkdtempSync(join(tmpdir(), 'plan-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes `objects` as one synthesized file and plans it. */
  const plan = (objects: readonly Json[], ...flags: string[]) => {
    writeFileSync(join(dir, 'app.k8s.yaml'), objects.map((o) => stringify(o)).join('---\n'));
    return runCommandLine(['plan', dir, ...flags], { env });
  };
  /** Imports the seeded workspace as YAML into `dir`. */
  const importWorkspace = async (): Promise<void> => {
    const imported = await runCommandLine(
      ['import', '--all', '--dbfs-path', '/FileStore', '--notebooks-under', '/Shared', '--format', 'yaml'],
      { env },
    );
    if (imported.status !== 0) throw new Error(imported.stderr);
    writeFileSync(join(dir, 'imported.yaml'), imported.stdout);
  };
  /** What the controller writes when it adopts: the marker on the imported jobs and cluster. */
  const markAdopted = async (): Promise<void> => {
    for (const [jobId, name] of [
      [seeded.etlJobId, 'nightly-etl'],
      [seeded.reportJobId, 'weekly-report'],
    ] as const) {
      await fake.ui.call('jobs/update', {
        job_id: jobId,
        new_settings: { tags: { ...(name === 'nightly-etl' ? { team: 'analytics' } : {}), ...marker(name) } },
      });
    }
    await fake.ui.call('clusters/update', {
      cluster_id: seeded.clusterId,
      update_mask: 'custom_tags',
      cluster: { custom_tags: { team: 'analytics', ...marker('shared-analytics') } },
    });
  };

  it('plans what import wrote as adoptions that add the marker only, with list reads and no writes', async () => {
    await importWorkspace();
    fake.clearRequests();
    const { status, stdout, stderr } = await runCommandLine(['plan', dir], { env });
    expect({ status, stderr }).toEqual({ status: 2, stderr: '' });
    expect(stdout.split('\n')).toEqual([
      `adopt  DatabricksCluster default/shared-analytics (cluster ${seeded.clusterId}): marker only`,
      'none   DatabricksNotebook default/shared-etl-ingest (/Shared/etl/ingest)',
      'none   DatabricksDbfsFile default/dbfs-filestore-etl-config-json (dbfs:/FileStore/etl/config.json)',
      'none   DatabricksSecretScope default/etl-secrets (scope etl-secrets)',
      `adopt  DatabricksJob default/nightly-etl (job ${seeded.etlJobId}): marker only`,
      `adopt  DatabricksJob default/weekly-report (job ${seeded.reportJobId}): marker only`,
      `Plan for ${fake.url}: 0 to create, 0 to update, 3 to adopt, 0 refused, 0 to delete, 3 unchanged.`,
      '',
    ]);
    const requests = fake.requests();
    expect(requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(fake.requestCount('jobs/get')).toBe(0);
    expect(fake.requestCount('jobs/list')).toBe(1);
    expect(fake.requestCount('clusters/list')).toBe(1);
  });

  it('finds nothing to do once the controller has marked what it adopted (exit 0)', async () => {
    await importWorkspace();
    await markAdopted();
    const { status, stdout } = await runCommandLine(['plan', dir], { env });
    expect(stdout.split('\n').slice(-2)[0]).toBe(
      `Plan for ${fake.url}: 0 to create, 0 to update, 0 to adopt, 0 refused, 0 to delete, 6 unchanged.`,
    );
    expect(status).toBe(0);
  });

  it('names the fields changed in Databricks since, as the drift rules name them', async () => {
    await importWorkspace();
    await markAdopted();
    await fake.ui.call('jobs/update', { job_id: seeded.etlJobId, new_settings: { max_concurrent_runs: 5 } });
    const job = (await fake.ui.call('jobs/get', { job_id: seeded.etlJobId })) as {
      settings: { tasks: Json[] };
    };
    await fake.ui.call('jobs/update', {
      job_id: seeded.etlJobId,
      new_settings: { tasks: [{ ...job.settings.tasks[0], max_retries: 7 }] },
    });
    await fake.ui.call('workspace/import', {
      path: seeded.notebookPath,
      language: 'PYTHON',
      format: 'SOURCE',
      overwrite: true,
      content: Buffer.from('print("changed")\n').toString('base64'),
    });
    await fake.ui.call('dbfs/put', {
      path: seeded.dbfsPath,
      contents: Buffer.from('{}\n').toString('base64'),
      overwrite: true,
    });
    await fake.ui.call('secrets/acls/delete', { scope: seeded.scope, principal: 'data-engineers' });
    const { status, stdout } = await runCommandLine(['plan', dir], { env });
    expect(status).toBe(2);
    expect(stdout).toContain(
      `update DatabricksJob default/nightly-etl (job ${seeded.etlJobId}): max_concurrent_runs, tasks[ingest].max_retries\n`,
    );
    expect(stdout).toContain(
      'update DatabricksNotebook default/shared-etl-ingest (/Shared/etl/ingest): content\n',
    );
    expect(stdout).toContain(
      'update DatabricksDbfsFile default/dbfs-filestore-etl-config-json (dbfs:/FileStore/etl/config.json): contents\n',
    );
    expect(stdout).toContain(
      'adopt  DatabricksSecretScope default/etl-secrets (scope etl-secrets): acls[data-engineers]\n',
    );
    expect(stdout).toContain(' 3 to update, ');
  });

  it('plans creation, refusal, deletion and references between the objects of the files', async () => {
    const { job_id: goneJobId } = (await fake.ui.call('jobs/create', {
      name: 'left over',
      tags: marker('gone'),
    })) as { job_id: number };
    const { job_id: usesRefId } = (await fake.ui.call('jobs/create', {
      name: 'uses-ref',
      tags: marker('uses-ref'),
      tasks: [
        {
          task_key: 'a',
          notebook_task: { notebook_path: '/Shared/etl/ingest' },
          existing_cluster_id: seeded.clusterId,
        },
      ],
    })) as { job_id: number };
    const task = (key: string, cluster: string) => ({
      task_key: key,
      notebook_task: { notebook_ref: { name: 'ingest' } },
      existing_cluster_ref: { name: cluster },
    });
    const { status, stdout } = await plan([
      object('DatabricksWorkspace', 'workspace', { host: fake.url, auth: {} }),
      object('DatabricksNotebook', 'ingest', {
        path: '/Shared/etl/ingest',
        language: 'PYTHON',
        content: Buffer.from('print("ingest")\n').toString('base64'),
      }),
      object('DatabricksCluster', 'shared', {
        clusterId: seeded.clusterId,
        settings: { spark_version: '15.4.x-scala2.12', cluster_name: 'Shared Analytics' },
      }),
      object('DatabricksCluster', 'new-cluster', {
        settings: { spark_version: '15.4.x-scala2.12', num_workers: 1 },
      }),
      object('DatabricksJob', 'uses-ref', { settings: { name: 'uses-ref', tasks: [task('a', 'shared')] } }),
      object('DatabricksJob', 'on-new-cluster', { settings: { tasks: [task('a', 'new-cluster')] } }),
      object('DatabricksJob', 'taken', { jobId: seeded.ownedJobId, settings: { name: 'already managed' } }),
      object('DatabricksJob', 'bundled', { jobId: seeded.bundleJobId, settings: { name: 'bundled' } }),
      object('DatabricksJob', 'missing', { jobId: 999, settings: { name: 'missing' } }),
      object('DatabricksJob', 'dangling', { settings: { tasks: [task('a', 'not-here')] } }),
      object('DatabricksRun', 'once', { jobRef: { name: 'uses-ref' } }),
    ]);
    expect(status).toBe(2);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('none   DatabricksNotebook default/ingest (/Shared/etl/ingest)');
    expect(lines[1]).toMatch(
      new RegExp(`^adopt  DatabricksCluster default/shared \\(cluster ${seeded.clusterId}\\): `),
    );
    expect(lines.slice(2)).toEqual([
      'create DatabricksCluster default/new-cluster',
      `none   DatabricksJob default/uses-ref (job ${usesRefId})`,
      'create DatabricksJob default/on-new-cluster',
      `refuse DatabricksJob default/taken (job ${seeded.ownedJobId}): spec.jobId: job ${seeded.ownedJobId} belongs to DatabricksJob other/job (its k8s-owner tag); the controller takes it only once that object is gone`,
      `refuse DatabricksJob default/bundled (job ${seeded.bundleJobId}): spec.jobId: job ${seeded.bundleJobId} is deployed by a Databricks Asset Bundle (/Workspace/Users/me/.bundle/app/state/metadata.json); remove it from the bundle first`,
      'refuse DatabricksJob default/missing (job 999): spec.jobId: job 999 does not exist in the workspace; point spec.jobId at an existing job, or remove it to create one',
      'create DatabricksJob default/dangling: tasks[a].existing_cluster_ref: DatabricksCluster default/not-here is not in these files',
      'create DatabricksRun default/once: starts a run when it is applied as a new object (plan reads no cluster, so it cannot tell whether it was applied already)',
      `delete DatabricksJob default/gone (job ${goneJobId}): its marker names DatabricksJob default/gone, which these files no longer hold: deleted when that object is deleted (unless its deletionPolicy keeps it)`,
      `Plan for ${fake.url}: 4 to create, 0 to update, 1 to adopt, 3 refused, 1 to delete, 2 unchanged.`,
      '',
    ]);
  });

  it('tells a cluster to start or stop from spec.state', async () => {
    await fake.ui.call('clusters/update', {
      cluster_id: seeded.clusterId,
      update_mask: 'custom_tags',
      cluster: { custom_tags: { team: 'analytics', ...marker('shared') } },
    });
    const cluster = (await fake.ui.call('clusters/get', { cluster_id: seeded.clusterId })) as { spec: Json };
    const settings = { ...cluster.spec, custom_tags: { team: 'analytics' } };
    const stopped = await plan([object('DatabricksCluster', 'shared', { settings, state: 'Terminated' })]);
    expect(stopped.stdout.split('\n')[0]).toBe(
      `update DatabricksCluster default/shared (cluster ${seeded.clusterId}): state; state RUNNING: terminated, as spec.state is Terminated`,
    );
    expect(stopped.status).toBe(2);
    const running = await plan([object('DatabricksCluster', 'shared', { settings })]);
    expect(running.stdout.split('\n')[0]).toBe(
      `none   DatabricksCluster default/shared (cluster ${seeded.clusterId})`,
    );
    expect(running.status).toBe(0);
  });

  it('plans nothing for an object under managementPolicy Observe, and says how it differs', async () => {
    await fake.ui.call('jobs/update', {
      job_id: seeded.reportJobId,
      new_settings: { max_concurrent_runs: 4 },
    });
    const { status, stdout } = await plan([
      object('DatabricksJob', 'watched', {
        jobId: seeded.reportJobId,
        managementPolicy: 'Observe',
        settings: { name: 'weekly report' },
      }),
      object('DatabricksJob', 'not-there', { jobId: 999, managementPolicy: 'Observe', settings: {} }),
    ]);
    expect(stdout.split('\n').slice(0, 2)).toEqual([
      `none   DatabricksJob default/watched (job ${seeded.reportJobId}): managementPolicy Observe: read only; differs in job_clusters, max_concurrent_runs, tasks`,
      'none   DatabricksJob default/not-there (job 999): managementPolicy Observe: read only; nothing to observe yet (spec.jobId: job 999 does not exist in the workspace; point spec.jobId at an existing job, or remove it to create one)',
    ]);
    expect(status).toBe(0);
  });

  it('gives the same plan as JSON with --json', async () => {
    await importWorkspace();
    const { status, stdout } = await runCommandLine(['plan', dir, '--json'], { env });
    expect(status).toBe(2);
    const parsed = JSON.parse(stdout) as { host: string; changes: Json[]; summary: Json };
    expect(parsed.host).toBe(fake.url);
    expect(parsed.summary).toEqual({ create: 0, update: 0, adopt: 3, refuse: 0, delete: 0, none: 3 });
    expect(parsed.changes[0]).toEqual({
      action: 'adopt',
      kind: 'DatabricksCluster',
      namespace: 'default',
      name: 'shared-analytics',
      target: `cluster ${seeded.clusterId}`,
      changes: [],
      note: 'marker only',
    });
  });

  it('plans only the objects of the workspace it reads, and puts objects without a namespace in --namespace', async () => {
    const { status, stdout, stderr } = await plan(
      [
        object('DatabricksWorkspace', 'workspace', { host: fake.url, auth: {} }),
        {
          ...object('DatabricksWorkspace', 'other', { host: 'https://adb-1.azuredatabricks.net', auth: {} }),
        },
        object('DatabricksCluster', 'here', { settings: { spark_version: '15.4.x-scala2.12' } }),
        {
          ...object('DatabricksCluster', 'there', { settings: { spark_version: '15.4.x-scala2.12' } }),
          spec: { workspaceRef: { name: 'other' }, settings: { spark_version: '15.4.x-scala2.12' } },
        },
      ],
      '--namespace',
      'team-a',
    );
    expect(stdout.split('\n')[0]).toBe('create DatabricksCluster team-a/here');
    expect(stderr).toBe(
      'left out 1 object(s) of DatabricksWorkspace team-a/other (https://adb-1.azuredatabricks.net): not the workspace planned\n',
    );
    expect(status).toBe(2);
  });

  describe('bad input: one line naming what is wrong, exit 1, nothing read', () => {
    const failsWith = async (run: Promise<{ status: number; stdout: string; stderr: string }>) => {
      const { status, stdout, stderr } = await run;
      expect({ status, stdout }).toEqual({ status: 1, stdout: '' });
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      return stderr.trimEnd();
    };

    it('refuses no paths, files that hold none of its objects, unknown kinds and versions', async () => {
      expect(await failsWith(runCommandLine(['plan'], { env }))).toBe(
        'cdk8s-databricks plan: give the synthesized YAML to plan: files or directories (e.g. dist/); see --help',
      );
      expect(
        await failsWith(plan([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }])),
      ).toBe(
        `cdk8s-databricks plan: ${dir}: no databricks.operator.dev objects (read 1 other object(s)); give the YAML cdk8s synth wrote with this library (dist/)`,
      );
      expect(await failsWith(plan([object('DatabricksThing', 'x', {})]))).toMatch(
        /^cdk8s-databricks plan: .*app\.k8s\.yaml: DatabricksThing default\/x is not a kind of databricks\.operator\.dev\/v1alpha1 \(known: /,
      );
      expect(
        await failsWith(
          plan([{ ...object('DatabricksJob', 'x', {}), apiVersion: 'databricks.operator.dev/v1beta9' }]),
        ),
      ).toMatch(
        /DatabricksJob default\/x is databricks\.operator\.dev\/v1beta9; this version of cdk8s-databricks plans databricks\.operator\.dev\/v1alpha1/,
      );
      expect(await failsWith(plan([object('DatabricksJob', 'x', {})]))).toMatch(
        /app\.k8s\.yaml: DatabricksJob default\/x: spec\.settings is required; set it$/,
      );
      expect(fake.requests()).toEqual([]);
    });

    it('says which host cannot be reached and which credentials were refused', async () => {
      const job = [object('DatabricksJob', 'x', { settings: {} })];
      writeFileSync(join(dir, 'app.k8s.yaml'), stringify(job[0]));
      expect(
        await failsWith(runCommandLine(['plan', dir], { env: { ...env, DATABRICKS_TOKEN: 'dapi-wrong' } })),
      ).toMatch(
        /^cdk8s-databricks plan: .* refused the credentials \(HTTP 40[13]: .*\); check DATABRICKS_TOKEN/,
      );
      expect(
        await failsWith(
          runCommandLine(['plan', dir], { env: { ...env, DATABRICKS_HOST: 'http://127.0.0.1:9' } }),
        ),
      ).toMatch(
        /^cdk8s-databricks plan: cannot reach http:\/\/127\.0\.0\.1:9: connection refused; check DATABRICKS_HOST/,
      );
    });
  });
});
