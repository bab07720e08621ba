/**
 * The `*_ref` fields the controller resolves, and the Databricks field each stands in for. Two tables,
 * by where the references sit:
 * - {@link TASK_REFERENCE_KINDS}, relative to a task (job settings, runs/submit payloads):
 *   `existing_cluster_ref` for `existing_cluster_id`, `run_job_task.job_ref` for `run_job_task.job_id`,
 *   `notebook_task.notebook_ref` for `notebook_task.notebook_path`, `notebook_task.repo_ref` and
 *   `spark_python_task.repo_ref` for a `notebook_path` or `python_file` inside a Git folder (each of
 *   these three with `source: WORKSPACE`, so a job with a `git_source` does not read a workspace path as
 *   a path in its repository),
 *   `pipeline_task.pipeline_ref` for `pipeline_task.pipeline_id`, `warehouse_ref` for `warehouse_id` in
 *   every task type that takes a SQL warehouse (`sql_task`, `notebook_task`, `dbt_task`,
 *   `dashboard_task`, `power_bi_task`, `alert_task`), and a task's `new_cluster` references;
 * - {@link CLUSTER_SPEC_REFERENCE_KINDS}, relative to a cluster spec (a DatabricksCluster's settings, a job
 *   cluster's or a task's `new_cluster`): `policy_ref`, `instance_pool_ref`, `driver_instance_pool_ref`.
 * A payload is walked as a list of {@link ReferenceSite}s (each task, each job cluster's spec, ...), each
 * with the table that applies there. Pure: the controller resolves a reference from the target's status,
 * `plan` from what it found in the workspace.
 */

type Json = Record<string, unknown>;

/** The kinds a reference may name. */
export type ReferencedKind =
  | 'DatabricksCluster'
  | 'DatabricksJob'
  | 'DatabricksNotebook'
  | 'DatabricksClusterPolicy'
  | 'DatabricksInstancePool'
  | 'DatabricksPipeline'
  | 'DatabricksSqlWarehouse'
  | 'DatabricksRepo';

/** One kind of reference: where it sits in its site, what replaces it, and from which status field. */
export interface TaskReferenceKind {
  /**
   * Name of the controller's index of referrers by target. Entries naming the same kind share it (and
   * the status field): one watch of that kind serves them all.
   */
  readonly index: string;
  readonly kind: ReferencedKind;
  /** Path of the object holding the `_ref` inside the site (empty: the site itself). */
  readonly holder: readonly string[];
  readonly ref: string;
  readonly replaceWith: string;
  /** The target's status field that holds the value. */
  readonly statusField: string;
  /**
   * A field of the `_ref` object holding a path relative to the target's value: the value put in place is
   * `<target value>/<that path>` (a notebook inside a Git folder). Absent: the target's value as it is.
   */
  readonly relativePath?: string;
  /**
   * Fields set beside the value in the holder when the holder leaves them out. A path inside a Git
   * folder is a workspace path, but Databricks reads a task's path from the job's `git_source` when the
   * task's `source` is unset and the job has one (Jobs API, `NotebookTask.source`): so `source: WORKSPACE`
   * goes with a notebook or file path. The schema refuses `source: GIT` beside such a reference.
   */
  readonly alsoSet?: Readonly<Record<string, unknown>>;
}

/** The references of a cluster spec, relative to the spec. */
export const CLUSTER_SPEC_REFERENCE_KINDS: readonly TaskReferenceKind[] = [
  {
    index: 'policyRefs',
    kind: 'DatabricksClusterPolicy',
    holder: [],
    ref: 'policy_ref',
    replaceWith: 'policy_id',
    statusField: 'policyId',
  },
  {
    index: 'instancePoolRefs',
    kind: 'DatabricksInstancePool',
    holder: [],
    ref: 'instance_pool_ref',
    replaceWith: 'instance_pool_id',
    statusField: 'instancePoolId',
  },
  {
    index: 'instancePoolRefs',
    kind: 'DatabricksInstancePool',
    holder: [],
    ref: 'driver_instance_pool_ref',
    replaceWith: 'driver_instance_pool_id',
    statusField: 'instancePoolId',
  },
];

/** The cluster spec references of a spec found at `holder` inside a site (a task's `new_cluster`). */
function clusterSpecReferencesIn(holder: readonly string[]): TaskReferenceKind[] {
  return CLUSTER_SPEC_REFERENCE_KINDS.map((reference) => ({
    ...reference,
    holder: [...holder, ...reference.holder],
  }));
}

/** `warehouse_ref` for `warehouse_id` in each of the task types `holders`. */
function warehouseReferencesIn(holders: readonly string[]): TaskReferenceKind[] {
  return holders.map((holder) => ({
    index: 'warehouseRefs',
    kind: 'DatabricksSqlWarehouse',
    holder: [holder],
    ref: 'warehouse_ref',
    replaceWith: 'warehouse_id',
    statusField: 'warehouseId',
  }));
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
    alsoSet: { source: 'WORKSPACE' },
  },
  {
    index: 'pipelineRefs',
    kind: 'DatabricksPipeline',
    holder: ['pipeline_task'],
    ref: 'pipeline_ref',
    replaceWith: 'pipeline_id',
    statusField: 'pipelineId',
  },
  ...warehouseReferencesIn([
    'sql_task',
    'notebook_task',
    'dbt_task',
    'dashboard_task',
    'power_bi_task',
    'alert_task',
  ]),
  {
    index: 'repoRefs',
    kind: 'DatabricksRepo',
    holder: ['notebook_task'],
    ref: 'repo_ref',
    replaceWith: 'notebook_path',
    statusField: 'path',
    relativePath: 'path',
    alsoSet: { source: 'WORKSPACE' },
  },
  {
    index: 'repoRefs',
    kind: 'DatabricksRepo',
    holder: ['spark_python_task'],
    ref: 'repo_ref',
    replaceWith: 'python_file',
    statusField: 'path',
    relativePath: 'path',
    alsoSet: { source: 'WORKSPACE' },
  },
  ...clusterSpecReferencesIn(['new_cluster']),
];

/** Every entry of both tables: what a watch of referenced objects compares. */
export const ALL_REFERENCE_KINDS: readonly TaskReferenceKind[] = [
  ...TASK_REFERENCE_KINDS,
  ...CLUSTER_SPEC_REFERENCE_KINDS,
];

/** A place in a payload where references may sit: the object, its path for messages, and its table. */
export interface ReferenceSite {
  readonly site: Json;
  /** Where it is: `spec.settings.tasks[ingest]`, `spec.settings.job_clusters[etl].new_cluster`. */
  readonly path: string;
  readonly kinds: readonly TaskReferenceKind[];
}

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

/** The sites of a task list: each task (for-each inner tasks included), with the task table. */
export function* taskSites(tasks: unknown, path: string): Generator<ReferenceSite> {
  for (const { task, path: at } of tasksOf(tasks, path)) {
    yield { site: task, path: at, kinds: TASK_REFERENCE_KINDS };
  }
}

/** The sites of a `job_clusters` list: each job cluster's `new_cluster`, with the cluster spec table. */
export function* jobClusterSites(jobClusters: unknown, path: string): Generator<ReferenceSite> {
  if (!Array.isArray(jobClusters)) return;
  for (const jobCluster of jobClusters as Json[]) {
    const spec = jobCluster.new_cluster;
    if (!spec || typeof spec !== 'object') continue;
    yield {
      site: spec as Json,
      path: `${path}[${String(jobCluster.job_cluster_key ?? '?')}].new_cluster`,
      kinds: CLUSTER_SPEC_REFERENCE_KINDS,
    };
  }
}

/** The one site of a cluster spec (a DatabricksCluster's `spec.settings`). */
export function* clusterSpecSites(spec: unknown, path: string): Generator<ReferenceSite> {
  if (spec && typeof spec === 'object') {
    yield { site: spec as Json, path, kinds: CLUSTER_SPEC_REFERENCE_KINDS };
  }
}

/** The sites of job settings or a runs/submit payload at `path`: its tasks and its job clusters. */
export function* settingsSites(settings: unknown, path: string): Generator<ReferenceSite> {
  const value = (settings ?? {}) as Json;
  yield* taskSites(value.tasks, `${path}.tasks`);
  yield* jobClusterSites(value.job_clusters, `${path}.job_clusters`);
}

function holderOf(site: Json, holder: readonly string[]): Json | undefined {
  let current: unknown = site;
  for (const field of holder) current = (current as Json | undefined)?.[field];
  return current && typeof current === 'object' ? (current as Json) : undefined;
}

/** A reference found in a payload. */
export interface TaskReference {
  readonly reference: TaskReferenceKind;
  /** The referenced object's name, in the referrer's namespace. */
  readonly name: string;
  /** Where it sits: `spec.settings.tasks[ingest].existing_cluster_ref`. */
  readonly field: string;
}

/** The references held at `sites`. */
export function referencesAt(sites: Iterable<ReferenceSite>): TaskReference[] {
  const found: TaskReference[] = [];
  for (const { site, path, kinds } of sites) {
    for (const reference of kinds) {
      const ref = holderOf(site, reference.holder)?.[reference.ref] as { name?: unknown } | undefined;
      if (typeof ref?.name !== 'string') continue;
      found.push({ reference, name: ref.name, field: [path, ...reference.holder, reference.ref].join('.') });
    }
  }
  return found;
}

/**
 * Replaces, in place, every `_ref` held at `sites` by what `resolve` answers for it (an ID or a path),
 * under the Databricks field it stands in for. `resolve` may throw to stop at an unresolvable reference.
 */
export function replaceReferencesAt(
  sites: Iterable<ReferenceSite>,
  resolve: (reference: TaskReference) => unknown,
): void {
  for (const { site, path, kinds } of sites) {
    for (const reference of kinds) {
      const holder = holderOf(site, reference.holder);
      const ref = holder?.[reference.ref] as { name?: unknown } | undefined;
      if (!holder || typeof ref?.name !== 'string') continue;
      const field = [path, ...reference.holder, reference.ref].join('.');
      const value = resolve({ reference, name: ref.name, field });
      const relative = reference.relativePath && (ref as Json)[reference.relativePath];
      holder[reference.replaceWith] = typeof relative === 'string' ? joinPath(value, relative) : value;
      delete holder[reference.ref];
      for (const [name, also] of Object.entries(reference.alsoSet ?? {})) {
        if (holder[name] === undefined) holder[name] = also;
      }
    }
  }
}

/** The references `tasks` holds, each with its field path under `path`. */
export function taskReferences(tasks: unknown, path: string): TaskReference[] {
  return referencesAt(taskSites(tasks, path));
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
  replaceReferencesAt(taskSites(copy, path), resolve);
  // The copy has the shape of `tasks`, with `_ref` fields swapped for the fields Databricks reads.
  return copy as T[];
}

/** `<base>/<relative>`, with one slash between them whatever either ends or starts with. */
export function joinPath(base: unknown, relative: string): string {
  return `${String(base).replace(/\/+$/, '')}/${relative.replace(/^\/+/, '')}`;
}
