import type { DatabricksSqlWarehouse } from '../../../../controller/reconcilers/sql-warehouse/warehouse.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { useOperatorTestBed, type OperatorTestBed } from '../../operator-test-bed.js';
import { eventsAbout } from '../cluster/cluster-fixtures.js';
import {
  QUICK_WAREHOUSES,
  WAREHOUSES,
  createReadyWarehouse,
  remoteWarehouse,
  warehouseService,
  warehouseSettings,
  warehouseSpec,
} from './warehouse-fixtures.js';

/** Resyncs this often, so that changes made in Databricks are seen within a second. */
const RESYNC_MS = 400;
const WRITES = [
  'sql/warehouses/create',
  'sql/warehouses/edit',
  'sql/warehouses/start',
  'sql/warehouses/stop',
  'sql/warehouses/delete',
];

async function waitForLooks(bed: OperatorTestBed, count: number): Promise<void> {
  const start = bed.fake.requestCount('sql/warehouses/list');
  await pollUntil(`${count} more sql/warehouses/list`, async () =>
    bed.fake.requestCount('sql/warehouses/list') >= start + count ? true : undefined,
  );
}

const tagsOf = (remote: { tags?: { custom_tags?: { key: string; value?: string }[] } } | undefined) =>
  Object.fromEntries((remote?.tags?.custom_tags ?? []).map((tag) => [tag.key, tag.value]));

describe('DatabricksSqlWarehouse reconciler', () => {
  const bed = useOperatorTestBed('warehouse', {
    fake: { timing: QUICK_WAREHOUSES },
    operator: { config: { resyncPeriodMs: RESYNC_MS } },
  });

  it('creates the warehouse with the ownership marker, Ready once RUNNING, and writes nothing at steady state', async () => {
    await bed.create(
      WAREHOUSES,
      'DatabricksSqlWarehouse',
      'bi',
      warehouseSpec(warehouseSettings({ tags: { custom_tags: [{ key: 'team', value: 'data' }] } })),
    );
    const warehouse = await bed.waitForCondition<DatabricksSqlWarehouse>(WAREHOUSES, 'bi', {
      reason: 'Running',
    });
    const warehouseId = warehouse.status?.warehouseId;
    expect(warehouse.status).toMatchObject({
      state: 'RUNNING',
      url: `${bed.fake.url}/sql/warehouses/${warehouseId}`,
      settingsHash: expect.any(String),
      numClusters: 1,
    });
    const remote = await remoteWarehouse(bed.fake, warehouseId);
    expect(remote?.name).toBe('bi');
    expect(tagsOf(remote)).toEqual({
      team: 'data',
      'k8s-owner': `${bed.namespace}/bi`,
      'k8s-owner-uid': warehouse.metadata.uid,
    });
    expect((await eventsAbout(bed, 'bi')).map((event) => event.reason)).toContain('Created');

    bed.fake.clearRequests();
    // Counted from the first listing after the create: one already under way when the object was written
    // cannot speak for it, so the object's first look may still be a get of its own.
    await waitForLooks(bed, 1);
    const gets = bed.fake.requestCount('sql/warehouses/get');
    await waitForLooks(bed, 3);
    for (const endpoint of WRITES) expect(bed.fake.requestCount(endpoint)).toBe(0);
    expect(bed.fake.requestCount('sql/warehouses/get')).toBe(gets);
  });

  it('edits the warehouse in place on a spec change, which Databricks restarts', async () => {
    const before = await createReadyWarehouse(bed, 'resized');
    await bed.patchSpec(WAREHOUSES, 'resized', { settings: warehouseSettings({ cluster_size: 'Small' }) });
    await pollUntil('the edit', async () =>
      bed.fake.requestCount('sql/warehouses/edit') === 1 ? true : undefined,
    );
    const after = await bed.waitForCondition<DatabricksSqlWarehouse>(WAREHOUSES, 'resized', {
      reason: 'Running',
    });
    expect(after.status?.warehouseId).toBe(before.status?.warehouseId);
    expect((await remoteWarehouse(bed.fake, after.status?.warehouseId))?.cluster_size).toBe('Small');
    expect(bed.fake.requestCount('sql/warehouses/create')).toBe(1);
    const updated = (await eventsAbout(bed, 'resized')).find((event) => event.reason === 'Updated');
    expect(updated?.note).toMatch(/cluster_size.*restarts a running warehouse/);
  });

  it('edits back a change made in Databricks, with a DriftCorrected warning', async () => {
    const warehouse = await createReadyWarehouse(bed, 'drifted');
    const warehouseId = warehouse.status?.warehouseId ?? '';
    warehouseService(bed.fake).editByUser(warehouseId, { cluster_size: 'Large' });
    await pollUntil('the drift to be corrected', async () =>
      bed.fake.requestCount('sql/warehouses/edit') === 1 ? true : undefined,
    );
    await bed.waitForCondition(WAREHOUSES, 'drifted', { reason: 'Running' });
    expect((await remoteWarehouse(bed.fake, warehouseId))?.cluster_size).toBe('2X-Small');
    // Recorded after the write it tells of: the write may show in Databricks before the Event exists.
    const corrected = await pollUntil('a DriftCorrected event', async () =>
      (await eventsAbout(bed, 'drifted')).find((event) => event.reason === 'DriftCorrected'),
    );
    expect(corrected?.type).toBe('Warning');
    expect(corrected?.note).toMatch(/changed in Databricks \(cluster_size\)/);
  });

  it('stops and starts the warehouse as spec.state says, and starts one stopped in the UI when auto_stop_mins is 0', async () => {
    const running = await createReadyWarehouse(bed, 'toggle');
    const warehouseId = running.status?.warehouseId ?? '';
    await bed.patchSpec(WAREHOUSES, 'toggle', { state: 'Stopped' });
    const stopped = await bed.waitForCondition<DatabricksSqlWarehouse>(WAREHOUSES, 'toggle', {
      reason: 'Stopped',
    });
    expect(stopped.status?.state).toBe('STOPPED');
    expect(bed.fake.requestCount('sql/warehouses/stop')).toBe(1);

    await bed.patchSpec(WAREHOUSES, 'toggle', { state: 'Running' });
    await bed.waitForCondition(WAREHOUSES, 'toggle', { reason: 'Running' });
    expect(bed.fake.requestCount('sql/warehouses/start')).toBe(1);

    warehouseService(bed.fake).stopByUser(warehouseId);
    await pollUntil('the warehouse to be started again', async () =>
      bed.fake.requestCount('sql/warehouses/start') === 2 ? true : undefined,
    );
    await pollUntil('the warehouse to run again', async () =>
      (await remoteWarehouse(bed.fake, warehouseId))?.state === 'RUNNING' ? true : undefined,
    );
    expect(bed.fake.requestCount('sql/warehouses/create')).toBe(1);
  });

  it('reports a warehouse that fails to start as WarehouseError, without a hot loop', async () => {
    await bed.create(
      WAREHOUSES,
      'DatabricksSqlWarehouse',
      'broken',
      warehouseSpec(warehouseSettings({ name: 'FAIL_START-broken' })),
    );
    const failed = await bed.waitForCondition<DatabricksSqlWarehouse>(WAREHOUSES, 'broken', {
      status: 'False',
      reason: 'WarehouseError',
    });
    const ready = failed.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.message).toMatch(/failed to start \(CLOUD_PROVIDER_LAUNCH_FAILURE, CLOUD_FAILURE\)/);
    expect(failed.status?.health).toBe('FAILED');
    expect(bed.fake.requestCount('sql/warehouses/start')).toBeLessThanOrEqual(1);
  });

  it('adopts a warehouse by spec.warehouseId, writing only the marker and what differs', async () => {
    const { id } = (await bed.fake.ui.call('sql/warehouses/create', {
      name: 'legacy',
      cluster_size: '2X-Small',
      max_num_clusters: 1,
      auto_stop_mins: 0,
    })) as { id: string };
    await pollUntil('the warehouse to run', async () =>
      (await remoteWarehouse(bed.fake, id))?.state === 'RUNNING' ? true : undefined,
    );
    bed.fake.clearRequests();
    const adopted = await createReadyWarehouse(
      bed,
      'adopted',
      { warehouseId: id },
      warehouseSettings({ name: 'legacy' }),
    );
    expect(adopted.status?.warehouseId).toBe(id);
    expect(bed.fake.requestCount('sql/warehouses/create')).toBe(0);
    expect(bed.fake.requestCount('sql/warehouses/edit')).toBe(1);
    expect(tagsOf(await remoteWarehouse(bed.fake, id))['k8s-owner-uid']).toBe(adopted.metadata.uid);
  });

  it('refuses a name another warehouse already has, naming the way to adopt it', async () => {
    const { id } = (await bed.fake.ui.call('sql/warehouses/create', {
      name: 'taken',
      cluster_size: '2X-Small',
    })) as { id: string };
    await bed.create(WAREHOUSES, 'DatabricksSqlWarehouse', 'taken', warehouseSpec(warehouseSettings()));
    const refused = await bed.waitForCondition<DatabricksSqlWarehouse>(WAREHOUSES, 'taken', {
      status: 'False',
      reason: 'NameInUse',
    });
    const ready = refused.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.message).toContain(`spec.warehouseId: ${id}`);
  });

  it('deletes the warehouse with deletionPolicy Delete and leaves it with Retain', async () => {
    const deleted = await createReadyWarehouse(bed, 'gone');
    const retained = await createReadyWarehouse(bed, 'kept', { deletionPolicy: 'Retain' });
    await bed.delete(WAREHOUSES, 'gone');
    await bed.delete(WAREHOUSES, 'kept');
    await bed.waitForGone(WAREHOUSES, 'gone');
    await bed.waitForGone(WAREHOUSES, 'kept');
    expect(await remoteWarehouse(bed.fake, deleted.status?.warehouseId)).toBeUndefined();
    expect((await remoteWarehouse(bed.fake, retained.status?.warehouseId))?.state).toBe('RUNNING');
    // Deleted once: a copy older than the finalizer's removal is not cleaned up again. The retained one
    // sees none.
    const deletesOf = (id: string | undefined) =>
      bed.fake
        .requests({ endpoint: 'sql/warehouses/delete' })
        .filter((entry) => entry.path.endsWith(`/${id ?? ''}`)).length;
    expect(deletesOf(deleted.status?.warehouseId)).toBe(1);
    expect(deletesOf(retained.status?.warehouseId)).toBe(0);
  });

  it('observes a warehouse under managementPolicy Observe, reporting drift and writing nothing', async () => {
    const { id } = (await bed.fake.ui.call('sql/warehouses/create', {
      name: 'watched',
      cluster_size: 'Medium',
      auto_stop_mins: 0,
    })) as { id: string };
    bed.fake.clearRequests();
    await bed.create(
      WAREHOUSES,
      'DatabricksSqlWarehouse',
      'watched',
      warehouseSpec(warehouseSettings(), { warehouseId: id, managementPolicy: 'Observe' }),
    );
    const observed = await bed.waitForCondition<DatabricksSqlWarehouse>(WAREHOUSES, 'watched', {
      type: 'InSync',
      status: 'False',
    });
    expect(observed.status?.driftedFields).toEqual(['cluster_size']);
    for (const endpoint of WRITES) expect(bed.fake.requestCount(endpoint)).toBe(0);
  });

  it('refuses bad settings at admission', async () => {
    const refused = (settings: Record<string, unknown>) =>
      bed.create(WAREHOUSES, 'DatabricksSqlWarehouse', 'bad', warehouseSpec(settings)).then(
        () => 'admitted',
        (error: unknown) => String(error),
      );
    expect(await refused(warehouseSettings({ min_num_clusters: 3, max_num_clusters: 2 }))).toMatch(
      /min_num_clusters must not be above max_num_clusters/,
    );
    expect(await refused(warehouseSettings({ auto_stop_mins: 5 }))).toMatch(/auto_stop_mins must be 0/);
    expect(await refused(warehouseSettings({ cluster_size: 'Huge' }))).toMatch(/cluster_size/);
  });
});
