/**
 * The DatabricksJob object, its resource, and what its reconciles share: the leaf that the job's
 * modules (placement, permissions, observation, the reconciler) all import.
 */
import { DATABRICKS_JOB, type DatabricksJobSpec, type DatabricksJobStatus } from '../../../lib/crds/index.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import { type JobViewOptions } from './job-view.js';
import { type ManagedContext, type ManagedObject } from '../managed/managed.js';
import { type ReferenceStores } from '../managed/references.js';
import { resourceOf } from '../managed/resources.js';
import { StaggeredCycle } from '../managed/staggered-cycle.js';

/** The `databricksjobs` resource. */
export const JOBS: ResourceType = resourceOf(DATABRICKS_JOB);

/** A DatabricksJob as the informer holds it. */
export type DatabricksJob = ManagedObject<DatabricksJobSpec, DatabricksJobStatus>;

/** What `jobKind` needs besides the shared context. */
export interface JobContext extends ManagedContext {
  /** The DatabricksJob cache: counts the jobs of a workspace and tells live owners from gone ones. */
  readonly jobs: Pick<ObjectStore<DatabricksJob>, 'get' | 'keysByIndex'>;
  readonly references: ReferenceStores;
  readonly view?: JobViewOptions;
  /** How often a job whose newest run is still active is looked at again. @default 60_000 */
  readonly activeRunPollMs?: number;
  /** When each job's permissions are read to find grants changed in Databricks. */
  readonly permissionsCycle: StaggeredCycle;
}
