/**
 * The values a DatabricksSecretScope wants in its scope, read from `spec.secrets` (inline values, one key
 * of a Kubernetes Secret, or every key of one) at every reconcile, with a get per Secret named: the
 * controller watches Secrets as metadata only (a change wakes the scope), and their values are read
 * here and nowhere else. An entry that cannot be read is a problem for `Ready`, not a
 * reason to drop what is already in Databricks.
 */
import { createHmac } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import type { PutSecretRequest } from '../../databricks/index.js';
import type { DatabricksSecretScopeSpec } from '../../../lib/crds/index.js';
import type { KubeClient } from '../../runtime/kube-client.js';

/** Databricks' limits on a secret (BEHAVIOUR.md §1.4). */
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_BYTES = 128 * 1024;

/** Why an entry of `spec.secrets` could not be turned into a value; the reason goes to `Ready`. */
export interface SecretProblem {
  readonly reason: 'SecretNotFound' | 'SecretKeyMissing' | 'InvalidSettings';
  readonly message: string;
}

/** The scope's desired secrets: a value per key for every entry that could be read, and the others' problems. */
export interface DesiredSecrets {
  readonly values: ReadonlyMap<string, Buffer>;
  readonly problems: readonly SecretProblem[];
}

/** The names of the Kubernetes Secrets `spec.secrets` reads (`valueFrom.secretKeyRef` and `fromSecret`). */
export function valueSecretsOf(scope: {
  readonly spec: Pick<DatabricksSecretScopeSpec, 'secrets'>;
}): string[] {
  return (scope.spec.secrets ?? []).flatMap((entry) => {
    const name = entry.valueFrom?.secretKeyRef.name ?? entry.fromSecret?.name;
    return name === undefined ? [] : [name];
  });
}

/** Reads every entry of `spec.secrets`; each Secret is read once, however many entries name it. */
export async function readDesiredSecrets(
  spec: DatabricksSecretScopeSpec,
  namespace: string,
  kube: Pick<KubeClient, 'readSecret'>,
): Promise<DesiredSecrets> {
  const reads = new Map<string, Promise<V1Secret | undefined>>();
  const read = (name: string): Promise<V1Secret | undefined> => {
    let secret = reads.get(name);
    if (!secret) reads.set(name, (secret = kube.readSecret(namespace, name)));
    return secret;
  };
  const values = new Map<string, Buffer>();
  const setBy = new Map<string, string>();
  const problems: SecretProblem[] = [];
  const invalid = (message: string): void => void problems.push({ reason: 'InvalidSettings', message });
  const add = (key: string, value: Buffer, field: string): void => {
    const earlier = setBy.get(key);
    if (earlier !== undefined) {
      values.delete(key);
      return invalid(`${field}: key ${key} is also set by ${earlier}; each key holds one value, so keep one`);
    }
    setBy.set(key, field);
    if (key.length > MAX_KEY_LENGTH) {
      return invalid(`${field}: key ${key} is longer than ${MAX_KEY_LENGTH} characters; shorten it`);
    }
    if (value.length > MAX_VALUE_BYTES) {
      return invalid(
        `${field}: the value of ${key} is ${value.length} bytes, and Databricks takes at most ${MAX_VALUE_BYTES}`,
      );
    }
    values.set(key, value);
  };
  const secretNotFound = (field: string, name: string): void =>
    void problems.push({
      reason: 'SecretNotFound',
      message: `${field}: Secret ${name} does not exist in namespace ${namespace}; create it`,
    });

  for (const [index, entry] of (spec.secrets ?? []).entries()) {
    const field = `spec.secrets[${index}]`;
    if (entry.key !== undefined && entry.value !== undefined) {
      add(entry.key, Buffer.from(entry.value, 'utf8'), `${field}.value`);
    } else if (entry.key !== undefined && entry.valueFrom) {
      const reference = entry.valueFrom.secretKeyRef;
      const refField = `${field}.valueFrom.secretKeyRef`;
      const secret = await read(reference.name);
      const data = secret?.data?.[reference.key];
      if (!secret) secretNotFound(refField, reference.name);
      else if (data === undefined) {
        problems.push({
          reason: 'SecretKeyMissing',
          message: `${refField}: Secret ${reference.name} in namespace ${namespace} has no key ${reference.key}; add it, or name a key it has`,
        });
      } else add(entry.key, Buffer.from(data, 'base64'), refField);
    } else if (entry.fromSecret) {
      const { name, prefix = '' } = entry.fromSecret;
      const secret = await read(name);
      if (!secret) secretNotFound(`${field}.fromSecret`, name);
      for (const [key, data] of Object.entries(secret?.data ?? {})) {
        add(
          `${prefix}${key}`,
          Buffer.from(data, 'base64'),
          `${field}.fromSecret (Secret ${name} key ${key})`,
        );
      }
    }
  }
  return { values, problems };
}

/**
 * The hash status showed before the controller had a key of its own: HMAC-SHA256 keyed by the object's
 * UID over the key and the value, cut to 16 hex digits. Anyone who can read the object can compute it,
 * so it confirms guesses; it is kept only to recognise such hashes once, on upgrade, without putting the
 * values again (see secret-scope-hash-key.ts).
 */
export function legacySecretValueHash(uid: string, key: string, value: Buffer): string {
  return createHmac('sha256', uid).update(key).update('\0').update(value).digest('hex').slice(0, 16);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** `secrets/put` for a value: `string_value` when it is UTF-8 text, `bytes_value` (base64) otherwise. */
export function putSecretRequest(scope: string, key: string, value: Buffer): PutSecretRequest {
  try {
    return { scope, key, string_value: strictUtf8.decode(value) };
  } catch {
    return { scope, key, bytes_value: value.toString('base64') };
  }
}
