import type { ClusterSpec } from './crds/cluster-spec.js';
import type { JobOfMember } from './job-member.js';

/** The `settings.job_clusters[]` payload of a job. */
export interface JobClusterPayload {
  readonly job_cluster_key: string;
  readonly new_cluster: ClusterSpec;
}

/**
 * A cluster that a job starts for its run and shares between the tasks that {@link Task.runOn} it.
 * Create one with {@link DatabricksJob.addJobCluster}.
 */
export class JobCluster {
  /** @internal use DatabricksJob.addJobCluster */
  constructor(
    /** The job that owns this cluster. */
    readonly job: JobOfMember,
    /** The `job_cluster_key` tasks use to run on it. */
    readonly key: string,
    /** The cluster spec (Clusters API `new_cluster`), verbatim. */
    readonly spec: ClusterSpec,
  ) {}

  /** The Jobs API payload. */
  toPayload(): JobClusterPayload {
    return { job_cluster_key: this.key, new_cluster: this.spec };
  }
}
