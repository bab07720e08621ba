import {
  DatabricksApiError,
  DatabricksNetworkError,
  InvalidParameterError,
  NotFoundError,
  RateLimitedError,
  TemporarilyUnavailableError,
} from '../../../controller/databricks/errors.js';
import { RetryPolicy } from '../../../controller/databricks/retry-policy.js';

describe('retry policy', () => {
  const policy = new RetryPolicy({ random: () => 0.5 });

  it('retries 429 and 503', () => {
    expect(policy.isRetryable(new RateLimitedError(429, 'REQUEST_LIMIT_EXCEEDED', 'x', 'jobs/create'))).toBe(
      true,
    );
    expect(policy.isRetryable(new TemporarilyUnavailableError(503, undefined, 'x', 'jobs/get'))).toBe(true);
  });

  it('retries any error status whose message is a known transient failure', () => {
    const transient = new DatabricksApiError(
      500,
      'INTERNAL_ERROR',
      'ClusterNotReadyException: not yet',
      'jobs/run-now',
    );
    const also = new InvalidParameterError(
      400,
      'INVALID_PARAMETER_VALUE',
      'worker env abc not found',
      'clusters/create',
    );
    expect(policy.isRetryable(transient)).toBe(true);
    expect(policy.isRetryable(also)).toBe(true);
  });

  it('never retries other 4xx or a plain 500', () => {
    expect(policy.isRetryable(new NotFoundError(404, 'RESOURCE_DOES_NOT_EXIST', 'gone', 'dbfs/read'))).toBe(
      false,
    );
    expect(
      policy.isRetryable(new InvalidParameterError(400, 'INVALID_PARAMETER_VALUE', 'bad', 'jobs/create')),
    ).toBe(false);
    expect(policy.isRetryable(new DatabricksApiError(500, 'INTERNAL_ERROR', 'oops', 'jobs/create'))).toBe(
      false,
    );
  });

  it('retries connection failures and timeouts but not an unknown host', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'SOCKET_HANG_UP', 'TIMEOUT']) {
      expect(policy.isRetryable(new DatabricksNetworkError('jobs/get', code, 'x'))).toBe(true);
    }
    expect(policy.isRetryable(new DatabricksNetworkError('jobs/get', 'ENOTFOUND', 'x'))).toBe(false);
  });

  it('waits Retry-After seconds, never less, plus jitter to spread callers refused together', () => {
    const error = new RateLimitedError(429, 'REQUEST_LIMIT_EXCEEDED', 'x', 'jobs/create', 3);
    // jitter: 50 + 0.5 * (750 - 50) = 400 ms
    expect(policy.delayFor(error, 1)).toBe(3400);
    expect(policy.delayFor(error, 7)).toBe(3400);
    const noJitter = new RetryPolicy({ random: () => 0, jitterMs: [0, 0] });
    expect(noJitter.delayFor(error, 1)).toBe(3000);
  });

  it('backs off exponentially with jitter, capped near 10 s', () => {
    const error = new TemporarilyUnavailableError(503, undefined, 'x', 'jobs/get');
    const delays = [1, 2, 3, 4, 5, 6, 20].map((attempt) => policy.delayFor(error, attempt));
    // base 1 s doubling, cap 10 s, plus jitter 50 + 0.5 * 700 = 400 ms
    expect(delays).toEqual([1400, 2400, 4400, 8400, 10400, 10400, 10400]);
  });

  it('gives up when the next wait would overrun the call budget', () => {
    const budgeted = new RetryPolicy({ budgetMs: 5000, random: () => 0 });
    const error = new RateLimitedError(429, 'REQUEST_LIMIT_EXCEEDED', 'x', 'jobs/create', 2);
    expect(budgeted.decide(error, 1, 2000)).toEqual({ retry: true, delayMs: 2050 });
    expect(budgeted.decide(error, 2, 3500)).toEqual({ retry: false, reason: 'budget-exhausted' });
    expect(budgeted.decide(new NotFoundError(404, undefined, 'x', 'y'), 1, 0)).toEqual({
      retry: false,
      reason: 'not-retryable',
    });
  });
});
