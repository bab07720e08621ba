/**
 * The DatabricksSqlWarehouse object, its resource, and what its reconciles share: the leaf that the
 * warehouse's modules (view, observation, the reconciler) all import.
 */
import {
  DATABRICKS_SQL_WAREHOUSE,
  type DatabricksSqlWarehouseSpec,
  type DatabricksSqlWarehouseStatus,
} from '../../../lib/crds/index.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import { type ManagedContext, type ManagedObject } from '../managed/managed.js';
import { resourceOf } from '../managed/resources.js';
import { type ListingFreshness } from '../managed/shared-listing.js';
import type { StaggeredCycle } from '../managed/staggered-cycle.js';

/** The `databrickssqlwarehouses` resource. */
export const WAREHOUSES: ResourceType = resourceOf(DATABRICKS_SQL_WAREHOUSE);

/** A DatabricksSqlWarehouse as the informer holds it. */
export type DatabricksSqlWarehouse = ManagedObject<DatabricksSqlWarehouseSpec, DatabricksSqlWarehouseStatus>;

/** What `warehouseKind` needs besides the shared context. */
export interface WarehouseContext extends ManagedContext {
  /** The DatabricksSqlWarehouse cache: tells a live owner of a warehouse from one that is gone. */
  readonly warehouses: Pick<ObjectStore<DatabricksSqlWarehouse>, 'get'>;
  /** How often a warehouse that is changing state is looked at. @default notReadyBackoff.minMs */
  readonly transitionPollMs?: number;
  /** How fresh the shared warehouses listing must be. @default defaultListingFreshness */
  readonly view?: ListingFreshness;
  /** When each warehouse's permissions are read again. */
  readonly permissionsCycle: StaggeredCycle;
}
