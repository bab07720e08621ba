/**
 * What the parts of a job (its tasks and job clusters) know of the DatabricksJob that holds them, and the
 * reference to a job that tasks and runs take. They live here, apart from `databricks-job.ts`, because
 * the job imports its parts: a part that imported the job would close a circle.
 */
import type { ApiObject } from 'cdk8s';
import type { IDatabricksWorkspace } from './databricks-workspace.js';

/** A job that tasks and runs can refer to: anything with the name of a `DatabricksJob`. */
export interface IDatabricksJob {
  /** The kind, so that only a DatabricksJob (or its fromName) can stand here. */
  readonly kind: 'DatabricksJob';
  /** The name of the `DatabricksJob` object, in the same namespace. */
  readonly name: string;
  /** The workspace the job lives in, if known; runs of the job default to it. */
  readonly workspace?: IDatabricksWorkspace;
}

/** The DatabricksJob a task or a job cluster belongs to: the object (its path, its namespace) and its workspace. */
export interface JobOfMember extends ApiObject {
  readonly workspace: IDatabricksWorkspace;
}
