/**
 * What the transport records about each attempt, as an interface: the client takes a recorder and loads
 * no metrics library itself (the CLI ships the client without one). The controller's recorder counts
 * into Prometheus (`registerApiMetrics` in api-metrics.ts).
 */

/** Records one attempt. `code` is the HTTP status, or `network_error` when no response came. */
export interface ApiMetrics {
  observe(endpoint: string, code: number | 'network_error', durationSeconds: number): void;
}
