/**
 * The objects `plan` is asked about: this library's custom resources out of synthesized manifests, with
 * the ConfigMaps and Secrets beside them (a notebook's or file's content, a scope's values may come from
 * one). Other Kubernetes objects are counted and left alone; an object of this API group that is not
 * one of its kinds, or lacks what its kind needs, is refused with the file and the object named.
 */
import {
  API_GROUP,
  API_GROUP_VERSION,
  KIND_TABLE,
  type DatabricksClusterPolicySpec,
  type DatabricksClusterSpec,
  type DatabricksDbfsFileSpec,
  type DatabricksGitCredentialSpec,
  type DatabricksInstancePoolSpec,
  type DatabricksJobSpec,
  type DatabricksNotebookSpec,
  type DatabricksPipelineSpec,
  type DatabricksRepoSpec,
  type DatabricksRunSpec,
  type DatabricksSecretScopeSpec,
  type DatabricksSqlWarehouseSpec,
  type DatabricksWorkspaceSpec,
} from '../../lib/crds/index.js';
import { CommandError } from '../command-line.js';
import type { ManifestDocument } from '../manifest-files.js';

type Json = Record<string, unknown>;

/** What a kind's `spec` holds, by kind. */
export interface SpecOf {
  DatabricksJob: DatabricksJobSpec;
  DatabricksCluster: DatabricksClusterSpec;
  DatabricksSecretScope: DatabricksSecretScopeSpec;
  DatabricksNotebook: DatabricksNotebookSpec;
  DatabricksDbfsFile: DatabricksDbfsFileSpec;
  DatabricksRun: DatabricksRunSpec;
  DatabricksWorkspace: DatabricksWorkspaceSpec;
  DatabricksClusterPolicy: DatabricksClusterPolicySpec;
  DatabricksInstancePool: DatabricksInstancePoolSpec;
  DatabricksGitCredential: DatabricksGitCredentialSpec;
  DatabricksRepo: DatabricksRepoSpec;
  DatabricksPipeline: DatabricksPipelineSpec;
  DatabricksSqlWarehouse: DatabricksSqlWarehouseSpec;
}

/** The kinds plan reads: every kind of the API. */
export type PlannedKind = keyof SpecOf;

/** One custom resource of this library, as the manifests give it. */
export interface PlannedObject<K extends PlannedKind = PlannedKind> {
  readonly kind: K;
  readonly namespace: string;
  readonly name: string;
  readonly spec: SpecOf[K];
  /** Where it was read, for messages. */
  readonly where: string;
}

/** A ConfigMap or Secret of the manifests: the keys and values it gives, decoded to bytes. */
export interface KeyValues {
  readonly data: ReadonlyMap<string, Buffer>;
}

/** What the manifests hold, sorted out. */
export interface PlannedObjects {
  readonly objects: readonly PlannedObject[];
  /** `namespace/name` → the ConfigMap's data and binaryData. */
  readonly configMaps: ReadonlyMap<string, KeyValues>;
  /** `namespace/name` → the Secret's data and stringData. */
  readonly secrets: ReadonlyMap<string, KeyValues>;
  /** How many objects of other kinds (Namespaces, Deployments, ...) were left alone. */
  readonly others: number;
}

/** Narrows `object` to kind `kind`. */
export function isKind<K extends PlannedKind>(object: PlannedObject, kind: K): object is PlannedObject<K> {
  return object.kind === kind;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keyValues(entries: readonly [unknown, 'utf8' | 'base64'][]): KeyValues {
  const data = new Map<string, Buffer>();
  for (const [values, encoding] of entries) {
    if (!isObject(values)) continue;
    for (const [key, value] of Object.entries(values)) data.set(key, Buffer.from(String(value), encoding));
  }
  return { data };
}

/** What each kind needs in its spec for plan to read it (the CRD's admission refuses the rest). */
const REQUIRED: Record<PlannedKind, readonly string[]> = {
  DatabricksJob: ['workspaceRef', 'settings'],
  DatabricksCluster: ['workspaceRef', 'settings'],
  DatabricksSecretScope: ['workspaceRef'],
  DatabricksNotebook: ['workspaceRef', 'path'],
  DatabricksDbfsFile: ['workspaceRef', 'path'],
  DatabricksRun: ['workspaceRef'],
  DatabricksWorkspace: ['host'],
  DatabricksClusterPolicy: ['workspaceRef'],
  DatabricksInstancePool: ['workspaceRef', 'settings'],
  DatabricksGitCredential: ['workspaceRef', 'git_provider'],
  DatabricksRepo: ['workspaceRef', 'url', 'path'],
  DatabricksPipeline: ['workspaceRef', 'settings'],
  DatabricksSqlWarehouse: ['workspaceRef', 'settings'],
};

/**
 * Sorts `documents` into this library's objects, ConfigMaps and Secrets; `namespace` is where an object
 * without `metadata.namespace` goes (kubectl's current namespace, `default` unless told).
 */
export function plannedObjects(documents: readonly ManifestDocument[], namespace: string): PlannedObjects {
  const objects: PlannedObject[] = [];
  const configMaps = new Map<string, KeyValues>();
  const secrets = new Map<string, KeyValues>();
  const seen = new Map<string, string>();
  let others = 0;
  for (const { value, where } of documents) {
    const { apiVersion, kind, metadata } = value;
    const name = isObject(metadata) && typeof metadata.name === 'string' ? metadata.name : undefined;
    const objectNamespace =
      isObject(metadata) && typeof metadata.namespace === 'string' ? metadata.namespace : namespace;
    const key = `${objectNamespace}/${name ?? ''}`;
    if (apiVersion === 'v1' && (kind === 'ConfigMap' || kind === 'Secret') && name !== undefined) {
      if (kind === 'ConfigMap') {
        configMaps.set(
          key,
          keyValues([
            [value.data, 'utf8'],
            [value.binaryData, 'base64'],
          ]),
        );
      } else {
        secrets.set(
          key,
          keyValues([
            [value.data, 'base64'],
            [value.stringData, 'utf8'],
          ]),
        );
      }
      continue;
    }
    if (typeof apiVersion !== 'string' || !apiVersion.startsWith(`${API_GROUP}/`)) {
      others++;
      continue;
    }
    const shown = `${String(kind ?? 'object without kind')}${name ? ` ${key}` : ''}`;
    if (apiVersion !== API_GROUP_VERSION) {
      throw new CommandError(
        `${where}: ${shown} is ${apiVersion}; this version of cdk8s-databricks plans ${API_GROUP_VERSION}: synthesize the app again with it`,
      );
    }
    if (typeof kind !== 'string' || !(kind in KIND_TABLE) || !(kind in REQUIRED)) {
      throw new CommandError(
        `${where}: ${shown} is not a kind of ${API_GROUP_VERSION} (known: ${Object.keys(KIND_TABLE).join(', ')}); fix its kind or leave it out`,
      );
    }
    if (name === undefined) throw new CommandError(`${where}: ${kind} has no metadata.name; give it one`);
    const spec = value.spec;
    if (!isObject(spec)) throw new CommandError(`${where}: ${kind} ${key} has no spec; give it one`);
    const missing = REQUIRED[kind as PlannedKind].find((field) => spec[field] === undefined);
    if (missing !== undefined) {
      throw new CommandError(`${where}: ${kind} ${key}: spec.${missing} is required; set it`);
    }
    const earlier = seen.get(`${kind} ${key}`);
    if (earlier !== undefined) {
      throw new CommandError(
        `${where}: ${kind} ${key} is also in ${earlier}; one object of a name per namespace: rename or remove one`,
      );
    }
    seen.set(`${kind} ${key}`, where);
    // Its apiVersion and kind are checked above, and its spec is JSON the CRD's schema admits.
    objects.push({ kind, namespace: objectNamespace, name, spec, where } as PlannedObject);
  }
  return { objects, configMaps, secrets, others };
}
