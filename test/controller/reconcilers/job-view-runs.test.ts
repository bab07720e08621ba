import { formatId } from '../../../controller/databricks/index.js';
import { JobView, defaultJobViewOptions, isActiveRun } from '../../../controller/reconcilers/job-view.js';
import { ManualClock } from '../../fake-databricks/index.js';
import { startClientBed, type ClientBed } from '../databricks/client-test-bed.js';

// Databricks' clock runs an hour behind this process's: the walks must go by Databricks' timestamps.
const clock = new ManualClock(Date.now() - 3_600_000);
const timing = { runPendingMs: 1_000, taskRunningMs: 5_000, runTerminatingMs: 1_000 };

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
  const freshView = () => new JobView(bed.client, { ...defaultJobViewOptions, maxAgeMs: 0 });

  async function createJob(name: string): Promise<string> {
    const { job_id } = (await bed.fake.ui.call('jobs/create', {
      name,
      max_concurrent_runs: 10,
      tasks: [{ task_key: 'a', notebook_task: { notebook_path: '/a' } }],
    })) as { job_id: number };
    return formatId(job_id);
  }

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

  it('reads only what changed since the previous walk, and the active runs only while one is known', async () => {
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
    // One page, stopped at the first run that the previous walk had seen already; nothing is active.
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/runs/list 200': 1 });
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
