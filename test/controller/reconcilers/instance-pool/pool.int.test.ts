import type { DatabricksInstancePool } from '../../../../controller/reconcilers/instance-pool/pool.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import type { InstancePoolsService } from '../../../fake-databricks/instance-pools.js';
import type { PermissionsService } from '../../../fake-databricks/permissions.js';
import type { FakeWorkspace } from '../../../fake-databricks/index.js';
import { RESOURCES, useOperatorTestBed, type OperatorTestBed } from '../../operator-test-bed.js';
import { eventsAbout } from '../cluster/cluster-fixtures.js';

const POOLS = RESOURCES.DatabricksInstancePool;
/** Resyncs this often, so that changes made in Databricks are seen within a second. */
const RESYNC_MS = 400;
const WRITES = ['instance-pools/create', 'instance-pools/edit', 'instance-pools/delete'];

const poolSpec = (settings: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  workspaceRef: { name: 'ws' },
  settings: { node_type_id: 'i3.xlarge', ...settings },
  ...extra,
});

interface RemotePool extends Record<string, unknown> {
  readonly instance_pool_id: string;
  readonly instance_pool_name?: string;
  readonly custom_tags?: Record<string, string>;
  readonly max_capacity?: number;
  readonly min_idle_instances?: number;
}

const pools = (fake: FakeWorkspace) => fake.service<InstancePoolsService>('instance-pools');

async function remotePool(fake: FakeWorkspace, poolId: string | undefined): Promise<RemotePool | undefined> {
  if (poolId === undefined || !pools(fake).exists(poolId)) return undefined;
  return (await fake.ui.call('instance-pools/get', { instance_pool_id: poolId })) as unknown as RemotePool;
}

async function createReadyPool(
  bed: OperatorTestBed,
  name: string,
  settings: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Promise<DatabricksInstancePool> {
  await bed.create(POOLS, 'DatabricksInstancePool', name, poolSpec(settings, extra));
  return bed.waitForCondition<DatabricksInstancePool>(POOLS, name);
}

async function waitForLooks(bed: OperatorTestBed, count: number): Promise<void> {
  const start = bed.fake.requestCount('instance-pools/list');
  await pollUntil(`${count} more instance-pools/list`, async () =>
    bed.fake.requestCount('instance-pools/list') >= start + count ? true : undefined,
  );
}

const readyOf = (pool: DatabricksInstancePool) =>
  pool.status?.conditions?.find((condition) => condition.type === 'Ready');

describe('DatabricksInstancePool reconciler', () => {
  const bed = useOperatorTestBed('pool', { operator: { config: { resyncPeriodMs: RESYNC_MS } } });

  it('creates the pool with the ownership marker, and at resync reads one listing and writes nothing', async () => {
    const pool = await createReadyPool(bed, 'etl', { min_idle_instances: 1, custom_tags: { team: 'data' } });
    const poolId = pool.status?.instancePoolId;
    expect(pool.status).toMatchObject({ state: 'ACTIVE', settingsHash: expect.any(String) });
    const remote = await remotePool(bed.fake, poolId);
    expect(remote?.instance_pool_name).toBe('etl');
    expect(remote?.custom_tags).toEqual({
      team: 'data',
      'k8s-owner': `${bed.namespace}/etl`,
      'k8s-owner-uid': pool.metadata.uid,
    });
    expect((await eventsAbout(bed, 'etl')).map((event) => event.reason)).toContain('Created');

    bed.fake.clearRequests();
    // Counted from the first listing after the create: one already under way when the object was written
    // cannot speak for it, so the object's first look may still be a get of its own.
    await waitForLooks(bed, 1);
    const gets = bed.fake.requestCount('instance-pools/get');
    await waitForLooks(bed, 3);
    for (const endpoint of WRITES) expect(bed.fake.requestCount(endpoint)).toBe(0);
    expect(bed.fake.requestCount('instance-pools/get')).toBe(gets);
  });

  it('edits sizing and name in place on a spec change, keeping the pool ID', async () => {
    const before = await createReadyPool(bed, 'sized', { max_capacity: 5 });
    await bed.patchSpec(POOLS, 'sized', {
      settings: { node_type_id: 'i3.xlarge', instance_pool_name: 'sized-renamed', max_capacity: 8 },
    });
    await pollUntil('the edit', async () =>
      bed.fake.requestCount('instance-pools/edit') === 1 ? true : undefined,
    );
    const after = await bed.waitForCondition<DatabricksInstancePool>(POOLS, 'sized');
    expect(after.status?.instancePoolId).toBe(before.status?.instancePoolId);
    expect(await remotePool(bed.fake, after.status?.instancePoolId)).toMatchObject({
      instance_pool_name: 'sized-renamed',
      max_capacity: 8,
    });
    expect(bed.fake.requestCount('instance-pools/create')).toBe(1);
  });

  it('edits back a change made in Databricks, with a DriftCorrected warning', async () => {
    const pool = await createReadyPool(bed, 'drifted', { max_capacity: 4 });
    const poolId = pool.status?.instancePoolId ?? '';
    pools(bed.fake).editByUser(poolId, { max_capacity: 20 });
    await pollUntil('the drift to be corrected', async () =>
      bed.fake.requestCount('instance-pools/edit') === 1 ? true : undefined,
    );
    await pollUntil('the pool to be back at 4', async () =>
      (await remotePool(bed.fake, poolId))?.max_capacity === 4 ? true : undefined,
    );
    // Recorded after the write it tells of: the write may show in Databricks before the Event exists.
    const corrected = await pollUntil('a DriftCorrected event', async () =>
      (await eventsAbout(bed, 'drifted')).find((event) => event.reason === 'DriftCorrected'),
    );
    expect(corrected?.type).toBe('Warning');
    expect(corrected?.note).toMatch(/changed in Databricks \(max_capacity\)/);
  });

  it('reports a pool Databricks stopped as PoolStopped, and Ready again once it is active', async () => {
    const pool = await createReadyPool(bed, 'stopping');
    const poolId = pool.status?.instancePoolId ?? '';
    pools(bed.fake).setStateByUser(poolId, 'STOPPED');
    const stopped = await bed.waitForCondition<DatabricksInstancePool>(POOLS, 'stopping', {
      status: 'False',
      reason: 'PoolStopped',
    });
    expect(stopped.status?.state).toBe('STOPPED');
    pools(bed.fake).setStateByUser(poolId, 'ACTIVE');
    const active = await bed.waitForCondition<DatabricksInstancePool>(POOLS, 'stopping');
    expect(active.status?.state).toBe('ACTIVE');
    expect(bed.fake.requestCount('instance-pools/edit')).toBe(0);
  });

  it('refuses a pool of its name made elsewhere unless spec.adopt, then adopts it writing the marker', async () => {
    const { instance_pool_id: poolId } = (await bed.fake.ui.call('instance-pools/create', {
      instance_pool_name: 'legacy',
      node_type_id: 'i3.xlarge',
    })) as { instance_pool_id: string };
    await bed.create(POOLS, 'DatabricksInstancePool', 'legacy', poolSpec({}));
    const refused = await bed.waitForCondition<DatabricksInstancePool>(POOLS, 'legacy', {
      status: 'False',
      reason: 'PoolExists',
    });
    expect(readyOf(refused)?.message).toContain(`instance pool ${poolId}`);
    expect(readyOf(refused)?.message).toContain('spec.adopt');

    bed.fake.clearRequests();
    await bed.patchSpec(POOLS, 'legacy', { adopt: true });
    const adopted = await bed.waitForCondition<DatabricksInstancePool>(POOLS, 'legacy');
    expect(adopted.status?.instancePoolId).toBe(poolId);
    expect(bed.fake.requestCount('instance-pools/create')).toBe(0);
    expect((await remotePool(bed.fake, poolId))?.custom_tags?.['k8s-owner-uid']).toBe(adopted.metadata.uid);
  });

  it('refuses to adopt a pool whose fixed settings differ, naming the field, and changes nothing', async () => {
    await bed.fake.ui.call('instance-pools/create', {
      instance_pool_name: 'other-disks',
      node_type_id: 'i3.xlarge',
      preloaded_spark_versions: ['14.3.x-scala2.12'],
    });
    bed.fake.clearRequests();
    await bed.create(
      POOLS,
      'DatabricksInstancePool',
      'other-disks',
      poolSpec({ preloaded_spark_versions: ['15.4.x-scala2.12'] }, { adopt: true }),
    );
    const refused = await bed.waitForCondition<DatabricksInstancePool>(POOLS, 'other-disks', {
      status: 'False',
      reason: 'ImmutableField',
    });
    expect(readyOf(refused)?.message).toMatch(/^spec\.settings\.preloaded_spark_versions: /);
    expect(bed.fake.requestCount('instance-pools/edit')).toBe(0);
  });

  it('refuses min_idle_instances above max_capacity at admission', async () => {
    await expect(
      bed.create(
        POOLS,
        'DatabricksInstancePool',
        'too-many',
        poolSpec({ min_idle_instances: 5, max_capacity: 2 }),
      ),
    ).rejects.toThrow(/min_idle_instances cannot be greater than max_capacity/);
  });

  it('finds the pool it created before a crash by its marker, instead of creating a second one', async () => {
    await bed.stopOperator();
    await bed.create(POOLS, 'DatabricksInstancePool', 'crashed', poolSpec({}));
    const object = await bed.get<DatabricksInstancePool>(POOLS, 'crashed');
    // The state a crash after instance-pools/create leaves: the pool made with the marker, no status.
    const { instance_pool_id: poolId } = (await bed.fake.ui.call('instance-pools/create', {
      instance_pool_name: 'crashed',
      node_type_id: 'i3.xlarge',
      custom_tags: { 'k8s-owner': `${bed.namespace}/crashed`, 'k8s-owner-uid': object?.metadata.uid ?? '' },
    })) as { instance_pool_id: string };
    bed.fake.clearRequests();
    await bed.startOperator();
    const found = await bed.waitForCondition<DatabricksInstancePool>(POOLS, 'crashed');
    expect(found.status?.instancePoolId).toBe(poolId);
    for (const endpoint of WRITES) expect(bed.fake.requestCount(endpoint)).toBe(0);
    expect((await eventsAbout(bed, 'crashed')).map((event) => event.reason)).toContain('Found');
  });

  it('applies spec.permissions (CAN_ATTACH_TO, CAN_MANAGE) once, and refuses a level pools do not have', async () => {
    const pool = await createReadyPool(
      bed,
      'shared',
      {},
      {
        permissions: {
          mode: 'Authoritative',
          access_control_list: [
            { group_name: 'data-engineers', permission_level: 'CAN_ATTACH_TO' },
            { group_name: 'platform', permission_level: 'CAN_MANAGE' },
          ],
        },
      },
    );
    const acl = bed.fake
      .service<PermissionsService>('permissions')
      .directAcl('instance-pools', pool.status?.instancePoolId ?? '');
    expect(Object.fromEntries(acl.map((entry) => [entry.principal, entry.level]))).toEqual({
      'data-engineers': 'CAN_ATTACH_TO',
      platform: 'CAN_MANAGE',
    });
    expect(pool.status?.permissionsHash).toEqual(expect.any(String));
    expect(bed.fake.requestCount('permissions/put')).toBe(1);
    await expect(
      bed.create(POOLS, 'DatabricksInstancePool', 'bad-level', {
        ...poolSpec({}),
        permissions: { access_control_list: [{ user_name: 'a@example.com', permission_level: 'CAN_USE' }] },
      }),
    ).rejects.toThrow(/permission_level: Unsupported value/);
  });

  it('deletes the pool with deletionPolicy Delete and leaves it with Retain', async () => {
    const deleted = await createReadyPool(bed, 'gone');
    const retained = await createReadyPool(bed, 'kept', {}, { deletionPolicy: 'Retain' });
    await bed.delete(POOLS, 'gone');
    await bed.delete(POOLS, 'kept');
    await bed.waitForGone(POOLS, 'gone');
    await bed.waitForGone(POOLS, 'kept');
    expect(await remotePool(bed.fake, deleted.status?.instancePoolId)).toBeUndefined();
    expect(await remotePool(bed.fake, retained.status?.instancePoolId)).toBeDefined();
    // Only the Delete one is deleted, once: a copy older than the finalizer's removal is not cleaned up again.
    const deletes = bed.fake.requests({ endpoint: 'instance-pools/delete' });
    expect(deletes).toHaveLength(1);
    for (const request of deletes)
      expect(request.body).toMatchObject({ instance_pool_id: deleted.status?.instancePoolId });
  });

  it('observes a pool under managementPolicy Observe, reporting drift and writing nothing', async () => {
    await bed.fake.ui.call('instance-pools/create', {
      instance_pool_name: 'watched',
      node_type_id: 'i3.xlarge',
      max_capacity: 3,
    });
    bed.fake.clearRequests();
    await bed.create(
      POOLS,
      'DatabricksInstancePool',
      'watched',
      poolSpec({ max_capacity: 6 }, { managementPolicy: 'Observe' }),
    );
    const observed = await bed.waitForCondition<DatabricksInstancePool>(POOLS, 'watched', {
      reason: 'Observed',
    });
    expect(observed.status?.driftedFields).toEqual(['max_capacity']);
    expect(observed.status?.conditions?.find((condition) => condition.type === 'InSync')?.status).toBe(
      'False',
    );
    for (const endpoint of WRITES) expect(bed.fake.requestCount(endpoint)).toBe(0);
  });
});
