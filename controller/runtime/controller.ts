import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { controllerMetrics, type ControllerMetrics } from './controller-metrics.js';
import type { Informer } from './informer.js';
import { objectKey, type KubeObject } from './kube-client.js';
import { silentLogger, type Logger } from './logger.js';
import { hasRetryAfter, type Outcome } from './outcome.js';
import type { RateLimiter } from './rate-limiter.js';
import { WorkQueue } from './work-queue.js';

/** What every reconcile gets besides the object: its key, an ID for this attempt, and a logger with both. */
export interface ReconcileContext {
  readonly key: string;
  readonly reconcileID: string;
  readonly log: Logger;
}

/**
 * A reconciler: makes the world match one object, one step at a time, level-triggered (it looks at
 * the whole object, never at which event woke it). `C` is whatever the caller shares with every
 * reconcile (clients, recorders). Throw to retry with backoff.
 */
export type Reconciler<T extends KubeObject, C = object> = (
  object: T,
  context: C & ReconcileContext,
) => Promise<Outcome>;

/** Options of {@link Controller}. */
export interface ControllerOptions<T extends KubeObject, C> {
  /** The `controller` label of metrics and logs, and the work queue's name. */
  readonly name: string;
  /** The informer of the kind this controller reconciles. */
  readonly informer: Informer<T>;
  readonly reconcile: Reconciler<T, C>;
  /** Shared with every reconcile (merged into its context). */
  readonly context: C;
  /** Reconciles that may run at once (never two for one key). @default 4 */
  readonly workers?: number;
  /** @default defaultControllerRateLimiter() */
  readonly rateLimiter?: RateLimiter;
  /** Where metrics go (the manager passes its own). @default a private Registry */
  readonly registry?: Registry;
  readonly logger?: Logger;
  /**
   * Whether an update that changed only `status` (or finalizers) starts a reconcile. Off by default,
   * so the controller's own status writes don't wake it (controller-runtime's GenerationChangedPredicate,
   * but labels, annotations and deletion still count).
   */
  readonly reconcileOnStatusChange?: boolean;
}

/** Maps a change of a related object to the keys of the objects to reconcile because of it. */
export type KeyMapper<R extends KubeObject> = (object: R) => readonly string[];

/**
 * Ties an informer to a work queue and N workers that call the reconciler: a key at a time per worker,
 * never one key in two workers, `requeueAfter` and errors turned into delayed or backed-off requeues,
 * and controller-runtime's `controller_runtime_*` metrics.
 */
export class Controller<T extends KubeObject, C = object> {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly metrics: ControllerMetrics;
  private readonly log: Logger;
  private readonly workerCount: number;
  private workers: Promise<void>[] = [];
  private stopping = false;

  constructor(private readonly options: ControllerOptions<T, C>) {
    this.name = options.name;
    const registry = options.registry ?? new Registry();
    this.queue = new WorkQueue({ name: options.name, rateLimiter: options.rateLimiter, registry });
    this.metrics = controllerMetrics(registry);
    this.log = (options.logger ?? silentLogger).with({ controller: options.name });
    this.workerCount = options.workers ?? 4;
    options.informer.addEventHandler({
      onAdd: (object) => this.queue.add(objectKey(object)),
      onUpdate: (previous, current) => {
        if (
          previous === current ||
          options.reconcileOnStatusChange ||
          specOrMetadataChanged(previous, current)
        ) {
          this.queue.add(objectKey(current));
        }
      },
      onDelete: (object) => this.queue.add(objectKey(object)),
    });
  }

  /**
   * Also reconciles when a related object changes: `mapToKeys` says which objects of this controller's
   * kind care (see {@link keysReferencing}). By default every change counts, including status (e.g. a
   * job that became Ready wakes the jobs that reference it); `changed` narrows that to the changes that
   * matter to the dependents. Resyncs of the related informer never wake dependents: they resync
   * themselves.
   */
  watch<R extends KubeObject>(
    informer: Informer<R>,
    mapToKeys: KeyMapper<R>,
    changed: (previous: R, current: R) => boolean = () => true,
  ): this {
    const enqueue = (object: R): void => {
      for (const key of mapToKeys(object)) this.queue.add(key);
    };
    informer.addEventHandler({
      onAdd: enqueue,
      onUpdate: (previous, current) => {
        if (previous !== current && changed(previous, current)) enqueue(current);
      },
      onDelete: enqueue,
    });
    return this;
  }

  /** Queues `key` for a reconcile. */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Starts the workers. Keys queued before start (the informer's initial adds) are processed first. */
  start(): void {
    if (this.workers.length > 0) return;
    this.metrics.maxConcurrentReconciles.set({ controller: this.name }, this.workerCount);
    this.metrics.activeWorkers.set({ controller: this.name }, 0);
    this.workers = Array.from({ length: this.workerCount }, () => this.work());
    this.log.info('controller started', { workers: this.workerCount });
  }

  /** Stops taking new keys and resolves when the reconciles in flight have finished. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.queue.shutDown();
    await Promise.all(this.workers);
    this.log.info('controller stopped');
  }

  private async work(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      if (this.stopping) {
        this.queue.done(key);
        return;
      }
      try {
        await this.reconcileKey(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async reconcileKey(key: string): Promise<void> {
    const object = this.options.informer.store.get(key);
    if (!object) {
      // Deleted and gone (no finalizer of ours held it): nothing to reconcile.
      this.queue.forget(key);
      return;
    }
    const reconcileID = randomUUID();
    const log = this.log.with({ key, reconcileID });
    const labels = { controller: this.name };
    const endTimer = this.metrics.reconcileTime.startTimer(labels);
    this.metrics.activeWorkers.inc(labels);
    try {
      // A copy, as controller-runtime's cache hands out: a reconciler that edits its object must not edit the cache.
      const outcome = await this.options.reconcile(structuredClone(object), {
        ...this.options.context,
        key,
        reconcileID,
        log,
      });
      this.queue.forget(key);
      const requeueAfterMs = outcome.requeueAfterMs ?? 0;
      if (requeueAfterMs > 0) this.queue.addAfter(key, requeueAfterMs);
      this.metrics.reconcileTotal.inc({
        ...labels,
        result: requeueAfterMs > 0 ? 'requeue_after' : 'success',
      });
      log.debug('reconciled', requeueAfterMs > 0 ? { requeueAfterMs } : undefined);
    } catch (error) {
      this.metrics.reconcileTotal.inc({ ...labels, result: 'error' });
      this.metrics.reconcileErrors.inc(labels);
      if (hasRetryAfter(error)) {
        this.queue.addAfter(key, error.retryAfterMs);
        log.warn('reconcile failed: retrying when the error says', {
          error,
          retryAfterMs: error.retryAfterMs,
        });
      } else {
        this.queue.addRateLimited(key);
        log.error('reconcile failed: retrying with backoff', { error, retries: this.queue.numRequeues(key) });
      }
    } finally {
      endTimer();
      this.metrics.activeWorkers.dec(labels);
    }
  }
}

/** Whether an update is more than a status (or finalizer-only) change: spec, labels, annotations or deletion. */
function specOrMetadataChanged(previous: KubeObject, current: KubeObject): boolean {
  const before = previous.metadata;
  const after = current.metadata;
  return (
    before.generation !== after.generation ||
    before.deletionTimestamp !== after.deletionTimestamp ||
    JSON.stringify(before.labels ?? {}) !== JSON.stringify(after.labels ?? {}) ||
    JSON.stringify(before.annotations ?? {}) !== JSON.stringify(after.annotations ?? {})
  );
}

/**
 * A {@link KeyMapper} through an index of `dependents`: a change to a related object wakes the dependents
 * whose index `indexName` lists that object's key. Example: index jobs by the key of their workspace,
 * then `jobs.watch(workspaces, keysReferencing(jobInformer, 'workspace'))`.
 */
export function keysReferencing<D extends KubeObject, R extends KubeObject>(
  dependents: Informer<D>,
  indexName: string,
): KeyMapper<R> {
  return (related) => dependents.store.keysByIndex(indexName, objectKey(related));
}
