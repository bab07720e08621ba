import { ManualClock, defaultTiming } from './api.js';
import { PipelinesService } from './pipelines.js';
import { RouteTableClient, routeTableContext } from './route-table-client.js';

const timing = { ...defaultTiming, pipelineStepMs: 100, pipelineRunningMs: 500, pipelineStopMs: 200 };
const PIPELINES = '/api/2.0/pipelines';

function workspace() {
  const clock = new ManualClock();
  const events: string[] = [];
  const service = new PipelinesService(routeTableContext(clock, timing), {
    onCreated: (id) => events.push(`created ${id}`),
    onDeleted: (id) => events.push(`deleted ${id}`),
  });
  return { clock, service, events, api: new RouteTableClient(service) };
}

const settings = {
  name: 'sales',
  catalog: 'main',
  schema: 'sales',
  libraries: [{ notebook: { path: '/Shared/sales_dlt' } }],
};

async function createPipeline(
  api: RouteTableClient,
  body: Record<string, unknown> = settings,
): Promise<string> {
  return (await api.ok('POST', PIPELINES, body)).pipeline_id as string;
}

async function pipelineState(api: RouteTableClient, id: string): Promise<unknown> {
  return (await api.ok('GET', `${PIPELINES}/${id}`)).state;
}

async function updateState(api: RouteTableClient, id: string, updateId: string): Promise<unknown> {
  return ((await api.ok('GET', `${PIPELINES}/${id}/updates/${updateId}`)).update as { state: string }).state;
}

describe('pipelines', () => {
  it('creates an IDLE pipeline and returns its spec with the backend defaults', async () => {
    const { api, events } = workspace();
    const id = await createPipeline(api, { ...settings, catalog: undefined, allow_duplicate_names: true });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(events).toEqual([`created ${id}`]);
    const pipeline = await api.ok('GET', `${PIPELINES}/${id}`);
    expect(pipeline).toEqual({
      pipeline_id: id,
      name: 'sales',
      state: 'IDLE',
      health: 'HEALTHY',
      creator_user_name: 'tester@example.com',
      run_as_user_name: 'tester@example.com',
      last_modified: expect.any(Number),
      spec: {
        id,
        name: 'sales',
        schema: 'sales',
        libraries: settings.libraries,
        channel: 'CURRENT',
        edition: 'ADVANCED',
        configuration: { 'spark.sql.ansi.enabled': 'true' },
        storage: `dbfs:/pipelines/${id}`,
      },
    });
  });

  it('fills in cluster node types, and echoes run_as only when it was set', async () => {
    const { api } = workspace();
    const id = await createPipeline(api, {
      ...settings,
      clusters: [{ label: 'default', num_workers: 1 }],
      run_as: { service_principal_name: 'sp-app-id' },
    });
    const pipeline = await api.ok('GET', `${PIPELINES}/${id}`);
    expect((pipeline.spec as Record<string, unknown>).clusters).toEqual([
      {
        label: 'default',
        num_workers: 1,
        node_type_id: 'i3.xlarge',
        driver_node_type_id: 'i3.xlarge',
        enable_local_disk_encryption: false,
      },
    ]);
    expect(pipeline.run_as).toEqual({ service_principal_name: 'sp-app-id' });
    expect(pipeline.run_as_user_name).toBe('sp-app-id');
    expect(pipeline.spec).not.toHaveProperty('run_as');
  });

  it('keeps names unique unless allow_duplicate_names is set', async () => {
    const { api } = workspace();
    const first = await createPipeline(api);
    const clash = await api.call('POST', PIPELINES, settings);
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ error_code: 'RESOURCE_CONFLICT' });
    expect(clash.body.message).toContain(first);
    await api.ok('POST', PIPELINES, { ...settings, allow_duplicate_names: true });
  });

  it.each([
    ['schema and target together', { schema: 's', target: 't' }, /not both/],
    ['a dotted target', { schema: undefined, target: 'main.sales' }, /not a valid schema name/],
    [
      '26 tags',
      { tags: Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`t${i}`, 'v'])) },
      /at most 25/,
    ],
    [
      'run_as naming two principals',
      { run_as: { user_name: 'a@b.c', service_principal_name: 'sp' } },
      /exactly one/,
    ],
  ])('refuses %s', async (_case, change, message) => {
    const { api } = workspace();
    const answer = await api.call('POST', PIPELINES, { ...settings, ...change });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(message);
  });

  it('validates without creating on dry_run', async () => {
    const { api } = workspace();
    const answer = await api.ok('POST', PIPELINES, { ...settings, dry_run: true });
    expect(answer).toHaveProperty('effective_settings.name', 'sales');
    expect(answer).not.toHaveProperty('pipeline_id');
    expect(await api.ok('GET', PIPELINES)).toEqual({});
  });

  it('replaces the settings on edit (PUT), keeps storage, and checks expected_last_modified', async () => {
    const { api, clock } = workspace();
    const id = await createPipeline(api, { ...settings, catalog: undefined, development: true });
    const { last_modified } = await api.ok('GET', `${PIPELINES}/${id}`);
    clock.advance(1000);
    await api.ok('PUT', `${PIPELINES}/${id}`, {
      ...settings,
      catalog: undefined,
      name: 'sales-v2',
      expected_last_modified: last_modified,
    });
    const edited = await api.ok('GET', `${PIPELINES}/${id}`);
    expect(edited).toMatchObject({ name: 'sales-v2', last_modified: (last_modified as number) + 1000 });
    expect(edited.spec).not.toHaveProperty('development');
    const stale = await api.call('PUT', `${PIPELINES}/${id}`, {
      ...settings,
      expected_last_modified: last_modified,
    });
    expect(stale.status).toBe(409);
    const storage = await api.call('PUT', `${PIPELINES}/${id}`, {
      ...settings,
      catalog: undefined,
      storage: 'dbfs:/elsewhere',
    });
    expect(storage.body.message).toMatch(/storage cannot be changed/);
    const otherId = await api.call('PUT', `${PIPELINES}/${id}`, { ...settings, id: 'another' });
    expect(otherId.status).toBe(400);
  });

  it('answers a missing pipeline with 404 "The specified pipeline ... was not found."', async () => {
    const { api } = workspace();
    expect(await api.call('GET', `${PIPELINES}/nope`)).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'The specified pipeline nope was not found.' },
    });
  });
});

describe('pipeline updates', () => {
  it('moves a triggered update through every phase to COMPLETED, the pipeline from STARTING to IDLE', async () => {
    const { api, clock } = workspace();
    const id = await createPipeline(api);
    const { update_id } = await api.ok('POST', `${PIPELINES}/${id}/updates`, {});
    const seen: [unknown, unknown][] = [];
    for (let i = 0; i < 8; i++) {
      seen.push([await updateState(api, id, update_id as string), await pipelineState(api, id)]);
      clock.advance(100);
    }
    clock.advance(400);
    seen.push([await updateState(api, id, update_id as string), await pipelineState(api, id)]);
    expect(seen).toEqual([
      ['QUEUED', 'STARTING'],
      ['CREATED', 'STARTING'],
      ['WAITING_FOR_RESOURCES', 'STARTING'],
      ['INITIALIZING', 'STARTING'],
      ['SETTING_UP_TABLES', 'RUNNING'],
      ['RUNNING', 'RUNNING'],
      ['RUNNING', 'RUNNING'],
      ['RUNNING', 'RUNNING'],
      ['COMPLETED', 'IDLE'],
    ]);
  });

  it('goes through RESETTING on a full refresh', async () => {
    const { api, clock } = workspace();
    const id = await createPipeline(api);
    const { update_id } = await api.ok('POST', `${PIPELINES}/${id}/updates`, { full_refresh: true });
    clock.advance(400);
    expect(await updateState(api, id, update_id as string)).toBe('RESETTING');
    expect(await pipelineState(api, id)).toBe('RESETTING');
    const update = (await api.ok('GET', `${PIPELINES}/${id}/updates/${update_id}`)).update as Record<
      string,
      unknown
    >;
    expect(update).toMatchObject({
      full_refresh: true,
      cause: 'API_CALL',
      config: expect.objectContaining({ name: 'sales' }),
    });
  });

  it('refuses a second update while one is active, and full_refresh with a selection', async () => {
    const { api } = workspace();
    const id = await createPipeline(api);
    await api.ok('POST', `${PIPELINES}/${id}/updates`, {});
    const second = await api.call('POST', `${PIPELINES}/${id}/updates`, {});
    expect(second).toMatchObject({ status: 409, body: { error_code: 'RESOURCE_CONFLICT' } });
    const mixed = await api.call('POST', `${PIPELINES}/${id}/updates`, {
      full_refresh: true,
      refresh_selection: ['t'],
    });
    expect(mixed.status).toBe(400);
  });

  it('stops the active update: STOPPING, then CANCELED and an IDLE pipeline; stop without one is a no-op', async () => {
    const { api, clock } = workspace();
    const id = await createPipeline(api, { ...settings, continuous: true });
    await api.ok('POST', `${PIPELINES}/${id}/stop`, {});
    const { update_id } = await api.ok('POST', `${PIPELINES}/${id}/updates`, {});
    clock.advance(10_000);
    expect(await updateState(api, id, update_id as string)).toBe('RUNNING');
    await api.ok('POST', `${PIPELINES}/${id}/stop`, {});
    expect(await pipelineState(api, id)).toBe('STOPPING');
    clock.advance(200);
    expect(await updateState(api, id, update_id as string)).toBe('CANCELED');
    expect(await pipelineState(api, id)).toBe('IDLE');
  });

  it('fails an update whose source carries the FAIL marker, and reports the pipeline FAILED and unhealthy', async () => {
    const { api, clock } = workspace();
    const id = await createPipeline(api, {
      ...settings,
      libraries: [{ notebook: { path: '/Shared/etl_FAIL' } }],
    });
    const { update_id } = await api.ok('POST', `${PIPELINES}/${id}/updates`, {});
    clock.advance(1000);
    expect(await updateState(api, id, update_id as string)).toBe('FAILED');
    const pipeline = await api.ok('GET', `${PIPELINES}/${id}`);
    expect(pipeline).toMatchObject({
      state: 'FAILED',
      health: 'UNHEALTHY',
      cause: expect.stringContaining('failed'),
    });
  });

  it('retries a failed continuous pipeline twice (RECOVERING in between), then stays FAILED', async () => {
    const { api, clock } = workspace();
    const id = await createPipeline(api, {
      ...settings,
      continuous: true,
      libraries: [{ notebook: { path: '/Shared/etl_FAIL' } }],
    });
    await api.ok('POST', `${PIPELINES}/${id}/updates`, {});
    clock.advance(1000); // failed at 1000 (500 setup + 500 running)
    expect(await pipelineState(api, id)).toBe('RECOVERING');
    clock.advance(10_000);
    expect(await pipelineState(api, id)).toBe('FAILED');
    const { updates } = await api.ok('GET', `${PIPELINES}/${id}/updates`);
    expect((updates as { cause: string; state: string }[]).map((u) => [u.cause, u.state])).toEqual([
      ['RETRY_ON_FAILURE', 'FAILED'],
      ['RETRY_ON_FAILURE', 'FAILED'],
      ['API_CALL', 'FAILED'],
    ]);
  });

  it('restarts a running continuous pipeline when its settings change', async () => {
    const { api, clock } = workspace();
    const id = await createPipeline(api, { ...settings, continuous: true });
    const { update_id } = await api.ok('POST', `${PIPELINES}/${id}/updates`, {});
    clock.advance(5000);
    await api.ok('PUT', `${PIPELINES}/${id}`, { ...settings, continuous: true, configuration: { k: 'v' } });
    expect(await updateState(api, id, update_id as string)).toBe('STOPPING');
    clock.advance(200);
    expect(await updateState(api, id, update_id as string)).toBe('CANCELED');
    const { updates } = await api.ok('GET', `${PIPELINES}/${id}/updates`);
    const [restart] = updates as { cause: string; state: string; update_id: string }[];
    expect(restart).toMatchObject({ cause: 'USER_ACTION', state: 'QUEUED' });
    const config = (await api.ok('GET', `${PIPELINES}/${id}/updates/${restart.update_id}`)).update as {
      config: { configuration: Record<string, string> };
    };
    expect(config.config.configuration.k).toBe('v');
  });

  it('stops a running continuous pipeline without restarting it when an edit makes it triggered', async () => {
    const { api, clock } = workspace();
    const id = await createPipeline(api, { ...settings, continuous: true });
    const { update_id } = await api.ok('POST', `${PIPELINES}/${id}/updates`, {});
    clock.advance(5000);
    await api.ok('PUT', `${PIPELINES}/${id}`, { ...settings, continuous: false });
    clock.advance(200);
    expect(await updateState(api, id, update_id as string)).toBe('CANCELED');
    clock.advance(10_000);
    expect(await pipelineState(api, id)).toBe('IDLE');
    expect((await api.ok('GET', `${PIPELINES}/${id}/updates`)).updates).toHaveLength(1);
  });

  it('refuses to start an update while a failed continuous pipeline is recovering, until it is stopped', async () => {
    const { api, clock } = workspace();
    const id = await createPipeline(api, {
      ...settings,
      continuous: true,
      libraries: [{ notebook: { path: '/Shared/etl_FAIL' } }],
    });
    await api.ok('POST', `${PIPELINES}/${id}/updates`, {});
    clock.advance(1000);
    const refused = await api.call('POST', `${PIPELINES}/${id}/updates`, {});
    expect(refused).toMatchObject({ status: 409, body: { message: expect.stringContaining('recovering') } });
    await api.ok('POST', `${PIPELINES}/${id}/stop`, {});
    expect(await pipelineState(api, id)).toBe('FAILED');
    clock.advance(10_000);
    // No retry once stopped.
    expect((await api.ok('GET', `${PIPELINES}/${id}/updates`)).updates).toHaveLength(1);
    await api.ok('POST', `${PIPELINES}/${id}/updates`, {});
  });

  it('lists updates newest first in pages, until a given update', async () => {
    const { api, clock } = workspace();
    const id = await createPipeline(api);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await api.ok('POST', `${PIPELINES}/${id}/updates`, {})).update_id as string);
      clock.advance(2000);
    }
    const first = await api.ok('GET', `${PIPELINES}/${id}/updates`, { max_results: 2 });
    expect((first.updates as { update_id: string }[]).map((u) => u.update_id)).toEqual([ids[2], ids[1]]);
    expect(first.updates as object[]).not.toContainEqual(
      expect.objectContaining({ config: expect.anything() }),
    );
    const second = await api.ok('GET', `${PIPELINES}/${id}/updates`, {
      max_results: 2,
      page_token: first.next_page_token,
    });
    expect((second.updates as { update_id: string }[]).map((u) => u.update_id)).toEqual([ids[0]]);
    expect(second).toHaveProperty('prev_page_token');
    const until = await api.ok('GET', `${PIPELINES}/${id}/updates`, { until_update_id: ids[1] });
    expect((until.updates as unknown[]).length).toBe(2);
    const latest = (await api.ok('GET', `${PIPELINES}/${id}`)).latest_updates as {
      update_id: string;
      creation_time: string;
    }[];
    expect(latest.map((u) => u.update_id)).toEqual([...ids].reverse());
    expect(latest[0].creation_time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await api.call('GET', `${PIPELINES}/${id}/updates/nope`)).body.message).toBe(
      'The specified update nope was not found.',
    );
  });

  it('completes a validate-only update after setting up tables, without RUNNING', async () => {
    const { api, clock } = workspace();
    const id = await createPipeline(api);
    const { update_id } = await api.ok('POST', `${PIPELINES}/${id}/updates`, { validate_only: true });
    clock.advance(499);
    expect(await updateState(api, id, update_id as string)).toBe('SETTING_UP_TABLES');
    clock.advance(1);
    expect(await updateState(api, id, update_id as string)).toBe('COMPLETED');
  });
});

describe('listing and deleting pipelines', () => {
  it('pages with max_results (at most 100) and filters by name LIKE and notebook', async () => {
    const { api } = workspace();
    for (const name of ['sales-a', 'sales-b', 'marketing']) {
      await createPipeline(api, {
        ...settings,
        name,
        libraries: [{ notebook: { path: `/Shared/${name}` } }],
      });
    }
    const first = await api.ok('GET', PIPELINES, { max_results: 2 });
    expect(first.statuses).toHaveLength(2);
    expect(first.statuses as object[]).not.toContainEqual(
      expect.objectContaining({ spec: expect.anything() }),
    );
    const second = await api.ok('GET', PIPELINES, { max_results: 2, page_token: first.next_page_token });
    expect(second.statuses).toHaveLength(1);
    const names = async (query: Record<string, unknown>) =>
      ((await api.ok('GET', PIPELINES, query)).statuses as { name: string }[]).map((p) => p.name).sort();
    expect(await names({ filter: "name LIKE 'sales%'" })).toEqual(['sales-a', 'sales-b']);
    expect(await names({ filter: "notebook='/Shared/marketing'" })).toEqual(['marketing']);
    expect(await names({ order_by: 'name desc' })).toEqual(['marketing', 'sales-a', 'sales-b']);
    expect((await api.call('GET', PIPELINES, { max_results: 101 })).status).toBe(400);
    expect((await api.call('GET', PIPELINES, { filter: 'state = RUNNING' })).status).toBe(400);
  });

  it('deletes: the active update is canceled, get shows DELETED for a while, then 404', async () => {
    const { api, clock, events } = workspace();
    const id = await createPipeline(api);
    const { update_id } = await api.ok('POST', `${PIPELINES}/${id}/updates`, {});
    await api.ok('DELETE', `${PIPELINES}/${id}`);
    expect(events).toContain(`deleted ${id}`);
    expect(await pipelineState(api, id)).toBe('DELETED');
    expect(await api.ok('GET', PIPELINES)).toEqual({});
    expect((await api.call('POST', `${PIPELINES}/${id}/updates`, {})).status).toBe(404);
    expect((await api.call('GET', `${PIPELINES}/${id}/updates/${update_id}`)).status).toBe(404);
    clock.advance(200);
    expect((await api.call('GET', `${PIPELINES}/${id}`)).status).toBe(404);
  });
});
