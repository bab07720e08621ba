/**
 * Prometheus metrics for Databricks calls: one count per HTTP attempt by workspace, endpoint and outcome,
 * and the attempt's duration. Every workspace's client records into the same two metrics, so a registry
 * shared by several clients gets them registered once.
 *
 * `workspace` is the DatabricksWorkspace (`namespace/name`) the client belongs to: a cluster has a few
 * workspaces, not thousands, and 429s or slow answers are a property of one workspace, so the label is
 * worth its series (workspaces × ~30 endpoints × a few codes).
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ApiMetrics } from './api-metrics-recorder.js';

export type { ApiMetrics };

export const REQUESTS_TOTAL = 'databricks_api_requests_total';
export const REQUEST_DURATION_SECONDS = 'databricks_api_request_duration_seconds';

/**
 * Registers (or reuses) the two metrics in `registry`, and returns a recorder that labels what it
 * records with `workspace` (empty for a client that belongs to no DatabricksWorkspace, e.g. the CLI's).
 */
export function registerApiMetrics(registry: Registry, workspace = ''): ApiMetrics {
  const requests =
    (registry.getSingleMetric(REQUESTS_TOTAL) as Counter<'workspace' | 'endpoint' | 'code'> | undefined) ??
    new Counter({
      name: REQUESTS_TOTAL,
      help: 'Databricks REST API requests (every attempt, retries included) by workspace, endpoint and HTTP status.',
      labelNames: ['workspace', 'endpoint', 'code'] as const,
      registers: [registry],
    });
  const duration =
    (registry.getSingleMetric(REQUEST_DURATION_SECONDS) as Histogram<'workspace' | 'endpoint'> | undefined) ??
    new Histogram({
      name: REQUEST_DURATION_SECONDS,
      help: 'Duration of Databricks REST API requests (one attempt each) by workspace and endpoint.',
      labelNames: ['workspace', 'endpoint'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
  return {
    observe(endpoint, code, durationSeconds) {
      requests.inc({ workspace, endpoint, code: String(code) });
      duration.observe({ workspace, endpoint }, durationSeconds);
    },
  };
}
