import { TokenBucket } from '../../../controller/databricks/rate-limiter.js';

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
