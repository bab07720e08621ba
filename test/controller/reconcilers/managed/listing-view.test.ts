/**
 * The listing view every list-whole kind (policies, pools, warehouses) reads Databricks through, on a
 * stand-in kind whose "Databricks" is a map: which reads a listing answers, which need a get, and what
 * counts as gone.
 */
import type { DatabricksClient } from '../../../../controller/databricks/index.js';
import { listingViews, type ListingShape } from '../../../../controller/reconcilers/managed/listing-view.js';

interface Widget {
  id: string;
  name: string;
  owner?: string;
  state: 'READY' | 'MOVING' | 'GONE';
}

function standIn() {
  const remote = new Map<string, Widget>();
  const calls: string[] = [];
  const shape: ListingShape<Widget> = {
    async list() {
      calls.push('list');
      return { items: new Map([...remote].map(([id, widget]) => [id, { ...widget }])), pages: 1 };
    },
    async get(_client, id) {
      calls.push(`get ${id}`);
      const widget = remote.get(id);
      return widget && { ...widget };
    },
    nameOf: (widget) => widget.name,
    ownerOf: (widget) => widget.owner,
    missing: (widget) => widget.state === 'GONE',
    listedCopyAnswers: (widget) => widget.state !== 'MOVING',
  };
  const viewOf = listingViews(shape);
  // The shape never touches the client: any object stands for one workspace's.
  const client = {} as DatabricksClient;
  return { remote, calls, viewOf, client, view: viewOf(client) };
}

describe('ListingView', () => {
  it('answers every object from one listing, and reads with a get one the listing cannot speak for', async () => {
    const { remote, calls, view } = standIn();
    remote.set('1', { id: '1', name: 'a', state: 'READY' });
    remote.set('2', { id: '2', name: 'b', state: 'MOVING' });
    expect(await view.byId('1')).toMatchObject({ name: 'a' });
    expect(await view.byId('2')).toMatchObject({ name: 'b' });
    expect(await view.byId('3')).toBeUndefined();
    expect(calls).toEqual(['list', 'get 2', 'get 3']);
  });

  it('counts a gone object as missing, listed or read', async () => {
    const { remote, view } = standIn();
    remote.set('1', { id: '1', name: 'a', state: 'GONE' });
    expect(await view.byId('1')).toBeUndefined();
    expect(await view.findNamed('a')).toBeUndefined();
  });

  it('reads an object this process wrote since the listing started with a get', async () => {
    const { remote, calls, view } = standIn();
    remote.set('1', { id: '1', name: 'a', state: 'READY' });
    await view.byId('1');
    remote.set('1', { id: '1', name: 'renamed', state: 'READY' });
    view.wrote('1');
    expect(await view.byId('1')).toMatchObject({ name: 'renamed' });
    expect(calls).toEqual(['list', 'get 1']);
  });

  it('finds an object by its marker, and one it created before the listing held it', async () => {
    const { remote, view } = standIn();
    remote.set('1', { id: '1', name: 'a', owner: 'uid-a', state: 'READY' });
    expect(await view.findOwned('uid-a')).toMatchObject({ id: '1' });
    expect(await view.findOwned('')).toBeUndefined();
    remote.set('2', { id: '2', name: 'b', owner: 'uid-b', state: 'READY' });
    view.created('uid-b', '2');
    expect(await view.findOwned('uid-b')).toMatchObject({ id: '2' });
  });

  it('finds by name only in a listing that started after every write', async () => {
    const { remote, calls, view } = standIn();
    await view.byId('x');
    remote.set('1', { id: '1', name: 'a', state: 'READY' });
    view.created('uid-a', '1');
    expect(await view.findNamed('a')).toMatchObject({ id: '1' });
    expect(calls.filter((call) => call === 'list')).toHaveLength(2);
  });

  it('keeps one view per client, so another workspace starts with its own listing', async () => {
    const { viewOf, client, view } = standIn();
    expect(viewOf(client)).toBe(view);
    expect(viewOf({} as DatabricksClient)).not.toBe(view);
  });
});
