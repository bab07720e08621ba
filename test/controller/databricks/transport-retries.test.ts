import { Registry } from 'prom-client';
import { registerApiMetrics } from '../../../controller/databricks/api-metrics.js';
import { DatabricksClient } from '../../../controller/databricks/client.js';
import { PersonalAccessToken } from '../../../controller/databricks/auth/token.js';
import { collect } from '../../../controller/databricks/pagination.js';
import {
  DatabricksApiError,
  DatabricksNetworkError,
  RateLimitedError,
  TemporarilyUnavailableError,
  UnauthenticatedError,
} from '../../../controller/databricks/errors.js';
import { eventually, fastRetries, startClientBed, type ClientBed } from './client-test-bed.js';

describe('transport against the fake workspace: retries', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed();
  });
  afterEach(async () => bed.close());

  const attempts = () => bed.fake.requests({ endpoint: 'scim/me' });

  it('honours Retry-After on 429: each retry waits the full second the fake asked for', async () => {
    bed.fake.setFaults([{ endpoint: 'scim/me', kind: 'rate-limit', times: 2 }]);
    const me = await bed.client.currentUser.me();
    expect(me.userName).toBe(bed.fake.userName);
    const log = attempts();
    expect(log.map((e) => e.status)).toEqual([429, 429, 200]);
    for (let i = 1; i < log.length; i++) expect(log[i].time - log[i - 1].time).toBeGreaterThanOrEqual(990);
  });

  it('survives a 429 storm from the fake rate limit without retrying early', async () => {
    await bed.fake.close();
    bed = await startClientBed({ rateLimits: { 'scim/me': 3 } });
    const results = await Promise.all(Array.from({ length: 9 }, () => bed.client.currentUser.me()));
    expect(results).toHaveLength(9);
    const log = attempts();
    const first429 = log.find((e) => e.status === 429);
    expect(first429).toBeDefined();
    // The first wave goes out at once; everything after it waited for the Retry-After.
    const retries = log.slice(9);
    expect(retries.length).toBeGreaterThan(0);
    for (const entry of retries) expect(entry.time - (first429?.time ?? 0)).toBeGreaterThanOrEqual(990);
    expect(log.filter((e) => e.status === 200)).toHaveLength(9);
  });

  it('retries 503 with backoff until it succeeds', async () => {
    bed.fake.setFaults([{ endpoint: 'scim/me', kind: 'unavailable', times: 3 }]);
    await bed.client.currentUser.me();
    expect(attempts().map((e) => e.status)).toEqual([503, 503, 503, 200]);
  });

  it('retries a reset connection', async () => {
    bed.fake.setFaults([{ endpoint: 'scim/me', kind: 'reset', times: 2 }]);
    await bed.client.currentUser.me();
    expect(attempts().map((e) => e.status)).toEqual([0, 0, 200]);
  });

  it('times out a hung request and tries again', async () => {
    bed.client.close();
    const client = new DatabricksClient({
      host: bed.fake.url,
      auth: new PersonalAccessToken(bed.fake.token),
      retry: fastRetries,
      // Long enough that the answered retry is never cut short on a loaded machine (a local round trip
      // can take several hundred ms there); only the hung attempt waits it out.
      timeoutMs: 2_000,
    });
    bed.fake.setFaults([{ endpoint: 'scim/me', kind: 'hang', times: 1 }]);
    await client.currentUser.me();
    client.close();
    expect(attempts().map((e) => e.status)).toEqual([0, 200]);
  });

  it('gives up when the budget is spent and says how many attempts it made', async () => {
    bed.client.close();
    const client = new DatabricksClient({
      host: bed.fake.url,
      auth: new PersonalAccessToken(bed.fake.token),
      // Room for a retry even when the first 503 takes several hundred ms to come back.
      retry: { ...fastRetries, budgetMs: 1_000 },
    });
    bed.fake.setFaults([{ endpoint: 'scim/me', kind: 'unavailable' }]);
    const error = await client.currentUser.me().catch((e: unknown) => e);
    client.close();
    expect(error).toBeInstanceOf(TemporarilyUnavailableError);
    const apiError = error as TemporarilyUnavailableError;
    expect(apiError.attempts).toBe(attempts().length);
    expect(apiError.attempts).toBeGreaterThan(1);
    expect(apiError.message).toMatch(
      /scim\/me failed with HTTP 503 TEMPORARILY_UNAVAILABLE.*gave up after \d+ attempts/,
    );
  });

  it('keeps a call within its own shorter retry budget while the client keeps its long one', async () => {
    bed.client.close();
    const client = new DatabricksClient({
      host: bed.fake.url,
      auth: new PersonalAccessToken(bed.fake.token),
      retry: { ...fastRetries, budgetMs: 60_000, initialBackoffMs: 100, maxBackoffMs: 100 },
    });
    bed.fake.setFaults([{ endpoint: 'scim/me', kind: 'unavailable' }]);
    const started = Date.now();
    const error = await client.currentUser.me({ retryBudgetMs: 1_000 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    client.close();
    expect(error).toBeInstanceOf(TemporarilyUnavailableError);
    // The client's own budget would have kept it retrying for 60 s; the call's 1 s budget (a retry is
    // given up when it would end past it) leaves room for at least one retry even when a 503 takes
    // several hundred ms to come back, and for at most one attempt per 100 ms backoff.
    expect(elapsed).toBeLessThan(10_000);
    expect(attempts().length).toBeGreaterThan(1);
    expect(attempts().length).toBeLessThanOrEqual(11);
  });

  it('gives up on a 429 whose Retry-After would overrun the budget instead of sleeping past it', async () => {
    bed.client.close();
    const client = new DatabricksClient({
      host: bed.fake.url,
      auth: new PersonalAccessToken(bed.fake.token),
      retry: { ...fastRetries, budgetMs: 500 },
    });
    bed.fake.setFaults([{ endpoint: 'scim/me', kind: 'rate-limit' }]);
    const started = Date.now();
    await expect(client.currentUser.me()).rejects.toBeInstanceOf(RateLimitedError);
    client.close();
    // Sleeping the 1 s Retry-After would take at least 1000 ms; a loaded machine may take a few hundred
    // ms for the one attempt, so the bound is the Retry-After, not the budget.
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(attempts()).toHaveLength(1);
  });

  it('does not retry a 500 or a rejected token', async () => {
    bed.fake.setFaults([{ endpoint: 'scim/me', kind: 'internal-error', times: 1 }]);
    const error = await bed.client.currentUser.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksApiError);
    expect((error as DatabricksApiError).status).toBe(500);
    expect(attempts()).toHaveLength(1);

    bed.fake.clearRequests();
    bed.client.replaceCredentials(new PersonalAccessToken('dapi-wrong'));
    const denied = await bed.client.currentUser.me().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(UnauthenticatedError);
    expect((denied as Error).message).not.toContain('dapi-wrong');
    expect(attempts()).toHaveLength(1);
  });

  it('reports a refused connection as a network error after retrying within the budget', async () => {
    const url = bed.fake.url;
    await bed.fake.close();
    const client = new DatabricksClient({
      host: url,
      auth: new PersonalAccessToken('dapi-x'),
      // Room for a retry even when the first refused connection is reported late on a loaded machine.
      retry: { ...fastRetries, budgetMs: 1_000 },
    });
    const error = await client.currentUser.me().catch((e: unknown) => e);
    client.close();
    expect(error).toBeInstanceOf(DatabricksNetworkError);
    expect((error as DatabricksNetworkError).code).toBe('ECONNREFUSED');
    expect((error as DatabricksNetworkError).attempts).toBeGreaterThan(1);
    bed = await startClientBed();
  });
});

describe('transport against the fake workspace: rate limit and metrics', () => {
  let bed: ClientBed;
  afterEach(async () => bed.close());

  it('spaces requests by the workspace rateLimit so a server allowing a little more never has to refuse', async () => {
    bed = await startClientBed({ rateLimits: { 'scim/me': 10 } }, { rateLimit: 8 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 20 }, () => bed.client.currentUser.me()));
    const log = bed.fake.requests({ endpoint: 'scim/me' });
    expect(log.filter((e) => e.status === 429)).toHaveLength(0);
    // 8 at once, then 12 more at 8/s: the last is released 1.5 s after the calls began (unpaced, all 20
    // would arrive within ~100 ms). Counted from before the calls, not from the first arrival, which a
    // loaded machine can delay by a slow connection setup while the paced last one arrives on time.
    expect(Math.max(...log.map((e) => e.time)) - started).toBeGreaterThanOrEqual(1450);
  });

  it('counts every attempt by endpoint and status, and times it', async () => {
    bed = await startClientBed();
    bed.fake.setFaults([
      { endpoint: 'scim/me', kind: 'unavailable', times: 1 },
      { endpoint: 'scim/me', kind: 'reset', times: 1 },
    ]);
    await bed.client.currentUser.me();
    const counter = await bed.registry.getSingleMetric('databricks_api_requests_total')?.get();
    const byCode = Object.fromEntries(
      (counter?.values ?? [])
        .filter((v) => v.labels.endpoint === 'scim/me')
        .map((v) => [v.labels.code, v.value]),
    );
    expect(byCode).toEqual({ '503': 1, network_error: 1, '200': 1 });
    const histogram = await bed.registry.getSingleMetric('databricks_api_request_duration_seconds')?.get();
    const count = histogram?.values.find(
      (v) => v.labels.endpoint === 'scim/me' && (v as { metricName?: string }).metricName?.endsWith('_count'),
    );
    expect(count?.value).toBe(3);
  });

  it('shares one set of metrics between clients on the same registry, each labelled with its workspace', async () => {
    bed = await startClientBed();
    const registry = new Registry();
    const make = (workspace: string) =>
      new DatabricksClient({
        host: bed.fake.url,
        auth: new PersonalAccessToken(bed.fake.token),
        metrics: registerApiMetrics(registry, workspace),
      });
    const [a, b, sameAsA] = [make('team-a/prod'), make('team-b/prod'), make('team-a/prod')];
    for (const client of [a, b, sameAsA]) {
      await client.currentUser.me();
      client.close();
    }
    const counter = await registry.getSingleMetric('databricks_api_requests_total')?.get();
    expect(counter?.values.map((v) => [v.labels.workspace, v.labels.code, v.value])).toEqual([
      ['team-a/prod', '200', 2],
      ['team-b/prod', '200', 1],
    ]);
    const histogram = await registry.getSingleMetric('databricks_api_request_duration_seconds')?.get();
    const counts = histogram?.values.filter((v) =>
      (v as { metricName?: string }).metricName?.endsWith('_count'),
    );
    expect(counts?.map((v) => [v.labels.workspace, v.value])).toEqual([
      ['team-a/prod', 2],
      ['team-b/prod', 1],
    ]);
  });
});

describe('transport against the fake workspace: POST retries and shutdown', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed();
  });
  afterEach(async () => bed.close());

  it('retries a POST answered 503 and creates exactly one job, telling onRetry about it', async () => {
    bed.client.close();
    const retries: string[] = [];
    const client = new DatabricksClient({
      host: bed.fake.url,
      auth: new PersonalAccessToken(bed.fake.token),
      retry: fastRetries,
      onRetry: (event) => retries.push(`${event.endpoint}#${event.attempt}`),
    });
    bed.fake.setFaults([{ endpoint: 'jobs/create', kind: 'unavailable', times: 2 }]);
    await client.jobs.create({ name: 'once' });
    const jobs = await collect(client.jobs.list());
    client.close();
    expect(jobs.map((j) => j.settings?.name)).toEqual(['once']);
    expect(bed.fake.requests({ endpoint: 'jobs/create' }).map((e) => e.status)).toEqual([503, 503, 200]);
    expect(retries).toEqual(['jobs/create#1', 'jobs/create#2']);
  });

  it('ends a long retry wait at once when the client is closed, with the last error', async () => {
    bed.client.close();
    const client = new DatabricksClient({
      host: bed.fake.url,
      auth: new PersonalAccessToken(bed.fake.token),
      retry: { budgetMs: 60_000, initialBackoffMs: 30_000, maxBackoffMs: 30_000, jitterMs: [0, 0] },
    });
    bed.fake.setFaults([{ endpoint: 'scim/me', kind: 'unavailable' }]);
    const started = Date.now();
    const pending = client.currentUser.me().catch((e: unknown) => e);
    await eventually(
      'the first attempt to be answered',
      () => bed.fake.requestCount('scim/me') > 0 || undefined,
    );
    client.close();
    const error = await pending;
    expect(error).toBeInstanceOf(TemporarilyUnavailableError);
    // Waiting out the 30 s backoff is the failure; the first attempt alone may be slow under load.
    expect(Date.now() - started).toBeLessThan(15_000);
    await expect(client.currentUser.me()).rejects.toThrow(
      /client for http:\/\/127\.0\.0\.1:\d+ is closed; scim\/me was not sent/,
    );
  });
});
