/**
 * Batched reads of one workspace's SQL warehouses, shared by every DatabricksSqlWarehouse reconcile in
 * it. `sql/warehouses/list` returns each warehouse whole (settings, state, health), so one listing, read
 * once after each resync, answers every warehouse at rest (RUNNING or STOPPED): a resync of N warehouses
 * costs the listing's pages, not N reads. `sql/warehouses/get` still reads a warehouse that is moving
 * (STARTING, STOPPING, DELETING), one this process changed since the listing started, and one the listing
 * does not hold (deleted ones are left out of it).
 */
import { unlessMissing, type DatabricksClient, type Warehouse } from '../../databricks/index.js';
import { OWNER_UID_TAG } from '../managed/ownership.js';
import {
  SharedListing,
  defaultListingFreshness,
  type ListingFreshness,
  type ListingRead,
} from '../managed/shared-listing.js';

/** States a warehouse stays in until something happens to it (auto-stop aside, which a resync sees). */
const AT_REST: ReadonlySet<string> = new Set(['RUNNING', 'STOPPED']);
/** Warehouses a listing page is counted as holding, to weigh a new listing against reads of its own. */
const PAGE_SIZE = 100;

const views = new WeakMap<DatabricksClient, WarehouseView>();

/** The warehouse's tags as a map (`tags.custom_tags` is a list of key/value pairs). */
export function warehouseTags(warehouse: Pick<Warehouse, 'tags'>): Record<string, string> {
  return Object.fromEntries((warehouse.tags?.custom_tags ?? []).map((tag) => [tag.key, tag.value ?? '']));
}

/** Reads of one workspace's warehouses, batched and shared between resyncs. */
export class WarehouseView {
  private readonly listing: SharedListing<Warehouse>;
  /** owner UID → warehouse ID, for warehouses this process created (a listing may predate them). */
  private readonly createdHere = new Map<string, string>();

  constructor(
    private readonly client: DatabricksClient,
    freshness: ListingFreshness = defaultListingFreshness,
  ) {
    this.listing = new SharedListing(() => this.readListing(), freshness);
  }

  /** The view of the workspace `client` talks to. */
  static of(client: DatabricksClient, freshness?: ListingFreshness): WarehouseView {
    let view = views.get(client);
    if (!view) views.set(client, (view = new WarehouseView(client, freshness)));
    return view;
  }

  /** The warehouse as Databricks has it, or undefined when it does not exist (or is deleted). */
  async warehouse(warehouseId: string): Promise<Warehouse | undefined> {
    const listed = await this.listing.find(warehouseId);
    if (listed && AT_REST.has(listed.state ?? '')) return listed;
    const read = await unlessMissing(this.client.warehouses.get(warehouseId));
    return read && read.state !== 'DELETED' && read.state !== 'DELETING' ? read : undefined;
  }

  /** The warehouse whose marker carries owner UID `uid`, if any (an attempt that died before writing status). */
  async findOwned(uid: string): Promise<Warehouse | undefined> {
    if (uid === '') return undefined;
    const created = this.createdHere.get(uid);
    if (created) return this.warehouse(created);
    for (const listed of (await this.listing.current()).items.values()) {
      if (warehouseTags(listed)[OWNER_UID_TAG] === uid) return listed;
    }
    return undefined;
  }

  /** The listed warehouse named `name`, if any (names are unique in a workspace). */
  async findNamed(name: string): Promise<Warehouse | undefined> {
    for (const listed of (await this.listing.afterWrites()).items.values()) {
      if (listed.name === name) return listed;
    }
    return undefined;
  }

  /** Records that this process created warehouse `warehouseId` for owner `uid`. */
  created(uid: string, warehouseId: string): void {
    this.createdHere.set(uid, warehouseId);
    this.wrote(warehouseId);
  }

  /** Records a change this process made to `warehouseId`: listings that started earlier no longer speak for it. */
  wrote(warehouseId: string): void {
    this.listing.wrote(warehouseId);
  }

  private async readListing(): Promise<ListingRead<Warehouse>> {
    const items = new Map<string, Warehouse>();
    for await (const warehouse of this.client.warehouses.list(PAGE_SIZE)) items.set(warehouse.id, warehouse);
    return { items, pages: Math.ceil(items.size / PAGE_SIZE) };
  }
}
