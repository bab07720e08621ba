/**
 * One listing of a set of Databricks objects (a workspace's jobs, its clusters, one folder), shared by
 * every reconcile of a kind in that workspace: read once after each resync, and each object answered
 * from it instead of a read of its own. A resync of N objects then costs the listing's pages, not N reads.
 *
 * A listing speaks for an object only if it started after this process last wrote that object: for one
 * written since, {@link SharedListing.find} gives nothing and the caller reads the object itself, unless
 * more objects were written since the listing started than it has pages; then one new listing is cheaper
 * than a read each (a resync soon after a burst of creates or updates). Writes are counted, not timed, so
 * a write and a listing in the same millisecond are still ordered.
 */

/** When a listing is too old to answer from. */
export interface ListingFreshness {
  /** A listing older than this is read again. */
  readonly maxAgeMs: number;
  /**
   * When the kind's informer last resynced (`Date.now()`). A listing that started before it is read
   * again: each resync reads Databricks once, and reconciles between resyncs (spec changes, polls) reuse
   * what it read, so a change made in Databricks is seen at the latest one resync period later.
   */
  readonly resyncedAt?: () => number;
}

/** Without resyncs to go by, a listing is read again once it is a minute old. */
export const defaultListingFreshness: ListingFreshness = { maxAgeMs: 60_000 };

/**
 * Freshness tied to a kind's informer: a listing is read afresh once after each of its resyncs and
 * reused by the reconciles until the next, never longer than one period (a minute without resyncs).
 */
export function freshUntilResync(
  informer: { readonly lastResyncAt: number },
  resyncPeriodMs: number,
): ListingFreshness {
  return {
    maxAgeMs: resyncPeriodMs > 0 ? resyncPeriodMs : defaultListingFreshness.maxAgeMs,
    resyncedAt: () => informer.lastResyncAt,
  };
}

/** What one listing read. */
export interface ListingSnapshot<T> {
  /** When the first page was requested, by this process's clock: how old the listing is. */
  readonly startedAt: number;
  /** The listing's write count when it started: writes numbered up to this are reflected in it. */
  readonly writesBefore: number;
  /** Calls it took: what reading it again costs. */
  readonly pages: number;
  /** Every listed object, by the key callers find it with. */
  readonly items: ReadonlyMap<string, T>;
}

/** What reading the whole listing gives. */
export interface ListingRead<T> {
  readonly items: Map<string, T>;
  readonly pages: number;
}

interface InFlight<T> {
  readonly startedAt: number;
  readonly writesBefore: number;
  readonly snapshot: Promise<ListingSnapshot<T>>;
}

/** A listing read at most once per resync, and the writes this process made since. */
export class SharedListing<T> {
  private snapshot: ListingSnapshot<T> | undefined;
  private inFlight: InFlight<T> | undefined;
  private writes = 0;
  /** key → the number of this process's last write to it (1 for the first write of all). */
  private readonly lastWrite = new Map<string, number>();

  constructor(
    private readonly read: () => Promise<ListingRead<T>>,
    private readonly freshness: ListingFreshness,
  ) {}

  /**
   * The object listed under `key`, from a listing fresh enough and started after this process last wrote
   * it; undefined when that listing does not hold it, or when no listing can speak for it (the caller
   * then reads it itself, which also tells a deleted object from one written since).
   */
  async find(key: string): Promise<T | undefined> {
    const written = this.lastWrite.get(key) ?? 0;
    let snapshot = await this.current();
    if (snapshot.writesBefore < written && this.writes - snapshot.writesBefore > snapshot.pages) {
      snapshot = await this.after(written);
    }
    return snapshot.writesBefore >= written ? snapshot.items.get(key) : undefined;
  }

  /** The listing to answer from now: the last one if it is fresh, else one being read or a new one. */
  current(): Promise<ListingSnapshot<T>> {
    if (this.snapshot && this.isFresh(this.snapshot.startedAt)) return Promise.resolve(this.snapshot);
    if (this.inFlight && this.isFresh(this.inFlight.startedAt)) return this.inFlight.snapshot;
    return this.start();
  }

  /** A fresh listing that started after every write so far: what finding this process's own objects needs. */
  afterWrites(): Promise<ListingSnapshot<T>> {
    return this.after(this.writes);
  }

  /** Records a write to `key`: listings that started earlier no longer speak for it. */
  wrote(key: string): void {
    this.lastWrite.set(key, ++this.writes);
  }

  /** Calls the latest listing took, or undefined before the first. */
  get knownPages(): number | undefined {
    return this.snapshot?.pages;
  }

  /** A fresh listing that started after write number `write`: the one being read if it did, else a new one. */
  private after(write: number): Promise<ListingSnapshot<T>> {
    const snapshot = this.snapshot;
    if (snapshot && snapshot.writesBefore >= write && this.isFresh(snapshot.startedAt)) {
      return Promise.resolve(snapshot);
    }
    const inFlight = this.inFlight;
    if (inFlight && inFlight.writesBefore >= write && this.isFresh(inFlight.startedAt)) {
      return inFlight.snapshot;
    }
    return this.start();
  }

  private start(): Promise<ListingSnapshot<T>> {
    const startedAt = Date.now();
    const writesBefore = this.writes;
    const inFlight: InFlight<T> = {
      startedAt,
      writesBefore,
      snapshot: this.read()
        .then(({ items, pages }) => {
          const snapshot = { startedAt, writesBefore, pages: Math.max(1, pages), items };
          // Two listings can overlap; the one that started later is the better one to keep.
          const kept = this.snapshot;
          if (!kept || (kept.startedAt <= startedAt && kept.writesBefore <= writesBefore)) {
            this.snapshot = snapshot;
          }
          return snapshot;
        })
        .finally(() => {
          if (this.inFlight === inFlight) this.inFlight = undefined;
        }),
    };
    this.inFlight = inFlight;
    return inFlight.snapshot;
  }

  private isFresh(startedAt: number): boolean {
    const resyncedAt = this.freshness.resyncedAt?.() ?? 0;
    return startedAt >= resyncedAt && Date.now() - startedAt < this.freshness.maxAgeMs;
  }
}
