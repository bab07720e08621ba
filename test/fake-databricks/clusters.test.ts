import { ManualClock, defaultTiming } from './api.js';
import { ClustersService } from './clusters.js';
import { RouteTableClient, routeTableContext } from './route-table-client.js';
import { FakeHttpClient } from './fake-http-client.js';
import { startFakeWorkspace, type FakeWorkspace } from './index.js';

const timing = { ...defaultTiming, clusterStartMs: 1000, clusterTerminateMs: 400 };

function workspace() {
  const clock = new ManualClock();
  const ctx = routeTableContext(clock, timing);
  const created: string[] = [];
  const service = new ClustersService(ctx, { onCreated: (id) => created.push(id) });
  return { clock, service, created, api: new RouteTableClient(service) };
}

const basic = {
  cluster_name: 'etl',
  spark_version: '15.4.x-scala2.12',
  node_type_id: 'i3.xlarge',
  num_workers: 2,
};

async function createCluster(api: RouteTableClient, spec: Record<string, unknown> = basic): Promise<string> {
  const { cluster_id } = await api.ok('POST', '/api/2.1/clusters/create', spec);
  return cluster_id as string;
}

async function stateOf(api: RouteTableClient, clusterId: string): Promise<unknown> {
  return (await api.ok('GET', '/api/2.1/clusters/get', { cluster_id: clusterId })).state;
}

describe('clusters lifecycle', () => {
  it('starts PENDING and becomes RUNNING after the configured start time', async () => {
    const { api, clock, created } = workspace();
    const id = await createCluster(api);
    expect(id).toMatch(/^\d{4}-\d{6}-[a-z0-9]{8}$/);
    expect(created).toEqual([id]);
    expect(await stateOf(api, id)).toBe('PENDING');
    clock.advance(999);
    expect(await stateOf(api, id)).toBe('PENDING');
    clock.advance(1);
    const running = await api.ok('GET', '/api/2.0/clusters/get', { cluster_id: id });
    expect(running.state).toBe('RUNNING');
    expect(running.spark_context_id).toEqual(expect.any(Number));
  });

  it('terminates asynchronously on delete, records the user request and stays listed', async () => {
    const { api, clock } = workspace();
    const id = await createCluster(api);
    clock.advance(1000);
    await api.ok('POST', '/api/2.1/clusters/delete', { cluster_id: id });
    expect(await stateOf(api, id)).toBe('TERMINATING');
    clock.advance(400);
    const cluster = await api.ok('GET', '/api/2.1/clusters/get', { cluster_id: id });
    expect(cluster.state).toBe('TERMINATED');
    expect(cluster.terminated_time).toBe(clock.now());
    expect(cluster.termination_reason).toEqual({
      code: 'USER_REQUEST',
      type: 'SUCCESS',
      parameters: { username: 'tester@example.com' },
    });
    expect(cluster.spark_context_id).toBeUndefined();
    // A second delete of a terminated cluster changes nothing.
    await api.ok('POST', '/api/2.1/clusters/delete', { cluster_id: id });
    const { clusters } = await api.ok('GET', '/api/2.1/clusters/list');
    expect(clusters).toEqual([expect.objectContaining({ cluster_id: id, state: 'TERMINATED' })]);
  });

  it('starts a terminated cluster again with the same id and clears the termination reason', async () => {
    const { api, clock } = workspace();
    const id = await createCluster(api);
    await api.ok('POST', '/api/2.1/clusters/delete', { cluster_id: id });
    clock.advance(400);
    await api.ok('POST', '/api/2.1/clusters/start', { cluster_id: id });
    const pending = await api.ok('GET', '/api/2.1/clusters/get', { cluster_id: id });
    expect(pending.state).toBe('PENDING');
    expect(pending.termination_reason).toBeUndefined();
    expect(pending.start_time).toBe(clock.now());
    clock.advance(1000);
    expect(await stateOf(api, id)).toBe('RUNNING');
  });

  it('refuses to start a cluster that is not terminated', async () => {
    const { api } = workspace();
    const id = await createCluster(api);
    const result = await api.call('POST', '/api/2.1/clusters/start', { cluster_id: id });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error_code: 'INVALID_STATE' });
  });

  it('restarts a running cluster and ignores restart in other states', async () => {
    const { api, clock } = workspace();
    const id = await createCluster(api);
    await api.ok('POST', '/api/2.1/clusters/restart', { cluster_id: id });
    expect(await stateOf(api, id)).toBe('PENDING');
    clock.advance(1000);
    await api.ok('POST', '/api/2.1/clusters/restart', { cluster_id: id });
    expect(await stateOf(api, id)).toBe('RESTARTING');
    clock.advance(1000);
    const cluster = await api.ok('GET', '/api/2.1/clusters/get', { cluster_id: id });
    expect(cluster.state).toBe('RUNNING');
    expect(cluster.last_restarted_time).toBe(clock.now());
  });

  it('resizes only a running cluster, through RESIZING', async () => {
    const { api, clock } = workspace();
    const id = await createCluster(api);
    const early = await api.call('POST', '/api/2.1/clusters/resize', { cluster_id: id, num_workers: 5 });
    expect(early).toMatchObject({ status: 400, body: { error_code: 'INVALID_STATE' } });
    clock.advance(1000);
    await api.ok('POST', '/api/2.1/clusters/resize', {
      cluster_id: id,
      autoscale: { min_workers: 1, max_workers: 4 },
    });
    const resizing = await api.ok('GET', '/api/2.1/clusters/get', { cluster_id: id });
    expect(resizing.state).toBe('RESIZING');
    expect(resizing.autoscale).toEqual({ min_workers: 1, max_workers: 4 });
    expect(resizing.num_workers).toBeUndefined();
    clock.advance(1000);
    expect(await stateOf(api, id)).toBe('RUNNING');
  });

  it('gives INVALID_STATE when resizing a terminated cluster', async () => {
    const { api, clock } = workspace();
    const id = await createCluster(api);
    await api.ok('POST', '/api/2.1/clusters/delete', { cluster_id: id });
    clock.advance(400);
    const result = await api.call('POST', '/api/2.1/clusters/resize', { cluster_id: id, num_workers: 3 });
    expect(result).toMatchObject({ status: 400, body: { error_code: 'INVALID_STATE' } });
  });

  it('restarts a running cluster on edit and keeps a terminated one terminated', async () => {
    const { api, clock } = workspace();
    const id = await createCluster(api);
    const pendingEdit = await api.call('POST', '/api/2.1/clusters/edit', { ...basic, cluster_id: id });
    expect(pendingEdit).toMatchObject({ status: 400, body: { error_code: 'INVALID_STATE' } });
    clock.advance(1000);
    await api.ok('POST', '/api/2.1/clusters/edit', { ...basic, num_workers: 4, cluster_id: id });
    const edited = await api.ok('GET', '/api/2.1/clusters/get', { cluster_id: id });
    expect(edited).toMatchObject({ state: 'RESTARTING', num_workers: 4, spec: { num_workers: 4 } });
    clock.advance(1000);
    await api.ok('POST', '/api/2.1/clusters/delete', { cluster_id: id });
    clock.advance(400);
    await api.ok('POST', '/api/2.1/clusters/edit', { ...basic, num_workers: 1, cluster_id: id });
    expect(await api.ok('GET', '/api/2.1/clusters/get', { cluster_id: id })).toMatchObject({
      state: 'TERMINATED',
      num_workers: 1,
    });
  });

  it('fails to start a cluster carrying the FAIL_START marker, with a cloud failure reason', async () => {
    const { api, clock } = workspace();
    const id = await createCluster(api, { ...basic, custom_tags: { scenario: 'FAIL_START' } });
    clock.advance(1000);
    expect(await stateOf(api, id)).toBe('TERMINATING');
    clock.advance(400);
    const cluster = await api.ok('GET', '/api/2.1/clusters/get', { cluster_id: id });
    expect(cluster.state).toBe('TERMINATED');
    expect(cluster.termination_reason).toMatchObject({
      code: 'CLOUD_PROVIDER_LAUNCH_FAILURE',
      type: 'CLOUD_FAILURE',
    });
    expect(cluster.state_message).toContain('FAIL_START');
  });

  it('terminates a running cluster for inactivity after autotermination_minutes', async () => {
    const { api, clock } = workspace();
    const id = await createCluster(api, { ...basic, autotermination_minutes: 10 });
    clock.advance(1000 + 10 * 60_000 + 400);
    const cluster = await api.ok('GET', '/api/2.1/clusters/get', { cluster_id: id });
    expect(cluster.state).toBe('TERMINATED');
    expect(cluster.termination_reason).toMatchObject({ code: 'INACTIVITY', type: 'SUCCESS' });
  });

  it('removes a permanently deleted cluster from list and every later call', async () => {
    const { api } = workspace();
    const id = await createCluster(api);
    await api.ok('POST', '/api/2.1/clusters/permanent-delete', { cluster_id: id });
    expect(await api.ok('GET', '/api/2.1/clusters/list')).toEqual({});
    const result = await api.call('GET', '/api/2.1/clusters/get', { cluster_id: id });
    expect(result).toEqual({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: `Cluster ${id} does not exist` },
    });
  });
});

describe('clusters/update', () => {
  it('changes only the fields in update_mask and restarts a running cluster', async () => {
    const { api, clock } = workspace();
    const id = await createCluster(api, { ...basic, spark_conf: { a: '1' } });
    clock.advance(1000);
    await api.ok('POST', '/api/2.1/clusters/update', {
      cluster_id: id,
      update_mask: 'autoscale,spark_conf',
      cluster: { autoscale: { min_workers: 1, max_workers: 3 }, cluster_name: 'ignored' },
    });
    const updated = await api.ok('GET', '/api/2.1/clusters/get', { cluster_id: id });
    expect(updated).toMatchObject({
      state: 'RESTARTING',
      cluster_name: 'etl',
      autoscale: { max_workers: 3 },
    });
    expect(updated.num_workers).toBeUndefined();
    expect(updated.spark_conf).toBeUndefined();
  });

  it('refuses an update while the cluster is pending', async () => {
    const { api } = workspace();
    const id = await createCluster(api);
    const result = await api.call('POST', '/api/2.1/clusters/update', {
      cluster_id: id,
      update_mask: 'num_workers',
      cluster: { num_workers: 3 },
    });
    expect(result).toMatchObject({ status: 400, body: { error_code: 'INVALID_STATE' } });
  });
});

describe('clusters/get output', () => {
  it('adds server-side defaults, default_tags and spec, and never returns apply_policy_default_values', async () => {
    const { api } = workspace();
    const id = await createCluster(api, {
      ...basic,
      apply_policy_default_values: true,
      custom_tags: { team: 'a' },
    });
    const cluster = await api.ok('GET', '/api/2.1/clusters/get', { cluster_id: id });
    expect(cluster).toMatchObject({
      cluster_id: id,
      creator_user_name: 'tester@example.com',
      cluster_source: 'API',
      enable_elastic_disk: true,
      enable_local_disk_encryption: false,
      data_security_mode: 'NONE',
      driver_node_type_id: 'i3.xlarge',
      aws_attributes: { availability: 'SPOT_WITH_FALLBACK', zone_id: 'auto', first_on_demand: 1 },
      default_tags: {
        Vendor: 'Databricks',
        Creator: 'tester@example.com',
        ClusterName: 'etl',
        ClusterId: id,
      },
      custom_tags: { team: 'a' },
      spec: { ...basic, custom_tags: { team: 'a' } },
      start_time: expect.any(Number),
      state_message: expect.any(String),
    });
    expect(cluster).not.toHaveProperty('apply_policy_default_values');
    expect(cluster.spec).not.toHaveProperty('apply_policy_default_values');
  });

  it('merges user-set cloud attributes over the managed ones and uses Azure attributes for Azure nodes', async () => {
    const { api } = workspace();
    const id = await createCluster(api, {
      ...basic,
      node_type_id: 'Standard_DS3_v2',
      azure_attributes: { availability: 'SPOT_AZURE' },
    });
    const cluster = await api.ok('GET', '/api/2.1/clusters/get', { cluster_id: id });
    expect(cluster.azure_attributes).toEqual({
      availability: 'SPOT_AZURE',
      first_on_demand: 1,
      spot_bid_max_price: -1,
    });
    expect(cluster.aws_attributes).toBeUndefined();
  });

  it('answers a missing cluster with the legacy 400 "does not exist"', async () => {
    const { api } = workspace();
    for (const [method, path] of [
      ['GET', '/api/2.1/clusters/get'],
      ['POST', '/api/2.0/clusters/delete'],
      ['POST', '/api/2.1/clusters/events'],
    ] as const) {
      expect(await api.call(method, path, { cluster_id: '0101-000000-missing1' })).toEqual({
        status: 400,
        body: {
          error_code: 'INVALID_PARAMETER_VALUE',
          message: 'Cluster 0101-000000-missing1 does not exist',
        },
      });
    }
  });
});

describe('clusters validation', () => {
  it.each([
    [{ cluster_name: 'x', num_workers: 1 }, 'Missing required field: spark_version'],
    [{ ...basic, autoscale: { min_workers: 1, max_workers: 2 } }, 'not both'],
    [{ ...basic, autotermination_minutes: 5 }, 'autotermination_minutes'],
    [{ ...basic, autotermination_minutes: 10001 }, 'autotermination_minutes'],
    [
      { ...basic, custom_tags: Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`t${i}`, 'v'])) },
      '45',
    ],
    [{ ...basic, num_workers: undefined, autoscale: { min_workers: 3, max_workers: 2 } }, 'min_workers'],
  ])('rejects an invalid create payload (%#)', async (spec, message) => {
    const { api } = workspace();
    const result = await api.call('POST', '/api/2.1/clusters/create', spec);
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect((result.body as { message: string }).message).toContain(message);
  });

  it('accepts autotermination_minutes of 0 and of 10', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.1/clusters/create', { ...basic, autotermination_minutes: 0 });
    await api.ok('POST', '/api/2.1/clusters/create', { ...basic, autotermination_minutes: 10 });
  });
});

describe('clusters list and events', () => {
  it('pages through clusters with page_size and next_page_token', async () => {
    const { api, clock } = workspace();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await createCluster(api, { ...basic, cluster_name: `c${i}` }));
      clock.advance(10);
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await api.ok('GET', '/api/2.1/clusters/list', { page_size: 2, page_token: token });
      seen.push(...(page.clusters as { cluster_id: string }[]).map((c) => c.cluster_id));
      token = page.next_page_token as string | undefined;
      pages += 1;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('hides clusters terminated more than 30 days ago unless pinned', async () => {
    const { api, clock } = workspace();
    const old = await createCluster(api);
    const pinned = await createCluster(api);
    await api.ok('POST', '/api/2.1/clusters/pin', { cluster_id: pinned });
    await api.ok('POST', '/api/2.1/clusters/delete', { cluster_id: old });
    await api.ok('POST', '/api/2.1/clusters/delete', { cluster_id: pinned });
    clock.advance(31 * 24 * 3600 * 1000);
    const { clusters } = await api.ok('GET', '/api/2.1/clusters/list');
    expect((clusters as { cluster_id: string }[]).map((c) => c.cluster_id)).toEqual([pinned]);
  });

  it('records lifecycle events, newest first by default, ASC on request, with pagination', async () => {
    const { api, clock } = workspace();
    const id = await createCluster(api);
    clock.advance(1000);
    await api.ok('POST', '/api/2.1/clusters/restart', { cluster_id: id });
    clock.advance(1000);
    await api.ok('POST', '/api/2.1/clusters/delete', { cluster_id: id });
    const desc = await api.ok('POST', '/api/2.1/clusters/events', { cluster_id: id });
    expect((desc.events as { type: string }[]).map((e) => e.type)).toEqual([
      'TERMINATING',
      'RUNNING',
      'RESTARTING',
      'RUNNING',
      'CREATING',
    ]);
    expect(desc.total_count).toBe(5);
    const first = await api.ok('POST', '/api/2.1/clusters/events', {
      cluster_id: id,
      order: 'ASC',
      page_size: 3,
    });
    expect((first.events as { type: string }[]).map((e) => e.type)).toEqual([
      'CREATING',
      'RUNNING',
      'RESTARTING',
    ]);
    expect(first.next_page).toMatchObject({ cluster_id: id, offset: 3, limit: 3 });
    const second = await api.ok('POST', '/api/2.1/clusters/events', {
      cluster_id: id,
      order: 'ASC',
      page_size: 3,
      page_token: first.next_page_token,
    });
    expect((second.events as { type: string }[]).map((e) => e.type)).toEqual(['RUNNING', 'TERMINATING']);
    expect(second.next_page_token).toBeUndefined();
    const filtered = await api.ok('POST', '/api/2.1/clusters/events', {
      cluster_id: id,
      event_types: ['RUNNING'],
    });
    expect(filtered.total_count).toBe(2);
  });

  /** `basic` without its size: what events call the cluster's attributes. */
  const { num_workers: _size, ...attributes } = basic;
  const eventsOf = async (api: RouteTableClient, clusterId: string, type: string) =>
    (await api.ok('POST', '/api/2.1/clusters/events', { cluster_id: clusterId, event_types: [type] }))
      .events as { details: Record<string, unknown> }[];

  it('gives an EDITED event the size in cluster_size and worker counts, and the other settings as attributes', async () => {
    const { api, clock } = workspace();
    const id = await createCluster(api, { ...basic, autotermination_minutes: 0 });
    clock.advance(1000);
    await api.ok('POST', '/api/2.1/clusters/edit', {
      ...basic,
      cluster_id: id,
      num_workers: 4,
      spark_conf: { 'spark.speculation': 'true' },
    });
    const [edited] = await eventsOf(api, id, 'EDITED');
    expect(edited.details).toEqual({
      user: expect.any(String),
      previous_attributes: { ...attributes, autotermination_minutes: 0 },
      attributes: { ...attributes, spark_conf: { 'spark.speculation': 'true' } },
      previous_cluster_size: { num_workers: 2 },
      cluster_size: { num_workers: 4 },
      current_num_workers: 2,
      target_num_workers: 4,
    });

    clock.advance(1000);
    await api.ok('POST', '/api/2.1/clusters/delete', { cluster_id: id });
    clock.advance(400);
    await api.ok('POST', '/api/2.1/clusters/edit', {
      ...attributes,
      cluster_id: id,
      autoscale: { min_workers: 1, max_workers: 3 },
    });
    const [terminatedEdit] = await eventsOf(api, id, 'EDITED');
    expect(terminatedEdit.details).toMatchObject({
      previous_cluster_size: { num_workers: 4 },
      cluster_size: { autoscale: { min_workers: 1, max_workers: 3 } },
      current_num_workers: 0,
      target_num_workers: 0,
    });
    expect(terminatedEdit.details['attributes']).not.toHaveProperty('autoscale');
    expect(terminatedEdit.details['attributes']).not.toHaveProperty('num_workers');
  });

  it('gives CREATING the attributes and size, and RESIZING, RUNNING and UPSIZE_COMPLETED the worker counts', async () => {
    const { api, clock } = workspace();
    const id = await createCluster(api);
    expect((await eventsOf(api, id, 'CREATING'))[0].details).toEqual({
      user: expect.any(String),
      attributes,
      cluster_size: { num_workers: 2 },
    });
    clock.advance(1000);
    expect((await eventsOf(api, id, 'RUNNING'))[0].details).toEqual({
      current_num_workers: 2,
      target_num_workers: 2,
    });
    await api.ok('POST', '/api/2.1/clusters/resize', { cluster_id: id, num_workers: 5 });
    expect((await eventsOf(api, id, 'RESIZING'))[0].details).toEqual({
      user: expect.any(String),
      previous_cluster_size: { num_workers: 2 },
      cluster_size: { num_workers: 5 },
      current_num_workers: 2,
      target_num_workers: 5,
    });
    clock.advance(1000);
    expect((await eventsOf(api, id, 'UPSIZE_COMPLETED'))[0].details).toEqual({
      current_num_workers: 5,
      target_num_workers: 5,
    });
  });

  it('filters by state and pinned status the way the SDK sends filter_by', async () => {
    const { api, clock } = workspace();
    const running = await createCluster(api);
    clock.advance(1000);
    const pending = await createCluster(api);
    await api.ok('POST', '/api/2.1/clusters/pin', { cluster_id: pending });
    const byState = await api.ok('GET', '/api/2.1/clusters/list', { 'filter_by.cluster_states': 'RUNNING' });
    expect((byState.clusters as { cluster_id: string }[]).map((c) => c.cluster_id)).toEqual([running]);
    const pinned = await api.ok('GET', '/api/2.1/clusters/list', { 'filter_by.is_pinned': true });
    expect((pinned.clusters as { cluster_id: string }[]).map((c) => c.cluster_id)).toEqual([pending]);
  });

  it('lists spark versions and node types', async () => {
    const { api } = workspace();
    const { versions } = await api.ok('GET', '/api/2.1/clusters/spark-versions');
    expect(versions).toContainEqual(expect.objectContaining({ key: '15.4.x-scala2.12' }));
    const { node_types } = await api.ok('GET', '/api/2.0/clusters/list-node-types');
    expect(node_types).toContainEqual(expect.objectContaining({ node_type_id: 'i3.xlarge', num_cores: 4 }));
  });
});

describe('clusters acted on as a UI user', () => {
  it('terminates, edits and deletes through the inspection methods', async () => {
    const { api, clock, service } = workspace();
    const id = await createCluster(api);
    clock.advance(1000);
    service.editByUser(id, { num_workers: 7 });
    expect(await api.ok('GET', '/api/2.1/clusters/get', { cluster_id: id })).toMatchObject({
      state: 'RESTARTING',
      num_workers: 7,
    });
    clock.advance(1000);
    service.terminateByUser(id, 'someone@example.com');
    clock.advance(400);
    expect(service.stateOf(id)).toBe('TERMINATED');
    expect(service.exists(id)).toBe(true);
    service.permanentlyDeleteByUser(id);
    expect(service.exists(id)).toBe(false);
  });
});

describe('clusters over HTTP', () => {
  const clock = new ManualClock();
  let server: FakeWorkspace;
  let http: FakeHttpClient;
  beforeAll(async () => {
    server = await startFakeWorkspace({ rateLimits: false, clock, timing });
    http = new FakeHttpClient(server);
  });
  afterAll(() => server.close());

  it('serves the 2.0 and 2.1 paths, reads GET parameters from the query string and pages', async () => {
    const created = await http.ok('POST', '/api/2.0/clusters/create', basic);
    await http.ok('POST', '/api/2.1/clusters/create', { ...basic, cluster_name: 'second' });
    clock.advance(1000);
    const first = await http.ok('GET', '/api/2.1/clusters/list', { page_size: 1 });
    expect(first.clusters).toHaveLength(1);
    const second = await http.ok('GET', '/api/2.0/clusters/list', {
      page_size: 1,
      page_token: first.next_page_token,
    });
    expect(second.clusters[0].cluster_id).toBe(created.cluster_id);
    expect(second.next_page_token).toBeUndefined();
    expect(await http.ok('GET', '/api/2.1/clusters/get', { cluster_id: created.cluster_id })).toMatchObject({
      state: 'RUNNING',
      creator_user_name: server.userName,
    });
  });

  it('gives the creator CAN_MANAGE on the cluster and drops the ACL on permanent delete', async () => {
    const { cluster_id } = await http.ok('POST', '/api/2.1/clusters/create', basic);
    const acl = await http.ok('GET', `/api/2.0/permissions/clusters/${cluster_id}`);
    expect(acl.access_control_list[0]).toEqual({
      user_name: server.userName,
      all_permissions: [{ permission_level: 'CAN_MANAGE', inherited: false }],
    });
    await http.ok('POST', '/api/2.1/clusters/permanent-delete', { cluster_id });
    expect((await http.call('GET', `/api/2.0/permissions/clusters/${cluster_id}`)).status).toBe(404);
  });

  it('answers a malformed field with 400 MALFORMED_REQUEST', async () => {
    const answer = await http.call('POST', '/api/2.1/clusters/create', { ...basic, num_workers: 'two' });
    expect(answer.status).toBe(400);
    expect(answer.body.error_code).toBe('MALFORMED_REQUEST');
  });
});
