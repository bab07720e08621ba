import { RateLimiter } from './rate-limits.js';

describe('RateLimiter', () => {
  let now = 0;
  const limiter = (settings: ConstructorParameters<typeof RateLimiter>[0]) =>
    new RateLimiter(settings, () => now);
  beforeEach(() => {
    now = 0;
  });

  it('admits a one-second burst, then refuses until a token refills', () => {
    const limits = limiter({ 'jobs/create': 4 });
    for (let i = 0; i < 4; i++) expect(limits.admit('jobs/create')).toBeUndefined();
    expect(limits.admit('jobs/create')).toEqual({ retryAfterSeconds: 1, limit: 'jobs/create' });
    now += 250;
    expect(limits.admit('jobs/create')).toBeUndefined();
    expect(limits.admit('jobs/create')).toBeDefined();
  });

  it('rounds Retry-After up to whole seconds for slow limits', () => {
    const limits = limiter({ 'jobs/create': false, 'slow/op': 0.25 });
    expect(limits.admit('slow/op')).toBeUndefined();
    const refusal = limits.admit('slow/op');
    expect(refusal?.retryAfterSeconds).toBe(4);
  });

  it('shares one bucket between endpoints of one pattern and leaves other endpoints alone', () => {
    const limits = limiter({ 'dbfs/*': 2 });
    expect(limits.admit('dbfs/put')).toBeUndefined();
    expect(limits.admit('dbfs/read')).toBeUndefined();
    expect(limits.admit('dbfs/mkdirs')).toBeDefined();
    for (let i = 0; i < 100; i++) expect(limits.admit('jobs/list')).toBeUndefined();
  });

  it('turns every limit off with false, and one limit off with a false entry', () => {
    const none = limiter(false);
    for (let i = 0; i < 1000; i++) expect(none.admit('jobs/create')).toBeUndefined();
    const noCreateLimit = limiter({ 'jobs/create': false });
    for (let i = 0; i < 1000; i++) expect(noCreateLimit.admit('jobs/create')).toBeUndefined();
    expect(noCreateLimit.settings()).not.toHaveProperty('jobs/create');
  });
});
