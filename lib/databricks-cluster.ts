import type { Construct } from 'constructs';
import type { ClusterSpec } from './crds/cluster-spec.js';
import type { DatabricksClusterSpec, DesiredClusterState } from './crds/databricks-cluster.js';
import { DatabricksApiObject, type DatabricksObjectProps } from './databricks-api-object.js';
import type { IDatabricksWorkspace } from './databricks-workspace.js';
import type { DeletionPolicy, ManagementPolicy } from './deletion-policy.js';
import { ClusterComputeReferences, type WithPoolOptions } from './cluster-compute.js';
import type { IDatabricksClusterPolicy } from './databricks-cluster-policy.js';
import type { IDatabricksInstancePool } from './databricks-instance-pool.js';
import { Grants, type Principal } from './permission-grants.js';

/** An all-purpose cluster that tasks can run on: anything with the name of a `DatabricksCluster`. */
export interface IDatabricksCluster {
  /** The kind, so that only a DatabricksCluster (or its fromName) can stand here. */
  readonly kind: 'DatabricksCluster';
  /** The name of the `DatabricksCluster` object, in the same namespace. */
  readonly name: string;
  /** The workspace the cluster lives in, if known: a task of a job in another workspace cannot use it. */
  readonly workspace?: IDatabricksWorkspace;
}

/** Whether the controller keeps the cluster running or terminated (`spec.state`). */
export type ClusterState = DesiredClusterState;

/** The permissions of a cluster (`spec.permissions`). */
export type ClusterPermissions = NonNullable<DatabricksClusterSpec['permissions']>;
/** What a principal may do with a cluster. */
export type ClusterPermissionLevel = ClusterPermissions['access_control_list'][number]['permission_level'];

/** Props of {@link DatabricksCluster}. */
export interface DatabricksClusterProps extends DatabricksObjectProps {
  /** The workspace the cluster lives in (`spec.workspaceRef`). */
  readonly workspace: IDatabricksWorkspace;
  /**
   * The cluster spec (Clusters API), verbatim: `spark_version`, `node_type_id`, `num_workers` or
   * `autoscale`, `spark_conf`, cloud attributes, init scripts, ...
   */
  readonly settings: DatabricksClusterSpec['settings'];
  /**
   * Whether the cluster should be running.
   *
   * @default 'Running'
   */
  readonly state?: ClusterState;
  /**
   * Who may attach to, restart or manage the cluster (`spec.permissions`); {@link DatabricksCluster.grant}
   * adds entries.
   *
   * @default - permissions are left as Databricks has them
   */
  readonly permissions?: ClusterPermissions;
  /**
   * What happens to the Databricks cluster when this object is deleted.
   *
   * @default 'Delete'
   */
  readonly deletionPolicy?: DeletionPolicy;
  /**
   * `Observe` to only read the cluster (give `clusterId`) and report in status where it differs from the
   * settings and state, never writing to Databricks.
   *
   * @default 'Manage'
   */
  readonly managementPolicy?: ManagementPolicy;
  /**
   * The ID of an existing cluster to adopt instead of creating one.
   *
   * @default - a new cluster is created
   */
  readonly clusterId?: string;
}

/**
 * An all-purpose Databricks cluster. Tasks run on it with `task.runOn(cluster)`, which synthesizes
 * `existing_cluster_ref`.
 *
 * @example
 * const shared = new DatabricksCluster(chart, 'shared', {
 *   workspace,
 *   settings: { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', autoscale: { min_workers: 1, max_workers: 4 }, autotermination_minutes: 30 },
 * });
 */
export class DatabricksCluster
  extends DatabricksApiObject<DatabricksClusterSpec>
  implements IDatabricksCluster
{
  declare readonly kind: 'DatabricksCluster';

  /**
   * A cluster defined elsewhere, by the name of its `DatabricksCluster` object.
   *
   * @param workspace its workspace, checked at synth against the jobs that run on it
   */
  static fromName(name: string, workspace?: IDatabricksWorkspace): IDatabricksCluster {
    return { kind: 'DatabricksCluster', name, workspace };
  }

  /** The workspace the cluster lives in. */
  readonly workspace: IDatabricksWorkspace;
  /** The cluster spec. */
  readonly settings: DatabricksClusterSpec['settings'];
  private readonly state?: ClusterState;
  private readonly deletionPolicy?: DeletionPolicy;
  private readonly managementPolicy?: ManagementPolicy;
  private readonly clusterId?: string;
  private readonly grants: Grants<ClusterPermissionLevel>;
  private readonly compute = new ClusterComputeReferences();

  constructor(scope: Construct, id: string, props: DatabricksClusterProps) {
    super(scope, id, 'DatabricksCluster', props);
    this.workspace = props.workspace;
    this.settings = props.settings;
    this.state = props.state;
    this.deletionPolicy = props.deletionPolicy;
    this.managementPolicy = props.managementPolicy;
    this.clusterId = props.clusterId;
    this.grants = new Grants(props.permissions);
    this.node.addValidation({
      validate: () => [
        ...clusterSpecProblems(this.settings, 'settings'),
        ...this.compute.problems(this.settings, 'settings', {
          construct: this,
          kind: 'DatabricksCluster',
          workspace: this.workspace,
        }),
      ],
    });
  }

  /**
   * Makes the cluster follow a cluster policy (`settings.policy_ref`): the controller fills in its
   * `policy_id` once the policy is Ready.
   *
   * @example
   * cluster.withPolicy(policy);
   */
  withPolicy(policy: IDatabricksClusterPolicy): this {
    this.compute.usePolicy(policy);
    return this;
  }

  /**
   * Draws the cluster's nodes from an instance pool (`settings.instance_pool_ref`), and its driver from
   * `options.driver` (`driver_instance_pool_ref`) or the same pool.
   *
   * @example
   * cluster.withPool(workers, { driver: drivers });
   */
  withPool(pool: IDatabricksInstancePool, options?: WithPoolOptions): this {
    this.compute.usePool(pool, options);
    return this;
  }

  /**
   * Grants a permission on the cluster (`spec.permissions.access_control_list`).
   *
   * @example
   * cluster.grant({ group: 'analysts' }, 'CAN_ATTACH_TO');
   */
  grant(principal: Principal, level: ClusterPermissionLevel): this {
    this.grants.add(principal, level);
    return this;
  }

  protected renderSpec(): DatabricksClusterSpec {
    return {
      workspaceRef: { name: this.workspace.name },
      settings: this.compute.apply(this.settings),
      state: this.state,
      permissions: this.grants.render(),
      deletionPolicy: this.deletionPolicy,
      managementPolicy: this.managementPolicy,
      clusterId: this.clusterId,
    };
  }
}

/**
 * What Databricks would reject in a cluster spec that the schema cannot say, as sentences naming the field
 * and the fix; empty if nothing.
 *
 * @param where the field path of the spec, e.g. `settings` or `settings.job_clusters[0].new_cluster`
 */
export function clusterSpecProblems(
  spec: Pick<
    ClusterSpec,
    'num_workers' | 'autoscale' | 'autotermination_minutes' | 'instance_pool_id' | 'node_type_id'
  >,
  where: string,
): string[] {
  const problems: string[] = [];
  if (spec.num_workers !== undefined && spec.autoscale !== undefined) {
    problems.push(
      `${where}.num_workers and ${where}.autoscale are mutually exclusive; ` +
        `use num_workers for a fixed size or autoscale for a range`,
    );
  }
  const autoscale = spec.autoscale;
  if (autoscale?.min_workers !== undefined && autoscale.max_workers !== undefined) {
    if (autoscale.min_workers > autoscale.max_workers) {
      problems.push(
        `${where}.autoscale.min_workers (${autoscale.min_workers}) is above max_workers ` +
          `(${autoscale.max_workers}); swap them or raise max_workers`,
      );
    }
  }
  const minutes = spec.autotermination_minutes;
  if (minutes !== undefined && minutes !== 0 && (minutes < 10 || minutes > 10000)) {
    problems.push(`${where}.autotermination_minutes ${minutes} must be 10-10000, or 0 to never terminate`);
  }
  if (spec.instance_pool_id !== undefined && spec.node_type_id !== undefined) {
    problems.push(
      `${where}.instance_pool_id and ${where}.node_type_id are mutually exclusive; ` +
        `the pool decides the node type, so remove node_type_id`,
    );
  }
  return problems;
}
