import type { DatabricksSecretScope } from '../../../../controller/reconcilers/secret-scope/secret-scope.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import { SCOPES, SCOPE_KINDS, fakeScope, namespaceEvents, sha256 } from './secret-scope-fixtures.js';

describe('DatabricksSecretScope reconciler: adopting a scope that exists (spec.adopt)', () => {
  const bed = useOperatorTestBed('scope-adopt', { operator: { kinds: SCOPE_KINDS } });
  const user = (): string => bed.fake.userName;

  it('takes over an existing scope once spec.adopt is set: puts spec.secrets, leaves its other keys, makes its ACLs match', async () => {
    await bed.fake.ui.call('secrets/scopes/create', { scope: 'legacy' });
    await bed.fake.ui.call('secrets/put', { scope: 'legacy', key: 'theirs', string_value: 't' });
    await bed.fake.ui.call('secrets/put', { scope: 'legacy', key: 'shared', string_value: 'old' });
    await bed.fake.ui.call('secrets/acls/put', {
      scope: 'legacy',
      principal: 'mallory@example.com',
      permission: 'MANAGE',
    });
    const spec = {
      workspaceRef: { name: 'ws' },
      scopeName: 'legacy',
      secrets: [
        { key: 'shared', value: 'new' },
        { key: 'mine', value: 'm' },
      ],
      acls: [{ principal: 'alice@example.com', permission: 'READ' }],
    };
    await bed.create(SCOPES, 'DatabricksSecretScope', 'legacy', spec);
    const refused = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'legacy', {
      status: 'False',
      reason: 'ScopeExists',
    });
    expect(refused.status?.conditions?.[0]?.message).toContain('set spec.adopt to take it over');
    expect(bed.fake.requestCount('secrets/put')).toBe(0);

    await bed.patchSpec(SCOPES, 'legacy', { adopt: true });
    const adopted = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'legacy');
    expect(adopted.status).toMatchObject({ scopeName: 'legacy', secretKeys: ['mine', 'shared'] });
    expect(fakeScope(bed, 'legacy')).toMatchObject({
      secrets: { theirs: sha256('t'), shared: sha256('new'), mine: sha256('m') },
      acls: { [user()]: 'MANAGE', 'alice@example.com': 'READ' },
    });
    expect(bed.fake.requestCount('secrets/scopes/create')).toBe(0);
    expect(await namespaceEvents(bed)).toContain(
      'Adopted: adopted secret scope legacy (spec.adopt): the secrets of spec.secrets are managed in it, keys it already held are left alone',
    );

    // A key this object put is removed when it leaves the spec; the scope's own keys stay.
    await bed.patchSpec(SCOPES, 'legacy', { secrets: [{ key: 'mine', value: 'm' }] });
    const trimmed = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'legacy');
    expect(trimmed.status?.secretKeys).toEqual(['mine']);
    expect(fakeScope(bed, 'legacy')?.secrets).toEqual({ theirs: sha256('t'), mine: sha256('m') });

    await bed.delete(SCOPES, 'legacy');
    await bed.waitForGone(SCOPES, 'legacy');
    expect(fakeScope(bed, 'legacy')).toBeUndefined();
  });

  it('still refuses a scope that another DatabricksSecretScope holds, adopt or not (OwnedElsewhere)', async () => {
    await bed.create(SCOPES, 'DatabricksSecretScope', 'holder', {
      workspaceRef: { name: 'ws' },
      scopeName: 'held',
      secrets: [{ key: 'k', value: 'v' }],
    });
    await bed.waitForCondition(SCOPES, 'holder');
    await bed.create(SCOPES, 'DatabricksSecretScope', 'grabber', {
      workspaceRef: { name: 'ws' },
      scopeName: 'held',
      adopt: true,
      secrets: [{ key: 'k', value: 'other' }],
    });
    const refused = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'grabber', {
      status: 'False',
      reason: 'OwnedElsewhere',
    });
    expect(refused.status?.conditions?.[0]?.message).toContain(
      `belongs to DatabricksSecretScope ${bed.namespace}/holder`,
    );
    expect(refused.status?.scopeName).toBeUndefined();
    expect(fakeScope(bed, 'held')?.secrets).toEqual({ k: sha256('v') });
  });

  it('refuses to adopt a scope whose backend is not the one spec.backend asks for', async () => {
    await bed.fake.ui.call('secrets/scopes/create', {
      scope: 'vaulted',
      scope_backend_type: 'AZURE_KEYVAULT',
      backend_azure_keyvault: {
        resource_id: '/subscriptions/s/vaults/v',
        dns_name: 'https://v.vault.azure.net/',
      },
    });
    await bed.create(SCOPES, 'DatabricksSecretScope', 'vaulted', {
      workspaceRef: { name: 'ws' },
      scopeName: 'vaulted',
      adopt: true,
      secrets: [{ key: 'k', value: 'v' }],
    });
    const refused = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'vaulted', {
      status: 'False',
      reason: 'ScopeExists',
    });
    expect(refused.status?.conditions?.[0]?.message).toContain(
      'spec.adopt: secret scope vaulted in ' +
        `${bed.fake.url} has backend AZURE_KEYVAULT, but spec.backend asks for DATABRICKS`,
    );
    expect(refused.status?.scopeName).toBeUndefined();
    expect(bed.fake.requestCount('secrets/put')).toBe(0);
  });
});
