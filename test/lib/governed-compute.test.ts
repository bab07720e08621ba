import { Chart, Testing } from 'cdk8s';
import {
  DatabricksCluster,
  DatabricksClusterPolicy,
  DatabricksInstancePool,
  DatabricksJob,
  DatabricksWorkspace,
  TaskType,
} from '../../lib/index.js';

function setup() {
  const chart = new Chart(Testing.app(), 'app', { namespace: 'data' });
  return { chart, workspace: DatabricksWorkspace.fromName('prod') };
}

const manifests = (chart: Chart) => Testing.synth(chart);
const byKind = (chart: Chart, kind: string) => manifests(chart).filter((o) => o.kind === kind);

describe('DatabricksClusterPolicy', () => {
  it('synthesizes the typed definition, limits and grants', () => {
    const { chart, workspace } = setup();
    new DatabricksClusterPolicy(chart, 'etl-policy', {
      workspace,
      policyName: 'etl',
      definition: {
        autotermination_minutes: { type: 'fixed', value: 30, hidden: true },
        'autoscale.max_workers': { type: 'range', maxValue: 10 },
      },
      maxClustersPerUser: 2,
      deletionPolicy: 'Retain',
    }).grant({ group: 'data-engineers' }, 'CAN_USE');
    expect(byKind(chart, 'DatabricksClusterPolicy')[0].spec).toEqual({
      workspaceRef: { name: 'prod' },
      name: 'etl',
      definition: {
        autotermination_minutes: { type: 'fixed', value: 30, hidden: true },
        'autoscale.max_workers': { type: 'range', maxValue: 10 },
      },
      max_clusters_per_user: 2,
      permissions: {
        mode: 'Additive',
        access_control_list: [{ group_name: 'data-engineers', permission_level: 'CAN_USE' }],
      },
      deletionPolicy: 'Retain',
    });
  });

  it('refuses at synth a policy with both a definition and a family, or neither', () => {
    const { chart, workspace } = setup();
    new DatabricksClusterPolicy(chart, 'both', {
      workspace,
      definition: { num_workers: { type: 'fixed', value: 1 } },
      policyFamilyId: 'job-cluster',
    });
    expect(() => manifests(chart)).toThrow(/give exactly one of definition and policyFamilyId/);
  });
});

describe('DatabricksInstancePool', () => {
  it('synthesizes the settings verbatim and its grants', () => {
    const { chart, workspace } = setup();
    new DatabricksInstancePool(chart, 'etl-pool', {
      workspace,
      settings: { node_type_id: 'i3.xlarge', min_idle_instances: 1, max_capacity: 10 },
    }).grant({ group: 'data-engineers' }, 'CAN_ATTACH_TO');
    expect(byKind(chart, 'DatabricksInstancePool')[0].spec).toEqual({
      workspaceRef: { name: 'prod' },
      settings: { node_type_id: 'i3.xlarge', min_idle_instances: 1, max_capacity: 10 },
      permissions: {
        mode: 'Additive',
        access_control_list: [{ group_name: 'data-engineers', permission_level: 'CAN_ATTACH_TO' }],
      },
    });
  });

  it('refuses at synth min_idle_instances above max_capacity', () => {
    const { chart, workspace } = setup();
    new DatabricksInstancePool(chart, 'p', {
      workspace,
      settings: { node_type_id: 'i3.xlarge', min_idle_instances: 5, max_capacity: 2 },
    });
    expect(() => manifests(chart)).toThrow(/min_idle_instances \(5\) is above max_capacity \(2\)/);
  });
});

describe('withPolicy and withPool', () => {
  it('give a DatabricksCluster policy_ref, instance_pool_ref and driver_instance_pool_ref', () => {
    const { chart, workspace } = setup();
    const policy = new DatabricksClusterPolicy(chart, 'policy', {
      workspace,
      definition: { autotermination_minutes: { type: 'fixed', value: 30 } },
    });
    const workers = new DatabricksInstancePool(chart, 'workers', {
      workspace,
      settings: { node_type_id: 'i3.xlarge' },
    });
    const drivers = DatabricksInstancePool.fromName('drivers', workspace);
    new DatabricksCluster(chart, 'shared', {
      workspace,
      settings: { spark_version: '15.4.x-scala2.12', num_workers: 2 },
    })
      .withPolicy(policy)
      .withPool(workers, { driver: drivers });
    expect(byKind(chart, 'DatabricksCluster')[0].spec.settings).toEqual({
      spark_version: '15.4.x-scala2.12',
      num_workers: 2,
      policy_ref: { name: policy.name },
      instance_pool_ref: { name: workers.name },
      driver_instance_pool_ref: { name: 'drivers' },
    });
  });

  it('give a job cluster the same references', () => {
    const { chart, workspace } = setup();
    const policy = DatabricksClusterPolicy.fromName('etl-policy', workspace);
    const pool = DatabricksInstancePool.fromName('etl-pool', workspace);
    const job = new DatabricksJob(chart, 'etl', { workspace });
    const cluster = job
      .addJobCluster('etl', { spark_version: '15.4.x-scala2.12', num_workers: 2 })
      .withPolicy(policy)
      .withPool(pool);
    job.addTask('ingest', { type: TaskType.notebook('/Shared/ingest'), runOn: cluster });
    expect(byKind(chart, 'DatabricksJob')[0].spec.settings.job_clusters).toEqual([
      {
        job_cluster_key: 'etl',
        new_cluster: {
          spark_version: '15.4.x-scala2.12',
          num_workers: 2,
          policy_ref: { name: 'etl-policy' },
          instance_pool_ref: { name: 'etl-pool' },
        },
      },
    ]);
  });

  it('refuse at synth an ID beside the reference, a node type with a pool, and another workspace', () => {
    const { chart, workspace } = setup();
    const job = new DatabricksJob(chart, 'etl', { workspace });
    const cluster = job
      .addJobCluster('etl', {
        spark_version: '15.4.x-scala2.12',
        policy_id: 'ABC',
        node_type_id: 'i3.xlarge',
      })
      .withPolicy(DatabricksClusterPolicy.fromName('p', DatabricksWorkspace.fromName('other')))
      .withPool(DatabricksInstancePool.fromName('pool', workspace));
    job.addTask('ingest', { type: TaskType.notebook('/Shared/ingest'), runOn: cluster });
    expect(() => manifests(chart)).toThrow(/policy_id is set and withPolicy\(\) adds its reference/);
    expect(() => manifests(chart)).toThrow(/node_type_id is set, but withPool\(\)/);
    expect(() => manifests(chart)).toThrow(
      /in DatabricksWorkspace other, but this DatabricksJob is in DatabricksWorkspace prod/,
    );
  });
});
