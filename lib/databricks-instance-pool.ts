import type { Construct } from 'constructs';
import type { DatabricksInstancePoolSpec } from './crds/databricks-instance-pool.js';
import { DatabricksApiObject, type DatabricksObjectProps } from './databricks-api-object.js';
import type { IDatabricksWorkspace } from './databricks-workspace.js';
import type { DeletionPolicy, ManagementPolicy } from './deletion-policy.js';
import { Grants, type Principal } from './permission-grants.js';

/** An instance pool that clusters can draw on: anything with the name of a `DatabricksInstancePool`. */
export interface IDatabricksInstancePool {
  /** The kind, so that only a DatabricksInstancePool (or its fromName) can stand here. */
  readonly kind: 'DatabricksInstancePool';
  /** The name of the `DatabricksInstancePool` object, in the same namespace. */
  readonly name: string;
  /** The workspace the pool lives in, if known: a cluster of another workspace cannot use it. */
  readonly workspace?: IDatabricksWorkspace;
}

/** The settings of a pool (`spec.settings`), verbatim as instance-pools/create takes them. */
export type InstancePoolSettingsProps = DatabricksInstancePoolSpec['settings'];
/** The permissions of a pool (`spec.permissions`). */
export type InstancePoolPermissions = NonNullable<DatabricksInstancePoolSpec['permissions']>;
/** What a principal may do with a pool (CAN_ATTACH_TO, CAN_MANAGE). */
export type InstancePoolPermissionLevel =
  InstancePoolPermissions['access_control_list'][number]['permission_level'];

/** Props of {@link DatabricksInstancePool}. */
export interface DatabricksInstancePoolProps extends DatabricksObjectProps {
  /** The workspace the pool lives in (`spec.workspaceRef`). */
  readonly workspace: IDatabricksWorkspace;
  /**
   * The pool settings (Instance Pools API), verbatim: `node_type_id`, `min_idle_instances`,
   * `max_capacity`, `idle_instance_autotermination_minutes`, `preloaded_spark_versions`, ...
   * `instance_pool_name` defaults to the object's name.
   */
  readonly settings: InstancePoolSettingsProps;
  /**
   * Take over a pool of this name that exists in Databricks instead of refusing it.
   *
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * Who may attach clusters to the pool or manage it (`spec.permissions`);
   * {@link DatabricksInstancePool.grant} adds entries.
   *
   * @default - permissions are left as Databricks has them
   */
  readonly permissions?: InstancePoolPermissions;
  /** @default 'Delete' */
  readonly deletionPolicy?: DeletionPolicy;
  /** @default 'Manage' */
  readonly managementPolicy?: ManagementPolicy;
}

/**
 * A Databricks instance pool. Clusters draw on it with `cluster.withPool(pool)` (a DatabricksCluster or a
 * job cluster), which synthesizes `instance_pool_ref` (and `driver_instance_pool_ref`).
 *
 * @example
 * const pool = new DatabricksInstancePool(chart, 'etl-pool', {
 *   workspace,
 *   settings: { node_type_id: 'i3.xlarge', min_idle_instances: 1, max_capacity: 10 },
 * });
 */
export class DatabricksInstancePool
  extends DatabricksApiObject<DatabricksInstancePoolSpec>
  implements IDatabricksInstancePool
{
  declare readonly kind: 'DatabricksInstancePool';

  /**
   * A pool defined elsewhere, by the name of its `DatabricksInstancePool` object.
   *
   * @param workspace its workspace, checked at synth against the clusters that use it
   */
  static fromName(name: string, workspace?: IDatabricksWorkspace): IDatabricksInstancePool {
    return { kind: 'DatabricksInstancePool', name, workspace };
  }

  /** The workspace the pool lives in. */
  readonly workspace: IDatabricksWorkspace;
  /** The pool settings. */
  readonly settings: InstancePoolSettingsProps;
  private readonly poolProps: DatabricksInstancePoolProps;
  private readonly grants: Grants<InstancePoolPermissionLevel>;

  constructor(scope: Construct, id: string, props: DatabricksInstancePoolProps) {
    super(scope, id, 'DatabricksInstancePool', props);
    this.workspace = props.workspace;
    this.settings = props.settings;
    this.poolProps = props;
    this.grants = new Grants(props.permissions);
    this.node.addValidation({ validate: () => poolProblems(this.settings) });
  }

  /**
   * Grants a permission on the pool (`spec.permissions.access_control_list`).
   *
   * @example
   * pool.grant({ group: 'data-engineers' }, 'CAN_ATTACH_TO');
   */
  grant(principal: Principal, level: InstancePoolPermissionLevel): this {
    this.grants.add(principal, level);
    return this;
  }

  protected renderSpec(): DatabricksInstancePoolSpec {
    return {
      workspaceRef: { name: this.workspace.name },
      settings: this.settings,
      adopt: this.poolProps.adopt,
      permissions: this.grants.render(),
      deletionPolicy: this.poolProps.deletionPolicy,
      managementPolicy: this.poolProps.managementPolicy,
    };
  }
}

/** What the API server would refuse in the settings, said at synth time with the fix. */
function poolProblems(settings: InstancePoolSettingsProps): string[] {
  const { min_idle_instances: minIdle, max_capacity: max } = settings;
  if (minIdle !== undefined && max !== undefined && minIdle > max) {
    return [
      `settings.min_idle_instances (${minIdle}) is above max_capacity (${max}); the pool could never keep that many idle: lower it or raise max_capacity`,
    ];
  }
  return [];
}
