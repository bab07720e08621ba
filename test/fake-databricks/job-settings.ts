import { errors } from './api.js';

/** Job settings as stored and returned: the request's JSON, plus the server-side defaults. */
export type JobSettings = Record<string, unknown>;
type Json = Record<string, unknown>;

/** The task types of `TaskSettings` (jobs.Task in the Databricks CLI's schema); a task sets exactly one. */
export const taskTypes = [
  'notebook_task',
  'spark_jar_task',
  'spark_python_task',
  'spark_submit_task',
  'pipeline_task',
  'python_wheel_task',
  'sql_task',
  'dbt_task',
  'run_job_task',
  'condition_task',
  'for_each_task',
  'clean_rooms_notebook_task',
  'dashboard_task',
  'power_bi_task',
  'gen_ai_compute_task',
  'alert_task',
  'dbt_cloud_task',
  'dbt_platform_task',
  'ai_runtime_task',
  'python_operator_task',
] as const;

export const runIfValues = [
  'ALL_SUCCESS',
  'ALL_DONE',
  'NONE_FAILED',
  'AT_LEAST_ONE_SUCCESS',
  'ALL_FAILED',
  'AT_LEAST_ONE_FAILED',
] as const;
export type RunIf = (typeof runIfValues)[number];

/** The most tasks a job (or a one-time run) may have on a write. */
export const maxTasks = 1000;
/** Arrays of `jobs/get` and `runs/get` come in pages of this many (API 2.2). */
export const arrayPageSize = 100;

const taskKeyPattern = /^[\w-]{1,100}$/;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function malformed(field: string, expected: string): Error {
  return errors.malformedRequest(
    `Invalid JSON given in the body of the request: ${field} must be ${expected}.`,
  );
}

function arrayOfObjects(owner: Json, field: string, where: string): Json[] {
  const value = owner[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw malformed(`${where}${field}`, 'an array');
  value.forEach((item, i) => {
    if (!isObject(item)) throw malformed(`${where}${field}[${i}]`, 'an object');
  });
  return value as Json[];
}

/** The tasks of job settings or a runs/submit body (validated shape: objects). */
export function tasksOf(settings: Json): Json[] {
  return arrayOfObjects(settings, 'tasks', '');
}

/** The one task type a task sets (`notebook_task`, ...). */
export function taskTypeOf(task: Json): string | undefined {
  return taskTypes.find((type) => task[type] !== undefined);
}

/**
 * Checks settings the way `jobs/create`, `jobs/reset`, `jobs/update` and `runs/submit` do, throwing the
 * 400 a real workspace answers with. `what` names the object in messages (`job settings`, `run`).
 */
export function validateJobSettings(settings: Json, what: string): void {
  if (settings['name'] !== undefined && typeof settings['name'] !== 'string')
    throw malformed('name', 'a string');
  if (typeof settings['name'] === 'string' && Buffer.byteLength(settings['name']) > 4096) {
    throw errors.invalidParameter(`The ${what} name is longer than 4096 bytes; shorten it.`);
  }
  const tasks = tasksOf(settings);
  if (tasks.length > maxTasks) {
    throw errors.invalidParameter(
      `The ${what} has ${tasks.length} tasks; at most ${maxTasks} are allowed. Split it into several jobs.`,
    );
  }
  const jobClusters = arrayOfObjects(settings, 'job_clusters', '');
  const clusterKeys = new Set<string>();
  jobClusters.forEach((cluster, i) => {
    const key = cluster['job_cluster_key'];
    if (typeof key !== 'string' || key === '') {
      throw errors.invalidParameter(
        `job_clusters[${i}].job_cluster_key is required: give every job cluster a key.`,
      );
    }
    if (clusterKeys.has(key)) {
      throw errors.invalidParameter(
        `job_clusters: the job_cluster_key '${key}' is used twice; keys must be unique.`,
      );
    }
    if (!isObject(cluster['new_cluster'])) {
      throw errors.invalidParameter(`job_clusters[${i}] ('${key}'): new_cluster is required.`);
    }
    clusterKeys.add(key);
  });
  const environmentKeys = new Set(
    arrayOfObjects(settings, 'environments', '').map((e) => String(e['environment_key'])),
  );

  const taskKeys = new Set<string>();
  tasks.forEach((task, i) => {
    const key = task['task_key'];
    if (key === undefined || key === null || key === '') {
      throw errors.invalidParameter(`tasks[${i}].task_key is required: give every task a unique key.`);
    }
    if (typeof key !== 'string') throw malformed(`tasks[${i}].task_key`, 'a string');
    if (!taskKeyPattern.test(key)) {
      throw errors.invalidParameter(
        `tasks[${i}].task_key '${key}' is invalid: use 1 to 100 letters, digits, '_' or '-'.`,
      );
    }
    if (taskKeys.has(key)) {
      throw errors.invalidParameter(
        `The task_key '${key}' is used by more than one task; task keys must be unique.`,
      );
    }
    taskKeys.add(key);
  });

  for (const task of tasks) {
    const key = task['task_key'] as string;
    const types = taskTypes.filter((type) => task[type] !== undefined);
    if (types.length === 0) {
      throw errors.invalidParameter(
        `Task ${key} must set exactly one task type (one of ${taskTypes.join(', ')}).`,
      );
    }
    if (types.length > 1) {
      throw errors.invalidParameter(
        `Task ${key} sets more than one task type (${types.join(', ')}); keep exactly one.`,
      );
    }
    const computeFields = ['existing_cluster_id', 'new_cluster', 'job_cluster_key'].filter(
      (f) => task[f] !== undefined,
    );
    if (computeFields.length > 1) {
      throw errors.invalidParameter(
        `Task ${key} sets ${computeFields.join(' and ')}; a task may use only one of them.`,
      );
    }
    const clusterKey = task['job_cluster_key'];
    if (clusterKey !== undefined && !clusterKeys.has(String(clusterKey))) {
      throw errors.invalidParameter(
        `Task ${key} refers to job_cluster_key '${String(clusterKey)}', which is not defined in job_clusters.`,
      );
    }
    const environmentKey = task['environment_key'];
    if (environmentKey !== undefined && !environmentKeys.has(String(environmentKey))) {
      throw errors.invalidParameter(
        `Task ${key} refers to environment_key '${String(environmentKey)}', which is not defined in environments.`,
      );
    }
    const runIf = task['run_if'];
    if (runIf !== undefined && !(runIfValues as readonly unknown[]).includes(runIf)) {
      throw errors.invalidParameter(
        `Task ${key}: run_if '${String(runIf)}' is not one of ${runIfValues.join(', ')}.`,
      );
    }
    for (const [i, dep] of arrayOfObjects(task, 'depends_on', `task ${key} `).entries()) {
      const depKey = dep['task_key'];
      if (typeof depKey !== 'string') {
        throw errors.invalidParameter(`Task ${key}: depends_on[${i}].task_key is required.`);
      }
      if (depKey === key)
        throw errors.invalidParameter(`Task ${key} depends on itself; remove that dependency.`);
      if (!taskKeys.has(depKey)) {
        throw errors.invalidParameter(
          `Task ${key} depends on '${depKey}', which is not a task of this ${what}.`,
        );
      }
    }
  }
  if (tasks.length > 0) topologicalOrder(tasks);

  const maxRuns = settings['max_concurrent_runs'];
  if (maxRuns !== undefined) {
    if (typeof maxRuns !== 'number' || !Number.isInteger(maxRuns)) {
      throw malformed('max_concurrent_runs', 'an integer');
    }
    if (maxRuns < 0 || maxRuns > 1000) {
      throw errors.invalidParameter(`max_concurrent_runs is ${maxRuns}; it must be between 0 and 1000.`);
    }
  }
  const timeout = settings['timeout_seconds'];
  if (timeout !== undefined && (typeof timeout !== 'number' || timeout < 0)) {
    throw errors.invalidParameter('timeout_seconds must be a number of seconds, 0 or more.');
  }
  const tags = settings['tags'];
  if (tags !== undefined) {
    if (!isObject(tags)) throw malformed('tags', 'an object');
    if (Object.keys(tags).length > 25) {
      throw errors.invalidParameter(
        `The ${what} has ${Object.keys(tags).length} tags; at most 25 are allowed.`,
      );
    }
  }
}

/** Task indexes in an order where every task comes after the tasks it depends on; rejects cycles. */
export function topologicalOrder(tasks: readonly Json[]): number[] {
  const index = new Map(tasks.map((t, i) => [t['task_key'] as string, i]));
  const state = new Array<number>(tasks.length).fill(0); // 0 new, 1 visiting, 2 done
  const order: number[] = [];
  const visit = (i: number, path: string[]): void => {
    if (state[i] === 2) return;
    const key = tasks[i]['task_key'] as string;
    if (state[i] === 1) {
      throw errors.invalidParameter(
        `Tasks depend on each other in a cycle (${[...path, key].join(' -> ')}); break it.`,
      );
    }
    state[i] = 1;
    for (const dep of (tasks[i]['depends_on'] as Json[] | undefined) ?? []) {
      const j = index.get(dep['task_key'] as string);
      if (j !== undefined) visit(j, [...path, key]);
    }
    state[i] = 2;
    order.push(i);
  };
  tasks.forEach((_, i) => visit(i, []));
  return order;
}

function withClusterDefaults(cluster: Json): Json {
  const { apply_policy_default_values: _writeOnly, ...rest } = cluster;
  const usesPool = typeof rest['instance_pool_id'] === 'string';
  const nodeType = (rest['node_type_id'] as string | undefined) ?? (usesPool ? undefined : 'i3.xlarge');
  return {
    ...(nodeType !== undefined && { node_type_id: nodeType, driver_node_type_id: nodeType }),
    ...(usesPool && { driver_instance_pool_id: rest['instance_pool_id'] }),
    enable_elastic_disk: true,
    enable_local_disk_encryption: false,
    data_security_mode: 'NONE',
    ...rest,
  };
}

/**
 * The objects of a task whose `source` says where their file is read from (a task type, or an object
 * inside it): the backend fills in each one left unset (resources.yml `backend_defaults`).
 */
const SOURCE_HOLDERS: readonly { readonly type: string; readonly inner?: string }[] = [
  { type: 'notebook_task' },
  { type: 'spark_python_task' },
  { type: 'dbt_task' },
  { type: 'sql_task', inner: 'file' },
];

function withTaskDefaults(task: Json, hasGitSource: boolean): Json {
  const out: Json = { run_if: 'ALL_SUCCESS', ...task };
  if (isObject(out['new_cluster'])) out['new_cluster'] = withClusterDefaults(out['new_cluster']);
  // An unset source is GIT when the job has a git_source and WORKSPACE otherwise: JobSettings.git_source
  // ("these tasks retrieve the file from the remote repository by default", notebook, dbt, Python script
  // and SQL file tasks) and the `source` of NotebookTask, DbtTask and SqlTaskFile. (SparkPythonTask's own
  // `source` text says an unset source reads the workspace; the job-level rule is the one applied here.)
  const source = hasGitSource ? 'GIT' : 'WORKSPACE';
  for (const { type, inner } of SOURCE_HOLDERS) {
    const spec = out[type];
    if (!isObject(spec)) continue;
    if (inner === undefined) {
      if (spec['source'] === undefined) out[type] = { ...spec, source };
      continue;
    }
    const held = spec[inner];
    if (isObject(held) && held['source'] === undefined) {
      out[type] = { ...spec, [inner]: { ...held, source } };
    }
  }
  const forEach = out['for_each_task'];
  if (isObject(forEach) && isObject(forEach['task'])) {
    out['for_each_task'] = { ...forEach, task: withTaskDefaults(forEach['task'], hasGitSource) };
  }
  return out;
}

/**
 * The settings a workspace stores for a write: a deep copy of the request, with the backend defaults
 * `databricks-cli/resources.yml` lists, and with write-only fields dropped.
 */
export function withServerDefaults(
  requested: Json,
  opts: { queueByDefault: boolean; runAs: Json },
): JobSettings {
  const copy = structuredClone(requested);
  const hasGitSource = copy['git_source'] !== undefined;
  const settings: Json = {
    format: 'MULTI_TASK',
    email_notifications: {},
    timeout_seconds: 0,
    max_concurrent_runs: 1,
    ...(opts.queueByDefault && { queue: { enabled: true } }),
    run_as: opts.runAs,
    ...copy,
  };
  // `format` is ignored on writes: 2.1+ jobs are always multi-task.
  settings['format'] = 'MULTI_TASK';
  if (Array.isArray(settings['tasks'])) {
    settings['tasks'] = (settings['tasks'] as Json[]).map((t) => withTaskDefaults(t, hasGitSource));
  }
  if (Array.isArray(settings['job_clusters'])) {
    settings['job_clusters'] = (settings['job_clusters'] as Json[]).map((c) =>
      isObject(c['new_cluster']) ? { ...c, new_cluster: withClusterDefaults(c['new_cluster']) } : c,
    );
  }
  return settings;
}

const keyedArrays: Record<string, string> = {
  tasks: 'task_key',
  job_clusters: 'job_cluster_key',
  environments: 'environment_key',
};

function mergeByKey(current: Json[], incoming: Json[], key: string): Json[] {
  const merged = [...current];
  for (const item of incoming) {
    const at = merged.findIndex((existing) => existing[key] === item[key]);
    if (at >= 0) merged[at] = item;
    else merged.push(item);
  }
  return merged;
}

/**
 * `jobs/update`: top-level fields of `newSettings` replace the stored ones, `tasks`, `job_clusters` and
 * `environments` merge by key, then `fieldsToRemove` drops top-level fields or `tasks/<key>`-style entries.
 */
export function mergeJobSettings(current: Json, newSettings: Json, fieldsToRemove: readonly unknown[]): Json {
  const merged: Json = { ...current };
  for (const [field, value] of Object.entries(newSettings)) {
    const key = keyedArrays[field];
    if (key !== undefined && Array.isArray(value) && Array.isArray(current[field])) {
      merged[field] = mergeByKey(current[field] as Json[], arrayOfObjects(newSettings, field, ''), key);
    } else {
      merged[field] = value;
    }
  }
  for (const entry of fieldsToRemove) {
    if (typeof entry !== 'string') throw malformed('fields_to_remove', 'an array of strings');
    const slash = entry.indexOf('/');
    if (slash < 0) {
      delete merged[entry];
      continue;
    }
    const field = entry.slice(0, slash);
    const itemKey = entry.slice(slash + 1);
    const keyName = keyedArrays[field];
    if (keyName === undefined) {
      throw errors.invalidParameter(
        `fields_to_remove: '${entry}' is not removable; use a top-level field or tasks/<key>, job_clusters/<key>, environments/<key>.`,
      );
    }
    const items = Array.isArray(merged[field]) ? (merged[field] as Json[]) : [];
    const kept = items.filter((item) => item[keyName] !== itemKey);
    if (kept.length === items.length) {
      throw errors.invalidParameter(
        `fields_to_remove: the job has no ${field} entry with ${keyName} '${itemKey}'.`,
      );
    }
    merged[field] = kept;
  }
  return merged;
}

const paginatedArrays = ['tasks', 'job_clusters', 'environments', 'parameters'] as const;

/** Page `page` (0-based) of the settings' big arrays, and whether more pages follow. */
export function settingsPage(settings: Json, page: number): { settings: Json; hasMore: boolean } {
  let needsPaging = page > 0;
  for (const field of paginatedArrays) {
    const value = settings[field];
    if (Array.isArray(value) && value.length > arrayPageSize) needsPaging = true;
  }
  if (!needsPaging) return { settings, hasMore: false };
  const out: Json = { ...settings };
  let hasMore = false;
  for (const field of paginatedArrays) {
    const value = settings[field];
    if (!Array.isArray(value)) continue;
    out[field] = value.slice(page * arrayPageSize, (page + 1) * arrayPageSize);
    if (value.length > (page + 1) * arrayPageSize) hasMore = true;
  }
  return { settings: out, hasMore };
}
