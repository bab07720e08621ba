import { setCondition } from '../../../controller/runtime/conditions.js';
import { withFinalizer, DATABRICKS_FINALIZER } from '../../../controller/runtime/finalizer.js';
import { KubeClient } from '../../../controller/runtime/kube-client.js';
import { Manager } from '../../../controller/runtime/manager.js';
import { done, requeueAfter } from '../../../controller/runtime/outcome.js';
import { silentLogger } from '../../../controller/runtime/logger.js';
import { StatusWriter } from '../../../controller/runtime/status.js';
import { testKubeConfig, useTestNamespace } from '../../control-plane/test-cluster.js';
import { GADGETS, gadget, installGadgetCrd, type Gadget } from './gadget-crd.js';
import { waitFor } from './wait-for.js';

describe('Manager with a controller against the API server', () => {
  const namespace = useTestNamespace('manager');
  const kube = new KubeClient(testKubeConfig());
  let manager: Manager | undefined;

  beforeAll(() => installGadgetCrd(kube.config), 60_000);
  afterEach(async () => {
    await manager?.stop();
    manager = undefined;
  });

  async function get(name: string): Promise<Gadget | undefined> {
    return kube.getCustomObject<Gadget>(GADGETS, namespace.name, name);
  }

  it('serves /healthz, /readyz once the informers synced, and /metrics with the controller metrics', async () => {
    manager = new Manager({ kube, metricsAddress: '127.0.0.1:0', logger: silentLogger });
    const informer = manager.informer<Gadget>({ resource: GADGETS, namespaces: [namespace.name] });
    manager.controller({ name: 'gadgets', informer, context: {}, reconcile: async () => done });
    await kube.createCustomObject(GADGETS, namespace.name, gadget(namespace.name, 'one', { size: 1 }));
    await manager.start();
    const base = `http://127.0.0.1:${manager.address.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await informer.waitForSync(10_000);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const registry = manager.registry;
    let metrics = '';
    const deadline = Date.now() + 10_000;
    while (!metrics.includes('controller_runtime_reconcile_total{controller="gadgets",result="success"} 1')) {
      if (Date.now() > deadline) throw new Error(`no successful reconcile in /metrics:\n${metrics}`);
      metrics = await (await fetch(`${base}/metrics`)).text();
    }
    expect(metrics).toContain('workqueue_adds_total{name="gadgets"} 1');
    expect(metrics).toContain('process_resident_memory_bytes');
    expect(registry.getSingleMetric('controller_runtime_reconcile_time_seconds')).toBeDefined();
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('writes status only when it changed, and its own status writes do not wake the controller', async () => {
    manager = new Manager({ kube, metricsAddress: '127.0.0.1:0', logger: silentLogger });
    const informer = manager.informer<Gadget>({ resource: GADGETS, namespaces: [namespace.name] });
    const status = new StatusWriter(kube, GADGETS);
    let reconciles = 0;
    manager.controller<Gadget, { status: StatusWriter }>({
      name: 'gadgets',
      informer,
      context: { status },
      reconcile: async (object, context) => {
        reconciles++;
        const generation = object.metadata.generation;
        await context.status.update(object, {
          phase: `size-${object.spec?.size}`,
          observedGeneration: generation,
          conditions: setCondition(object.status?.conditions, {
            type: 'Ready',
            status: 'True',
            reason: 'Reconciled',
            message: 'gadget matches its spec',
            observedGeneration: generation,
          }),
        });
        return done;
      },
    });
    await manager.start();
    await kube.createCustomObject(GADGETS, namespace.name, gadget(namespace.name, 'g', { size: 1 }));
    await waitFor(() => status.writes === 1, 10_000, 'the first status write');
    await waitFor(
      () => informer.store.get(`${namespace.name}/g`)?.status?.phase === 'size-1',
      10_000,
      'cache',
    );
    const firstReady = (await get('g'))?.status?.conditions?.[0];
    expect(firstReady).toMatchObject({ type: 'Ready', status: 'True', observedGeneration: 1 });

    // Resyncs reconcile again but find nothing to write.
    for (let i = 2; i <= 4; i++) {
      informer.resync();
      await waitFor(() => reconciles === i, 10_000, `resync reconcile ${i}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(status.writes).toBe(1);
    expect(reconciles).toBe(4);

    // A spec change is one more reconcile and one more write; Ready stays True since the first write.
    await kube.patchCustomObject(GADGETS, namespace.name, 'g', { spec: { size: 2 } });
    await waitFor(() => status.writes === 2, 10_000, 'the second status write');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reconciles).toBe(5);
    const after = await get('g');
    expect(after?.status?.phase).toBe('size-2');
    expect(after?.status?.conditions?.[0].lastTransitionTime).toBe(firstReady?.lastTransitionTime);
    expect(after?.status?.conditions?.[0].observedGeneration).toBe(2);
  }, 30_000);

  it('adds the finalizer before apply, keeps the object until cleanup is done, and leaves other finalizers alone', async () => {
    manager = new Manager({ kube, metricsAddress: '127.0.0.1:0', logger: silentLogger });
    const informer = manager.informer<Gadget>({ resource: GADGETS, namespaces: [namespace.name] });
    const finalizersAtApply: string[][] = [];
    let cleanups = 0;
    manager.controller<Gadget, object>({
      name: 'gadgets',
      informer,
      context: {},
      reconcile: (object) =>
        withFinalizer(kube, GADGETS, object, {
          apply: async (current) => {
            finalizersAtApply.push(current.metadata.finalizers ?? []);
            return done;
          },
          // "Databricks" confirms the deletion on the third look.
          cleanup: async () => (++cleanups < 3 ? requeueAfter(50) : done),
        }),
    });
    const body = gadget(namespace.name, 'f', { size: 1 });
    body.metadata.finalizers = ['example.dev/keep'];
    await kube.createCustomObject(GADGETS, namespace.name, body);
    await manager.start();
    await waitFor(() => finalizersAtApply.length >= 1, 10_000, 'apply');
    expect(finalizersAtApply[0]).toEqual(['example.dev/keep', DATABRICKS_FINALIZER]);
    expect((await get('f'))?.metadata.finalizers).toEqual(['example.dev/keep', DATABRICKS_FINALIZER]);

    await kube.deleteCustomObject(GADGETS, namespace.name, 'f');
    await waitFor(() => cleanups >= 3, 10_000, 'three cleanup attempts');
    await waitFor(
      () => informer.store.get(`${namespace.name}/f`)?.metadata.finalizers?.length === 1,
      10_000,
      'our finalizer removed',
    );
    const remaining = await get('f');
    expect(remaining?.metadata.finalizers).toEqual(['example.dev/keep']);
    expect(remaining?.metadata.deletionTimestamp).toBeDefined();
    expect(cleanups).toBe(3);

    await kube.patchCustomObject(GADGETS, namespace.name, 'f', { metadata: { finalizers: null } });
    await waitFor(() => informer.store.get(`${namespace.name}/f`) === undefined, 10_000, 'the object gone');
  }, 30_000);

  it('stops gracefully: the reconcile in flight finishes before stop resolves', async () => {
    manager = new Manager({ kube, metricsAddress: '127.0.0.1:0', logger: silentLogger });
    const informer = manager.informer<Gadget>({ resource: GADGETS, namespaces: [namespace.name] });
    let started = 0;
    let finished = 0;
    manager.controller({
      name: 'gadgets',
      informer,
      context: {},
      workers: 1,
      reconcile: async () => {
        started++;
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished++;
        return done;
      },
    });
    await kube.createCustomObject(GADGETS, namespace.name, gadget(namespace.name, 'slow', { size: 1 }));
    await kube.createCustomObject(GADGETS, namespace.name, gadget(namespace.name, 'queued', { size: 1 }));
    await manager.start();
    await waitFor(() => started === 1, 10_000, 'the first reconcile');
    const stopping = manager.stop();
    await stopping;
    expect(finished).toBe(1);
    expect(started).toBe(1);
    expect(await manager.done).toBe('stopped');
  }, 30_000);
});
