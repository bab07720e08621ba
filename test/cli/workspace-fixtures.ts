/**
 * A workspace as a team has it before moving in, made in the fake "through the UI" (no request logged):
 * an all-purpose cluster, a notebook, a job on that cluster running that notebook with a condition
 * branch, a job on a job cluster that runs the first job, a secret scope with keys and ACLs, a DBFS file;
 * and what `import` must leave alone: a job and a cluster another DatabricksJob/DatabricksCluster owns,
 * a job an Asset Bundle deployed, a job cluster.
 */
import type { FakeWorkspace } from '../fake-databricks/index.js';

/** IDs of what {@link seedWorkspace} made. */
export interface SeededWorkspace {
  readonly clusterId: string;
  readonly etlJobId: number;
  readonly reportJobId: number;
  readonly ownedJobId: number;
  readonly bundleJobId: number;
  readonly ownedClusterId: string;
  readonly notebookPath: string;
  readonly notebookSource: string;
  readonly dbfsPath: string;
  readonly dbfsContent: Buffer;
  readonly scope: string;
  readonly scopeKeys: readonly string[];
}

export const NOTEBOOK_SOURCE = '# Databricks notebook source\nprint("ingest")\n';

/** Fills `fake` with the workspace described above. */
export async function seedWorkspace(fake: FakeWorkspace): Promise<SeededWorkspace> {
  const { cluster_id: clusterId } = (await fake.ui.call('clusters/create', {
    cluster_name: 'Shared Analytics',
    spark_version: '15.4.x-scala2.12',
    node_type_id: 'i3.xlarge',
    autoscale: { min_workers: 1, max_workers: 4 },
    autotermination_minutes: 60,
    spark_conf: { 'spark.speculation': 'true' },
    custom_tags: { team: 'analytics' },
  })) as { cluster_id: string };
  const { cluster_id: ownedClusterId } = (await fake.ui.call('clusters/create', {
    cluster_name: 'owned elsewhere',
    spark_version: '15.4.x-scala2.12',
    num_workers: 1,
    custom_tags: { 'k8s-owner': 'other/cluster', 'k8s-owner-uid': 'uid-2' },
  })) as { cluster_id: string };

  const notebookPath = '/Shared/etl/ingest';
  await fake.ui.call('workspace/mkdirs', { path: '/Shared/etl' });
  await fake.ui.call('workspace/import', {
    path: notebookPath,
    language: 'PYTHON',
    format: 'SOURCE',
    content: Buffer.from('print("ingest")\n').toString('base64'),
  });

  const { job_id: etlJobId } = (await fake.ui.call('jobs/create', {
    name: 'Nightly ETL',
    description: 'Loads the day into the lake.',
    schedule: {
      quartz_cron_expression: '0 0 2 * * ?',
      timezone_id: 'Europe/Amsterdam',
      pause_status: 'UNPAUSED',
    },
    email_notifications: { on_failure: ['data-team@example.com'] },
    max_concurrent_runs: 2,
    tags: { team: 'analytics' },
    parameters: [{ name: 'day', default: 'today' }],
    tasks: [
      {
        task_key: 'ingest',
        notebook_task: { notebook_path: notebookPath, base_parameters: { mode: 'full' } },
        existing_cluster_id: clusterId,
        max_retries: 2,
      },
      {
        task_key: 'check',
        depends_on: [{ task_key: 'ingest' }],
        condition_task: { op: 'GREATER_THAN', left: '{{tasks.ingest.values.rows}}', right: '0' },
      },
      {
        task_key: 'publish',
        depends_on: [{ task_key: 'check', outcome: 'true' }],
        spark_python_task: {
          python_file: 'dbfs:/FileStore/etl/publish.py',
          parameters: ['--day', '{{job.parameters.day}}'],
        },
        existing_cluster_id: clusterId,
        libraries: [{ pypi: { package: 'requests==2.32.3' } }],
      },
    ],
  })) as { job_id: number };

  const { job_id: reportJobId } = (await fake.ui.call('jobs/create', {
    name: 'weekly report',
    job_clusters: [
      {
        job_cluster_key: 'small',
        new_cluster: { spark_version: '15.4.x-scala2.12', node_type_id: 'm5d.large', num_workers: 1 },
      },
    ],
    tasks: [
      { task_key: 'refresh', run_job_task: { job_id: etlJobId } },
      {
        task_key: 'summarize',
        depends_on: [{ task_key: 'refresh' }],
        job_cluster_key: 'small',
        spark_jar_task: { main_class_name: 'com.example.Summary' },
        timeout_seconds: 3600,
      },
    ],
  })) as { job_id: number };

  const { job_id: ownedJobId } = (await fake.ui.call('jobs/create', {
    name: 'already managed',
    tags: { 'k8s-owner': 'other/job', 'k8s-owner-uid': 'uid-1' },
    tasks: [{ task_key: 'a', notebook_task: { notebook_path: '/x' }, existing_cluster_id: clusterId }],
  })) as { job_id: number };
  const { job_id: bundleJobId } = (await fake.ui.call('jobs/create', {
    name: 'bundled',
    deployment: { kind: 'BUNDLE', metadata_file_path: '/Workspace/Users/me/.bundle/app/state/metadata.json' },
    tasks: [{ task_key: 'a', notebook_task: { notebook_path: '/x' }, existing_cluster_id: clusterId }],
  })) as { job_id: number };

  const scope = 'etl-secrets';
  await fake.ui.call('secrets/scopes/create', { scope });
  for (const key of ['warehouse-password', 'api_token']) {
    await fake.ui.call('secrets/put', { scope, key, string_value: `value of ${key}` });
  }
  await fake.ui.call('secrets/acls/put', { scope, principal: 'data-engineers', permission: 'READ' });

  const dbfsPath = '/FileStore/etl/config.json';
  const dbfsContent = Buffer.from('{"lake": "abfss://lake@example.dfs.core.windows.net"}\n');
  await fake.ui.call('dbfs/put', {
    path: dbfsPath,
    contents: dbfsContent.toString('base64'),
    overwrite: true,
  });

  return {
    clusterId,
    etlJobId,
    reportJobId,
    ownedJobId,
    bundleJobId,
    ownedClusterId,
    notebookPath,
    notebookSource: NOTEBOOK_SOURCE,
    dbfsPath,
    dbfsContent,
    scope,
    scopeKeys: ['api_token', 'warehouse-password'],
  };
}

/** IDs of what {@link seedComputeKinds} made. */
export interface SeededComputeKinds {
  readonly policyId: string;
  readonly poolId: string;
  readonly ownedPoolId: string;
  readonly pipelineId: string;
  readonly warehouseId: string;
  readonly stoppedWarehouseId: string;
  readonly repoId: number;
  readonly repoPath: string;
  /** The Git credential of the principal the fake's token stands for. */
  readonly credentialId: number;
  /**
   * A job whose job cluster follows the policy and draws from the pool, refreshing the pipeline, then
   * querying the warehouse and running a notebook of the Git folder.
   */
  readonly salesJobId: number;
}

/**
 * Adds to `fake`, as made by hand: a cluster policy, an instance pool, a pipeline, two SQL warehouses
 * (one stopped), a job naming all four by ID; and a pool another DatabricksInstancePool owns. The
 * workspace's default policies (one per family) are there already.
 */
export async function seedComputeKinds(fake: FakeWorkspace): Promise<SeededComputeKinds> {
  const { policy_id: policyId } = (await fake.ui.call('policies/clusters/create', {
    name: 'Team compute',
    description: 'Small, short-lived clusters.',
    definition: JSON.stringify({
      autotermination_minutes: { type: 'range', maxValue: 60, defaultValue: 30 },
      spark_version: { type: 'fixed', value: '15.4.x-scala2.12' },
    }),
    max_clusters_per_user: 2,
  })) as { policy_id: string };
  const { instance_pool_id: poolId } = (await fake.ui.call('instance-pools/create', {
    instance_pool_name: 'Warm nodes',
    node_type_id: 'i3.xlarge',
    min_idle_instances: 0,
    max_capacity: 10,
    idle_instance_autotermination_minutes: 15,
    custom_tags: { team: 'analytics' },
  })) as { instance_pool_id: string };
  const { instance_pool_id: ownedPoolId } = (await fake.ui.call('instance-pools/create', {
    instance_pool_name: 'owned elsewhere',
    node_type_id: 'i3.xlarge',
    custom_tags: { 'k8s-owner': 'other/pool', 'k8s-owner-uid': 'uid-3' },
  })) as { instance_pool_id: string };
  const { pipeline_id: pipelineId } = (await fake.ui.call('pipelines/create', {
    name: 'Sales tables',
    catalog: 'main',
    schema: 'sales',
    serverless: true,
    libraries: [{ glob: { include: '/Workspace/Shared/sales/**' } }],
    configuration: { 'sales.source': 's3://acme-raw/sales/' },
  })) as { pipeline_id: string };
  const { id: warehouseId } = (await fake.ui.call('sql/warehouses/create', {
    name: 'Reporting',
    cluster_size: 'X-Small',
    auto_stop_mins: 15,
    max_num_clusters: 2,
    tags: { custom_tags: [{ key: 'team', value: 'analytics' }] },
  })) as { id: string };
  const { id: stoppedWarehouseId } = (await fake.ui.call('sql/warehouses/create', {
    name: 'Ad hoc',
    cluster_size: 'Small',
  })) as { id: string };
  await fake.ui.call('sql/warehouses/stop', { id: stoppedWarehouseId });
  const repoPath = '/Repos/ci/sales-etl';
  await fake.ui.call('workspace/mkdirs', { path: '/Repos/ci' });
  const { id: repoId } = (await fake.ui.call('repos/create', {
    url: 'https://github.com/acme/sales-etl.git',
    provider: 'gitHub',
    path: repoPath,
  })) as { id: number };
  await fake.ui.call('repos/update', { repo_id: repoId, branch: 'release' });
  const { credential_id: credentialId } = (await fake.ui.call('git-credentials/create', {
    git_provider: 'gitHub',
    git_username: 'etl-bot',
    git_email: 'etl-bot@example.com',
    personal_access_token: 'ghp_seeded',
  })) as { credential_id: number };
  const { job_id: salesJobId } = (await fake.ui.call('jobs/create', {
    name: 'Daily sales',
    job_clusters: [
      {
        job_cluster_key: 'etl',
        new_cluster: {
          spark_version: '15.4.x-scala2.12',
          num_workers: 1,
          policy_id: policyId,
          instance_pool_id: poolId,
        },
      },
    ],
    tasks: [
      { task_key: 'refresh', pipeline_task: { pipeline_id: pipelineId } },
      {
        task_key: 'report',
        depends_on: [{ task_key: 'refresh' }],
        sql_task: { warehouse_id: warehouseId, query: { query_id: 'q-1' } },
      },
      {
        task_key: 'aggregate',
        depends_on: [{ task_key: 'refresh' }],
        job_cluster_key: 'etl',
        notebook_task: { notebook_path: '/Shared/sales/aggregate' },
      },
      {
        task_key: 'publish',
        depends_on: [{ task_key: 'aggregate' }],
        job_cluster_key: 'etl',
        notebook_task: { notebook_path: `${repoPath}/etl/publish` },
      },
      // Tasks that run on the warehouse beside something else they name: a SQL notebook, dbt, a
      // dashboard refresh and an alert.
      {
        task_key: 'summary',
        depends_on: [{ task_key: 'refresh' }],
        notebook_task: { notebook_path: '/Shared/sales/summary', warehouse_id: warehouseId },
      },
      {
        task_key: 'models',
        depends_on: [{ task_key: 'refresh' }],
        job_cluster_key: 'etl',
        dbt_task: { commands: ['dbt deps', 'dbt build'], warehouse_id: warehouseId },
      },
      {
        task_key: 'digest',
        depends_on: [{ task_key: 'report' }],
        dashboard_task: {
          dashboard_id: '01ef-sales',
          warehouse_id: warehouseId,
          subscription: { subscribers: [{ user_name: 'ana@example.com' }] },
        },
      },
      {
        task_key: 'late',
        depends_on: [{ task_key: 'report' }],
        alert_task: { alert_id: 'a-late', warehouse_id: warehouseId },
      },
    ],
  })) as { job_id: number };
  return {
    policyId,
    poolId,
    ownedPoolId,
    pipelineId,
    warehouseId,
    stoppedWarehouseId,
    repoId,
    repoPath,
    credentialId,
    salesJobId,
  };
}
