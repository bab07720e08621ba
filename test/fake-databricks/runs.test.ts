import { FakeHttpClient } from './fake-http-client.js';
import { ManualClock, startFakeWorkspace, type FakeWorkspace } from './index.js';

const notebook = (key: string, path = `/Shared/${key}`, extra: Record<string, unknown> = {}) => ({
  task_key: key,
  notebook_task: { notebook_path: path },
  ...extra,
});
const timing = { runPendingMs: 100, taskRunningMs: 1000, runTerminatingMs: 50 };

describe('fake Jobs API: runs', () => {
  let workspace: FakeWorkspace;
  let api: FakeHttpClient;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock();
    workspace = await startFakeWorkspace({ clock, rateLimits: false, timing });
    api = new FakeHttpClient(workspace);
  });
  afterAll(() => workspace.close());
  beforeEach(() => workspace.reset());

  const createJob = async (settings: Record<string, unknown>, version = '2.2'): Promise<number> =>
    (await api.ok('POST', `/api/${version}/jobs/create`, { name: 'job', ...settings })).job_id;
  const runNow = async (fields: Record<string, unknown>): Promise<number> =>
    (await api.ok('POST', '/api/2.2/jobs/run-now', fields)).run_id;
  const getRun = (runId: number) => api.ok('GET', '/api/2.2/jobs/runs/get', { run_id: runId });
  const lifeCycle = async (runId: number) => (await getRun(runId)).state.life_cycle_state;

  it('moves a run PENDING → RUNNING → TERMINATING → TERMINATED SUCCESS, with state and status in step', async () => {
    const jobId = await createJob({ tasks: [notebook('a')] });
    const runId = await runNow({ job_id: jobId });
    const seen: [string, string][] = [];
    for (const step of [0, 100, 1000, 50]) {
      clock.advance(step);
      const run = await getRun(runId);
      seen.push([run.state.life_cycle_state, run.status.state]);
    }
    expect(seen).toEqual([
      ['PENDING', 'PENDING'],
      ['RUNNING', 'RUNNING'],
      ['TERMINATING', 'TERMINATING'],
      ['TERMINATED', 'TERMINATED'],
    ]);
    const run = await getRun(runId);
    expect(run.state.result_state).toBe('SUCCESS');
    expect(run.status.termination_details).toMatchObject({ code: 'SUCCESS', type: 'SUCCESS' });
    expect(run.run_page_url).toBe(`${workspace.url}/jobs/${jobId}/runs/${runId}?o=${workspace.workspaceId}`);
    expect(run).toMatchObject({
      job_id: jobId,
      run_type: 'JOB_RUN',
      setup_duration: 100,
      execution_duration: 1000,
    });
    expect(run.end_time - run.start_time).toBe(run.run_duration);
  });

  it("records in a run the job's git_source and each task's path and source as they were when it started", async () => {
    const git_source = { git_url: 'https://github.com/acme/etl.git', git_provider: 'gitHub', git_tag: 'v1' };
    const jobId = await createJob({
      git_source,
      tasks: [
        notebook('git', 'etl/main'),
        { task_key: 'ws', notebook_task: { notebook_path: '/Repos/ci/etl/etl/main', source: 'WORKSPACE' } },
      ],
    });
    const runId = await runNow({ job_id: jobId });
    await api.ok('POST', '/api/2.2/jobs/update', {
      job_id: jobId,
      new_settings: { tasks: [notebook('git', 'etl/other')] },
    });
    const run = await getRun(runId);
    expect(run.git_source).toEqual(git_source);
    expect(run.tasks.map((task: { notebook_task: unknown }) => task.notebook_task)).toEqual([
      { notebook_path: 'etl/main', source: 'GIT' },
      { notebook_path: '/Repos/ci/etl/etl/main', source: 'WORKSPACE' },
    ]);

    const submitted = (
      await api.ok('POST', '/api/2.2/jobs/runs/submit', { run_name: 'once', tasks: [notebook('plain')] })
    ).run_id;
    const once = await getRun(submitted);
    expect(once.git_source).toBeUndefined();
    expect(once.tasks[0].notebook_task).toEqual({ notebook_path: '/Shared/plain', source: 'WORKSPACE' });
  });

  it('runs tasks along depends_on and marks dependents of a failed task UPSTREAM_FAILED', async () => {
    const jobId = await createJob({
      tasks: [
        notebook('extract', '/Shared/extract_FAIL'),
        notebook('load', undefined, { depends_on: [{ task_key: 'extract' }] }),
        notebook('cleanup', undefined, { depends_on: [{ task_key: 'extract' }], run_if: 'ALL_DONE' }),
      ],
    });
    const runId = await runNow({ job_id: jobId });
    clock.advance(100 + 500);
    let tasks = (await getRun(runId)).tasks;
    expect(tasks.map((t: { state: { life_cycle_state: string } }) => t.state.life_cycle_state)).toEqual([
      'RUNNING',
      'BLOCKED',
      'BLOCKED',
    ]);
    clock.advance(600);
    tasks = (await getRun(runId)).tasks;
    expect(tasks[0].state.result_state).toBe('FAILED');
    expect(tasks[1].state.result_state).toBe('UPSTREAM_FAILED');
    expect(tasks[2].state.life_cycle_state).toBe('RUNNING');
    clock.advance(10_000);
    const run = await getRun(runId);
    expect(run.state.result_state).toBe('FAILED');
    expect(run.status.termination_details.code).toBe('RUN_EXECUTION_ERROR');
  });

  it('succeeds with failures when every leaf task succeeds', async () => {
    const jobId = await createJob({
      tasks: [
        notebook('flaky', '/Shared/flaky_FAIL'),
        notebook('report', undefined, { depends_on: [{ task_key: 'flaky' }], run_if: 'AT_LEAST_ONE_FAILED' }),
      ],
    });
    const runId = await runNow({ job_id: jobId });
    clock.advance(60_000);
    expect((await getRun(runId)).state.result_state).toBe('SUCCESS_WITH_FAILURES');
  });

  it('takes a task duration from a SLEEP_<ms> marker', async () => {
    const jobId = await createJob({ tasks: [notebook('slow', '/Shared/slow_SLEEP_5000')] });
    const runId = await runNow({ job_id: jobId });
    clock.advance(100 + 4000);
    expect(await lifeCycle(runId)).toBe('RUNNING');
    clock.advance(1000);
    expect(await lifeCycle(runId)).toBe('TERMINATING');
  });

  it('ends a run in INTERNAL_ERROR when a task carries the INTERNAL_ERROR marker', async () => {
    const jobId = await createJob({ tasks: [notebook('boom', '/Shared/INTERNAL_ERROR')] });
    const runId = await runNow({ job_id: jobId });
    clock.advance(60_000);
    const run = await getRun(runId);
    expect(run.state.life_cycle_state).toBe('INTERNAL_ERROR');
    expect(run.status.termination_details.type).toBe('INTERNAL_ERROR');
  });

  it('ends a task that runs past its timeout_seconds TIMEDOUT, failing the run', async () => {
    const jobId = await createJob({
      tasks: [notebook('slow', '/Shared/slow_SLEEP_5000', { timeout_seconds: 2 })],
    });
    const runId = await runNow({ job_id: jobId });
    clock.advance(100 + 2000);
    const run = await getRun(runId);
    expect(run.tasks[0].state).toMatchObject({ result_state: 'TIMEDOUT', user_cancelled_or_timedout: true });
    clock.advance(50);
    expect((await getRun(runId)).state.result_state).toBe('FAILED');
  });

  it('stops a run at the job timeout_seconds with result TIMEDOUT', async () => {
    const jobId = await createJob({
      timeout_seconds: 1,
      tasks: [notebook('slow', '/Shared/slow_SLEEP_5000')],
    });
    const runId = await runNow({ job_id: jobId });
    clock.advance(1000);
    expect(await lifeCycle(runId)).toBe('TERMINATING');
    clock.advance(50);
    const run = await getRun(runId);
    expect(run.state).toMatchObject({ life_cycle_state: 'TERMINATED', result_state: 'TIMEDOUT' });
    expect(run.tasks[0].state.result_state).toBe('TIMEDOUT');
  });

  it('applies a new job timeout_seconds to a run that is already active', async () => {
    const jobId = await createJob({ tasks: [notebook('slow', '/Shared/slow_SLEEP_10000')] });
    const runId = await runNow({ job_id: jobId });
    clock.advance(3000);
    await api.ok('POST', '/api/2.2/jobs/update', { job_id: jobId, new_settings: { timeout_seconds: 1 } });
    expect(await lifeCycle(runId)).toBe('TERMINATING');
    clock.advance(50);
    expect((await getRun(runId)).state.result_state).toBe('TIMEDOUT');
  });

  it('queues a run over max_concurrent_runs when queueing is on, and starts it when a slot frees', async () => {
    const jobId = await createJob({ tasks: [notebook('a')] });
    const first = await runNow({ job_id: jobId });
    const second = await runNow({ job_id: jobId });
    const queued = await getRun(second);
    expect(queued.state.life_cycle_state).toBe('QUEUED');
    expect(queued.status).toMatchObject({
      state: 'QUEUED',
      queue_details: { code: 'MAX_CONCURRENT_RUNS_REACHED' },
    });
    clock.advance(1150);
    expect(await lifeCycle(first)).toBe('TERMINATED');
    const started = await getRun(second);
    expect(started.state.life_cycle_state).toBe('PENDING');
    expect(started.queue_duration).toBe(1150);
  });

  it('skips a run over max_concurrent_runs when queueing is off', async () => {
    const jobId = await createJob({ tasks: [notebook('a')] }, '2.1');
    await runNow({ job_id: jobId });
    const second = await runNow({ job_id: jobId });
    const run = await getRun(second);
    expect(run.state).toMatchObject({
      life_cycle_state: 'SKIPPED',
      result_state: 'MAXIMUM_CONCURRENT_RUNS_REACHED',
    });
    expect(run.status.termination_details.code).toBe('MAX_CONCURRENT_RUNS_EXCEEDED');
  });

  it('returns the same run for a repeated idempotency_token, and refuses it once that run is deleted', async () => {
    const jobId = await createJob({ tasks: [notebook('a')] });
    const first = await runNow({ job_id: jobId, idempotency_token: 'deploy-42' });
    expect(await runNow({ job_id: jobId, idempotency_token: 'deploy-42' })).toBe(first);
    clock.advance(60_000);
    await api.ok('POST', '/api/2.2/jobs/runs/delete', { run_id: first });
    const again = await api.call('POST', '/api/2.2/jobs/run-now', {
      job_id: jobId,
      idempotency_token: 'deploy-42',
    });
    expect(again.status).toBe(400);
  });

  it('records job_parameters and legacy parameters, and rejects mixing them', async () => {
    const jobId = await createJob({ parameters: [{ name: 'env', default: 'dev' }], tasks: [notebook('a')] });
    const runId = await runNow({ job_id: jobId, job_parameters: { env: 'prod' } });
    expect((await getRun(runId)).job_parameters).toEqual([{ name: 'env', default: 'dev', value: 'prod' }]);
    const mixed = await api.call('POST', '/api/2.2/jobs/run-now', {
      job_id: jobId,
      job_parameters: { env: 'x' },
      notebook_params: { a: '1' },
    });
    expect(mixed.status).toBe(400);
    const both = await api.call('POST', '/api/2.2/jobs/run-now', {
      job_id: jobId,
      notebook_params: { a: '1' },
      jar_params: ['x'],
    });
    expect(both.body.message).toMatch(/jar_params and notebook_params/);
  });

  it('cancels asynchronously: TERMINATING first, then TERMINATED CANCELED with USER_CANCELED', async () => {
    const jobId = await createJob({ tasks: [notebook('a')] });
    const runId = await runNow({ job_id: jobId });
    clock.advance(300);
    await api.ok('POST', '/api/2.2/jobs/runs/cancel', { run_id: runId });
    expect(await lifeCycle(runId)).toBe('TERMINATING');
    clock.advance(50);
    const run = await getRun(runId);
    expect(run.state).toMatchObject({ life_cycle_state: 'TERMINATED', result_state: 'CANCELED' });
    expect(run.status.termination_details.code).toBe('USER_CANCELED');
    expect(run.tasks[0].state.result_state).toBe('CANCELED');
  });

  it('cancels every active run of a job with cancel-all', async () => {
    const jobId = await createJob({ max_concurrent_runs: 5, tasks: [notebook('a')] });
    const runs = [await runNow({ job_id: jobId }), await runNow({ job_id: jobId })];
    await api.ok('POST', '/api/2.2/jobs/runs/cancel-all', { job_id: jobId });
    clock.advance(100);
    for (const runId of runs) expect((await getRun(runId)).state.result_state).toBe('CANCELED');
  });

  it('cancels a queued run without ever starting it', async () => {
    const jobId = await createJob({ tasks: [notebook('a')] });
    await runNow({ job_id: jobId });
    const queued = await runNow({ job_id: jobId });
    await api.ok('POST', '/api/2.2/jobs/runs/cancel-all', { job_id: jobId, all_queued_runs: true });
    clock.advance(60_000);
    const run = await getRun(queued);
    expect(run.state.result_state).toBe('CANCELED');
    expect(run.tasks[0].cluster_instance).toBeUndefined();
  });

  it('runs only the tasks named by run-now only, and honours a queue override', async () => {
    const jobId = await createJob({
      tasks: [notebook('a'), notebook('b', undefined, { depends_on: [{ task_key: 'a' }] })],
    });
    const runId = await runNow({ job_id: jobId, only: ['b'] });
    expect((await getRun(runId)).tasks.map((t: { task_key: string }) => t.task_key)).toEqual(['b']);
    const skipped = await runNow({ job_id: jobId, queue: { enabled: false } });
    expect(await lifeCycle(skipped)).toBe('SKIPPED');
  });

  it('pages the tasks of runs/get at 100 and serves a task run by its own run_id', async () => {
    const tasks = Array.from({ length: 150 }, (_, i) => notebook(`t${i}`));
    const { run_id: runId } = await api.ok('POST', '/api/2.2/jobs/runs/submit', { tasks });
    const first = await getRun(runId);
    expect(first.tasks).toHaveLength(100);
    expect(first.has_more).toBe(true);
    const second = await api.ok('GET', '/api/2.2/jobs/runs/get', {
      run_id: runId,
      page_token: first.next_page_token,
    });
    expect(second.tasks).toHaveLength(50);
    expect(second.next_page_token).toBeUndefined();
    const taskRun = await getRun(second.tasks[0].run_id);
    expect(taskRun).toMatchObject({ task_key: 't100', job_id: first.job_id });
  });

  it('refuses to delete an active run', async () => {
    const jobId = await createJob({ tasks: [notebook('a')] });
    const runId = await runNow({ job_id: jobId });
    const res = await api.call('POST', '/api/2.2/jobs/runs/delete', { run_id: runId });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_STATE');
  });

  it('answers a missing run with 400 "Run N does not exist."', async () => {
    const res = await api.call('GET', '/api/2.2/jobs/runs/get', { run_id: 99 });
    expect(res.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Run 99 does not exist.' });
  });

  it('gives task-run output, and refuses the output of a multi-task parent run', async () => {
    const jobId = await createJob({ tasks: [notebook('ok'), notebook('bad', '/Shared/bad_FAIL')] });
    const runId = await runNow({ job_id: jobId });
    clock.advance(60_000);
    const parent = await api.call('GET', '/api/2.2/jobs/runs/get-output', { run_id: runId });
    expect(parent.status).toBe(400);
    expect(parent.body.message).toBe(
      'Retrieving the output of runs with multiple tasks is not supported. Please retrieve the output of each individual task run instead.',
    );
    const [ok, bad] = (await getRun(runId)).tasks;
    const okOutput = await api.ok('GET', '/api/2.2/jobs/runs/get-output', { run_id: ok.run_id });
    expect(okOutput.notebook_output).toEqual({ result: 'OK', truncated: false });
    expect(okOutput.metadata.run_id).toBe(ok.run_id);
    const badOutput = await api.ok('GET', '/api/2.2/jobs/runs/get-output', { run_id: bad.run_id });
    expect(badOutput.error).toMatch(/FAIL/);
    expect(badOutput.error_trace).toContain('bad');
  });

  it('submits a one-time run, idempotently', async () => {
    const body = { run_name: 'adhoc', tasks: [notebook('a')], idempotency_token: 'once' };
    const { run_id: runId } = await api.ok('POST', '/api/2.2/jobs/runs/submit', body);
    expect((await api.ok('POST', '/api/2.2/jobs/runs/submit', body)).run_id).toBe(runId);
    const run = await getRun(runId);
    expect(run).toMatchObject({ run_name: 'adhoc', run_type: 'SUBMIT_RUN' });
    const bad = await api.call('POST', '/api/2.2/jobs/runs/submit', { tasks: [{ task_key: 'x' }] });
    expect(bad.status).toBe(400);
  });

  const listedIds = async (query: Record<string, unknown> = {}): Promise<number[]> =>
    ((await api.ok('GET', '/api/2.2/jobs/runs/list', query)).runs ?? []).map(
      (r: { run_id: number }) => r.run_id,
    );

  it('orders runs/list by start time, newest first, whether or not a run has finished', async () => {
    const slow = await runNow({
      job_id: await createJob({ tasks: [notebook('s', '/Shared/s_SLEEP_600000')] }),
    });
    clock.advance(1_000);
    const quick = await runNow({ job_id: await createJob({ tasks: [notebook('q')] }) });
    expect(await listedIds()).toEqual([quick, slow]);
    clock.advance(10_000);
    expect(await listedIds({ completed_only: true })).toEqual([quick]);
    expect(await listedIds({ active_only: true })).toEqual([slow]);
    clock.advance(700_000);
    // The slow run started first and ended last: it still comes after the quick one.
    expect(await lifeCycle(slow)).toBe('TERMINATED');
    expect(await listedIds()).toEqual([quick, slow]);
    const first = await api.ok('GET', '/api/2.2/jobs/runs/list', { limit: 1 });
    const second = await api.ok('GET', '/api/2.2/jobs/runs/list', {
      limit: 1,
      page_token: first.next_page_token,
    });
    expect([first.runs[0].run_id, second.runs[0].run_id]).toEqual([quick, slow]);
    expect(second.next_page_token).toBeUndefined();
    expect(second.has_more).toBe(false);
  });

  it('goes on where the previous page stopped when a run on that page has finished since', async () => {
    const long = await createJob({
      max_concurrent_runs: 10,
      tasks: [notebook('l', '/Shared/l_SLEEP_100000')],
    });
    const older = await runNow({ job_id: long });
    clock.advance(1_000);
    const newer = await runNow({ job_id: long });
    clock.advance(1_000);
    const quick = await runNow({ job_id: await createJob({ tasks: [notebook('q')] }) });
    const page = (token?: string) =>
      api.ok('GET', '/api/2.2/jobs/runs/list', { active_only: true, limit: 1, page_token: token });

    const first = await page();
    expect(first.runs.map((r: { run_id: number }) => r.run_id)).toEqual([quick]);
    clock.advance(2_000);
    expect(await lifeCycle(quick)).toBe('TERMINATED');
    // An offset would now skip `newer`; the token names a position in start order, which holds.
    const second = await page(first.next_page_token);
    expect(second.runs.map((r: { run_id: number }) => r.run_id)).toEqual([newer]);
    const third = await page(second.next_page_token);
    expect(third.runs.map((r: { run_id: number }) => r.run_id)).toEqual([older]);
    expect(third.next_page_token).toBeUndefined();
    expect(await listedIds({ completed_only: true })).toEqual([quick]);
  });

  it('filters runs/list by start time, bounds included, and pages within the filter by token or offset', async () => {
    const jobId = await createJob({
      max_concurrent_runs: 10,
      tasks: [notebook('a', '/Shared/a_SLEEP_100000')],
    });
    const startTimes: number[] = [];
    const started: number[] = [];
    for (let i = 0; i < 5; i++) {
      startTimes.push(clock.now());
      started.push(await runNow({ job_id: jobId }));
      clock.advance(1_000);
    }
    const window = { job_id: jobId, start_time_from: startTimes[1], start_time_to: startTimes[3] };
    expect(await listedIds(window)).toEqual([started[3], started[2], started[1]]);
    const page = await api.ok('GET', '/api/2.2/jobs/runs/list', { ...window, limit: 2 });
    expect(page.runs.map((r: { run_id: number }) => r.run_id)).toEqual([started[3], started[2]]);
    const rest = await api.ok('GET', '/api/2.2/jobs/runs/list', {
      ...window,
      limit: 2,
      page_token: page.next_page_token,
    });
    expect(rest.runs.map((r: { run_id: number }) => r.run_id)).toEqual([started[1]]);
    expect(await listedIds({ ...window, offset: 1, limit: 1 })).toEqual([started[2]]);
    expect(await listedIds({ job_id: jobId, start_time_from: startTimes[4] })).toEqual([started[4]]);
    expect(await listedIds({ job_id: jobId, start_time_to: startTimes[0] })).toEqual([started[0]]);
  });

  it('gives runs/list items has_more but no next_page_token: only runs/get pages a run', async () => {
    const tasks = Array.from({ length: 150 }, (_, i) => notebook(`t${i}`));
    const { run_id: runId } = await api.ok('POST', '/api/2.2/jobs/runs/submit', { tasks });
    const [item] = (await api.ok('GET', '/api/2.2/jobs/runs/list', { expand_tasks: true })).runs;
    expect(item.run_id).toBe(runId);
    expect(item.tasks).toHaveLength(100);
    expect(item.has_more).toBe(true);
    expect(item).not.toHaveProperty('next_page_token');
    const [plain] = (await api.ok('GET', '/api/2.2/jobs/runs/list', {})).runs;
    expect(plain).not.toHaveProperty('next_page_token');
    expect(plain).not.toHaveProperty('tasks');
    expect((await getRun(runId)).next_page_token).toEqual(expect.any(String));
  });

  it('lists runs newest first with job, active/completed and run_type filters and page tokens', async () => {
    const jobId = await createJob({ max_concurrent_runs: 10, tasks: [notebook('a')] });
    const done = await runNow({ job_id: jobId });
    clock.advance(60_000);
    const active = [await runNow({ job_id: jobId }), await runNow({ job_id: jobId })];
    await api.ok('POST', '/api/2.2/jobs/runs/submit', { tasks: [notebook('b')] });

    const ids = (body: { runs?: { run_id: number }[] }) => (body.runs ?? []).map((r) => r.run_id);
    expect(ids(await api.ok('GET', '/api/2.2/jobs/runs/list', { job_id: jobId }))).toEqual([
      active[1],
      active[0],
      done,
    ]);
    expect(ids(await api.ok('GET', '/api/2.2/jobs/runs/list', { job_id: jobId, active_only: true }))).toEqual(
      [active[1], active[0]],
    );
    expect(
      ids(await api.ok('GET', '/api/2.2/jobs/runs/list', { job_id: jobId, completed_only: true })),
    ).toEqual([done]);
    expect(ids(await api.ok('GET', '/api/2.2/jobs/runs/list', { run_type: 'SUBMIT_RUN' }))).toHaveLength(1);

    const page = await api.ok('GET', '/api/2.2/jobs/runs/list', { job_id: jobId, limit: 2 });
    expect(page.has_more).toBe(true);
    expect(page.runs[0].tasks).toBeUndefined();
    const rest = await api.ok('GET', '/api/2.2/jobs/runs/list', {
      job_id: jobId,
      limit: 2,
      page_token: page.next_page_token,
    });
    expect(ids(rest)).toEqual([done]);
    expect(rest.next_page_token).toBeUndefined();

    const both = await api.call('GET', '/api/2.2/jobs/runs/list', {
      active_only: true,
      completed_only: true,
    });
    expect(both.status).toBe(400);
    expect((await api.call('GET', '/api/2.2/jobs/runs/list', { limit: 26 })).status).toBe(400);
  });
});
