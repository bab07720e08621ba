/**
 * A token bucket per workspace, so the controller stays under Databricks' request limits instead of
 * discovering them through 429s. Requests are served in arrival order: each caller reserves the next
 * token, possibly one that will only exist in the future, and waits until then (as Go's rate.Limiter).
 */

/** Databricks' SDKs default to 15 requests/s per workspace, below the documented per-endpoint limits. */
export const DEFAULT_REQUESTS_PER_SECOND = 15;

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
