import { PermissionsService } from './permissions.js';
import { RouteTableClient, routeTableContext } from './route-table-client.js';
import { FakeHttpClient } from './fake-http-client.js';
import { startFakeWorkspace, type FakeWorkspace } from './index.js';

function workspace() {
  const ctx = routeTableContext();
  const existing = new Set(['jobs/42', 'clusters/0101-000000-abcdefgh']);
  const service = new PermissionsService(ctx, (type, id) => existing.has(`${type}/${id}`));
  return { existing, service, api: new RouteTableClient(service) };
}

const admins = {
  group_name: 'admins',
  all_permissions: [{ permission_level: 'CAN_MANAGE', inherited: true, inherited_from_object: ['/jobs/'] }],
};

describe('job permissions', () => {
  it('makes the creator the owner and always returns the inherited admins entry', async () => {
    const { api, service } = workspace();
    service.onObjectCreated('jobs', '42', 'creator@example.com');
    expect(await api.ok('GET', '/api/2.0/permissions/jobs/42')).toEqual({
      object_id: '/jobs/42',
      object_type: 'job',
      access_control_list: [
        {
          user_name: 'creator@example.com',
          all_permissions: [{ permission_level: 'IS_OWNER', inherited: false }],
        },
        admins,
      ],
    });
  });

  it('replaces direct entries on PUT and merges them on PATCH', async () => {
    const { api, service } = workspace();
    service.onObjectCreated('jobs', '42', 'creator@example.com');
    const put = await api.ok('PUT', '/api/2.0/permissions/jobs/42', {
      access_control_list: [
        { service_principal_name: 'sp-1', permission_level: 'IS_OWNER' },
        { group_name: 'data-eng', permission_level: 'CAN_MANAGE_RUN' },
      ],
    });
    expect(put.access_control_list).toEqual([
      {
        service_principal_name: 'sp-1',
        all_permissions: [{ permission_level: 'IS_OWNER', inherited: false }],
      },
      { group_name: 'data-eng', all_permissions: [{ permission_level: 'CAN_MANAGE_RUN', inherited: false }] },
      admins,
    ]);
    await api.ok('PATCH', '/api/2.0/permissions/jobs/42', {
      access_control_list: [
        { group_name: 'data-eng', permission_level: 'CAN_VIEW' },
        { user_name: 'new@example.com', permission_level: 'CAN_MANAGE' },
      ],
    });
    expect(service.directAcl('jobs', '42')).toEqual([
      { principalField: 'service_principal_name', principal: 'sp-1', level: 'IS_OWNER' },
      { principalField: 'group_name', principal: 'data-eng', level: 'CAN_VIEW' },
      { principalField: 'user_name', principal: 'new@example.com', level: 'CAN_MANAGE' },
    ]);
  });

  it.each([
    ['no owner', [{ user_name: 'a@example.com', permission_level: 'CAN_MANAGE' }]],
    [
      'two owners',
      [
        { user_name: 'a@example.com', permission_level: 'IS_OWNER' },
        { user_name: 'b@example.com', permission_level: 'IS_OWNER' },
      ],
    ],
    ['an empty list', []],
  ])('refuses a PUT that leaves a job with %s', async (_case, list) => {
    const { api, service } = workspace();
    service.onObjectCreated('jobs', '42', 'creator@example.com');
    expect(await api.call('PUT', '/api/2.0/permissions/jobs/42', { access_control_list: list })).toEqual({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'The job must have exactly one owner.' },
    });
    expect(service.directAcl('jobs', '42')).toHaveLength(1);
  });

  it('refuses a PATCH that would add a second owner, a group owner and an unknown level', async () => {
    const { api, service } = workspace();
    service.onObjectCreated('jobs', '42', 'creator@example.com');
    for (const entry of [
      { user_name: 'other@example.com', permission_level: 'IS_OWNER' },
      { group_name: 'team', permission_level: 'IS_OWNER' },
      { user_name: 'x@example.com', permission_level: 'CAN_ATTACH_TO' },
      { user_name: 'x@example.com', group_name: 'team', permission_level: 'CAN_VIEW' },
    ]) {
      expect(
        await api.call('PATCH', '/api/2.0/permissions/jobs/42', { access_control_list: [entry] }),
      ).toMatchObject({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE' },
      });
    }
  });

  it('lets an initial access_control_list name a different owner than the creator', async () => {
    const { service } = workspace();
    service.onObjectCreated('jobs', '42', 'creator@example.com', [
      { service_principal_name: 'sp-1', permission_level: 'IS_OWNER' },
    ]);
    expect(service.directAcl('jobs', '42')).toEqual([
      { principalField: 'service_principal_name', principal: 'sp-1', level: 'IS_OWNER' },
    ]);
    expect(() =>
      service.checkInitialAcl('jobs', 'creator@example.com', [
        { group_name: 'g', permission_level: 'IS_OWNER' },
      ]),
    ).toThrow('cannot be the owner');
  });

  it('keeps a deleted job ACL readable but refuses changes to it', async () => {
    const { api, existing, service } = workspace();
    service.onObjectCreated('jobs', '42', 'creator@example.com');
    existing.delete('jobs/42');
    service.onObjectDeleted('jobs', '42');
    expect((await api.ok('GET', '/api/2.0/permissions/jobs/42')).access_control_list).toHaveLength(2);
    expect(
      await api.call('PUT', '/api/2.0/permissions/jobs/42', {
        access_control_list: [{ user_name: 'a@example.com', permission_level: 'IS_OWNER' }],
      }),
    ).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
  });
});

describe('cluster permissions', () => {
  it('gives the creator CAN_MANAGE, needs no owner and lists cluster levels', async () => {
    const { api, service } = workspace();
    service.onObjectCreated('clusters', '0101-000000-abcdefgh', 'creator@example.com');
    const put = await api.ok('PUT', '/api/2.0/permissions/clusters/0101-000000-abcdefgh', {
      access_control_list: [{ group_name: 'users', permission_level: 'CAN_ATTACH_TO' }],
    });
    expect(put).toEqual({
      object_id: '/clusters/0101-000000-abcdefgh',
      object_type: 'cluster',
      access_control_list: [
        { group_name: 'users', all_permissions: [{ permission_level: 'CAN_ATTACH_TO', inherited: false }] },
        {
          group_name: 'admins',
          all_permissions: [
            { permission_level: 'CAN_MANAGE', inherited: true, inherited_from_object: ['/clusters/'] },
          ],
        },
      ],
    });
    const { permission_levels } = await api.ok(
      'GET',
      '/api/2.0/permissions/clusters/0101-000000-abcdefgh/permissionLevels',
    );
    expect((permission_levels as { permission_level: string }[]).map((l) => l.permission_level)).toEqual([
      'CAN_ATTACH_TO',
      'CAN_RESTART',
      'CAN_MANAGE',
    ]);
  });

  it('answers a missing object with 404 and forgets a deleted cluster', async () => {
    const { api, existing, service } = workspace();
    expect(await api.call('GET', '/api/2.0/permissions/clusters/nope')).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Cluster nope does not exist.' },
    });
    service.onObjectCreated('clusters', '0101-000000-abcdefgh', 'creator@example.com');
    existing.delete('clusters/0101-000000-abcdefgh');
    service.onObjectDeleted('clusters', '0101-000000-abcdefgh');
    expect(service.directAcl('clusters', '0101-000000-abcdefgh')).toEqual([]);
    expect(await api.call('GET', '/api/2.0/permissions/clusters/0101-000000-abcdefgh')).toMatchObject({
      status: 404,
    });
  });
});

describe('permissions over HTTP', () => {
  let server: FakeWorkspace;
  let http: FakeHttpClient;
  beforeAll(async () => {
    server = await startFakeWorkspace({ rateLimits: false });
    http = new FakeHttpClient(server);
  });
  afterAll(() => server.close());

  const task = { task_key: 't', notebook_task: { notebook_path: '/Shared/nb' }, existing_cluster_id: 'c' };

  it('makes the creator of a job its owner and applies PATCH bodies', async () => {
    const { job_id } = await http.ok('POST', '/api/2.2/jobs/create', { name: 'j', tasks: [task] });
    const initial = await http.ok('GET', `/api/2.0/permissions/jobs/${job_id}`);
    expect(initial.access_control_list[0]).toEqual({
      user_name: server.userName,
      all_permissions: [{ permission_level: 'IS_OWNER', inherited: false }],
    });
    const patched = await http.ok('PATCH', `/api/2.0/permissions/jobs/${job_id}`, {
      access_control_list: [{ group_name: 'data-eng', permission_level: 'CAN_MANAGE_RUN' }],
    });
    expect(
      patched.access_control_list.map(
        (e: { user_name?: string; group_name?: string }) => e.user_name ?? e.group_name,
      ),
    ).toEqual([server.userName, 'data-eng', 'admins']);
  });

  it('refuses a PUT without an owner with the exact message', async () => {
    const { job_id } = await http.ok('POST', '/api/2.2/jobs/create', { name: 'j', tasks: [task] });
    const answer = await http.call('PUT', `/api/2.0/permissions/jobs/${job_id}`, {
      access_control_list: [{ group_name: 'data-eng', permission_level: 'CAN_VIEW' }],
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'The job must have exactly one owner.',
    });
  });

  it('answers a job that never existed with 404', async () => {
    expect((await http.call('GET', '/api/2.0/permissions/jobs/987654321')).status).toBe(404);
  });
});

describe('permissions of policies, pools, repos, pipelines and warehouses', () => {
  let server: FakeWorkspace;
  let http: FakeHttpClient;
  beforeAll(async () => {
    server = await startFakeWorkspace({ rateLimits: false });
    http = new FakeHttpClient(server);
  });
  afterAll(() => server.close());

  const levelsOf = async (path: string) =>
    ((await http.ok('GET', `${path}/permissionLevels`)).permission_levels as { permission_level: string }[])
      .map((level) => level.permission_level)
      .sort();
  const direct = (body: {
    access_control_list: {
      all_permissions: { inherited: boolean; permission_level: string }[];
      user_name?: string;
      group_name?: string;
      service_principal_name?: string;
    }[];
  }) =>
    Object.fromEntries(
      body.access_control_list.flatMap((entry) =>
        entry.all_permissions
          .filter((p) => !p.inherited)
          .map((p) => [
            entry.user_name ?? entry.group_name ?? entry.service_principal_name,
            p.permission_level,
          ]),
      ),
    );

  it('lists the levels each object type accepts', async () => {
    const { policy_id } = await http.ok('POST', '/api/2.0/policies/clusters/create', {
      name: 'p',
      definition: '{}',
    });
    const { instance_pool_id } = await http.ok('POST', '/api/2.0/instance-pools/create', {
      instance_pool_name: 'pool',
      node_type_id: 'i3.xlarge',
    });
    const repo = await http.ok('POST', '/api/2.0/repos', {
      url: 'https://github.com/a/b',
      provider: 'gitHub',
    });
    const { pipeline_id } = await http.ok('POST', '/api/2.0/pipelines', { name: 'levels' });
    const { id } = await http.ok('POST', '/api/2.0/sql/warehouses', {
      name: 'levels',
      cluster_size: 'Small',
    });
    expect(await levelsOf(`/api/2.0/permissions/cluster-policies/${policy_id}`)).toEqual(['CAN_USE']);
    expect(await levelsOf(`/api/2.0/permissions/instance-pools/${instance_pool_id}`)).toEqual([
      'CAN_ATTACH_TO',
      'CAN_MANAGE',
    ]);
    expect(await levelsOf(`/api/2.0/permissions/repos/${repo.id}`)).toEqual([
      'CAN_EDIT',
      'CAN_MANAGE',
      'CAN_READ',
      'CAN_RUN',
    ]);
    expect(await levelsOf(`/api/2.0/permissions/pipelines/${pipeline_id}`)).toEqual([
      'CAN_MANAGE',
      'CAN_RUN',
      'CAN_VIEW',
      'IS_OWNER',
    ]);
    const warehouseLevels = ['CAN_MANAGE', 'CAN_MONITOR', 'CAN_USE', 'CAN_VIEW', 'IS_OWNER'];
    expect(await levelsOf(`/api/2.0/permissions/sql/warehouses/${id}`)).toEqual(warehouseLevels);
    expect(await levelsOf(`/api/2.0/permissions/warehouses/${id}`)).toEqual(warehouseLevels);
  });

  it('answers the permissions of a policy, pool, repo, pipeline or warehouse that does not exist with 404', async () => {
    for (const path of [
      'cluster-policies/FA6E000000000099',
      'instance-pools/0101-000000-nope',
      'repos/42',
      'pipelines/nope',
      'sql/warehouses/0123456789abcdef',
      'warehouses/0123456789abcdef',
    ]) {
      expect((await http.call('GET', `/api/2.0/permissions/${path}`)).status).toBe(404);
    }
  });

  it('makes a pipeline creator its owner and refuses a change that leaves it without exactly one', async () => {
    const { pipeline_id } = await http.ok('POST', '/api/2.0/pipelines', { name: 'owned' });
    const initial = await http.ok('GET', `/api/2.0/permissions/pipelines/${pipeline_id}`);
    expect(initial).toMatchObject({ object_id: `/pipelines/${pipeline_id}`, object_type: 'pipelines' });
    expect(direct(initial)).toEqual({ [server.userName]: 'IS_OWNER' });
    const noOwner = await http.call('PUT', `/api/2.0/permissions/pipelines/${pipeline_id}`, {
      access_control_list: [{ group_name: 'data-eng', permission_level: 'CAN_RUN' }],
    });
    expect(noOwner.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'The pipeline must have exactly one owner.',
    });
  });

  it('keeps one ACL for a warehouse under both paths, reported as /sql/warehouses/{id}', async () => {
    const { id } = await http.ok('POST', '/api/2.0/sql/warehouses', { name: 'acl', cluster_size: 'Small' });
    await http.ok('PATCH', `/api/2.0/permissions/warehouses/${id}`, {
      access_control_list: [{ group_name: 'analysts', permission_level: 'CAN_USE' }],
    });
    const read = await http.ok('GET', `/api/2.0/permissions/sql/warehouses/${id}`);
    expect(read).toMatchObject({ object_id: `/sql/warehouses/${id}`, object_type: 'warehouses' });
    expect(direct(read)).toEqual({ [server.userName]: 'IS_OWNER', analysts: 'CAN_USE' });
    expect(read.access_control_list).toContainEqual({
      group_name: 'admins',
      all_permissions: [
        { permission_level: 'CAN_MANAGE', inherited: true, inherited_from_object: ['/sql/warehouses/'] },
      ],
    });
  });

  it('keeps the warehouse owner through a PUT that names none, and transfers it to one that is named', async () => {
    const { id } = await http.ok('POST', '/api/2.0/sql/warehouses', { name: 'owner', cluster_size: 'Small' });
    const kept = await http.ok('PUT', `/api/2.0/permissions/sql/warehouses/${id}`, {
      access_control_list: [{ group_name: 'analysts', permission_level: 'CAN_MONITOR' }],
    });
    expect(direct(kept)).toEqual({ analysts: 'CAN_MONITOR', [server.userName]: 'IS_OWNER' });
    const moved = await http.ok('PUT', `/api/2.0/permissions/warehouses/${id}`, {
      access_control_list: [{ service_principal_name: 'sp-1', permission_level: 'IS_OWNER' }],
    });
    expect(direct(moved)).toEqual({ 'sp-1': 'IS_OWNER' });
    const twoOwners = await http.call('PATCH', `/api/2.0/permissions/warehouses/${id}`, {
      access_control_list: [{ user_name: 'b@example.com', permission_level: 'IS_OWNER' }],
    });
    expect(twoOwners.body.message).toBe('The warehouse must have exactly one owner.');
  });

  it('gives the creator CAN_MANAGE on a repo and a pool, and forgets the ACL when they are deleted', async () => {
    const repo = await http.ok('POST', '/api/2.0/repos', {
      url: 'https://github.com/a/acl',
      provider: 'gitHub',
    });
    expect(direct(await http.ok('GET', `/api/2.0/permissions/repos/${repo.id}`))).toEqual({
      [server.userName]: 'CAN_MANAGE',
    });
    await http.ok('DELETE', `/api/2.0/repos/${repo.id}`);
    expect((await http.call('GET', `/api/2.0/permissions/repos/${repo.id}`)).status).toBe(404);
    const { instance_pool_id } = await http.ok('POST', '/api/2.0/instance-pools/create', {
      instance_pool_name: 'acl-pool',
      node_type_id: 'i3.xlarge',
    });
    const pool = await http.ok('PUT', `/api/2.0/permissions/instance-pools/${instance_pool_id}`, {
      access_control_list: [{ group_name: 'users', permission_level: 'CAN_ATTACH_TO' }],
    });
    expect(pool).toMatchObject({
      object_id: `/instance-pools/${instance_pool_id}`,
      object_type: 'instance-pool',
    });
    expect(direct(pool)).toEqual({ users: 'CAN_ATTACH_TO' });
  });
});
