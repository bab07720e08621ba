/**
 * The `*_ref` fields of payloads (job settings, runs/submit payloads, cluster specs): each is replaced by
 * the ID or path Databricks wants, read from the referenced object's status. While a target is missing
 * or not Ready the reconcile stops with `WaitingForDependency`, and the reference watches below make the
 * target's readiness wake the referring object again.
 *
 * Where references sit is the {@link ReferenceSite} list a kind gives (`settingsSites` for job settings,
 * `clusterSpecSites` for a cluster's settings, see `drift/task-references.ts`); what each kind of
 * reference resolves from is the three tables below (a new referenced kind adds one entry to each).
 */
import {
  ALL_REFERENCE_KINDS,
  replaceReferencesAt,
  referencesAt,
  taskSites,
  type ReferenceSite,
  type ReferencedKind,
} from '../../drift/task-references.js';
import { isConditionTrue } from '../../runtime/conditions.js';
import type { KubeObject } from '../../runtime/kube-client.js';
import type { IndexFunction, ObjectStore } from '../../runtime/object-store.js';
import { watchOf, type KindWatch } from './managed-kind.js';
import { resolveReference, type ManagedStatus, type Referrer } from './managed.js';
import type { KindInformers } from './kind-informers.js';

type Json = Record<string, unknown>;
type Store = Pick<ObjectStore<KubeObject & { status?: ManagedStatus & Json }>, 'get'>;

/** The caches references are resolved from. */
export interface ReferenceStores {
  readonly clusters: Store;
  readonly jobs: Store;
  readonly notebooks: Store;
  readonly policies: Store;
  readonly pools: Store;
  readonly pipelines: Store;
  readonly warehouses: Store;
  readonly repos: Store;
}

/** The cache each referenced kind is resolved from. */
const STORE_OF: Record<ReferencedKind, keyof ReferenceStores> = {
  DatabricksCluster: 'clusters',
  DatabricksJob: 'jobs',
  DatabricksNotebook: 'notebooks',
  DatabricksClusterPolicy: 'policies',
  DatabricksInstancePool: 'pools',
  DatabricksPipeline: 'pipelines',
  DatabricksSqlWarehouse: 'warehouses',
  DatabricksRepo: 'repos',
};

/** The reference stores of a kind's context, from the operator's informers. */
export function referenceStores(informers: KindInformers): ReferenceStores {
  return {
    clusters: informers.DatabricksCluster.store,
    jobs: informers.DatabricksJob.store,
    notebooks: informers.DatabricksNotebook.store,
    policies: informers.DatabricksClusterPolicy.store,
    pools: informers.DatabricksInstancePool.store,
    pipelines: informers.DatabricksPipeline.store,
    warehouses: informers.DatabricksSqlWarehouse.store,
    repos: informers.DatabricksRepo.store,
  };
}

/**
 * A copy of `value` with every `_ref` at the sites `sitesOf` finds in it replaced by the ID or path from
 * its target's status. Throws `WaitingForDependency` (naming the field) while a target is missing or not
 * Ready, and `InvalidReference` for a target in another workspace than `referrer`'s.
 */
export function resolveReferences<T>(
  value: T,
  sitesOf: (copy: T) => Iterable<ReferenceSite>,
  namespace: string,
  stores: ReferenceStores,
  referrer: Referrer,
): T {
  const copy = structuredClone(value);
  replaceReferencesAt(sitesOf(copy), ({ reference, name, field }) =>
    resolveReference(
      stores[STORE_OF[reference.kind]],
      namespace,
      { name },
      { kind: reference.kind, field, valueOf: (object) => object.status?.[reference.statusField] },
      referrer,
    ),
  );
  return copy;
}

/** {@link resolveReferences} over a task list at `path`. */
export function resolveTaskReferences<T>(
  tasks: readonly T[] | undefined,
  namespace: string,
  stores: ReferenceStores,
  path: string,
  referrer: Referrer,
): T[] | undefined {
  if (!tasks) return undefined;
  return resolveReferences([...tasks], (copy) => taskSites(copy, path), namespace, stores, referrer);
}

/** Whether a referenced object changed in a way its referrers care about: readiness or its status value. */
export function referenceTargetChanged<T extends KubeObject & { status?: ManagedStatus & Json }>(
  previous: T,
  current: T,
): boolean {
  if (
    isConditionTrue(previous.status?.conditions, 'Ready') !==
    isConditionTrue(current.status?.conditions, 'Ready')
  ) {
    return true;
  }
  return ALL_REFERENCE_KINDS.some(
    (reference) => previous.status?.[reference.statusField] !== current.status?.[reference.statusField],
  );
}

/** How a referrer watches each kind a reference can name: its informer, and the changes that matter. */
const WATCH_OF: {
  readonly [K in ReferencedKind]: <T extends KubeObject>(
    name: string,
    indexFunction: IndexFunction<T>,
  ) => KindWatch<T>;
} = {
  DatabricksCluster: (name, indexFunction) =>
    watchOf(({ DatabricksCluster }) => DatabricksCluster, name, indexFunction, referenceTargetChanged),
  DatabricksJob: (name, indexFunction) =>
    watchOf(({ DatabricksJob }) => DatabricksJob, name, indexFunction, referenceTargetChanged),
  DatabricksNotebook: (name, indexFunction) =>
    watchOf(({ DatabricksNotebook }) => DatabricksNotebook, name, indexFunction, referenceTargetChanged),
  DatabricksClusterPolicy: (name, indexFunction) =>
    watchOf(
      ({ DatabricksClusterPolicy }) => DatabricksClusterPolicy,
      name,
      indexFunction,
      referenceTargetChanged,
    ),
  DatabricksInstancePool: (name, indexFunction) =>
    watchOf(
      ({ DatabricksInstancePool }) => DatabricksInstancePool,
      name,
      indexFunction,
      referenceTargetChanged,
    ),
  DatabricksPipeline: (name, indexFunction) =>
    watchOf(({ DatabricksPipeline }) => DatabricksPipeline, name, indexFunction, referenceTargetChanged),
  DatabricksSqlWarehouse: (name, indexFunction) =>
    watchOf(
      ({ DatabricksSqlWarehouse }) => DatabricksSqlWarehouse,
      name,
      indexFunction,
      referenceTargetChanged,
    ),
  DatabricksRepo: (name, indexFunction) =>
    watchOf(({ DatabricksRepo }) => DatabricksRepo, name, indexFunction, referenceTargetChanged),
};

/**
 * What an object holding references watches: the objects its sites (`sitesOf`) refer to. Each index of
 * the tables (one per referenced kind) lists the keys (`namespace/name`) of the objects referred to, and
 * a change of readiness or of the status value that replaces the reference wakes the referrer.
 */
export function referenceWatches<T extends KubeObject>(
  sitesOf: (object: T) => Iterable<ReferenceSite>,
): KindWatch<T>[] {
  const byIndex = new Map<string, ReferencedKind>();
  for (const reference of ALL_REFERENCE_KINDS) byIndex.set(reference.index, reference.kind);
  return [...byIndex].map(([index, kind]) =>
    WATCH_OF[kind](index, (object: T) => {
      const keys = new Set<string>();
      for (const found of referencesAt(sitesOf(object))) {
        if (found.reference.index === index) keys.add(`${object.metadata.namespace ?? ''}/${found.name}`);
      }
      return [...keys];
    }),
  );
}
