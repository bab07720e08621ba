import { TASK_KEY_PATTERN } from './crds/task.js';

/** A task as far as the order of tasks is concerned. */
export interface TaskGraphNode {
  readonly task_key: string;
  readonly depends_on?: readonly { readonly task_key: string }[];
  readonly job_cluster_key?: string;
}

/**
 * Finds a cycle in the `depends_on` graph of a job's tasks, e.g. `['a', 'b', 'c', 'a']`, or `undefined` if
 * the tasks can run in some order. Dependencies on unknown keys are ignored (reported elsewhere). Linear
 * in tasks plus dependencies, and iterative, so a long chain of tasks cannot overflow the stack.
 */
export function findDependencyCycle(tasks: readonly TaskGraphNode[]): string[] | undefined {
  const dependencies = new Map<string, string[]>();
  for (const task of tasks) {
    const list = dependencies.get(task.task_key) ?? [];
    for (const dependency of task.depends_on ?? []) list.push(dependency.task_key);
    dependencies.set(task.task_key, list);
  }
  const DONE = 2;
  const ON_PATH = 1;
  const state = new Map<string, number>();
  for (const start of dependencies.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [start];
    const next: number[] = [0];
    state.set(start, ON_PATH);
    while (path.length > 0) {
      const key = path[path.length - 1]!;
      const edges = dependencies.get(key)!;
      const index = next[next.length - 1]!;
      if (index === edges.length) {
        state.set(key, DONE);
        path.pop();
        next.pop();
        continue;
      }
      next[next.length - 1] = index + 1;
      const target = edges[index]!;
      if (!dependencies.has(target)) continue;
      const targetState = state.get(target);
      if (targetState === ON_PATH) return [...path.slice(path.indexOf(target)), target];
      if (targetState === undefined) {
        state.set(target, ON_PATH);
        path.push(target);
        next.push(0);
      }
    }
  }
  return undefined;
}

/**
 * Checks how the tasks of a job (or of a one-time run) fit together: unique task and cluster keys, known
 * dependencies and job clusters, no cycles. Returns sentences naming the field and the fix.
 *
 * @param where the field holding `tasks` and `job_clusters`, e.g. `settings` or `submit`
 */
export function taskGraphProblems(
  tasks: readonly TaskGraphNode[],
  jobClusters: readonly { readonly job_cluster_key: string }[],
  where = 'settings',
): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  for (const task of tasks) {
    const keyProblem = keyFormatProblem(task.task_key);
    if (keyProblem) problems.push(`task_key "${task.task_key}" ${keyProblem}`);
    if (keys.has(task.task_key)) {
      problems.push(
        `${where}.tasks has two tasks with task_key "${task.task_key}"; task keys must be unique in a job, ` +
          `so rename one`,
      );
    }
    keys.add(task.task_key);
  }
  const clusterKeys = new Set<string>();
  for (const cluster of jobClusters) {
    const keyProblem = keyFormatProblem(cluster.job_cluster_key);
    if (keyProblem) problems.push(`job_cluster_key "${cluster.job_cluster_key}" ${keyProblem}`);
    if (clusterKeys.has(cluster.job_cluster_key)) {
      problems.push(
        `${where}.job_clusters has two clusters with job_cluster_key "${cluster.job_cluster_key}"; ` +
          `cluster keys must be unique in a job, so rename one`,
      );
    }
    clusterKeys.add(cluster.job_cluster_key);
  }
  for (const task of tasks) {
    for (const dependency of task.depends_on ?? []) {
      if (!keys.has(dependency.task_key)) {
        problems.push(
          `task "${task.task_key}" depends_on task_key "${dependency.task_key}", which is not a task of this ` +
            `job; add that task or remove the dependency (known tasks: ${[...keys].join(', ')})`,
        );
      }
    }
    const clusterKey = task.job_cluster_key;
    if (clusterKey !== undefined && !clusterKeys.has(clusterKey)) {
      const known = clusterKeys.size > 0 ? [...clusterKeys].join(', ') : 'none';
      problems.push(
        `task "${task.task_key}" has job_cluster_key "${clusterKey}", which is not in ${where}.job_clusters ` +
          `(known: ${known}); add it with addJobCluster() or fix the key`,
      );
    }
  }
  const cycle = findDependencyCycle(tasks);
  if (cycle) {
    problems.push(
      `tasks depend on each other in a cycle: ${cycle.join(' → ')}; ` +
        `remove one of these dependencies so the tasks can run in order`,
    );
  }
  return problems;
}

/** Task and job cluster keys: what Databricks accepts (the CRD schema says the same, but only at apply). */
const KEY_PATTERN = new RegExp(TASK_KEY_PATTERN);
const KEY_MAX_LENGTH = 100;

function keyFormatProblem(key: string): string | undefined {
  if (key.length > KEY_MAX_LENGTH)
    return `is ${key.length} characters long; keys are at most ${KEY_MAX_LENGTH}`;
  if (!KEY_PATTERN.test(key)) {
    return 'may only hold letters, digits, "_" and "-"; rename it (e.g. "load-orders" for "load orders")';
  }
  return undefined;
}
