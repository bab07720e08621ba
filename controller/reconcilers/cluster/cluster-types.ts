/**
 * The DatabricksCluster object, its resource, and what its reconciles share: the leaf that the
 * cluster's modules (placement, observation, the reconciler) all import.
 */
import {
  DATABRICKS_CLUSTER,
  type DatabricksClusterSpec,
  type DatabricksClusterStatus,
} from '../../../lib/crds/index.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import { type ManagedContext, type ManagedObject } from '../managed/managed.js';
import { resourceOf } from '../managed/resources.js';
import type { ReferenceStores } from '../managed/references.js';
import { type ListingFreshness } from '../managed/shared-listing.js';
import type { StaggeredCycle } from '../managed/staggered-cycle.js';

/** The `databricksclusters` resource. */
export const CLUSTERS: ResourceType = resourceOf(DATABRICKS_CLUSTER);

/** A DatabricksCluster as the informer holds it. */
export type DatabricksCluster = ManagedObject<DatabricksClusterSpec, DatabricksClusterStatus>;

/** What `clusterKind` needs besides the shared context. */
export interface ClusterContext extends ManagedContext {
  /** The DatabricksCluster cache: tells a live owner of a cluster from one that is gone. */
  readonly clusters: Pick<ObjectStore<DatabricksCluster>, 'get'>;
  /** How often a cluster that is changing state is looked at. @default notReadyBackoff.minMs */
  readonly transitionPollMs?: number;
  /** How fresh the shared clusters listing must be. @default defaultListingFreshness */
  readonly view?: ListingFreshness;
  /** When each cluster's permissions are read again (those with `spec.permissions` only). */
  readonly permissionsCycle: StaggeredCycle;
  /** Where `policy_ref`, `instance_pool_ref` and `driver_instance_pool_ref` are resolved from. */
  readonly references: ReferenceStores;
}
