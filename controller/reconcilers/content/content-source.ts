/**
 * Where the bytes of a DBFS file or a notebook come from: base64 inline in the spec, a ConfigMap key
 * (`data` as UTF-8 text, or `binaryData`), or a Secret key. Sources are read with a GET at every
 * reconcile and never cached; their metadata is watched (`contentWatches` in managed/source-watches.ts),
 * so an edited ConfigMap or Secret wakes the object and reaches Databricks within seconds, and a
 * Secret's value never sits in a cache of the controller.
 */
import { createHash } from 'node:crypto';
import { WAITING_FOR_DEPENDENCY } from '../../../lib/crds/index.js';
import type { KubeClient } from '../../runtime/kube-client.js';
import { NotReadyError, waitingFor } from '../managed/managed.js';

/** A key of a ConfigMap or Secret in the object's namespace. */
export interface KeySelector {
  readonly name: string;
  readonly key: string;
}

/** The content fields of a spec; exactly one is set (the CRD's CEL rules see to that). */
export interface ContentSource {
  /** Base64, as the spec holds it. */
  readonly inline?: string;
  readonly configMapKeyRef?: KeySelector;
  readonly secretKeyRef?: KeySelector;
}

/** Spec field names for messages, e.g. `spec.contents` and `spec.contentsFrom`. */
export interface ContentFields {
  readonly inline: string;
  readonly from: string;
}

/** Content read from its source. */
export interface Content {
  readonly bytes: Buffer;
  /** SHA-256 of `bytes`, hex: what status shows, and how a change is seen without asking Databricks. */
  readonly hash: string;
  /** Where it came from, for messages: `spec.contents`, `ConfigMap etl/script.py`. */
  readonly origin: string;
}

/** `120 bytes from ConfigMap etl/script.py, sha256 3f2a9c01d4e7`: the content, as Events and conditions name it. */
export function describeContent(content: Content): string {
  return `${content.bytes.length} bytes from ${content.origin}, sha256 ${content.hash.slice(0, 12)}`;
}

/** SHA-256 of `bytes`, hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads the content `source` names in `namespace`. A missing ConfigMap, Secret or key is
 * `WaitingForDependency` naming the field and the object (it may simply not be applied yet); a missing
 * key also raises a Warning Event, since it is more often a typo.
 */
export async function readContent(
  kube: Pick<KubeClient, 'readConfigMap' | 'readSecret'>,
  namespace: string,
  source: ContentSource,
  fields: ContentFields,
): Promise<Content> {
  const of = (bytes: Buffer, origin: string): Content => ({ bytes, hash: sha256Hex(bytes), origin });
  if (source.inline !== undefined) return of(Buffer.from(source.inline, 'base64'), fields.inline);

  const fromConfigMap = source.configMapKeyRef;
  if (fromConfigMap) {
    const field = `${fields.from}.configMapKeyRef`;
    const configMap = await kube.readConfigMap(namespace, fromConfigMap.name);
    if (!configMap) {
      throw waitingFor(`${field}: ConfigMap ${fromConfigMap.name} does not exist in namespace ${namespace}`);
    }
    const text = configMap.data?.[fromConfigMap.key];
    const binary = configMap.binaryData?.[fromConfigMap.key];
    if (text === undefined && binary === undefined) {
      const keys = [...Object.keys(configMap.data ?? {}), ...Object.keys(configMap.binaryData ?? {})];
      throw missingKey(field, `ConfigMap ${fromConfigMap.name}`, fromConfigMap.key, keys);
    }
    const bytes = text === undefined ? Buffer.from(binary ?? '', 'base64') : Buffer.from(text, 'utf8');
    return of(bytes, `ConfigMap ${fromConfigMap.name} key ${fromConfigMap.key}`);
  }

  const fromSecret = source.secretKeyRef;
  if (fromSecret) {
    const field = `${fields.from}.secretKeyRef`;
    const secret = await kube.readSecret(namespace, fromSecret.name);
    if (!secret) {
      throw waitingFor(`${field}: Secret ${fromSecret.name} does not exist in namespace ${namespace}`);
    }
    const value = secret.data?.[fromSecret.key];
    if (value === undefined) {
      throw missingKey(field, `Secret ${fromSecret.name}`, fromSecret.key, Object.keys(secret.data ?? {}));
    }
    return of(Buffer.from(value, 'base64'), `Secret ${fromSecret.name} key ${fromSecret.key}`);
  }

  throw new NotReadyError(
    'InvalidSpec',
    `set one of ${fields.inline} or ${fields.from} (with configMapKeyRef or secretKeyRef)`,
  );
}

function missingKey(field: string, holder: string, key: string, keys: readonly string[]): NotReadyError {
  const present = keys.length > 0 ? `it has ${[...keys].sort().join(', ')}` : 'it has no keys';
  return new NotReadyError(WAITING_FOR_DEPENDENCY, `${field}: ${holder} has no key ${key} (${present})`, {
    warn: true,
  });
}
