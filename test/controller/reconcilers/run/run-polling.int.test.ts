import type { DatabricksRun } from '../../../../controller/reconcilers/run/run.js';
import { findCondition } from '../../../../controller/runtime/conditions.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { ManualClock, type RequestLogEntry } from '../../../fake-databricks/index.js';
import { RESOURCES, useOperatorTestBed } from '../../operator-test-bed.js';

const RUNS = RESOURCES.DatabricksRun;
const COUNT = 50;
const PAGE = 24;

describe('DatabricksRun reconciler: polling many active runs', () => {
  // The runs move on the fake's manual clock: all of them stay active for as long as the test looks at
  // them, however long a loaded machine takes to submit the fiftieth, and all end when the test says.
  const clock = new ManualClock();
  const bed = useOperatorTestBed('run-poll', { fake: { clock } });

  async function allRuns(): Promise<DatabricksRun[]> {
    const list = await bed.kube.list<DatabricksRun>(RUNS, bed.namespace);
    return list.items;
  }

  it(`follows ${COUNT} active runs with one paged runs/list per tick, and never polls a finished run`, async () => {
    const timing = { runPendingMs: 200, taskRunningMs: 15_000, runTerminatingMs: 100 };
    bed.fake.setTiming(timing);
    // From now on, as the real clock: the poller paces itself by the runs' start_time.
    clock.advance(Date.now() - clock.now());
    await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        bed.create(RUNS, 'DatabricksRun', `batch-${i}`, {
          workspaceRef: { name: 'ws' },
          submit: { tasks: [{ task_key: 'work', notebook_task: { notebook_path: `/Shared/work_${i}` } }] },
        }),
      ),
    );
    await pollUntil(`all ${COUNT} runs submitted`, async () =>
      bed.fake.requestCount('jobs/runs/submit', 200) >= COUNT ? true : undefined,
    );
    clock.advance(timing.runPendingMs);
    await pollUntil(
      `all ${COUNT} runs to be RUNNING`,
      async () => {
        const runs = await allRuns();
        return runs.filter((run) => run.status?.lifeCycleState === 'RUNNING').length === COUNT
          ? true
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    // While every run is active, a tick costs ceil(50 / 24) = 3 runs/list pages and no runs/get.
    const windowStart = Date.now();
    const seen = bed.fake.requests().length;
    const since = () => bed.fake.requests().slice(seen);
    const ticksOf = (entries: RequestLogEntry[]) =>
      entries.filter((entry) => entry.endpoint === 'jobs/runs/list' && !entry.query.includes('page_token'));
    const window = await pollUntil('three ticks', async () => {
      const entries = since();
      return ticksOf(entries).length >= 3 ? entries : undefined;
    });
    const windowMs = Date.now() - windowStart;
    const lists = window.filter((entry) => entry.endpoint === 'jobs/runs/list');
    expect(lists.every((entry) => /active_only=true/.test(entry.query))).toBe(true);
    expect(lists.length).toBeLessThanOrEqual(ticksOf(window).length * Math.ceil(COUNT / PAGE));
    expect(window.filter((entry) => entry.endpoint === 'jobs/runs/get')).toEqual([]);
    // The youngest run sets the cadence: about a second between ticks, not faster.
    expect(ticksOf(window).length).toBeLessThanOrEqual(Math.ceil(windowMs / 1_000) + 1);

    clock.advance(timing.taskRunningMs + timing.runTerminatingMs);
    await pollUntil(
      `all ${COUNT} runs to be Succeeded`,
      async () => {
        const runs = await allRuns();
        const succeeded = runs.filter(
          (run) => findCondition(run.status?.conditions, 'Succeeded')?.status === 'True',
        );
        return succeeded.length === COUNT ? runs : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 250 },
    );
    // Each run that left the active list was read once for its final state (and perhaps once more
    // right after it started, while it was the only run tracked).
    const getsPerRun = new Map<string, number>();
    for (const entry of bed.fake.requests({ endpoint: 'jobs/runs/get' })) {
      const runId = new URLSearchParams(entry.query).get('run_id') ?? '';
      getsPerRun.set(runId, (getsPerRun.get(runId) ?? 0) + 1);
    }
    expect(Math.max(...getsPerRun.values())).toBeLessThanOrEqual(2);
    expect(bed.fake.requestCount('jobs/runs/get')).toBeLessThanOrEqual(COUNT + 2);
    expect(bed.fake.requestCount('jobs/runs/get-output')).toBe(COUNT);

    // Finished: nothing polls any more.
    const before = bed.fake.requests().length;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(bed.fake.requests().length).toBe(before);
  }, 60_000);
});
