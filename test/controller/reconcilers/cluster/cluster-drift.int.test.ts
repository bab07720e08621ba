import type { DatabricksCluster } from '../../../../controller/reconcilers/cluster/cluster.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { ManualClock } from '../../../fake-databricks/index.js';
import { useOperatorTestBed, type OperatorTestBed } from '../../operator-test-bed.js';
import {
  CLUSTERS,
  QUICK_CLUSTERS,
  clusterService,
  clusterSettings,
  clusterSpec,
  createReadyCluster,
  eventsAbout,
  remoteCluster,
} from './cluster-fixtures.js';

/** Resyncs this often, so that changes made in Databricks are seen within a second. */
const RESYNC_MS = 400;
const WRITES = ['clusters/create', 'clusters/edit', 'clusters/resize', 'clusters/start', 'clusters/delete'];

/** Waits until the operator has looked at the clusters at least `count` more times (resyncs' listings). */
async function waitForLooks(bed: OperatorTestBed, count: number): Promise<void> {
  const start = bed.fake.requestCount('clusters/list');
  await pollUntil(`${count} more clusters/list`, async () =>
    bed.fake.requestCount('clusters/list') >= start + count ? true : undefined,
  );
}

describe('DatabricksCluster reconciler: changes made in Databricks are undone on resync', () => {
  const bed = useOperatorTestBed('cluster-drift', {
    fake: { timing: QUICK_CLUSTERS },
    operator: { config: { resyncPeriodMs: RESYNC_MS } },
  });

  it('writes nothing while the cluster matches the spec, and reads it only through the shared listing', async () => {
    await createReadyCluster(bed, 'steady');
    bed.fake.clearRequests();
    // Counted from the first listing after the create: one already under way when the cluster was written
    // cannot speak for it, so the cluster's first look may still be a get of its own (a loaded CI run did).
    await waitForLooks(bed, 1);
    const gets = bed.fake.requestCount('clusters/get');
    await waitForLooks(bed, 3);
    for (const endpoint of WRITES) expect(bed.fake.requestCount(endpoint)).toBe(0);
    expect(bed.fake.requestCount('clusters/get')).toBe(gets);
  });

  it('starts a cluster that was terminated in the UI while spec.state is Running', async () => {
    const cluster = await createReadyCluster(bed, 'restarted');
    const clusterId = cluster.status?.clusterId ?? '';
    await bed.fake.ui.terminateCluster(clusterId);
    await pollUntil('the cluster to be started again', async () =>
      bed.fake.requestCount('clusters/start') === 1 ? true : undefined,
    );
    // The condition said Running before the termination too, so it proves nothing until the cluster runs again.
    await pollUntil('the cluster to run again', async () =>
      (await remoteCluster(bed.fake, clusterId))?.state === 'RUNNING' ? true : undefined,
    );
    const running = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'restarted', {
      reason: 'Running',
    });
    expect(running.status?.clusterId).toBe(clusterId);
    expect(bed.fake.requestCount('clusters/start')).toBe(1);
    expect(bed.fake.requestCount('clusters/create')).toBe(1);
    // Recorded after the start it tells of, which a 150 ms start may outrun.
    const started = await pollUntil('a Started event', async () =>
      (await eventsAbout(bed, 'restarted')).find((event) => event.reason === 'Started'),
    );
    expect(started?.note).toMatch(/it had been terminated: USER_REQUEST/);
  });

  it('edits back settings changed in the UI, with a DriftCorrected warning', async () => {
    const cluster = await createReadyCluster(bed, 'drifted');
    const clusterId = cluster.status?.clusterId ?? '';
    clusterService(bed.fake).editByUser(clusterId, {
      num_workers: 5,
      spark_conf: { 'spark.ui.enabled': 'false' },
    });
    await pollUntil('the drift to be corrected', async () =>
      bed.fake.requestCount('clusters/edit') === 1 ? true : undefined,
    );
    await bed.waitForCondition(CLUSTERS, 'drifted', { reason: 'Running' });
    const remote = await remoteCluster(bed.fake, clusterId);
    expect(remote?.num_workers).toBe(1);
    expect(remote?.spark_conf).toBeUndefined();
    // Recorded after the write it tells of: the write may show in Databricks before the Event exists.
    const corrected = await pollUntil('a DriftCorrected event', async () =>
      (await eventsAbout(bed, 'drifted')).find((event) => event.reason === 'DriftCorrected'),
    );
    expect(corrected?.type).toBe('Warning');
    expect(corrected?.note).toMatch(/changed in Databricks \(num_workers, spark_conf\)/);
  });

  it('creates the cluster again when it was deleted in the UI', async () => {
    const cluster = await createReadyCluster(bed, 'recreated');
    const gone = cluster.status?.clusterId ?? '';
    await bed.fake.ui.deleteCluster(gone);
    const again = await pollUntil('a new cluster in status', async () => {
      const current = await bed.get<DatabricksCluster>(CLUSTERS, 'recreated');
      const clusterId = current?.status?.clusterId;
      return clusterId !== undefined && clusterId !== gone ? clusterId : undefined;
    });
    await bed.waitForCondition(CLUSTERS, 'recreated', { reason: 'Running' });
    expect((await remoteCluster(bed.fake, again))?.custom_tags?.['k8s-owner-uid']).toBe(cluster.metadata.uid);
    expect(bed.fake.requestCount('clusters/create')).toBe(2);
    const recreated = (await eventsAbout(bed, 'recreated')).find((event) => event.reason === 'Recreated');
    expect(recreated?.note).toBe(`cluster ${gone} was deleted in Databricks; created cluster ${again}`);
  });

  it('terminates a cluster started in the UI while spec.state is Terminated', async () => {
    const cluster = await createReadyCluster(bed, 'parked', { state: 'Terminated' });
    const clusterId = cluster.status?.clusterId ?? '';
    await bed.fake.ui.call('clusters/start', { cluster_id: clusterId });
    await pollUntil('the cluster to be terminated again', async () =>
      bed.fake.requestCount('clusters/delete') === 2 ? true : undefined,
    );
    await bed.waitForCondition(CLUSTERS, 'parked', { reason: 'Terminated' });
    expect((await remoteCluster(bed.fake, clusterId))?.state).toBe('TERMINATED');
  });
});

describe('DatabricksCluster reconciler: auto-termination', () => {
  const clock = new ManualClock();
  const bed = useOperatorTestBed('cluster-idle', {
    fake: { clock, timing: QUICK_CLUSTERS },
    operator: { config: { resyncPeriodMs: RESYNC_MS } },
  });

  it('leaves a cluster terminated for inactivity alone, and Ready', async () => {
    const settings = clusterSettings('idle', { autotermination_minutes: 10 });
    await bed.create(CLUSTERS, 'DatabricksCluster', 'idle', clusterSpec(settings));
    await bed.waitForCondition(CLUSTERS, 'idle', { status: 'False', reason: 'Starting' });
    clock.advance(QUICK_CLUSTERS.clusterStartMs);
    await bed.waitForCondition(CLUSTERS, 'idle', { reason: 'Running' });
    clock.advance(11 * 60_000);
    const idle = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'idle', {
      reason: 'AutoTerminated',
    });
    expect(idle.status?.terminationReason?.code).toBe('INACTIVITY');
    await waitForLooks(bed, 3);
    expect(bed.fake.requestCount('clusters/start')).toBe(0);
    expect((await bed.get<DatabricksCluster>(CLUSTERS, 'idle'))?.status?.state).toBe('TERMINATED');
  });
});
