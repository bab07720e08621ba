/**
 * When the client tries a call again, and after how long (BEHAVIOUR.md §3).
 *
 * Retried: 429, 503, any error status whose message is one of Databricks' known transient failures, and
 * network failures. Never retried: any other 4xx or 5xx. A `Retry-After` (integer seconds) is honoured;
 * otherwise the wait grows exponentially up to a cap; either way a random jitter is added. A call gives up when the next wait would
 * end beyond its total budget. POSTs are retried like GETs: run-now and runs/submit carry idempotency
 * tokens for exactly this reason.
 */
import {
  DatabricksApiError,
  DatabricksNetworkError,
  RateLimitedError,
  TemporarilyUnavailableError,
} from './errors.js';

/** Tunables of the retry policy. Tests shorten them; production keeps the defaults. */
export interface RetryOptions {
  /** Total time a call may spend, retries and waits included. Default 5 minutes. */
  readonly budgetMs: number;
  /** First backoff without a `Retry-After`; doubles each attempt. Default 1 s. */
  readonly initialBackoffMs: number;
  /** Cap on the exponential backoff (before jitter). Default 10 s. */
  readonly maxBackoffMs: number;
  /** Random extra wait added to every backoff, uniform in [min, max]. Default 50..750 ms. */
  readonly jitterMs: readonly [number, number];
  /** Source of randomness for the jitter; tests pin it. */
  readonly random: () => number;
}

export const defaultRetryOptions: RetryOptions = {
  budgetMs: 5 * 60_000,
  initialBackoffMs: 1_000,
  maxBackoffMs: 10_000,
  jitterMs: [50, 750],
  random: Math.random,
};

/**
 * Messages that mean "try again" whatever the status, as the official SDKs list them (sdk-go's list plus
 * the three sdk-py adds).
 */
export const TRANSIENT_MESSAGES: readonly RegExp[] = [
  /UnknownWorkerEnvironmentException/,
  /does not have any associated worker environments/,
  /There is no worker environment with id/,
  /Unknown worker environment/,
  /ClusterNotReadyException/,
  /worker env .* not found/,
  /Timed out after /,
  /deadline exceeded/,
  /Unexpected error/,
  /Please try again later or try a faster operation\./,
  /RPC token bucket limit has been exceeded/,
];

/** Network failures worth another attempt. `ENOTFOUND` is not one: a misspelt host stays misspelt. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'SOCKET_HANG_UP',
  'TIMEOUT',
]);

/** The outcome of asking the policy about a failed attempt. */
export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly reason: 'not-retryable' | 'budget-exhausted' };

export class RetryPolicy {
  readonly options: RetryOptions;

  constructor(options: Partial<RetryOptions> = {}) {
    this.options = { ...defaultRetryOptions, ...options };
  }

  /** Whether this error is worth another attempt at all, budget aside. */
  isRetryable(error: unknown): boolean {
    if (error instanceof RateLimitedError || error instanceof TemporarilyUnavailableError) return true;
    if (error instanceof DatabricksApiError) {
      return error.status >= 400 && TRANSIENT_MESSAGES.some((pattern) => pattern.test(error.apiMessage));
    }
    if (error instanceof DatabricksNetworkError) return RETRYABLE_NETWORK_CODES.has(error.code);
    return false;
  }

  /**
   * Decides about attempt number `attempt` (1 = the first try) that failed with `error`, `elapsedMs`
   * after the call started.
   */
  decide(error: unknown, attempt: number, elapsedMs: number): RetryDecision {
    if (!this.isRetryable(error)) return { retry: false, reason: 'not-retryable' };
    const delayMs = this.delayFor(error, attempt);
    if (elapsedMs + delayMs > this.options.budgetMs) return { retry: false, reason: 'budget-exhausted' };
    return { retry: true, delayMs };
  }

  /** The wait before the next attempt: `Retry-After` if the response gave one, else capped backoff; plus jitter. */
  delayFor(error: unknown, attempt: number): number {
    const retryAfterSeconds =
      error instanceof RateLimitedError || error instanceof TemporarilyUnavailableError
        ? error.retryAfterSeconds
        : undefined;
    const { initialBackoffMs, maxBackoffMs, jitterMs, random } = this.options;
    const [jitterMin, jitterMax] = jitterMs;
    const jitter = jitterMin + Math.floor(random() * (jitterMax - jitterMin));
    // Never earlier than Retry-After; the jitter spreads callers refused together so they do not all
    // come back in the same millisecond and get refused together again.
    if (retryAfterSeconds !== undefined) return retryAfterSeconds * 1000 + jitter;
    return Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.min(attempt - 1, 30)) + jitter;
  }
}
