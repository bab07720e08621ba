/**
 * What the controller does in Databricks when the Kubernetes object is deleted (`spec.deletionPolicy`).
 * - `Delete`: delete the Databricks object.
 * - `Retain`: leave it in the workspace, unmanaged.
 */
export type DeletionPolicy = 'Delete' | 'Retain';

/**
 * What the controller does with a job when its `DatabricksJob` is deleted: as {@link DeletionPolicy}, plus
 * `Pause`, which keeps the job and its run history but pauses its schedule and triggers.
 */
export type JobDeletionPolicy = DeletionPolicy | 'Pause';
