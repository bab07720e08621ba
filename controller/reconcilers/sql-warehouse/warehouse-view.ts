/**
 * Batched reads of one workspace's SQL warehouses, shared by every DatabricksSqlWarehouse reconcile in
 * it. `sql/warehouses/list` returns each warehouse whole (settings, state, health), so one listing, read
 * once after each resync, answers every warehouse at rest (RUNNING or STOPPED): a resync of N warehouses
 * costs the listing's pages, not N reads. `sql/warehouses/get` still reads a warehouse that is moving
 * (STARTING, STOPPING, DELETING), one this process changed since the listing started, and one the listing
 * does not hold (deleted ones are left out of it).
 */
import { unlessMissing, type Warehouse } from '../../databricks/index.js';
import { listingViews, type ListingShape, type ListingView } from '../managed/listing-view.js';
import { OWNER_UID_TAG } from '../managed/ownership.js';

/** States a listed warehouse can be answered from; one moving between them is read with a get. */
const AT_REST: ReadonlySet<string> = new Set(['RUNNING', 'STOPPED']);
const PAGE_SIZE = 100;

/** The warehouse's tags as a map (`tags.custom_tags` is a list of key/value pairs). */
export function warehouseTags(warehouse: Pick<Warehouse, 'tags'>): Record<string, string> {
  return Object.fromEntries((warehouse.tags?.custom_tags ?? []).map((tag) => [tag.key, tag.value ?? '']));
}

const WAREHOUSE_LISTING: ListingShape<Warehouse> = {
  async list(client) {
    const items = new Map<string, Warehouse>();
    for await (const warehouse of client.warehouses.list(PAGE_SIZE)) items.set(warehouse.id, warehouse);
    return { items, pages: Math.ceil(items.size / PAGE_SIZE) };
  },
  get: (client, warehouseId) => unlessMissing(client.warehouses.get(warehouseId)),
  nameOf: (warehouse) => warehouse.name,
  ownerOf: (warehouse) => warehouseTags(warehouse)[OWNER_UID_TAG],
  missing: (warehouse) => warehouse.state === 'DELETED' || warehouse.state === 'DELETING',
  listedCopyAnswers: (warehouse) => AT_REST.has(warehouse.state ?? ''),
};

/** Reads of one workspace's warehouses, batched and shared between resyncs. */
export type WarehouseView = ListingView<Warehouse>;

/** The warehouse view of the workspace `client` talks to. */
export const warehouseView = listingViews(WAREHOUSE_LISTING);
