import type { RunIf } from './job-settings.js';

/**
 * How a fake run unfolds, computed from its plan and the clock, never from a timer: the same plan and
 * the same `now` always give the same state, so a `ManualClock` steps a run through every state.
 *
 * Markers in a task (anywhere in its task-type object, e.g. the `notebook_path` or `python_file`) control
 * its outcome:
 * - `SLEEP_<ms>`: the task runs for `<ms>` ms instead of `timing.taskRunningMs` (`/Shared/etl_SLEEP_5000`)
 * - `FAIL`: the task ends FAILED with `RUN_EXECUTION_ERROR`, and `runs/get-output` reports an error and a trace
 * - `INTERNAL_ERROR`: the task fails, and the run ends in life cycle state `INTERNAL_ERROR`
 */
export const markers = { sleep: /SLEEP_(\d+)/, fail: 'FAIL', internalError: 'INTERNAL_ERROR' } as const;

/** What a task of a run will do once it starts. */
export interface TaskPlan {
  readonly taskKey: string;
  readonly dependsOn: readonly string[];
  readonly runIf: RunIf;
  readonly durationMs: number;
  readonly fails: boolean;
  /** The task's own `timeout_seconds`, in ms (0: none). */
  readonly timeoutMs: number;
  readonly internalError: boolean;
}

/** Durations captured when a run is created, so a later `setTiming` only affects new runs. */
export interface RunTiming {
  readonly pendingMs: number;
  readonly terminatingMs: number;
  /** The job's (or submitted run's) `timeout_seconds`, in ms, counted from leaving the queue (0: none). */
  readonly timeoutMs?: number;
}

/** Terminal outcome of a task. */
export type TaskOutcome = 'SUCCESS' | 'FAILED' | 'TIMEDOUT' | 'UPSTREAM_FAILED' | 'EXCLUDED' | 'CANCELED';

export interface TaskSchedule {
  readonly startAt: number;
  readonly endAt: number;
  readonly outcome: TaskOutcome;
  /** False when the task never ran (skipped by run_if, or canceled before it started). */
  readonly ran: boolean;
}

/** The whole life of a started run. */
export interface RunSchedule {
  /** Left the queue: PENDING begins. */
  readonly startAt: number;
  /** RUNNING begins (setup done). */
  readonly executionStartAt: number;
  /** TERMINATING begins. */
  readonly executionEndAt: number;
  /** The run is terminal. */
  readonly endAt: number;
  readonly tasks: readonly TaskSchedule[];
  readonly outcome: RunOutcome;
}

export interface RunOutcome {
  readonly lifeCycleState: 'TERMINATED' | 'INTERNAL_ERROR' | 'SKIPPED';
  readonly resultState: string;
  readonly code: string;
  readonly type: 'SUCCESS' | 'CLIENT_ERROR' | 'INTERNAL_ERROR';
  readonly message: string;
}

/** Reads the markers of one task's settings. */
export function planTask(
  task: Record<string, unknown>,
  typeField: string | undefined,
  defaultMs: number,
): TaskPlan {
  const spec = JSON.stringify(typeField === undefined ? {} : (task[typeField] ?? {}));
  const sleep = markers.sleep.exec(spec);
  const internalError = spec.includes(markers.internalError);
  return {
    taskKey: task['task_key'] as string,
    dependsOn: ((task['depends_on'] as { task_key: string }[] | undefined) ?? []).map((d) => d.task_key),
    runIf: (task['run_if'] as RunIf | undefined) ?? 'ALL_SUCCESS',
    durationMs: sleep ? Number(sleep[1]) : defaultMs,
    fails: internalError || spec.includes(markers.fail),
    internalError,
    timeoutMs: typeof task['timeout_seconds'] === 'number' ? task['timeout_seconds'] * 1000 : 0,
  };
}

const failed = (o: TaskOutcome) => o === 'FAILED' || o === 'TIMEDOUT' || o === 'UPSTREAM_FAILED';

function runIfHolds(runIf: RunIf, deps: readonly TaskOutcome[]): boolean {
  if (deps.length === 0) return true;
  switch (runIf) {
    case 'ALL_SUCCESS':
      return deps.every((o) => o === 'SUCCESS');
    case 'ALL_DONE':
      return true;
    case 'NONE_FAILED':
      return !deps.some(failed);
    case 'AT_LEAST_ONE_SUCCESS':
      return deps.some((o) => o === 'SUCCESS');
    case 'ALL_FAILED':
      return deps.every(failed);
    case 'AT_LEAST_ONE_FAILED':
      return deps.some(failed);
  }
}

/**
 * Lays out a run that starts (leaves the queue) at `startAt`: setup, then tasks in dependency order, each
 * as soon as its dependencies end and only if its `run_if` holds, then cleanup. A task longer than its
 * `timeout_seconds` ends TIMEDOUT. A cancel at `cancelAt`, or the run's own timeout, cuts the run short:
 * unfinished tasks end CANCELED (or TIMEDOUT) and the run goes to TERMINATING at once.
 */
export function scheduleRun(
  plans: readonly TaskPlan[],
  order: readonly number[],
  startAt: number,
  timing: RunTiming,
  cancelAt?: number,
): RunSchedule {
  const executionStartAt = startAt + timing.pendingMs;
  const timeoutAt = timing.timeoutMs ? startAt + timing.timeoutMs : undefined;
  const timedOut = timeoutAt !== undefined && (cancelAt === undefined || timeoutAt < cancelAt);
  const stopAt = timedOut ? timeoutAt : cancelAt;
  const cutOutcome: TaskOutcome = timedOut ? 'TIMEDOUT' : 'CANCELED';
  const byKey = new Map<string, TaskSchedule>();
  const tasks = new Array<TaskSchedule>(plans.length);
  let cut = false;
  for (const i of order) {
    const plan = plans[i];
    const deps = plan.dependsOn.map((k) => byKey.get(k)).filter((d): d is TaskSchedule => d !== undefined);
    const readyAt = Math.max(executionStartAt, ...deps.map((d) => d.endAt));
    let schedule: TaskSchedule;
    if (
      !runIfHolds(
        plan.runIf,
        deps.map((d) => d.outcome),
      )
    ) {
      const upstreamFailed = deps.some((d) => failed(d.outcome) || d.outcome === 'CANCELED');
      schedule = {
        startAt: readyAt,
        endAt: readyAt,
        outcome: upstreamFailed ? 'UPSTREAM_FAILED' : 'EXCLUDED',
        ran: false,
      };
    } else {
      const overTime = plan.timeoutMs > 0 && plan.durationMs > plan.timeoutMs;
      schedule = {
        startAt: readyAt,
        endAt: readyAt + (overTime ? plan.timeoutMs : plan.durationMs),
        outcome: overTime ? 'TIMEDOUT' : plan.fails ? 'FAILED' : 'SUCCESS',
        ran: true,
      };
    }
    if (stopAt !== undefined && schedule.endAt > stopAt) {
      cut = true;
      const started = schedule.ran && schedule.startAt < stopAt;
      schedule = {
        startAt: started ? schedule.startAt : Math.max(stopAt, startAt),
        endAt: Math.max(stopAt, startAt),
        outcome: cutOutcome,
        ran: started,
      };
    }
    byKey.set(plan.taskKey, schedule);
    tasks[i] = schedule;
  }
  let executionEndAt = Math.max(executionStartAt, ...tasks.map((t) => t.endAt));
  const stopped = cut || (stopAt !== undefined && stopAt < executionEndAt);
  if (stopped) executionEndAt = Math.max(stopAt!, startAt);
  return {
    startAt,
    executionStartAt: stopped ? Math.min(executionStartAt, executionEndAt) : executionStartAt,
    executionEndAt,
    endAt: executionEndAt + timing.terminatingMs,
    tasks,
    outcome: !stopped
      ? runOutcome(plans, tasks)
      : timedOut
        ? timedOutOutcome(timing.timeoutMs!)
        : canceledOutcome,
  };
}

function timedOutOutcome(timeoutMs: number): RunOutcome {
  return {
    lifeCycleState: 'TERMINATED',
    resultState: 'TIMEDOUT',
    code: 'RUN_EXECUTION_ERROR',
    type: 'CLIENT_ERROR',
    message: `Run timed out after ${timeoutMs / 1000} seconds (timeout_seconds).`,
  };
}

const canceledOutcome: RunOutcome = {
  lifeCycleState: 'TERMINATED',
  resultState: 'CANCELED',
  code: 'USER_CANCELED',
  type: 'SUCCESS',
  message: 'Run was cancelled by a user.',
};

function runOutcome(plans: readonly TaskPlan[], tasks: readonly TaskSchedule[]): RunOutcome {
  const internal = plans.findIndex((p, i) => p.internalError && tasks[i].ran);
  if (internal >= 0) {
    return {
      lifeCycleState: 'INTERNAL_ERROR',
      resultState: 'FAILED',
      code: 'INTERNAL_ERROR',
      type: 'INTERNAL_ERROR',
      message: `Task ${plans[internal].taskKey} failed with an internal error in the Jobs service.`,
    };
  }
  const failures = tasks.filter((t) => failed(t.outcome));
  if (failures.length === 0) {
    return {
      lifeCycleState: 'TERMINATED',
      resultState: 'SUCCESS',
      code: 'SUCCESS',
      type: 'SUCCESS',
      message: '',
    };
  }
  // A run whose leaf tasks all succeeded still succeeds, with failures (the failed tasks were handled).
  const dependedOn = new Set(plans.flatMap((p) => p.dependsOn));
  const leaves = tasks.filter((_, i) => !dependedOn.has(plans[i].taskKey));
  if (leaves.every((t) => t.outcome === 'SUCCESS' || t.outcome === 'EXCLUDED')) {
    return {
      lifeCycleState: 'TERMINATED',
      resultState: 'SUCCESS_WITH_FAILURES',
      code: 'SUCCESS_WITH_FAILURES',
      type: 'SUCCESS',
      message: 'Some tasks failed, but every leaf task succeeded.',
    };
  }
  const firstFailed = plans.find((_, i) => tasks[i].outcome === 'FAILED');
  return {
    lifeCycleState: 'TERMINATED',
    resultState: 'FAILED',
    code: 'RUN_EXECUTION_ERROR',
    type: 'CLIENT_ERROR',
    message: firstFailed
      ? `Task ${firstFailed.taskKey} failed with message: Workload failed.`
      : 'Some tasks failed.',
  };
}
