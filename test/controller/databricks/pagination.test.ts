import { collect, fetchAllArrayPages, paginate } from '../../../controller/databricks/pagination.js';

interface Page {
  items?: number[];
  next_page_token?: string;
}

describe('pagination', () => {
  it('follows next_page_token and stops when it is absent', async () => {
    const pages: Record<string, Page> = {
      first: { items: [1, 2], next_page_token: 'b' },
      b: { items: [3], next_page_token: 'c' },
      c: { items: [4] },
    };
    const tokens: (string | undefined)[] = [];
    const items = await collect(
      paginate<Page, number>(
        async (token) => {
          tokens.push(token);
          return pages[token ?? 'first'];
        },
        (page) => page.items,
      ),
    );
    expect(items).toEqual([1, 2, 3, 4]);
    expect(tokens).toEqual([undefined, 'b', 'c']);
  });

  it('treats an empty next_page_token as the end and a missing array as no items', async () => {
    let calls = 0;
    const items = await collect(
      paginate<Page, number>(
        async () => {
          calls++;
          return { next_page_token: '' };
        },
        (page) => page.items,
      ),
    );
    expect(items).toEqual([]);
    expect(calls).toBe(1);
  });

  it('fetches lazily: stopping early fetches no further pages', async () => {
    let calls = 0;
    const iterator = paginate<Page, number>(
      async (token) => {
        calls++;
        return { items: [Number(token ?? 0)], next_page_token: String(Number(token ?? 0) + 1) };
      },
      (page) => page.items,
    );
    for await (const item of iterator) if (item === 0) break;
    expect(calls).toBe(1);
  });

  it('stops with an error when the server repeats a page token', async () => {
    await expect(
      collect(
        paginate<Page, number>(
          async () => ({ items: [1], next_page_token: 'same' }),
          (page) => page.items,
        ),
      ),
    ).rejects.toThrow(/returned twice/);
  });

  it('merges paginated arrays of one object and keeps the other fields from the first page', async () => {
    interface Obj {
      id: number;
      tasks?: string[];
      clusters?: string[];
      has_more?: boolean;
      next_page_token?: string;
    }
    const pages: Record<string, Obj> = {
      first: { id: 7, tasks: ['a', 'b'], clusters: ['x'], has_more: true, next_page_token: 'p2' },
      p2: { id: 7, tasks: ['c'], clusters: [] },
    };
    const whole = await fetchAllArrayPages<Obj>(
      async (token) => pages[token ?? 'first'],
      (page) => ({ tasks: page.tasks, clusters: page.clusters }),
      (first, merged) => ({ ...first, ...merged }),
    );
    expect(whole).toEqual({ id: 7, tasks: ['a', 'b', 'c'], clusters: ['x'] });
  });
});
