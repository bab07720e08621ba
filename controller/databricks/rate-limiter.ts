/**
 * A token bucket per workspace, so the controller stays under Databricks' request limits instead of
 * discovering them through 429s. Requests are served in arrival order: each caller reserves the next
 * token, possibly one that will only exist in the future, and waits until then (as Go's rate.Limiter).
 */

/**
 * Requests/s per workspace unless its `rateLimit` says otherwise: below every published per-endpoint limit
 * (30/s and up) except jobs/create and run-now (20/s), which have their own buckets beneath it (18/s). The
 * SDKs' 15/s would hold a burst of creates below what Databricks allows: 1,000 new jobs would take 67 s
 * instead of the 56 s the create limit permits.
 */
export const DEFAULT_REQUESTS_PER_SECOND = 25;

export interface TokenBucketOptions {
  /** Sustained requests per second. */
  readonly requestsPerSecond: number;
  /** Requests allowed at once after an idle period. Default: one second's worth. */
  readonly burst?: number;
  /** Current time in ms; tests substitute a manual clock. */
  readonly now?: () => number;
  /** How to wait; tests substitute an instant one. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export class TokenBucket {
  readonly requestsPerSecond: number;
  readonly burst: number;
  private tokens: number;
  private lastRefill: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: TokenBucketOptions) {
    if (!(options.requestsPerSecond > 0)) {
      throw new RangeError(
        `rate limit must be a positive number of requests per second, got ${options.requestsPerSecond}`,
      );
    }
    this.requestsPerSecond = options.requestsPerSecond;
    this.burst = Math.max(1, options.burst ?? Math.ceil(options.requestsPerSecond));
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.tokens = this.burst;
    this.lastRefill = this.now();
  }

  /**
   * Takes one token and returns how many ms the caller must wait before using it (0 if one was there).
   * The reservation is binding: later callers queue behind it.
   */
  reserve(): number {
    const now = this.now();
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((now - this.lastRefill) / 1000) * this.requestsPerSecond,
    );
    this.lastRefill = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.requestsPerSecond) * 1000);
  }

  /** Waits for a token. */
  async acquire(): Promise<void> {
    const waitMs = this.reserve();
    if (waitMs > 0) await this.sleep(waitMs);
  }
}

/**
 * Requests per second per endpoint, keyed by endpoint name (`jobs/create`), a prefix (`dbfs/*`) or a
 * comma-separated group that shares one budget (`permissions/put,permissions/patch`).
 */
export type EndpointRateLimits = Readonly<Record<string, number>>;

/**
 * Databricks' published per-workspace limits (BEHAVIOUR.md §3), at 90 %: a client at exactly the
 * server's rate still meets an occasional 429 from timing jitter, and every 429 costs a full second.
 */
export const DEFAULT_ENDPOINT_RATE_LIMITS: EndpointRateLimits = {
  'jobs/create': 18,
  'jobs/run-now': 18,
  'jobs/runs/submit': 31,
  'jobs/runs/get': 90,
  'dbfs/*': 27,
  'permissions/get': 90,
  'permissions/put,permissions/patch': 27,
  'workspace/export': 54,
  'workspace/import': 27,
};

/**
 * The limits for one workspace: its overall `rateLimit`, and beneath it the per-endpoint limits, so a
 * burst of creates is paced at the create limit while reads keep flowing.
 */
export class WorkspaceRateLimiter {
  private readonly overall: TokenBucket;
  private readonly groups: {
    readonly matches: (endpoint: string) => boolean;
    readonly bucket: TokenBucket;
  }[];
  private readonly byEndpoint = new Map<string, TokenBucket | null>();
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: TokenBucketOptions & { readonly endpointLimits?: EndpointRateLimits | false }) {
    this.overall = new TokenBucket(options);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const limits =
      options.endpointLimits === false ? {} : (options.endpointLimits ?? DEFAULT_ENDPOINT_RATE_LIMITS);
    this.groups = Object.entries(limits).map(([pattern, requestsPerSecond]) => {
      const alternatives = pattern.split(',').map((p) => p.trim());
      return {
        matches: (endpoint: string) =>
          alternatives.some((p) => (p.endsWith('/*') ? endpoint.startsWith(p.slice(0, -1)) : p === endpoint)),
        bucket: new TokenBucket({ requestsPerSecond, now: options.now }),
      };
    });
  }

  /** Reserves a token from the endpoint's bucket (if it has one) and the overall one; returns the wait in ms. */
  reserve(endpoint: string): number {
    let bucket = this.byEndpoint.get(endpoint);
    if (bucket === undefined) {
      bucket = this.groups.find((group) => group.matches(endpoint))?.bucket ?? null;
      this.byEndpoint.set(endpoint, bucket);
    }
    return Math.max(bucket?.reserve() ?? 0, this.overall.reserve());
  }

  /** Waits until a call to `endpoint` is within every limit. */
  async acquire(endpoint: string): Promise<void> {
    const waitMs = this.reserve(endpoint);
    if (waitMs > 0) await this.sleep(waitMs);
  }
}
