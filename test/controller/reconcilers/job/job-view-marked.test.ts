import { formatId, type Job } from '../../../../controller/databricks/index.js';
import { JobView, defaultJobViewOptions } from '../../../../controller/reconcilers/job/job-view.js';
import { isLeftBehindFor } from '../../../../controller/reconcilers/managed/ownership.js';
import { startClientBed, type ClientBed } from '../../databricks/client-test-bed.js';

// Finding what a DatabricksJob created (its UID in the marker) and what an earlier object of its name
// left (its namespace/name with another UID), in one read, whether the workspace is read job by job
// (few managed jobs) or through the shared listing (many).

const owner = { metadata: { namespace: 'team', name: 'etl', uid: 'uid-new' } };
const marker = (key: string, uid: string) => ({ 'k8s-owner': key, 'k8s-owner-uid': uid });

describe('JobView.findMarked', () => {
  let bed: ClientBed;
  const created: Record<string, string> = {};

  beforeAll(async () => {
    bed = await startClientBed();
    const create = async (label: string, name: string, tags?: Record<string, string>) => {
      const { job_id } = (await bed.fake.ui.call('jobs/create', { name, ...(tags ? { tags } : {}) })) as {
        job_id: number;
      };
      created[label] = formatId(job_id);
    };
    await create('leftFirst', 'etl', marker('team/etl', 'uid-old-1'));
    await create('leftSecond', 'etl', marker('team/etl', 'uid-old-2'));
    await create('otherName', 'etl', marker('team/etl-copy', 'uid-other'));
    await create('unmarked', 'etl');
    await create('elsewhere', 'report', marker('team/etl', 'uid-old-3'));
  });
  afterAll(() => bed.close());
  beforeEach(() => bed.fake.clearRequests());

  const leftBehind = (job: Job) => isLeftBehindFor(job.settings?.tags, owner);
  const ids = (jobs: Job[]) => jobs.map((job) => formatId(job.job_id));

  it('with few managed jobs, finds the jobs of this name left by earlier objects of its key, oldest first, in one jobs/list?name=', async () => {
    const view = new JobView(bed.client);
    const found = await view.findMarked('uid-new', 'etl', 1, leftBehind);
    expect(found.owned).toBeUndefined();
    expect(ids(found.leftBehind)).toEqual([created.leftFirst, created.leftSecond]);
    expect(bed.fake.requestCounts()).toEqual({ 'jobs/list 200': 1 });
  });

  it('with many, finds them in the listing, under any job name', async () => {
    const view = new JobView(bed.client, defaultJobViewOptions);
    const found = await view.findMarked('uid-new', 'etl', defaultJobViewOptions.listingThreshold, leftBehind);
    expect(ids(found.leftBehind)).toEqual([created.leftFirst, created.leftSecond, created.elsewhere]);
  });

  it('answers with the job this object marked itself, and nothing left behind, when there is one', async () => {
    const view = new JobView(bed.client);
    const found = await view.findMarked('uid-old-2', 'etl', 1, leftBehind);
    expect(found.owned && formatId(found.owned.job_id)).toBe(created.leftSecond);
    expect(found.leftBehind).toEqual([]);
  });
});

describe('isLeftBehindFor', () => {
  it('holds for a marker of this namespace/name with another UID only', () => {
    expect(isLeftBehindFor(marker('team/etl', 'uid-old'), owner)).toBe(true);
    expect(isLeftBehindFor(marker('team/etl', 'uid-new'), owner)).toBe(false);
    expect(isLeftBehindFor(marker('team/etl-2', 'uid-old'), owner)).toBe(false);
    expect(isLeftBehindFor(marker('other/etl', 'uid-old'), owner)).toBe(false);
    expect(isLeftBehindFor(undefined, owner)).toBe(false);
    expect(isLeftBehindFor({ 'k8s-owner': 'team/etl' }, owner)).toBe(false);
  });

  it('never holds for a key too long for the tag, whose cut form another object may share', () => {
    const long = { metadata: { namespace: 'n'.repeat(63), name: 'x'.repeat(200), uid: 'uid-new' } };
    const cut = `${long.metadata.namespace}/${long.metadata.name}`.slice(0, 255);
    expect(isLeftBehindFor(marker(cut, 'uid-old'), long)).toBe(false);
  });
});
