import {
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
  TokenBucketRateLimiter,
  defaultControllerRateLimiter,
} from '../../../controller/runtime/rate-limiter.js';

describe('ItemExponentialRateLimiter', () => {
  it('doubles the delay per failure from 5 ms and caps it at 1000 s', () => {
    const limiter = new ItemExponentialRateLimiter(5, 1000 * 1000);
    const delays = Array.from({ length: 20 }, () => limiter.when('ns/a'));
    expect(delays.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    // 5 ms * 2^17 = 655 s is the last step under the cap; 2^18 would be 1310 s.
    expect(delays[17]).toBe(655_360);
    expect(delays.slice(18)).toEqual([1_000_000, 1_000_000]);
    expect(limiter.numRequeues('ns/a')).toBe(20);
  });

  it('keeps a separate history per key', () => {
    const limiter = new ItemExponentialRateLimiter();
    limiter.when('ns/a');
    limiter.when('ns/a');
    expect(limiter.when('ns/b')).toBe(5);
    expect(limiter.when('ns/a')).toBe(20);
  });

  it('starts over at 5 ms after forget', () => {
    const limiter = new ItemExponentialRateLimiter();
    for (let i = 0; i < 6; i++) limiter.when('ns/a');
    limiter.forget('ns/a');
    expect(limiter.numRequeues('ns/a')).toBe(0);
    expect(limiter.when('ns/a')).toBe(5);
  });

  it('stays at the cap after very many failures instead of overflowing', () => {
    const limiter = new ItemExponentialRateLimiter(5, 1000);
    let last = 0;
    for (let i = 0; i < 2000; i++) last = limiter.when('ns/a');
    expect(last).toBe(1000);
  });
});

describe('TokenBucketRateLimiter', () => {
  it('lets the burst through at once, then spaces retries at 1/qps', () => {
    const now = 0;
    const bucket = new TokenBucketRateLimiter(10, 100, () => now);
    const burst = Array.from({ length: 100 }, () => bucket.when());
    expect(burst.every((delay) => delay === 0)).toBe(true);
    expect(bucket.when()).toBeCloseTo(100);
    expect(bucket.when()).toBeCloseTo(200);
    expect(bucket.when()).toBeCloseTo(300);
  });

  it('refills at qps as time passes, never beyond the burst', () => {
    let now = 0;
    const bucket = new TokenBucketRateLimiter(10, 5, () => now);
    for (let i = 0; i < 5; i++) bucket.when();
    now += 500; // five tokens back
    for (let i = 0; i < 5; i++) expect(bucket.when()).toBe(0);
    now += 60_000; // a long idle time still refills only up to the burst
    for (let i = 0; i < 5; i++) expect(bucket.when()).toBe(0);
    expect(bucket.when()).toBeCloseTo(100);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('uses the per-key backoff while the overall bucket has tokens', () => {
    const limiter = defaultControllerRateLimiter(() => 0);
    expect([limiter.when('ns/a'), limiter.when('ns/a'), limiter.when('ns/a')]).toEqual([5, 10, 20]);
  });

  it('uses the overall bucket when many keys fail at once', () => {
    const limiter = defaultControllerRateLimiter(() => 0);
    for (let i = 0; i < 100; i++) limiter.when(`ns/k${i}`);
    // A fresh key would get 5 ms from its own backoff, but the bucket is empty: 100 ms.
    expect(limiter.when('ns/fresh')).toBeCloseTo(100);
  });

  it('forgets the per-key history on forget', () => {
    const limiter = new MaxOfRateLimiter(
      new ItemExponentialRateLimiter(),
      new TokenBucketRateLimiter(10, 100, () => 0),
    );
    limiter.when('ns/a');
    limiter.when('ns/a');
    expect(limiter.numRequeues('ns/a')).toBe(2);
    limiter.forget('ns/a');
    expect(limiter.when('ns/a')).toBe(5);
  });
});
