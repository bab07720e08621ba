import { jest } from '@jest/globals';
import { Registry } from 'prom-client';
import {
  Controller,
  keysReferencing,
  type ReconcileContext,
} from '../../../controller/runtime/controller.js';
import { Informer } from '../../../controller/runtime/informer.js';
import type { KubeObject, ResourceType } from '../../../controller/runtime/kube-client.js';
import { done, requeueAfter, type Outcome } from '../../../controller/runtime/outcome.js';
import { ItemExponentialRateLimiter } from '../../../controller/runtime/rate-limiter.js';
import { ScriptedListWatchClient } from './scripted-list-watch-client.js';
import { waitFor } from './wait-for.js';

const widgets: ResourceType = { group: 'test.dev', version: 'v1', plural: 'widgets' };

interface Widget extends KubeObject {
  spec?: { owner?: string };
  status?: { phase?: string };
}

function widget(name: string, resourceVersion: string, fields: Partial<Widget> = {}, generation = 1): Widget {
  return { metadata: { namespace: 'ns', name, resourceVersion, generation }, ...fields };
}

type Reconcile = (object: Widget, context: ReconcileContext) => Promise<Outcome>;

/** A controller over a scripted informer, with every reconcile recorded as `name@resourceVersion`. */
async function startController(reconcile: Reconcile, objects: Widget[], options: { workers?: number } = {}) {
  const client = new ScriptedListWatchClient();
  client.objects = objects;
  const informer = new Informer<Widget>(client, { resource: widgets });
  const registry = new Registry();
  const calls: string[] = [];
  const controller = new Controller<Widget>({
    name: 'widgets',
    informer,
    context: {},
    registry,
    workers: options.workers ?? 2,
    rateLimiter: new ItemExponentialRateLimiter(10, 1000),
    reconcile: async (object, context) => {
      calls.push(`${object.metadata.name}@${object.metadata.resourceVersion}`);
      return reconcile(object, context);
    },
  });
  informer.start();
  await informer.waitForSync();
  controller.start();
  return { client, informer, controller, registry, calls };
}

describe('Controller', () => {
  let running: Awaited<ReturnType<typeof startController>> | undefined;
  afterEach(async () => {
    await running?.controller.stop();
    await running?.informer.stop();
    running = undefined;
  });

  it('reconciles every cached object once when it starts, with its key in the context', async () => {
    const keys: string[] = [];
    running = await startController(
      async (_o, context) => (keys.push(context.key), done),
      [widget('a', '1'), widget('b', '2')],
    );
    await waitFor(() => keys.length === 2);
    expect(keys.sort()).toEqual(['ns/a', 'ns/b']);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(running.calls).toHaveLength(2);
  });

  it('reconciles again after requeueAfter, and not before', async () => {
    const times: number[] = [];
    running = await startController(async () => {
      times.push(performance.now());
      return times.length === 1 ? requeueAfter(60) : done;
    }, [widget('a', '1')]);
    await waitFor(() => times.length === 2);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(55);
  });

  it('retries a failing reconcile with growing backoff and resets it after a success', async () => {
    const times: number[] = [];
    running = await startController(async () => {
      times.push(performance.now());
      if (times.length <= 3) throw new Error('Databricks said no');
      return done;
    }, [widget('a', '1')]);
    await waitFor(() => times.length === 4);
    // Backoff 10, 20, 40 ms: each wait is at least its backoff (a busy machine only makes it longer, so
    // comparing one wait with the next would fail on load alone; a backoff that did not grow fails here).
    const waits = [times[1] - times[0], times[2] - times[1], times[3] - times[2]];
    expect(waits[0]).toBeGreaterThanOrEqual(9);
    expect(waits[1]).toBeGreaterThanOrEqual(19);
    expect(waits[2]).toBeGreaterThanOrEqual(39);
    expect(running.controller.queue.numRequeues('ns/a')).toBe(0);
    const metrics = await running.registry.metrics();
    expect(metrics).toContain('controller_runtime_reconcile_errors_total{controller="widgets"} 3');
    expect(metrics).toContain('controller_runtime_reconcile_total{controller="widgets",result="error"} 3');
    expect(metrics).toContain('controller_runtime_reconcile_total{controller="widgets",result="success"} 1');
  });

  it('waits the delay an error carries instead of its own backoff', async () => {
    const times: number[] = [];
    running = await startController(async () => {
      times.push(performance.now());
      if (times.length === 1) throw Object.assign(new Error('429 Too Many Requests'), { retryAfterMs: 80 });
      return done;
    }, [widget('a', '1')]);
    await waitFor(() => times.length === 2);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(75);
  });

  it('does not reconcile when only status changed, but does for spec, deletion and resync', async () => {
    running = await startController(async () => done, [widget('a', '1')]);
    const { client, calls, informer } = running;
    await waitFor(() => calls.length === 1);
    client.current.onEvent('MODIFIED', widget('a', '2', { status: { phase: 'Ready' } }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls).toEqual(['a@1']);
    client.current.onEvent('MODIFIED', widget('a', '3', { spec: { owner: 'x' } }, 2));
    await waitFor(() => calls.length === 2);
    const deleting = widget('a', '4', {}, 2);
    deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    client.current.onEvent('MODIFIED', deleting);
    await waitFor(() => calls.length === 3);
    informer.resync();
    await waitFor(() => calls.length === 4);
    expect(calls).toEqual(['a@1', 'a@3', 'a@4', 'a@4']);
  });

  it('reconciles the objects that reference a related object when it changes', async () => {
    running = await startController(
      async () => done,
      [widget('j1', '1', { spec: { owner: 'w1' } }), widget('j2', '1', { spec: { owner: 'w2' } })],
    );
    const { controller, informer, calls } = running;
    informer.addIndex('owner', (object) => (object.spec?.owner ? [`ns/${object.spec.owner}`] : []));
    const owners = new ScriptedListWatchClient();
    owners.objects = [widget('w1', '1')];
    const ownerInformer = new Informer<Widget>(owners, { resource: { ...widgets, plural: 'owners' } });
    controller.watch(ownerInformer, keysReferencing(informer, 'owner'));
    ownerInformer.start();
    await waitFor(() => calls.filter((c) => c.startsWith('j1')).length === 2);
    owners.current.onEvent('MODIFIED', widget('w1', '2', { status: { phase: 'Ready' } }));
    await waitFor(() => calls.filter((c) => c.startsWith('j1')).length === 3);
    expect(calls.filter((c) => c.startsWith('j2'))).toHaveLength(1);
    await ownerInformer.stop();
  });

  it('wakes dependents only for the related changes that matter, and never on the related resync', async () => {
    running = await startController(async () => done, [widget('j1', '1', { spec: { owner: 'w1' } })]);
    const { controller, informer, calls } = running;
    informer.addIndex('owner', (object) => (object.spec?.owner ? [`ns/${object.spec.owner}`] : []));
    const owners = new ScriptedListWatchClient();
    owners.objects = [widget('w1', '1')];
    const ownerInformer = new Informer<Widget>(owners, { resource: { ...widgets, plural: 'owners' } });
    const phase = (object: Widget): unknown => object.status?.phase;
    controller.watch(ownerInformer, keysReferencing(informer, 'owner'), (a, b) => phase(a) !== phase(b));
    ownerInformer.start();
    await waitFor(() => calls.length === 2);
    owners.current.onEvent('MODIFIED', widget('w1', '2', { status: { phase: 'Pending' } }));
    await waitFor(() => calls.length === 3);
    const adds = jest.spyOn(controller.queue, 'add');
    owners.current.onEvent('MODIFIED', widget('w1', '3', { status: { phase: 'Pending' } }));
    ownerInformer.resync();
    // Handlers run synchronously: anything they would have queued is counted by now.
    expect(adds).not.toHaveBeenCalled();
    owners.current.onEvent('MODIFIED', widget('w1', '4', { status: { phase: 'Ready' } }));
    await waitFor(() => calls.length === 4);
    expect(calls).toEqual(['j1@1', 'j1@1', 'j1@1', 'j1@1']);
    await ownerInformer.stop();
  });

  it('skips a key whose object was deleted from the cache', async () => {
    running = await startController(async () => done, [widget('a', '1')]);
    await waitFor(() => running!.calls.length === 1);
    running.client.current.onEvent('DELETED', widget('a', '2'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(running.calls).toEqual(['a@1']);
  });

  it('lets the reconciles in flight finish on stop and starts no new ones', async () => {
    let finished = 0;
    running = await startController(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        finished++;
        return done;
      },
      [widget('a', '1'), widget('b', '1'), widget('c', '1')],
      { workers: 2 },
    );
    await waitFor(() => running!.calls.length === 2);
    await running.controller.stop();
    expect(finished).toBe(2);
    expect(running.calls).toHaveLength(2);
  });

  it('exports reconcile time and worker gauges', async () => {
    running = await startController(async () => done, [widget('a', '1')], { workers: 3 });
    await waitFor(() => running!.calls.length === 1);
    await waitFor(() => running!.controller.queue.inProgress === 0);
    const metrics = await running.registry.metrics();
    expect(metrics).toContain('controller_runtime_reconcile_time_seconds_count{controller="widgets"} 1');
    expect(metrics).toContain('controller_runtime_active_workers{controller="widgets"} 0');
    expect(metrics).toContain('controller_runtime_max_concurrent_reconciles{controller="widgets"} 3');
  });
});
