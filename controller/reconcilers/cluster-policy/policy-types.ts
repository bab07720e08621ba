/**
 * The DatabricksClusterPolicy object, its resource, and what its reconciles share: the leaf that the
 * policy's modules (view, placement, the reconciler) all import.
 */
import {
  DATABRICKS_CLUSTER_POLICY,
  type DatabricksClusterPolicySpec,
  type DatabricksClusterPolicyStatus,
} from '../../../lib/crds/index.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import { type ManagedContext, type ManagedObject } from '../managed/managed.js';
import { resourceOf } from '../managed/resources.js';
import { type ListingFreshness } from '../managed/shared-listing.js';
import type { StaggeredCycle } from '../managed/staggered-cycle.js';

/** The `databricksclusterpolicies` resource. */
export const POLICIES: ResourceType = resourceOf(DATABRICKS_CLUSTER_POLICY);

/** A DatabricksClusterPolicy as the informer holds it. */
export type DatabricksClusterPolicy = ManagedObject<
  DatabricksClusterPolicySpec,
  DatabricksClusterPolicyStatus
>;

/** What `policyKind` needs besides the shared context. */
export interface PolicyContext extends ManagedContext {
  /** The DatabricksClusterPolicy cache, indexed by workspace: who else holds a policy or its name. */
  readonly policies: Pick<ObjectStore<DatabricksClusterPolicy>, 'get' | 'keysByIndex'>;
  /** How fresh the shared policies listing must be. @default defaultListingFreshness */
  readonly view?: ListingFreshness;
  /** When each policy's permissions are read again (those with `spec.permissions` only). */
  readonly permissionsCycle: StaggeredCycle;
}
