import { FakeHttpClient } from './fake-http-client.js';
import { ManualClock, startFakeWorkspace, type FakeWorkspace } from './index.js';

describe('UI actions on policies, pools, Git folders, credentials, pipelines and warehouses', () => {
  let workspace: FakeWorkspace;
  let api: FakeHttpClient;
  let control: FakeHttpClient;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock();
    workspace = await startFakeWorkspace({
      clock,
      rateLimits: false,
      timing: {
        pipelineStepMs: 10,
        pipelineRunningMs: 10,
        pipelineStopMs: 10,
        warehouseStartMs: 10,
        warehouseStopMs: 10,
      },
    });
    api = new FakeHttpClient(workspace);
    control = new FakeHttpClient(workspace, null);
  });
  afterAll(() => workspace.close());
  beforeEach(() => workspace.reset());

  it('edits a policy and a pool as a user would, merging the changes and leaving the request log alone', async () => {
    const { policy_id } = await api.ok('POST', '/api/2.0/policies/clusters/create', {
      name: 'p',
      definition: '{}',
      description: 'kept',
    });
    await control.ok('POST', '/__fake/ui/cluster-policies/edit', {
      policy_id,
      changes: { max_clusters_per_user: 2 },
    });
    expect(await api.ok('GET', '/api/2.0/policies/clusters/get', { policy_id })).toMatchObject({
      description: 'kept',
      max_clusters_per_user: 2,
    });
    const { instance_pool_id } = await api.ok('POST', '/api/2.0/instance-pools/create', {
      instance_pool_name: 'pool',
      node_type_id: 'i3.xlarge',
      max_capacity: 5,
    });
    await workspace.ui.editInstancePool(instance_pool_id, { min_idle_instances: 2 });
    await control.ok('POST', '/__fake/ui/instance-pools/state', { instance_pool_id, state: 'STOPPED' });
    expect(await api.ok('GET', '/api/2.0/instance-pools/get', { instance_pool_id })).toMatchObject({
      min_idle_instances: 2,
      max_capacity: 5,
      state: 'STOPPED',
    });
    expect(
      workspace.requestCount('policies/clusters/edit') + workspace.requestCount('instance-pools/edit'),
    ).toBe(0);
  });

  it('switches a Git folder to another branch and moves its remote on', async () => {
    const url = 'https://github.com/acme/etl';
    const repo = await api.ok('POST', '/api/2.0/repos', { url, provider: 'gitHub' });
    await control.ok('POST', '/__fake/ui/repos/checkout', { repo_id: repo.id, branch: 'hotfix' });
    const switched = await api.ok('GET', `/api/2.0/repos/${repo.id}`);
    expect(switched.branch).toBe('hotfix');
    await control.ok('POST', '/__fake/ui/repos/push', { url, branch: 'hotfix' });
    await api.ok('PATCH', `/api/2.0/repos/${repo.id}`, { branch: 'hotfix' });
    expect((await api.ok('GET', `/api/2.0/repos/${repo.id}`)).head_commit_id).not.toBe(
      switched.head_commit_id,
    );
  });

  it('deletes a Git credential whoever owns it', async () => {
    const { credential_id } = await api.ok('POST', '/api/2.0/git-credentials', {
      git_provider: 'gitHub',
      personal_access_token: 'ghp',
    });
    await control.ok('POST', '/__fake/ui/git-credentials/delete', { credential_id });
    expect(await api.ok('GET', '/api/2.0/git-credentials')).toEqual({});
  });

  it('edits, starts and stops a pipeline', async () => {
    const { pipeline_id } = await api.ok('POST', '/api/2.0/pipelines', { name: 'p', continuous: true });
    await workspace.ui.editPipeline(pipeline_id, { development: true });
    expect((await api.ok('GET', `/api/2.0/pipelines/${pipeline_id}`)).spec).toMatchObject({
      name: 'p',
      development: true,
    });
    const { update_id } = await control.ok('POST', '/__fake/ui/pipelines/start', { pipeline_id });
    const update = await api.ok('GET', `/api/2.0/pipelines/${pipeline_id}/updates/${update_id}`);
    expect(update.update.cause).toBe('USER_ACTION');
    await control.ok('POST', '/__fake/ui/pipelines/stop', { pipeline_id });
    clock.advance(10);
    expect((await api.ok('GET', `/api/2.0/pipelines/${pipeline_id}`)).state).toBe('IDLE');
  });

  it('edits, stops and starts a warehouse', async () => {
    const { id } = await api.ok('POST', '/api/2.0/sql/warehouses', { name: 'w', cluster_size: 'Small' });
    clock.advance(10);
    await control.ok('POST', '/__fake/ui/sql-warehouses/stop', { id });
    clock.advance(10);
    expect((await api.ok('GET', `/api/2.0/sql/warehouses/${id}`)).state).toBe('STOPPED');
    await workspace.ui.editWarehouse(id, { cluster_size: 'Large' });
    await control.ok('POST', '/__fake/ui/sql-warehouses/start', { id });
    expect(await api.ok('GET', `/api/2.0/sql/warehouses/${id}`)).toMatchObject({
      state: 'STARTING',
      cluster_size: 'Large',
    });
  });

  it('refuses a UI action with a missing field, and answers an unknown object as the API would', async () => {
    expect((await control.call('POST', '/__fake/ui/pipelines/edit', { pipeline_id: 'x' })).status).toBe(400);
    expect(
      (await control.call('POST', '/__fake/ui/pipelines/stop', { pipeline_id: 'nope' })).body,
    ).toMatchObject({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
    });
  });
});
