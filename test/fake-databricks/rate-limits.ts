import { endpointPatternMatches } from './endpoint-pattern.js';

/**
 * Per-endpoint rate limits in requests per second, keyed by an endpoint pattern (see
 * `endpointPatternMatches`: `jobs/create`, `dbfs/*`, `permissions/put,permissions/patch`). Endpoints
 * matched by one key share one bucket. `false` turns a default off.
 */
export type RateLimitSettings = Readonly<Record<string, number | false>>;

/**
 * Published per-workspace limits (BEHAVIOUR.md §3). Endpoint names are the route names the services
 * register; every DBFS endpoint shares one budget, as do permission writes.
 */
export const defaultRateLimits: RateLimitSettings = {
  'jobs/create': 20,
  'jobs/run-now': 20,
  'jobs/runs/submit': 35,
  'jobs/runs/get': 100,
  'dbfs/*': 30,
  'permissions/get': 100,
  'permissions/put,permissions/patch': 30,
  'workspace/export': 60,
  'workspace/import': 30,
};

/** A refused request: when the caller may try again. */
export interface RateLimitRefusal {
  readonly retryAfterSeconds: number;
  readonly limit: string;
}

class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  /** A one-second burst (at least one request): a client under the average rate is never refused. */
  private readonly capacity: number;

  constructor(
    readonly perSecond: number,
    now: number,
  ) {
    this.capacity = Math.max(1, perSecond);
    this.tokens = this.capacity;
    this.updatedAt = now;
  }

  /** Takes a token, or says how many ms until one is available. */
  take(now: number): number {
    const elapsed = now - this.updatedAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.perSecond) / 1000);
      this.updatedAt = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return ((1 - this.tokens) * 1000) / this.perSecond;
  }
}

/**
 * Token buckets per endpoint pattern. They run on the monotonic wall clock rather than the fake clock,
 * because a rate limit is about how fast a client really calls, even when a test freezes fake time.
 */
export class RateLimiter {
  private rules: { pattern: string; bucket: TokenBucket }[] = [];
  private readonly resolved = new Map<string, TokenBucket | null>();
  private enabled = true;

  constructor(
    settings: RateLimitSettings | false = defaultRateLimits,
    private readonly monotonicNow: () => number = () => performance.now(),
  ) {
    this.configure(settings);
  }

  /**
   * Replaces the limits. `false` turns every limit off; an object is merged over the defaults, so
   * `{ 'jobs/create': 2 }` tightens one limit and `{ 'jobs/runs/get': false }` lifts one.
   */
  configure(settings: RateLimitSettings | false): void {
    this.resolved.clear();
    this.enabled = settings !== false;
    const merged: Record<string, number | false> = { ...defaultRateLimits, ...(settings || {}) };
    const now = this.monotonicNow();
    this.rules = Object.entries(merged)
      .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0)
      .map(([pattern, perSecond]) => ({ pattern, bucket: new TokenBucket(perSecond, now) }));
  }

  /** The limits in force, as configured. */
  settings(): Record<string, number> | false {
    if (!this.enabled) return false;
    return Object.fromEntries(this.rules.map((r) => [r.pattern, r.bucket.perSecond]));
  }

  /** Admits a request to `endpoint`, or refuses it with the wait the caller should honour. */
  admit(endpoint: string): RateLimitRefusal | undefined {
    if (!this.enabled) return undefined;
    let bucket = this.resolved.get(endpoint);
    if (bucket === undefined) {
      bucket = this.rules.find((r) => endpointPatternMatches(r.pattern, endpoint))?.bucket ?? null;
      this.resolved.set(endpoint, bucket);
    }
    if (bucket === null) return undefined;
    const waitMs = bucket.take(this.monotonicNow());
    if (waitMs === 0) return undefined;
    const limit = this.rules.find((r) => r.bucket === bucket)?.pattern ?? endpoint;
    // Retry-After is whole seconds (BEHAVIOUR.md §3), never 0, or clients would retry at once.
    return { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), limit };
  }
}
