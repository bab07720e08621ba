/**
 * Batched reads of one workspace's all-purpose clusters, shared by every DatabricksCluster reconcile in
 * it. One `clusters/list` of the clusters created in the UI or through the API (100 a page; clusters of
 * job runs are left out, however many there are) is read once after each resync and answers every
 * cluster that is at rest (RUNNING, TERMINATED or ERROR): a resync of N clusters costs N/100 reads, not N.
 *
 * `clusters/get` still reads a cluster that is moving between states (its reconcile polls it until it
 * settles), one this process changed since the listing started, and one the listing does not hold:
 * deleted, or terminated more than 30 days ago and not pinned (BEHAVIOUR.md §1.2), which only a read of
 * its own tells apart.
 */
import { unlessMissing, type ClusterDetails, type DatabricksClient } from '../../databricks/index.js';
import { OWNER_UID_TAG } from '../managed/ownership.js';
import {
  SharedListing,
  defaultListingFreshness,
  type ListingFreshness,
  type ListingRead,
} from '../managed/shared-listing.js';

/** States a cluster stays in until something happens to it: a listing's word on them holds until then. */
const AT_REST: ReadonlySet<string> = new Set(['RUNNING', 'TERMINATED', 'ERROR']);
/** `clusters/list` pages hold at most this many clusters. */
const CLUSTERS_PAGE_SIZE = 100;
/** The sources of clusters a DatabricksCluster creates or adopts (job clusters cannot be adopted). */
const ALL_PURPOSE_SOURCES = ['UI', 'API'];

const views = new WeakMap<DatabricksClient, ClusterView>();

function tagsOf(cluster: ClusterDetails): Readonly<Record<string, string>> | undefined {
  return cluster.custom_tags ?? cluster.spec?.custom_tags;
}

/** Reads of one workspace's clusters, batched and shared between resyncs. */
export class ClusterView {
  private readonly listing: SharedListing<ClusterDetails>;
  /** owner UID → cluster ID and marker tags, for clusters this process created (a listing may predate them). */
  private readonly createdHere = new Map<
    string,
    { readonly clusterId: string; readonly tags?: Readonly<Record<string, string>> }
  >();

  constructor(
    private readonly client: DatabricksClient,
    freshness: ListingFreshness = defaultListingFreshness,
  ) {
    this.listing = new SharedListing(() => this.readListing(), freshness);
  }

  /** The view of the workspace `client` talks to (one per client, so a new host gets a fresh view). */
  static of(client: DatabricksClient, freshness?: ListingFreshness): ClusterView {
    let view = views.get(client);
    if (!view) views.set(client, (view = new ClusterView(client, freshness)));
    return view;
  }

  /** The cluster as Databricks has it, or undefined when it does not exist. */
  async cluster(clusterId: string): Promise<ClusterDetails | undefined> {
    const listed = await this.listing.find(clusterId);
    if (listed && AT_REST.has(listed.state ?? '')) return listed;
    return unlessMissing(this.client.clusters.get(clusterId));
  }

  /**
   * The cluster whose marker carries owner UID `uid`, if any: how an attempt that died before writing
   * status finds the cluster it created. `clusters/list` cannot filter by tag, so this looks through the
   * shared listing.
   */
  async findOwned(uid: string): Promise<ClusterDetails | undefined> {
    if (uid === '') return undefined;
    const created = this.createdHere.get(uid);
    if (created) return this.cluster(created.clusterId);
    for (const listed of (await this.listing.current()).items.values()) {
      if (tagsOf(listed)?.[OWNER_UID_TAG] === uid) return listed;
    }
    return undefined;
  }

  /**
   * The clusters `leftBehind` picks by their marker tags (an earlier object of the same name left them):
   * from the shared listing, and, read on their own, those this process created after it started.
   */
  async findLeftBehind(
    leftBehind: (tags: Readonly<Record<string, string>> | undefined) => boolean,
  ): Promise<ClusterDetails[]> {
    const listing = await this.listing.current();
    const found = [...listing.items.values()].filter((listed) => leftBehind(tagsOf(listed)));
    for (const { clusterId, tags } of this.createdHere.values()) {
      if (listing.items.has(clusterId) || !leftBehind(tags)) continue;
      const now = await this.cluster(clusterId);
      if (now && leftBehind(tagsOf(now))) found.push(now);
    }
    return found;
  }

  /** Records that this process created cluster `clusterId` for owner `uid`, with these marker `tags`. */
  created(uid: string, clusterId: string, tags?: Readonly<Record<string, string>>): void {
    this.createdHere.set(uid, { clusterId, tags });
    this.wrote(clusterId);
  }

  /** Records a change this process made to `clusterId`: listings that started earlier no longer speak for it. */
  wrote(clusterId: string): void {
    this.listing.wrote(clusterId);
  }

  private async readListing(): Promise<ListingRead<ClusterDetails>> {
    const items = new Map<string, ClusterDetails>();
    const listed = this.client.clusters.list({
      page_size: CLUSTERS_PAGE_SIZE,
      filter_by: { cluster_sources: ALL_PURPOSE_SOURCES },
    });
    for await (const cluster of listed) items.set(cluster.cluster_id, cluster);
    return { items, pages: Math.ceil(items.size / CLUSTERS_PAGE_SIZE) };
  }
}
