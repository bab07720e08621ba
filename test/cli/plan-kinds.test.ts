/**
 * `plan` for cluster policies, instance pools, pipelines, SQL warehouses, Git folders and Git
 * credentials, and the references jobs and clusters make to them, against the fake workspace.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ManualClock, startFakeWorkspace, type FakeWorkspace } from '../fake-databricks/index.js';
import { runCommandLine } from './cli-runner.js';

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
const markerPairs = (name: string) => Object.entries(marker(name)).map(([key, value]) => ({ key, value }));

const URL = 'https://github.com/acme/orders-etl.git';
const definition = { spark_version: { type: 'fixed', value: '15.4.x-scala2.12' } };
const poolSettings = { node_type_id: 'i3.xlarge', min_idle_instances: 0, max_capacity: 10 };
const pipelineSettings = {
  catalog: 'main',
  schema: 'sales',
  serverless: true,
  libraries: [{ glob: { include: '/Workspace/Shared/sales/**' } }],
};
const warehouseSettings = { cluster_size: 'X-Small', auto_stop_mins: 15 };

/** The files of a workspace with one object of each kind, and a job and a cluster naming them. */
const everyKind = (overrides: Record<string, Json> = {}): Json[] => [
  object('DatabricksClusterPolicy', 'team-policy', { definition, ...overrides.policy }),
  object('DatabricksInstancePool', 'warm', { settings: poolSettings, ...overrides.pool }),
  object('DatabricksPipeline', 'sales', { settings: pipelineSettings, ...overrides.pipeline }),
  object('DatabricksSqlWarehouse', 'reporting', { settings: warehouseSettings, ...overrides.warehouse }),
  object('DatabricksGitCredential', 'github', {
    git_provider: 'gitHub',
    git_username: 'etl-bot',
    personal_access_token: { secretKeyRef: { name: 'github-token', key: 'token' } },
    ...overrides.credential,
  }),
  object('DatabricksRepo', 'code', {
    url: URL,
    path: '/Shared/orders-etl',
    branch: 'release',
    ...overrides.repo,
  }),
  object('DatabricksCluster', 'team', {
    settings: {
      cluster_name: 'team',
      spark_version: '15.4.x-scala2.12',
      num_workers: 1,
      policy_ref: { name: 'team-policy' },
      instance_pool_ref: { name: 'warm' },
    },
  }),
  object('DatabricksJob', 'daily', {
    settings: {
      name: 'daily',
      job_clusters: [
        {
          job_cluster_key: 'etl',
          new_cluster: {
            spark_version: '15.4.x-scala2.12',
            num_workers: 1,
            policy_ref: { name: 'team-policy' },
            instance_pool_ref: { name: overrides.job?.pool ?? 'warm' },
          },
        },
      ],
      tasks: [
        { task_key: 'refresh', pipeline_task: { pipeline_ref: { name: 'sales' } } },
        {
          task_key: 'report',
          depends_on: [{ task_key: 'refresh' }],
          sql_task: {
            file: { path: '/Workspace/Shared/report.sql', source: 'WORKSPACE' },
            warehouse_ref: { name: 'reporting' },
          },
        },
        {
          task_key: 'ingest',
          job_cluster_key: 'etl',
          notebook_task: { repo_ref: { name: 'code', path: 'etl/ingest' } },
        },
      ],
    },
  }),
];

describe('cdk8s-databricks plan: cluster policies, pools, pipelines, warehouses, Git folders and credentials', () => {
  let fake: FakeWorkspace;
  let clock: ManualClock;
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    clock = new ManualClock();
    fake = await startFakeWorkspace({ rateLimits: false, clock });
  });
  afterAll(async () => fake.close());
  beforeEach(() => {
    fake.reset();
    env = { DATABRICKS_HOST: fake.url, DATABRICKS_TOKEN: fake.token };
    dir = mkdtempSync(join(tmpdir(), 'plan-kinds-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const plan = async (objects: readonly Json[]) => {
    writeFileSync(join(dir, 'app.k8s.yaml'), objects.map((o) => stringify(o)).join('---\n'));
    fake.clearRequests();
    const run = await runCommandLine(['plan', dir], { env });
    expect(run.stderr).toBe('');
    expect(fake.requests().filter((request) => request.method !== 'GET')).toEqual([]);
    return { status: run.status, lines: run.stdout.trimEnd().split('\n') };
  };

  /** The workspace as the controller leaves it for {@link everyKind}: each object made, with its marker. */
  const made = async () => {
    const { policy_id: policyId } = (await fake.ui.call('policies/clusters/create', {
      name: 'team-policy',
      definition: JSON.stringify(definition),
    })) as { policy_id: string };
    const { instance_pool_id: poolId } = (await fake.ui.call('instance-pools/create', {
      instance_pool_name: 'warm',
      ...poolSettings,
      custom_tags: marker('warm'),
    })) as { instance_pool_id: string };
    const { pipeline_id: pipelineId } = (await fake.ui.call('pipelines/create', {
      name: 'sales',
      ...pipelineSettings,
      tags: marker('sales'),
    })) as { pipeline_id: string };
    const { id: warehouseId } = (await fake.ui.call('sql/warehouses/create', {
      name: 'reporting',
      ...warehouseSettings,
      tags: { custom_tags: markerPairs('reporting') },
    })) as { id: string };
    clock.advance(60_000);
    const { credential_id: credentialId } = (await fake.ui.call('git-credentials/create', {
      git_provider: 'gitHub',
      git_username: 'etl-bot',
      personal_access_token: 'ghp_plan',
    })) as { credential_id: number };
    const { id: repoId } = (await fake.ui.call('repos/create', {
      url: URL,
      provider: 'gitHub',
      path: '/Shared/orders-etl',
    })) as { id: number };
    await fake.ui.call('repos/update', { repo_id: repoId, branch: 'release' });
    return { policyId, poolId, pipelineId, warehouseId, credentialId, repoId };
  };

  it('plans each object to be created, resolves references to them, and names the one missing; one list per kind', async () => {
    const { status, lines } = await plan(
      everyKind({ job: { pool: 'gone-pool' }, repo: { gitCredentialRef: { name: 'gitlab' } } }),
    );
    expect(lines).toEqual([
      'create DatabricksClusterPolicy default/team-policy',
      'create DatabricksInstancePool default/warm',
      'create DatabricksPipeline default/sales',
      'create DatabricksSqlWarehouse default/reporting',
      'create DatabricksGitCredential default/github',
      'create DatabricksRepo default/code (Git folder /Shared/orders-etl): spec.gitCredentialRef: DatabricksGitCredential default/gitlab is not in these files',
      'create DatabricksCluster default/team',
      'create DatabricksJob default/daily: job_clusters[etl].new_cluster.instance_pool_ref: DatabricksInstancePool default/gone-pool is not in these files',
      `Plan for ${fake.url}: 8 to create, 0 to update, 0 to adopt, 0 refused, 0 to delete, 0 unchanged.`,
    ]);
    expect(status).toBe(2);
    for (const list of [
      'policies/clusters/list',
      'instance-pools/list',
      'pipelines/list',
      'sql/warehouses/list',
      'git-credentials/list',
      'clusters/list',
      'jobs/list',
    ]) {
      expect([list, fake.requestCount(list)]).toEqual([list, 1]);
    }
    expect(fake.requestCount('policies/clusters/get')).toBe(0);
    expect(fake.requestCount('sql/warehouses/get')).toBe(0);
  });

  it('finds nothing to do where the controller made every object, references resolved to their IDs and paths', async () => {
    const ids = await made();
    const { job_id: jobId } = (await fake.ui.call('jobs/create', {
      name: 'daily',
      tags: marker('daily'),
      job_clusters: [
        {
          job_cluster_key: 'etl',
          new_cluster: {
            spark_version: '15.4.x-scala2.12',
            num_workers: 1,
            policy_id: ids.policyId,
            instance_pool_id: ids.poolId,
          },
        },
      ],
      tasks: [
        { task_key: 'refresh', pipeline_task: { pipeline_id: ids.pipelineId } },
        {
          task_key: 'report',
          depends_on: [{ task_key: 'refresh' }],
          sql_task: {
            file: { path: '/Workspace/Shared/report.sql', source: 'WORKSPACE' },
            warehouse_id: ids.warehouseId,
          },
        },
        {
          task_key: 'ingest',
          job_cluster_key: 'etl',
          notebook_task: { notebook_path: '/Shared/orders-etl/etl/ingest' },
        },
      ],
    })) as { job_id: number };
    const objects = everyKind().filter((o) => o.kind !== 'DatabricksCluster');
    const { status, lines } = await plan(objects);
    expect(lines).toEqual([
      `none   DatabricksClusterPolicy default/team-policy (cluster policy ${ids.policyId})`,
      `none   DatabricksInstancePool default/warm (instance pool ${ids.poolId})`,
      `none   DatabricksPipeline default/sales (pipeline ${ids.pipelineId})`,
      `none   DatabricksSqlWarehouse default/reporting (SQL warehouse ${ids.warehouseId})`,
      `none   DatabricksGitCredential default/github (Git credential ${ids.credentialId})`,
      'none   DatabricksRepo default/code (Git folder /Shared/orders-etl)',
      `none   DatabricksJob default/daily (job ${jobId})`,
      `Plan for ${fake.url}: 0 to create, 0 to update, 0 to adopt, 0 refused, 0 to delete, 7 unchanged.`,
    ]);
    expect(status).toBe(0);
    // The pipelines list shows no tags: each listed pipeline is read once.
    expect(fake.requestCount('pipelines/get')).toBe(1);
  });

  it('names the fields changed in Databricks, and plans the deletion of marked objects the files no longer hold', async () => {
    const ids = await made();
    await fake.ui.call('policies/clusters/edit', {
      policy_id: ids.policyId,
      name: 'team-policy',
      definition: JSON.stringify({ spark_version: { type: 'fixed', value: '14.3.x-scala2.12' } }),
      max_clusters_per_user: 9,
    });
    await fake.ui.call('instance-pools/edit', {
      instance_pool_id: ids.poolId,
      instance_pool_name: 'warm',
      node_type_id: 'i3.xlarge',
      max_capacity: 20,
      custom_tags: marker('warm'),
    });
    await fake.ui.call('sql/warehouses/edit', { id: ids.warehouseId, auto_stop_mins: 45 });
    await fake.ui.call('repos/update', { repo_id: ids.repoId, branch: 'main' });
    await fake.ui.call('git-credentials/update', {
      credential_id: ids.credentialId,
      git_provider: 'gitHub',
      git_username: 'someone-else',
    });
    const { instance_pool_id: leftPoolId } = (await fake.ui.call('instance-pools/create', {
      instance_pool_name: 'old pool',
      node_type_id: 'i3.xlarge',
      custom_tags: marker('old-pool'),
    })) as { instance_pool_id: string };
    const { id: leftWarehouseId } = (await fake.ui.call('sql/warehouses/create', {
      name: 'old warehouse',
      cluster_size: 'X-Small',
      tags: { custom_tags: markerPairs('old-warehouse') },
    })) as { id: string };
    const { pipeline_id: leftPipelineId } = (await fake.ui.call('pipelines/create', {
      name: 'old pipeline',
      ...pipelineSettings,
      tags: marker('old-pipeline'),
    })) as { pipeline_id: string };
    clock.advance(60_000);

    const objects = everyKind().filter((o) => o.kind !== 'DatabricksCluster' && o.kind !== 'DatabricksJob');
    const { status, lines } = await plan(objects);
    const deleted = (kind: string, name: string, target: string) =>
      `delete ${kind} default/${name} (${target}): its marker names ${kind} default/${name}, which these files no longer hold: deleted when that object is deleted (unless its deletionPolicy keeps it)`;
    expect(lines).toEqual([
      `update DatabricksClusterPolicy default/team-policy (cluster policy ${ids.policyId}): max_clusters_per_user, definition`,
      `update DatabricksInstancePool default/warm (instance pool ${ids.poolId}): max_capacity`,
      `none   DatabricksPipeline default/sales (pipeline ${ids.pipelineId})`,
      `update DatabricksSqlWarehouse default/reporting (SQL warehouse ${ids.warehouseId}): auto_stop_mins`,
      `update DatabricksGitCredential default/github (Git credential ${ids.credentialId}): git_username`,
      'update DatabricksRepo default/code (Git folder /Shared/orders-etl): branch',
      deleted('DatabricksInstancePool', 'old-pool', `instance pool ${leftPoolId}`),
      deleted('DatabricksPipeline', 'old-pipeline', `pipeline ${leftPipelineId}`),
      deleted('DatabricksSqlWarehouse', 'old-warehouse', `SQL warehouse ${leftWarehouseId}`),
      `Plan for ${fake.url}: 0 to create, 5 to update, 0 to adopt, 0 refused, 3 to delete, 1 unchanged.`,
    ]);
    expect(status).toBe(2);
  });

  it('refuses what the controller would not take, and adopts it with spec.adopt', async () => {
    await fake.ui.call('policies/clusters/create', {
      name: 'team-policy',
      definition: JSON.stringify({ spark_version: { type: 'fixed', value: '14.3.x-scala2.12' } }),
    });
    const { instance_pool_id: poolId } = (await fake.ui.call('instance-pools/create', {
      instance_pool_name: 'warm',
      ...poolSettings,
    })) as { instance_pool_id: string };
    const { pipeline_id: pipelineId } = (await fake.ui.call('pipelines/create', {
      name: 'sales',
      ...pipelineSettings,
    })) as { pipeline_id: string };
    const { id: warehouseId } = (await fake.ui.call('sql/warehouses/create', {
      name: 'reporting',
      ...warehouseSettings,
    })) as { id: string };
    clock.advance(60_000);
    const { credential_id: credentialId } = (await fake.ui.call('git-credentials/create', {
      git_provider: 'gitLab',
      personal_access_token: 'glpat',
    })) as { credential_id: number };
    await fake.ui.call('repos/create', {
      url: 'https://github.com/acme/other.git',
      provider: 'gitHub',
      path: '/Shared/orders-etl',
    });
    const refused = await plan(everyKind().slice(0, 6));
    expect(refused.lines.map((line) => line.split(': ').slice(0, 2).join(': '))).toEqual([
      // No marker on a policy: the one of its name is planned as its own.
      expect.stringMatching(
        /^update DatabricksClusterPolicy default\/team-policy \(cluster policy \w+\): definition$/,
      ),
      `refuse DatabricksInstancePool default/warm (instance pool ${poolId}): PoolExists`,
      `refuse DatabricksPipeline default/sales (pipeline ${pipelineId}): NameInUse`,
      `refuse DatabricksSqlWarehouse default/reporting (SQL warehouse ${warehouseId}): NameInUse`,
      `refuse DatabricksGitCredential default/github (Git credential ${credentialId}): CredentialExists`,
      'refuse DatabricksRepo default/code (Git folder /Shared/orders-etl): RepoExists',
      expect.stringMatching(/^Plan for /),
    ]);

    const adopting = await plan(
      everyKind({
        policy: { adopt: true },
        pool: { adopt: true, settings: { ...poolSettings, max_capacity: 12 } },
        pipeline: { pipelineId },
        warehouse: { warehouseId },
        credential: { adopt: true },
        repo: { adopt: true },
      }).slice(0, 6),
    );
    expect(adopting.lines.slice(0, 5)).toEqual([
      expect.stringMatching(
        /^adopt {2}DatabricksClusterPolicy default\/team-policy \(cluster policy \w+\): definition; /,
      ),
      `adopt  DatabricksInstancePool default/warm (instance pool ${poolId}): max_capacity; settings replaced by the spec, and the marker added`,
      `adopt  DatabricksPipeline default/sales (pipeline ${pipelineId}): marker only`,
      `adopt  DatabricksSqlWarehouse default/reporting (SQL warehouse ${warehouseId}): marker only`,
      `adopt  DatabricksGitCredential default/github (Git credential ${credentialId}): git_provider, git_username; settings replaced by the spec, and the marker added`,
    ]);
    // A Git folder of another repository is refused even with spec.adopt.
    expect(adopting.lines[5]).toMatch(
      /^refuse DatabricksRepo default\/code \(Git folder \/Shared\/orders-etl\): RepoExists: /,
    );
  });

  it('starts a stopped warehouse that spec.state wants Running, and stops a running one it wants Stopped', async () => {
    const { id } = (await fake.ui.call('sql/warehouses/create', {
      name: 'reporting',
      ...warehouseSettings,
      auto_stop_mins: 0,
      tags: { custom_tags: markerPairs('reporting') },
    })) as { id: string };
    clock.advance(60_000);
    const warehouse = (state?: string) =>
      object('DatabricksSqlWarehouse', 'reporting', {
        settings: { ...warehouseSettings, auto_stop_mins: 0 },
        ...(state ? { state } : {}),
      });
    const stopping = await plan([warehouse('Stopped')]);
    expect(stopping.lines[0]).toBe(
      `update DatabricksSqlWarehouse default/reporting (SQL warehouse ${id}): state; state RUNNING: stopped, as spec.state is Stopped`,
    );
    await fake.ui.call('sql/warehouses/stop', { id });
    clock.advance(60_000);
    const starting = await plan([warehouse()]);
    expect(starting.lines[0]).toBe(
      `update DatabricksSqlWarehouse default/reporting (SQL warehouse ${id}): state; state STOPPED: started, as spec.state is Running`,
    );
    expect((await plan([warehouse('Stopped')])).status).toBe(0);
  });
});
