/**
 * The `*_ref` fields of task lists (job settings, runs/submit payloads) and the Databricks field each
 * stands in for: `existing_cluster_ref` for `existing_cluster_id`, `run_job_task.job_ref` for
 * `run_job_task.job_id`, `notebook_task.notebook_ref` for `notebook_task.notebook_path`. Pure: the
 * controller resolves a reference from the target's status, `plan` from what it found in the workspace.
 */

type Json = Record<string, unknown>;

/** The kinds a task may refer to. */
export type ReferencedKind = 'DatabricksCluster' | 'DatabricksJob' | 'DatabricksNotebook';

/** One kind of reference: where it sits in a task, what replaces it, and from which status field. */
export interface TaskReferenceKind {
  /** Name of the controller's index of referrers by target. */
  readonly index: string;
  readonly kind: ReferencedKind;
  /** Path of the object holding the `_ref` inside a task (empty: the task itself). */
  readonly holder: readonly string[];
  readonly ref: string;
  readonly replaceWith: string;
  /** The target's status field that holds the value. */
  readonly statusField: string;
}

export const TASK_REFERENCE_KINDS: readonly TaskReferenceKind[] = [
  {
    index: 'clusterRefs',
    kind: 'DatabricksCluster',
    holder: [],
    ref: 'existing_cluster_ref',
    replaceWith: 'existing_cluster_id',
    statusField: 'clusterId',
  },
  {
    index: 'jobRefs',
    kind: 'DatabricksJob',
    holder: ['run_job_task'],
    ref: 'job_ref',
    replaceWith: 'job_id',
    statusField: 'jobId',
  },
  {
    index: 'notebookRefs',
    kind: 'DatabricksNotebook',
    holder: ['notebook_task'],
    ref: 'notebook_ref',
    replaceWith: 'notebook_path',
    statusField: 'path',
  },
];

/** Every task of a task list, for-each inner tasks included, with its path for messages. */
export function* tasksOf(tasks: unknown, path: string): Generator<{ task: Json; path: string }> {
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

/** A reference found in a task list. */
export interface TaskReference {
  readonly reference: TaskReferenceKind;
  /** The referenced object's name, in the referrer's namespace. */
  readonly name: string;
  /** Where it sits: `spec.settings.tasks[ingest].existing_cluster_ref`. */
  readonly field: string;
}

/** The references `tasks` holds, each with its field path under `path`. */
export function taskReferences(tasks: unknown, path: string): TaskReference[] {
  const found: TaskReference[] = [];
  for (const { task, path: at } of tasksOf(tasks, path)) {
    for (const reference of TASK_REFERENCE_KINDS) {
      const ref = holderOf(task, reference.holder)?.[reference.ref] as { name?: unknown } | undefined;
      if (typeof ref?.name !== 'string') continue;
      found.push({ reference, name: ref.name, field: [at, ...reference.holder, reference.ref].join('.') });
    }
  }
  return found;
}

/**
 * A copy of `tasks` with every `_ref` replaced by what `resolve` answers for it (an ID or a path), under
 * the Databricks field it stands in for. `resolve` may throw to stop at an unresolvable reference.
 */
export function replaceTaskReferences<T>(
  tasks: readonly T[],
  path: string,
  resolve: (reference: TaskReference) => unknown,
): T[] {
  const copy: unknown = structuredClone(tasks);
  for (const { task, path: at } of tasksOf(copy, path)) {
    for (const reference of TASK_REFERENCE_KINDS) {
      const holder = holderOf(task, reference.holder);
      const ref = holder?.[reference.ref] as { name?: unknown } | undefined;
      if (!holder || typeof ref?.name !== 'string') continue;
      const field = [at, ...reference.holder, reference.ref].join('.');
      holder[reference.replaceWith] = resolve({ reference, name: ref.name, field });
      delete holder[reference.ref];
    }
  }
  // The copy has the shape of `tasks`, with `_ref` fields swapped for the fields Databricks reads.
  return copy as T[];
}
