import { objectKey, type KubeObject } from './kube-client.js';

/** Maps an object to the values it is indexed under (e.g. the keys of the objects it references). */
export type IndexFunction<T extends KubeObject> = (object: T) => readonly string[];

/**
 * The informer's local cache: objects keyed `namespace/name`, plus secondary indexes so a change to
 * one object can be mapped to the objects that refer to it without scanning the whole cache.
 */
export class ObjectStore<T extends KubeObject> {
  private readonly objects = new Map<string, T>();
  private readonly indexFunctions = new Map<string, IndexFunction<T>>();
  /** index name → indexed value → keys of the objects that have that value. */
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  /**
   * Adds an index; existing objects are indexed at once. Asking again for the same function under the
   * same name changes nothing (two controllers that both look objects up by it may each ask for it); a
   * different function under a name in use is refused.
   */
  addIndex(name: string, indexFunction: IndexFunction<T>): void {
    const existing = this.indexFunctions.get(name);
    if (existing === indexFunction) return;
    if (existing) throw new Error(`the store already has an index named "${name}"`);
    this.indexFunctions.set(name, indexFunction);
    this.indexes.set(name, new Map());
    for (const [key, object] of this.objects) this.indexObject(name, key, object);
  }

  /** The cached object with this key. */
  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  /** Every cached key. */
  keys(): string[] {
    return [...this.objects.keys()];
  }

  /** Every cached object. */
  list(): T[] {
    return [...this.objects.values()];
  }

  get size(): number {
    return this.objects.size;
  }

  /** Keys of the objects whose index `name` contains `value`. */
  keysByIndex(name: string, value: string): string[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`the store has no index named "${name}": add it with addIndex first`);
    return [...(index.get(value) ?? [])];
  }

  /** Stores `object`, replacing any object with the same key; returns the one it replaced. */
  upsert(object: T): T | undefined {
    const key = objectKey(object);
    const previous = this.objects.get(key);
    if (previous) this.unindex(key, previous);
    this.objects.set(key, object);
    for (const name of this.indexFunctions.keys()) this.indexObject(name, key, object);
    return previous;
  }

  /** Removes the object with this key; returns it if it was cached. */
  delete(key: string): T | undefined {
    const previous = this.objects.get(key);
    if (!previous) return undefined;
    this.unindex(key, previous);
    this.objects.delete(key);
    return previous;
  }

  private indexObject(name: string, key: string, object: T): void {
    const index = this.indexes.get(name)!;
    for (const value of this.indexFunctions.get(name)!(object)) {
      let keys = index.get(value);
      if (!keys) index.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string, object: T): void {
    for (const [name, indexFunction] of this.indexFunctions) {
      const index = this.indexes.get(name)!;
      for (const value of indexFunction(object)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
