/**
 * Watches the active runs of one workspace on behalf of every DatabricksRun in it, so that polling costs
 * the same whether one run or a hundred are going.
 *
 * Each tick reads `runs/list?active_only=true&expand_tasks=true` (24 runs a page) once and serves every
 * tracked run from it. A tracked run missing from that listing has just finished (or was deleted): one
 * `runs/get` learns its final state, and from then on it is no longer polled. When the workspace has so
 * many other active runs that the listing would cost more pages than there are tracked runs, the tick
 * reads the tracked runs with `runs/get` instead.
 *
 * Ticks come as often as the youngest tracked run needs: a run is looked at every tenth of its age,
 * within 1 s and 30 s, so a short run is seen finishing within about a second and a run of hours costs a
 * listing page every 30 s. The poller wakes a DatabricksRun (through `wake`) only when what it shows in
 * status changed; reconciles read the latest observation with {@link RunPoller.track}.
 */
import type { RunLifeCycleState } from '../../../lib/crds/index.js';
import { formatId, NotFoundError, type JobsApi, type Run } from '../../databricks/index.js';
import type { Logger } from '../../runtime/logger.js';

/** Tunables of the run polling cadence. */
export interface RunPollingOptions {
  /** Shortest time between two looks at a run (a run that just started). @default 1_000 */
  readonly minIntervalMs: number;
  /** Longest time between two looks at a run, however long it has been going. @default 30_000 */
  readonly maxIntervalMs: number;
  /** A run is looked at again after this fraction of its age. @default 0.1 */
  readonly ageFraction: number;
  /** `runs/get` calls of one tick in flight at once. @default 8 */
  readonly getConcurrency: number;
  /** How long the final observation of a run is kept for its reconcile to pick up. @default 600_000 */
  readonly keepFinishedMs: number;
}

export const defaultRunPollingOptions: RunPollingOptions = {
  minIntervalMs: 1_000,
  maxIntervalMs: 30_000,
  ageFraction: 0.1,
  getConcurrency: 8,
  keepFinishedMs: 600_000,
};

/** What the poller last saw of a run. */
export type RunObservation =
  { readonly state: 'active' | 'finished'; readonly run: Run } | { readonly state: 'notFound' };

/** The part of the Databricks client the poller reads through. */
export interface RunReader {
  readonly jobs: Pick<JobsApi, 'listRuns' | 'getRun'>;
}

/** The life cycle states of a run that has ended (each one of the CRD's, so a misspelling fails to compile). */
const TERMINAL_LIFE_CYCLE: ReadonlySet<string> = new Set<RunLifeCycleState>([
  'TERMINATED',
  'SKIPPED',
  'INTERNAL_ERROR',
]);

/** Whether the run has ended (newer `status.state`, or the legacy life cycle for older answers). */
export function isRunFinished(run: Run): boolean {
  return (
    run.status?.state === 'TERMINATED' ||
    (run.state?.life_cycle_state !== undefined && TERMINAL_LIFE_CYCLE.has(run.state.life_cycle_state))
  );
}

/** How long a run that started at `startedAt` may go unobserved. */
export function pollIntervalMs(startedAt: number, now: number, options: RunPollingOptions): number {
  const age = Math.max(0, now - startedAt);
  return Math.min(options.maxIntervalMs, Math.max(options.minIntervalMs, age * options.ageFraction));
}

interface TrackedRun {
  readonly runId: string;
  /** The DatabricksRun to wake (`namespace/name`). */
  key: string;
  /** When tracking began: the run's age until Databricks says when it started. */
  readonly since: number;
  /** Start of the last tick that observed it. */
  polledAt?: number;
  observation?: RunObservation;
}

/** Polls the tracked runs of one workspace. */
export class RunPoller {
  private readonly tracked = new Map<string, TrackedRun>();
  private readonly finished = new Map<string, { observation: RunObservation; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private ticking = false;
  private stopped = false;
  private failures = 0;
  private retryAt = 0;
  /** Active runs in the workspace at the last listing (tracked or not): what a listing costs. */
  private activeRuns = 0;
  /** Calls made, for tests and benchmarks. */
  readonly stats = { ticks: 0, listings: 0, gets: 0, failures: 0 };

  constructor(
    private client: RunReader,
    private readonly wake: (key: string) => void,
    private readonly options: RunPollingOptions = defaultRunPollingOptions,
    private readonly log?: Logger,
  ) {}

  /**
   * Starts (or keeps) watching run `runId` for the DatabricksRun `key`, and returns what was last seen
   * of it: nothing yet right after it started, `finished` once its final state is known (it is then no
   * longer polled), `notFound` when Databricks no longer has it.
   */
  track(runId: string, key: string): RunObservation | undefined {
    const done = this.finished.get(runId);
    if (done) return done.observation;
    const entry = this.tracked.get(runId);
    if (entry) {
      entry.key = key;
      return entry.observation;
    }
    this.tracked.set(runId, { runId, key, since: Date.now() });
    this.schedule();
    return undefined;
  }

  /** Reads through `client` from now on (the workspace's client was rebuilt). */
  useClient(client: RunReader): void {
    this.client = client;
  }

  /** Stops watching `runId` and drops what was seen of it (its object is gone). */
  forget(runId: string): void {
    this.tracked.delete(runId);
    this.finished.delete(runId);
  }

  /** How many runs are polled now. */
  get trackedRuns(): number {
    return this.tracked.size;
  }

  /** Stops polling for good (shutdown). */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private schedule(): void {
    if (this.stopped || this.ticking || this.tracked.size === 0) {
      if (this.tracked.size === 0) this.clearTimer();
      return;
    }
    const now = Date.now();
    let dueAt = Infinity;
    for (const entry of this.tracked.values()) {
      const last = entry.polledAt ?? entry.since;
      dueAt = Math.min(dueAt, last + pollIntervalMs(this.startedAt(entry), now, this.options));
    }
    dueAt = Math.max(dueAt, this.retryAt);
    if (this.timer && this.timerAt <= dueAt) return;
    this.clearTimer();
    this.timerAt = dueAt;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, dueAt - now));
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private startedAt(entry: TrackedRun): number {
    const observed = entry.observation?.state === 'active' ? entry.observation.run.start_time : undefined;
    return observed && observed > 0 ? observed : entry.since;
  }

  private async tick(): Promise<void> {
    this.clearTimer();
    if (this.stopped) return;
    this.ticking = true;
    const startedAt = Date.now();
    // Only runs tracked before the listing began may be judged by their absence from it.
    const entries = [...this.tracked.values()];
    this.stats.ticks++;
    try {
      await this.observe(entries, (entry, observation) => this.record(entry, observation, startedAt));
      this.log?.debug('polled active runs', { tracked: entries.length, tookMs: Date.now() - startedAt });
      this.failures = 0;
      this.retryAt = 0;
      this.pruneFinished(startedAt);
    } catch (error) {
      // The client has already retried what can be retried; look again later, less often.
      this.failures++;
      this.stats.failures++;
      const backoff = Math.min(this.options.maxIntervalMs, this.options.minIntervalMs * 2 ** this.failures);
      this.retryAt = Date.now() + backoff;
      this.log?.warn('polling active runs failed', { error, retryInMs: backoff });
    } finally {
      this.ticking = false;
      this.schedule();
    }
  }

  /** Takes in one observation, as soon as it is made, so a run that ended is reported without delay. */
  private record(entry: TrackedRun, observation: RunObservation, tickStartedAt: number): void {
    if (this.tracked.get(entry.runId) !== entry) return;
    entry.polledAt = tickStartedAt;
    const changed = fingerprint(observation) !== fingerprint(entry.observation);
    entry.observation = observation;
    if (observation.state !== 'active') {
      this.tracked.delete(entry.runId);
      this.finished.set(entry.runId, { observation, at: Date.now() });
    }
    if (changed) this.wake(entry.key);
  }

  /** One look at `entries`: the active listing (or single reads), then a read of each run not in it. */
  private async observe(
    entries: readonly TrackedRun[],
    record: (entry: TrackedRun, observation: RunObservation) => void,
  ): Promise<void> {
    const seen = new Set<string>();
    const listingPages = Math.max(1, Math.ceil(this.activeRuns / LIST_PAGE_SIZE));
    if (entries.length > listingPages) {
      let active = 0;
      this.stats.listings++;
      for await (const run of this.client.jobs.listRuns({
        active_only: true,
        expand_tasks: true,
        limit: LIST_PAGE_SIZE,
      })) {
        active++;
        const entry = this.tracked.get(formatId(run.run_id));
        if (!entry) continue;
        seen.add(entry.runId);
        record(entry, observationOf(run));
      }
      this.activeRuns = active;
    }
    const unseen = entries.filter((entry) => !seen.has(entry.runId));
    let next = 0;
    const reader = async (): Promise<void> => {
      for (let entry = unseen[next++]; entry; entry = unseen[next++]) {
        record(entry, await this.read(entry.runId));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.getConcurrency, unseen.length) }, reader));
  }

  private async read(runId: string): Promise<RunObservation> {
    this.stats.gets++;
    try {
      return observationOf(await this.client.jobs.getRun(runId));
    } catch (error) {
      if (error instanceof NotFoundError) return { state: 'notFound' };
      throw error;
    }
  }

  private pruneFinished(now: number): void {
    for (const [runId, { at }] of this.finished) {
      if (now - at > this.options.keepFinishedMs) this.finished.delete(runId);
    }
  }
}

/** runs/list pages hold fewer than 25 runs (BEHAVIOUR.md §1.1). */
const LIST_PAGE_SIZE = 24;

function observationOf(run: Run): RunObservation {
  return { state: isRunFinished(run) ? 'finished' : 'active', run };
}

/** What a DatabricksRun's status shows of an observation: a change here is worth a reconcile. */
function fingerprint(observation: RunObservation | undefined): string {
  if (!observation) return '';
  if (observation.state === 'notFound') return 'notFound';
  const { run } = observation;
  return JSON.stringify([
    run.state?.life_cycle_state,
    run.state?.result_state,
    run.state?.state_message,
    run.status,
    run.start_time,
    run.end_time,
    run.run_page_url,
    run.tasks?.map((task) => [
      task.task_key,
      task.run_id,
      task.state?.life_cycle_state,
      task.state?.result_state,
    ]),
  ]);
}

/** The run poller of each workspace, keyed `namespace/name`. */
export class RunPollers {
  private readonly pollers = new Map<string, RunPoller>();
  private stopped = false;

  constructor(
    private readonly wake: (key: string) => void,
    readonly options: RunPollingOptions = defaultRunPollingOptions,
    private readonly log?: Logger,
  ) {}

  /** The poller of workspace `workspaceKey`, reading through `client` (the workspace's current client). */
  of(workspaceKey: string, client: RunReader): RunPoller {
    let poller = this.pollers.get(workspaceKey);
    if (!poller) {
      poller = new RunPoller(client, this.wake, this.options, this.log?.with({ workspace: workspaceKey }));
      if (this.stopped) poller.stop();
      this.pollers.set(workspaceKey, poller);
    }
    poller.useClient(client);
    return poller;
  }

  /** The poller of `workspaceKey` if one exists (cleanup of an object whose workspace may be gone). */
  existing(workspaceKey: string): RunPoller | undefined {
    return this.pollers.get(workspaceKey);
  }

  /** Stops every poller (shutdown or lost leadership). */
  stop(): void {
    this.stopped = true;
    for (const poller of this.pollers.values()) poller.stop();
  }
}
