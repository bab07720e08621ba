import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { ManualClock } from '../../../fake-databricks/index.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import { JOBS, createReadyJob, eventsAbout, notebookTask, remoteJob, writes } from './job-fixtures.js';

describe('DatabricksJob reconciler: create, update, drift and steady state', () => {
  const bed = useOperatorTestBed('job');

  it('creates the job with the ownership marker and reports its ID, URL and Ready', async () => {
    const job = await createReadyJob(bed, 'etl', {
      name: 'etl',
      tasks: [notebookTask('ingest')],
      tags: { team: 'data' },
    });
    const jobId = job.status?.jobId;
    expect(jobId).toBeDefined();
    expect(job.status?.url).toBe(`${bed.fake.url}/jobs/${jobId}`);
    expect(job.status?.observedGeneration).toBe(job.metadata.generation);
    expect(job.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'Synced',
      message: `job ${jobId} matches spec.settings`,
    });
    expect(job.metadata.finalizers).toContain('databricks.operator.dev/finalizer');
    const remote = await remoteJob(bed.fake, jobId);
    expect(remote?.settings.name).toBe('etl');
    expect(remote?.settings.tags).toEqual({
      team: 'data',
      'k8s-owner': `${bed.namespace}/etl`,
      'k8s-owner-uid': job.metadata.uid,
    });
    expect(bed.fake.requestCount('jobs/create')).toBe(1);
    const events = await eventsAbout(bed, 'etl');
    expect(events.map((event) => event.reason)).toContain('Created');
  });

  it('names the job after the object when spec.settings leaves the name out', async () => {
    const job = await createReadyJob(bed, 'unnamed', { tasks: [notebookTask('only')] });
    expect((await remoteJob(bed.fake, job.status?.jobId))?.settings.name).toBe('unnamed');
  });

  it('resets the same job in place when the spec changes', async () => {
    const created = await createReadyJob(bed, 'grows', { name: 'grows', tasks: [notebookTask('a')] });
    bed.fake.clearRequests();

    await bed.patchSpec(JOBS, 'grows', {
      settings: { name: 'grown', tasks: [notebookTask('a'), notebookTask('b')], max_concurrent_runs: 3 },
    });
    const updated = await bed.waitForCondition<DatabricksJob>(JOBS, 'grows');

    expect(updated.metadata.generation).toBe(2);
    expect(updated.status?.observedGeneration).toBe(2);
    expect(updated.status?.jobId).toBe(created.status?.jobId);
    expect(updated.status?.settingsHash).not.toBe(created.status?.settingsHash);
    expect(writes(bed.fake)).toEqual({ 'jobs/reset': 1 });
    const remote = await remoteJob(bed.fake, updated.status?.jobId);
    expect(remote?.settings.name).toBe('grown');
    expect(remote?.settings.max_concurrent_runs).toBe(3);
    expect(remote?.settings.tasks?.map((task) => task['task_key'])).toEqual(['a', 'b']);
    expect(remote?.settings.tags?.['k8s-owner-uid']).toBe(created.metadata.uid);
  });

  it('restores a change made in the UI at the next resync', async () => {
    await bed.startOperator({ config: { resyncPeriodMs: 1_000 } });
    const job = await createReadyJob(bed, 'drifty', {
      name: 'drifty',
      tasks: [notebookTask('a')],
      tags: { team: 'data' },
    });
    const jobId = job.status?.jobId ?? 0;
    bed.fake.clearRequests();

    await bed.fake.ui.updateJob(jobId, {
      name: 'renamed in the UI',
      max_concurrent_runs: 7,
      tags: { team: 'someone-else' },
    });

    const restored = await pollUntil('the job to be reset to spec.settings', async () => {
      const remote = await remoteJob(bed.fake, jobId);
      return remote?.settings.name === 'drifty' ? remote : undefined;
    });
    expect(restored.settings.max_concurrent_runs).toBe(1);
    expect(restored.settings.tags).toEqual({
      team: 'data',
      'k8s-owner': `${bed.namespace}/drifty`,
      'k8s-owner-uid': job.metadata.uid,
    });
    expect(bed.fake.requestCount('jobs/reset')).toBe(1);
    expect(bed.fake.requestCount('jobs/create')).toBe(0);
    const drift = await pollUntil('a DriftCorrected event', async () =>
      (await eventsAbout(bed, 'drifty')).find((event) => event.reason === 'DriftCorrected'),
    );
    expect(drift.note).toContain('max_concurrent_runs');
    expect(drift.note).toContain('name');
  });

  it('writes nothing to Databricks or to status at steady state, across several resyncs', async () => {
    await bed.startOperator({ config: { resyncPeriodMs: 400 } });
    const job = await createReadyJob(
      bed,
      'steady',
      {
        name: 'steady',
        description: 'every part of a job that Databricks fills in defaults for',
        job_clusters: [
          {
            job_cluster_key: 'main',
            new_cluster: { spark_version: '15.4.x-scala2.12', num_workers: 2, spark_conf: { a: 'b' } },
          },
        ],
        tasks: [
          { task_key: 'ingest', notebook_task: { notebook_path: '/etl/ingest' }, job_cluster_key: 'main' },
          {
            task_key: 'score',
            depends_on: [{ task_key: 'ingest' }],
            spark_python_task: { python_file: '/etl/score.py' },
            new_cluster: { spark_version: '15.4.x-scala2.12', autoscale: { min_workers: 1, max_workers: 3 } },
          },
        ],
        schedule: { quartz_cron_expression: '0 0 2 * * ?', timezone_id: 'UTC' },
        email_notifications: { on_failure: ['ops@example.com'] },
        parameters: [{ name: 'day', default: 'today' }],
        tags: { team: 'data' },
      },
      {
        permissions: {
          mode: 'Additive',
          access_control_list: [{ group_name: 'data-eng', permission_level: 'CAN_MANAGE_RUN' }],
        },
      },
    );
    bed.fake.clearRequests();

    // Each resync reads the job once; four reads are at least three resyncs after the first.
    await pollUntil('four resyncs', async () => (bed.fake.requestCount('jobs/get') >= 4 ? true : undefined));

    expect(writes(bed.fake)).toEqual({});
    const after = await bed.get<DatabricksJob>(JOBS, 'steady');
    expect(after?.metadata.resourceVersion).toBe(job.metadata.resourceVersion);
    const reasons = (await eventsAbout(bed, 'steady')).map((event) => event.reason);
    expect(reasons.sort()).toEqual(['Created', 'PermissionsApplied']);
  });
});

describe('DatabricksJob reconciler: the runs of a job', () => {
  // Runs move on the fake's manual clock: a run is active for as long as the test looks at it, and ends
  // when the test says, however slow the machine. The clock starts each test at the real time, as the
  // controller measures how far back to look for runs by its own clock.
  const clock = new ManualClock();
  const bed = useOperatorTestBed('job-runs', { fake: { clock } });
  beforeEach(() => clock.advance(Date.now() - clock.now()));

  it('shows the newest run in status and follows it while it is active', async () => {
    await bed.startOperator({ jobTiming: { activeRunPollMs: 200 } });
    const timing = { runPendingMs: 200, taskRunningMs: 1_500, runTerminatingMs: 100 };
    bed.fake.setTiming(timing);
    const job = await createReadyJob(bed, 'runs', {
      name: 'runs',
      max_concurrent_runs: 5,
      tasks: [notebookTask('work')],
    });
    const jobId = job.status?.jobId ?? 0;
    const first = (await bed.fake.ui.call('jobs/run-now', { job_id: jobId })) as { run_id: number };
    const second = (await bed.fake.ui.call('jobs/run-now', { job_id: jobId })) as { run_id: number };
    expect(second.run_id).not.toBe(first.run_id);

    // Nothing wakes the object but a change or a resync (10 minutes here): an annotation stands in for it.
    await bed.kube.patchCustomObject(JOBS, bed.namespace, 'runs', {
      metadata: { annotations: { 'example.com/poke': '1' } },
    });
    const active = await pollUntil('status.lastRun to show the active run', async () => {
      const current = await bed.get<DatabricksJob>(JOBS, 'runs');
      const lastRun = current?.status?.lastRun;
      return lastRun?.runId === second.run_id ? lastRun : undefined;
    });
    expect(['QUEUED', 'PENDING', 'RUNNING']).toContain(active.state);
    expect(active.url).toContain(`/jobs/${jobId}/runs/${second.run_id}`);
    expect(active.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // ...and then, with no further change to the object, the run's end.
    clock.advance(timing.runPendingMs + timing.taskRunningMs + timing.runTerminatingMs);
    const ended = await pollUntil(
      'status.lastRun to show the run succeeded',
      async () => {
        const lastRun = (await bed.get<DatabricksJob>(JOBS, 'runs'))?.status?.lastRun;
        return lastRun?.state === 'SUCCESS' ? lastRun : undefined;
      },
      { timeoutMs: 10_000 },
    );
    expect(ended.runId).toBe(second.run_id);
    expect(ended.endTime).toBeDefined();
  });

  it("shows the final state of a run that started before another job's runs and ended after them", async () => {
    await bed.startOperator({ jobTiming: { activeRunPollMs: 200 } });
    const timing = { runPendingMs: 100, taskRunningMs: 200, runTerminatingMs: 50 };
    const quickMs = timing.runPendingMs + timing.taskRunningMs + timing.runTerminatingMs;
    bed.fake.setTiming(timing);
    const slow = await createReadyJob(bed, 'slow', {
      name: 'slow',
      tasks: [notebookTask('work', '/Shared/SLEEP_5000')],
    });
    const quick = await createReadyJob(bed, 'quick', { name: 'quick', tasks: [notebookTask('work')] });
    const run = (job: DatabricksJob) =>
      bed.fake.ui.call('jobs/run-now', { job_id: job.status?.jobId }) as Promise<{ run_id: number }>;
    const remoteRun = (runId: number) =>
      bed.fake.ui.call('jobs/runs/get', { run_id: runId }) as Promise<{ end_time: number }>;
    const poke = (name: string) =>
      bed.kube.patchCustomObject(JOBS, bed.namespace, name, {
        metadata: { annotations: { 'example.com/poke': String(Date.now()) } },
      });
    const lastRunOf = async (name: string) => (await bed.get<DatabricksJob>(JOBS, name))?.status?.lastRun;

    const slowRun = await run(slow);
    await poke('slow');
    // While the slow run goes, its job is looked at every 200 ms, and each look walks the runs.
    await pollUntil('the slow run in status', async () =>
      (await lastRunOf('slow'))?.runId === slowRun.run_id ? true : undefined,
    );
    const quickFirst = await run(quick);
    clock.advance(quickMs);
    const quickFirstEnd = (await remoteRun(quickFirst.run_id)).end_time;
    expect(quickFirstEnd).toBeGreaterThan(0);
    // A second later the quick job runs again, so walks meet runs that started after the first one ended.
    clock.advance(1_100);
    const quickSecond = await run(quick);
    // A look within 200 ms of the previous walk reuses it, so poke until a walk has seen the new run.
    await pollUntil(
      'the second quick run in status',
      async () => {
        if ((await lastRunOf('quick'))?.runId === quickSecond.run_id) return true;
        await poke('quick');
        return undefined;
      },
      { intervalMs: 300 },
    );

    // Both end within these 5 s: the second quick run after 350 ms, the slow one 5.15 s after it started
    // (1.45 s ago on the fake's clock).
    clock.advance(5_000);
    const ended = await pollUntil(
      'the slow run to show SUCCESS',
      async () => {
        const lastRun = await lastRunOf('slow');
        return lastRun?.state === 'SUCCESS' ? lastRun : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(ended.runId).toBe(slowRun.run_id);
    // runs/list gives the slow run last (it started first), behind two quick runs that ended before it.
    const slowEnd = (await remoteRun(slowRun.run_id)).end_time;
    expect(slowEnd).toBeGreaterThan(quickFirstEnd);
    expect(Date.parse(ended.endTime ?? '')).toBe(Math.floor(slowEnd / 1000) * 1000);
  });
});
