/**
 * Listings of the folders that hold a kind's objects (workspace folders of notebooks, DBFS directories of
 * files), one {@link SharedListing} per folder: each folder is listed once after a resync, with one call
 * that shows every object in it (`workspace/list`, `dbfs/list`), and answers each object's drift check.
 * A resync then costs one read per distinct folder, not one per object.
 *
 * An object its folder's listing does not show (deleted, or written by this process since the listing
 * started) is left to the caller's read of its own (`get-status`), which tells the two apart. A folder
 * that does not exist lists as empty.
 */
import { NotFoundError } from '../../databricks/index.js';
import { SharedListing, type ListingFreshness } from '../managed/shared-listing.js';

/** Options of {@link FolderListings}. */
export interface FolderSource<T> {
  /** Lists one folder (one call); NotFoundError when it does not exist. */
  readonly list: (folder: string) => Promise<readonly T[]>;
  /** Where an item is, as `list` reports it. */
  readonly pathOf: (item: T) => string | undefined;
  /** The path as the listing's keys spell it (e.g. without `dbfs:`, repeated or trailing slashes). */
  readonly normalize: (path: string) => string;
}

/** One shared listing per folder, created as objects in new folders are asked about. */
export class FolderListings<T> {
  private readonly folders = new Map<string, SharedListing<T>>();

  constructor(
    private readonly source: FolderSource<T>,
    private readonly freshness: ListingFreshness,
  ) {}

  /**
   * The object at `path` as its folder's listing shows it; undefined when the listing does not show it
   * or cannot speak for it (written since), and the caller should read it itself.
   */
  find(path: string): Promise<T | undefined> {
    const normalized = this.source.normalize(path);
    return this.folder(normalized).find(normalized);
  }

  /** Records a write to `path`: listings of its folder that started earlier no longer speak for it. */
  wrote(path: string): void {
    const normalized = this.source.normalize(path);
    this.folder(normalized).wrote(normalized);
  }

  private folder(path: string): SharedListing<T> {
    const folder = path.slice(0, path.lastIndexOf('/')) || '/';
    let listing = this.folders.get(folder);
    if (!listing) {
      listing = new SharedListing(async () => {
        const items = new Map<string, T>();
        try {
          for (const item of await this.source.list(folder)) {
            const at = this.source.pathOf(item);
            if (at !== undefined) items.set(this.source.normalize(at), item);
          }
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
        }
        return { items, pages: 1 };
      }, this.freshness);
      this.folders.set(folder, listing);
    }
    return listing;
  }
}
