import { FakeHttpClient } from './fake-http-client.js';
import { startFakeWorkspace, type FakeWorkspace } from './index.js';

/** Resolves once `condition` holds, checking every few milliseconds (a test fails on Jest's timeout). */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

const createBody = { name: 'x', tasks: [{ task_key: 'a', notebook_task: { notebook_path: '/a' } }] };

describe('fake workspace knobs: rate limits, faults, latency', () => {
  let workspace: FakeWorkspace;
  let api: FakeHttpClient;
  beforeAll(async () => {
    workspace = await startFakeWorkspace();
    api = new FakeHttpClient(workspace);
  });
  afterAll(() => workspace.close());
  beforeEach(() => {
    workspace.reset();
    workspace.setFaults([]);
    workspace.setLatency({});
    workspace.setRateLimits({});
  });

  it('starts with the published per-endpoint limits of BEHAVIOUR.md', () => {
    expect(workspace.rateLimits()).toMatchObject({
      'jobs/create': 20,
      'jobs/run-now': 20,
      'jobs/runs/submit': 35,
      'jobs/runs/get': 100,
      'dbfs/*': 30,
      'permissions/get': 100,
      'permissions/put,permissions/patch': 30,
      'workspace/export': 60,
      'workspace/import': 30,
    });
  });

  it('answers requests over a limit with 429 REQUEST_LIMIT_EXCEEDED and an integer Retry-After', async () => {
    // Far under 1/s: one request is admitted and no token refills while the test runs.
    workspace.setRateLimits({ 'jobs/create': 0.01 });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => api.call('POST', '/api/2.2/jobs/create', createBody)),
    );
    const refused = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(refused).toHaveLength(9);
    expect(refused[0].body.error_code).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(refused[0].headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(workspace.requestCount('jobs/create', 429)).toBe(refused.length);
  });

  it('shares one budget across the endpoints a limit names, and lifts limits when told', async () => {
    workspace.setRateLimits({ 'jobs/get,jobs/list': 0.01 });
    const jobId = (await api.ok('POST', '/api/2.2/jobs/create', createBody)).job_id;
    const statuses = [
      (await api.call('GET', '/api/2.2/jobs/get', { job_id: jobId })).status,
      (await api.call('GET', '/api/2.2/jobs/list')).status,
      (await api.call('POST', '/api/2.2/jobs/create', createBody)).status,
    ];
    expect(statuses).toEqual([200, 429, 200]);
    workspace.setRateLimits(false);
    const many = await Promise.all(
      Array.from({ length: 50 }, () => api.call('POST', '/api/2.2/jobs/create', createBody)),
    );
    expect(many.every((a) => a.status === 200)).toBe(true);
  });

  it.each([
    ['rate-limit', 429, 'REQUEST_LIMIT_EXCEEDED'],
    ['internal-error', 500, 'INTERNAL_ERROR'],
    ['unavailable', 503, 'TEMPORARILY_UNAVAILABLE'],
    ['permission-denied', 403, 'PERMISSION_DENIED'],
  ] as const)('injects a %s fault as HTTP %i %s on the chosen endpoint only', async (kind, status, code) => {
    workspace.setFaults([{ endpoint: 'jobs/list', kind }]);
    const res = await api.call('GET', '/api/2.2/jobs/list');
    expect(res.status).toBe(status);
    expect(res.body.error_code).toBe(code);
    if (kind === 'rate-limit') expect(res.headers.get('retry-after')).toBe('1');
    expect((await api.call('GET', '/api/2.0/preview/scim/v2/Me')).status).toBe(200);
  });

  it('stops a fault after it fired the given number of times', async () => {
    workspace.setFaults([{ endpoint: 'jobs/*', kind: 'unavailable', times: 2 }]);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api.call('GET', '/api/2.2/jobs/list')).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(workspace.listFaults()[0].fired).toBe(2);
  });

  it('hits roughly the requested share of requests with a probabilistic fault', async () => {
    workspace.setFaults([{ endpoint: '*', kind: 'unavailable', probability: 0.3 }]);
    let failed = 0;
    for (let i = 0; i < 200; i++) if ((await api.call('GET', '/api/2.2/jobs/list')).status === 503) failed++;
    expect(failed).toBeGreaterThan(30);
    expect(failed).toBeLessThan(90);
  });

  it('drops the connection for a reset fault', async () => {
    workspace.setFaults([{ endpoint: 'jobs/list', kind: 'reset' }]);
    await expect(api.call('GET', '/api/2.2/jobs/list')).rejects.toThrow();
    expect(workspace.requestCount('jobs/list', 0)).toBe(1);
  });

  it('never answers a hung request', async () => {
    workspace.setFaults([{ endpoint: 'jobs/list', kind: 'hang', times: 1 }]);
    const abort = new AbortController();
    const outcome = fetch(`${workspace.url}/api/2.2/jobs/list`, {
      headers: { Authorization: `Bearer ${workspace.token}` },
      signal: abort.signal,
    }).then(
      () => 'answered',
      () => 'timed out',
    );
    // Give up only once the request has reached the fake and the fault took it: a timer started at the
    // fetch could fire before a slow machine delivered it, leaving the fault for the next request.
    await waitFor(() => workspace.listFaults()[0].fired === 1);
    setTimeout(() => abort.abort(), 300);
    expect(await outcome).toBe('timed out');
    expect((await api.call('GET', '/api/2.2/jobs/list')).status).toBe(200);
  });

  it('delays answers by the configured latency', async () => {
    workspace.setLatency({ fixedMs: 150, jitterMs: 50 });
    const started = performance.now();
    await api.ok('GET', '/api/2.2/jobs/list');
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(145);
  });

  it('counts a request as in progress from its arrival until it is answered', async () => {
    workspace.setLatency({ fixedMs: 200, jitterMs: 0 });
    const answer = api.ok('GET', '/api/2.2/jobs/list');
    await waitFor(() => workspace.requestsInProgress('jobs/list') === 1);
    expect(workspace.requestsInProgress('jobs/get')).toBe(0);
    await answer;
    expect(workspace.requestsInProgress('jobs/list')).toBe(0);
    expect(workspace.requestCount('jobs/list', 200)).toBe(1);
  });

  it('applies knobs set through the HTTP control API', async () => {
    const control = new FakeHttpClient(workspace, null);
    await control.ok('PUT', '/__fake/rate-limits', { limits: { 'jobs/list': 0.01 } });
    expect((await api.call('GET', '/api/2.2/jobs/list')).status).toBe(200);
    expect((await api.call('GET', '/api/2.2/jobs/list')).status).toBe(429);
    await control.ok('PUT', '/__fake/rate-limits', { limits: false });
    expect((await control.ok('GET', '/__fake/rate-limits')).limits).toBe(false);
    await control.ok('PUT', '/__fake/latency', { fixedMs: 5, jitterMs: 0 });
    expect(workspace.latency.fixedMs).toBe(5);
    await control.ok('PUT', '/__fake/timing', { taskRunningMs: 7 });
    expect(workspace.timing.taskRunningMs).toBe(7);
    const created = await api.ok('POST', '/api/2.2/jobs/create', createBody);
    await control.ok('POST', '/__fake/ui/jobs/update', {
      job_id: created.job_id,
      new_settings: { name: 'from the UI' },
    });
    const state = await control.ok('GET', '/__fake/state');
    expect(state.jobs.jobs[0].settings.name).toBe('from the UI');
    expect((await control.call('POST', '/__fake/clock/advance', { ms: 1 })).status).toBe(400);
  });
});
