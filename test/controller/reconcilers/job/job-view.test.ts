import { formatId } from '../../../../controller/databricks/index.js';
import { JobView, defaultJobViewOptions } from '../../../../controller/reconcilers/job/job-view.js';
import { isLeftBehindFor } from '../../../../controller/reconcilers/managed/ownership.js';
import { startClientBed, type ClientBed } from '../../databricks/client-test-bed.js';

/** 250 jobs: a listing of them takes three pages of 100. */
const JOBS = 250;

describe('JobView: a listing that predates this process writes', () => {
  let bed: ClientBed;
  let ids: string[];

  beforeAll(async () => {
    bed = await startClientBed();
    ids = [];
    for (let i = 0; i < JOBS; i++) {
      const { job_id } = (await bed.fake.ui.call('jobs/create', { name: `job-${i}` })) as { job_id: number };
      ids.push(formatId(job_id));
    }
  });
  afterAll(() => bed.close());
  beforeEach(() => bed.fake.clearRequests());

  const view = () => new JobView(bed.client, { ...defaultJobViewOptions, maxAgeMs: 600_000 });

  it('answers every job from one listing of three pages', async () => {
    const jobs = view();
    for (const id of ids) expect((await jobs.job(id, JOBS))?.job_id).toBeDefined();
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/list 200': 3 });
  });

  it('reads a job written since the listing with jobs/get while fewer were written than it has pages', async () => {
    const jobs = view();
    await jobs.job(ids[0], JOBS);
    await bed.client.jobs.reset(ids[1], { name: 'renamed-1' });
    jobs.wrote(ids[1]);
    await bed.client.jobs.reset(ids[2], { name: 'renamed-2' });
    jobs.wrote(ids[2]);
    bed.fake.clearRequests();

    expect((await jobs.job(ids[1], JOBS))?.settings?.name).toBe('renamed-1');
    expect((await jobs.job(ids[2], JOBS))?.settings?.name).toBe('renamed-2');
    expect((await jobs.job(ids[3], JOBS))?.settings?.name).toBe('job-3');
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/get 200': 2 });
  });

  it('reads the listing again once after each resync, and reuses it until then', async () => {
    let resyncedAt = 0;
    const jobs = new JobView(bed.client, {
      ...defaultJobViewOptions,
      maxAgeMs: 600_000,
      resyncedAt: () => resyncedAt,
    });
    for (const id of ids.slice(0, 20)) await jobs.job(id, JOBS);
    await new Promise((resolve) => setTimeout(resolve, 2));
    resyncedAt = Date.now();
    for (const id of ids.slice(0, 20)) await jobs.job(id, JOBS);
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/list 200': 6 });
  });

  it('reads job by job when a listing costs more calls than there are managed jobs', async () => {
    const jobs = view();
    // Before any listing it is taken to be one page: with three jobs managed, listing pays.
    await jobs.job(ids[0], 3);
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/list 200': 3 });
    // It took three pages: three jobs are cheaper to read one by one, however fresh the listing.
    bed.fake.clearRequests();
    for (const id of ids.slice(0, 3)) await jobs.job(id, 3);
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/get 200': 3 });
    // A single job is never worth a listing.
    bed.fake.clearRequests();
    await view().job(ids[0], 1);
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/get 200': 1 });
  });

  it('finds a job it created after the listing as left behind, once its object is gone, with one jobs/get', async () => {
    const jobs = view();
    await jobs.job(ids[0], JOBS);
    // Created by an object team/etl that was then deleted with Retain, all within one resync.
    const tags = { 'k8s-owner': 'team/etl', 'k8s-owner-uid': 'uid-deleted' };
    const { job_id } = await bed.client.jobs.create({ name: 'etl', tags });
    jobs.created('uid-deleted', formatId(job_id), tags);
    bed.fake.clearRequests();

    const again = { metadata: { namespace: 'team', name: 'etl', uid: 'uid-again' } };
    const found = await jobs.findMarked('uid-again', 'etl', JOBS, (job) =>
      isLeftBehindFor(job.settings?.tags, again),
    );
    expect(found.leftBehind.map((job) => formatId(job.job_id))).toEqual([formatId(job_id)]);
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/get 200': 1 });
    await bed.client.jobs.delete(formatId(job_id));
  });

  it('lists again, once, when more jobs were written since the listing than it has pages', async () => {
    const jobs = view();
    await jobs.job(ids[0], JOBS);
    const written = ids.slice(10, 20);
    for (const id of written) {
      await bed.client.jobs.reset(id, { name: `renamed-${id}` });
      jobs.wrote(id);
    }
    bed.fake.clearRequests();

    const names = await Promise.all(written.map(async (id) => (await jobs.job(id, JOBS))?.settings?.name));
    expect(names).toEqual(written.map((id) => `renamed-${id}`));
    expect((await jobs.job(ids[0], JOBS))?.settings?.name).toBe('job-0');
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/list 200': 3 });
  });
});
