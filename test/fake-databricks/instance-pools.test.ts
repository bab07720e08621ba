import { ManualClock, defaultTiming } from './api.js';
import { InstancePoolsService, type PoolUsage } from './instance-pools.js';
import { RouteTableClient, routeTableContext } from './route-table-client.js';
import { startFakeWorkspace } from './index.js';
import { FakeHttpClient } from './fake-http-client.js';

const timing = { ...defaultTiming, poolInstanceStartMs: 1000 };

function workspace(usage: PoolUsage = { used: 0, pendingUsed: 0 }) {
  const clock = new ManualClock();
  const service = new InstancePoolsService(routeTableContext(clock, timing), { usage: () => usage });
  return { clock, service, api: new RouteTableClient(service) };
}

const POOLS = '/api/2.0/instance-pools';
const basic = { instance_pool_name: 'etl-pool', node_type_id: 'i3.xlarge' };

async function createPool(api: RouteTableClient, settings: Record<string, unknown> = basic): Promise<string> {
  return (await api.ok('POST', `${POOLS}/create`, settings)).instance_pool_id as string;
}

async function statsOf(api: RouteTableClient, poolId: string): Promise<Record<string, number>> {
  return (await api.ok('GET', `${POOLS}/get`, { instance_pool_id: poolId })).stats as Record<string, number>;
}

describe('instance pools', () => {
  it('creates an ACTIVE pool with the backend defaults and its default tags', async () => {
    const { api } = workspace();
    const poolId = await createPool(api);
    expect(poolId).toMatch(/^\d{4}-\d{6}-fake\w+-pool-[0-9a-f]{8}$/);
    expect(await api.ok('GET', `${POOLS}/get`, { instance_pool_id: poolId })).toEqual({
      instance_pool_id: poolId,
      instance_pool_name: 'etl-pool',
      node_type_id: 'i3.xlarge',
      min_idle_instances: 0,
      idle_instance_autotermination_minutes: 60,
      enable_elastic_disk: true,
      aws_attributes: { availability: 'SPOT', zone_id: 'auto', spot_bid_price_percent: 100 },
      default_tags: {
        Vendor: 'Databricks',
        InstancePoolCreator: 'tester@example.com',
        InstancePoolName: 'etl-pool',
        InstancePoolId: poolId,
      },
      state: 'ACTIVE',
      stats: { used_count: 0, idle_count: 0, pending_used_count: 0, pending_idle_count: 0 },
    });
  });

  it('acquires min_idle_instances: pending for the start time, then idle', async () => {
    const { api, clock } = workspace();
    const poolId = await createPool(api, { ...basic, min_idle_instances: 3 });
    expect(await statsOf(api, poolId)).toMatchObject({ idle_count: 0, pending_idle_count: 3 });
    clock.advance(999);
    expect(await statsOf(api, poolId)).toMatchObject({ idle_count: 0, pending_idle_count: 3 });
    clock.advance(1);
    expect(await statsOf(api, poolId)).toMatchObject({ idle_count: 3, pending_idle_count: 0 });
  });

  it('never keeps more than max_capacity, and refuses min_idle_instances above it', async () => {
    const { api } = workspace();
    const refused = await api.call('POST', `${POOLS}/create`, {
      ...basic,
      min_idle_instances: 5,
      max_capacity: 3,
    });
    expect(refused).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          'min_idle_instances (5) cannot be greater than max_capacity (3): the pool could never keep that many idle instances.',
      },
    });
    const poolId = await createPool(api, { ...basic, min_idle_instances: 3, max_capacity: 3 });
    expect(await statsOf(api, poolId)).toMatchObject({ pending_idle_count: 3 });
  });

  it('adds instances when an edit raises the target, and retires the surplus after the idle timeout when it drops', async () => {
    const { api, clock } = workspace();
    const poolId = await createPool(api, {
      ...basic,
      min_idle_instances: 1,
      idle_instance_autotermination_minutes: 10,
    });
    clock.advance(1000);
    await api.ok('POST', `${POOLS}/edit`, {
      instance_pool_id: poolId,
      ...basic,
      min_idle_instances: 3,
      idle_instance_autotermination_minutes: 10,
    });
    expect(await statsOf(api, poolId)).toMatchObject({ idle_count: 1, pending_idle_count: 2 });
    clock.advance(1000);
    expect(await statsOf(api, poolId)).toMatchObject({ idle_count: 3 });

    await api.ok('POST', `${POOLS}/edit`, {
      instance_pool_id: poolId,
      ...basic,
      min_idle_instances: 1,
      idle_instance_autotermination_minutes: 10,
    });
    clock.advance(10 * 60_000 - 1);
    expect(await statsOf(api, poolId)).toMatchObject({ idle_count: 3 });
    clock.advance(1);
    expect(await statsOf(api, poolId)).toMatchObject({ idle_count: 1 });
  });

  it('keeps instances that were about to retire when the target rises again', async () => {
    const { api, clock } = workspace();
    const settings = { ...basic, min_idle_instances: 2, idle_instance_autotermination_minutes: 5 };
    const poolId = await createPool(api, settings);
    clock.advance(1000);
    await api.ok('POST', `${POOLS}/edit`, { instance_pool_id: poolId, ...settings, min_idle_instances: 0 });
    await api.ok('POST', `${POOLS}/edit`, { instance_pool_id: poolId, ...settings, min_idle_instances: 2 });
    expect(await statsOf(api, poolId)).toMatchObject({ idle_count: 2, pending_idle_count: 0 });
    clock.advance(10 * 60_000);
    expect(await statsOf(api, poolId)).toMatchObject({ idle_count: 2, pending_idle_count: 0 });
  });

  it('edits in place: what an edit leaves out goes back to its default', async () => {
    const { api } = workspace();
    const poolId = await createPool(api, { ...basic, min_idle_instances: 2, custom_tags: { team: 'a' } });
    await api.ok('POST', `${POOLS}/edit`, {
      instance_pool_id: poolId,
      instance_pool_name: 'renamed',
      node_type_id: 'i3.xlarge',
    });
    const pool = await api.ok('GET', `${POOLS}/get`, { instance_pool_id: poolId });
    expect(pool).toMatchObject({
      instance_pool_id: poolId,
      instance_pool_name: 'renamed',
      min_idle_instances: 0,
    });
    expect(pool).not.toHaveProperty('custom_tags');
  });

  it.each([
    ['node_type_id', { node_type_id: 'i3.2xlarge' }],
    ['disk_spec', { disk_spec: { disk_count: 2, disk_size: 100 } }],
    ['preloaded_spark_versions', { preloaded_spark_versions: ['14.3.x-scala2.12'] }],
    ['enable_elastic_disk', { enable_elastic_disk: false }],
    ['aws_attributes', { aws_attributes: { availability: 'ON_DEMAND' } }],
  ])('refuses an edit that changes the immutable %s', async (field, change) => {
    const { api } = workspace();
    const poolId = await createPool(api, { ...basic, preloaded_spark_versions: ['15.4.x-scala2.12'] });
    const answer = await api.call('POST', `${POOLS}/edit`, { instance_pool_id: poolId, ...basic, ...change });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain(`${field} cannot be changed by instance-pools/edit`);
  });

  it('accepts an edit that repeats the immutable fields unchanged, as returned by get', async () => {
    const { api } = workspace();
    const poolId = await createPool(api, { ...basic, preloaded_spark_versions: ['15.4.x-scala2.12'] });
    const current = await api.ok('GET', `${POOLS}/get`, { instance_pool_id: poolId });
    const { state: _state, stats: _stats, default_tags: _tags, ...settings } = current;
    await api.ok('POST', `${POOLS}/edit`, { ...settings, min_idle_instances: 1 });
    expect((await api.ok('GET', `${POOLS}/get`, { instance_pool_id: poolId })).min_idle_instances).toBe(1);
  });

  it('requires the name and node type on edit, and keeps names unique', async () => {
    const { api } = workspace();
    const poolId = await createPool(api);
    await createPool(api, { ...basic, instance_pool_name: 'other' });
    expect(
      (await api.call('POST', `${POOLS}/edit`, { instance_pool_id: poolId, node_type_id: 'i3.xlarge' })).body,
    ).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Missing required field: instance_pool_name',
    });
    const clash = await api.call('POST', `${POOLS}/edit`, {
      instance_pool_id: poolId,
      ...basic,
      instance_pool_name: 'other',
    });
    expect(clash.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it.each([
    ['idle_instance_autotermination_minutes', { idle_instance_autotermination_minutes: 10001 }],
    ['min_idle_instances', { min_idle_instances: -1 }],
    [
      'custom_tags',
      { custom_tags: Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`k${i}`, 'v'])) },
    ],
    ['preloaded_spark_versions', { preloaded_spark_versions: ['a', 'b'] }],
  ])('refuses an out-of-range %s', async (_field, change) => {
    const { api } = workspace();
    expect((await api.call('POST', `${POOLS}/create`, { ...basic, ...change })).status).toBe(400);
  });

  it('deletes permanently: every later call on the pool is 404 "Can\'t find an instance pool"', async () => {
    const { api } = workspace();
    const poolId = await createPool(api, { ...basic, min_idle_instances: 2 });
    await api.ok('POST', `${POOLS}/delete`, { instance_pool_id: poolId });
    expect(await api.call('GET', `${POOLS}/get`, { instance_pool_id: poolId })).toEqual({
      status: 404,
      body: {
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: `Can't find an instance pool with id: ${poolId}.`,
      },
    });
    expect(await api.ok('GET', `${POOLS}/list`)).toEqual({});
  });

  it('reports the nodes of clusters that draw on it as used and pending-used', async () => {
    const { api } = workspace({ used: 3, pendingUsed: 2 });
    const poolId = await createPool(api);
    expect(await statsOf(api, poolId)).toMatchObject({ used_count: 3, pending_used_count: 2 });
  });

  it('drops its instances while STOPPED and acquires them again when active', async () => {
    const { api, clock, service } = workspace();
    const poolId = await createPool(api, { ...basic, min_idle_instances: 2 });
    clock.advance(1000);
    service.setStateByUser(poolId, 'STOPPED');
    expect(await api.ok('GET', `${POOLS}/get`, { instance_pool_id: poolId })).toMatchObject({
      state: 'STOPPED',
      stats: { idle_count: 0, pending_idle_count: 0 },
    });
    service.setStateByUser(poolId, 'ACTIVE');
    clock.advance(1000);
    expect(await statsOf(api, poolId)).toMatchObject({ idle_count: 2 });
  });
});

describe('instance pools in a workspace', () => {
  it('counts the nodes of a running cluster on the pool as used', async () => {
    const clock = new ManualClock();
    const workspace = await startFakeWorkspace({ clock, timing: { clusterStartMs: 100 } });
    try {
      const api = new FakeHttpClient(workspace);
      const { instance_pool_id } = await api.ok('POST', `${POOLS}/create`, basic);
      await api.ok('POST', '/api/2.1/clusters/create', {
        spark_version: '15.4.x-scala2.12',
        instance_pool_id,
        num_workers: 2,
      });
      const stats = async () => (await api.ok('GET', `${POOLS}/get`, { instance_pool_id })).stats;
      expect(await stats()).toMatchObject({ used_count: 0, pending_used_count: 3 });
      clock.advance(100);
      expect(await stats()).toMatchObject({ used_count: 3, pending_used_count: 0 });
    } finally {
      await workspace.close();
    }
  });
});
