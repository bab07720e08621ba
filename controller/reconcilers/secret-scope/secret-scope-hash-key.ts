/**
 * The key behind `status.secretHashes` of DatabricksSecretScopes.
 *
 * A hash in status lets the controller tell whether a value changed since it was put, without reading
 * it back (Databricks never returns secret values). It used to be an HMAC keyed by the object's UID,
 * which every reader of the object sees, so anyone allowed to read DatabricksSecretScopes could confirm
 * guesses of a value offline. Now the HMAC key is a random 256-bit key that only the controller holds:
 * a Kubernetes Secret in the controller's own namespace, created by the first controller that needs it.
 *
 * Why a Secret: both replicas read the same one, so a leader failover agrees on every hash; a restart
 * reads it back, so nothing is written to Databricks again; and it is guarded like the values
 * themselves (the controller gets `get` on that one name and `create` in its namespace). If it is
 * deleted, the next controller creates a new key, cannot confirm any stored hash, and puts every value
 * once more, saying so in each scope's Event.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { isConflict, type KubeClient } from '../../runtime/kube-client.js';
import { legacySecretValueHash } from './secret-scope-values.js';

/** The data key of the key Secret. */
export const HASH_KEY_FIELD = 'hmac-sha256-key';
const KEY_BYTES = 32;

/** The key Secret's name: after the leader-election Lease, so two installs in one namespace keep apart. */
export function secretHashKeyName(leaderElectionId: string): string {
  return `${leaderElectionId}-secret-hash-key`;
}

/** What the key needs of Kubernetes: read the Secret, or create it. */
export interface HashKeyStore {
  readSecret(namespace: string, name: string): Promise<V1Secret | undefined>;
  createSecret(namespace: string, secret: V1Secret): Promise<V1Secret>;
}

/** {@link HashKeyStore} over the controller's Kubernetes client. */
export function hashKeyStore(kube: Pick<KubeClient, 'readSecret' | 'core' | 'fieldManager'>): HashKeyStore {
  return {
    readSecret: (namespace, name) => kube.readSecret(namespace, name),
    createSecret: (namespace, body) =>
      kube.core.createNamespacedSecret({ namespace, body, fieldManager: kube.fieldManager }),
  };
}

/** How a hash in status relates to a value. */
export type StoredHashVerdict =
  /** Status holds this value's hash under the current key: Databricks has this value. */
  | 'same'
  /** Status holds an old-style (UID-keyed) hash of this value: Databricks has it; only the hash is re-keyed. */
  | 'same-legacy'
  /** Status holds the hash of another value: it was rotated. */
  | 'changed'
  /** Status holds a hash under a key this controller no longer has: it cannot tell. */
  | 'unknown'
  /** Status holds nothing for this key. */
  | 'absent';

/** Hashes secret values with the controller's key; `<key id>:<16 hex digits>`. */
export class SecretValueHasher {
  constructor(
    /** Names the key (an HMAC of a constant under it), so a hash made under another key is recognised. */
    readonly keyId: string,
    private readonly key: Buffer,
  ) {}

  /** The hash status shows for `value` under `key`: 64 bits are ample to tell one version from the next. */
  hash(key: string, value: Buffer): string {
    const digest = createHmac('sha256', this.key).update(key).update('\0').update(value).digest('hex');
    return `${this.keyId}:${digest.slice(0, 16)}`;
  }

  /** What `stored` (from status) says about `value`; `uid` checks hashes written before this key existed. */
  compare(stored: string | undefined, uid: string, key: string, value: Buffer): StoredHashVerdict {
    if (stored === undefined) return 'absent';
    if (/^[0-9a-f]{16}$/.test(stored)) {
      return stored === legacySecretValueHash(uid, key, value) ? 'same-legacy' : 'changed';
    }
    if (!stored.startsWith(`${this.keyId}:`)) return 'unknown';
    return stored === this.hash(key, value) ? 'same' : 'changed';
  }
}

/**
 * The controller's hash key, read from (or first written to) its Secret once per process. Concurrent
 * callers share one read; a failed read is tried again by the next caller.
 */
export class SecretHashKey {
  #loading?: Promise<SecretValueHasher>;

  constructor(
    private readonly store: HashKeyStore,
    /** The controller's namespace. */
    readonly namespace: string,
    readonly name: string,
  ) {}

  /** The hasher, reading or creating the key Secret on first use. */
  get(): Promise<SecretValueHasher> {
    this.#loading ??= this.load().catch((error: unknown) => {
      this.#loading = undefined;
      throw error;
    });
    return this.#loading;
  }

  private async load(): Promise<SecretValueHasher> {
    const existing = await this.store.readSecret(this.namespace, this.name);
    if (existing) return this.hasherOf(existing);
    try {
      return this.hasherOf(await this.store.createSecret(this.namespace, this.newKeySecret()));
    } catch (error) {
      // The other replica (or a controller a moment ago) created it first: use theirs.
      if (!isConflict(error)) throw error;
      const created = await this.store.readSecret(this.namespace, this.name);
      if (!created) throw error;
      return this.hasherOf(created);
    }
  }

  private newKeySecret(): V1Secret {
    return {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'databricks-operator' },
        annotations: {
          'databricks.operator.dev/purpose':
            'HMAC key of DatabricksSecretScope status.secretHashes; deleting it makes the controller put every secret value again',
        },
      },
      type: 'Opaque',
      data: { [HASH_KEY_FIELD]: randomBytes(KEY_BYTES).toString('base64') },
    };
  }

  private hasherOf(secret: V1Secret): SecretValueHasher {
    const encoded = secret.data?.[HASH_KEY_FIELD];
    const key = encoded === undefined ? Buffer.alloc(0) : Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new Error(
        `Secret ${this.namespace}/${this.name} holds no ${KEY_BYTES}-byte key "${HASH_KEY_FIELD}"; delete it and the controller creates a new one (every secret value is then put into Databricks once more)`,
      );
    }
    const keyId = createHmac('sha256', key).update('key id').digest('hex').slice(0, 8);
    return new SecretValueHasher(keyId, key);
  }
}
