import { ApiError, WorkspaceClient } from '@databricks/sdk-experimental';
import { startFakeWorkspace, type FakeWorkspace } from './index.js';

// An independent client: the official (preview) Databricks SDK for JavaScript must work against the fake
// unchanged. Any failure here is a difference between the fake and the real API.
describe('@databricks/sdk-experimental against the fake workspace', () => {
  let workspace: FakeWorkspace;
  let w: WorkspaceClient;
  beforeAll(async () => {
    workspace = await startFakeWorkspace({
      rateLimits: false,
      timing: { runPendingMs: 20, taskRunningMs: 50, runTerminatingMs: 20 },
      // Inside the SDK's 40 s refresh margin, so it fetches a new token on the next call; long enough
      // that a token is never expired on arrival, however slow the machine.
      oauthTokenLifetimeSeconds: 10,
    });
    w = new WorkspaceClient({ host: workspace.url, token: workspace.token, authType: 'pat' });
  });
  afterAll(() => workspace.close());

  const task = (key: string, path = `/Shared/${key}`) => ({
    task_key: key,
    notebook_task: { notebook_path: path },
  });

  it('creates, gets, lists, updates, resets and deletes a job', async () => {
    const { job_id: jobId } = await w.jobs.create({ name: 'sdk-crud', tasks: [task('a')] });
    expect(typeof jobId).toBe('number');
    const job = await w.jobs.get({ job_id: jobId! });
    expect(job.settings?.name).toBe('sdk-crud');
    expect(job.settings?.tasks?.[0].task_key).toBe('a');

    await w.jobs.update({ job_id: jobId!, new_settings: { tasks: [task('b')] } });
    expect((await w.jobs.get({ job_id: jobId! })).settings?.tasks?.map((t) => t.task_key)).toEqual([
      'a',
      'b',
    ]);
    await w.jobs.reset({ job_id: jobId!, new_settings: { name: 'sdk-reset', tasks: [task('c')] } });
    expect((await w.jobs.get({ job_id: jobId! })).settings?.name).toBe('sdk-reset');

    const listed: number[] = [];
    for await (const item of w.jobs.list({ name: 'SDK-RESET', limit: 1 })) listed.push(item.job_id!);
    expect(listed).toEqual([jobId]);

    await w.jobs.delete({ job_id: jobId! });
    await expect(w.jobs.get({ job_id: jobId! })).rejects.toMatchObject({
      statusCode: 400,
      errorCode: 'INVALID_PARAMETER_VALUE',
      message: `Job ${jobId} does not exist.`,
    });
  });

  it('pages through jobs/list with its async iterator', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await w.jobs.create({ name: 'sdk-paging', tasks: [task('a')] })).job_id!);
    const listed: number[] = [];
    for await (const item of w.jobs.list({ name: 'sdk-paging', limit: 2 })) listed.push(item.job_id!);
    expect(listed).toEqual([...ids].reverse());
  });

  it('waits for run-now to finish, reads the task output, and pages runs/list', async () => {
    const { job_id: jobId } = await w.jobs.create({
      name: 'sdk-run',
      max_concurrent_runs: 10,
      tasks: [task('a')],
    });
    const waiter = await w.jobs.runNow({ job_id: jobId! });
    const run = await waiter.wait();
    expect(run.state?.life_cycle_state).toBe('TERMINATED');
    expect(run.state?.result_state).toBe('SUCCESS');
    const output = await w.jobs.getRunOutput({ run_id: run.tasks![0].run_id! });
    expect(output.notebook_output?.result).toBe('OK');

    for (let i = 0; i < 4; i++) await w.jobs.runNow({ job_id: jobId! });
    const runs: number[] = [];
    for await (const item of w.jobs.listRuns({ job_id: jobId!, limit: 2 })) runs.push(item.run_id!);
    expect(runs).toHaveLength(5);
    expect([...runs].sort((a, b) => b - a)).toEqual(runs);
  });

  it('lists runs most recently started first, finished or not, as items without a page token', async () => {
    const slowJob = await w.jobs.create({ name: 'sdk-slow', tasks: [task('s', '/Shared/s_SLEEP_3000')] });
    const quickJob = await w.jobs.create({ name: 'sdk-quick', tasks: [task('q')] });
    const slowRun = await w.jobs.runNow({ job_id: slowJob.job_id! });
    const quickRun = await (await w.jobs.runNow({ job_id: quickJob.job_id! })).wait();
    const startedFrom = (await w.jobs.getRun({ run_id: slowRun.run_id! })).start_time!;
    const listed = async () => {
      const items = [];
      for await (const item of w.jobs.listRuns({ start_time_from: startedFrom, limit: 1 })) items.push(item);
      return items;
    };

    const whileSlowRuns = await listed();
    expect(whileSlowRuns.map((run) => run.run_id)).toEqual([quickRun.run_id, slowRun.run_id]);
    expect(whileSlowRuns[1].state?.life_cycle_state).not.toBe('TERMINATED');
    const slowEnded = await slowRun.wait();
    expect(slowEnded.end_time).toBeGreaterThan(quickRun.end_time!);

    // The slow run ended last but started first, so it is still listed second.
    const afterBothEnded = await listed();
    expect(afterBothEnded.map((run) => run.run_id)).toEqual([quickRun.run_id, slowRun.run_id]);
    expect(afterBothEnded.map((run) => run.state?.result_state)).toEqual(['SUCCESS', 'SUCCESS']);
    for (const item of afterBothEnded) expect(item).not.toHaveProperty('next_page_token');
  }, 20_000);

  it('waits for a submitted run that fails, and sees the failure in state and output', async () => {
    const waiter = await w.jobs.submit({ run_name: 'sdk-submit', tasks: [task('bad', '/Shared/bad_FAIL')] });
    const run = await waiter.wait();
    expect(run.state?.result_state).toBe('FAILED');
    const output = await w.jobs.getRunOutput({ run_id: run.tasks![0].run_id! });
    expect(output.error).toMatch(/FAIL/);
  });

  it('surfaces the multi-task get-output refusal as a 400 ApiError', async () => {
    const run = await (await w.jobs.submit({ tasks: [task('a'), task('b')] })).wait();
    const error = await w.jobs.getRunOutput({ run_id: run.run_id! }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).statusCode).toBe(400);
  });

  it('authenticates with OAuth M2M client credentials and fetches a new token as the old one nears expiry', async () => {
    const m2m = new WorkspaceClient({
      host: workspace.url,
      clientId: workspace.oauthClient.clientId,
      clientSecret: workspace.oauthClient.clientSecret,
      authType: 'oauth-m2m',
    });
    const me = await m2m.currentUser.me();
    expect(me.userName).toBe(workspace.oauthClient.clientId);
    const issuedBefore = workspace.issuedOAuthTokens();
    expect(issuedBefore).toBeGreaterThanOrEqual(1);
    const deadline = Date.now() + 10_000;
    while (workspace.issuedOAuthTokens() === issuedBefore && Date.now() < deadline) {
      await m2m.currentUser.me();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(workspace.issuedOAuthTokens()).toBeGreaterThan(issuedBefore);
    expect(workspace.requestCount('scim/me', 403)).toBe(0);
  });
});
