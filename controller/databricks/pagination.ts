/**
 * Token pagination as Databricks does it: each page may carry `next_page_token`; the listing ends when it
 * is absent or empty (`has_more` is not trusted, as in the SDKs). A page without its array holds no items.
 */

/** Fetches one page; `pageToken` is undefined for the first. */
export type PageFetcher<Page> = (pageToken: string | undefined) => Promise<Page>;

/** Yields every item of every page, fetching pages lazily as the consumer asks for more. */
export async function* paginate<Page extends { next_page_token?: string }, Item>(
  fetchPage: PageFetcher<Page>,
  itemsOf: (page: Page) => readonly Item[] | undefined,
): AsyncGenerator<Item, void, undefined> {
  let pageToken: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(pageToken);
    yield* itemsOf(page) ?? [];
    const next = page.next_page_token;
    if (next === undefined || next === '') return;
    // A server that hands out the same token twice would loop forever; stop instead.
    if (seen.has(next))
      throw new Error(`pagination token "${next}" was returned twice; the listing is not advancing`);
    seen.add(next);
    pageToken = next;
  }
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/**
 * Fetches every page of an object whose arrays are paginated (jobs/get and runs/get in API 2.2 hand out
 * at most 100 tasks per page) and concatenates the named arrays; the other fields come from the first page.
 */
export async function fetchAllArrayPages<T extends { next_page_token?: string; has_more?: boolean }>(
  fetchPage: PageFetcher<T>,
  arrays: (page: T) => Record<string, unknown[] | undefined>,
  assemble: (first: T, merged: Record<string, unknown[]>) => T,
): Promise<T> {
  const first = await fetchPage(undefined);
  if (first.next_page_token === undefined || first.next_page_token === '') return first;
  const merged: Record<string, unknown[]> = {};
  const add = (page: T) => {
    for (const [name, items] of Object.entries(arrays(page))) {
      if (items !== undefined) (merged[name] ??= []).push(...items);
    }
  };
  add(first);
  let next: string | undefined = first.next_page_token;
  const seen = new Set<string>();
  while (next !== undefined && next !== '') {
    if (seen.has(next))
      throw new Error(`pagination token "${next}" was returned twice; the object is not advancing`);
    seen.add(next);
    const page = await fetchPage(next);
    add(page);
    next = page.next_page_token;
  }
  const whole = assemble(first, merged);
  delete whole.next_page_token;
  delete whole.has_more;
  return whole;
}
