import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import {
  JOBS,
  createReadyJob,
  eventsAbout,
  jobSpec,
  notebookTask,
  remoteJob,
  writes,
} from './job-fixtures.js';

describe('DatabricksJob reconciler: adoption and ownership', () => {
  const bed = useOperatorTestBed('job-adopt', {
    // A refused adoption is looked at again quickly, so a released job is taken within the test.
    operator: { notReadyBackoff: { minMs: 200, maxMs: 500 } },
  });

  const readyCondition = (job: DatabricksJob) => job.status?.conditions?.find((c) => c.type === 'Ready');

  it('adopts a job made in the UI through spec.jobId and replaces its settings', async () => {
    const { job_id: jobId } = (await bed.fake.ui.call('jobs/create', {
      name: 'made by hand',
      tasks: [notebookTask('old')],
      max_concurrent_runs: 4,
    })) as { job_id: number };

    const job = await createReadyJob(
      bed,
      'adopter',
      { name: 'adopted', tasks: [notebookTask('new')] },
      { jobId },
    );

    expect(job.status?.jobId).toBe(jobId);
    expect(writes(bed.fake)).toEqual({ 'jobs/reset': 1 });
    const remote = await remoteJob(bed.fake, jobId);
    expect(remote?.settings.name).toBe('adopted');
    expect(remote?.settings.max_concurrent_runs).toBe(1);
    expect(remote?.settings.tasks?.map((task) => task['task_key'])).toEqual(['new']);
    expect(remote?.settings.tags).toEqual({
      'k8s-owner': `${bed.namespace}/adopter`,
      'k8s-owner-uid': job.metadata.uid,
    });
    expect((await eventsAbout(bed, 'adopter')).map((event) => event.reason)).toContain('Adopted');
  });

  it('adopts a job whose settings already match with a jobs/update of its tags alone, never a reset', async () => {
    const settings = { name: 'matching', tasks: [notebookTask('same')], tags: { team: 'data' } };
    const { job_id: jobId } = (await bed.fake.ui.call('jobs/create', settings)) as { job_id: number };

    const job = await createReadyJob(bed, 'marker-only', settings, { jobId });

    expect(job.status?.jobId).toBe(jobId);
    expect(writes(bed.fake)).toEqual({ 'jobs/update': 1 });
    const [update] = bed.fake.requests({ endpoint: 'jobs/update' });
    expect(update?.body).toEqual({
      job_id: jobId,
      new_settings: {
        tags: {
          team: 'data',
          'k8s-owner': `${bed.namespace}/marker-only`,
          'k8s-owner-uid': job.metadata.uid,
        },
      },
    });
    const remote = await remoteJob(bed.fake, jobId);
    expect(remote?.settings.tasks?.map((task) => task['task_key'])).toEqual(['same']);
    const adopted = (await eventsAbout(bed, 'marker-only')).find((event) => event.reason === 'Adopted');
    expect(adopted?.note).toMatch(/already matched spec\.settings: wrote only the ownership marker/);
  });

  it('refuses a job another live DatabricksJob owns, and takes it once that object let it go', async () => {
    const owner = await createReadyJob(
      bed,
      'owner',
      { name: 'owned', tasks: [notebookTask('a')] },
      { deletionPolicy: 'Retain' },
    );
    const jobId = owner.status?.jobId;
    bed.fake.clearRequests();

    await bed.create(
      JOBS,
      'DatabricksJob',
      'thief',
      jobSpec({ name: 'stolen', tasks: [notebookTask('b')] }, { jobId }),
    );
    const refused = await bed.waitForCondition<DatabricksJob>(JOBS, 'thief', {
      status: 'False',
      reason: 'OwnedElsewhere',
    });
    expect(readyCondition(refused)?.message).toContain(
      `spec.jobId: job ${jobId} belongs to DatabricksJob ${bed.namespace}/owner`,
    );
    expect(refused.status?.jobId).toBeUndefined();
    expect(writes(bed.fake)).toEqual({});
    expect((await remoteJob(bed.fake, jobId))?.settings.name).toBe('owned');

    // Deleted with Retain, the owner leaves its marker behind; a marker of an object that is gone does not block.
    await bed.delete(JOBS, 'owner');
    await bed.waitForGone(JOBS, 'owner');
    const adopted = await bed.waitForCondition<DatabricksJob>(JOBS, 'thief');
    expect(adopted.status?.jobId).toBe(jobId);
    expect((await remoteJob(bed.fake, jobId))?.settings.tags?.['k8s-owner-uid']).toBe(adopted.metadata.uid);
  });

  it('leaves the job alone when an object that was refused it is deleted', async () => {
    const owner = await createReadyJob(bed, 'keeper', { tasks: [notebookTask('a')] });
    const jobId = owner.status?.jobId;
    await bed.create(JOBS, 'DatabricksJob', 'refused', jobSpec({ tasks: [notebookTask('b')] }, { jobId }));
    await bed.waitForCondition(JOBS, 'refused', { status: 'False', reason: 'OwnedElsewhere' });

    await bed.delete(JOBS, 'refused');
    await bed.waitForGone(JOBS, 'refused');
    expect(bed.fake.requestCount('jobs/delete')).toBe(0);
    expect((await remoteJob(bed.fake, jobId))?.settings.tags?.['k8s-owner-uid']).toBe(owner.metadata.uid);
  });

  it('refuses a job an Asset Bundle deployed', async () => {
    const { job_id: jobId } = (await bed.fake.ui.call('jobs/create', {
      name: 'bundled',
      tasks: [notebookTask('a')],
      deployment: {
        kind: 'BUNDLE',
        metadata_file_path: '/Workspace/Users/me/.bundle/app/state/metadata.json',
      },
    })) as { job_id: number };

    await bed.create(
      JOBS,
      'DatabricksJob',
      'bundle-taker',
      jobSpec({ tasks: [notebookTask('b')] }, { jobId }),
    );
    const refused = await bed.waitForCondition<DatabricksJob>(JOBS, 'bundle-taker', {
      status: 'False',
      reason: 'OwnedElsewhere',
    });
    expect(readyCondition(refused)?.message).toContain('Asset Bundle');
    expect(readyCondition(refused)?.message).toContain('/Workspace/Users/me/.bundle/app/state/metadata.json');
    expect(writes(bed.fake)).toEqual({});
    expect((await eventsAbout(bed, 'bundle-taker')).map((event) => event.reason)).toContain('OwnedElsewhere');
  });

  it('says JobNotFound, naming spec.jobId, when the job to adopt does not exist', async () => {
    await bed.create(
      JOBS,
      'DatabricksJob',
      'ghost',
      jobSpec({ tasks: [notebookTask('a')] }, { jobId: 424242 }),
    );
    const missing = await bed.waitForCondition<DatabricksJob>(JOBS, 'ghost', {
      status: 'False',
      reason: 'JobNotFound',
    });
    expect(readyCondition(missing)?.message).toContain('spec.jobId: job 424242 does not exist');
    expect(writes(bed.fake)).toEqual({});
  });
});
