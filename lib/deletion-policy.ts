import type { DELETION_POLICIES, JOB_DELETION_POLICIES } from './crds/deletion-policy.js';
import type { MANAGEMENT_POLICIES } from './crds/management-policy.js';

/**
 * What the controller does in Databricks when the Kubernetes object is deleted (`spec.deletionPolicy`).
 * - `Delete`: delete the Databricks object.
 * - `Retain`: leave it in the workspace, unmanaged.
 */
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];

/**
 * What the controller does with a job when its `DatabricksJob` is deleted: as {@link DeletionPolicy}, plus
 * `Pause`, which keeps the job and its run history but pauses its schedule and triggers.
 */
export type JobDeletionPolicy = (typeof JOB_DELETION_POLICIES)[number];

/**
 * What the controller may do to the Databricks object: `Manage` (the default) makes it match the spec;
 * `Observe` only reads it and reports in status (its ID, the `InSync` condition, `driftedFields`), never
 * writing to Databricks, and leaves it in place when the object is deleted.
 */
export type ManagementPolicy = (typeof MANAGEMENT_POLICIES)[number];
