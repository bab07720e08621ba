/**
 * Batched reads of one workspace's cluster policies, shared by every DatabricksClusterPolicy reconcile in
 * it. `policies/clusters/list` returns every policy whole (definition included) in one answer, so one
 * listing, read once after each resync, answers every policy: a resync of N policies costs one call.
 * `policies/clusters/get` still reads a policy this process changed since the listing started, and one the
 * listing does not hold. Policies have no tags: they are found by ID or by name.
 */
import { unlessMissing, type ClusterPolicy } from '../../databricks/index.js';
import { listingViews, type ListingShape, type ListingView } from '../managed/listing-view.js';

const POLICY_LISTING: ListingShape<ClusterPolicy> = {
  async list(client) {
    const items = new Map<string, ClusterPolicy>();
    for (const policy of await client.clusterPolicies.list()) items.set(policy.policy_id, policy);
    return { items, pages: 1 };
  },
  get: (client, policyId) => unlessMissing(client.clusterPolicies.get(policyId)),
  nameOf: (policy) => policy.name,
};

/** Reads of one workspace's cluster policies, batched and shared between resyncs. */
export type PolicyView = ListingView<ClusterPolicy>;

/** The policy view of the workspace `client` talks to. */
export const policyView = listingViews(POLICY_LISTING);
