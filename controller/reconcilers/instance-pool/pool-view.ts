/**
 * Batched reads of one workspace's instance pools, shared by every DatabricksInstancePool reconcile in it.
 * `instance-pools/list` returns every pool whole (settings, state, stats) in one answer, so one listing,
 * read once after each resync, answers every pool: a resync of N pools costs one call, not N.
 * `instance-pools/get` still reads a pool this process changed since the listing started, and one the
 * listing does not hold (deleted, or created since).
 */
import { unlessMissing, type DatabricksClient, type InstancePoolAndStats } from '../../databricks/index.js';
import { OWNER_UID_TAG } from '../managed/ownership.js';
import {
  SharedListing,
  defaultListingFreshness,
  type ListingFreshness,
  type ListingRead,
} from '../managed/shared-listing.js';

const views = new WeakMap<DatabricksClient, PoolView>();

/** Reads of one workspace's pools, batched and shared between resyncs. */
export class PoolView {
  private readonly listing: SharedListing<InstancePoolAndStats>;
  /** owner UID → pool ID, for pools this process created (a listing may predate them). */
  private readonly createdHere = new Map<string, string>();

  constructor(
    private readonly client: DatabricksClient,
    freshness: ListingFreshness = defaultListingFreshness,
  ) {
    this.listing = new SharedListing(() => this.readListing(), freshness);
  }

  /** The view of the workspace `client` talks to (one per client, so a new host gets a fresh view). */
  static of(client: DatabricksClient, freshness?: ListingFreshness): PoolView {
    let view = views.get(client);
    if (!view) views.set(client, (view = new PoolView(client, freshness)));
    return view;
  }

  /** The pool as Databricks has it, or undefined when it does not exist (or is deleted). */
  async pool(poolId: string): Promise<InstancePoolAndStats | undefined> {
    const listed = await this.listing.find(poolId);
    if (listed) return listed.state === 'DELETED' ? undefined : listed;
    const read = await unlessMissing(this.client.instancePools.get(poolId));
    return read && read.state !== 'DELETED' ? read : undefined;
  }

  /** The pool whose marker carries owner UID `uid`, if any (an attempt that died before writing status). */
  async findOwned(uid: string): Promise<InstancePoolAndStats | undefined> {
    if (uid === '') return undefined;
    const created = this.createdHere.get(uid);
    if (created) return this.pool(created);
    for (const listed of (await this.listing.current()).items.values()) {
      if (listed.custom_tags?.[OWNER_UID_TAG] === uid && listed.state !== 'DELETED') return listed;
    }
    return undefined;
  }

  /** The pool named `name`, if any (names are unique in a workspace), from a listing after every write. */
  async findNamed(name: string): Promise<InstancePoolAndStats | undefined> {
    for (const listed of (await this.listing.afterWrites()).items.values()) {
      if (listed.instance_pool_name === name && listed.state !== 'DELETED') return listed;
    }
    return undefined;
  }

  /** Records that this process created pool `poolId` for owner `uid`. */
  created(uid: string, poolId: string): void {
    this.createdHere.set(uid, poolId);
    this.wrote(poolId);
  }

  /** Records a change this process made to `poolId`: listings that started earlier no longer speak for it. */
  wrote(poolId: string): void {
    this.listing.wrote(poolId);
  }

  private async readListing(): Promise<ListingRead<InstancePoolAndStats>> {
    const items = new Map<string, InstancePoolAndStats>();
    for (const pool of await this.client.instancePools.list()) items.set(pool.instance_pool_id, pool);
    return { items, pages: 1 };
  }
}
