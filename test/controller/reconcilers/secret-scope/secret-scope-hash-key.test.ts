import { createHash, createHmac } from 'node:crypto';
import { ApiException, type V1Secret } from '@kubernetes/client-node';
import {
  HASH_KEY_FIELD,
  SecretHashKey,
  secretHashKeyName,
  SecretValueHasher,
  type HashKeyStore,
} from '../../../../controller/reconcilers/secret-scope/secret-scope-hash-key.js';
import { legacySecretValueHash } from '../../../../controller/reconcilers/secret-scope/secret-scope-values.js';

/** A Secret store in memory that counts its calls; `race` makes the first create lose to another writer. */
function memoryStore(options: { race?: boolean } = {}) {
  const secrets = new Map<string, V1Secret>();
  const calls = { reads: 0, creates: 0 };
  const store: HashKeyStore = {
    readSecret: async (namespace, name) => {
      calls.reads++;
      return structuredClone(secrets.get(`${namespace}/${name}`));
    },
    createSecret: async (namespace, secret) => {
      calls.creates++;
      const key = `${namespace}/${secret.metadata?.name}`;
      if (options.race && calls.creates === 1) {
        secrets.set(key, { data: { [HASH_KEY_FIELD]: Buffer.alloc(32, 7).toString('base64') } });
      }
      if (secrets.has(key)) throw new ApiException(409, 'AlreadyExists', { reason: 'AlreadyExists' }, {});
      secrets.set(key, structuredClone(secret));
      return secret;
    },
  };
  return { store, secrets, calls };
}

const value = Buffer.from('hunter2');

describe('the controller key behind status.secretHashes', () => {
  it('is created once in the controller namespace, 32 random bytes, and read back by a restarted controller or another replica', async () => {
    const { store, secrets, calls } = memoryStore();
    const name = secretHashKeyName('databricks-operator');
    expect(name).toBe('databricks-operator-secret-hash-key');
    const first = new SecretHashKey(store, 'operator-system', name);
    const [a, b] = await Promise.all([first.get(), first.get()]);
    expect(a).toBe(b);
    expect(calls.creates).toBe(1);
    const stored = secrets.get(`operator-system/${name}`);
    expect(Buffer.from(stored?.data?.[HASH_KEY_FIELD] ?? '', 'base64')).toHaveLength(32);

    const restarted = await new SecretHashKey(store, 'operator-system', name).get();
    expect(calls.creates).toBe(1);
    expect(restarted.hash('password', value)).toBe(a.hash('password', value));
  });

  it('uses the key another replica created a moment before it', async () => {
    const { store, calls } = memoryStore({ race: true });
    const hasher = await new SecretHashKey(store, 'ns', 'k').get();
    expect(calls.creates).toBe(1);
    const theirs = new SecretValueHasher('x', Buffer.alloc(32, 7));
    expect(hasher.hash('password', value).split(':')[1]).toBe(theirs.hash('password', value).split(':')[1]);
  });

  it('refuses a key Secret without a 32-byte key, saying how to recover, and tries again on the next call', async () => {
    const { store, secrets } = memoryStore();
    secrets.set('ns/k', { data: { other: 'eA==' } });
    const key = new SecretHashKey(store, 'ns', 'k');
    await expect(key.get()).rejects.toThrow(
      'Secret ns/k holds no 32-byte key "hmac-sha256-key"; delete it and the controller creates a new one',
    );
    secrets.delete('ns/k');
    await expect(key.get()).resolves.toBeInstanceOf(SecretValueHasher);
  });
});

describe('SecretValueHasher', () => {
  const hasher = new SecretValueHasher('0a1b2c3d', Buffer.alloc(32, 1));

  it('is <key id>:<16 hex digits>, changing with the value and the key name', () => {
    const hash = hasher.hash('password', value);
    expect(hash).toMatch(/^0a1b2c3d:[0-9a-f]{16}$/);
    expect(hasher.hash('password', value)).toBe(hash);
    expect(hasher.hash('password', Buffer.from('hunter3'))).not.toBe(hash);
    expect(hasher.hash('token', value)).not.toBe(hash);
  });

  it('tells a value that is the same, changed, absent, or hashed under a key it no longer has', () => {
    const stored = hasher.hash('password', value);
    expect(hasher.compare(stored, 'uid-1', 'password', value)).toBe('same');
    expect(hasher.compare(stored, 'uid-1', 'password', Buffer.from('new'))).toBe('changed');
    expect(hasher.compare(undefined, 'uid-1', 'password', value)).toBe('absent');
    const otherKey = new SecretValueHasher('ffffffff', Buffer.alloc(32, 2)).hash('password', value);
    expect(hasher.compare(otherKey, 'uid-1', 'password', value)).toBe('unknown');
  });

  it('recognises a hash written before the controller had a key, so an upgrade puts no unchanged value', () => {
    const legacy = legacySecretValueHash('uid-1', 'password', value);
    expect(legacy).toMatch(/^[0-9a-f]{16}$/);
    expect(hasher.compare(legacy, 'uid-1', 'password', value)).toBe('same-legacy');
    expect(hasher.compare(legacy, 'uid-1', 'password', Buffer.from('rotated'))).toBe('changed');
  });

  it('cannot be reproduced from anything a reader of the object has: not the UID, name or value alone', () => {
    const uid = '6f1c2d3e-aaaa-bbbb-cccc-0123456789ab';
    const stored = hasher.hash('password', value).split(':')[1];
    const guesses = [uid, 'password', 'ns', 'ns/scope', '', '0a1b2c3d'].flatMap((salt) => [
      createHmac('sha256', salt).update('password').update('\0').update(value).digest('hex'),
      createHmac('sha256', salt).update(value).digest('hex'),
      createHash('sha256').update(salt).update(value).digest('hex'),
    ]);
    for (const guess of guesses) expect(guess.slice(0, 16)).not.toBe(stored);
    // The same value under another controller's key hashes differently: the key, not the object, decides.
    expect(new SecretValueHasher('0a1b2c3d', Buffer.alloc(32, 9)).hash('password', value)).not.toBe(
      hasher.hash('password', value),
    );
  });
});
