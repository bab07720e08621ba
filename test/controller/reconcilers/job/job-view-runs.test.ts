import { jest } from '@jest/globals';
import { formatId, type Run } from '../../../../controller/databricks/index.js';
import {
  JobView,
  defaultJobViewOptions,
  isActiveRun,
} from '../../../../controller/reconcilers/job/job-view.js';
import { ManualClock } from '../../../fake-databricks/index.js';
import { startClientBed, type ClientBed } from '../../databricks/client-test-bed.js';

// Databricks' clock runs an hour behind this process's: the walks must go by Databricks' timestamps.
const clock = new ManualClock(Date.now() - 3_600_000);
const timing = { runPendingMs: 1_000, taskRunningMs: 5_000, runTerminatingMs: 1_000 };

/** Moves this process's clock (`Date.now`) against the real one: how a test ages a view's cached reads. */
function shiftLocalClock(): { shift(ms: number): void; restore(): void } {
  const realNow = Date.now.bind(Date);
  let offset = 0;
  const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
  return {
    shift: (ms) => {
      offset += ms;
    },
    restore: () => spy.mockRestore(),
  };
}

describe('JobView: the newest run of each job', () => {
  let bed: ClientBed;
  beforeAll(async () => {
    bed = await startClientBed({ clock, timing });
  });
  afterAll(() => bed.close());
  beforeEach(() => {
    bed.fake.reset();
  });

  /** A view that reads afresh on every call. */
  const freshView = () => new JobView(bed.client, { ...defaultJobViewOptions, runsMaxAgeMs: 0 });

  /** A job whose runs take about 7 s, or as long as a `SLEEP_<ms>` marker in `notebookPath` says. */
  async function createJob(name: string, notebookPath = '/a', maxConcurrentRuns = 10): Promise<string> {
    const { job_id } = (await bed.fake.ui.call('jobs/create', {
      name,
      max_concurrent_runs: maxConcurrentRuns,
      tasks: [{ task_key: 'a', notebook_task: { notebook_path: notebookPath } }],
    })) as { job_id: number };
    return formatId(job_id);
  }

  const idOf = (run: Run | undefined) => (run ? formatId(run.run_id) : undefined);
  const stateOf = (run: Run | undefined) => run?.state?.result_state ?? run?.state?.life_cycle_state;

  async function runNow(jobId: string): Promise<string> {
    const { run_id } = (await bed.fake.ui.call('jobs/run-now', { job_id: jobId })) as { run_id: number };
    return formatId(run_id);
  }

  it('gives each job its newest run from one walk of all runs', async () => {
    const a = await createJob('a');
    const b = await createJob('b');
    await runNow(a);
    clock.advance(10);
    const newestOfA = await runNow(a);
    clock.advance(10);
    const onlyOfB = await runNow(b);
    const view = freshView();

    expect(formatId((await view.lastRun(a))?.run_id ?? 0)).toBe(newestOfA);
    expect(formatId((await view.lastRun(b))?.run_id ?? 0)).toBe(onlyOfB);
    expect(await view.lastRun('123')).toBeUndefined();
  });

  it('follows a run that started before the previous walk through each state to its end', async () => {
    const jobId = await createJob('long');
    const runId = await runNow(jobId);
    const view = freshView();
    const state = async () => {
      const run = await view.lastRun(jobId);
      expect(formatId(run?.run_id ?? 0)).toBe(runId);
      return run?.state?.result_state ?? run?.state?.life_cycle_state;
    };

    expect(['QUEUED', 'PENDING']).toContain(await state());
    // Long after the walk above, the run sorts by its old start time, behind where the next walk stops.
    clock.advance(3_000);
    expect(await state()).toBe('RUNNING');
    clock.advance(10_000);
    expect(await state()).toBe('SUCCESS');
  });

  it('reads only the runs started since the previous walk while no followed run is still going', async () => {
    const jobId = await createJob('busy');
    for (let i = 0; i < 30; i++) {
      await runNow(jobId);
      clock.advance(10_000);
    }
    const view = freshView();
    await view.lastRun(jobId);
    bed.fake.clearRequests();

    clock.advance(60_000);
    const latest = await view.lastRun(jobId);
    expect(latest && isActiveRun(latest)).toBe(false);
    // One page, stopped at the first run that started before the previous walk; nothing to follow.
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/runs/list 200': 1 });
  });

  it('reports the final state of a run that started before another run but ended after it', async () => {
    const slowJob = await createJob('slow', '/Shared/slow_SLEEP_60000');
    const quickJob = await createJob('quick');
    const slow = await runNow(slowJob);
    clock.advance(1_000);
    const quickFirst = await runNow(quickJob);
    clock.advance(9_000);
    // The quick job's first run has ended (after 7 s), and it runs again.
    const quickSecond = await runNow(quickJob);
    clock.advance(100);
    const view = freshView();
    expect(stateOf(await view.lastRun(slowJob))).toBe('RUNNING');
    expect(idOf(await view.lastRun(quickJob))).toBe(quickSecond);

    clock.advance(60_000);
    bed.fake.clearRequests();
    // runs/list now gives quickSecond, quickFirst, slow: the slow run sorts behind two runs that ended
    // before it, one of them before the previous walk even began.
    const slowEnded = await view.lastRun(slowJob);
    expect(idOf(slowEnded)).toBe(slow);
    expect(stateOf(slowEnded)).toBe('SUCCESS');
    // One page of new runs, and one runs/get for the one run that left the active set.
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/runs/list 200': 1, 'jobs/runs/get 200': 1 });
    const quickEnded = await bed.client.jobs.getRun(quickFirst);
    expect(slowEnded?.end_time).toBeGreaterThan(quickEnded.end_time ?? Infinity);
  });

  it('reports a run started after the previous walk, without reading the run it replaces', async () => {
    const jobId = await createJob('again', '/Shared/again_SLEEP_60000');
    const first = await runNow(jobId);
    const view = freshView();
    expect(idOf(await view.lastRun(jobId))).toBe(first);

    clock.advance(5_000);
    const second = await runNow(jobId);
    clock.advance(10);
    bed.fake.clearRequests();
    const latest = await view.lastRun(jobId);
    expect(idOf(latest)).toBe(second);
    expect(['QUEUED', 'PENDING']).toContain(stateOf(latest));
    // The first run is still going, but it is no longer the job's newest: nothing follows it.
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/runs/list 200': 1 });
  });

  it('gives a job with many runs its most recently started one, whatever order they end in', async () => {
    const jobId = await createJob('many', '/Shared/many_SLEEP_100000', 100);
    const runs: string[] = [];
    for (let i = 0; i < 59; i++) {
      runs.push(await runNow(jobId));
      clock.advance(1_000);
    }
    // The newest run is quick: it ends long before the 59 that started before it.
    await bed.fake.ui.call('jobs/reset', {
      job_id: jobId,
      new_settings: {
        name: 'many',
        max_concurrent_runs: 100,
        tasks: [{ task_key: 'a', notebook_task: { notebook_path: '/a' } }],
      },
    });
    const newest = await runNow(jobId);
    const view = freshView();
    bed.fake.clearRequests();
    expect(idOf(await view.lastRun(jobId))).toBe(newest);
    // The first walk: 60 runs started within the lookback (3 pages), and the active runs (3 pages).
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/runs/list 200': 6 });

    clock.advance(10_000);
    bed.fake.clearRequests();
    const ended = await view.lastRun(jobId);
    expect([idOf(ended), stateOf(ended)]).toEqual([newest, 'SUCCESS']);
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/runs/list 200': 1 });
    expect(stateOf(await bed.client.jobs.getRun(runs[0]))).toBe('RUNNING');

    clock.advance(200_000);
    expect([idOf(await view.lastRun(jobId)), stateOf(await view.lastRun(jobId))]).toEqual([
      newest,
      'SUCCESS',
    ]);
  });

  it('follows several unfinished runs with one active_only listing, and reads only those that left it', async () => {
    const durations = [20_000, 20_000, 100_000, 100_000, 100_000];
    const jobs: string[] = [];
    const runs: string[] = [];
    for (const [i, ms] of durations.entries()) {
      jobs.push(await createJob(`job-${i}`, `/Shared/job_${i}_SLEEP_${ms}`));
      runs.push(await runNow(jobs[i]));
      clock.advance(2_000);
    }
    const localClock = shiftLocalClock();
    try {
      const view = new JobView(bed.client);
      for (const [i, jobId] of jobs.entries()) expect(idOf(await view.lastRun(jobId))).toBe(runs[i]);

      clock.advance(30_000);
      localClock.shift(defaultJobViewOptions.runsMaxAgeMs);
      bed.fake.clearRequests();
      const [first, second, third] = [
        await view.lastRun(jobs[0]),
        await view.lastRun(jobs[1]),
        await view.lastRun(jobs[2]),
      ];
      expect([stateOf(first), stateOf(second), stateOf(third)]).toEqual(['SUCCESS', 'SUCCESS', 'RUNNING']);
      // One walk: a page of new runs (only the newest run is that recent), one active_only page for the
      // four runs it did not reach, and a runs/get for each of the two missing from it.
      expect(bed.fake.requests({ endpoint: 'jobs/runs/list' }).map((request) => request.query)).toEqual([
        expect.not.stringContaining('active_only'),
        expect.stringContaining('active_only=true'),
      ]);
      expect(
        bed.fake
          .requests({ endpoint: 'jobs/runs/get' })
          .map((request) => request.query)
          .sort(),
      ).toEqual([expect.stringContaining(`run_id=${runs[0]}`), expect.stringContaining(`run_id=${runs[1]}`)]);
    } finally {
      localClock.restore();
    }
  });

  it('reads again a run an earlier walk saw going when its job is first asked about', async () => {
    const localClock = shiftLocalClock();
    try {
      const unfollowed = await createJob('asked-late', '/Shared/late_SLEEP_60000');
      const other = await createJob('asked-first');
      const lateRun = await runNow(unfollowed);
      clock.advance(2_000);
      await runNow(other);
      const view = new JobView(bed.client);
      await view.lastRun(other);

      clock.advance(100_000);
      localClock.shift(defaultJobViewOptions.runsMaxAgeMs);
      await view.lastRun(other);
      bed.fake.clearRequests();
      // The walk just read followed only the job asked about; the late run ended unseen.
      const late = await view.lastRun(unfollowed);
      expect([idOf(late), stateOf(late)]).toEqual([lateRun, 'SUCCESS']);
      expect(bed.fake.requestCounts()).toEqual({ 'jobs/runs/get 200': 1 });
    } finally {
      localClock.restore();
    }
  });

  it("reports a job's newest remaining run when the run it followed was deleted", async () => {
    const jobId = await createJob('pruned', '/Shared/pruned_SLEEP_20000');
    const kept = await runNow(jobId);
    clock.advance(30_000);
    const deleted = await runNow(jobId);
    const view = freshView();
    expect(idOf(await view.lastRun(jobId))).toBe(deleted);

    clock.advance(30_000);
    await bed.fake.ui.call('jobs/runs/delete', { run_id: deleted });
    bed.fake.clearRequests();
    const latest = await view.lastRun(jobId);
    expect([idOf(latest), stateOf(latest)]).toEqual([kept, 'SUCCESS']);
    expect(bed.fake.requests({ endpoint: 'jobs/runs/list' }).map((request) => request.query)).toEqual([
      expect.not.stringContaining('job_id'),
      expect.stringContaining(`job_id=${jobId}`),
    ]);
  });

  it('reads runs started within the lookback on its first walk, and those before it only while they go on', async () => {
    const hour = 3_600_000;
    const view = new JobView(bed.client, { ...defaultJobViewOptions, initialRunsLookbackMs: hour });
    const endedJob = await createJob('ended-long-ago');
    await runNow(endedJob);
    const goingJob = await createJob('going-for-hours', '/Shared/going_SLEEP_36000000');
    const going = await runNow(goingJob);
    clock.advance(2 * hour);
    const recentJob = await createJob('recent');
    const recent = await runNow(recentJob);
    clock.advance(10);
    bed.fake.clearRequests();
    // The lookback is counted on this process's clock, which here agrees with Databricks'.
    const localClock = shiftLocalClock();
    localClock.shift(clock.now() - Date.now());
    try {
      expect(idOf(await view.lastRun(recentJob))).toBe(recent);
      // One page, stopped at the first run older than the lookback, and one active_only page.
      expect(bed.fake.requests({ endpoint: 'jobs/runs/list' }).map((request) => request.query)).toEqual([
        expect.not.stringContaining('active_only'),
        expect.stringContaining('active_only=true'),
      ]);
      expect(await view.lastRun(endedJob)).toBeUndefined();
      expect(idOf(await view.lastRun(goingJob))).toBe(going);
    } finally {
      localClock.restore();
    }
  });

  it('reads at most maxRunsPages pages of new runs in one walk', async () => {
    const jobs: string[] = [];
    for (let i = 0; i < 30; i++) {
      jobs.push(await createJob(`burst-${i}`));
      await runNow(jobs[i]);
      clock.advance(100);
    }
    clock.advance(10_000);
    const view = new JobView(bed.client, { ...defaultJobViewOptions, maxRunsPages: 1 });
    bed.fake.clearRequests();

    expect(stateOf(await view.lastRun(jobs[29]))).toBe('SUCCESS');
    expect(await view.lastRun(jobs[0])).toBeUndefined();
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/runs/list 200': 2 });
  });
});

describe('JobView: finding the job an owner created', () => {
  let bed: ClientBed;
  beforeAll(async () => {
    bed = await startClientBed();
  });
  afterAll(() => bed.close());
  beforeEach(() => {
    bed.fake.reset();
  });

  async function createOwned(name: string, uid: string): Promise<string> {
    const { job_id } = (await bed.fake.ui.call('jobs/create', {
      name,
      tags: { 'k8s-owner': `ns/${name}`, 'k8s-owner-uid': uid },
    })) as { job_id: number };
    return formatId(job_id);
  }

  it('asks for the jobs of that name when few jobs are managed, and takes only the one with the UID', async () => {
    await bed.fake.ui.call('jobs/create', { name: 'etl', tags: { 'k8s-owner-uid': 'someone-else' } });
    const ours = await createOwned('etl', 'uid-1');
    await createOwned('other', 'uid-2');
    bed.fake.clearRequests();

    const found = await new JobView(bed.client).findOwned('uid-1', 'etl', 1);
    expect(formatId(found?.job_id ?? 0)).toBe(ours);
    expect(bed.fake.requests({ endpoint: 'jobs/list' }).map((request) => request.query)).toEqual([
      expect.stringContaining('name=etl'),
    ]);
    expect(await new JobView(bed.client).findOwned('uid-3', 'etl', 1)).toBeUndefined();
  });

  it('looks in the shared listing when many jobs are managed, whatever the job is called now', async () => {
    const ours = await createOwned('renamed in the UI', 'uid-1');
    const view = new JobView(bed.client);
    bed.fake.clearRequests();

    expect(formatId((await view.findOwned('uid-1', 'etl', 50))?.job_id ?? 0)).toBe(ours);
    expect(await view.findOwned('uid-2', 'other', 50)).toBeUndefined();
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/list 200': 1 });
  });

  it('remembers a job it created, and forgets it once deleted', async () => {
    const view = new JobView(bed.client);
    const { job_id } = await bed.client.jobs.create({ name: 'etl' });
    view.created('uid-1', formatId(job_id));
    bed.fake.clearRequests();

    expect(formatId((await view.findOwned('uid-1', 'etl', 1))?.job_id ?? 0)).toBe(formatId(job_id));
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/get 200': 1 });
    await bed.client.jobs.delete(job_id);
    view.deleted('uid-1', formatId(job_id));
    expect(await view.findOwned('uid-1', 'etl', 1)).toBeUndefined();
  });
});
