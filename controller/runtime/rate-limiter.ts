/** Milliseconds since an arbitrary origin; injectable so tests control time. */
export type Clock = () => number;

const systemClock: Clock = () => performance.now();

/**
 * Decides how long a key waits before it is retried, as client-go's `workqueue.RateLimiter` does.
 * `when` is called once per retry and counts it; `forget` clears the key's history after a success.
 */
export interface RateLimiter {
  /** Milliseconds to wait before `key` is handed out again. Each call counts as one more retry. */
  when(key: string): number;
  /** Clears the retry history of `key` (call after it reconciled successfully). */
  forget(key: string): void;
  /** How many times `key` has been retried since the last `forget`. */
  numRequeues(key: string): number;
}

/** Per-key exponential backoff: `baseMs * 2^failures`, capped at `maxMs`. */
export class ItemExponentialRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 1000 * 1000,
  ) {}

  when(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    // 2^failures overflows to Infinity long after it passes the cap, and Math.min handles that.
    return Math.min(this.baseMs * 2 ** failures, this.maxMs);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

/**
 * An overall token bucket shared by all keys: `burst` retries may go at once, then `qps` per second.
 * Like golang.org/x/time/rate's `Reserve`, a retry never fails: it takes a future token and waits for it.
 */
export class TokenBucketRateLimiter implements RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps = 10,
    private readonly burst = 100,
    private readonly clock: Clock = systemClock,
  ) {
    this.tokens = burst;
    this.last = clock();
  }

  when(): number {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }

  forget(): void {}

  numRequeues(): number {
    return 0;
  }
}

/** Combines limiters: the wait is the longest any of them asks for. */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(key: string): number {
    return Math.max(...this.limiters.map((limiter) => limiter.when(key)));
  }

  forget(key: string): void {
    for (const limiter of this.limiters) limiter.forget(key);
  }

  numRequeues(key: string): number {
    return Math.max(...this.limiters.map((limiter) => limiter.numRequeues(key)));
  }
}

/**
 * controller-runtime's default: per-key backoff from 5 ms to 1000 s, and an overall bucket of
 * 10 retries per second with a burst of 100, whichever is slower.
 */
export function defaultControllerRateLimiter(clock: Clock = systemClock): RateLimiter {
  return new MaxOfRateLimiter(
    new ItemExponentialRateLimiter(5, 1000 * 1000),
    new TokenBucketRateLimiter(10, 100, clock),
  );
}
