/**
 * Prometheus metrics for Databricks calls: one count per HTTP attempt by endpoint and outcome, and the
 * attempt's duration. Every workspace's client records into the same two metrics, so a registry shared by
 * several clients gets them registered once.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

export const REQUESTS_TOTAL = 'databricks_api_requests_total';
export const REQUEST_DURATION_SECONDS = 'databricks_api_request_duration_seconds';

/** Records one attempt. `code` is the HTTP status, or `network_error` when no response came. */
export interface ApiMetrics {
  observe(endpoint: string, code: number | 'network_error', durationSeconds: number): void;
}

/** Metrics that go nowhere, for clients built without a registry. */
export const noApiMetrics: ApiMetrics = { observe: () => undefined };

/** Registers (or reuses) the two metrics in `registry`. */
export function registerApiMetrics(registry: Registry): ApiMetrics {
  const requests =
    (registry.getSingleMetric(REQUESTS_TOTAL) as Counter<'endpoint' | 'code'> | undefined) ??
    new Counter({
      name: REQUESTS_TOTAL,
      help: 'Databricks REST API requests (every attempt, retries included) by endpoint and HTTP status.',
      labelNames: ['endpoint', 'code'] as const,
      registers: [registry],
    });
  const duration =
    (registry.getSingleMetric(REQUEST_DURATION_SECONDS) as Histogram<'endpoint'> | undefined) ??
    new Histogram({
      name: REQUEST_DURATION_SECONDS,
      help: 'Duration of Databricks REST API requests (one attempt each) by endpoint.',
      labelNames: ['endpoint'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
  return {
    observe(endpoint, code, durationSeconds) {
      requests.inc({ endpoint, code: String(code) });
      duration.observe({ endpoint }, durationSeconds);
    },
  };
}
