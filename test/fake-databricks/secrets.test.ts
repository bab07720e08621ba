import { ManualClock } from './api.js';
import { RouteTableClient, routeTableContext } from './route-table-client.js';
import { SecretsService } from './secrets.js';
import { FakeHttpClient } from './fake-http-client.js';
import { startFakeWorkspace, type FakeWorkspace } from './index.js';

function workspace() {
  const clock = new ManualClock();
  const ctx = routeTableContext(clock);
  const service = new SecretsService(ctx);
  return { clock, service, api: new RouteTableClient(service) };
}

const keyvault = {
  resource_id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv',
  dns_name: 'https://kv.vault.azure.net/',
};

describe('secret scopes', () => {
  it('creates, lists and deletes scopes, defaulting the backend to DATABRICKS', async () => {
    const { api } = workspace();
    expect(await api.ok('GET', '/api/2.0/secrets/scopes/list')).toEqual({});
    await api.ok('POST', '/api/2.0/secrets/scopes/create', { scope: 'app.prod-1_x' });
    await api.ok('POST', '/api/2.0/secrets/scopes/create', {
      scope: 'vault',
      scope_backend_type: 'AZURE_KEYVAULT',
      backend_azure_keyvault: keyvault,
    });
    expect(await api.ok('GET', '/api/2.0/secrets/scopes/list')).toEqual({
      scopes: [
        { name: 'app.prod-1_x', backend_type: 'DATABRICKS' },
        { name: 'vault', backend_type: 'AZURE_KEYVAULT', keyvault_metadata: keyvault },
      ],
    });
    await api.ok('POST', '/api/2.0/secrets/scopes/delete', { scope: 'vault' });
    expect(await api.call('POST', '/api/2.0/secrets/scopes/delete', { scope: 'vault' })).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Scope vault does not exist' },
    });
  });

  it('answers a duplicate scope with 400 RESOURCE_ALREADY_EXISTS', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/secrets/scopes/create', { scope: 's' });
    expect(await api.call('POST', '/api/2.0/secrets/scopes/create', { scope: 's' })).toEqual({
      status: 400,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Scope s already exists!' },
    });
  });

  it.each([
    [{ scope: 'has space' }],
    [{ scope: 'x'.repeat(129) }],
    [{ scope: 's', initial_manage_principal: 'someone' }],
    [{ scope: 's', scope_backend_type: 'AZURE_KEYVAULT' }],
    [{ scope: 's', scope_backend_type: 'VAULT' }],
  ])('rejects an invalid scope create (%#)', async (payload) => {
    const { api } = workspace();
    const result = await api.call('POST', '/api/2.0/secrets/scopes/create', payload);
    expect(result).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
  });

  it('gives MANAGE to the caller, or to users when initial_manage_principal is users', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/secrets/scopes/create', { scope: 'mine' });
    await api.ok('POST', '/api/2.0/secrets/scopes/create', {
      scope: 'shared',
      initial_manage_principal: 'users',
    });
    expect(await api.ok('GET', '/api/2.0/secrets/acls/list', { scope: 'mine' })).toEqual({
      items: [{ principal: 'tester@example.com', permission: 'MANAGE' }],
    });
    expect(await api.ok('GET', '/api/2.0/secrets/acls/list', { scope: 'shared' })).toEqual({
      items: [{ principal: 'users', permission: 'MANAGE' }],
    });
  });
});

describe('secrets', () => {
  it('upserts values, lists metadata only and never returns a value', async () => {
    const { api, clock, service } = workspace();
    await api.ok('POST', '/api/2.0/secrets/scopes/create', { scope: 's' });
    await api.ok('POST', '/api/2.0/secrets/put', { scope: 's', key: 'password', string_value: 'one' });
    const firstHash = service.valueHash('s', 'password');
    clock.advance(5000);
    await api.ok('POST', '/api/2.0/secrets/put', { scope: 's', key: 'password', string_value: 'two' });
    await api.ok('POST', '/api/2.0/secrets/put', {
      scope: 's',
      key: 'cert',
      bytes_value: Buffer.from([1, 2, 3]).toString('base64'),
    });
    const listed = await api.ok('GET', '/api/2.0/secrets/list', { scope: 's' });
    expect(listed).toEqual({
      secrets: [
        { key: 'password', last_updated_timestamp: clock.now() },
        { key: 'cert', last_updated_timestamp: clock.now() },
      ],
    });
    expect(JSON.stringify(listed)).not.toContain('two');
    expect(service.valueHash('s', 'password')).not.toEqual(firstHash);
    expect(JSON.stringify(service.snapshot())).not.toContain('"two"');
  });

  it('requires exactly one of string_value and bytes_value', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/secrets/scopes/create', { scope: 's' });
    for (const payload of [
      { scope: 's', key: 'k' },
      { scope: 's', key: 'k', string_value: 'a', bytes_value: 'YQ==' },
    ]) {
      expect(await api.call('POST', '/api/2.0/secrets/put', payload)).toMatchObject({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE' },
      });
    }
  });

  it('accepts a value of exactly 128 KB and rejects a larger one', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/secrets/scopes/create', { scope: 's' });
    await api.ok('POST', '/api/2.0/secrets/put', {
      scope: 's',
      key: 'k',
      string_value: 'a'.repeat(128 * 1024),
    });
    const result = await api.call('POST', '/api/2.0/secrets/put', {
      scope: 's',
      key: 'k',
      string_value: 'a'.repeat(128 * 1024 + 1),
    });
    expect(result).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
  });

  it('limits a scope to 1000 secrets but still lets existing keys be overwritten', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/secrets/scopes/create', { scope: 's' });
    for (let i = 0; i < 1000; i++) {
      await api.ok('POST', '/api/2.0/secrets/put', { scope: 's', key: `k${i}`, string_value: 'v' });
    }
    expect(
      await api.call('POST', '/api/2.0/secrets/put', { scope: 's', key: 'k1000', string_value: 'v' }),
    ).toMatchObject({ status: 400, body: { error_code: 'RESOURCE_LIMIT_EXCEEDED' } });
    await api.ok('POST', '/api/2.0/secrets/put', { scope: 's', key: 'k0', string_value: 'w' });
  });

  it('refuses puts to a missing scope, to a Key Vault scope and with a bad key name', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/secrets/scopes/create', {
      scope: 'vault',
      scope_backend_type: 'AZURE_KEYVAULT',
      backend_azure_keyvault: keyvault,
    });
    expect(
      await api.call('POST', '/api/2.0/secrets/put', { scope: 'nope', key: 'k', string_value: 'v' }),
    ).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Scope nope does not exist' },
    });
    expect(
      await api.call('POST', '/api/2.0/secrets/put', { scope: 'vault', key: 'k', string_value: 'v' }),
    ).toMatchObject({
      status: 400,
      body: { error_code: 'BAD_REQUEST' },
    });
    expect(
      await api.call('POST', '/api/2.0/secrets/put', { scope: 'vault', key: 'a/b', string_value: 'v' }),
    ).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
  });

  it('deletes a secret and answers a second delete with RESOURCE_DOES_NOT_EXIST', async () => {
    const { api, service } = workspace();
    await api.ok('POST', '/api/2.0/secrets/scopes/create', { scope: 's' });
    await api.ok('POST', '/api/2.0/secrets/put', { scope: 's', key: 'k', string_value: 'v' });
    await api.ok('POST', '/api/2.0/secrets/delete', { scope: 's', key: 'k' });
    expect(service.valueHash('s', 'k')).toBeUndefined();
    expect(await api.ok('GET', '/api/2.0/secrets/list', { scope: 's' })).toEqual({});
    expect(await api.call('POST', '/api/2.0/secrets/delete', { scope: 's', key: 'k' })).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
  });
});

describe('secret ACLs', () => {
  it('puts, overwrites, gets, lists and deletes ACLs', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/secrets/scopes/create', { scope: 's' });
    await api.ok('POST', '/api/2.0/secrets/acls/put', {
      scope: 's',
      principal: 'data-eng',
      permission: 'READ',
    });
    await api.ok('POST', '/api/2.0/secrets/acls/put', {
      scope: 's',
      principal: 'data-eng',
      permission: 'WRITE',
    });
    expect(await api.ok('GET', '/api/2.0/secrets/acls/get', { scope: 's', principal: 'data-eng' })).toEqual({
      principal: 'data-eng',
      permission: 'WRITE',
    });
    expect((await api.ok('GET', '/api/2.0/secrets/acls/list', { scope: 's' })).items).toHaveLength(2);
    await api.ok('POST', '/api/2.0/secrets/acls/delete', { scope: 's', principal: 'data-eng' });
    expect(
      await api.call('GET', '/api/2.0/secrets/acls/get', { scope: 's', principal: 'data-eng' }),
    ).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
  });

  it('rejects an unknown permission', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/secrets/scopes/create', { scope: 's' });
    const result = await api.call('POST', '/api/2.0/secrets/acls/put', {
      scope: 's',
      principal: 'x',
      permission: 'OWN',
    });
    expect(result).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
  });
});

describe('secrets over HTTP', () => {
  let server: FakeWorkspace;
  let http: FakeHttpClient;
  beforeAll(async () => {
    server = await startFakeWorkspace({ rateLimits: false });
    http = new FakeHttpClient(server);
  });
  afterAll(() => server.close());

  it('has no REST route that returns a secret value', async () => {
    await http.ok('POST', '/api/2.0/secrets/scopes/create', { scope: 's' });
    await http.ok('POST', '/api/2.0/secrets/put', { scope: 's', key: 'k', string_value: 'hidden-value' });
    const answer = await http.call('GET', '/api/2.0/secrets/get', { scope: 's', key: 'k' });
    expect(answer.status).toBe(404);
    expect(answer.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    const listed = await http.ok('GET', '/api/2.0/secrets/list', { scope: 's' });
    expect(JSON.stringify(listed)).not.toContain('hidden-value');
  });

  it('shows rotation in the inspection state as a changed hash, never the value', async () => {
    await http.ok('POST', '/api/2.0/secrets/scopes/create', { scope: 'rot' });
    const hashOf = async () => {
      const state = (await fetch(`${server.url}/__fake/state`).then((res) => res.json())) as {
        secrets: { name: string; secrets: { key: string; value_sha256: string }[] }[];
      };
      return state.secrets.find((scope) => scope.name === 'rot')?.secrets.find((secret) => secret.key === 'k')
        ?.value_sha256;
    };
    await http.ok('POST', '/api/2.0/secrets/put', { scope: 'rot', key: 'k', string_value: 'first-value' });
    const before = await hashOf();
    await http.ok('POST', '/api/2.0/secrets/put', { scope: 'rot', key: 'k', string_value: 'second-value' });
    const after = await hashOf();
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
    const state = await fetch(`${server.url}/__fake/state`).then((res) => res.text());
    expect(state).not.toContain('second-value');
  });

  it('answers a duplicate scope with the exact body the real API sends', async () => {
    await http.ok('POST', '/api/2.0/secrets/scopes/create', { scope: 'dup' });
    const answer = await http.call('POST', '/api/2.0/secrets/scopes/create', { scope: 'dup' });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error_code: 'RESOURCE_ALREADY_EXISTS',
      message: 'Scope dup already exists!',
    });
  });
});
