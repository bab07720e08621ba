import { ClusterPoliciesService } from './cluster-policies.js';
import { RouteTableClient, routeTableContext } from './route-table-client.js';

function workspace() {
  const events: string[] = [];
  const service = new ClusterPoliciesService(routeTableContext(), {
    onCreated: (id, creator) => events.push(`created ${id} by ${creator}`),
    onDeleted: (id) => events.push(`deleted ${id}`),
  });
  return { service, events, api: new RouteTableClient(service) };
}

const definition = JSON.stringify({
  spark_version: { type: 'fixed', value: '15.4.x-scala2.12' },
  'autoscale.max_workers': { type: 'range', maxValue: 10 },
});

const POLICIES = '/api/2.0/policies/clusters';

describe('cluster policies', () => {
  it('creates a policy with a 16-hex id, returns its definition string as given, and edits it in full', async () => {
    const { api, events } = workspace();
    const { policy_id } = await api.ok('POST', `${POLICIES}/create`, {
      name: 'etl',
      definition,
      description: 'for ETL',
      max_clusters_per_user: 2,
    });
    expect(policy_id).toMatch(/^[0-9A-F]{16}$/);
    expect(events).toEqual([`created ${policy_id} by tester@example.com`]);
    expect(await api.ok('GET', `${POLICIES}/get`, { policy_id })).toEqual({
      policy_id,
      name: 'etl',
      definition,
      description: 'for ETL',
      max_clusters_per_user: 2,
      creator_user_name: 'tester@example.com',
      created_at_timestamp: expect.any(Number),
    });

    // Edit replaces every writable field: description and the limit are gone.
    await api.ok('POST', `${POLICIES}/edit`, { policy_id, name: 'etl-v2', definition: '{}' });
    const edited = await api.ok('GET', `${POLICIES}/get`, { policy_id });
    expect(edited).toMatchObject({ name: 'etl-v2', definition: '{}' });
    expect(edited).not.toHaveProperty('description');
    expect(edited).not.toHaveProperty('max_clusters_per_user');
  });

  it.each([
    ['malformed JSON', '{"spark_version": {"type": "fixed",', /not valid JSON/],
    [
      'an unknown element type',
      JSON.stringify({ num_workers: { type: 'bounded', value: 2 } }),
      /'num_workers' has type "bounded"/,
    ],
    ['a rule without a type', JSON.stringify({ num_workers: { value: 2 } }), /'num_workers' has type null/],
  ])('refuses a definition with %s', async (_case, text, message) => {
    const { api } = workspace();
    const answer = await api.call('POST', `${POLICIES}/create`, { name: 'bad', definition: text });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(message),
    });
  });

  it('stores a definition whose top level is an array, as the real backend does', async () => {
    const { api } = workspace();
    const { policy_id } = await api.ok('POST', `${POLICIES}/create`, {
      name: 'array',
      definition: '[{"foo":"bar"}]',
    });
    expect((await api.ok('GET', `${POLICIES}/get`, { policy_id })).definition).toBe('[{"foo":"bar"}]');
  });

  it('refuses a duplicate name, on create and on edit', async () => {
    const { api } = workspace();
    await api.ok('POST', `${POLICIES}/create`, { name: 'one', definition });
    const { policy_id } = await api.ok('POST', `${POLICIES}/create`, { name: 'two', definition });
    for (const call of [
      api.call('POST', `${POLICIES}/create`, { name: 'one', definition }),
      api.call('POST', `${POLICIES}/edit`, { policy_id, name: 'one', definition }),
    ]) {
      expect(await call).toMatchObject({ status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
    }
    // Renaming a policy to its own name is no clash.
    await api.ok('POST', `${POLICIES}/edit`, { policy_id, name: 'two', definition });
  });

  it('checks name length, max_clusters_per_user and required fields', async () => {
    const { api } = workspace();
    expect(await api.call('POST', `${POLICIES}/create`, { definition })).toEqual({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Missing required field: name' },
    });
    expect((await api.call('POST', `${POLICIES}/create`, { name: 'x'.repeat(101), definition })).status).toBe(
      400,
    );
    await api.ok('POST', `${POLICIES}/create`, { name: 'x'.repeat(100), definition });
    const zero = await api.call('POST', `${POLICIES}/create`, {
      name: 'z',
      definition,
      max_clusters_per_user: 0,
    });
    expect(zero.body.message).toMatch(/greater than zero/);
  });

  it('answers a missing policy with RESOURCE_DOES_NOT_EXIST naming the id', async () => {
    const { api } = workspace();
    for (const call of [
      api.call('GET', `${POLICIES}/get`, { policy_id: 'ABCDEF0123456789' }),
      api.call('POST', `${POLICIES}/delete`, { policy_id: 'ABCDEF0123456789' }),
    ]) {
      expect(await call).toEqual({
        status: 404,
        body: {
          error_code: 'RESOURCE_DOES_NOT_EXIST',
          message: "Can't find a cluster policy with id: ABCDEF0123456789.",
        },
      });
    }
  });

  it('deletes a policy and tells permissions', async () => {
    const { api, events } = workspace();
    const { policy_id } = await api.ok('POST', `${POLICIES}/create`, { name: 'gone', definition });
    await api.ok('POST', `${POLICIES}/delete`, { policy_id });
    expect(events).toContain(`deleted ${policy_id}`);
    expect((await api.call('GET', `${POLICIES}/get`, { policy_id })).status).toBe(404);
  });

  it('lists policies newest first by default, and by name on request', async () => {
    const { api } = workspace();
    await api.ok('POST', `${POLICIES}/create`, { name: 'b-policy', definition });
    await api.ok('POST', `${POLICIES}/create`, { name: 'a-policy', definition });
    const names = async (query: Record<string, unknown>) =>
      ((await api.ok('GET', `${POLICIES}/list`, query)).policies as { name: string }[]).map((p) => p.name);
    expect((await names({})).slice(0, 2)).toEqual(['a-policy', 'b-policy']);
    expect(await names({ sort_column: 'POLICY_NAME', sort_order: 'ASC' })).toEqual([
      'a-policy',
      'b-policy',
      'Job Compute',
      'Personal Compute',
      'Power User Compute',
      'Shared Compute',
    ]);
  });
});

describe('default policies and policy families', () => {
  it("starts with Databricks' default policies, which can be edited but not deleted or moved to another family", async () => {
    const { api, service } = workspace();
    const policyId = service.idOf('Personal Compute') as string;
    const policy = await api.ok('GET', `${POLICIES}/get`, { policy_id: policyId });
    expect(policy).toMatchObject({ is_default: true, policy_family_id: 'personal-vm' });
    expect(policy).not.toHaveProperty('creator_user_name');
    expect((await api.call('POST', `${POLICIES}/delete`, { policy_id: policyId })).body.message).toMatch(
      /default policies cannot be deleted/,
    );
    const moved = await api.call('POST', `${POLICIES}/edit`, {
      policy_id: policyId,
      name: 'Personal Compute',
      policy_family_id: 'job-cluster',
    });
    expect(moved.body.message).toBe(
      'Changing policy_family_id is forbidden for default cluster policies. Clone this policy to change the policy family.',
    );
    await api.ok('POST', `${POLICIES}/edit`, {
      policy_id: policyId,
      name: 'Personal Compute',
      policy_family_id: 'personal-vm',
      policy_family_definition_overrides: JSON.stringify({
        autotermination_minutes: { type: 'fixed', value: 30 },
      }),
    });
  });

  it("reports a family-based policy's definition as the family's rules with the overrides merged over them", async () => {
    const { api } = workspace();
    const family = await api.ok('GET', '/api/2.0/policy-families/job-cluster');
    const overrides = JSON.stringify({ num_workers: { type: 'range', maxValue: 8 } });
    const { policy_id } = await api.ok('POST', `${POLICIES}/create`, {
      name: 'jobs',
      policy_family_id: 'job-cluster',
      policy_family_definition_overrides: overrides,
    });
    const policy = await api.ok('GET', `${POLICIES}/get`, { policy_id });
    expect(policy.policy_family_definition_overrides).toBe(overrides);
    expect(JSON.parse(policy.definition as string)).toEqual({
      ...JSON.parse(family.definition as string),
      num_workers: { type: 'range', maxValue: 8 },
    });
  });

  it('refuses a definition together with a family, overrides without a family, and an unknown family', async () => {
    const { api } = workspace();
    const messages = await Promise.all(
      [
        { name: 'p', definition, policy_family_id: 'job-cluster' },
        { name: 'p', policy_family_definition_overrides: '{}' },
        { name: 'p', policy_family_id: 'no-such-family' },
        {
          name: 'p',
          policy_family_id: 'job-cluster',
          policy_family_definition_overrides: '{"x": {"type": "wrong"}}',
        },
      ].map(async (body) => (await api.call('POST', `${POLICIES}/create`, body)).body.message as string),
    );
    expect(messages[0]).toBe('policy_family_id and definition cannot be used together');
    expect(messages[1]).toMatch(/set policy_family_id too/);
    expect(messages[2]).toMatch(/Policy family 'no-such-family' does not exist/);
    expect(messages[3]).toMatch(/policy_family_definition_overrides: the rule for 'x'/);
  });

  it('lists the families in pages and gets one by id; an unknown id or version is 404', async () => {
    const { api } = workspace();
    const first = await api.ok('GET', '/api/2.0/policy-families', { max_results: 3 });
    expect(first.policy_families).toHaveLength(3);
    const second = await api.ok('GET', '/api/2.0/policy-families', {
      max_results: 3,
      page_token: first.next_page_token,
    });
    expect(second.policy_families).toHaveLength(1);
    expect(second).not.toHaveProperty('next_page_token');
    expect(await api.ok('GET', '/api/2.0/policy-families/power-user', { version: 1 })).toMatchObject({
      policy_family_id: 'power-user',
      name: 'Power User Compute',
    });
    expect((await api.call('GET', '/api/2.0/policy-families/power-user', { version: 2 })).status).toBe(404);
    expect((await api.call('GET', '/api/2.0/policy-families/unknown')).status).toBe(404);
    expect((await api.call('GET', '/api/2.0/policy-families', { max_results: 101 })).status).toBe(400);
  });
});
