/**
 * The official SDK (`@databricks/sdk-experimental`) as an independent client of the fake's pipelines and
 * SQL warehouses, waiters included: the waiters poll `get` and branch on `state` (and read
 * `health.summary` of a warehouse), so they fail here if the fake's lifecycle or shapes differ.
 */
import { ApiError, WorkspaceClient } from '@databricks/sdk-experimental';
import { startFakeWorkspace, type FakeWorkspace } from './index.js';

let workspace: FakeWorkspace;
let client: WorkspaceClient;

beforeAll(async () => {
  workspace = await startFakeWorkspace({
    rateLimits: false,
    timing: {
      pipelineStepMs: 20,
      pipelineRunningMs: 100,
      pipelineStopMs: 50,
      warehouseStartMs: 200,
      warehouseStopMs: 100,
    },
  });
  client = new WorkspaceClient({ host: workspace.url, token: workspace.token, authType: 'pat' });
});
afterAll(() => workspace.close());
beforeEach(() => workspace.reset());

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function apiErrorOf(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail with an ApiError');
}

/** Polls `probe` until it returns a value; the SDK has no waiter for pipeline updates. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const libraries = [{ notebook: { path: '/Shared/sales_dlt' } }];

describe('pipelines through the SDK', () => {
  it('creates a pipeline, runs a triggered update to COMPLETED, and reads it back', async () => {
    const { pipeline_id } = await client.pipelines.create({
      name: 'sdk-pipeline',
      catalog: 'main',
      schema: 'sales',
      libraries,
    });
    const pipelineId = pipeline_id as string;
    const pipeline = await client.pipelines.get({ pipeline_id: pipelineId });
    expect(pipeline).toMatchObject({
      pipeline_id: pipelineId,
      state: 'IDLE',
      spec: { id: pipelineId, name: 'sdk-pipeline' },
    });

    const { update_id } = await client.pipelines.startUpdate({ pipeline_id: pipelineId, full_refresh: true });
    const completed = await until('the update to finish', async () => {
      const { update } = await client.pipelines.getUpdate({
        pipeline_id: pipelineId,
        update_id: update_id as string,
      });
      return update?.state === 'COMPLETED' ? update : undefined;
    });
    expect(completed).toMatchObject({
      cause: 'API_CALL',
      full_refresh: true,
      config: { name: 'sdk-pipeline' },
    });
    const { updates } = await client.pipelines.listUpdates({ pipeline_id: pipelineId });
    expect(updates?.map((u) => u.update_id)).toEqual([update_id]);
    expect((await client.pipelines.get({ pipeline_id: pipelineId })).latest_updates?.[0]).toMatchObject({
      update_id,
      state: 'COMPLETED',
    });
  });

  it('stops a running continuous pipeline with the stop waiter (IDLE)', async () => {
    const { pipeline_id } = await client.pipelines.create({
      name: 'continuous',
      continuous: true,
      libraries,
    });
    const pipelineId = pipeline_id as string;
    await client.pipelines.startUpdate({ pipeline_id: pipelineId });
    await until('the pipeline to run', async () =>
      (await client.pipelines.get({ pipeline_id: pipelineId })).state === 'RUNNING' ? true : undefined,
    );
    const stopped = await (await client.pipelines.stop({ pipeline_id: pipelineId })).wait();
    expect(stopped.state).toBe('IDLE');
    const { updates } = await client.pipelines.listUpdates({ pipeline_id: pipelineId });
    expect(updates?.[0].state).toBe('CANCELED');
  });

  it('edits with PUT, pages the list, refuses a second active update, and deletes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await client.pipelines.create({ name: `p${i}`, libraries })).pipeline_id as string);
    }
    await client.pipelines.update({ pipeline_id: ids[0], name: 'p0-renamed', libraries });
    expect((await client.pipelines.get({ pipeline_id: ids[0] })).name).toBe('p0-renamed');

    const listed = await collect(client.pipelines.listPipelines({ max_results: 2 }));
    expect(listed.map((p) => p.pipeline_id).sort()).toEqual([...ids].sort());
    expect(workspace.requestCount('pipelines/list')).toBe(2);

    await client.pipelines.startUpdate({ pipeline_id: ids[1] });
    const busy = await apiErrorOf(client.pipelines.startUpdate({ pipeline_id: ids[1] }));
    expect(busy).toMatchObject({ statusCode: 409, errorCode: 'RESOURCE_CONFLICT' });

    // A deleted pipeline answers DELETED for pipelineStopMs, then 404. The window is held open while
    // the test reads it (50 ms could pass before a slow get arrived), then closed to see the 404.
    workspace.setTiming({ pipelineStopMs: 60_000 });
    try {
      await client.pipelines.delete({ pipeline_id: ids[2] });
      expect((await client.pipelines.get({ pipeline_id: ids[2] })).state).toBe('DELETED');
    } finally {
      workspace.setTiming({ pipelineStopMs: 50 });
    }
    await until('the deleted pipeline to be gone', async () => {
      const error = await client.pipelines.get({ pipeline_id: ids[2] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      return error instanceof ApiError && error.statusCode === 404 ? error : undefined;
    });
  });

  it('gives the creator IS_OWNER and refuses an ACL without an owner', async () => {
    const { pipeline_id } = await client.pipelines.create({ name: 'acl', libraries });
    const permissions = await client.pipelines.getPermissions({ pipeline_id: pipeline_id as string });
    expect(permissions.access_control_list?.[0]).toMatchObject({
      user_name: workspace.userName,
      all_permissions: [{ permission_level: 'IS_OWNER', inherited: false }],
    });
    const refused = await apiErrorOf(
      client.pipelines.setPermissions({
        pipeline_id: pipeline_id as string,
        access_control_list: [{ group_name: 'users', permission_level: 'CAN_VIEW' }],
      }),
    );
    expect(refused.message).toBe('The pipeline must have exactly one owner.');
  });
});

describe('SQL warehouses through the SDK', () => {
  it('creates a warehouse and waits for RUNNING, stops and waits for STOPPED, starts and edits with waiters', async () => {
    const created = await client.warehouses.create({
      name: 'sdk-wh',
      cluster_size: '2X-Small',
      auto_stop_mins: 10,
    });
    const running = await created.wait();
    expect(running).toMatchObject({
      state: 'RUNNING',
      name: 'sdk-wh',
      cluster_size: '2X-Small',
      num_clusters: 1,
    });
    const id = running.id as string;

    expect((await (await client.warehouses.stop({ id })).wait()).state).toBe('STOPPED');
    expect((await (await client.warehouses.start({ id })).wait()).state).toBe('RUNNING');
    const edited = await (await client.warehouses.edit({ id, name: 'sdk-wh', cluster_size: 'Small' })).wait();
    expect(edited).toMatchObject({ state: 'RUNNING', cluster_size: 'Small', auto_stop_mins: 10 });
  }, 20_000);

  it('fails the create waiter for a warehouse that cannot start, with its health summary', async () => {
    const created = await client.warehouses.create({ name: 'broken FAIL_START', cluster_size: 'Small' });
    await expect(created.wait()).rejects.toThrow(
      /failed to reach RUNNING state, got STOPPED: Injected start failure/,
    );
  });

  it('lists across pages, deletes, and reports a missing warehouse as 404', async () => {
    for (let i = 0; i < 3; i++) await client.warehouses.create({ name: `w${i}`, cluster_size: 'Small' });
    const listed = await collect(client.warehouses.list({ page_size: 2 }));
    expect(listed.map((w) => w.name)).toEqual(['w0', 'w1', 'w2']);
    await client.warehouses.delete({ id: listed[0].id as string });
    await until('the warehouse to be deleted', async () =>
      (await client.warehouses.get({ id: listed[0].id as string })).state === 'DELETED' ? true : undefined,
    );
    expect((await collect(client.warehouses.list({}))).map((w) => w.name)).toEqual(['w1', 'w2']);
    const missing = await apiErrorOf(client.warehouses.get({ id: '0123456789abcdef' }));
    expect(missing).toMatchObject({ statusCode: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' });
    const invalid = await apiErrorOf(client.warehouses.create({ name: 'bad', cluster_size: 'Tiny' }));
    expect(invalid).toMatchObject({ statusCode: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
  });

  it('sets warehouse permissions on the path the SDK uses, keeping the owner', async () => {
    const { id } = await client.warehouses.create({ name: 'acl-wh', cluster_size: 'Small' });
    const set = await client.warehouses.setPermissions({
      warehouse_id: id as string,
      access_control_list: [{ group_name: 'analysts', permission_level: 'CAN_USE' }],
    });
    expect(set.object_id).toBe(`/sql/warehouses/${id}`);
    expect(set.access_control_list?.map((e) => e.user_name ?? e.group_name)).toEqual([
      'analysts',
      workspace.userName,
      'admins',
    ]);
    // The generic Permissions API with Terraform's object type reads the same ACL.
    const generic = await client.permissions.get({
      request_object_type: 'sql/warehouses',
      request_object_id: id as string,
    });
    expect(generic.access_control_list).toEqual(set.access_control_list);
    const levels = await client.warehouses.getPermissionLevels({ warehouse_id: id as string });
    expect(levels.permission_levels?.map((l) => l.permission_level)).toEqual([
      'CAN_VIEW',
      'CAN_MONITOR',
      'CAN_USE',
      'CAN_MANAGE',
      'IS_OWNER',
    ]);
  });
});
