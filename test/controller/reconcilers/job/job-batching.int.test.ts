import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import { DATABRICKS_FINALIZER } from '../../../../controller/runtime/finalizer.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import { JOBS, allRemoteJobs, jobSpec, notebookTask, remoteJob, writes } from './job-fixtures.js';

// With more managed jobs in a workspace than its listing has pages, drift checks and crash recovery read
// the shared listing, once per resync. Each test makes twelve jobs Ready, which took 12 s on a loaded
// machine: each has a 60 s timeout.
const COUNT = 12;
const names = Array.from({ length: COUNT }, (_, i) => `batch-${String(i).padStart(2, '0')}`);

describe('DatabricksJob reconciler: batched reads with many jobs in a workspace', () => {
  const bed = useOperatorTestBed('job-batch', { operator: { config: { resyncPeriodMs: 1_500 } } });

  async function createAll(): Promise<DatabricksJob[]> {
    for (const name of names) {
      await bed.create(JOBS, 'DatabricksJob', name, jobSpec({ tasks: [notebookTask('a')] }));
    }
    return Promise.all(names.map((name) => bed.waitForCondition<DatabricksJob>(JOBS, name)));
  }

  /** `jobs/list` calls that read whole jobs (the drift listing), since the log was cleared. */
  const listings = () =>
    bed.fake
      .requests({ endpoint: 'jobs/list' })
      .filter((request) => request.query.includes('expand_tasks=true')).length;

  /**
   * Waits for the first drift listing since the log was cleared, and gives the jobs/get count then. A
   * listing already under way when a job was created cannot speak for it, so that job's first look may
   * still be a get of its own (a loaded run did that); from the first listing after the creates, none.
   */
  async function getsAfterFirstListing(): Promise<number> {
    await pollUntil('a resync', async () => (listings() >= 1 ? true : undefined));
    return bed.fake.requestCount('jobs/get');
  }

  it('reads all jobs with one listing per resync, not one jobs/get per job, and writes nothing', async () => {
    await createAll();
    bed.fake.clearRequests();
    const gets = await getsAfterFirstListing();

    await pollUntil('two more resyncs', async () => (listings() >= 3 ? true : undefined));

    expect(bed.fake.requestCount('jobs/get')).toBe(gets);
    // Up to 100 jobs a page: one call per resync, and a resync may have begun since the poll saw the third.
    expect(listings()).toBeLessThanOrEqual(4);
    // The newest runs of all jobs: one walk of runs/list per resync (plus the active runs, the first time).
    expect(bed.fake.requestCount('jobs/runs/list')).toBeLessThanOrEqual(5);
    expect(writes(bed.fake)).toEqual({});
  }, 60_000);

  it('finds a change made in the UI through the listing and restores it', async () => {
    const jobs = await createAll();
    const target = jobs[5];
    const jobId = target.status?.jobId ?? 0;
    bed.fake.clearRequests();
    const gets = await getsAfterFirstListing();

    await bed.fake.ui.updateJob(jobId, { max_concurrent_runs: 9 });
    await pollUntil('the change to be undone', async () =>
      (await remoteJob(bed.fake, jobId))?.settings.max_concurrent_runs === 1 ? true : undefined,
    );
    expect(writes(bed.fake)).toEqual({ 'jobs/reset': 1 });
    expect(bed.fake.requestCount('jobs/get')).toBe(gets);
  }, 60_000);

  it('finds jobs created before a crash by their marker in the listing', async () => {
    await bed.stopOperator();
    const objects: DatabricksJob[] = [];
    for (const name of names) {
      objects.push(
        await bed.create<DatabricksJob>(
          JOBS,
          'DatabricksJob',
          name,
          jobSpec({ tasks: [notebookTask('a')] }),
          {
            finalizers: [DATABRICKS_FINALIZER],
          },
        ),
      );
    }
    // Earlier attempts created three of them; the name differs from the spec, so only the marker can tell.
    const earlier = new Map<string, number>();
    for (const object of objects.slice(0, 3)) {
      const { job_id } = (await bed.fake.ui.call('jobs/create', {
        name: `renamed ${object.metadata.name}`,
        tasks: [notebookTask('a')],
        tags: {
          'k8s-owner': `${bed.namespace}/${object.metadata.name}`,
          'k8s-owner-uid': object.metadata.uid,
        },
      })) as { job_id: number };
      earlier.set(object.metadata.name, job_id);
    }
    await bed.startOperator();

    const ready = await Promise.all(names.map((name) => bed.waitForCondition<DatabricksJob>(JOBS, name)));
    for (const [name, jobId] of earlier) {
      expect(ready.find((job) => job.metadata.name === name)?.status?.jobId).toBe(jobId);
    }
    expect(bed.fake.requestCount('jobs/create')).toBe(COUNT - earlier.size);
    expect(await allRemoteJobs(bed.fake)).toHaveLength(COUNT);
  }, 60_000);
});
