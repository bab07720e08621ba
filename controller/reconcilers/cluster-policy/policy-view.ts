/**
 * Batched reads of one workspace's cluster policies, shared by every DatabricksClusterPolicy reconcile in
 * it. `policies/clusters/list` returns every policy whole (definition included) in one answer, so one
 * listing, read once after each resync, answers every policy: a resync of N policies costs one call.
 * `policies/clusters/get` still reads a policy this process changed since the listing started, and one the
 * listing does not hold.
 */
import { unlessMissing, type ClusterPolicy, type DatabricksClient } from '../../databricks/index.js';
import {
  SharedListing,
  defaultListingFreshness,
  type ListingFreshness,
  type ListingRead,
} from '../managed/shared-listing.js';

const views = new WeakMap<DatabricksClient, PolicyView>();

/** Reads of one workspace's policies, batched and shared between resyncs. */
export class PolicyView {
  private readonly listing: SharedListing<ClusterPolicy>;

  constructor(
    private readonly client: DatabricksClient,
    freshness: ListingFreshness = defaultListingFreshness,
  ) {
    this.listing = new SharedListing(() => this.readListing(), freshness);
  }

  /** The view of the workspace `client` talks to (one per client, so a new host gets a fresh view). */
  static of(client: DatabricksClient, freshness?: ListingFreshness): PolicyView {
    let view = views.get(client);
    if (!view) views.set(client, (view = new PolicyView(client, freshness)));
    return view;
  }

  /** The policy as Databricks has it, or undefined when it does not exist. */
  async policy(policyId: string): Promise<ClusterPolicy | undefined> {
    const listed = await this.listing.find(policyId);
    if (listed) return listed;
    return unlessMissing(this.client.clusterPolicies.get(policyId));
  }

  /** The policy named `name`, if any (names are unique), from a listing that started after every write. */
  async findNamed(name: string): Promise<ClusterPolicy | undefined> {
    for (const listed of (await this.listing.afterWrites()).items.values()) {
      if (listed.name === name) return listed;
    }
    return undefined;
  }

  /** Records a change this process made to `policyId`: listings that started earlier no longer speak for it. */
  wrote(policyId: string): void {
    this.listing.wrote(policyId);
  }

  private async readListing(): Promise<ListingRead<ClusterPolicy>> {
    const items = new Map<string, ClusterPolicy>();
    for (const policy of await this.client.clusterPolicies.list()) items.set(policy.policy_id, policy);
    return { items, pages: 1 };
  }
}
