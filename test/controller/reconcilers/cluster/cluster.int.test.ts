import type { DatabricksCluster } from '../../../../controller/reconcilers/cluster/cluster.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { ManualClock } from '../../../fake-databricks/index.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import {
  CLUSTERS,
  QUICK_CLUSTERS,
  clusterSettings,
  clusterSpec,
  createReadyCluster,
  eventReasons,
  eventsAbout,
  remoteCluster,
} from './cluster-fixtures.js';

describe('DatabricksCluster reconciler: the states a cluster passes through', () => {
  // On the fake's manual clock a cluster stays PENDING, RESTARTING or RESIZING until the test moves the
  // clock: under real time it may be RUNNING before a loaded machine has read the state in between.
  const clock = new ManualClock();
  const bed = useOperatorTestBed('cluster-states', { fake: { clock, timing: QUICK_CLUSTERS } });

  /** Waits for Ready=False `reason`, then lets the cluster reach RUNNING and waits for Ready. */
  async function throughState(name: string, reason: string): Promise<[DatabricksCluster, DatabricksCluster]> {
    const moving = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, name, { status: 'False', reason });
    clock.advance(QUICK_CLUSTERS.clusterStartMs);
    return [moving, await bed.waitForCondition<DatabricksCluster>(CLUSTERS, name)];
  }

  async function createRunning(name: string): Promise<DatabricksCluster> {
    await bed.create(CLUSTERS, 'DatabricksCluster', name, clusterSpec(clusterSettings(name)));
    return (await throughState(name, 'Starting'))[1];
  }

  it('creates the cluster with the ownership marker, and is Ready once it is RUNNING', async () => {
    await bed.create(
      CLUSTERS,
      'DatabricksCluster',
      'analytics',
      clusterSpec(clusterSettings('analytics', { custom_tags: { team: 'data' } })),
    );
    const [starting, cluster] = await throughState('analytics', 'Starting');
    expect(starting.status?.state).toBe('PENDING');
    expect(starting.status?.stateMessage).toMatch(/^Finding instances/);
    const clusterId = cluster.status?.clusterId;
    expect(cluster.status).toMatchObject({
      state: 'RUNNING',
      url: `${bed.fake.url}/compute/clusters/${clusterId}`,
      numWorkers: 1,
      settingsHash: expect.any(String),
    });
    expect(cluster.metadata.finalizers).toContain('databricks.operator.dev/finalizer');
    const remote = await remoteCluster(bed.fake, clusterId);
    expect(remote?.custom_tags).toEqual({
      team: 'data',
      'k8s-owner': `${bed.namespace}/analytics`,
      'k8s-owner-uid': cluster.metadata.uid,
    });
    expect(bed.fake.requestCount('clusters/create')).toBe(1);
    expect(await eventReasons(bed, 'analytics')).toContain('Created');
  });

  it('edits a running cluster, which Databricks restarts, and says so in an Event', async () => {
    const before = await createRunning('etl');
    await bed.patchSpec(CLUSTERS, 'etl', {
      settings: clusterSettings('etl', { spark_conf: { 'spark.sql.shuffle.partitions': '64' } }),
    });
    const [, after] = await throughState('etl', 'Restarting');
    expect(after.status?.clusterId).toBe(before.status?.clusterId);
    expect(after.status?.settingsHash).not.toBe(before.status?.settingsHash);
    const remote = await remoteCluster(bed.fake, after.status?.clusterId);
    expect(remote?.spark_conf).toEqual({ 'spark.sql.shuffle.partitions': '64' });
    expect(bed.fake.requestCount('clusters/edit')).toBe(1);
    const edited = (await eventsAbout(bed, 'etl')).find((event) => event.reason === 'Updated');
    expect(edited?.note).toMatch(/restarts a running cluster/);
  });

  it('resizes a running cluster whose worker count alone changed, without a restart', async () => {
    await createRunning('sized');
    await bed.patchSpec(CLUSTERS, 'sized', { settings: clusterSettings('sized', { num_workers: 3 }) });
    const [, cluster] = await throughState('sized', 'Resizing');
    expect(cluster.status?.numWorkers).toBe(3);
    expect(bed.fake.requestCount('clusters/resize')).toBe(1);
    expect(bed.fake.requestCount('clusters/edit')).toBe(0);
  });
});

describe('DatabricksCluster reconciler: create, edit, start and terminate', () => {
  const bed = useOperatorTestBed('cluster', { fake: { timing: QUICK_CLUSTERS } });

  it('terminates and starts the cluster as spec.state says, and edits a terminated one without starting it', async () => {
    const running = await createReadyCluster(bed, 'toggle');
    const clusterId = running.status?.clusterId;
    await bed.patchSpec(CLUSTERS, 'toggle', { state: 'Terminated' });
    const terminated = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'toggle', {
      reason: 'Terminated',
    });
    expect(terminated.status).toMatchObject({
      clusterId,
      state: 'TERMINATED',
      numWorkers: 0,
      terminationReason: { code: 'USER_REQUEST', type: 'SUCCESS' },
    });
    expect(bed.fake.requestCount('clusters/delete')).toBe(1);

    await bed.patchSpec(CLUSTERS, 'toggle', { settings: clusterSettings('toggle', { num_workers: 2 }) });
    const edited = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'toggle', {
      reason: 'Terminated',
    });
    expect(edited.status?.settingsHash).not.toBe(terminated.status?.settingsHash);
    expect(bed.fake.requestCount('clusters/edit')).toBe(1);
    expect(bed.fake.requestCount('clusters/start')).toBe(0);
    expect((await remoteCluster(bed.fake, clusterId))?.state).toBe('TERMINATED');
    expect((await remoteCluster(bed.fake, clusterId))?.num_workers).toBe(2);

    await bed.patchSpec(CLUSTERS, 'toggle', { state: 'Running' });
    const started = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'toggle', {
      reason: 'Running',
    });
    expect(started.status).toMatchObject({ clusterId, state: 'RUNNING', numWorkers: 2 });
    expect(started.status?.terminationReason).toBeUndefined();
    expect(bed.fake.requestCount('clusters/start')).toBe(1);
    expect(bed.fake.requestCount('clusters/create')).toBe(1);
  });

  it('creates a cluster whose spec.state is Terminated and terminates it at once', async () => {
    await bed.create(
      CLUSTERS,
      'DatabricksCluster',
      'parked',
      clusterSpec(clusterSettings('parked'), { state: 'Terminated' }),
    );
    const cluster = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'parked', {
      reason: 'Terminated',
    });
    expect(cluster.status?.state).toBe('TERMINATED');
    expect(bed.fake.requestCount('clusters/delete')).toBe(1);
  });

  it('reports a cluster that fails to launch as ClusterError with Databricks message, and tries again', async () => {
    await bed.create(
      CLUSTERS,
      'DatabricksCluster',
      'broken',
      clusterSpec(clusterSettings('FAIL_START-broken')),
    );
    const failed = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'broken', {
      status: 'False',
      reason: 'ClusterError',
    });
    const ready = failed.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.message).toMatch(/CLOUD_PROVIDER_LAUNCH_FAILURE, CLOUD_FAILURE\): Injected launch failure/);
    expect(failed.status?.terminationReason?.code).toBe('CLOUD_PROVIDER_LAUNCH_FAILURE');
    await pollUntil('a second launch attempt', async () =>
      bed.fake.requestCount('clusters/start') >= 1 ? true : undefined,
    );
    const warnings = (await eventsAbout(bed, 'broken')).filter((event) => event.type === 'Warning');
    expect(warnings.map((event) => event.reason)).toContain('ClusterError');
    expect(bed.fake.requestCount('clusters/create')).toBe(1);

    // Fixing the spec edits the terminated cluster and starts it.
    await bed.patchSpec(CLUSTERS, 'broken', { settings: clusterSettings('fixed') });
    const fixed = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'broken', { reason: 'Running' });
    expect((await remoteCluster(bed.fake, fixed.status?.clusterId))?.cluster_name).toBe('fixed');
  });

  it('refuses more custom tags than Databricks allows once the ownership marker is added', async () => {
    const custom_tags = Object.fromEntries(Array.from({ length: 44 }, (_, i) => [`tag${i}`, 'x']));
    await bed.create(
      CLUSTERS,
      'DatabricksCluster',
      'tagged',
      clusterSpec(clusterSettings('tagged', { custom_tags })),
    );
    const refused = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'tagged', {
      status: 'False',
      reason: 'InvalidSettings',
    });
    const ready = refused.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.message).toMatch(
      /spec\.settings\.custom_tags: .* 46 custom tags, over Databricks' limit of 45; remove 1/,
    );
    expect(bed.fake.requestCount('clusters/create')).toBe(0);
  });

  it('rides out 429 and 503 answers without a second cluster', async () => {
    bed.fake.setFaults([
      { endpoint: 'clusters/create', kind: 'rate-limit', times: 2 },
      { endpoint: 'clusters/get', kind: 'unavailable', times: 3 },
      { endpoint: 'clusters/list', kind: 'unavailable', times: 1 },
    ]);
    try {
      const cluster = await createReadyCluster(bed, 'flaky');
      expect(cluster.status?.state).toBe('RUNNING');
      expect(bed.fake.requestCount('clusters/create', 429)).toBe(2);
      expect(bed.fake.requestCount('clusters/create', 200)).toBe(1);
      expect(bed.fake.requestCount('clusters/get', 503)).toBe(3);
      expect(bed.fake.requestCount('clusters/list', 503)).toBe(1);
    } finally {
      bed.fake.setFaults([]);
    }
  });
});
