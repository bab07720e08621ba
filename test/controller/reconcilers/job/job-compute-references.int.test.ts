import type { DatabricksCluster } from '../../../../controller/reconcilers/cluster/cluster.js';
import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { RESOURCES, useOperatorTestBed, type OperatorTestBedOptions } from '../../operator-test-bed.js';
import {
  CLUSTERS,
  QUICK_CLUSTERS,
  clusterSettings,
  clusterSpec,
  remoteCluster,
} from '../cluster/cluster-fixtures.js';
import { JOBS, jobSpec, remoteJob } from './job-fixtures.js';

const POLICIES = RESOURCES.DatabricksClusterPolicy;
const POOLS = RESOURCES.DatabricksInstancePool;

// No policy or pool controller runs: the test plays them by writing their status by hand. A minute of
// not-Ready backoff means anything faster than that was the watch on the referenced object.
const operator: OperatorTestBedOptions['operator'] = {
  kinds: ['DatabricksWorkspace', 'DatabricksJob', 'DatabricksCluster', 'DatabricksRun'],
  notReadyBackoff: { minMs: 60_000, maxMs: 60_000 },
};

const readyCondition = () => ({
  type: 'Ready',
  status: 'True',
  reason: 'Synced',
  message: 'written by the test',
  lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
});

describe('cluster spec references: policy_ref, instance_pool_ref, driver_instance_pool_ref', () => {
  const bed = useOperatorTestBed('compute-refs', { operator, fake: { timing: QUICK_CLUSTERS } });
  const ready = (object: DatabricksJob | DatabricksCluster) =>
    object.status?.conditions?.find((c) => c.type === 'Ready');

  it('makes a job whose job cluster uses a policy and a pool wait for them, then resolves their IDs', async () => {
    await bed.create(POLICIES, 'DatabricksClusterPolicy', 'etl-policy', {
      workspaceRef: { name: 'ws' },
      definition: { autotermination_minutes: { type: 'fixed', value: 30 } },
    });
    await bed.create(POOLS, 'DatabricksInstancePool', 'etl-pool', {
      workspaceRef: { name: 'ws' },
      settings: { node_type_id: 'i3.xlarge' },
    });
    await bed.create(
      JOBS,
      'DatabricksJob',
      'governed',
      jobSpec({
        job_clusters: [
          {
            job_cluster_key: 'etl',
            new_cluster: {
              spark_version: '15.4.x-scala2.12',
              num_workers: 1,
              policy_ref: { name: 'etl-policy' },
              instance_pool_ref: { name: 'etl-pool' },
              driver_instance_pool_ref: { name: 'etl-pool' },
            },
          },
        ],
        tasks: [{ task_key: 'ingest', job_cluster_key: 'etl', notebook_task: { notebook_path: '/ingest' } }],
      }),
    );
    const waiting = await bed.waitForCondition<DatabricksJob>(JOBS, 'governed', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(ready(waiting)?.message).toBe(
      'spec.settings.job_clusters[etl].new_cluster.policy_ref: DatabricksClusterPolicy etl-policy is not Ready yet',
    );
    expect(bed.fake.requestCount('jobs/create')).toBe(0);

    const policyId = '0123456789ABCDEF';
    await bed.kube.patchCustomObjectStatus(POLICIES, bed.namespace, 'etl-policy', {
      status: { policyId, conditions: [readyCondition()] },
    });
    const stillWaiting = await pollUntil('the job to wait for the pool', async () => {
      const job = await bed.get<DatabricksJob>(JOBS, 'governed');
      return ready(job as DatabricksJob)?.message.includes('instance_pool_ref') ? job : undefined;
    });
    expect(ready(stillWaiting as DatabricksJob)?.message).toBe(
      'spec.settings.job_clusters[etl].new_cluster.instance_pool_ref: DatabricksInstancePool etl-pool is not Ready yet',
    );

    const poolId = '0101-000000-pool01';
    const started = Date.now();
    await bed.kube.patchCustomObjectStatus(POOLS, bed.namespace, 'etl-pool', {
      status: { instancePoolId: poolId, conditions: [readyCondition()] },
    });
    // Half the minute of backoff: time enough for a loaded machine, too little for the backoff's retry.
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'governed', {}, 30_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    const remote = await remoteJob(bed.fake, job.status?.jobId);
    const jobClusters = remote?.settings['job_clusters'] as { new_cluster: Record<string, unknown> }[];
    expect(jobClusters[0]?.new_cluster).toMatchObject({
      policy_id: policyId,
      instance_pool_id: poolId,
      driver_instance_pool_id: poolId,
    });
    expect(Object.keys(jobClusters[0]?.new_cluster ?? {})).not.toContain('policy_ref');
  }, 60_000);

  it('makes a DatabricksCluster wait for its policy, then creates the cluster with its policy_id', async () => {
    await bed.create(POLICIES, 'DatabricksClusterPolicy', 'shared-policy', {
      workspaceRef: { name: 'ws' },
      definition: { autotermination_minutes: { type: 'fixed', value: 30 } },
    });
    await bed.create(
      CLUSTERS,
      'DatabricksCluster',
      'governed-cluster',
      clusterSpec(clusterSettings('governed-cluster', { policy_ref: { name: 'shared-policy' } })),
    );
    const waiting = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'governed-cluster', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(ready(waiting)?.message).toBe(
      'spec.settings.policy_ref: DatabricksClusterPolicy shared-policy is not Ready yet',
    );
    expect(bed.fake.requestCount('clusters/create')).toBe(0);

    const policyId = 'FEDCBA9876543210';
    await bed.kube.patchCustomObjectStatus(POLICIES, bed.namespace, 'shared-policy', {
      status: { policyId, conditions: [readyCondition()] },
    });
    // Created at once (the cluster then starts; its polls are not this test's business).
    const clusterId = await pollUntil('the cluster to be created', async () => {
      const cluster = await bed.get<DatabricksCluster>(CLUSTERS, 'governed-cluster');
      return cluster?.status?.clusterId;
    });
    expect((await remoteCluster(bed.fake, clusterId))?.['policy_id']).toBe(policyId);
  });

  it('makes a one-off run whose task cluster draws on a pool wait for it, then submits with its ID', async () => {
    await bed.create(POOLS, 'DatabricksInstancePool', 'run-pool', {
      workspaceRef: { name: 'ws' },
      settings: { node_type_id: 'i3.xlarge' },
    });
    await bed.create(RESOURCES.DatabricksRun, 'DatabricksRun', 'once', {
      workspaceRef: { name: 'ws' },
      submit: {
        tasks: [
          {
            task_key: 'work',
            notebook_task: { notebook_path: '/Shared/work' },
            new_cluster: {
              spark_version: '15.4.x-scala2.12',
              num_workers: 1,
              instance_pool_ref: { name: 'run-pool' },
            },
          },
        ],
      },
    });
    const waiting = await bed.waitForCondition<DatabricksJob>(RESOURCES.DatabricksRun, 'once', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(ready(waiting)?.message).toBe(
      'spec.submit.tasks[work].new_cluster.instance_pool_ref: DatabricksInstancePool run-pool is not Ready yet',
    );
    expect(bed.fake.requestCount('jobs/runs/submit')).toBe(0);

    const poolId = '0101-000000-pool02';
    await bed.kube.patchCustomObjectStatus(POOLS, bed.namespace, 'run-pool', {
      status: { instancePoolId: poolId, conditions: [readyCondition()] },
    });
    await pollUntil('the run to be submitted', async () =>
      bed.fake.requestCount('jobs/runs/submit') === 1 ? true : undefined,
    );
    const [submitted] = bed.fake.requests({ endpoint: 'jobs/runs/submit' });
    expect(submitted?.body).toMatchObject({
      tasks: [{ task_key: 'work', new_cluster: { instance_pool_id: poolId } }],
    });
  });
});
