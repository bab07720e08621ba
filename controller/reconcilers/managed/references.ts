/**
 * The `*_ref` fields of task lists (job settings and runs/submit payloads): each is replaced by the ID
 * or path Databricks wants, read from the referenced object's status. While a target is missing or not
 * Ready the reconcile stops with `WaitingForDependency`, and the reference indexes below make the
 * target's readiness wake the referring object again.
 */
import {
  TASK_REFERENCE_KINDS,
  replaceTaskReferences,
  taskReferences,
  type ReferencedKind,
} from '../../drift/task-references.js';
import { isConditionTrue } from '../../runtime/conditions.js';
import { keysReferencing, type KeyMapper } from '../../runtime/controller.js';
import type { Informer } from '../../runtime/informer.js';
import type { KubeObject } from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import type { KindInformers } from './kind-informers.js';
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

/** The index names objects with task lists are indexed under, by referenced kind. */
export const REFERENCE_INDEXES = Object.fromEntries(
  TASK_REFERENCE_KINDS.map((r) => [r.kind, r.index]),
) as Record<ReferencedKind, string>;

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

/**
 * Index functions for an informer of objects holding task lists: under each referenced kind's index,
 * the keys (`namespace/name`) of the objects its tasks refer to.
 */
export function referenceIndexFunctions<T extends KubeObject>(
  tasksOfObject: (object: T) => unknown,
): { name: string; indexFunction: (object: T) => string[] }[] {
  return TASK_REFERENCE_KINDS.map((reference) => ({
    name: reference.index,
    indexFunction: (object: T) => {
      const keys = new Set<string>();
      for (const found of taskReferences(tasksOfObject(object), '')) {
        if (found.reference === reference) keys.add(`${object.metadata.namespace ?? ''}/${found.name}`);
      }
      return [...keys];
    },
  }));
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

/** The informers of the kinds a task can reference. */
export type ReferenceTargetInformers = Pick<
  KindInformers,
  'DatabricksCluster' | 'DatabricksJob' | 'DatabricksNotebook'
>;

/**
 * Wakes the objects of `referrers` (indexed by {@link referenceIndexFunctions}) when an object their
 * tasks reference changes readiness or the status value that replaces the reference.
 */
export function watchReferenceTargets<T extends KubeObject>(
  controller: {
    watch<R extends KubeObject>(
      informer: Informer<R>,
      mapToKeys: KeyMapper<R>,
      changed: (previous: R, current: R) => boolean,
    ): unknown;
  },
  referrers: Informer<T>,
  targets: ReferenceTargetInformers,
): void {
  const keysOf = (kind: keyof ReferenceTargetInformers) =>
    keysReferencing(referrers, REFERENCE_INDEXES[kind]);
  controller.watch(targets.DatabricksCluster, keysOf('DatabricksCluster'), referenceTargetChanged);
  controller.watch(targets.DatabricksJob, keysOf('DatabricksJob'), referenceTargetChanged);
  controller.watch(targets.DatabricksNotebook, keysOf('DatabricksNotebook'), referenceTargetChanged);
}
