import { CachedToken, TOKEN_REFRESH_MARGIN_MS } from '../../../controller/databricks/auth/cached-token.js';

describe('cached token', () => {
  it('fetches once for many concurrent callers', async () => {
    let fetches = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const token = new CachedToken(async () => {
      fetches++;
      await gate;
      return { accessToken: `t${fetches}`, expiresInSeconds: 3600 };
    });
    const all = Promise.all(Array.from({ length: 100 }, () => token.get()));
    release();
    expect(new Set(await all)).toEqual(new Set(['t1']));
    expect(fetches).toBe(1);
  });

  it('refreshes 40 s before expiry, not earlier', async () => {
    let now = 0;
    let fetches = 0;
    const token = new CachedToken(
      async () => ({ accessToken: `t${++fetches}`, expiresInSeconds: 100 }),
      () => now,
    );
    expect(await token.get()).toBe('t1');
    now = 100_000 - TOKEN_REFRESH_MARGIN_MS - 1;
    expect(await token.get()).toBe('t1');
    now = 100_000 - TOKEN_REFRESH_MARGIN_MS;
    expect(await token.get()).toBe('t2');
  });

  it('tries again after a failed fetch instead of caching the failure', async () => {
    let fetches = 0;
    const token = new CachedToken(async () => {
      fetches++;
      if (fetches === 1) throw new Error('token endpoint down');
      return { accessToken: 'ok', expiresInSeconds: 3600 };
    });
    await expect(token.get()).rejects.toThrow('token endpoint down');
    expect(await token.get()).toBe('ok');
  });

  it('fetches a new token after invalidate', async () => {
    let fetches = 0;
    const token = new CachedToken(async () => ({ accessToken: `t${++fetches}`, expiresInSeconds: 3600 }));
    await token.get();
    token.invalidate();
    expect(await token.get()).toBe('t2');
  });
});
