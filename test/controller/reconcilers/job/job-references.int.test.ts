import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { RESOURCES, useOperatorTestBed, type OperatorTestBedOptions } from '../../operator-test-bed.js';
import { JOBS, createReadyJob, jobSpec, notebookTask, remoteJob } from './job-fixtures.js';

const CLUSTERS = RESOURCES.DatabricksCluster;

// No cluster controller runs, so a test may play it by writing a DatabricksCluster's status by hand. A
// minute of not-Ready backoff means anything faster than that was the watch on the referenced object.
const operator: OperatorTestBedOptions['operator'] = {
  kinds: ['DatabricksWorkspace', 'DatabricksJob'],
  notReadyBackoff: { minMs: 60_000, maxMs: 60_000 },
};

const runJobTask = (key: string, target: string) => ({
  task_key: key,
  run_job_task: { job_ref: { name: target } },
});

describe('DatabricksJob reconciler: references to other objects', () => {
  const bed = useOperatorTestBed('job-refs', { operator });
  const ready = (job: DatabricksJob) => job.status?.conditions?.find((c) => c.type === 'Ready');

  it('waits for a job_ref target created later, and is Ready as soon as the target is', async () => {
    await bed.create(JOBS, 'DatabricksJob', 'parent', jobSpec({ tasks: [runJobTask('trigger', 'child')] }));
    const waiting = await bed.waitForCondition<DatabricksJob>(JOBS, 'parent', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(ready(waiting)?.message).toBe(
      'spec.settings.tasks[trigger].run_job_task.job_ref: DatabricksJob child does not exist yet',
    );
    expect(bed.fake.requestCount('jobs/create')).toBe(0);

    const started = Date.now();
    const child = await createReadyJob(bed, 'child', { tasks: [notebookTask('work')] });
    // Half the minute of backoff: time enough for a loaded machine, too little for the backoff's retry.
    const parent = await bed.waitForCondition<DatabricksJob>(JOBS, 'parent', {}, 30_000);
    expect(Date.now() - started).toBeLessThan(30_000);

    const task = (await remoteJob(bed.fake, parent.status?.jobId))?.settings.tasks?.[0];
    expect(task?.['run_job_task']).toEqual({ job_id: child.status?.jobId });
  }, 60_000);

  it('resolves a job_ref whose target is Ready already', async () => {
    const child = await createReadyJob(bed, 'first', { tasks: [notebookTask('work')] });
    const parent = await createReadyJob(bed, 'second', { tasks: [runJobTask('trigger', 'first')] });
    const task = (await remoteJob(bed.fake, parent.status?.jobId))?.settings.tasks?.[0];
    expect(task?.['run_job_task']).toEqual({ job_id: child.status?.jobId });
  });

  it('points the referring job at the new ID when its target is recreated', async () => {
    await bed.startOperator({ ...operator, config: { resyncPeriodMs: 1_000 } });
    const child = await createReadyJob(bed, 'target', { tasks: [notebookTask('work')] });
    const parent = await createReadyJob(bed, 'caller', { tasks: [runJobTask('trigger', 'target')] });
    await bed.fake.ui.deleteJob(child.status?.jobId ?? 0);

    const recreated = await pollUntil('the target to get a new job ID', async () => {
      const current = await bed.get<DatabricksJob>(JOBS, 'target');
      const jobId = current?.status?.jobId;
      return jobId !== undefined && jobId !== child.status?.jobId ? jobId : undefined;
    });
    await pollUntil('the caller to run the new job', async () => {
      const task = (await remoteJob(bed.fake, parent.status?.jobId))?.settings.tasks?.[0];
      return (task?.['run_job_task'] as { job_id?: number } | undefined)?.job_id === recreated
        ? true
        : undefined;
    });
  });

  it('resolves existing_cluster_ref once the DatabricksCluster reports a cluster ID and Ready', async () => {
    await bed.create(CLUSTERS, 'DatabricksCluster', 'shared', {
      workspaceRef: { name: 'ws' },
      settings: { spark_version: '15.4.x-scala2.12', num_workers: 1 },
    });
    await bed.create(
      JOBS,
      'DatabricksJob',
      'on-shared',
      jobSpec({
        tasks: [
          { task_key: 'a', notebook_task: { notebook_path: '/a' }, existing_cluster_ref: { name: 'shared' } },
        ],
      }),
    );
    const waiting = await bed.waitForCondition<DatabricksJob>(JOBS, 'on-shared', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(ready(waiting)?.message).toBe(
      'spec.settings.tasks[a].existing_cluster_ref: DatabricksCluster shared is not Ready yet',
    );

    const clusterId = '0101-000000-shared01';
    await bed.kube.patchCustomObjectStatus(CLUSTERS, bed.namespace, 'shared', {
      status: {
        clusterId,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Running',
            message: 'written by the test',
            lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          },
        ],
      },
    });
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'on-shared', {}, 30_000);
    const task = (await remoteJob(bed.fake, job.status?.jobId))?.settings.tasks?.[0];
    expect(task?.['existing_cluster_id']).toBe(clusterId);
    expect(task?.['existing_cluster_ref']).toBeUndefined();
  }, 60_000);
});
