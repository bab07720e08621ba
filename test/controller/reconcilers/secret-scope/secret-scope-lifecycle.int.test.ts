import type { DatabricksSecretScope } from '../../../../controller/reconcilers/secret-scope/secret-scope.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import {
  SCOPES,
  SCOPE_KINDS,
  fakeScope,
  namespaceEvents,
  putKubeSecret,
  sha256,
} from './secret-scope-fixtures.js';

const RESYNC_MS = 1_000;
/** Each scope's keys and ACLs are read once in this period, at its own moment in it. */
const SLOW_RESYNC_MS = 2_000;

describe('DatabricksSecretScope reconciler: rotation, steady state, drift, faults and deletion', () => {
  const bed = useOperatorTestBed('scope-life', {
    operator: {
      kinds: SCOPE_KINDS,
      config: { resyncPeriodMs: RESYNC_MS, slowResyncPeriodMs: SLOW_RESYNC_MS },
    },
  });

  afterEach(() => bed.fake.setFaults([]));

  const createScope = async (name: string, spec: Record<string, unknown> = {}) => {
    await bed.create(SCOPES, 'DatabricksSecretScope', name, {
      workspaceRef: { name: 'ws' },
      scopeName: `${name}-scope`,
      ...spec,
    });
    return bed.waitForCondition<DatabricksSecretScope>(SCOPES, name);
  };
  const fromDb = { key: 'password', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } };

  it('puts a rotated Secret value within one resync period, and shows its new hash in status', async () => {
    await putKubeSecret(bed, 'db', { password: 'v1' });
    const before = await createScope('rotating', { secrets: [fromDb] });
    expect(fakeScope(bed, 'rotating-scope')?.secrets.password).toBe(sha256('v1'));

    await putKubeSecret(bed, 'db', { password: 'v2' });
    const rotatedAt = Date.now();
    await pollUntil('the rotated value in Databricks', async () =>
      fakeScope(bed, 'rotating-scope')?.secrets.password === sha256('v2') ? true : undefined,
    );
    const elapsedMs = Date.now() - rotatedAt;
    if (process.env.TEST_FIGURES)
      console.log(`rotation reached Databricks after ${elapsedMs} ms (resync ${RESYNC_MS} ms)`);
    // A resync and the reconcile it starts, which a loaded machine can stretch to seconds; an object that
    // missed the rotation would never put it (the wait above would fail).
    expect(elapsedMs).toBeLessThan(RESYNC_MS + 9_000);

    const after = await pollUntil('the new hash in status', async () => {
      const scope = await bed.get<DatabricksSecretScope>(SCOPES, 'rotating');
      const hash = scope?.status?.secretHashes?.password;
      return hash !== before.status?.secretHashes?.password ? scope : undefined;
    });
    expect(after.status?.secretHashes?.password).toMatch(/^[0-9a-f]{8}:[0-9a-f]{16}$/);
    expect(await namespaceEvents(bed)).toContain(
      'SecretsWritten: wrote to secret scope rotating-scope: rotated password',
    );
  });

  it('writes nothing to Databricks or status across resyncs when nothing changed, and reads its keys only on the slow cycle', async () => {
    await putKubeSecret(bed, 'db', { password: 'steady' });
    const ready = await createScope('steady', {
      secrets: [fromDb, { key: 'literal', value: 'l' }, { fromSecret: { name: 'db', prefix: 'all.' } }],
      acls: [{ principal: 'alice@example.com', permission: 'READ' }],
    });
    const writes = [
      'secrets/put',
      'secrets/delete',
      'secrets/scopes/create',
      'secrets/acls/put',
      'secrets/acls/delete',
    ];
    const counted = () => writes.map((endpoint) => bed.fake.requestCount(endpoint));
    const before = counted();
    const resyncs = bed.fake.requestCount('secrets/scopes/list');
    const keyReads = bed.fake.requestCount('secrets/list');
    const aclReads = bed.fake.requestCount('secrets/acls/list');
    const started = Date.now();
    await pollUntil('four resyncs', async () =>
      bed.fake.requestCount('secrets/scopes/list') >= resyncs + 4 ? true : undefined,
    );
    expect(counted()).toEqual(before);
    expect(before).toEqual([3, 0, 1, 1, 0]);
    // One read of the keys and one of the ACLs per slow period, never one per resync. A read may come up
    // to a second before its moment, so the window holds one read more than it holds periods.
    const periods = Math.ceil((Date.now() - started) / SLOW_RESYNC_MS);
    expect(bed.fake.requestCount('secrets/list') - keyReads).toBeLessThanOrEqual(periods + 1);
    expect(bed.fake.requestCount('secrets/acls/list') - aclReads).toBeLessThanOrEqual(periods + 1);
    const after = await bed.get<DatabricksSecretScope>(SCOPES, 'steady');
    expect(after?.metadata.resourceVersion).toBe(ready.metadata.resourceVersion);
  });

  it('restores a secret deleted in Databricks on the slow cycle, and a whole scope deleted at the next resync', async () => {
    await createScope('drift', {
      secrets: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
      acls: [{ principal: 'alice@example.com', permission: 'READ' }],
    });
    await bed.fake.ui.call('secrets/delete', { scope: 'drift-scope', key: 'a' });
    await pollUntil('secret a restored', async () =>
      fakeScope(bed, 'drift-scope')?.secrets.a === sha256('1') ? true : undefined,
    );
    await bed.fake.ui.call('secrets/scopes/delete', { scope: 'drift-scope' });
    const restored = await pollUntil('the scope recreated with its secrets and ACLs', async () => {
      const scope = fakeScope(bed, 'drift-scope');
      return Object.keys(scope?.secrets ?? {}).length === 2 && scope?.acls['alice@example.com']
        ? scope
        : undefined;
    });
    expect(restored.secrets).toEqual({ a: sha256('1'), b: sha256('2') });
    const events = await namespaceEvents(bed);
    expect(events).toContain(
      'SecretsWritten: wrote to secret scope drift-scope: restored (deleted in Databricks) a',
    );
    expect(events).toContain(
      'Recreated: secret scope drift-scope was deleted in Databricks; created it again',
    );
  });

  it('puts back ACLs changed in Databricks on the slow cycle, with a DriftCorrected Warning', async () => {
    await createScope('acl-drift', {
      acls: [
        { principal: 'alice@example.com', permission: 'READ' },
        { principal: 'bob@example.com', permission: 'WRITE' },
      ],
    });
    const puts = bed.fake.requestCount('secrets/acls/put');
    const deletes = bed.fake.requestCount('secrets/acls/delete');
    const scope = 'acl-drift-scope';
    await bed.fake.ui.call('secrets/acls/put', {
      scope,
      principal: 'alice@example.com',
      permission: 'MANAGE',
    });
    await bed.fake.ui.call('secrets/acls/delete', { scope, principal: 'bob@example.com' });
    await bed.fake.ui.call('secrets/acls/put', {
      scope,
      principal: 'mallory@example.com',
      permission: 'READ',
    });

    const wanted = { [bed.fake.userName]: 'MANAGE', 'alice@example.com': 'READ', 'bob@example.com': 'WRITE' };
    const sorted = (acls: Record<string, string> = {}) => JSON.stringify(Object.entries(acls).sort());
    await pollUntil('the ACLs of spec.acls again', async () =>
      sorted(fakeScope(bed, scope)?.acls) === sorted(wanted) ? true : undefined,
    );
    expect(fakeScope(bed, scope)?.acls).toEqual(wanted);
    expect(bed.fake.requestCount('secrets/acls/put') - puts).toBe(2);
    expect(bed.fake.requestCount('secrets/acls/delete') - deletes).toBe(1);
    const drift = await pollUntil('a DriftCorrected event', async () => {
      const notes = (await namespaceEvents(bed)).filter((event) => event.startsWith('DriftCorrected: '));
      return notes.length > 0 ? notes.join('\n') : undefined;
    });
    expect(drift).toContain(`ACLs of secret scope ${scope} were changed in Databricks`);
    for (const principal of ['alice@example.com', 'bob@example.com', 'removed mallory@example.com']) {
      expect(drift).toContain(principal);
    }
  });

  it('rides out 503 and 429 answers: one scope, each secret put once', async () => {
    bed.fake.setFaults([
      { endpoint: 'secrets/scopes/create', kind: 'unavailable', times: 2 },
      { endpoint: 'secrets/put', kind: 'rate-limit', times: 1 },
      { endpoint: 'secrets/acls/put', kind: 'unavailable', times: 1 },
    ]);
    await createScope('faulty', {
      secrets: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
      acls: [{ principal: 'alice@example.com', permission: 'READ' }],
    });
    expect(bed.fake.requestCount('secrets/scopes/create', 503)).toBe(2);
    expect(bed.fake.requestCount('secrets/scopes/create', 200)).toBe(1);
    expect(bed.fake.requestCount('secrets/put', 429)).toBe(1);
    expect(bed.fake.requestCount('secrets/put', 200)).toBe(2);
    expect(bed.fake.requestCount('secrets/acls/put', 200)).toBe(1);
    expect(fakeScope(bed, 'faulty-scope')?.secrets).toEqual({ a: sha256('1'), b: sha256('2') });
  });

  it('deletes the scope when deletionPolicy is Delete', async () => {
    await createScope('doomed', { secrets: [{ key: 'a', value: '1' }] });
    await bed.delete(SCOPES, 'doomed');
    await bed.waitForGone(SCOPES, 'doomed');
    expect(fakeScope(bed, 'doomed-scope')).toBeUndefined();
    expect(bed.fake.requestCount('secrets/scopes/delete', 200)).toBe(1);
  });

  it('leaves the scope and its secrets when deletionPolicy is Retain', async () => {
    await createScope('kept', { secrets: [{ key: 'a', value: '1' }], deletionPolicy: 'Retain' });
    await bed.delete(SCOPES, 'kept');
    await bed.waitForGone(SCOPES, 'kept');
    expect(fakeScope(bed, 'kept-scope')?.secrets).toEqual({ a: sha256('1') });
    expect(bed.fake.requestCount('secrets/scopes/delete')).toBe(0);
    expect(await namespaceEvents(bed)).toContain(
      'Retained: left secret scope kept-scope in Databricks (deletionPolicy Retain)',
    );
  });

  it('deletes a scope whose ACLs could not be applied', async () => {
    bed.fake.setFaults([{ endpoint: 'secrets/acls/put', kind: 'internal-error' }]);
    await bed.create(SCOPES, 'DatabricksSecretScope', 'stuck', {
      workspaceRef: { name: 'ws' },
      scopeName: 'stuck-scope',
      secrets: [{ key: 'a', value: '1' }],
      acls: [{ principal: 'alice@example.com', permission: 'READ' }],
    });
    const failed = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'stuck', {
      status: 'False',
      reason: 'AclsNotApplied',
    });
    expect(failed.status?.conditions?.[0]?.message).toContain(
      'spec.acls: Databricks refused the ACLs of scope stuck-scope',
    );
    expect(failed.status?.scopeName).toBe('stuck-scope');
    expect(fakeScope(bed, 'stuck-scope')?.secrets).toEqual({ a: sha256('1') });

    await bed.delete(SCOPES, 'stuck');
    await bed.waitForGone(SCOPES, 'stuck');
    expect(fakeScope(bed, 'stuck-scope')).toBeUndefined();
  });
});
