/**
 * The big request payloads (job settings, cluster spec, runs/submit body) are typed once, by the CRD
 * schemas in `lib/crds`. Until those exports exist the client accepts any JSON object here; this file is
 * the single place to switch to `import type { JobSettings, ClusterSpec, RunSubmitSettings } from
 * '../../lib/crds/index.js'`.
 */

/** Jobs API 2.2 `JobSettings` (snake_case, verbatim). */
export type JobSettings = Record<string, unknown>;

/** Clusters API 2.1 cluster spec (snake_case, verbatim). */
export type ClusterSpec = Record<string, unknown>;

/** The `jobs/runs/submit` body (snake_case, verbatim). */
export type RunSubmitSettings = Record<string, unknown>;
