/**
 * The policy and pools a cluster spec names by reference (`policy_ref`, `instance_pool_ref`,
 * `driver_instance_pool_ref`), shared by a DatabricksCluster and a job cluster: what `withPolicy` and
 * `withPool` record, how they appear in the spec, and what is wrong with them at synth time.
 */
import type { ClusterSpec } from './crds/cluster-spec.js';
import type { IDatabricksClusterPolicy } from './databricks-cluster-policy.js';
import type { IDatabricksInstancePool } from './databricks-instance-pool.js';
import { referenceScopeProblem, type Referrer } from './reference-scope.js';

/** Options of `withPool`. */
export interface WithPoolOptions {
  /**
   * The pool the driver comes from.
   *
   * @default - the same pool as the workers
   */
  readonly driver?: IDatabricksInstancePool;
}

/** The references a cluster spec gets from `withPolicy` and `withPool`. */
export class ClusterComputeReferences {
  private policy?: IDatabricksClusterPolicy;
  private pool?: IDatabricksInstancePool;
  private driverPool?: IDatabricksInstancePool;

  usePolicy(policy: IDatabricksClusterPolicy): void {
    this.policy = policy;
  }

  usePool(pool: IDatabricksInstancePool, options: WithPoolOptions = {}): void {
    this.pool = pool;
    this.driverPool = options.driver;
  }

  /** `spec` with the references added (a spec without any is returned as it is). */
  apply<S extends ClusterSpec>(spec: S): S {
    if (!this.policy && !this.pool && !this.driverPool) return spec;
    return {
      ...spec,
      ...(this.policy ? { policy_ref: { name: this.policy.name } } : {}),
      ...(this.pool ? { instance_pool_ref: { name: this.pool.name } } : {}),
      ...(this.driverPool ? { driver_instance_pool_ref: { name: this.driverPool.name } } : {}),
    };
  }

  /** What is wrong with the references of the spec at `where`, held by `referrer`. */
  problems(spec: ClusterSpec, where: string, referrer: Referrer): string[] {
    const problems: string[] = [];
    const clash = (id: keyof ClusterSpec, method: string) =>
      `${where}.${String(id)} is set and ${method} adds its reference; keep one`;
    if (this.policy && spec.policy_id !== undefined) problems.push(clash('policy_id', 'withPolicy()'));
    if (this.pool && spec.instance_pool_id !== undefined)
      problems.push(clash('instance_pool_id', 'withPool()'));
    if (this.driverPool && spec.driver_instance_pool_id !== undefined) {
      problems.push(clash('driver_instance_pool_id', 'withPool(..., { driver })'));
    }
    if (this.pool && spec.node_type_id !== undefined) {
      problems.push(
        `${where}.node_type_id is set, but withPool() draws the nodes from a pool, which decides the node type; remove node_type_id`,
      );
    }
    const targets: [string, IDatabricksClusterPolicy | IDatabricksInstancePool | undefined][] = [
      [`${where}.policy_ref`, this.policy],
      [`${where}.instance_pool_ref`, this.pool],
      [`${where}.driver_instance_pool_ref`, this.driverPool],
    ];
    for (const [field, target] of targets) {
      const problem = target && referenceScopeProblem(referrer, field, target);
      if (problem) problems.push(problem);
    }
    return problems;
  }
}
