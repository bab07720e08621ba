import { objectKey, type KubeClient, type KubeObject, type ResourceType } from './kube-client.js';
import { silentLogger, type Logger } from './logger.js';
import { ObjectStore, type IndexFunction } from './object-store.js';
import { Reflector, type ListWatchClient, type WatchEventType } from './reflector.js';

/** Callbacks for changes seen by an informer. A resync calls `onUpdate(object, object)`. */
export interface InformerEventHandler<T extends KubeObject> {
  onAdd?(object: T): void;
  onUpdate?(previous: T, current: T): void;
  onDelete?(object: T): void;
}

/** Options of {@link Informer}. */
export interface InformerOptions {
  readonly resource: ResourceType;
  /** Namespaces to watch, each with its own list+watch. @default all namespaces (one cluster-wide watch) */
  readonly namespaces?: readonly string[];
  readonly labelSelector?: string;
  /**
   * Cache only each object's name, namespace, uid and resourceVersion, listed and watched as
   * PartialObjectMetadata: for Secrets and ConfigMaps, whose changes wake the objects that read them
   * while their contents stay out of the process (and out of its memory, however many and large they
   * are). @default false
   */
  readonly metadataOnly?: boolean;
  /** At most this long between two resyncs, when all cached objects are handed to `onUpdate` again (0: never). @default 0 */
  readonly resyncPeriodMs?: number;
  /**
   * Each interval between resyncs is `resyncPeriodMs` shortened by a random part of up to this fraction
   * of it (0.1: 45 to 50 s for 50 s), so informers started together drift apart instead of resyncing all
   * kinds at the same instant, while no interval exceeds the period. @default 0
   */
  readonly resyncJitter?: number;
  /** See {@link ReflectorOptions.watchTimeoutSeconds}. @default 300 */
  readonly watchTimeoutSeconds?: number;
  /** See {@link ReflectorOptions.stallGraceMs}. @default 15000 */
  readonly stallGraceMs?: number;
  /** See {@link ReflectorOptions.initialBackoffMs}. @default 200 */
  readonly initialBackoffMs?: number;
  readonly logger?: Logger;
}

/**
 * A cache of one resource type kept current by list+watch (one {@link Reflector} per namespace, or one
 * for all), with event handlers, secondary indexes and periodic resync.
 */
export class Informer<T extends KubeObject = KubeObject> {
  /** The cache. Read it; only the informer writes it. */
  readonly store = new ObjectStore<T>();
  readonly resource: ResourceType;
  private readonly handlers: InformerEventHandler<T>[] = [];
  private readonly reflectors: Reflector<T>[];
  private readonly log: Logger;
  private resyncTimer: NodeJS.Timeout | undefined;
  private resyncedAt = 0;

  constructor(
    client: ListWatchClient | KubeClient,
    private readonly options: InformerOptions,
  ) {
    this.resource = options.resource;
    this.log = (options.logger ?? silentLogger).with({
      informer: `${options.resource.plural}.${options.resource.group}`,
    });
    const scopes = options.namespaces?.length ? options.namespaces : [undefined];
    const sink = { replace: this.replace.bind(this), apply: this.apply.bind(this) };
    this.reflectors = scopes.map(
      (namespace) =>
        new Reflector<T>(client, sink, {
          resource: options.resource,
          namespace,
          labelSelector: options.labelSelector,
          metadataOnly: options.metadataOnly,
          watchTimeoutSeconds: options.watchTimeoutSeconds,
          stallGraceMs: options.stallGraceMs,
          initialBackoffMs: options.initialBackoffMs,
          logger: options.logger,
        }),
    );
  }

  /** Registers callbacks; objects already cached are delivered to `onAdd` at once. */
  addEventHandler(handler: InformerEventHandler<T>): void {
    this.handlers.push(handler);
    for (const object of this.store.list()) this.call(() => handler.onAdd?.(object));
  }

  /** Adds a secondary index to the cache (see {@link ObjectStore.addIndex}). */
  addIndex(name: string, indexFunction: IndexFunction<T>): void {
    this.store.addIndex(name, indexFunction);
  }

  /** Whether every namespace has been listed once. */
  get hasSynced(): boolean {
    return this.reflectors.every((reflector) => reflector.hasSynced);
  }

  /** Counters summed over the reflectors (lists, watches, 410s, stalls, failures). */
  get stats(): Reflector<T>['stats'] {
    const total = { lists: 0, watches: 0, gone: 0, stalls: 0, failures: 0 };
    for (const { stats } of this.reflectors)
      for (const name of Object.keys(total) as (keyof typeof total)[]) total[name] += stats[name];
    return total;
  }

  /**
   * When the latest resync handed the cache out (`Date.now()`), 0 before the first. What a reconcile
   * reads from Databricks through a view shared by all objects of a kind is read afresh once after it.
   */
  get lastResyncAt(): number {
    return this.resyncedAt;
  }

  /** Starts listing and watching, and the resync timer. */
  start(): void {
    for (const reflector of this.reflectors) reflector.start();
    if ((this.options.resyncPeriodMs ?? 0) > 0 && !this.resyncTimer) this.scheduleResync();
  }

  /** Stops watching. The cache keeps its contents. */
  async stop(): Promise<void> {
    clearTimeout(this.resyncTimer);
    this.resyncTimer = undefined;
    await Promise.all(this.reflectors.map((reflector) => reflector.stop()));
  }

  /** Resolves when synced; rejects after `timeoutMs`. */
  async waitForSync(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.hasSynced) {
      if (Date.now() > deadline) {
        const { plural, group } = this.resource;
        throw new Error(
          `informer for ${plural}.${group} did not sync within ${timeoutMs} ms: is the CRD installed?`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Hands every cached object to `onUpdate` again, so controllers revisit them (drift detection). */
  resync(): void {
    this.resyncedAt = Date.now();
    for (const object of this.store.list()) this.emitUpdate(object, object);
  }

  private scheduleResync(): void {
    const period = this.options.resyncPeriodMs ?? 0;
    const jitter = Math.min(Math.max(this.options.resyncJitter ?? 0, 0), 1);
    this.resyncTimer = setTimeout(
      () => {
        this.resync();
        if (this.resyncTimer) this.scheduleResync();
      },
      period * (1 - jitter * Math.random()),
    );
    this.resyncTimer.unref();
  }

  private replace(namespace: string | undefined, objects: T[]): void {
    const seen = new Set<string>();
    for (const object of objects) {
      seen.add(objectKey(object));
      this.apply('MODIFIED', object);
    }
    for (const key of this.store.keys()) {
      const inScope = namespace === undefined || key.startsWith(`${namespace}/`);
      if (inScope && !seen.has(key)) this.emitDelete(this.store.delete(key)!);
    }
  }

  private apply(type: WatchEventType, received: T): void {
    const object = this.options.metadataOnly ? identityOf(received) : received;
    // managedFields is often the largest part of an object and no reconciler reads it; like
    // controller-runtime's DefaultTransform, drop it before caching (a third less memory per object).
    delete object.metadata.managedFields;
    if (type === 'DELETED') {
      const cached = this.store.delete(objectKey(object));
      this.emitDelete(cached ?? object);
      return;
    }
    const previous = this.store.upsert(object);
    if (!previous) return this.emitAdd(object);
    // A relist brings every object again; those unchanged are not news.
    if (previous.metadata.resourceVersion !== object.metadata.resourceVersion)
      this.emitUpdate(previous, object);
  }

  private emitAdd(object: T): void {
    for (const handler of this.handlers) this.call(() => handler.onAdd?.(object));
  }

  private emitUpdate(previous: T, current: T): void {
    for (const handler of this.handlers) this.call(() => handler.onUpdate?.(previous, current));
  }

  private emitDelete(object: T): void {
    for (const handler of this.handlers) this.call(() => handler.onDelete?.(object));
  }

  private call(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.log.error('informer event handler threw', { error });
    }
  }
}

/**
 * What a metadata-only informer keeps of an object: its name, namespace, uid and resourceVersion.
 * Whatever else the server sent (labels, annotations, or all of a Secret if it ignored the Accept
 * header) is dropped before it reaches the cache.
 */
function identityOf<T extends KubeObject>(object: T): T {
  const { name, namespace, uid, resourceVersion } = object.metadata;
  // I/O boundary: a metadata-only informer's T is the metadata (KubeObject); this is all of it it keeps.
  return { metadata: { name, namespace, uid, resourceVersion } } as T;
}
