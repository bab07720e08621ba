import {
  SharedListing,
  type ListingRead,
} from '../../../../controller/reconcilers/managed/shared-listing.js';

/** A listing of `state` that counts its reads and can be held open or made to fail. */
function countingSource(state: Map<string, string>) {
  const source = {
    reads: 0,
    failNext: undefined as Error | undefined,
    gate: undefined as Promise<void> | undefined,
    async read(): Promise<ListingRead<string>> {
      source.reads++;
      const failure = source.failNext;
      source.failNext = undefined;
      const snapshot = new Map(state);
      await source.gate;
      if (failure) throw failure;
      return { items: snapshot, pages: Math.ceil(snapshot.size / 2) };
    },
  };
  return source;
}

describe('SharedListing', () => {
  let resyncedAt = 0;
  const state = new Map([
    ['a', 'a0'],
    ['b', 'b0'],
    ['c', 'c0'],
  ]);
  beforeEach(() => {
    resyncedAt = 0;
    state.set('a', 'a0').set('b', 'b0').set('c', 'c0');
  });
  const listingOf = (source: ReturnType<typeof countingSource>, maxAgeMs = 60_000) =>
    new SharedListing(() => source.read(), { maxAgeMs, resyncedAt: () => resyncedAt });

  it('answers every object from one read until the next resync, then reads once more', async () => {
    const source = countingSource(state);
    const listing = listingOf(source);
    expect(await Promise.all(['a', 'b', 'c', 'd'].map((key) => listing.find(key)))).toEqual([
      'a0',
      'b0',
      'c0',
      undefined,
    ]);
    state.set('a', 'a1');
    expect(await listing.find('a')).toBe('a0');
    expect(source.reads).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, 2));
    resyncedAt = Date.now();
    expect(await listing.find('a')).toBe('a1');
    expect(await listing.find('b')).toBe('b0');
    expect(source.reads).toBe(2);
  });

  it('reads again once the listing is older than maxAgeMs, with no resync', async () => {
    const source = countingSource(state);
    const listing = listingOf(source, 0);
    await listing.find('a');
    await listing.find('a');
    expect(source.reads).toBe(2);
  });

  it('does not speak for an object written since it started, until more were written than it has pages', async () => {
    const source = countingSource(state);
    const listing = listingOf(source);
    await listing.find('a');
    listing.wrote('a');
    state.set('a', 'a1');
    expect(await listing.find('a')).toBeUndefined();
    expect(await listing.find('b')).toBe('b0');
    expect(source.reads).toBe(1);

    // Three writes since, over two pages: one new listing is cheaper than three reads of their own.
    listing.wrote('b');
    listing.wrote('c');
    state.set('c', 'c1');
    expect(await listing.find('c')).toBe('c1');
    expect(await listing.find('a')).toBe('a1');
    expect(source.reads).toBe(2);
  });

  it('shares one read between callers that ask while it is under way, and keeps no failure', async () => {
    const source = countingSource(state);
    let open!: () => void;
    source.gate = new Promise((resolve) => (open = resolve));
    source.failNext = new Error('listing failed');
    const listing = listingOf(source);
    const waiting = Promise.allSettled([listing.find('a'), listing.find('b'), listing.current()]);
    open();
    const results = await waiting;
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(source.reads).toBe(1);

    source.gate = undefined;
    expect(await listing.find('a')).toBe('a0');
    expect(source.reads).toBe(2);
    expect(listing.knownPages).toBe(2);
  });

  it('gives a listing that started after every write when asked for one', async () => {
    const source = countingSource(state);
    const listing = listingOf(source);
    await listing.current();
    state.set('d', 'd0');
    listing.wrote('d');
    expect((await listing.afterWrites()).items.get('d')).toBe('d0');
    expect((await listing.afterWrites()).items.get('d')).toBe('d0');
    expect(source.reads).toBe(2);
  });
});
