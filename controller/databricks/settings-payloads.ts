/**
 * The big request payloads (job settings, cluster spec, runs/submit body) are typed once, by the CRD
 * schemas in `lib/crds`; the client reuses those static types rather than keeping a second copy.
 * Responses may carry more than the request types name (server defaults, output-only fields), so
 * response shapes widen them with `Record<string, unknown>`.
 */
import type {
  ClusterSpec as CrdClusterSpec,
  JobSettings as CrdJobSettings,
  RunSubmitSettings as CrdRunSubmitSettings,
} from '../../lib/crds/index.js';

/** Jobs API 2.2 `JobSettings` (snake_case, verbatim). */
export type JobSettings = CrdJobSettings;

/** Clusters API 2.1 cluster spec (snake_case, verbatim). */
export type ClusterSpec = CrdClusterSpec;

/** The `jobs/runs/submit` body (snake_case, verbatim). */
export type RunSubmitSettings = CrdRunSubmitSettings;

/** Job settings as `jobs/get` and `jobs/list` return them: the request type plus server-added fields. */
export type ReturnedJobSettings = Partial<JobSettings> & Record<string, unknown>;

/** A cluster spec as Databricks returns it. */
export type ReturnedClusterSpec = Partial<ClusterSpec> & Record<string, unknown>;
