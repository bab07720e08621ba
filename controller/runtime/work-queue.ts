import { Registry } from 'prom-client';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';
import { workQueueMetrics, type WorkQueueMetrics, type WorkQueueProbe } from './work-queue-metrics.js';

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** The `name` label of the `workqueue_*` metrics. */
  readonly name: string;
  /** Backoff for `addRateLimited`. @default defaultControllerRateLimiter() */
  readonly rateLimiter?: RateLimiter;
  /** Where the metrics are registered. @default a private Registry (metrics not exported) */
  readonly registry?: Registry;
}

/**
 * A queue of keys with client-go's work queue semantics:
 * - a key is queued at most once however often it is added (dirty set);
 * - a key handed out by `get` is not handed to anyone else until `done`; if it was added meanwhile it
 *   is queued again at `done`, so the latest state is always processed once more;
 * - `addAfter` and `addRateLimited` delay an add; `forget` resets the key's backoff;
 * - after `shutDown` adds are ignored, queued keys are still handed out, and `get` resolves
 *   `undefined` once the queue is empty.
 */
export class WorkQueue implements WorkQueueProbe {
  readonly name: string;
  private readonly rateLimiter: RateLimiter;
  private readonly metrics: WorkQueueMetrics;
  private readonly metered: {
    adds: { inc(): void };
    retries: { inc(): void };
    depth: { set(value: number): void };
    queueDuration: { observe(value: number): void };
    workDuration: { observe(value: number): void };
  };
  private readonly queue = new KeyFifo();
  private readonly dirty = new Set<string>();
  /** Keys being processed, with when processing started (ms). */
  private readonly processing = new Map<string, number>();
  /** When each queued key was added (ms), for queue_duration. */
  private readonly addedAt = new Map<string, number>();
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly idleWaiters: Array<() => void> = [];
  private shuttingDown = false;

  constructor(options: WorkQueueOptions) {
    this.name = options.name;
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter();
    this.metrics = workQueueMetrics(options.registry ?? new Registry());
    this.metrics.probes.add(this);
    // Label children resolved once: looking labels up on every add was most of the cost of an add.
    const labels = { name: this.name };
    this.metered = {
      adds: this.metrics.adds.labels(labels),
      retries: this.metrics.retries.labels(labels),
      depth: this.metrics.depth.labels(labels),
      queueDuration: this.metrics.queueDuration.labels(labels),
      workDuration: this.metrics.workDuration.labels(labels),
    };
  }

  /** Queues `key` unless it is already queued; a key being processed is queued again at `done`. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.metered.adds.inc();
    this.dirty.add(key);
    this.addedAt.set(key, performance.now());
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /**
   * Adds `key` after `delayMs`. A key already waiting keeps the earlier of the two times, so
   * repeated requeues don't push it ever later.
   */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const at = performance.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.delayed.set(key, { at, timer });
  }

  /** Adds `key` after the rate limiter's delay (per-key backoff combined with the overall bucket). */
  addRateLimited(key: string): void {
    this.metered.retries.inc();
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Resets the backoff of `key`: call after it was processed successfully. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  /** How often `key` was retried with `addRateLimited` since its last `forget`. */
  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** Waits for a key to process; `undefined` means the queue shut down and is empty. */
  get(): Promise<string | undefined> {
    if (this.queue.length > 0) return Promise.resolve(this.take());
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `key` as processed; if it was added while processing, it is queued again now. */
  done(key: string): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.metered.workDuration.observe((performance.now() - started) / 1000);
    if (this.dirty.has(key)) this.enqueue(key);
    if (this.processing.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Stops accepting adds, drops pending delayed adds, and wakes idle `get` callers with `undefined`. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    if (this.queue.length === 0) for (const wake of this.waiters.splice(0)) wake(undefined);
    this.metrics.probes.delete(this);
  }

  /** `shutDown`, then waits until every key handed out has been marked `done`. */
  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Whether `shutDown` was called. */
  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Number of keys queued (not counting those in progress or delayed). */
  get length(): number {
    return this.queue.length;
  }

  /** Number of keys handed out and not yet `done`. */
  get inProgress(): number {
    return this.processing.size;
  }

  unfinishedWorkSeconds(): number {
    const now = performance.now();
    let total = 0;
    for (const started of this.processing.values()) total += now - started;
    return total / 1000;
  }

  longestRunningProcessorSeconds(): number {
    const now = performance.now();
    let longest = 0;
    for (const started of this.processing.values()) longest = Math.max(longest, now - started);
    return longest / 1000;
  }

  private enqueue(key: string): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.queue.push(key);
      waiter(this.take());
      return;
    }
    this.queue.push(key);
    this.metered.depth.set(this.queue.length);
  }

  private take(): string | undefined {
    const key = this.queue.shift();
    if (key === undefined) return undefined;
    const now = performance.now();
    this.processing.set(key, now);
    this.dirty.delete(key);
    const added = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (added !== undefined) this.metered.queueDuration.observe((now - added) / 1000);
    this.metered.depth.set(this.queue.length);
    if (this.shuttingDown && this.queue.length === 0)
      for (const wake of this.waiters.splice(0)) wake(undefined);
    return key;
  }
}

/** A FIFO of keys with O(1) shift (Array#shift is O(n), which made 100,000 queued keys quadratic). */
class KeyFifo {
  private items: (string | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(key: string): void {
    this.items.push(key);
  }

  shift(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const key = this.items[this.head];
    this.items[this.head++] = undefined;
    // Drop the consumed prefix once it is most of the array, so memory stays proportional to the queue.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return key;
  }
}
