/**
 * How a fake pipeline update unfolds, computed from its plan and the clock, never from a timer (as runs do
 * in run-lifecycle.ts): the same plan and the same `now` always give the same state.
 *
 * QUEUED → CREATED → WAITING_FOR_RESOURCES → INITIALIZING → RESETTING (full refresh only) →
 * SETTING_UP_TABLES, each `stepMs`, then RUNNING. A triggered update runs `runningMs` and ends COMPLETED
 * (FAILED if its source carries the FAIL marker); a continuous one keeps RUNNING. A validate-only update
 * ends COMPLETED after SETTING_UP_TABLES. A stop goes through STOPPING (`stopMs`) to CANCELED.
 *
 * Markers anywhere in a pipeline's `libraries` (e.g. a notebook path) control its updates:
 * - `FAIL`: the update fails at the end of RUNNING (a continuous one after `runningMs`)
 * - `SLEEP_<ms>`: a triggered update runs that long
 */
export const pipelineMarkers = { sleep: /SLEEP_(\d+)/, fail: 'FAIL' } as const;

export type UpdateState =
  | 'QUEUED'
  | 'CREATED'
  | 'WAITING_FOR_RESOURCES'
  | 'INITIALIZING'
  | 'RESETTING'
  | 'SETTING_UP_TABLES'
  | 'RUNNING'
  | 'STOPPING'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELED';

export type PipelineState =
  | 'IDLE'
  | 'STARTING'
  | 'DEPLOYING'
  | 'RESETTING'
  | 'RUNNING'
  | 'STOPPING'
  | 'RECOVERING'
  | 'FAILED'
  | 'DELETED';

const TERMINAL: ReadonlySet<UpdateState> = new Set(['COMPLETED', 'FAILED', 'CANCELED']);

/** Whether an update has ended. */
export function isTerminal(state: UpdateState): boolean {
  return TERMINAL.has(state);
}

/** What an update will do, fixed when it starts (later timing changes affect only new updates). */
export interface UpdatePlan {
  readonly createdAt: number;
  readonly continuous: boolean;
  readonly resets: boolean;
  readonly validateOnly: boolean;
  readonly fails: boolean;
  readonly stepMs: number;
  readonly runningMs: number;
  readonly stopMs: number;
  /** When a stop was asked for, if it was. */
  readonly stopAt?: number;
}

/** Reads the markers of a pipeline's libraries. */
export function markersOf(
  libraries: unknown,
  defaultRunningMs: number,
): { fails: boolean; runningMs: number } {
  const text = JSON.stringify(libraries ?? []);
  const sleep = pipelineMarkers.sleep.exec(text);
  return {
    fails: text.includes(pipelineMarkers.fail),
    runningMs: sleep ? Number(sleep[1]) : defaultRunningMs,
  };
}

interface Phase {
  readonly state: UpdateState;
  readonly from: number;
}

/** Where the update would be without a stop: its phases in order, and when (and how) it ends. */
function unstoppedPhases(plan: UpdatePlan): { phases: Phase[]; end?: { at: number; state: UpdateState } } {
  const names: UpdateState[] = ['QUEUED', 'CREATED', 'WAITING_FOR_RESOURCES', 'INITIALIZING'];
  if (plan.resets) names.push('RESETTING');
  names.push('SETTING_UP_TABLES');
  const phases = names.map((state, i) => ({ state, from: plan.createdAt + i * plan.stepMs }));
  const setupEnd = plan.createdAt + names.length * plan.stepMs;
  if (plan.validateOnly) return { phases, end: { at: setupEnd, state: 'COMPLETED' } };
  phases.push({ state: 'RUNNING', from: setupEnd });
  if (plan.continuous && !plan.fails) return { phases };
  return { phases, end: { at: setupEnd + plan.runningMs, state: plan.fails ? 'FAILED' : 'COMPLETED' } };
}

/** The update's state at `now`, and when it ended if it has. */
export function updateStateAt(plan: UpdatePlan, now: number): { state: UpdateState; endedAt?: number } {
  const { phases, end } = unstoppedPhases(plan);
  const stopped = plan.stopAt !== undefined && (end === undefined || plan.stopAt < end.at);
  if (stopped) {
    const stopAt = plan.stopAt as number;
    if (now >= stopAt + plan.stopMs) return { state: 'CANCELED', endedAt: stopAt + plan.stopMs };
    if (now >= stopAt) return { state: 'STOPPING' };
  } else if (end && now >= end.at) {
    return { state: end.state, endedAt: end.at };
  }
  let state: UpdateState = 'QUEUED';
  for (const phase of phases) if (now >= phase.from) state = phase.state;
  return { state };
}

/** The pipeline state an update in `state` gives its pipeline. */
export function pipelineStateFor(state: UpdateState): PipelineState {
  switch (state) {
    case 'QUEUED':
    case 'CREATED':
    case 'WAITING_FOR_RESOURCES':
    case 'INITIALIZING':
      return 'STARTING';
    case 'RESETTING':
      return 'RESETTING';
    case 'SETTING_UP_TABLES':
    case 'RUNNING':
      return 'RUNNING';
    case 'STOPPING':
      return 'STOPPING';
    case 'FAILED':
      return 'FAILED';
    case 'COMPLETED':
    case 'CANCELED':
      return 'IDLE';
  }
}
