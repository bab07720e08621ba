import { type Static } from '@sinclair/typebox';
import { celValidations, unchanged } from './cel-rules.js';
import { clusterSpecProperties, clusterSpecRuleList } from './cluster-spec.js';
import { Conditions, ObservedGeneration } from './conditions.js';
import { READY_COLUMN, REASON_COLUMN, type KindDefinition } from './custom-resource-definition.js';
import { DeletionPolicy } from './deletion-policy.js';
import { DriftedFields, ManagementPolicy } from './management-policy.js';
import { WorkspaceReference } from './object-references.js';
import { objectPermissions, PermissionsHash } from './permissions.js';
import { Int, Opt, Str, StringEnum, StringMap, Struct } from './schema-types.js';

/** The settings of an all-purpose cluster: a cluster spec in which spark_version is required. */
export const AllPurposeClusterSettings = Struct(
  {
    ...clusterSpecProperties,
    spark_version: Str(
      'Databricks Runtime version key, e.g. 15.4.x-scala2.12 (see clusters/spark-versions).',
      {
        minLength: 1,
        maxLength: 128,
      },
    ),
  },
  'The cluster specification, verbatim (snake_case), as clusters/create and clusters/edit take it.',
  celValidations(...clusterSpecRuleList),
);

/** The states `spec.state` asks for. */
export const DESIRED_CLUSTER_STATES = ['Running', 'Terminated'] as const;
/** Whether the controller keeps the cluster running or terminated (`spec.state`). */
export type DesiredClusterState = (typeof DESIRED_CLUSTER_STATES)[number];

/** `spec` of a DatabricksCluster: the cluster settings, whether it runs, and what deletion does. */
export const DatabricksClusterSpec = Struct(
  {
    workspaceRef: WorkspaceReference,
    settings: AllPurposeClusterSettings,
    state: Opt(
      StringEnum(
        DESIRED_CLUSTER_STATES,
        'Whether the cluster should be running. Terminated keeps its configuration without cost. Defaults to Running.',
        { default: 'Running' },
      ),
    ),
    permissions: Opt(
      objectPermissions('clusters', {
        level: 'Permission level. Clusters have no owner level.',
        permissions: 'Who may attach to, restart or manage the cluster.',
      }),
    ),
    deletionPolicy: Opt(DeletionPolicy),
    managementPolicy: Opt(ManagementPolicy),
    clusterId: Opt(
      Str(
        'Adopt this existing cluster instead of creating one. Its settings are replaced by spec.settings.',
        { minLength: 1 },
      ),
    ),
  },
  'The desired all-purpose cluster. The controller creates or edits it to match settings and starts or terminates it to match state.',
  // Pointing an existing object at another cluster would orphan the cluster it manages.
  celValidations(
    unchanged(
      'clusterId',
      'delete this DatabricksCluster (deletionPolicy Retain keeps the cluster) and adopt the other cluster with a new one',
    ),
  ),
);
export type DatabricksClusterSpec = Static<typeof DatabricksClusterSpec>;

/** The cluster states `status.state` can hold; the controller shows any other as UNKNOWN. */
export const CLUSTER_STATES = [
  'PENDING',
  'RUNNING',
  'RESTARTING',
  'RESIZING',
  'TERMINATING',
  'TERMINATED',
  'ERROR',
  'UNKNOWN',
] as const;
/** A cluster state the CRD knows. */
export type ClusterState = (typeof CLUSTER_STATES)[number];

/** Whether Databricks' cluster `state` is one the CRD's enum holds. */
export function isClusterState(state: string): state is ClusterState {
  return (CLUSTER_STATES as readonly string[]).includes(state);
}

/** `status` of a DatabricksCluster, written by the controller. */
export const DatabricksClusterStatus = Struct(
  {
    observedGeneration: Opt(ObservedGeneration),
    conditions: Opt(Conditions),
    clusterId: Opt(Str('Databricks cluster ID.')),
    driftedFields: Opt(DriftedFields),
    url: Opt(Str('Link to the cluster in the workspace UI.')),
    state: Opt(StringEnum(CLUSTER_STATES, 'Cluster state reported by Databricks.')),
    stateMessage: Opt(Str('Databricks explanation of the state.')),
    numWorkers: Opt(Int('Workers currently in the cluster.')),
    terminationReason: Opt(
      Struct(
        {
          code: Opt(Str('Termination code, e.g. USER_REQUEST, INACTIVITY.')),
          type: Opt(Str('SUCCESS, CLIENT_ERROR, SERVICE_FAULT or CLOUD_FAILURE.')),
          parameters: Opt(StringMap('Details of the termination.')),
        },
        'Why the cluster last terminated.',
      ),
    ),
    settingsHash: Opt(Str('Hash of the settings last applied, to detect spec changes.')),
    permissionsHash: Opt(PermissionsHash),
  },
  'What the controller observed about the cluster.',
);
export type DatabricksClusterStatus = Static<typeof DatabricksClusterStatus>;

/** The DatabricksCluster kind: names, schemas and printer columns of its CRD. */
export const DATABRICKS_CLUSTER: KindDefinition<
  'DatabricksCluster',
  DatabricksClusterSpec,
  DatabricksClusterStatus
> = {
  kind: 'DatabricksCluster',
  plural: 'databricksclusters',
  singular: 'databrickscluster',
  shortName: 'dbcluster',
  description:
    'DatabricksCluster is an all-purpose Databricks cluster: spec.settings is the cluster specification, verbatim, and spec.state says whether it should run.',
  spec: DatabricksClusterSpec,
  status: DatabricksClusterStatus,
  printerColumns: [
    {
      name: 'Cluster ID',
      type: 'string',
      jsonPath: '.status.clusterId',
      description: 'Databricks cluster ID.',
    },
    { name: 'State', type: 'string', jsonPath: '.status.state', description: 'Cluster state in Databricks.' },
    READY_COLUMN,
    REASON_COLUMN,
    {
      name: 'Workers',
      type: 'integer',
      jsonPath: '.status.numWorkers',
      description: 'Workers now.',
      priority: 1,
    },
  ],
};
