import type { Construct } from 'constructs';
import type { DatabricksSqlWarehouseSpec, DesiredWarehouseState } from './crds/databricks-sql-warehouse.js';
import { DatabricksApiObject, type DatabricksObjectProps } from './databricks-api-object.js';
import type { IDatabricksWorkspace } from './databricks-workspace.js';
import type { DeletionPolicy, ManagementPolicy } from './deletion-policy.js';
import { Grants, type Principal } from './permission-grants.js';

/** A SQL warehouse that SQL, SQL notebook and dbt tasks can run on: anything with the name of a `DatabricksSqlWarehouse`. */
export interface IDatabricksSqlWarehouse {
  /** The kind, so that only a DatabricksSqlWarehouse (or its fromName) can stand here. */
  readonly kind: 'DatabricksSqlWarehouse';
  /** The name of the `DatabricksSqlWarehouse` object, in the same namespace. */
  readonly name: string;
  /** The workspace the warehouse lives in, if known: a task of a job in another workspace cannot use it. */
  readonly workspace?: IDatabricksWorkspace;
}

/** Whether the controller keeps the warehouse running or stopped (`spec.state`). */
export type WarehouseState = DesiredWarehouseState;
/** The settings of a warehouse (`spec.settings`). */
export type WarehouseSettingsProps = DatabricksSqlWarehouseSpec['settings'];
/** The permissions of a warehouse (`spec.permissions`). */
export type WarehousePermissions = NonNullable<DatabricksSqlWarehouseSpec['permissions']>;
/** What a principal may do with a warehouse. */
export type WarehousePermissionLevel =
  WarehousePermissions['access_control_list'][number]['permission_level'];

/** Props of {@link DatabricksSqlWarehouse}. */
export interface DatabricksSqlWarehouseProps extends DatabricksObjectProps {
  /** The workspace the warehouse lives in (`spec.workspaceRef`). */
  readonly workspace: IDatabricksWorkspace;
  /**
   * The warehouse settings (SQL Warehouses API), verbatim: `cluster_size`, `min_num_clusters`,
   * `max_num_clusters`, `auto_stop_mins`, `enable_serverless_compute`, `warehouse_type`, `tags`, ...
   * `name` defaults to the object's name.
   */
  readonly settings: WarehouseSettingsProps;
  /**
   * Whether the warehouse should be running.
   *
   * @default 'Running'
   */
  readonly state?: WarehouseState;
  /**
   * Who may view, monitor, use, manage or own the warehouse (`spec.permissions`);
   * {@link DatabricksSqlWarehouse.grant} adds entries.
   *
   * @default - permissions are left as Databricks has them
   */
  readonly permissions?: WarehousePermissions;
  /**
   * What happens to the Databricks warehouse when this object is deleted.
   *
   * @default 'Delete'
   */
  readonly deletionPolicy?: DeletionPolicy;
  /**
   * `Observe` to only read the warehouse (give `warehouseId`) and report where it differs, never writing.
   *
   * @default 'Manage'
   */
  readonly managementPolicy?: ManagementPolicy;
  /**
   * The ID of an existing warehouse to adopt instead of creating one.
   *
   * @default - a new warehouse is created
   */
  readonly warehouseId?: string;
}

/**
 * A Databricks SQL warehouse. SQL tasks run on it with `TaskType.sql(warehouse, { query })`, which
 * synthesizes `sql_task.warehouse_ref`; SQL notebooks with `TaskType.notebook(path, { warehouse })` and dbt
 * with `TaskType.dbt(warehouse, { commands })` (`notebook_task.warehouse_ref`, `dbt_task.warehouse_ref`).
 *
 * @example
 * const bi = new DatabricksSqlWarehouse(chart, 'bi', {
 *   workspace,
 *   settings: { cluster_size: 'Small', max_num_clusters: 2, auto_stop_mins: 30 },
 * });
 */
export class DatabricksSqlWarehouse
  extends DatabricksApiObject<DatabricksSqlWarehouseSpec>
  implements IDatabricksSqlWarehouse
{
  declare readonly kind: 'DatabricksSqlWarehouse';

  /**
   * A warehouse defined elsewhere, by the name of its `DatabricksSqlWarehouse` object.
   *
   * @param workspace its workspace, checked at synth against the jobs that use it
   */
  static fromName(name: string, workspace?: IDatabricksWorkspace): IDatabricksSqlWarehouse {
    return { kind: 'DatabricksSqlWarehouse', name, workspace };
  }

  /** The workspace the warehouse lives in. */
  readonly workspace: IDatabricksWorkspace;
  /** The warehouse settings. */
  readonly settings: WarehouseSettingsProps;
  private readonly state?: WarehouseState;
  private readonly deletionPolicy?: DeletionPolicy;
  private readonly managementPolicy?: ManagementPolicy;
  private readonly warehouseId?: string;
  private readonly grants: Grants<WarehousePermissionLevel>;

  constructor(scope: Construct, id: string, props: DatabricksSqlWarehouseProps) {
    super(scope, id, 'DatabricksSqlWarehouse', props);
    this.workspace = props.workspace;
    this.settings = props.settings;
    this.state = props.state;
    this.deletionPolicy = props.deletionPolicy;
    this.managementPolicy = props.managementPolicy;
    this.warehouseId = props.warehouseId;
    this.grants = new Grants(props.permissions);
    this.node.addValidation({ validate: () => warehouseSettingsProblems(this.settings) });
  }

  /**
   * Grants a permission on the warehouse (`spec.permissions.access_control_list`).
   *
   * @example
   * warehouse.grant({ group: 'analysts' }, 'CAN_USE');
   */
  grant(principal: Principal, level: WarehousePermissionLevel): this {
    this.grants.add(principal, level);
    return this;
  }

  protected renderSpec(): DatabricksSqlWarehouseSpec {
    return {
      workspaceRef: { name: this.workspace.name },
      settings: this.settings,
      state: this.state,
      permissions: this.grants.render(),
      deletionPolicy: this.deletionPolicy,
      managementPolicy: this.managementPolicy,
      warehouseId: this.warehouseId,
    };
  }
}

/** What the API server would refuse in the settings, said at synth time with the fix. */
function warehouseSettingsProblems(settings: WarehouseSettingsProps): string[] {
  const problems: string[] = [];
  const { min_num_clusters: min, max_num_clusters: max, auto_stop_mins: autoStop } = settings;
  if (min !== undefined && max !== undefined && min > max) {
    problems.push(
      `settings.min_num_clusters (${min}) is above max_num_clusters (${max}); swap them or raise max_num_clusters`,
    );
  }
  if (autoStop !== undefined && autoStop !== 0 && autoStop < 10) {
    problems.push(`settings.auto_stop_mins ${autoStop} must be 0 (never stop) or at least 10`);
  }
  if (
    settings.enable_serverless_compute &&
    settings.warehouse_type !== undefined &&
    settings.warehouse_type !== 'PRO'
  ) {
    problems.push(
      `settings.enable_serverless_compute needs warehouse_type PRO, not ${settings.warehouse_type}`,
    );
  }
  return problems;
}
