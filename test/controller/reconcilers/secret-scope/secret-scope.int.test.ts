import type { DatabricksSecretScope } from '../../../../controller/reconcilers/secret-scope/secret-scope.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { Logger } from '../../../../controller/runtime/logger.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import {
  SCOPES,
  SCOPE_KINDS,
  fakeScope,
  namespaceEvents,
  putKubeSecret,
  sha256,
} from './secret-scope-fixtures.js';

describe('DatabricksSecretScope reconciler: scope, secrets, ACLs and ownership', () => {
  const bed = useOperatorTestBed('scope', { operator: { kinds: SCOPE_KINDS } });
  const user = (): string => bed.fake.userName;

  it('creates <namespace>.<name> and puts a literal, a Secret key and a whole Secret, with a hash per key', async () => {
    await putKubeSecret(bed, 'db', { user: 'etl', password: 'db-pass' });
    await putKubeSecret(bed, 'api', { token: 'api-token', region: 'eu' });
    await bed.create(SCOPES, 'DatabricksSecretScope', 'creds', {
      workspaceRef: { name: 'ws' },
      secrets: [
        { key: 'greeting', value: 'hello' },
        { key: 'db-password', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { fromSecret: { name: 'api', prefix: 'api.' } },
      ],
    });
    const scope = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'creds');
    const name = `${bed.namespace}.creds`;
    expect(scope.metadata.finalizers).toContain('databricks.operator.dev/finalizer');
    expect(scope.status).toMatchObject({
      scopeName: name,
      backendType: 'DATABRICKS',
      secretCount: 4,
      secretKeys: ['api.region', 'api.token', 'db-password', 'greeting'],
    });
    const hashes = scope.status?.secretHashes ?? {};
    expect(Object.keys(hashes).sort()).toEqual(scope.status?.secretKeys);
    for (const hash of Object.values(hashes)) expect(hash).toMatch(/^[0-9a-f]{8}:[0-9a-f]{16}$/);
    expect(fakeScope(bed, name)).toEqual({
      name,
      backend_type: 'DATABRICKS',
      secrets: {
        greeting: sha256('hello'),
        'db-password': sha256('db-pass'),
        'api.token': sha256('api-token'),
        'api.region': sha256('eu'),
      },
      acls: { [user()]: 'MANAGE' },
    });
    expect(bed.fake.requestCount('secrets/scopes/create')).toBe(1);
    expect(bed.fake.requestCount('secrets/put')).toBe(4);
  });

  it('removes a secret that left the spec, and leaves a key it did not put', async () => {
    await bed.create(SCOPES, 'DatabricksSecretScope', 'trim', {
      workspaceRef: { name: 'ws' },
      scopeName: 'trim-scope',
      secrets: [
        { key: 'kept', value: 'k' },
        { key: 'dropped', value: 'd' },
      ],
    });
    await bed.waitForCondition(SCOPES, 'trim');
    await bed.fake.ui.call('secrets/put', { scope: 'trim-scope', key: 'by-hand', string_value: 'h' });
    await bed.patchSpec(SCOPES, 'trim', { secrets: [{ key: 'kept', value: 'k' }] });
    const scope = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'trim');
    expect(Object.keys(fakeScope(bed, 'trim-scope')?.secrets ?? {}).sort()).toEqual(['by-hand', 'kept']);
    expect(scope.status?.secretKeys).toEqual(['kept']);
    expect(Object.keys(scope.status?.secretHashes ?? {})).toEqual(['kept']);
    expect(bed.fake.requestCount('secrets/delete')).toBe(1);
    expect(await namespaceEvents(bed)).toContain(
      'SecretsRemoved: removed dropped from secret scope trim-scope',
    );
  });

  it("makes the ACLs equal spec.acls, removing others but keeping the controller's own MANAGE", async () => {
    await bed.create(SCOPES, 'DatabricksSecretScope', 'shared', {
      workspaceRef: { name: 'ws' },
      scopeName: 'acl-scope',
      acls: [
        { principal: 'alice@example.com', permission: 'READ' },
        { principal: 'bob@example.com', permission: 'WRITE' },
      ],
    });
    const first = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'shared');
    expect(fakeScope(bed, 'acl-scope')?.acls).toEqual({
      [user()]: 'MANAGE',
      'alice@example.com': 'READ',
      'bob@example.com': 'WRITE',
    });
    await bed.fake.ui.call('secrets/acls/put', {
      scope: 'acl-scope',
      principal: 'mallory@example.com',
      permission: 'MANAGE',
    });
    await bed.patchSpec(SCOPES, 'shared', {
      acls: [
        { principal: 'alice@example.com', permission: 'MANAGE' },
        { principal: 'carol@example.com', permission: 'READ' },
      ],
    });
    const second = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'shared');
    expect(fakeScope(bed, 'acl-scope')?.acls).toEqual({
      [user()]: 'MANAGE',
      'alice@example.com': 'MANAGE',
      'carol@example.com': 'READ',
    });
    expect(second.status?.aclsHash).toBeDefined();
    expect(second.status?.aclsHash).not.toBe(first.status?.aclsHash);
  });

  it('refuses a scope that exists already (ScopeExists), and leaves it alone when the object is deleted', async () => {
    await bed.fake.ui.call('secrets/scopes/create', { scope: 'taken' });
    await bed.fake.ui.call('secrets/put', { scope: 'taken', key: 'theirs', string_value: 't' });
    await bed.create(SCOPES, 'DatabricksSecretScope', 'intruder', {
      workspaceRef: { name: 'ws' },
      scopeName: 'taken',
      secrets: [{ key: 'mine', value: 'm' }],
    });
    const refused = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'intruder', {
      status: 'False',
      reason: 'ScopeExists',
    });
    expect(refused.status?.conditions?.[0]?.message).toContain(
      `secret scope taken already exists in ${bed.fake.url} and this object did not create it`,
    );
    expect(refused.status?.scopeName).toBeUndefined();
    expect(bed.fake.requestCount('secrets/put')).toBe(0);
    await bed.delete(SCOPES, 'intruder');
    await bed.waitForGone(SCOPES, 'intruder');
    expect(fakeScope(bed, 'taken')?.secrets).toEqual({ theirs: sha256('t') });
    expect(bed.fake.requestCount('secrets/scopes/delete')).toBe(0);
  });

  it('refuses a scope another DatabricksSecretScope holds (OwnedElsewhere), naming that object', async () => {
    await bed.create(SCOPES, 'DatabricksSecretScope', 'first', {
      workspaceRef: { name: 'ws' },
      scopeName: 'team',
    });
    await bed.waitForCondition(SCOPES, 'first');
    await bed.create(SCOPES, 'DatabricksSecretScope', 'second', {
      workspaceRef: { name: 'ws' },
      scopeName: 'team',
      secrets: [{ key: 'k', value: 'v' }],
    });
    const refused = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'second', {
      status: 'False',
      reason: 'OwnedElsewhere',
    });
    expect(refused.status?.conditions?.[0]?.message).toContain(
      `belongs to DatabricksSecretScope ${bed.namespace}/first`,
    );
    expect(bed.fake.requestCount('secrets/scopes/create')).toBe(1);
    expect(fakeScope(bed, 'team')?.secrets).toEqual({});
  });

  it('takes up the scope its status claims after a restart, without creating another', async () => {
    // As after a crash between writing the claim and learning that the create went through.
    await bed.stopOperator();
    await bed.create(SCOPES, 'DatabricksSecretScope', 'resumed', {
      workspaceRef: { name: 'ws' },
      scopeName: 'resumed-scope',
      secrets: [{ key: 'k', value: 'v' }],
    });
    await bed.kube.patchCustomObjectStatus(SCOPES, bed.namespace, 'resumed', {
      status: { scopeName: 'resumed-scope', secretKeys: ['k'] },
    });
    await bed.fake.ui.call('secrets/scopes/create', { scope: 'resumed-scope' });
    await bed.startOperator();
    await bed.waitForCondition(SCOPES, 'resumed');
    expect(fakeScope(bed, 'resumed-scope')?.secrets).toEqual({ k: sha256('v') });
    expect(bed.fake.requestCount('secrets/scopes/create')).toBe(0);
  });

  it('creates a scope claimed but never created before a crash as Created, not as a Warning that it was deleted', async () => {
    // As after a crash between writing the claim (the create not yet confirmed) and the create itself.
    await bed.stopOperator();
    await bed.create(
      SCOPES,
      'DatabricksSecretScope',
      'interrupted',
      { workspaceRef: { name: 'ws' }, scopeName: 'interrupted-scope', secrets: [{ key: 'k', value: 'v' }] },
      { finalizers: ['databricks.operator.dev/finalizer'] },
    );
    await bed.kube.patchCustomObjectStatus(SCOPES, bed.namespace, 'interrupted', {
      status: { scopeName: 'interrupted-scope', secretKeys: ['k'], scopeCreatePending: true },
    });
    expect(fakeScope(bed, 'interrupted-scope')).toBeUndefined();
    await bed.startOperator();

    const scope = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'interrupted');
    expect(scope.status?.scopeCreatePending).toBeUndefined();
    expect(fakeScope(bed, 'interrupted-scope')?.secrets).toEqual({ k: sha256('v') });
    const events = await namespaceEvents(bed);
    expect(events).toContain(
      'Created: created secret scope interrupted-scope (claimed in status before the controller stopped, not created until now)',
    );
    expect(events.filter((event) => event.startsWith('Recreated'))).toEqual([]);
  });

  it('marks the claim pending until Databricks confirms the create, and clears it once it has', async () => {
    bed.fake.setFaults([{ endpoint: 'secrets/scopes/create', kind: 'internal-error' }]);
    await bed.create(SCOPES, 'DatabricksSecretScope', 'slow', {
      workspaceRef: { name: 'ws' },
      scopeName: 'slow-scope',
      secrets: [{ key: 'k', value: 'v' }],
    });
    const claimed = await pollUntil('the claim written ahead of the failing create', async () => {
      const current = await bed.get<DatabricksSecretScope>(SCOPES, 'slow');
      return bed.fake.requestCount('secrets/scopes/create', 500) >= 1 && current?.status?.scopeName
        ? current
        : undefined;
    });
    expect(claimed.status).toMatchObject({ scopeName: 'slow-scope', scopeCreatePending: true });

    bed.fake.setFaults([]);
    const scope = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'slow');
    expect(scope.status?.scopeCreatePending).toBeUndefined();
    const events = await namespaceEvents(bed);
    expect(events).toContainEqual(expect.stringMatching(/^Created: created secret scope slow-scope/));
    expect(events.filter((event) => event.startsWith('Recreated'))).toEqual([]);
  });

  it('still warns Recreated when a scope whose create was confirmed is gone from Databricks', async () => {
    await bed.create(SCOPES, 'DatabricksSecretScope', 'gone', {
      workspaceRef: { name: 'ws' },
      scopeName: 'gone-scope',
      secrets: [{ key: 'k', value: 'v' }],
    });
    await bed.waitForCondition(SCOPES, 'gone');
    await bed.fake.ui.call('secrets/scopes/delete', { scope: 'gone-scope' });
    await bed.patchSpec(SCOPES, 'gone', { secrets: [{ key: 'k', value: 'w' }] });
    await pollUntil('the scope created again', async () =>
      fakeScope(bed, 'gone-scope')?.secrets.k === sha256('w') ? true : undefined,
    );
    // Recorded after the writes it tells of, which may show in Databricks before the Event exists.
    await pollUntil('the Recreated event', async () =>
      (await namespaceEvents(bed)).includes(
        'Recreated: secret scope gone-scope was deleted in Databricks; created it again',
      )
        ? true
        : undefined,
    );
  });

  it('reports a missing Secret, then a missing key, by name; applies the rest; recovers once they exist', async () => {
    await bed.create(SCOPES, 'DatabricksSecretScope', 'pending', {
      workspaceRef: { name: 'ws' },
      scopeName: 'pending-scope',
      secrets: [
        { key: 'ready', value: 'r' },
        { key: 'later', valueFrom: { secretKeyRef: { name: 'later', key: 'password' } } },
      ],
    });
    const missing = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'pending', {
      status: 'False',
      reason: 'SecretNotFound',
    });
    expect(missing.status?.conditions?.[0]?.message).toContain(
      `spec.secrets[1].valueFrom.secretKeyRef: Secret later does not exist in namespace ${bed.namespace}`,
    );
    expect(fakeScope(bed, 'pending-scope')?.secrets).toEqual({ ready: sha256('r') });
    expect(missing.status?.secretKeys).toEqual(['ready']);

    await putKubeSecret(bed, 'later', { other: 'o' });
    const noKey = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'pending', {
      status: 'False',
      reason: 'SecretKeyMissing',
    });
    expect(noKey.status?.conditions?.[0]?.message).toContain('Secret later');
    expect(noKey.status?.conditions?.[0]?.message).toContain('has no key password');

    await putKubeSecret(bed, 'later', { password: 'p' });
    await bed.waitForCondition(SCOPES, 'pending');
    expect(fakeScope(bed, 'pending-scope')?.secrets).toEqual({ ready: sha256('r'), later: sha256('p') });
  });

  it('never shows a value in status, Events or logs', async () => {
    const lines: string[] = [];
    await bed.startOperator({
      kinds: SCOPE_KINDS,
      logger: new Logger({ level: 'debug', sink: (line) => lines.push(line) }),
    });
    const values = ['literal-VALUE-7f3a', 'secret-VALUE-91bd', 'rotated-VALUE-c2e1'];
    await putKubeSecret(bed, 'vault', { password: values[1] ?? '' });
    await bed.create(SCOPES, 'DatabricksSecretScope', 'quiet', {
      workspaceRef: { name: 'ws' },
      secrets: [
        { key: 'literal', value: values[0] },
        { key: 'password', valueFrom: { secretKeyRef: { name: 'vault', key: 'password' } } },
        { key: 'missing', valueFrom: { secretKeyRef: { name: 'vault', key: 'nope' } } },
      ],
    });
    await bed.waitForCondition(SCOPES, 'quiet', { status: 'False', reason: 'SecretKeyMissing' });
    await putKubeSecret(bed, 'vault', { password: values[2] ?? '', nope: values[1] ?? '' });
    await bed.waitForCondition(SCOPES, 'quiet');
    expect(fakeScope(bed, `${bed.namespace}.quiet`)?.secrets.password).toBe(sha256(values[2] ?? ''));

    const scope = await bed.get<DatabricksSecretScope>(SCOPES, 'quiet');
    const seen = {
      status: JSON.stringify(scope?.status),
      events: (await namespaceEvents(bed)).join('\n'),
      logs: lines.join('\n'),
    };
    expect(seen.events).toContain('SecretsWritten');
    expect(seen.logs).toContain('SecretKeyMissing');
    for (const value of values) {
      for (const form of [value, Buffer.from(value).toString('base64')]) {
        expect(seen.status).not.toContain(form);
        expect(seen.events).not.toContain(form);
        expect(seen.logs).not.toContain(form);
      }
    }
  });

  it('creates an Azure Key Vault backed scope with its vault, and applies its ACLs', async () => {
    await bed.create(SCOPES, 'DatabricksSecretScope', 'vault', {
      workspaceRef: { name: 'ws' },
      scopeName: 'vault-scope',
      backend: {
        type: 'AzureKeyVault',
        azureKeyVault: { resourceId: '/subscriptions/s/vaults/v', dnsName: 'https://v.vault.azure.net/' },
      },
      acls: [{ principal: 'data-readers', permission: 'READ' }],
    });
    const scope = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'vault');
    expect(scope.status).toMatchObject({ scopeName: 'vault-scope', backendType: 'AZURE_KEYVAULT' });
    expect(scope.status?.secretKeys).toBeUndefined();
    const listed = (await bed.fake.ui.call('secrets/scopes/list')) as {
      scopes: { name: string; backend_type: string; keyvault_metadata?: unknown }[];
    };
    expect(listed.scopes.find((s) => s.name === 'vault-scope')).toEqual({
      name: 'vault-scope',
      backend_type: 'AZURE_KEYVAULT',
      keyvault_metadata: { resource_id: '/subscriptions/s/vaults/v', dns_name: 'https://v.vault.azure.net/' },
    });
    expect(fakeScope(bed, 'vault-scope')?.acls).toEqual({ [user()]: 'MANAGE', 'data-readers': 'READ' });
  });

  it('deletes a scope that is already gone from Databricks without complaint', async () => {
    await bed.create(SCOPES, 'DatabricksSecretScope', 'vanished', {
      workspaceRef: { name: 'ws' },
      scopeName: 'vanished-scope',
    });
    await bed.waitForCondition(SCOPES, 'vanished');
    await bed.fake.ui.call('secrets/scopes/delete', { scope: 'vanished-scope' });
    await bed.delete(SCOPES, 'vanished');
    await bed.waitForGone(SCOPES, 'vanished');
    expect(bed.fake.requestCount('secrets/scopes/delete', 404)).toBe(1);
  });
});
