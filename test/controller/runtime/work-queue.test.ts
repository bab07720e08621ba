import { Registry } from 'prom-client';
import { ItemExponentialRateLimiter } from '../../../controller/runtime/rate-limiter.js';
import { WorkQueue } from '../../../controller/runtime/work-queue.js';
import { waitFor } from './wait-for.js';

/** Resolves with the promise's value, or with 'pending' if it has not settled after the microtasks run. */
async function settledOrPending<T>(promise: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
}

describe('WorkQueue', () => {
  it('hands out a key added many times only once', async () => {
    const queue = new WorkQueue({ name: 'test' });
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    expect(queue.length).toBe(2);
    expect(await queue.get()).toBe('ns/a');
    expect(await queue.get()).toBe('ns/b');
    expect(await settledOrPending(queue.get())).toBe('pending');
    queue.shutDown();
  });

  it('never hands a key being processed to a second worker, and processes it again after done', async () => {
    const queue = new WorkQueue({ name: 'test' });
    queue.add('ns/a');
    const first = await queue.get();
    queue.add('ns/a');
    const second = queue.get();
    expect(await settledOrPending(second)).toBe('pending');
    queue.done(first!);
    expect(await second).toBe('ns/a');
    queue.done('ns/a');
    expect(queue.length).toBe(0);
    queue.shutDown();
  });

  it('runs a key re-added while processing exactly once more, however often it was re-added', async () => {
    const queue = new WorkQueue({ name: 'test' });
    queue.add('ns/a');
    await queue.get();
    queue.add('ns/a');
    queue.add('ns/a');
    queue.add('ns/a');
    queue.done('ns/a');
    expect(queue.length).toBe(1);
    expect(await queue.get()).toBe('ns/a');
    queue.done('ns/a');
    expect(queue.length).toBe(0);
  });

  it('never runs one key in two of many concurrent workers, and runs the last add of every key', async () => {
    const queue = new WorkQueue({ name: 'test' });
    const running = new Set<string>();
    const lastAdded = new Map<string, number>();
    const lastSeen = new Map<string, number>();
    let overlaps = 0;
    let version = 0;
    const worker = async (): Promise<void> => {
      for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
        if (running.has(key)) overlaps++;
        running.add(key);
        lastSeen.set(key, version);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        running.delete(key);
        queue.done(key);
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    for (let i = 0; i < 300; i++) {
      const key = `ns/k${i % 7}`;
      lastAdded.set(key, ++version);
      queue.add(key);
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await waitFor(() => queue.length === 0 && queue.inProgress === 0);
    await queue.shutDownWithDrain();
    await Promise.all(workers);
    expect(overlaps).toBe(0);
    // Every key was picked up after its last add (a worker saw a version at least that new).
    for (const [key, added] of lastAdded) expect(lastSeen.get(key)).toBeGreaterThanOrEqual(added);
  });

  it('hands keys out in the order they were added, across thousands of keys', async () => {
    const queue = new WorkQueue({ name: 'test' });
    const order: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3000; i++) queue.add(`ns/r${round}-${i}`);
      for (let i = 0; i < 2500; i++) {
        const key = (await queue.get())!;
        order.push(key);
        queue.done(key);
      }
    }
    while (queue.length > 0) order.push((await queue.get())!);
    const expected = [0, 1, 2].flatMap((round) =>
      Array.from({ length: 3000 }, (_, i) => `ns/r${round}-${i}`),
    );
    expect(order).toEqual(expected);
  });

  it('wakes a waiting worker when a key is added', async () => {
    const queue = new WorkQueue({ name: 'test' });
    const waiting = queue.get();
    queue.add('ns/a');
    expect(await waiting).toBe('ns/a');
  });

  it('adds a key after the addAfter delay, not before', async () => {
    const queue = new WorkQueue({ name: 'test' });
    const start = performance.now();
    queue.addAfter('ns/a', 50);
    expect(queue.length).toBe(0);
    expect(await queue.get()).toBe('ns/a');
    expect(performance.now() - start).toBeGreaterThanOrEqual(45);
  });

  it('keeps the earlier time when a delayed key is added again with a longer delay', async () => {
    const queue = new WorkQueue({ name: 'test' });
    const start = performance.now();
    queue.addAfter('ns/a', 30);
    queue.addAfter('ns/a', 10_000);
    expect(await queue.get()).toBe('ns/a');
    expect(performance.now() - start).toBeLessThan(5000);
    queue.shutDown();
  });

  it('backs off addRateLimited per key and starts over after forget', async () => {
    const queue = new WorkQueue({ name: 'test', rateLimiter: new ItemExponentialRateLimiter(20, 1000) });
    const start = performance.now();
    queue.addRateLimited('ns/a'); // 20 ms
    await queue.get();
    queue.done('ns/a');
    queue.addRateLimited('ns/a'); // 40 ms
    await queue.get();
    queue.done('ns/a');
    expect(performance.now() - start).toBeGreaterThanOrEqual(55);
    expect(queue.numRequeues('ns/a')).toBe(2);
    queue.forget('ns/a');
    expect(queue.numRequeues('ns/a')).toBe(0);
  });

  it('ignores adds after shutDown but still hands out what was queued, then undefined', async () => {
    const queue = new WorkQueue({ name: 'test' });
    queue.add('ns/a');
    queue.addAfter('ns/late', 5);
    queue.shutDown();
    queue.add('ns/b');
    expect(await queue.get()).toBe('ns/a');
    expect(await queue.get()).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(queue.length).toBe(0);
  });

  it('wakes idle workers with undefined on shutDown', async () => {
    const queue = new WorkQueue({ name: 'test' });
    const idle = [queue.get(), queue.get()];
    queue.shutDown();
    expect(await Promise.all(idle)).toEqual([undefined, undefined]);
  });

  it('resolves shutDownWithDrain only when every key handed out is done', async () => {
    const queue = new WorkQueue({ name: 'test' });
    queue.add('ns/a');
    await queue.get();
    let drained = false;
    const drain = queue.shutDownWithDrain().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(drained).toBe(false);
    queue.done('ns/a');
    await drain;
    expect(drained).toBe(true);
  });

  it('exports workqueue_* metrics labelled by queue name', async () => {
    const registry = new Registry();
    const queue = new WorkQueue({ name: 'jobs', registry });
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    const key = await queue.get();
    await waitFor(() => queue.longestRunningProcessorSeconds() > 0);
    queue.addRateLimited('ns/c');
    const text = await registry.metrics();
    expect(text).toContain('workqueue_adds_total{name="jobs"} 2');
    expect(text).toContain('workqueue_depth{name="jobs"} 1');
    expect(text).toContain('workqueue_retries_total{name="jobs"} 1');
    expect(text).toMatch(/workqueue_queue_duration_seconds_count\{name="jobs"\} 1/);
    expect(text).toMatch(/workqueue_longest_running_processor_seconds\{name="jobs"\} [0-9.e-]+/);
    expect(text).toMatch(/workqueue_unfinished_work_seconds\{name="jobs"\} [0-9.e-]+/);
    queue.done(key!);
    expect(await registry.metrics()).toMatch(/workqueue_work_duration_seconds_count\{name="jobs"\} 1/);
    queue.shutDown();
  });

  it('shares the metrics between queues on one registry', () => {
    const registry = new Registry();
    const jobs = new WorkQueue({ name: 'jobs', registry });
    const workspaces = new WorkQueue({ name: 'workspaces', registry });
    jobs.add('ns/a');
    workspaces.add('ns/w');
    expect(registry.getSingleMetric('workqueue_adds_total')).toBeDefined();
    jobs.shutDown();
    workspaces.shutDown();
  });
});
