/**
 * `import` of cluster policies, instance pools, pipelines and SQL warehouses, and of a job that names
 * them: each is written to adopt what it came from, with settings the controller finds equal to
 * Databricks' (a plan of the output adopts each with its marker alone).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startFakeWorkspace, type FakeWorkspace } from '../fake-databricks/index.js';
import { runCommandLine } from './cli-runner.js';
import { seedComputeKinds, type SeededComputeKinds } from './workspace-fixtures.js';

type Manifest = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };

describe('cdk8s-databricks import: policies, pools, pipelines, warehouses and Git folders', () => {
  let fake: FakeWorkspace;
  let seeded: SeededComputeKinds;
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    fake = await startFakeWorkspace({ rateLimits: false, timing: { warehouseStopMs: 0 } });
  });
  afterAll(async () => fake.close());
  beforeEach(async () => {
    fake.reset();
    seeded = await seedComputeKinds(fake);
    env = { DATABRICKS_HOST: fake.url, DATABRICKS_TOKEN: fake.token };
    dir = mkdtempSync(join(tmpdir(), 'import-kinds-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const importYaml = async (...selection: string[]) => {
    fake.clearRequests();
    const run = await runCommandLine(['import', ...selection, '--format', 'yaml'], { env });
    expect(run.status).toBe(0);
    expect(fake.requests().filter((request) => request.method !== 'GET')).toEqual([]);
    return {
      ...run,
      manifests: parseAllDocuments(run.stdout).map((document) => document.toJS() as Manifest),
    };
  };

  it('writes each to adopt what it came from, leaving out default policies and what another object owns', async () => {
    const { manifests, stderr } = await importYaml('--all');
    const byKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);
    expect(byKind('DatabricksClusterPolicy')).toEqual([
      expect.objectContaining({
        metadata: { name: 'team-compute' },
        spec: {
          workspaceRef: { name: 'workspace' },
          name: 'Team compute',
          description: 'Small, short-lived clusters.',
          definition: {
            autotermination_minutes: { type: 'range', maxValue: 60, defaultValue: 30 },
            spark_version: { type: 'fixed', value: '15.4.x-scala2.12' },
          },
          max_clusters_per_user: 2,
          adopt: true,
        },
      }),
    ]);
    expect(byKind('DatabricksInstancePool')).toEqual([
      expect.objectContaining({
        metadata: { name: 'warm-nodes' },
        spec: {
          workspaceRef: { name: 'workspace' },
          // The cloud attributes Databricks filled in for the node type are kept: fixed at creation.
          settings: {
            instance_pool_name: 'Warm nodes',
            node_type_id: 'i3.xlarge',
            max_capacity: 10,
            idle_instance_autotermination_minutes: 15,
            custom_tags: { team: 'analytics' },
            aws_attributes: { availability: 'SPOT', spot_bid_price_percent: 100, zone_id: 'auto' },
          },
          adopt: true,
        },
      }),
    ]);
    expect(byKind('DatabricksPipeline')).toEqual([
      expect.objectContaining({
        metadata: { name: 'sales-tables' },
        spec: expect.objectContaining({
          pipelineId: seeded.pipelineId,
          settings: expect.objectContaining({
            name: 'Sales tables',
            catalog: 'main',
            schema: 'sales',
            serverless: true,
            // What the backend adds to every pipeline's configuration is left out.
            configuration: { 'sales.source': 's3://acme-raw/sales/' },
          }),
        }),
      }),
    ]);
    expect(byKind('DatabricksSqlWarehouse').map((manifest) => manifest.spec)).toEqual([
      expect.objectContaining({
        warehouseId: seeded.warehouseId,
        settings: expect.objectContaining({ name: 'Reporting', cluster_size: 'X-Small', auto_stop_mins: 15 }),
      }),
      expect.objectContaining({ warehouseId: seeded.stoppedWarehouseId, state: 'Stopped' }),
    ]);
    expect(stderr).toContain(
      `skipped instance pool ${seeded.ownedPoolId} "owned elsewhere": it is managed by DatabricksInstancePool other/pool already (its k8s-owner tag)\n`,
    );
    expect(stderr).toContain(
      '1 cluster policy, 1 instance pool, 1 pipeline, 2 SQL warehouses, 1 Git folder, 1 Git credential.',
    );
  });

  it('names each by reference from the job that used their IDs', async () => {
    const { manifests } = await importYaml('--all');
    const job = manifests.find((manifest) => manifest.kind === 'DatabricksJob')!;
    const settings = job.spec.settings as { job_clusters: unknown[]; tasks: unknown[] };
    expect(settings.job_clusters).toEqual([
      {
        job_cluster_key: 'etl',
        new_cluster: {
          spark_version: '15.4.x-scala2.12',
          num_workers: 1,
          policy_ref: { name: 'team-compute' },
          instance_pool_ref: { name: 'warm-nodes' },
        },
      },
    ]);
    expect(settings.tasks).toEqual(
      expect.arrayContaining([
        { task_key: 'refresh', pipeline_task: { pipeline_ref: { name: 'sales-tables' } } },
        expect.objectContaining({
          task_key: 'report',
          sql_task: { query: { query_id: 'q-1' }, warehouse_ref: { name: 'reporting' } },
        }),
        expect.objectContaining({
          task_key: 'publish',
          notebook_task: { repo_ref: { name: 'repos-ci-sales-etl', path: 'etl/publish' } },
        }),
        // The warehouse a notebook, dbt, dashboard or alert task runs on, beside what else it names.
        expect.objectContaining({
          task_key: 'summary',
          notebook_task: { notebook_path: '/Shared/sales/summary', warehouse_ref: { name: 'reporting' } },
        }),
        expect.objectContaining({
          task_key: 'models',
          dbt_task: { commands: ['dbt deps', 'dbt build'], warehouse_ref: { name: 'reporting' } },
        }),
        expect.objectContaining({
          task_key: 'digest',
          dashboard_task: {
            dashboard_id: '01ef-sales',
            subscription: { subscribers: [{ user_name: 'ana@example.com' }] },
            warehouse_ref: { name: 'reporting' },
          },
        }),
        expect.objectContaining({
          task_key: 'late',
          alert_task: { alert_id: 'a-late', warehouse_ref: { name: 'reporting' } },
        }),
      ]),
    );
    expect(manifests.find((manifest) => manifest.kind === 'DatabricksRepo')?.spec).toEqual({
      workspaceRef: { name: 'workspace' },
      path: seeded.repoPath,
      url: 'https://github.com/acme/sales-etl.git',
      branch: 'release',
      adopt: true,
    });
  });

  it('is planned as adoptions that add the marker alone: the settings are what Databricks has', async () => {
    const { stdout } = await importYaml('--all');
    writeFileSync(join(dir, 'imported.yaml'), stdout);
    const plan = await runCommandLine(['plan', dir], { env });
    expect(plan.stderr).toBe('');
    const lines = plan.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      `none   DatabricksClusterPolicy default/team-compute (cluster policy ${seeded.policyId})`,
      `adopt  DatabricksInstancePool default/warm-nodes (instance pool ${seeded.poolId}): marker only`,
      `adopt  DatabricksPipeline default/sales-tables (pipeline ${seeded.pipelineId}): marker only`,
      `adopt  DatabricksSqlWarehouse default/reporting (SQL warehouse ${seeded.warehouseId}): marker only`,
      `adopt  DatabricksSqlWarehouse default/ad-hoc (SQL warehouse ${seeded.stoppedWarehouseId}): marker only`,
      `none   DatabricksRepo default/repos-ci-sales-etl (Git folder ${seeded.repoPath})`,
      // The token is never returned, so a plan cannot compare it: the fields are what Databricks has.
      `none   DatabricksGitCredential default/git-github (Git credential ${seeded.credentialId})`,
      `adopt  DatabricksJob default/daily-sales (job ${seeded.salesJobId}): marker only`,
      expect.stringMatching(/: 0 to create, 0 to update, 5 to adopt, 0 refused, 0 to delete, 3 unchanged\.$/),
    ]);
  });

  it("adopts the principal's Git credential with its token from a Secret to create, and says so", async () => {
    const { manifests, stderr } = await importYaml('--git-credentials');
    expect(manifests.map((manifest) => manifest.kind)).toEqual([
      'DatabricksWorkspace',
      'DatabricksGitCredential',
    ]);
    expect(manifests[1]).toEqual(
      expect.objectContaining({
        metadata: { name: 'git-github' },
        spec: {
          workspaceRef: { name: 'workspace' },
          git_provider: 'gitHub',
          git_username: 'etl-bot',
          git_email: 'etl-bot@example.com',
          personal_access_token: { secretKeyRef: { name: 'git-github-token', key: 'token' } },
          adopt: true,
        },
      }),
    );
    expect(stderr).toContain('1 Git credential.');
    // The token itself is nowhere in the output: Databricks never returns it.
    expect(JSON.stringify(manifests)).not.toContain('ghp_seeded');
    const typescript = await runCommandLine(['import', '--git-credentials'], { env });
    expect(typescript.stdout).toContain('Before applying, create Secret git-github-token');
  });

  it('imports one kind alone with its flag', async () => {
    const { manifests } = await importYaml('--sql-warehouses');
    expect(manifests.map((manifest) => manifest.kind)).toEqual([
      'DatabricksWorkspace',
      'DatabricksSqlWarehouse',
      'DatabricksSqlWarehouse',
    ]);
  });
});
