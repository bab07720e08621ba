import { NotFoundError, type ListRunsRequest, type Run } from '../../../../controller/databricks/index.js';
import {
  RunPoller,
  pollIntervalMs,
  type RunPollingOptions,
  type RunReader,
} from '../../../../controller/reconcilers/run/run-poller.js';
import { pollUntil } from '../../../control-plane/poll-until.js';

const options: RunPollingOptions = {
  minIntervalMs: 20,
  maxIntervalMs: 200,
  ageFraction: 0.1,
  getConcurrency: 4,
  keepFinishedMs: 60_000,
};

const running = (runId: number, startTime = Date.now()): Run => ({
  run_id: runId,
  start_time: startTime,
  state: { life_cycle_state: 'RUNNING' },
  status: { state: 'RUNNING' },
});

const finished = (runId: number): Run => ({
  run_id: runId,
  state: { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS' },
  status: { state: 'TERMINATED', termination_details: { code: 'SUCCESS', type: 'SUCCESS' } },
});

/** A workspace's runs as runs/list?active_only and runs/get show them, counting the calls. */
class ScriptedRuns implements RunReader {
  readonly runs = new Map<number, Run>();
  listings = 0;
  pages = 0;
  readonly gets: string[] = [];
  failNext = 0;

  readonly jobs: RunReader['jobs'] = {
    listRuns: (request?: ListRunsRequest) => this.list(request ?? {}),
    getRun: async (runId) => {
      this.gets.push(String(runId));
      const run = this.runs.get(Number(runId));
      if (!run)
        throw new NotFoundError(
          400,
          'INVALID_PARAMETER_VALUE',
          `Run ${runId} does not exist.`,
          'jobs/runs/get',
        );
      return run;
    },
  };

  set(...runs: Run[]): void {
    for (const run of runs) this.runs.set(Number(run.run_id), run);
  }

  private async *list(request: ListRunsRequest): AsyncGenerator<Run, void, undefined> {
    this.listings++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('injected: runs/list failed');
    }
    expect(request).toMatchObject({ active_only: true, expand_tasks: true });
    const active = [...this.runs.values()].filter((run) => run.status?.state !== 'TERMINATED');
    const limit = request.limit ?? 20;
    for (let i = 0; i < Math.max(1, active.length); i += limit) {
      this.pages++;
      yield* active.slice(i, i + limit);
    }
  }
}

describe('RunPoller', () => {
  const pollers: RunPoller[] = [];
  const start = (runs: ScriptedRuns, wake: (key: string) => void = () => undefined): RunPoller => {
    const poller = new RunPoller(runs, wake, options);
    pollers.push(poller);
    return poller;
  };
  afterEach(() => {
    for (const poller of pollers.splice(0)) poller.stop();
  });

  it('looks at a young run every minimum interval, at a tenth of its age later, and at most every maximum', () => {
    const now = 1_000_000;
    expect(pollIntervalMs(now, now, options)).toBe(20);
    expect(pollIntervalMs(now - 1_000, now, options)).toBe(100);
    expect(pollIntervalMs(now - 3_600_000, now, options)).toBe(200);
  });

  it('serves every tracked run from one listing per tick and wakes only the runs whose state changed', async () => {
    const runs = new ScriptedRuns();
    const ids = Array.from({ length: 60 }, (_, i) => 100 + i);
    runs.set(...ids.map((id) => running(id)));
    const woken: string[] = [];
    const poller = start(runs, (key) => woken.push(key));
    for (const id of ids) expect(poller.track(String(id), `ns/run-${id}`)).toBeUndefined();

    await pollUntil('every run observed', async () => (woken.length === 60 ? true : undefined));
    expect(runs.pages).toBe(3 * runs.listings);
    expect(runs.listings).toBe(poller.stats.ticks);
    expect(runs.gets).toEqual([]);
    expect(poller.track('100', 'ns/run-100')).toMatchObject({ state: 'active', run: { run_id: 100 } });

    // A second tick that sees the same states wakes nobody.
    // Ticks run one after another: a third one started means the second has ended.
    await pollUntil('a second tick', async () => (poller.stats.ticks >= 3 ? true : undefined));
    expect(woken).toHaveLength(60);
    expect(runs.gets).toEqual([]);
  });

  it('reads a run that left the active listing once, reports it finished and never polls it again', async () => {
    const runs = new ScriptedRuns();
    runs.set(running(1), running(2), running(3));
    const woken: string[] = [];
    const poller = start(runs, (key) => woken.push(key));
    for (const id of [1, 2, 3]) poller.track(String(id), `ns/run-${id}`);
    await pollUntil('first observations', async () => (woken.length === 3 ? true : undefined));

    runs.set(finished(2));
    await pollUntil('run 2 finished', async () => (woken.length === 4 ? true : undefined));
    expect(woken[3]).toBe('ns/run-2');
    expect(runs.gets).toEqual(['2']);
    expect(poller.track('2', 'ns/run-2')).toMatchObject({ state: 'finished', run: { run_id: 2 } });
    expect(poller.trackedRuns).toBe(2);

    const listings = runs.listings;
    await pollUntil('two more ticks', async () => (runs.listings >= listings + 2 ? true : undefined));
    expect(runs.gets).toEqual(['2']);
  });

  it('reports a run Databricks no longer has as not found, once', async () => {
    const runs = new ScriptedRuns();
    const woken: string[] = [];
    const poller = start(runs, (key) => woken.push(key));
    poller.track('9', 'ns/gone');
    await pollUntil('the run reported', async () => (woken.length === 1 ? true : undefined));
    expect(poller.track('9', 'ns/gone')).toEqual({ state: 'notFound' });
    expect(poller.trackedRuns).toBe(0);
    expect(runs.gets).toEqual(['9']);
  });

  it('reads a lone run with runs/get when the workspace has more active runs than that would cost', async () => {
    const runs = new ScriptedRuns();
    runs.set(...Array.from({ length: 100 }, (_, i) => running(i + 1)));
    const poller = start(runs);
    poller.track('1', 'ns/a');
    poller.track('2', 'ns/b');
    // Two tracked runs among 100 active: after one listing shows that, two reads beat five pages.
    await pollUntil('a tick of reads', async () => (runs.gets.length >= 2 ? true : undefined));
    expect(runs.listings).toBe(1);
    expect(runs.pages).toBe(5);
    expect(runs.gets.slice(0, 2).sort()).toEqual(['1', '2']);
  });

  it('backs off after a failed tick and then carries on, without waking anything for the failure', async () => {
    const runs = new ScriptedRuns();
    runs.set(running(1), running(2));
    runs.failNext = 2;
    const woken: string[] = [];
    const poller = start(runs, (key) => woken.push(key));
    const began = Date.now();
    poller.track('1', 'ns/a');
    poller.track('2', 'ns/b');
    await pollUntil('observations after the failures', async () => (woken.length === 2 ? true : undefined));
    expect(poller.stats.failures).toBe(2);
    // 20 ms, then backoffs of 40 and 80 ms: 140 ms, less a few for timers that fire a millisecond early
    // and Date.now() rounding (a poller with no backoff is done in about 20).
    expect(Date.now() - began).toBeGreaterThanOrEqual(130);
  });
});
