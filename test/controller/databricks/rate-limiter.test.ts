import { TokenBucket } from '../../../controller/databricks/rate-limiter.js';

describe('token bucket', () => {
  it('lets a burst through, then spaces requests at the configured rate', () => {
    let now = 0;
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

  it('holds the long-run rate: 45 requests at 15/s take about 2 s after the first second', async () => {
    let now = 0;
    const bucket = new TokenBucket({
      requestsPerSecond: 15,
      now: () => now,
      sleep: async (ms) => {
        now = Math.max(now, ms);
      },
    });
    let last = 0;
    for (let i = 0; i < 45; i++) last = bucket.reserve();
    // 15 burst tokens free, then 30 more at 15/s
    expect(last).toBe(2000);
  });

  it('rejects a rate that is not positive, naming the value', () => {
    expect(() => new TokenBucket({ requestsPerSecond: 0 })).toThrow(/positive.*got 0/);
  });
});
