import { createHash, createHmac } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import type { DatabricksSecretScope } from '../../../../controller/reconcilers/secret-scope/secret-scope.js';
import {
  HASH_KEY_FIELD,
  secretHashKeyName,
} from '../../../../controller/reconcilers/secret-scope/secret-scope-hash-key.js';
import { legacySecretValueHash } from '../../../../controller/reconcilers/secret-scope/secret-scope-values.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { testKubeConfig } from '../../../control-plane/test-cluster.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import {
  SCOPES,
  SCOPE_KINDS,
  fakeScope,
  namespaceEvents,
  putKubeSecret,
  sha256,
} from './secret-scope-fixtures.js';

// status.secretHashes against a reader of the object: keyed by a Secret only the controller holds, the
// same across restarts, and taken over from the old UID-keyed hashes without putting anything again.

const core = testKubeConfig().makeApiClient(CoreV1Api);
const RESYNC_MS = 1_000;

describe('DatabricksSecretScope status.secretHashes', () => {
  const bed = useOperatorTestBed('scope-hashes', {
    operator: { kinds: SCOPE_KINDS, config: { resyncPeriodMs: RESYNC_MS } },
  });
  // The test bed runs the controller with the test namespace as its own, and the default Lease name.
  const keySecretName = secretHashKeyName('databricks-operator');

  const createScope = async (name: string, secrets: Record<string, string>) => {
    await putKubeSecret(bed, `${name}-values`, secrets);
    await bed.create(SCOPES, 'DatabricksSecretScope', name, {
      workspaceRef: { name: 'ws' },
      scopeName: `${name}-scope`,
      secrets: [{ fromSecret: { name: `${name}-values` } }],
    });
    return bed.waitForCondition<DatabricksSecretScope>(SCOPES, name);
  };

  /** Waits until the scope has been reconciled at `count` more resyncs (each lists the workspace's scopes). */
  const reconciled = async (count: number) => {
    const lists = bed.fake.requestCount('secrets/scopes/list');
    await pollUntil(`${count} more resyncs`, async () =>
      bed.fake.requestCount('secrets/scopes/list') >= lists + count ? true : undefined,
    );
  };

  it('lets no reader of the object confirm a guessed value from status and metadata', async () => {
    const values = { pin: '4711', password: 'hunter2', token: 'abc' };
    const scope = await createScope('guarded', values);
    const hashes = scope.status?.secretHashes ?? {};
    expect(Object.keys(hashes).sort()).toEqual(['password', 'pin', 'token']);

    // What a reader has: every string of metadata and status. An attacker who knows the value (the
    // right guess) tries each as a salt, the old UID-keyed scheme included; none reproduces a hash.
    const readable = [
      ...Object.values(scope.metadata).filter((field): field is string => typeof field === 'string'),
      JSON.stringify(scope.metadata),
      scope.status?.scopeName ?? '',
      '',
    ];
    for (const [key, value] of Object.entries(values)) {
      const shown = hashes[key];
      expect(shown).toMatch(/^[0-9a-f]{8}:[0-9a-f]{16}$/);
      const [keyId, digest] = shown.split(':');
      const attempts = readable.flatMap((salt) => [
        createHmac('sha256', salt).update(key).update('\0').update(value).digest('hex'),
        createHmac('sha256', salt).update(value).digest('hex'),
        createHash('sha256').update(salt).update(value).digest('hex'),
        createHash('sha256').update(value).update(salt).digest('hex'),
      ]);
      for (const attempt of attempts) {
        expect(attempt.slice(0, 16)).not.toBe(digest);
        expect(attempt.slice(0, 16)).not.toBe(shown);
      }
      expect(shown).not.toBe(legacySecretValueHash(scope.metadata.uid ?? '', key, Buffer.from(value)));
      // Only the key in the controller's own Secret reproduces it: that is what it is keyed by.
      const keySecret = await core.readNamespacedSecret({ namespace: bed.namespace, name: keySecretName });
      const hmacKey = Buffer.from(keySecret.data?.[HASH_KEY_FIELD] ?? '', 'base64');
      expect(keyId).toBe(createHmac('sha256', hmacKey).update('key id').digest('hex').slice(0, 8));
      expect(
        createHmac('sha256', hmacKey).update(key).update('\0').update(value).digest('hex').slice(0, 16),
      ).toBe(digest);
    }
  });

  it('puts nothing again after a restart: the key is read back, not made anew', async () => {
    await createScope('steady', { a: '1', b: '2' });
    const puts = bed.fake.requestCount('secrets/put');
    await bed.stopOperator();
    await bed.startOperator();
    await reconciled(2);
    expect(bed.fake.requestCount('secrets/put')).toBe(puts);
  });

  it('takes over UID-keyed hashes from an older controller without putting unchanged values, and says so', async () => {
    const scope = await createScope('upgraded', { same: 'kept', rotated: 'before' });
    const uid = scope.metadata.uid ?? '';
    // As the previous version left it: hashes keyed by the object's UID.
    await bed.stopOperator();
    await bed.kube.patchCustomObjectStatus(SCOPES, bed.namespace, 'upgraded', {
      status: {
        secretHashes: {
          same: legacySecretValueHash(uid, 'same', Buffer.from('kept')),
          rotated: legacySecretValueHash(uid, 'rotated', Buffer.from('before')),
        },
      },
    });
    await putKubeSecret(bed, 'upgraded-values', { same: 'kept', rotated: 'after' });
    const puts = bed.fake.requestCount('secrets/put');
    await bed.startOperator();

    const upgraded = await pollUntil('the hashes re-keyed', async () => {
      const current = await bed.get<DatabricksSecretScope>(SCOPES, 'upgraded');
      const hashes = Object.values(current?.status?.secretHashes ?? {});
      return hashes.length === 2 && hashes.every((hash) => hash.includes(':')) ? current : undefined;
    });
    expect(upgraded.status?.secretHashes?.same).toBe(scope.status?.secretHashes?.same);
    expect(bed.fake.requestCount('secrets/put')).toBe(puts + 1);
    expect(fakeScope(bed, 'upgraded-scope')?.secrets).toEqual({
      same: sha256('kept'),
      rotated: sha256('after'),
    });
    const events = await namespaceEvents(bed);
    expect(events).toContain('SecretsWritten: wrote to secret scope upgraded-scope: rotated rotated');
    expect(events).toContainEqual(
      expect.stringMatching(
        /^SecretHashesRekeyed: status.secretHashes of same now use the controller's own key/,
      ),
    );
  });

  it("puts every value once more when the controller's key is lost, and says why", async () => {
    await createScope('rekeyed', { a: '1', b: '2' });
    await bed.stopOperator();
    await core.deleteNamespacedSecret({ namespace: bed.namespace, name: keySecretName });
    const puts = bed.fake.requestCount('secrets/put');
    await bed.startOperator();
    await pollUntil('both values put again', async () =>
      bed.fake.requestCount('secrets/put') >= puts + 2 ? true : undefined,
    );
    await reconciled(2);
    expect(bed.fake.requestCount('secrets/put')).toBe(puts + 2);
    expect(await namespaceEvents(bed)).toContain(
      "SecretsWritten: wrote to secret scope rekeyed-scope: rewritten (the controller's hash key changed, so the version in Databricks could not be confirmed) a, b",
    );
  });
});
