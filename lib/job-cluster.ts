import { ClusterComputeReferences, type WithPoolOptions } from './cluster-compute.js';
import type { ClusterSpec } from './crds/cluster-spec.js';
import type { IDatabricksClusterPolicy } from './databricks-cluster-policy.js';
import type { IDatabricksInstancePool } from './databricks-instance-pool.js';
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
  private readonly compute = new ClusterComputeReferences();

  /** @internal use DatabricksJob.addJobCluster */
  constructor(
    /** The job that owns this cluster. */
    readonly job: JobOfMember,
    /** The `job_cluster_key` tasks use to run on it. */
    readonly key: string,
    /** The cluster spec (Clusters API `new_cluster`), verbatim. */
    readonly spec: ClusterSpec,
  ) {}

  /** Makes the cluster follow a cluster policy (`new_cluster.policy_ref`). */
  withPolicy(policy: IDatabricksClusterPolicy): this {
    this.compute.usePolicy(policy);
    return this;
  }

  /** Draws the cluster's nodes from an instance pool (`new_cluster.instance_pool_ref`, and the driver's). */
  withPool(pool: IDatabricksInstancePool, options?: WithPoolOptions): this {
    this.compute.usePool(pool, options);
    return this;
  }

  /** What is wrong with the policy and pools it names, said at synth time (`where`: its field path). */
  referenceProblems(where: string): string[] {
    const referrer = { construct: this.job, kind: 'DatabricksJob', workspace: this.job.workspace };
    return this.compute.problems(this.spec, where, referrer);
  }

  /** The Jobs API payload. */
  toPayload(): JobClusterPayload {
    return { job_cluster_key: this.key, new_cluster: this.compute.apply(this.spec) };
  }
}
