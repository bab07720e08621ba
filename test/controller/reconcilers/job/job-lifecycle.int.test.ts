import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import { DATABRICKS_FINALIZER } from '../../../../controller/runtime/finalizer.js';
import {
  KubeClient,
  type KubeObject,
  type ResourceType,
} from '../../../../controller/runtime/kube-client.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { testKubeConfig } from '../../../control-plane/test-cluster.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import {
  JOBS,
  allRemoteJobs,
  createReadyJob,
  eventsAbout,
  jobSpec,
  notebookTask,
  remoteJob,
} from './job-fixtures.js';

/** An API server connection on which every DatabricksJob status write fails, as if the process died first. */
class JobStatusWritesFail extends KubeClient {
  override patchCustomObjectStatus<T extends KubeObject>(
    resource: ResourceType,
    namespace: string,
    name: string,
    patch: Record<string, unknown>,
  ): Promise<T> {
    if (resource.plural === JOBS.plural) return Promise.reject(new Error('connection lost before status'));
    return super.patchCustomObjectStatus<T>(resource, namespace, name, patch);
  }
}

describe('DatabricksJob reconciler: crash safety and deletion policies', () => {
  const bed = useOperatorTestBed('job-life');

  /** Creates the object while no operator runs, and a job carrying its marker as an earlier attempt would have. */
  async function jobCreatedBeforeACrash(
    name: string,
    settings: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): Promise<{ object: DatabricksJob; jobId: number }> {
    await bed.stopOperator();
    const object = await bed.create<DatabricksJob>(JOBS, 'DatabricksJob', name, jobSpec(settings, extra), {
      finalizers: [DATABRICKS_FINALIZER],
    });
    const { job_id: jobId } = (await bed.fake.ui.call('jobs/create', {
      ...settings,
      name: settings['name'] ?? name,
      tags: { 'k8s-owner': `${bed.namespace}/${name}`, 'k8s-owner-uid': object.metadata.uid },
    })) as { job_id: number };
    return { object, jobId };
  }

  it('finds the job it created before a crash by its marker, instead of creating a second one', async () => {
    const { jobId } = await jobCreatedBeforeACrash('survivor', {
      name: 'survivor',
      tasks: [notebookTask('a')],
      tags: { team: 'data' },
    });
    // Another job of the same name that is not ours must not be taken for it.
    await bed.fake.ui.call('jobs/create', { name: 'survivor', tasks: [notebookTask('other')] });
    await bed.startOperator();

    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'survivor');
    expect(job.status?.jobId).toBe(jobId);
    expect(bed.fake.requestCount('jobs/create')).toBe(0);
    expect((await remoteJob(bed.fake, jobId))?.settings.tags).toEqual({
      team: 'data',
      'k8s-owner': `${bed.namespace}/survivor`,
      'k8s-owner-uid': job.metadata.uid,
    });
    expect(await allRemoteJobs(bed.fake)).toHaveLength(2);
    expect((await eventsAbout(bed, 'survivor')).map((event) => event.reason)).toContain('Found');
  });

  it('makes no second job after a controller that created one never wrote its status is replaced', async () => {
    await bed.startOperator({ kube: new JobStatusWritesFail(testKubeConfig()) });
    await bed.create(JOBS, 'DatabricksJob', 'unrecorded', jobSpec({ tasks: [notebookTask('a')] }));
    await pollUntil('the job to be created', async () =>
      bed.fake.requestCount('jobs/create', 200) === 1 ? true : undefined,
    );
    expect((await bed.get<DatabricksJob>(JOBS, 'unrecorded'))?.status?.jobId).toBeUndefined();

    await bed.startOperator();
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'unrecorded');
    const [only, ...others] = await allRemoteJobs(bed.fake);
    expect(others).toEqual([]);
    expect(job.status?.jobId).toBe(only.job_id);
    expect(bed.fake.requestCount('jobs/create')).toBe(1);
  });

  it('finds it by marker also when the spec leaves the name out', async () => {
    const { jobId } = await jobCreatedBeforeACrash('nameless', { tasks: [notebookTask('a')] });
    await bed.startOperator();
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'nameless');
    expect(job.status?.jobId).toBe(jobId);
    expect(bed.fake.requestCount('jobs/create')).toBe(0);
  });

  it('deletes a job created before a crash when its object is deleted before any status was written', async () => {
    const { jobId } = await jobCreatedBeforeACrash('short-lived', { tasks: [notebookTask('a')] });
    await bed.delete(JOBS, 'short-lived');
    await bed.startOperator();
    await bed.waitForGone(JOBS, 'short-lived');
    expect(await remoteJob(bed.fake, jobId)).toBeUndefined();
  });

  it('deletes the job under deletionPolicy Delete, and removes the finalizer only once Databricks confirmed', async () => {
    const job = await createReadyJob(bed, 'doomed', { tasks: [notebookTask('a')] });
    const jobId = job.status?.jobId;
    // Databricks fails the delete (500s are not retried by the client): the object must stay.
    bed.fake.setFaults([{ endpoint: 'jobs/delete', kind: 'internal-error' }]);
    await bed.delete(JOBS, 'doomed');

    await pollUntil('a failed delete', async () =>
      bed.fake.requestCount('jobs/delete', 500) >= 2 ? true : undefined,
    );
    const held = await bed.get<DatabricksJob>(JOBS, 'doomed');
    expect(held?.metadata.deletionTimestamp).toBeDefined();
    expect(held?.metadata.finalizers).toContain(DATABRICKS_FINALIZER);
    expect(await remoteJob(bed.fake, jobId)).toBeDefined();

    bed.fake.setFaults([]);
    await bed.waitForGone(JOBS, 'doomed');
    expect(await remoteJob(bed.fake, jobId)).toBeUndefined();
  });

  it('keeps the job under deletionPolicy Retain', async () => {
    const job = await createReadyJob(
      bed,
      'kept',
      { tasks: [notebookTask('a')], schedule: { quartz_cron_expression: '0 0 2 * * ?', timezone_id: 'UTC' } },
      { deletionPolicy: 'Retain' },
    );
    await bed.delete(JOBS, 'kept');
    await bed.waitForGone(JOBS, 'kept');

    const remote = await remoteJob(bed.fake, job.status?.jobId);
    expect(remote?.settings.name).toBe('kept');
    expect(remote?.settings['schedule']).toEqual({
      quartz_cron_expression: '0 0 2 * * ?',
      timezone_id: 'UTC',
    });
    expect(bed.fake.requestCount('jobs/delete')).toBe(0);
    expect(bed.fake.requestCount('jobs/update')).toBe(0);
  });

  it('pauses whatever starts runs on its own and keeps the job under deletionPolicy Pause', async () => {
    const cron = { quartz_cron_expression: '0 0 2 * * ?', timezone_id: 'UTC' };
    const hourly = { periodic: { interval: 1, unit: 'HOURS' } };
    const starters: Record<string, Record<string, unknown>> = {
      scheduled: { schedule: cron },
      triggered: { trigger: hourly },
      continuous: { continuous: {} },
      'multi-trigger': { triggers: [hourly, { schedule: cron }] },
    };
    const jobIds: Record<string, number | undefined> = {};
    for (const [name, starter] of Object.entries(starters)) {
      const job = await createReadyJob(
        bed,
        name,
        { tasks: [notebookTask('a')], ...starter },
        { deletionPolicy: 'Pause' },
      );
      jobIds[name] = job.status?.jobId;
    }
    for (const name of Object.keys(starters)) await bed.delete(JOBS, name);
    for (const name of Object.keys(starters)) await bed.waitForGone(JOBS, name);

    const settings = async (name: string) => (await remoteJob(bed.fake, jobIds[name]))?.settings;
    expect((await settings('scheduled'))?.['schedule']).toEqual({ ...cron, pause_status: 'PAUSED' });
    expect((await settings('triggered'))?.['trigger']).toEqual({ ...hourly, pause_status: 'PAUSED' });
    expect((await settings('continuous'))?.['continuous']).toEqual({ pause_status: 'PAUSED' });
    expect((await settings('multi-trigger'))?.['triggers']).toEqual([
      { ...hourly, pause_status: 'PAUSED' },
      { schedule: cron, pause_status: 'PAUSED' },
    ]);
    expect(bed.fake.requestCount('jobs/delete')).toBe(0);
    expect((await eventsAbout(bed, 'scheduled')).map((event) => event.reason)).toContain('Paused');
  });

  it('lets its object go under deletionPolicy Pause when the job is gone already', async () => {
    const job = await createReadyJob(
      bed,
      'paused-gone',
      { tasks: [notebookTask('a')] },
      { deletionPolicy: 'Pause' },
    );
    await bed.fake.ui.deleteJob(job.status?.jobId ?? 0);
    await bed.delete(JOBS, 'paused-gone');
    await bed.waitForGone(JOBS, 'paused-gone');
    expect(bed.fake.requestCount('jobs/update')).toBe(0);
  });

  it('lets its object go when the job was already deleted in Databricks', async () => {
    const job = await createReadyJob(bed, 'gone', { tasks: [notebookTask('a')] });
    await bed.fake.ui.deleteJob(job.status?.jobId ?? 0);
    await bed.delete(JOBS, 'gone');
    await bed.waitForGone(JOBS, 'gone');
    expect(bed.fake.requestCount('jobs/create')).toBe(1);
  });

  it('creates the job again when someone deleted it in Databricks, at the next resync', async () => {
    await bed.startOperator({ config: { resyncPeriodMs: 1_000 } });
    const job = await createReadyJob(bed, 'phoenix', { tasks: [notebookTask('a')] });
    const first = job.status?.jobId ?? 0;
    await bed.fake.ui.deleteJob(first);

    const again = await pollUntil('a new job ID in status', async () => {
      const current = await bed.get<DatabricksJob>(JOBS, 'phoenix');
      return current?.status?.jobId !== undefined && current.status.jobId !== first ? current : undefined;
    });
    expect((await remoteJob(bed.fake, again.status?.jobId))?.settings.tags?.['k8s-owner-uid']).toBe(
      job.metadata.uid,
    );
    expect(await allRemoteJobs(bed.fake)).toHaveLength(1);
    expect((await eventsAbout(bed, 'phoenix')).map((event) => event.reason)).toContain('Recreated');
  });
});
