/**
 * Batched reads of one kind's objects in one workspace, for kinds whose list call returns each object
 * whole (cluster policies, instance pools, SQL warehouses): one listing, read once after each resync,
 * answers every object of the kind, so a resync of N objects costs the listing's pages, not N gets. A get
 * still reads an object this process changed since the listing started, one the listing does not hold,
 * and one whose listed copy cannot speak for it (a warehouse between states).
 *
 * A kind describes its objects once, as a {@link ListingShape}; {@link listingViews} gives the one view
 * per workspace client.
 */
import type { DatabricksClient } from '../../databricks/index.js';
import {
  SharedListing,
  defaultListingFreshness,
  type ListingFreshness,
  type ListingRead,
} from './shared-listing.js';

/** How one kind's objects are listed, read, named and marked. */
export interface ListingShape<T> {
  /** Every object of the kind, by ID, and the calls that took. */
  list(client: DatabricksClient): Promise<ListingRead<T>>;
  /** One object by ID; undefined when Databricks has no such object. */
  get(client: DatabricksClient, id: string): Promise<T | undefined>;
  /** Its name, unique in a workspace among the objects not {@link missing}. */
  nameOf(item: T): string | undefined;
  /** The owner UID its ownership marker carries; leave out for kinds without tags. */
  ownerOf?(item: T): string | undefined;
  /** Whether a copy says the object is gone or going (deleted, being deleted). @default never */
  missing?(item: T): boolean;
  /** Whether a listed copy speaks for the object; when not, it is read with a get. @default always */
  listedCopyAnswers?(item: T): boolean;
}

/**
 * The function giving the one view of `shape`'s kind per workspace client (so a new host, which gets a
 * new client, starts with a fresh listing).
 */
export function listingViews<T>(
  shape: ListingShape<T>,
): (client: DatabricksClient, freshness?: ListingFreshness) => ListingView<T> {
  const views = new WeakMap<DatabricksClient, ListingView<T>>();
  return (client, freshness) => {
    let view = views.get(client);
    if (!view) views.set(client, (view = new ListingView(client, shape, freshness)));
    return view;
  };
}

/** One workspace's objects of one kind, read through a listing shared between resyncs. */
export class ListingView<T> {
  private readonly listing: SharedListing<T>;
  /** owner UID → ID, for objects this process created (a listing may predate them). */
  private readonly createdHere = new Map<string, string>();

  constructor(
    private readonly client: DatabricksClient,
    private readonly shape: ListingShape<T>,
    freshness: ListingFreshness = defaultListingFreshness,
  ) {
    this.listing = new SharedListing(() => shape.list(client), freshness);
  }

  /** The object as Databricks has it, or undefined when it does not exist (or is going). */
  async byId(id: string): Promise<T | undefined> {
    const listed = await this.listing.find(id);
    if (listed && (this.shape.listedCopyAnswers?.(listed) ?? true)) return this.live(listed);
    const read = await this.shape.get(this.client, id);
    return read && this.live(read);
  }

  /** The object whose marker carries owner UID `uid`, if any (an attempt that died before writing status). */
  async findOwned(uid: string): Promise<T | undefined> {
    const { ownerOf } = this.shape;
    if (uid === '' || !ownerOf) return undefined;
    const created = this.createdHere.get(uid);
    if (created) return this.byId(created);
    for (const listed of (await this.listing.current()).items.values()) {
      if (ownerOf(listed) === uid && this.live(listed)) return listed;
    }
    return undefined;
  }

  /** The object named `name`, if any, from a listing that started after every write of this process. */
  async findNamed(name: string): Promise<T | undefined> {
    for (const listed of (await this.listing.afterWrites()).items.values()) {
      if (this.shape.nameOf(listed) === name && this.live(listed)) return listed;
    }
    return undefined;
  }

  /** Records that this process created object `id` for owner `uid`. */
  created(uid: string, id: string): void {
    this.createdHere.set(uid, id);
    this.wrote(id);
  }

  /** Records a change this process made to `id`: listings that started earlier no longer speak for it. */
  wrote(id: string): void {
    this.listing.wrote(id);
  }

  private live(item: T): T | undefined {
    return this.shape.missing?.(item) ? undefined : item;
  }
}
