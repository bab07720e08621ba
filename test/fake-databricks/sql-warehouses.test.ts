import { ManualClock, defaultTiming } from './api.js';
import { RouteTableClient, routeTableContext } from './route-table-client.js';
import { SqlWarehousesService } from './sql-warehouses.js';

const timing = { ...defaultTiming, warehouseStartMs: 1000, warehouseStopMs: 300 };
const WAREHOUSES = '/api/2.0/sql/warehouses';

function workspace() {
  const clock = new ManualClock();
  const events: string[] = [];
  const service = new SqlWarehousesService(routeTableContext(clock, timing), {
    onCreated: (id) => events.push(`created ${id}`),
    onDeleted: (id) => events.push(`deleted ${id}`),
  });
  return { clock, service, events, api: new RouteTableClient(service) };
}

const basic = { name: 'bi', cluster_size: 'Small' };

async function createWarehouse(
  api: RouteTableClient,
  body: Record<string, unknown> = basic,
): Promise<string> {
  return (await api.ok('POST', WAREHOUSES, body)).id as string;
}

async function stateOf(api: RouteTableClient, id: string): Promise<unknown> {
  return (await api.ok('GET', `${WAREHOUSES}/${id}`)).state;
}

describe('SQL warehouses', () => {
  it('starts on create: STARTING, then RUNNING, reported with the backend defaults', async () => {
    const { api, clock, events } = workspace();
    const id = await createWarehouse(api, {
      ...basic,
      tags: { custom_tags: [{ key: 'team', value: 'bi' }] },
    });
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(events).toEqual([`created ${id}`]);
    expect(await stateOf(api, id)).toBe('STARTING');
    clock.advance(1000);
    expect(await api.ok('GET', `${WAREHOUSES}/${id}`)).toEqual({
      id,
      name: 'bi',
      cluster_size: 'Small',
      tags: { custom_tags: [{ key: 'team', value: 'bi' }] },
      auto_stop_mins: 120,
      min_num_clusters: 1,
      max_num_clusters: 1,
      enable_photon: false,
      enable_serverless_compute: false,
      spot_instance_policy: 'COST_OPTIMIZED',
      warehouse_type: 'CLASSIC',
      channel: { name: 'CHANNEL_NAME_CURRENT' },
      creator_name: 'tester@example.com',
      state: 'RUNNING',
      num_clusters: 1,
      num_active_sessions: 0,
      jdbc_url: `jdbc:spark://127.0.0.1:1:443/default;transportMode=http;ssl=1;AuthMech=3;httpPath=/sql/1.0/warehouses/${id};`,
      odbc_params: {
        hostname: '127.0.0.1:1',
        path: `/sql/1.0/warehouses/${id}`,
        protocol: 'https',
        port: 443,
      },
      health: { status: 'HEALTHY' },
    });
  });

  it('stops (STOPPING, then STOPPED) and starts again; each is a no-op in a state already heading there', async () => {
    const { api, clock } = workspace();
    const id = await createWarehouse(api);
    clock.advance(1000);
    await api.ok('POST', `${WAREHOUSES}/${id}/stop`, {});
    expect(await stateOf(api, id)).toBe('STOPPING');
    await api.ok('POST', `${WAREHOUSES}/${id}/stop`, {});
    clock.advance(300);
    expect(await stateOf(api, id)).toBe('STOPPED');
    expect((await api.ok('GET', `${WAREHOUSES}/${id}`)).num_clusters).toBe(0);
    await api.ok('POST', `${WAREHOUSES}/${id}/start`, {});
    expect(await stateOf(api, id)).toBe('STARTING');
    await api.ok('POST', `${WAREHOUSES}/${id}/start`, {});
    clock.advance(1000);
    expect(await stateOf(api, id)).toBe('RUNNING');
  });

  it('starts once stopped when asked to start while STOPPING', async () => {
    const { api, clock } = workspace();
    const id = await createWarehouse(api);
    clock.advance(1000);
    await api.ok('POST', `${WAREHOUSES}/${id}/stop`, {});
    await api.ok('POST', `${WAREHOUSES}/${id}/start`, {});
    clock.advance(300);
    expect(await stateOf(api, id)).toBe('STARTING');
    clock.advance(1000);
    expect(await stateOf(api, id)).toBe('RUNNING');
  });

  it('stops by itself after auto_stop_mins of RUNNING; 0 never stops', async () => {
    const { api, clock } = workspace();
    const stopping = await createWarehouse(api, { ...basic, auto_stop_mins: 10 });
    const forever = await createWarehouse(api, { ...basic, name: 'always', auto_stop_mins: 0 });
    clock.advance(1000 + 10 * 60_000 - 1);
    expect(await stateOf(api, stopping)).toBe('RUNNING');
    clock.advance(1 + 300);
    expect(await stateOf(api, stopping)).toBe('STOPPED');
    clock.advance(24 * 3600_000);
    expect(await stateOf(api, forever)).toBe('RUNNING');
  });

  it('applies the fields an edit carries and restarts a running warehouse; a stopped one stays stopped', async () => {
    const { api, clock } = workspace();
    const id = await createWarehouse(api, { ...basic, auto_stop_mins: 45 });
    clock.advance(1000);
    await api.ok('POST', `${WAREHOUSES}/${id}/edit`, { cluster_size: 'Large', max_num_clusters: 3 });
    const edited = await api.ok('GET', `${WAREHOUSES}/${id}`);
    expect(edited).toMatchObject({
      state: 'STARTING',
      cluster_size: 'Large',
      max_num_clusters: 3,
      auto_stop_mins: 45,
      name: 'bi',
    });
    clock.advance(1000);
    await api.ok('POST', `${WAREHOUSES}/${id}/stop`, {});
    clock.advance(300);
    await api.ok('POST', `${WAREHOUSES}/${id}/edit`, { cluster_size: 'Medium' });
    expect(await stateOf(api, id)).toBe('STOPPED');
  });

  it.each([
    ['an unknown cluster_size', { cluster_size: 'Huge' }, /not a warehouse size/],
    ['auto_stop_mins between 1 and 9', { auto_stop_mins: 5 }, /0 \(never stop\) or at least 10/],
    [
      'min_num_clusters above max_num_clusters',
      { min_num_clusters: 3, max_num_clusters: 2 },
      /min_num_clusters must be between 1 and/,
    ],
    ['min_num_clusters of 0', { min_num_clusters: 0 }, /min_num_clusters must be between 1 and/],
    ['max_num_clusters above 40', { max_num_clusters: 41 }, /at most 40/],
    [
      'serverless on a CLASSIC warehouse',
      { enable_serverless_compute: true, warehouse_type: 'CLASSIC' },
      /needs warehouse_type PRO/,
    ],
    [
      '45 custom tags',
      { tags: { custom_tags: Array.from({ length: 45 }, (_, i) => ({ key: `k${i}`, value: 'v' })) } },
      /fewer than 45/,
    ],
    ['a tag without a key', { tags: { custom_tags: [{ value: 'v' }] } }, /non-empty key/],
    ['an unknown channel', { channel: { name: 'CHANNEL_NAME_NIGHTLY' } }, /Invalid value/],
  ])('refuses %s', async (_case, change, message) => {
    const { api } = workspace();
    const answer = await api.call('POST', WAREHOUSES, { ...basic, ...change });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(message);
  });

  it('needs a name and a cluster_size, and keeps names unique', async () => {
    const { api } = workspace();
    expect((await api.call('POST', WAREHOUSES, { cluster_size: 'Small' })).body.message).toBe(
      'Missing required field: name',
    );
    expect((await api.call('POST', WAREHOUSES, { name: 'x' })).body.message).toBe(
      'Missing required field: cluster_size',
    );
    await createWarehouse(api);
    expect((await api.call('POST', WAREHOUSES, basic)).body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('makes a serverless warehouse PRO', async () => {
    const { api } = workspace();
    const id = await createWarehouse(api, { ...basic, enable_serverless_compute: true });
    expect(await api.ok('GET', `${WAREHOUSES}/${id}`)).toMatchObject({
      enable_serverless_compute: true,
      warehouse_type: 'PRO',
    });
  });

  it('fails to start when it carries the FAIL_START marker: STOPPED, health FAILED with a summary', async () => {
    const { api, clock } = workspace();
    const id = await createWarehouse(api, { ...basic, name: 'bi FAIL_START' });
    expect((await api.ok('GET', `${WAREHOUSES}/${id}`)).health).toEqual({ status: 'HEALTHY' });
    clock.advance(1000);
    const warehouse = await api.ok('GET', `${WAREHOUSES}/${id}`);
    expect(warehouse.state).toBe('STOPPED');
    expect(warehouse.health).toMatchObject({
      status: 'FAILED',
      summary: expect.stringContaining('FAIL_START'),
    });
  });

  it('deletes: DELETING, then DELETED; gone from the list, and refuses further changes', async () => {
    const { api, clock, events } = workspace();
    const id = await createWarehouse(api);
    await api.ok('DELETE', `${WAREHOUSES}/${id}`);
    expect(events).toContain(`deleted ${id}`);
    expect(await stateOf(api, id)).toBe('DELETING');
    clock.advance(300);
    expect(await stateOf(api, id)).toBe('DELETED');
    expect(await api.ok('GET', WAREHOUSES)).toEqual({});
    expect(await api.call('POST', `${WAREHOUSES}/${id}/start`, {})).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_STATE' },
    });
    // Its name is free again.
    await createWarehouse(api);
  });

  it('answers a missing warehouse with 404', async () => {
    const { api } = workspace();
    expect((await api.call('GET', `${WAREHOUSES}/0123456789abcdef`)).body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'SQL warehouse 0123456789abcdef does not exist.',
    });
  });

  it('lists in pages of page_size', async () => {
    const { api } = workspace();
    for (let i = 0; i < 5; i++) await createWarehouse(api, { ...basic, name: `w${i}` });
    const first = await api.ok('GET', WAREHOUSES, { page_size: 2 });
    expect(first.warehouses).toHaveLength(2);
    const rest = [];
    let token = first.next_page_token as string | undefined;
    while (token) {
      const page = await api.ok('GET', WAREHOUSES, { page_size: 2, page_token: token });
      rest.push(...(page.warehouses as unknown[]));
      token = page.next_page_token as string | undefined;
    }
    expect(rest).toHaveLength(3);
    expect((await api.ok('GET', WAREHOUSES)).warehouses).toHaveLength(5);
  });
});
