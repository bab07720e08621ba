import { FakeHttpClient } from './fake-http-client.js';
import { ManualClock, startFakeWorkspace, type FakeWorkspace } from './index.js';

describe('fake workspace inspection and UI actions', () => {
  let workspace: FakeWorkspace;
  let api: FakeHttpClient;
  let control: FakeHttpClient;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock();
    workspace = await startFakeWorkspace({
      clock,
      rateLimits: false,
      timing: { clusterStartMs: 10, clusterTerminateMs: 10 },
    });
    api = new FakeHttpClient(workspace);
    control = new FakeHttpClient(workspace, null);
  });
  afterAll(() => workspace.close());
  beforeEach(() => workspace.reset());

  const createCluster = async (): Promise<string> =>
    (
      await api.ok('POST', '/api/2.1/clusters/create', {
        cluster_name: 'c',
        spark_version: '15.4.x-scala2.12',
        num_workers: 1,
      })
    ).cluster_id;

  it('terminates a cluster as a UI user, without touching the request log', async () => {
    const clusterId = await createCluster();
    clock.advance(10);
    await workspace.ui.terminateCluster(clusterId);
    clock.advance(10);
    expect((await api.ok('GET', '/api/2.1/clusters/get', { cluster_id: clusterId })).state).toBe(
      'TERMINATED',
    );
    expect(workspace.requestCount('clusters/delete')).toBe(0);
  });

  it('permanently deletes a cluster through the HTTP control API', async () => {
    const clusterId = await createCluster();
    await control.ok('POST', '/__fake/ui/clusters/delete', { cluster_id: clusterId });
    const res = await api.call('GET', '/api/2.1/clusters/get', { cluster_id: clusterId });
    expect(res.status).toBe(400);
  });

  it('calls any endpoint by name as a UI user, filling path parameters from the fields', async () => {
    const jobId = (
      await api.ok('POST', '/api/2.2/jobs/create', {
        name: 'j',
        tasks: [{ task_key: 'a', notebook_task: { notebook_path: '/a' } }],
      })
    ).job_id;
    const acl = await workspace.ui.call('permissions/get', { objectType: 'jobs', objectId: String(jobId) });
    expect(acl['object_id']).toBe(`/jobs/${jobId}`);
    await expect(workspace.ui.call('no/such-endpoint')).rejects.toMatchObject({
      status: 404,
      errorCode: 'ENDPOINT_NOT_FOUND',
    });
  });

  it('snapshots every service and forgets all state on reset', async () => {
    await createCluster();
    const state = await control.ok('GET', '/__fake/state');
    expect(Object.keys(state).sort()).toEqual([
      'cluster-policies',
      'clusters',
      'dbfs',
      'git-credentials',
      'instance-pools',
      'jobs',
      'permissions',
      'pipelines',
      'repos',
      'secrets',
      'sql-warehouses',
      'workspace',
    ]);
    await control.ok('POST', '/__fake/reset');
    expect(workspace.requests()).toEqual([]);
    expect((await api.ok('GET', '/api/2.1/clusters/list')).clusters).toBeUndefined();
  });

  it('moves a manual clock through the control API', async () => {
    const before = clock.now();
    const res = await control.ok('POST', '/__fake/clock/advance', { ms: 250 });
    expect(res.now).toBe(before + 250);
  });

  it('answers an unknown control path with 404', async () => {
    expect((await control.call('GET', '/__fake/nothing')).status).toBe(404);
  });
});
