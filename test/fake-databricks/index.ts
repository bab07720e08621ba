/**
 * A fake Databricks workspace for tests, benchmarks and the demo: a real HTTP server on 127.0.0.1 that
 * answers the REST API as BEHAVIOUR.md describes, with knobs for latency, faults, rate limits and timing.
 *
 * ```ts
 * const workspace = await startFakeWorkspace({ timing: { runPendingMs: 10, taskRunningMs: 20 } });
 * // point a client at workspace.url with workspace.token ...
 * await workspace.close();
 * ```
 */
import { FakeWorkspace, type FakeWorkspaceOptions } from './fake-workspace.js';

export { FakeWorkspace, defaultFakeToken, defaultOAuthClient } from './fake-workspace.js';
export type { FakeWorkspaceOptions, UiActions } from './fake-workspace.js';
export { ManualClock, defaultTiming, systemClock } from './api.js';
export type { Clock, FakeContext, FakeService, Timing } from './api.js';
export type { AzureAuthSettings, OAuthClient } from './auth.js';
export type { FaultKind, FaultRule, Latency } from './faults.js';
export { defaultRateLimits } from './rate-limits.js';
export type { RateLimitSettings } from './rate-limits.js';
export type { RequestLogEntry, RequestLogFilter } from './request-log.js';
export type { ObjectUiActions } from './object-ui-actions.js';
export { MISSING_REF_MARKER, PRIVATE_REPO_MARKER } from './repos.js';
export { pipelineMarkers } from './pipeline-lifecycle.js';
export { WAREHOUSE_FAIL_START_MARKER } from './sql-warehouses.js';

/** Starts a fake workspace on 127.0.0.1 (a free port unless `options.port` says otherwise). */
export async function startFakeWorkspace(options: FakeWorkspaceOptions = {}): Promise<FakeWorkspace> {
  return new FakeWorkspace(options).start(options.port ?? 0);
}
