import {
  DEFAULT_REQUESTS_PER_SECOND,
  TokenBucket,
  WorkspaceRateLimiter,
} from '../../../controller/databricks/rate-limiter.js';

describe('token bucket', () => {
  it('lets a burst through, then spaces requests at the configured rate', () => {
    const now = 0;
    const bucket = new TokenBucket({ requestsPerSecond: 10, burst: 3, now: () => now });
    const waits = Array.from({ length: 6 }, () => bucket.reserve());
    expect(waits).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it('refills while idle, up to the burst and no further', () => {
    let now = 0;
    const bucket = new TokenBucket({ requestsPerSecond: 10, burst: 2, now: () => now });
    bucket.reserve();
    bucket.reserve();
    now = 10_000;
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 100]);
  });

  it('holds the long-run rate: 45 requests at 15/s, the last waits 2 s after a 15-request burst', () => {
    const bucket = new TokenBucket({ requestsPerSecond: 15, now: () => 0 });
    let last = 0;
    for (let i = 0; i < 45; i++) last = bucket.reserve();
    expect(last).toBe(2000);
  });

  it('makes acquire wait for a reserved future token', async () => {
    const slept: number[] = [];
    const bucket = new TokenBucket({
      requestsPerSecond: 4,
      burst: 1,
      now: () => 0,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    await bucket.acquire();
    await bucket.acquire();
    await bucket.acquire();
    expect(slept).toEqual([250, 500]);
  });

  it('rejects a rate that is not positive, naming the value', () => {
    expect(() => new TokenBucket({ requestsPerSecond: 0 })).toThrow(/positive.*got 0/);
  });
});

describe('workspace rate limiter', () => {
  const limiter = (endpointLimits: Record<string, number> | false) =>
    new WorkspaceRateLimiter({ requestsPerSecond: 100, now: () => 0, endpointLimits });

  it('paces an endpoint at its own limit while other endpoints keep flowing', () => {
    const limits = limiter({ 'jobs/create': 2 });
    expect([
      limits.reserve('jobs/create'),
      limits.reserve('jobs/create'),
      limits.reserve('jobs/create'),
    ]).toEqual([0, 0, 500]);
    expect(limits.reserve('jobs/get')).toBe(0);
  });

  it('shares one budget across a prefix or a comma-separated group', () => {
    const limits = limiter({ 'dbfs/*': 1, 'permissions/put,permissions/patch': 1 });
    expect([limits.reserve('dbfs/put'), limits.reserve('dbfs/read')]).toEqual([0, 1000]);
    expect([limits.reserve('permissions/put'), limits.reserve('permissions/patch')]).toEqual([0, 1000]);
    expect(limits.reserve('permissions/get')).toBe(0);
  });

  it('still holds every call to the overall workspace limit', () => {
    const limits = new WorkspaceRateLimiter({ requestsPerSecond: 2, now: () => 0, endpointLimits: false });
    expect([limits.reserve('a'), limits.reserve('b'), limits.reserve('c')]).toEqual([0, 0, 500]);
  });

  it('applies Databricks published limits, just under them, by default', () => {
    const limits = new WorkspaceRateLimiter({ requestsPerSecond: 1000, now: () => 0 });
    const waits = Array.from({ length: 19 }, () => limits.reserve('jobs/create'));
    expect(waits.slice(0, 18).every((w) => w === 0)).toBe(true);
    expect(waits[18]).toBeGreaterThan(0);
  });

  it('by default lets a burst of creates run at the create limit, with room left for reads', () => {
    const limits = new WorkspaceRateLimiter({ requestsPerSecond: DEFAULT_REQUESTS_PER_SECOND, now: () => 0 });
    // 1,000 creates with a listing page every second: the creates' own bucket (18/s) sets the pace.
    let lastCreate = 0;
    for (let i = 0; i < 1000; i++) {
      lastCreate = limits.reserve('jobs/create');
      if (i % 18 === 0) limits.reserve('jobs/list');
    }
    expect(lastCreate).toBe(Math.ceil(((1000 - 18) / 18) * 1000));
  });
});
