/**
 * The DatabricksInstancePool object, its resource, and what its reconciles share: the leaf that the
 * pool's modules (view, placement, observation, the reconciler) all import.
 */
import {
  DATABRICKS_INSTANCE_POOL,
  type DatabricksInstancePoolSpec,
  type DatabricksInstancePoolStatus,
} from '../../../lib/crds/index.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import { type ManagedContext, type ManagedObject } from '../managed/managed.js';
import { resourceOf } from '../managed/resources.js';
import { type ListingFreshness } from '../managed/shared-listing.js';
import type { StaggeredCycle } from '../managed/staggered-cycle.js';

/** The `databricksinstancepools` resource. */
export const POOLS: ResourceType = resourceOf(DATABRICKS_INSTANCE_POOL);

/** A DatabricksInstancePool as the informer holds it. */
export type DatabricksInstancePool = ManagedObject<DatabricksInstancePoolSpec, DatabricksInstancePoolStatus>;

/** What `poolKind` needs besides the shared context. */
export interface PoolContext extends ManagedContext {
  /** The DatabricksInstancePool cache: tells a live owner of a pool from one that is gone. */
  readonly pools: Pick<ObjectStore<DatabricksInstancePool>, 'get'>;
  /** How fresh the shared pools listing must be. @default defaultListingFreshness */
  readonly view?: ListingFreshness;
  /** When each pool's permissions are read again (those with `spec.permissions` only). */
  readonly permissionsCycle: StaggeredCycle;
}
