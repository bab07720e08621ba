/**
 * What a reconcile asks of the queue: nothing more (`done`), or to look again after a delay
 * (`requeueAfter`). Failures are thrown errors, retried with the rate limiter's backoff.
 */
export interface Outcome {
  /** Milliseconds until the object is reconciled again; absent or 0 means only when something changes. */
  readonly requeueAfterMs?: number;
}

/** The object matches: reconcile again only when it (or something it watches) changes, or at resync. */
export const done: Outcome = Object.freeze({});

/** Reconcile again after `ms` (e.g. to poll a run that is still going), without counting as an error. */
export function requeueAfter(ms: number): Outcome {
  return { requeueAfterMs: ms };
}

/**
 * An error that knows when to retry (e.g. Databricks answered 429 with Retry-After). The controller
 * waits `retryAfterMs` instead of its own backoff. Any error with a numeric `retryAfterMs` counts.
 */
export interface RetryAfterError extends Error {
  readonly retryAfterMs: number;
}

/** Whether `error` carries its own retry delay. */
export function hasRetryAfter(error: unknown): error is RetryAfterError {
  return error instanceof Error && typeof (error as Partial<RetryAfterError>).retryAfterMs === 'number';
}
