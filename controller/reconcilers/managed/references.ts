/**
 * The `*_ref` fields of task lists (job settings and runs/submit payloads): each is replaced by the ID
 * or path Databricks wants, read from the referenced object's status. While a target is missing or not
 * Ready the reconcile stops with `WaitingForDependency`, and the reference indexes below make the
 * target's readiness wake the referring object again.
 */
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

/** One kind of reference: where it sits in a task, what replaces it, and from which status field. */
interface ReferenceKind {
  readonly index: string;
  readonly kind: string;
  readonly store: keyof ReferenceStores;
  /** Path of the object holding the `_ref` inside a task (empty: the task itself). */
  readonly holder: readonly string[];
  readonly ref: string;
  readonly replaceWith: string;
  readonly statusField: string;
}

const REFERENCE_KINDS: readonly ReferenceKind[] = [
  {
    index: 'clusterRefs',
    kind: 'DatabricksCluster',
    store: 'clusters',
    holder: [],
    ref: 'existing_cluster_ref',
    replaceWith: 'existing_cluster_id',
    statusField: 'clusterId',
  },
  {
    index: 'jobRefs',
    kind: 'DatabricksJob',
    store: 'jobs',
    holder: ['run_job_task'],
    ref: 'job_ref',
    replaceWith: 'job_id',
    statusField: 'jobId',
  },
  {
    index: 'notebookRefs',
    kind: 'DatabricksNotebook',
    store: 'notebooks',
    holder: ['notebook_task'],
    ref: 'notebook_ref',
    replaceWith: 'notebook_path',
    statusField: 'path',
  },
];

/** The index names objects with task lists are indexed under, by referenced kind. */
export const REFERENCE_INDEXES = Object.fromEntries(REFERENCE_KINDS.map((r) => [r.kind, r.index])) as Record<
  'DatabricksCluster' | 'DatabricksJob' | 'DatabricksNotebook',
  string
>;

/** Every task of a task list, for-each inner tasks included, with its path for messages. */
function* tasksOf(tasks: unknown, path: string): Generator<{ task: Json; path: string }> {
  if (!Array.isArray(tasks)) return;
  for (const task of tasks as Json[]) {
    const at = `${path}[${String(task.task_key ?? '?')}]`;
    yield { task, path: at };
    const inner = (task.for_each_task as Json | undefined)?.task as Json | undefined;
    if (inner) yield { task: inner, path: `${at}.for_each_task.task` };
  }
}

function holderOf(task: Json, holder: readonly string[]): Json | undefined {
  let current: unknown = task;
  for (const field of holder) current = (current as Json | undefined)?.[field];
  return current && typeof current === 'object' ? (current as Json) : undefined;
}

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
  const copy = structuredClone(tasks) as unknown as Json[];
  for (const { task, path: at } of tasksOf(copy, path)) {
    for (const reference of REFERENCE_KINDS) {
      const holder = holderOf(task, reference.holder);
      const ref = holder?.[reference.ref] as { name: string } | undefined;
      if (!holder || !ref) continue;
      const field = [at, ...reference.holder, reference.ref].join('.');
      holder[reference.replaceWith] = resolveReference(
        stores[reference.store],
        namespace,
        ref,
        { kind: reference.kind, field, valueOf: (object) => object.status?.[reference.statusField] },
        referrer,
      );
      delete holder[reference.ref];
    }
  }
  return copy as unknown as T[];
}

/**
 * Index functions for an informer of objects holding task lists: under each referenced kind's index,
 * the keys (`namespace/name`) of the objects its tasks refer to.
 */
export function referenceIndexFunctions<T extends KubeObject>(
  tasksOfObject: (object: T) => unknown,
): { name: string; indexFunction: (object: T) => string[] }[] {
  return REFERENCE_KINDS.map((reference) => ({
    name: reference.index,
    indexFunction: (object: T) => {
      const keys = new Set<string>();
      for (const { task } of tasksOf(tasksOfObject(object), '')) {
        const ref = holderOf(task, reference.holder)?.[reference.ref] as { name?: string } | undefined;
        if (ref?.name) keys.add(`${object.metadata.namespace ?? ''}/${ref.name}`);
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
  return REFERENCE_KINDS.some(
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
