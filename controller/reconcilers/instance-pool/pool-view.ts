/**
 * Batched reads of one workspace's instance pools, shared by every DatabricksInstancePool reconcile in it.
 * `instance-pools/list` returns every pool whole (settings, state, stats) in one answer, so one listing,
 * read once after each resync, answers every pool: a resync of N pools costs one call, not N.
 * `instance-pools/get` still reads a pool this process changed since the listing started, and one the
 * listing does not hold (deleted, or created since).
 */
import { unlessMissing, type InstancePoolAndStats } from '../../databricks/index.js';
import { listingViews, type ListingShape, type ListingView } from '../managed/listing-view.js';
import { OWNER_UID_TAG } from '../managed/ownership.js';

const POOL_LISTING: ListingShape<InstancePoolAndStats> = {
  async list(client) {
    const items = new Map<string, InstancePoolAndStats>();
    for (const pool of await client.instancePools.list()) items.set(pool.instance_pool_id, pool);
    return { items, pages: 1 };
  },
  get: (client, poolId) => unlessMissing(client.instancePools.get(poolId)),
  nameOf: (pool) => pool.instance_pool_name,
  ownerOf: (pool) => pool.custom_tags?.[OWNER_UID_TAG],
  missing: (pool) => pool.state === 'DELETED',
};

/** Reads of one workspace's pools, batched and shared between resyncs. */
export type PoolView = ListingView<InstancePoolAndStats>;

/** The pool view of the workspace `client` talks to. */
export const poolView = listingViews(POOL_LISTING);
