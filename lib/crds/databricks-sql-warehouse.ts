import { type Static } from '@sinclair/typebox';
import { celValidations, unchanged } from './cel-rules.js';
import { Conditions, ObservedGeneration } from './conditions.js';
import { READY_COLUMN, REASON_COLUMN, type KindDefinition } from './custom-resource-definition.js';
import { DeletionPolicy } from './deletion-policy.js';
import { DriftedFields, ManagementPolicy } from './management-policy.js';
import { WorkspaceReference } from './object-references.js';
import { objectPermissions, PermissionsHash } from './permissions.js';
import { Bool, Int, KeyedList, Opt, Str, StringEnum, Struct } from './schema-types.js';

/** The sizes a warehouse's clusters come in (`cluster_size`). */
export const WAREHOUSE_CLUSTER_SIZES = [
  '2X-Small',
  'X-Small',
  'Small',
  'Medium',
  'Large',
  'X-Large',
  '2X-Large',
  '3X-Large',
  '4X-Large',
] as const;

/** The settings of a SQL warehouse, as sql/warehouses create and edit take them. */
export const WarehouseSettings = Struct(
  {
    name: Opt(
      Str(
        'Name of the warehouse; unique in the workspace. Defaults to the DatabricksSqlWarehouse object name.',
        {
          minLength: 1,
          maxLength: 99,
        },
      ),
    ),
    cluster_size: StringEnum(WAREHOUSE_CLUSTER_SIZES, 'Size of each of the warehouse clusters.'),
    min_num_clusters: Opt(
      Int('Clusters kept for the warehouse, 1 to min(max_num_clusters, 30); 1 when unset.', {
        minimum: 1,
        maximum: 30,
      }),
    ),
    max_num_clusters: Opt(
      Int('Clusters the warehouse scales up to under load, at most 40; min_num_clusters when unset.', {
        minimum: 1,
        maximum: 40,
      }),
    ),
    auto_stop_mins: Opt(
      Int(
        'Minutes idle before the warehouse stops: 0 never stops it, otherwise at least 10; 120 when unset.',
        {
          minimum: 0,
        },
      ),
    ),
    enable_photon: Opt(Bool('Run on Photon.')),
    enable_serverless_compute: Opt(Bool('Serverless compute; needs warehouse_type PRO.')),
    warehouse_type: Opt(
      StringEnum(['CLASSIC', 'PRO', 'TYPE_UNSPECIFIED'] as const, 'Warehouse type; PRO for serverless.'),
    ),
    spot_instance_policy: Opt(
      StringEnum(
        ['COST_OPTIMIZED', 'RELIABILITY_OPTIMIZED', 'POLICY_UNSPECIFIED'] as const,
        'Whether spot instances are used (classic warehouses).',
      ),
    ),
    channel: Opt(
      Struct(
        {
          name: Opt(
            StringEnum(
              [
                'CHANNEL_NAME_CURRENT',
                'CHANNEL_NAME_PREVIEW',
                'CHANNEL_NAME_PREVIOUS',
                'CHANNEL_NAME_CUSTOM',
              ] as const,
              'The channel.',
            ),
          ),
          dbsql_version: Opt(Str('DBSQL version, with CHANNEL_NAME_CUSTOM.')),
        },
        'Release channel of the warehouse.',
      ),
    ),
    tags: Opt(
      Struct(
        {
          custom_tags: Opt(
            KeyedList(
              Struct(
                {
                  key: Str('Tag key.', { minLength: 1 }),
                  value: Opt(Str('Tag value.')),
                },
                'One tag.',
              ),
              ['key'],
              'Tags of the warehouse and its cloud resources, at most 42 (Databricks allows 44, and the controller adds its two ownership tags).',
              { maxItems: 42 },
            ),
          ),
        },
        'Tags of the warehouse.',
      ),
    ),
    instance_profile_arn: Opt(Str('AWS instance profile of a classic warehouse (deprecated by Databricks).')),
  },
  "The warehouse settings, verbatim (snake_case), as sql/warehouses create and edit take them. A field left out is Databricks' to choose, and is not corrected.",
  celValidations(
    {
      rule: '!has(self.min_num_clusters) || !has(self.max_num_clusters) || self.min_num_clusters <= self.max_num_clusters',
      message: 'min_num_clusters must not be above max_num_clusters',
    },
    {
      rule: '!has(self.auto_stop_mins) || self.auto_stop_mins == 0 || self.auto_stop_mins >= 10',
      message: 'auto_stop_mins must be 0 (never stop) or at least 10',
      fieldPath: '.auto_stop_mins',
    },
    {
      rule: "!(has(self.enable_serverless_compute) && self.enable_serverless_compute && has(self.warehouse_type) && self.warehouse_type != 'PRO')",
      message: 'enable_serverless_compute needs warehouse_type PRO',
    },
  ),
);
export type WarehouseSettings = Static<typeof WarehouseSettings>;

/** The states `spec.state` asks for. */
export const DESIRED_WAREHOUSE_STATES = ['Running', 'Stopped'] as const;
/** Whether the controller keeps the warehouse running or stopped (`spec.state`). */
export type DesiredWarehouseState = (typeof DESIRED_WAREHOUSE_STATES)[number];

/** `spec` of a DatabricksSqlWarehouse. */
export const DatabricksSqlWarehouseSpec = Struct(
  {
    workspaceRef: WorkspaceReference,
    settings: WarehouseSettings,
    state: Opt(
      StringEnum(
        DESIRED_WAREHOUSE_STATES,
        'Whether the warehouse should be running. Running starts it when it is created or the spec changes; one that stopped itself after auto_stop_mins idle stays stopped (a query starts it). Stopped keeps it stopped. Defaults to Running.',
        { default: 'Running' },
      ),
    ),
    permissions: Opt(
      objectPermissions('sql/warehouses', {
        level:
          'Permission level. A warehouse has at most one IS_OWNER; a list that names none keeps the current owner.',
        permissions: 'Who may view, monitor, use, manage or own the warehouse.',
      }),
    ),
    deletionPolicy: Opt(DeletionPolicy),
    managementPolicy: Opt(ManagementPolicy),
    warehouseId: Opt(
      Str(
        'Adopt this existing warehouse instead of creating one. The fields spec.settings sets replace its own.',
        { minLength: 1 },
      ),
    ),
  },
  'The desired SQL warehouse. The controller creates or edits it to match settings and starts or stops it to match state.',
  celValidations(
    unchanged(
      'warehouseId',
      'delete this DatabricksSqlWarehouse (deletionPolicy Retain keeps the warehouse) and adopt the other warehouse with a new one',
    ),
  ),
);
export type DatabricksSqlWarehouseSpec = Static<typeof DatabricksSqlWarehouseSpec>;

/** The warehouse states `status.state` can hold; any other is shown as UNKNOWN. */
export const WAREHOUSE_STATES = [
  'STARTING',
  'RUNNING',
  'STOPPING',
  'STOPPED',
  'DELETING',
  'DELETED',
  'UNKNOWN',
] as const;
export type WarehouseStateName = (typeof WAREHOUSE_STATES)[number];

/** Whether Databricks' warehouse `state` is one the CRD's enum holds. */
export function isWarehouseState(state: string): state is WarehouseStateName {
  return (WAREHOUSE_STATES as readonly string[]).includes(state);
}

/** `status` of a DatabricksSqlWarehouse, written by the controller. */
export const DatabricksSqlWarehouseStatus = Struct(
  {
    observedGeneration: Opt(ObservedGeneration),
    conditions: Opt(Conditions),
    warehouseId: Opt(Str('Databricks SQL warehouse ID.')),
    driftedFields: Opt(DriftedFields),
    url: Opt(Str('Link to the warehouse in the workspace UI.')),
    state: Opt(StringEnum(WAREHOUSE_STATES, 'Warehouse state reported by Databricks.')),
    health: Opt(Str('HEALTHY, DEGRADED or FAILED, as Databricks reports it.')),
    healthMessage: Opt(Str('Databricks summary of the health.')),
    numClusters: Opt(Int('Clusters running now.')),
    jdbcUrl: Opt(Str('JDBC URL of the warehouse.')),
    settingsHash: Opt(Str('Hash of the settings last applied, to detect spec changes.')),
    permissionsHash: Opt(PermissionsHash),
  },
  'What the controller observed about the warehouse.',
);
export type DatabricksSqlWarehouseStatus = Static<typeof DatabricksSqlWarehouseStatus>;

/** The DatabricksSqlWarehouse kind: names, schemas and printer columns of its CRD. */
export const DATABRICKS_SQL_WAREHOUSE: KindDefinition<
  'DatabricksSqlWarehouse',
  DatabricksSqlWarehouseSpec,
  DatabricksSqlWarehouseStatus
> = {
  kind: 'DatabricksSqlWarehouse',
  plural: 'databrickssqlwarehouses',
  singular: 'databrickssqlwarehouse',
  shortName: 'dbwarehouse',
  description:
    'DatabricksSqlWarehouse is a Databricks SQL warehouse: spec.settings is the warehouse specification, verbatim, and spec.state says whether it should run.',
  spec: DatabricksSqlWarehouseSpec,
  status: DatabricksSqlWarehouseStatus,
  printerColumns: [
    {
      name: 'Warehouse ID',
      type: 'string',
      jsonPath: '.status.warehouseId',
      description: 'Databricks SQL warehouse ID.',
    },
    {
      name: 'State',
      type: 'string',
      jsonPath: '.status.state',
      description: 'Warehouse state in Databricks.',
    },
    READY_COLUMN,
    REASON_COLUMN,
    {
      name: 'Clusters',
      type: 'integer',
      jsonPath: '.status.numClusters',
      description: 'Clusters running now.',
      priority: 1,
    },
  ],
};
