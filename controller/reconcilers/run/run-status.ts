/**
 * What a DatabricksRun's status shows of its Databricks run: the states, times and task runs as
 * `runs/get` or `runs/list` return them, an output summary per task run once the run has ended, and the
 * `Succeeded` and `Failed` conditions.
 */
import {
  formatId,
  InvalidParameterError,
  NotFoundError,
  type DatabricksClient,
  type Run,
  type RunOutput,
} from '../../databricks/index.js';
import {
  isRunLifeCycleState,
  RUN_OUTPUT_TEXT_LIMIT,
  RUN_OUTPUT_TRACE_LIMIT,
  type DatabricksRunStatus,
} from '../../../lib/crds/databricks-run.js';
import type { ConditionUpdate } from '../../runtime/conditions.js';

/** Every status field of a DatabricksRun but `conditions` and `observedGeneration`. */
export type RunStatusFields = Omit<DatabricksRunStatus, 'conditions' | 'observedGeneration'>;
type TaskStatus = NonNullable<DatabricksRunStatus['tasks']>[number];

/** Output summaries are read for at most this many task runs of one run (failed ones first). */
const MAX_TASK_OUTPUTS = 20;
/** Task results whose output is worth reading, the failures first. */
const OUTPUT_PRIORITY = ['FAILED', 'TIMEDOUT', 'SUCCESS'];
/** Results Databricks reports for runs that did their work. */
const SUCCESS_RESULTS = new Set(['SUCCESS', 'SUCCESS_WITH_FAILURES']);

/** Status from what Databricks says of the run, keeping what only earlier reconciles knew. */
export function statusOf(observed: Run, previous: DatabricksRunStatus): RunStatusFields {
  const life = observed.state?.life_cycle_state;
  const tasks = observed.tasks?.map((task): TaskStatus => {
    const taskLife = task.state?.life_cycle_state;
    return {
      taskKey: task.task_key,
      runId: Number(formatId(task.run_id)),
      ...(taskLife && isRunLifeCycleState(taskLife) ? { lifeCycleState: taskLife } : {}),
      ...(task.state?.result_state ? { resultState: task.state.result_state } : {}),
    };
  });
  const status: RunStatusFields = {
    runId: previous.runId,
    ...(previous.jobId === undefined ? {} : { jobId: previous.jobId }),
    ...(observed.run_page_url ? { url: observed.run_page_url } : {}),
    ...(life && isRunLifeCycleState(life) ? { lifeCycleState: life } : {}),
    ...(observed.state?.result_state ? { resultState: observed.state.result_state } : {}),
    ...(observed.status?.state ? { state: observed.status.state } : {}),
    ...(observed.state?.state_message ? { stateMessage: observed.state.state_message } : {}),
    ...(observed.status?.termination_details
      ? { terminationDetails: { ...observed.status.termination_details } }
      : {}),
    ...(observed.start_time ? { startTime: kubeTime(observed.start_time) } : {}),
    ...(observed.end_time ? { endTime: kubeTime(observed.end_time) } : {}),
  };
  const knownTasks = tasks ?? previous.tasks;
  if (knownTasks) status.tasks = knownTasks;
  return status;
}

/**
 * The task list with an output summary for the task runs that ran (read once, when the run ended): at
 * most {@link MAX_TASK_OUTPUTS} of them, failures first, so a wide run's status stays small.
 */
export async function withOutputs(
  tasks: TaskStatus[] | undefined,
  client: DatabricksClient,
): Promise<TaskStatus[] | undefined> {
  if (!tasks) return tasks;
  const rank = (task: TaskStatus): number => OUTPUT_PRIORITY.indexOf(task.resultState ?? '');
  const chosen = tasks
    .filter((task) => rank(task) >= 0 && task.runId !== undefined && !task.output)
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, MAX_TASK_OUTPUTS);
  const outputs = new Map<TaskStatus, TaskStatus['output']>();
  for (const task of chosen) outputs.set(task, await readOutput(client, task.runId!));
  return tasks.map((task) => {
    const output = outputs.get(task);
    return output ? { ...task, output } : task;
  });
}

async function readOutput(client: DatabricksClient, taskRunId: number): Promise<TaskStatus['output']> {
  let output: RunOutput;
  try {
    output = await client.jobs.getRunOutput(taskRunId);
  } catch (error) {
    // Gone (deleted, or past the 60-day retention) or not readable: the summary is left out.
    if (error instanceof NotFoundError || error instanceof InvalidParameterError) return undefined;
    throw error;
  }
  const result = output.notebook_output?.result;
  const summary: NonNullable<TaskStatus['output']> = {};
  if (result !== undefined) {
    summary.result = cut(result, RUN_OUTPUT_TEXT_LIMIT);
    summary.truncated = Boolean(output.notebook_output?.truncated) || summary.result !== result;
  }
  if (output.error) summary.error = cut(output.error, RUN_OUTPUT_TEXT_LIMIT);
  if (output.error_trace) summary.errorTrace = cut(output.error_trace, RUN_OUTPUT_TRACE_LIMIT);
  return Object.keys(summary).length > 0 ? summary : undefined;
}

/** `Succeeded` and `Failed` for a run that ended, `Succeeded` first. */
export function finishedConditions(run: Run, generation: number | undefined): ConditionUpdate[] {
  const result = run.state?.result_state;
  const succeeded = result !== undefined && SUCCESS_RESULTS.has(result);
  const reason = camelCase(result ?? run.state?.life_cycle_state ?? 'Unknown');
  const message =
    run.status?.termination_details?.message || run.state?.state_message || `run ended ${describeState(run)}`;
  return [
    {
      type: 'Succeeded',
      status: succeeded ? 'True' : 'False',
      reason,
      message,
      observedGeneration: generation,
    },
    { type: 'Failed', status: succeeded ? 'False' : 'True', reason, message, observedGeneration: generation },
  ];
}

/** The status without its conditions and observedGeneration (what an `Applied` carries). */
export function fieldsOf(status: DatabricksRunStatus): RunStatusFields {
  const { conditions: _conditions, observedGeneration: _generation, ...fields } = status;
  return fields;
}

/** `RUNNING`, or `TERMINATED FAILED` once there is a result: for messages and Events. */
export function describeState(run: Run): string {
  const life = run.state?.life_cycle_state ?? run.status?.state ?? 'in an unknown state';
  const result = run.state?.result_state;
  return result ? `${life} ${result}` : life;
}

/** `MAXIMUM_CONCURRENT_RUNS_REACHED` → `MaximumConcurrentRunsReached`, a condition reason. */
function camelCase(value: string): string {
  const words = value
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const joined = words.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
  return /^[A-Za-z]/.test(joined) ? joined : 'Unknown';
}

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function kubeTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
