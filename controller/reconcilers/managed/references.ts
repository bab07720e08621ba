/**
 * The `*_ref` fields of task lists (job settings and runs/submit payloads): each is replaced by the ID
 * or path Databricks wants, read from the referenced object's status. While a target is missing or not
 * Ready the reconcile stops with `WaitingForDependency`, and the reference watches below make the
 * target's readiness wake the referring object again.
 */
import {
  TASK_REFERENCE_KINDS,
  replaceTaskReferences,
  taskReferences,
  type ReferencedKind,
} from '../../drift/task-references.js';
import { isConditionTrue } from '../../runtime/conditions.js';
import type { KubeObject } from '../../runtime/kube-client.js';
import type { IndexFunction, ObjectStore } from '../../runtime/object-store.js';
import { watchOf, type KindWatch } from './managed-kind.js';
import { resolveReference, type ManagedStatus, type Referrer } from './managed.js';

type Json = Record<string, unknown>;
type Store = Pick<ObjectStore<KubeObject & { status?: ManagedStatus & Json }>, 'get'>;

/** The caches references are resolved from. */
export interface ReferenceStores {
  readonly clusters: Store;
  readonly jobs: Store;
  readonly notebooks: Store;
}

/** The cache each referenced kind is resolved from. */
const STORE_OF: Record<ReferencedKind, keyof ReferenceStores> = {
  DatabricksCluster: 'clusters',
  DatabricksJob: 'jobs',
  DatabricksNotebook: 'notebooks',
};

/**
 * A copy of `tasks` with every `_ref` replaced by the ID or path from its target's status. Throws
 * `WaitingForDependency` (naming the field) while a target is missing or not Ready, and
 * `InvalidReference` for a target in another workspace than `referrer`'s.
 */
export function resolveTaskReferences<T>(
  tasks: readonly T[] | undefined,
  namespace: string,
  stores: ReferenceStores,
  path: string,
  referrer: Referrer,
): T[] | undefined {
  if (!tasks) return undefined;
  return replaceTaskReferences(tasks, path, ({ reference, name, field }) =>
    resolveReference(
      stores[STORE_OF[reference.kind]],
      namespace,
      { name },
      { kind: reference.kind, field, valueOf: (object) => object.status?.[reference.statusField] },
      referrer,
    ),
  );
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
  return TASK_REFERENCE_KINDS.some(
    (reference) => previous.status?.[reference.statusField] !== current.status?.[reference.statusField],
  );
}

/** How a referrer watches each kind a task can reference: its informer, and the changes that matter. */
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
};

/**
 * What an object holding task lists watches: the clusters, jobs and notebooks its tasks refer to. Each
 * kind has an index of the keys (`namespace/name`) of the objects referred to, and a change of readiness
 * or of the status value that replaces the reference wakes the referrer.
 */
export function referenceWatches<T extends KubeObject>(
  tasksOfObject: (object: T) => unknown,
): KindWatch<T>[] {
  return TASK_REFERENCE_KINDS.map((reference) =>
    WATCH_OF[reference.kind](reference.index, (object: T) => {
      const keys = new Set<string>();
      for (const found of taskReferences(tasksOfObject(object), '')) {
        if (found.reference === reference) keys.add(`${object.metadata.namespace ?? ''}/${found.name}`);
      }
      return [...keys];
    }),
  );
}
