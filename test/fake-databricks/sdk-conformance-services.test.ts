/**
 * The official SDK (`@databricks/sdk-experimental`) as an independent client of the fake's clusters,
 * secrets, DBFS, workspace and permissions APIs: it knows the real paths, verbs, parameter placement and
 * response shapes, so any mismatch it trips on is a bug in the fake.
 */
import { ApiError, WorkspaceClient } from '@databricks/sdk-experimental';
import { startFakeWorkspace, type FakeWorkspace } from './index.js';

let workspace: FakeWorkspace;
let client: WorkspaceClient;

beforeAll(async () => {
  workspace = await startFakeWorkspace({
    rateLimits: false,
    timing: { clusterStartMs: 200, clusterTerminateMs: 100 },
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

const clusterSpec = {
  cluster_name: 'sdk',
  spark_version: '15.4.x-scala2.12',
  node_type_id: 'i3.xlarge',
  num_workers: 1,
};

describe('clusters through the SDK', () => {
  it('creates a cluster and waits for RUNNING with the SDK waiter, then terminates and lists it', async () => {
    const waiter = await client.clusters.create(clusterSpec);
    const started = await waiter.wait({ timeout: undefined });
    expect(started).toMatchObject({ state: 'RUNNING', cluster_name: 'sdk', cluster_source: 'API' });
    const clusterId = started.cluster_id as string;

    const terminated = await (await client.clusters.delete({ cluster_id: clusterId })).wait();
    expect(terminated).toMatchObject({ state: 'TERMINATED', termination_reason: { code: 'USER_REQUEST' } });

    const listed = await collect(client.clusters.list({ page_size: 1 }));
    expect(listed.map((cluster) => cluster.cluster_id)).toEqual([clusterId]);
    const running = await collect(
      client.clusters.list({ filter_by: { cluster_states: ['RUNNING', 'PENDING'] } }),
    );
    expect(running).toEqual([]);
    const events = await collect(client.clusters.events({ cluster_id: clusterId, order: 'ASC' }));
    expect(events.map((event) => event.type)).toEqual(['CREATING', 'RUNNING', 'TERMINATING']);
  }, 20_000);

  it('edits a running cluster and reads the EDITED event with the size where the SDK model puts it', async () => {
    const started = await (await client.clusters.create(clusterSpec)).wait({ timeout: undefined });
    const clusterId = started.cluster_id as string;
    const edited = await client.clusters.edit({ ...clusterSpec, cluster_id: clusterId, num_workers: 3 });
    expect((await edited.wait()).num_workers).toBe(3);

    const [event] = await collect(client.clusters.events({ cluster_id: clusterId, event_types: ['EDITED'] }));
    const details = event.details ?? {};
    expect(details.previous_cluster_size?.num_workers).toBe(1);
    expect(details.cluster_size?.num_workers).toBe(3);
    expect([details.current_num_workers, details.target_num_workers]).toEqual([1, 3]);
    // ClusterAttributes has no size fields: the size is only in cluster_size.
    expect(details.attributes?.cluster_name).toBe('sdk');
    expect(details.attributes).not.toHaveProperty('num_workers');
    expect(details.previous_attributes).not.toHaveProperty('num_workers');
  }, 20_000);

  it('fails the waiter for a cluster that cannot start', async () => {
    const waiter = await client.clusters.create({ ...clusterSpec, cluster_name: 'FAIL_START demo' });
    await expect(waiter.wait()).rejects.toThrow(/failed to reach RUNNING state, got TERMINAT/);
  }, 20_000);

  it('reports a missing cluster as the 400 INVALID_PARAMETER_VALUE quirk', async () => {
    const error = await apiErrorOf(client.clusters.get({ cluster_id: '0101-000000-missing1' }));
    expect(error).toMatchObject({ statusCode: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
    expect(error.message).toBe('Cluster 0101-000000-missing1 does not exist');
  });

  it('replaces cluster permissions with PUT and keeps the inherited admins', async () => {
    // setPermissions (PUT), not updatePermissions: sdk-js 0.17 sends a body only for POST and PUT, so
    // its PATCH arrives empty (a client-side limitation; the fake's PATCH is covered over plain HTTP).
    const cluster_id = (await client.clusters.create(clusterSpec)).cluster_id as string;
    const initial = await client.clusters.getPermissions({ cluster_id });
    expect(initial.access_control_list?.[0]).toMatchObject({
      user_name: workspace.userName,
      all_permissions: [{ permission_level: 'CAN_MANAGE', inherited: false }],
    });
    const updated = await client.clusters.setPermissions({
      cluster_id,
      access_control_list: [{ group_name: 'users', permission_level: 'CAN_ATTACH_TO' }],
    });
    expect(updated.object_id).toBe(`/clusters/${cluster_id}`);
    expect(updated.access_control_list?.map((entry) => entry.user_name ?? entry.group_name)).toEqual([
      'users',
      'admins',
    ]);
    const levels = await client.clusters.getPermissionLevels({ cluster_id });
    expect(levels.permission_levels?.map((level) => level.permission_level)).toContain('CAN_RESTART');
  });

  it('lists spark versions and node types', async () => {
    expect((await client.clusters.sparkVersions()).versions?.length).toBeGreaterThan(0);
    expect((await client.clusters.listNodeTypes()).node_types?.length).toBeGreaterThan(0);
  });
});

describe('secrets through the SDK', () => {
  it('round-trips scopes, secrets and ACLs without ever returning a value', async () => {
    await client.secrets.createScope({ scope: 'app' });
    await client.secrets.putSecret({ scope: 'app', key: 'password', string_value: 's3cret' });
    await client.secrets.putAcl({ scope: 'app', principal: 'data-eng', permission: 'READ' });

    expect(await collect(client.secrets.listScopes())).toEqual([{ name: 'app', backend_type: 'DATABRICKS' }]);
    const secrets = await collect(client.secrets.listSecrets({ scope: 'app' }));
    expect(secrets).toEqual([{ key: 'password', last_updated_timestamp: expect.any(Number) }]);
    expect(await client.secrets.getAcl({ scope: 'app', principal: 'data-eng' })).toEqual({
      principal: 'data-eng',
      permission: 'READ',
    });
    expect((await collect(client.secrets.listAcls({ scope: 'app' }))).map((acl) => acl.principal)).toContain(
      'data-eng',
    );

    const duplicate = await apiErrorOf(client.secrets.createScope({ scope: 'app' }));
    expect(duplicate).toMatchObject({ statusCode: 400, errorCode: 'RESOURCE_ALREADY_EXISTS' });

    await client.secrets.deleteSecret({ scope: 'app', key: 'password' });
    await client.secrets.deleteAcl({ scope: 'app', principal: 'data-eng' });
    await client.secrets.deleteScope({ scope: 'app' });
    const missing = await apiErrorOf(collect(client.secrets.listSecrets({ scope: 'app' })));
    expect(missing).toMatchObject({ statusCode: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' });
  });
});

describe('DBFS through the SDK', () => {
  it('round-trips inline puts, streamed uploads, ranged reads, listing, moves and deletes', async () => {
    await client.dbfs.mkdirs({ path: '/FileStore/sdk' });
    await client.dbfs.put({
      path: '/FileStore/sdk/small.txt',
      contents: Buffer.from('hello dbfs').toString('base64'),
    });
    const read = await client.dbfs.read({ path: '/FileStore/sdk/small.txt', offset: 6, length: 4 });
    expect(read).toEqual({ bytes_read: 4, data: Buffer.from('dbfs').toString('base64') });

    const { handle } = await client.dbfs.create({ path: 'dbfs:/FileStore/sdk/big.bin', overwrite: true });
    expect(handle).toEqual(expect.any(Number));
    await client.dbfs.addBlock({ handle: handle as number, data: Buffer.from('abc').toString('base64') });
    await client.dbfs.addBlock({ handle: handle as number, data: Buffer.from('def').toString('base64') });
    await client.dbfs.close({ handle: handle as number });
    expect(await client.dbfs.getStatus({ path: '/FileStore/sdk/big.bin' })).toMatchObject({
      is_dir: false,
      file_size: 6,
    });

    const listed = await collect(client.dbfs.list({ path: '/FileStore/sdk' }));
    expect(listed.map((file) => file.path)).toEqual(['/FileStore/sdk/big.bin', '/FileStore/sdk/small.txt']);

    await client.dbfs.move({
      source_path: '/FileStore/sdk/big.bin',
      destination_path: '/FileStore/moved.bin',
    });
    const notEmpty = await apiErrorOf(client.dbfs.delete({ path: '/FileStore', recursive: false }));
    expect(notEmpty.errorCode).toBe('IO_ERROR');
    await client.dbfs.delete({ path: '/FileStore', recursive: true });
    const gone = await apiErrorOf(client.dbfs.getStatus({ path: '/FileStore/moved.bin' }));
    expect(gone).toMatchObject({ statusCode: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' });
  });
});

describe('workspace through the SDK', () => {
  it('round-trips a notebook through import, status, list, export and delete', async () => {
    const folder = `/Users/${workspace.userName}/sdk`;
    await client.workspace.mkdirs({ path: folder });
    await client.workspace.import({
      path: `${folder}/etl`,
      format: 'SOURCE',
      language: 'PYTHON',
      content: Buffer.from('print("hi")\n').toString('base64'),
    });
    const status = await client.workspace.getStatus({ path: `${folder}/etl` });
    expect(status).toMatchObject({ object_type: 'NOTEBOOK', language: 'PYTHON', path: `${folder}/etl` });

    const exported = await client.workspace.export({ path: `${folder}/etl`, format: 'SOURCE' });
    expect(Buffer.from(exported.content as string, 'base64').toString()).toBe(
      '# Databricks notebook source\nprint("hi")\n',
    );
    expect(exported.file_type).toBe('py');

    const listed = await collect(client.workspace.list({ path: folder }));
    expect(listed.map((object) => object.path)).toEqual([`${folder}/etl`]);

    const exists = await apiErrorOf(
      client.workspace.import({ path: `${folder}/etl`, format: 'SOURCE', language: 'PYTHON', content: '' }),
    );
    expect(exists).toMatchObject({ statusCode: 400, errorCode: 'RESOURCE_ALREADY_EXISTS' });

    const notEmpty = await apiErrorOf(client.workspace.delete({ path: folder }));
    expect(notEmpty.errorCode).toBe('DIRECTORY_NOT_EMPTY');
    await client.workspace.delete({ path: folder, recursive: true });
    const gone = await apiErrorOf(client.workspace.getStatus({ path: `${folder}/etl` }));
    expect(gone).toMatchObject({ statusCode: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' });
  });
});
