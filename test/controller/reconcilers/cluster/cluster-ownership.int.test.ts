import type { DatabricksCluster } from '../../../../controller/reconcilers/cluster/cluster.js';
import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import {
  KubeClient,
  type KubeObject,
  type ResourceType,
} from '../../../../controller/runtime/kube-client.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { testKubeConfig } from '../../../control-plane/test-cluster.js';
import { RESOURCES, useOperatorTestBed } from '../../operator-test-bed.js';
import {
  CLUSTERS,
  QUICK_CLUSTERS,
  clusterService,
  clusterSettings,
  clusterSpec,
  createReadyCluster,
  eventReasons,
  remoteCluster,
} from './cluster-fixtures.js';

const JOBS = RESOURCES.DatabricksJob;

/** A controller that dies after each clusters/create, before status says which cluster it made. */
class ClusterStatusWritesFail extends KubeClient {
  override async patchCustomObjectStatus<T extends KubeObject>(
    resource: ResourceType,
    namespace: string,
    name: string,
    patch: Record<string, unknown>,
  ): Promise<T> {
    if (resource.plural === CLUSTERS.plural)
      throw new Error('injected: the controller died before writing status');
    return super.patchCustomObjectStatus<T>(resource, namespace, name, patch);
  }
}

describe('DatabricksCluster reconciler: ownership, crash safety, deletion and references', () => {
  const bed = useOperatorTestBed('cluster-own', { fake: { timing: QUICK_CLUSTERS } });

  /** A cluster made outside the operator, as a user in the UI would. */
  async function clusterMadeInTheUi(name: string): Promise<string> {
    const created = await bed.fake.ui.call('clusters/create', { ...clusterSettings(name), num_workers: 2 });
    return String(created.cluster_id);
  }

  it('adopts spec.clusterId, replacing its settings and adding the ownership marker', async () => {
    const clusterId = await clusterMadeInTheUi('legacy');
    const cluster = await createReadyCluster(bed, 'adopter', { clusterId }, clusterSettings('adopted'));
    expect(cluster.status?.clusterId).toBe(clusterId);
    const remote = await remoteCluster(bed.fake, clusterId);
    expect(remote).toMatchObject({ cluster_name: 'adopted', num_workers: 1, state: 'RUNNING' });
    expect(remote?.custom_tags?.['k8s-owner-uid']).toBe(cluster.metadata.uid);
    expect(bed.fake.requestCount('clusters/create')).toBe(0);
    // The cluster may still be starting when adopted: the edit waits for RUNNING, never refused.
    expect(bed.fake.requestCount('clusters/edit', 400)).toBe(0);
    expect(bed.fake.requestCount('clusters/edit', 200)).toBe(1);
    expect(await eventReasons(bed, 'adopter')).toContain('Adopted');
  });

  it('adopts a cluster whose settings already match with a clusters/update of custom_tags alone, never an edit', async () => {
    const settings = clusterSettings('matching');
    const { cluster_id: clusterId } = (await bed.fake.ui.call('clusters/create', settings)) as {
      cluster_id: string;
    };
    const cluster = await createReadyCluster(bed, 'marker-only', { clusterId }, settings);
    expect(cluster.status?.clusterId).toBe(clusterId);
    expect(bed.fake.requestCount('clusters/edit')).toBe(0);
    expect(bed.fake.requestCount('clusters/update', 200)).toBe(1);
    const [update] = bed.fake.requests({ endpoint: 'clusters/update' });
    expect(update?.body).toEqual({
      cluster_id: clusterId,
      update_mask: 'custom_tags',
      cluster: {
        custom_tags: {
          ...(settings['custom_tags'] as Record<string, string> | undefined),
          'k8s-owner': `${bed.namespace}/marker-only`,
          'k8s-owner-uid': cluster.metadata.uid,
        },
      },
    });
    expect(await remoteCluster(bed.fake, clusterId)).toMatchObject({
      cluster_name: 'matching',
      state: 'RUNNING',
    });
    expect(await eventReasons(bed, 'marker-only')).toContain('Adopted');
  });

  it('reports ClusterNotFound for a spec.clusterId that does not exist', async () => {
    await bed.create(
      CLUSTERS,
      'DatabricksCluster',
      'nowhere',
      clusterSpec(clusterSettings('x'), { clusterId: '0101-000000-missing1' }),
    );
    const missing = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'nowhere', {
      status: 'False',
      reason: 'ClusterNotFound',
    });
    expect(missing.status?.conditions?.[0]?.message).toMatch(
      /^spec\.clusterId: cluster 0101-000000-missing1 does not exist/,
    );
  });

  it('refuses a cluster owned by another live DatabricksCluster, and leaves it there on delete', async () => {
    const owner = await createReadyCluster(bed, 'owner');
    const clusterId = owner.status?.clusterId ?? '';
    await bed.create(
      CLUSTERS,
      'DatabricksCluster',
      'intruder',
      clusterSpec(clusterSettings('intruder'), { clusterId }),
    );
    const refused = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'intruder', {
      status: 'False',
      reason: 'OwnedElsewhere',
    });
    expect(refused.status?.conditions?.[0]?.message).toContain(
      `belongs to DatabricksCluster ${bed.namespace}/owner`,
    );
    expect(refused.status?.clusterId).toBeUndefined();
    await bed.delete(CLUSTERS, 'intruder');
    await bed.waitForGone(CLUSTERS, 'intruder');
    expect((await remoteCluster(bed.fake, clusterId))?.cluster_name).toBe('owner');
    expect(bed.fake.requestCount('clusters/edit')).toBe(0);
    expect(bed.fake.requestCount('clusters/permanent-delete')).toBe(0);
  });

  it('never makes a second cluster when the controller dies between create and the status write', async () => {
    await bed.startOperator({ kube: new ClusterStatusWritesFail(testKubeConfig()) });
    await bed.create(CLUSTERS, 'DatabricksCluster', 'crashy', clusterSpec(clusterSettings('crashy')));
    // Every failed pass is a crash at the worst moment; each retry reads the cluster it created.
    await pollUntil('three passes after the create', async () =>
      bed.fake.requestCount('clusters/get') >= 3 ? true : undefined,
    );
    await bed.startOperator();
    const cluster = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'crashy');
    expect(bed.fake.requestCount('clusters/create')).toBe(1);
    expect(clusterService(bed.fake).exists(cluster.status?.clusterId ?? '')).toBe(true);
    expect(await eventReasons(bed, 'crashy')).toContain('Found');
  });

  it('permanently deletes the cluster with deletionPolicy Delete', async () => {
    const cluster = await createReadyCluster(bed, 'doomed');
    await bed.delete(CLUSTERS, 'doomed');
    await bed.waitForGone(CLUSTERS, 'doomed');
    expect(clusterService(bed.fake).exists(cluster.status?.clusterId ?? '')).toBe(false);
    expect(bed.fake.requestCount('clusters/permanent-delete', 200)).toBe(1);
  });

  it('removes the finalizer when the cluster was already deleted in Databricks', async () => {
    const cluster = await createReadyCluster(bed, 'vanished');
    await bed.fake.ui.deleteCluster(cluster.status?.clusterId ?? '');
    await bed.delete(CLUSTERS, 'vanished');
    await bed.waitForGone(CLUSTERS, 'vanished');
    expect(bed.fake.requestCount('clusters/permanent-delete', 400)).toBe(1);
    expect(bed.fake.requestCount('clusters/create')).toBe(1);
  });

  it('keeps the cluster with deletionPolicy Retain', async () => {
    const cluster = await createReadyCluster(bed, 'kept', { deletionPolicy: 'Retain' });
    await bed.delete(CLUSTERS, 'kept');
    await bed.waitForGone(CLUSTERS, 'kept');
    expect((await remoteCluster(bed.fake, cluster.status?.clusterId))?.state).toBe('RUNNING');
    expect(bed.fake.requestCount('clusters/permanent-delete')).toBe(0);
    expect(bed.fake.requestCount('clusters/delete')).toBe(0);
  });

  it('gives a job with existing_cluster_ref the cluster ID once the cluster is Ready', async () => {
    await bed.create(JOBS, 'DatabricksJob', 'nightly', {
      workspaceRef: { name: 'ws' },
      settings: {
        name: 'nightly',
        tasks: [
          {
            task_key: 'report',
            existing_cluster_ref: { name: 'shared' },
            notebook_task: { notebook_path: '/Shared/report' },
          },
        ],
      },
    });
    await bed.waitForCondition(JOBS, 'nightly', { status: 'False', reason: 'WaitingForDependency' });
    expect(bed.fake.requestCount('jobs/create')).toBe(0);
    const cluster = await createReadyCluster(bed, 'shared');
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'nightly');
    const remote = (await bed.fake.ui.call('jobs/get', { job_id: job.status?.jobId })) as {
      settings: { tasks: { existing_cluster_id?: string; existing_cluster_ref?: unknown }[] };
    };
    expect(remote.settings.tasks[0]?.existing_cluster_id).toBe(cluster.status?.clusterId);
    expect(remote.settings.tasks[0]?.existing_cluster_ref).toBeUndefined();
  });

  it('lets a job reference a cluster parked with spec.state Terminated', async () => {
    const cluster = await createReadyCluster(bed, 'parked', { state: 'Terminated' });
    await bed.create(JOBS, 'DatabricksJob', 'weekly', {
      workspaceRef: { name: 'ws' },
      settings: {
        name: 'weekly',
        tasks: [
          {
            task_key: 'report',
            existing_cluster_ref: { name: 'parked' },
            notebook_task: { notebook_path: '/Shared/report' },
          },
        ],
      },
    });
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'weekly');
    const remote = (await bed.fake.ui.call('jobs/get', { job_id: job.status?.jobId })) as {
      settings: { tasks: { existing_cluster_id?: string }[] };
    };
    expect(remote.settings.tasks[0]?.existing_cluster_id).toBe(cluster.status?.clusterId);
  });
});
