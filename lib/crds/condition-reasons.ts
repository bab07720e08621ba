/**
 * The `Ready=False` reasons that pass without anyone acting. The controller sets them, and the Argo CD
 * health checks read them as Progressing instead of Degraded, so both take them from here.
 */
import type { ClusterState } from './databricks-cluster.js';

/** Any kind: a referenced object (or a key of its ConfigMap or Secret) is missing or not Ready yet. */
export const WAITING_FOR_DEPENDENCY = 'WaitingForDependency';

/** A DatabricksRun: the job was deleted in Databricks, and its DatabricksJob will recreate it. */
export const RUN_JOB_NOT_FOUND = 'JobNotFound';

/** A DatabricksCluster between states on its own: the reason for each Databricks state it passes. */
export const CLUSTER_MOVING_REASONS = {
  PENDING: 'Starting',
  RESTARTING: 'Restarting',
  RESIZING: 'Resizing',
  TERMINATING: 'Terminating',
} as const satisfies Partial<Record<ClusterState, string>>;

/** A DatabricksSqlWarehouse between states on its own: the reason for each Databricks state it passes. */
export const WAREHOUSE_MOVING_REASONS = {
  STARTING: 'Starting',
  STOPPING: 'Stopping',
  DELETING: 'Deleting',
} as const;

/** A DatabricksPipeline whose continuous update is starting or restarting on its own. */
export const PIPELINE_MOVING_REASONS = {
  STARTING: 'Starting',
  DEPLOYING: 'Deploying',
  RESETTING: 'Resetting',
  STOPPING: 'Stopping',
  RECOVERING: 'Recovering',
} as const;

/** A DatabricksCluster in any other state it waits out (an error state it may leave, say). */
export const CLUSTER_WAITING = 'Waiting';
