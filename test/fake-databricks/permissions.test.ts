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
