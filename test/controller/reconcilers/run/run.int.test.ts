import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import type { DatabricksRun } from '../../../../controller/reconcilers/run/run.js';
import { findCondition } from '../../../../controller/runtime/conditions.js';
import { cachedBinaries } from '../../../control-plane/kube-binaries.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { RESOURCES, useOperatorTestBed } from '../../operator-test-bed.js';
import { eventsAbout } from '../job/job-fixtures.js';

const RUNS = RESOURCES.DatabricksRun;
const JOBS = RESOURCES.DatabricksJob;

const notebookTask = (key: string, path = `/Shared/${key}`) => ({
  task_key: key,
  notebook_task: { notebook_path: path },
  new_cluster: { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 },
});

interface RunsGet {
  state: { life_cycle_state: string; result_state?: string };
}

describe('DatabricksRun reconciler: start, follow and finish a run', () => {
  const bed = useOperatorTestBed('run');

  beforeEach(() => {
    bed.fake.setTiming({ runPendingMs: 100, taskRunningMs: 300, runTerminatingMs: 100 });
  });

  it('submits a one-time run with a token from the UID and ends Succeeded, Ready, with each task run and its output and a Normal Event', async () => {
    const created = await bed.create<DatabricksRun>(RUNS, 'DatabricksRun', 'nightly', {
      workspaceRef: { name: 'ws' },
      submit: {
        tasks: [notebookTask('ingest'), { ...notebookTask('report'), depends_on: [{ task_key: 'ingest' }] }],
      },
    });
    const run = await bed.waitForCondition<DatabricksRun>(RUNS, 'nightly', { type: 'Succeeded' });
    const status = run.status!;
    expect(status).toMatchObject({
      lifeCycleState: 'TERMINATED',
      resultState: 'SUCCESS',
      state: 'TERMINATED',
      terminationDetails: { code: 'SUCCESS', type: 'SUCCESS' },
    });
    expect(status.url).toContain(`/runs/${status.runId}`);
    expect(Date.parse(status.endTime!)).toBeGreaterThanOrEqual(Date.parse(status.startTime!));
    expect(status.tasks?.map((task) => [task.taskKey, task.lifeCycleState, task.resultState])).toEqual([
      ['ingest', 'TERMINATED', 'SUCCESS'],
      ['report', 'TERMINATED', 'SUCCESS'],
    ]);
    expect(status.tasks?.[0].output).toEqual({ result: 'OK', truncated: false });
    expect(findCondition(status.conditions, 'Failed')).toMatchObject({ status: 'False', reason: 'Success' });
    expect(findCondition(status.conditions, 'Ready')).toMatchObject({
      status: 'True',
      reason: 'RunFinished',
    });

    const submits = bed.fake.requests({ endpoint: 'jobs/runs/submit' });
    expect(submits).toHaveLength(1);
    expect(submits[0].body).toMatchObject({
      run_name: 'nightly',
      idempotency_token: `k8s-dbrun-${created.metadata.uid}`,
    });
    // One get-output per task run, once.
    expect(bed.fake.requestCount('jobs/runs/get-output', 200)).toBe(2);
    const events = await eventsAbout(bed, 'nightly');
    expect(events.map((event) => [event.type, event.reason])).toEqual([
      ['Normal', 'Started'],
      ['Normal', 'Succeeded'],
    ]);
    expect(events[1].note).toBe(`run ${status.runId} succeeded: TERMINATED SUCCESS`);
  });

  it('lets kubectl wait --for=condition=Succeeded on dbrun/<name> return once the run succeeded', async () => {
    await bed.create(RUNS, 'DatabricksRun', 'waited', {
      workspaceRef: { name: 'ws' },
      submit: { tasks: [notebookTask('one')] },
    });
    const built = cachedBinaries().kubectl;
    const { stdout } = await promisify(execFile)(existsSync(built) ? built : 'kubectl', [
      'wait',
      '--for=condition=Succeeded',
      'dbrun/waited',
      '--namespace',
      bed.namespace,
      '--timeout=30s',
    ]);
    expect(stdout).toContain('databricksrun.databricks.operator.dev/waited condition met');
  });

  it('ends Failed and not Ready (RunFailed), with a Warning and the error and the start of the trace of the task that failed', async () => {
    await bed.create(RUNS, 'DatabricksRun', 'broken', {
      workspaceRef: { name: 'ws' },
      submit: { tasks: [notebookTask('load', '/Shared/load_FAIL')] },
    });
    const run = await bed.waitForCondition<DatabricksRun>(RUNS, 'broken', { type: 'Failed' });
    expect(findCondition(run.status?.conditions, 'Succeeded')).toMatchObject({
      status: 'False',
      reason: 'Failed',
    });
    expect(run.status?.resultState).toBe('FAILED');
    expect(run.status?.terminationDetails?.code).toBe('RUN_EXECUTION_ERROR');
    const output = run.status?.tasks?.[0].output;
    expect(output?.error).toContain('FAIL marker');
    expect(output?.errorTrace).toContain('at fake_databricks.run_task(load)');
    expect(findCondition(run.status?.conditions, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'RunFailed',
      message: expect.stringMatching(/^run \d+ failed: TERMINATED FAILED \(.+\)$/),
      observedGeneration: run.metadata.generation,
    });
    const events = await eventsAbout(bed, 'broken');
    expect(events.map((event) => [event.type, event.reason])).toEqual([
      ['Normal', 'Started'],
      ['Warning', 'Failed'],
    ]);
  });

  it('waits for the DatabricksJob of jobRef and runs it as soon as the job is Ready, with spec.runNow', async () => {
    // A long not-Ready backoff: only the DatabricksJob watch can start the run within the test.
    await bed.startOperator({ notReadyBackoff: { minMs: 120_000, maxMs: 120_000 } });
    await bed.create(RUNS, 'DatabricksRun', 'etl-now', {
      workspaceRef: { name: 'ws' },
      jobRef: { name: 'etl' },
      runNow: { job_parameters: { day: '2026-01-02' } },
    });
    const waiting = await bed.waitForCondition<DatabricksRun>(RUNS, 'etl-now', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(findCondition(waiting.status?.conditions, 'Ready')?.message).toContain('spec.jobRef');

    await bed.create(JOBS, 'DatabricksJob', 'etl', {
      workspaceRef: { name: 'ws' },
      settings: {
        name: 'etl',
        tasks: [notebookTask('main')],
        parameters: [{ name: 'day', default: 'today' }],
      },
    });
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'etl');
    const run = await bed.waitForCondition<DatabricksRun>(RUNS, 'etl-now', { type: 'Succeeded' }, 20_000);
    expect(run.status?.jobId).toBe(job.status?.jobId);
    const runNows = bed.fake.requests({ endpoint: 'jobs/run-now' });
    expect(runNows).toHaveLength(1);
    expect(runNows[0].body).toEqual({
      job_id: job.status?.jobId,
      job_parameters: { day: '2026-01-02' },
      idempotency_token: `k8s-dbrun-${run.metadata.uid}`,
    });
    const remote = (await bed.fake.ui.call('jobs/runs/get', { run_id: run.status?.runId })) as {
      job_parameters: { name: string; value: string }[];
    };
    expect(remote.job_parameters).toEqual([{ name: 'day', default: 'today', value: '2026-01-02' }]);
  });

  it('waits with JobNotFound while the job was deleted in Databricks, and runs the job its DatabricksJob recreates', async () => {
    const settings = { name: 'etl-gone', tasks: [notebookTask('main')] };
    await bed.create(JOBS, 'DatabricksJob', 'etl-gone', { workspaceRef: { name: 'ws' }, settings });
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'etl-gone');
    await bed.fake.ui.deleteJob(job.status!.jobId!);

    await bed.create(RUNS, 'DatabricksRun', 'after-delete', {
      workspaceRef: { name: 'ws' },
      jobRef: { name: 'etl-gone' },
    });
    const waiting = await bed.waitForCondition<DatabricksRun>(RUNS, 'after-delete', {
      status: 'False',
      reason: 'JobNotFound',
    });
    expect(findCondition(waiting.status?.conditions, 'Ready')?.message).toContain(`job ${job.status?.jobId}`);

    // A spec change makes the DatabricksJob notice the job is gone and create it again.
    await bed.patchSpec(JOBS, 'etl-gone', { settings: { ...settings, description: 'recreated' } });
    const recreated = await pollUntil('a new job ID', async () => {
      const current = await bed.get<DatabricksJob>(JOBS, 'etl-gone');
      const jobId = current?.status?.jobId;
      return jobId !== undefined && jobId !== job.status?.jobId ? jobId : undefined;
    });
    const run = await bed.waitForCondition<DatabricksRun>(RUNS, 'after-delete', { type: 'Succeeded' });
    expect(run.status?.jobId).toBe(recreated);
  });

  it('resolves the *_ref fields of submitted tasks before submitting', async () => {
    await bed.create(JOBS, 'DatabricksJob', 'child', {
      workspaceRef: { name: 'ws' },
      settings: { name: 'child', tasks: [notebookTask('main')] },
    });
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'child');
    await bed.create(RUNS, 'DatabricksRun', 'parent', {
      workspaceRef: { name: 'ws' },
      submit: {
        run_name: 'parent run',
        tasks: [{ task_key: 'call', run_job_task: { job_ref: { name: 'child' } } }],
      },
    });
    await bed.waitForCondition(RUNS, 'parent', { type: 'Succeeded' });
    const [submit] = bed.fake.requests({ endpoint: 'jobs/runs/submit' });
    expect(submit.body).toMatchObject({
      run_name: 'parent run',
      tasks: [{ task_key: 'call', run_job_task: { job_id: job.status?.jobId } }],
    });
    expect(JSON.stringify(submit.body)).not.toContain('job_ref');
  });

  it('refuses a change of what runs, and takes a cancelOnDelete change without touching the run', async () => {
    await bed.create(RUNS, 'DatabricksRun', 'fixed', {
      workspaceRef: { name: 'ws' },
      submit: { tasks: [notebookTask('one')] },
    });
    await bed.waitForCondition(RUNS, 'fixed', { type: 'Succeeded' });
    // The first thing a GitOps user meets when a commit changes a run: it says how to run from Git.
    await expect(bed.patchSpec(RUNS, 'fixed', { submit: { tasks: [notebookTask('two')] } })).rejects.toThrow(
      /submit is immutable: a run happens once; to run again, create a DatabricksRun with a new name\. From Git, the DatabricksRun construct's runOnChange option/,
    );
    await expect(bed.patchSpec(RUNS, 'fixed', { jobRef: { name: 'other' } })).rejects.toThrow(
      /jobRef is immutable|exactly one of jobRef, submit/,
    );

    const calls = bed.fake.requests().length;
    await bed.patchSpec(RUNS, 'fixed', { cancelOnDelete: false });
    const run = await pollUntil('observedGeneration 2', async () => {
      const current = await bed.get<DatabricksRun>(RUNS, 'fixed');
      return current?.status?.observedGeneration === 2 ? current : undefined;
    });
    expect(findCondition(run.status?.conditions, 'Succeeded')).toMatchObject({
      status: 'True',
      observedGeneration: 2,
    });
    expect(bed.fake.requests().length).toBe(calls);
  });

  it('reports a run deleted in Databricks as RunNotFound and stops looking for it', async () => {
    await bed.create(RUNS, 'DatabricksRun', 'vanishing', {
      workspaceRef: { name: 'ws' },
      submit: { tasks: [notebookTask('long', '/Shared/long_SLEEP_60000')] },
    });
    const running = await pollUntil('the run to be RUNNING', async () => {
      const run = await bed.get<DatabricksRun>(RUNS, 'vanishing');
      return run?.status?.lifeCycleState === 'RUNNING' ? run : undefined;
    });
    const runId = running.status?.runId;

    await bed.stopOperator();
    await bed.fake.ui.call('jobs/runs/cancel', { run_id: runId });
    await pollUntil('the run to end', async () => {
      const remote = (await bed.fake.ui.call('jobs/runs/get', { run_id: runId })) as unknown as RunsGet;
      return remote.state.life_cycle_state === 'TERMINATED' ? true : undefined;
    });
    await bed.fake.ui.call('jobs/runs/delete', { run_id: runId });
    await bed.startOperator();

    const run = await bed.waitForCondition<DatabricksRun>(RUNS, 'vanishing', {
      status: 'False',
      reason: 'RunNotFound',
    });
    expect(findCondition(run.status?.conditions, 'Ready')?.message).toContain(
      `run ${runId} no longer exists`,
    );
    expect(findCondition(run.status?.conditions, 'Failed')).toMatchObject({
      status: 'True',
      reason: 'RunNotFound',
    });
    expect(run.status?.lifeCycleState).toBe('RUNNING');
    const gets = bed.fake.requestCount('jobs/runs/get');
    const lists = bed.fake.requestCount('jobs/runs/list');
    // Several minimum poll intervals: a run still being looked for would show up here.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(bed.fake.requestCount('jobs/runs/get')).toBe(gets);
    expect(bed.fake.requestCount('jobs/runs/list')).toBe(lists);
  });
});
