import { KubeClient, objectKey } from '../../../controller/runtime/kube-client.js';
import { Informer } from '../../../controller/runtime/informer.js';
import { testKubeConfig, useTestNamespace } from '../../control-plane/test-cluster.js';
import { FaultInjectingClient } from './fault-injecting-client.js';
import { GADGETS, gadget, installGadgetCrd, type Gadget } from './gadget-crd.js';
import { waitFor } from './wait-for.js';

describe('Informer against the API server', () => {
  const namespace = useTestNamespace('informer');
  const kube = new KubeClient(testKubeConfig());
  let informer: Informer<Gadget> | undefined;

  beforeAll(() => installGadgetCrd(kube.config), 60_000);
  afterEach(async () => informer?.stop());

  /** Every gadget on the server, `name` → `spec.size`, to compare with the cache. */
  async function serverState(): Promise<Record<string, number | undefined>> {
    const { items } = await kube.list<Gadget>(GADGETS, namespace.name);
    return Object.fromEntries(items.map((item) => [objectKey(item), item.spec?.size]));
  }

  function cacheState(): Record<string, number | undefined> {
    return Object.fromEntries(informer!.store.list().map((item) => [objectKey(item), item.spec?.size]));
  }

  it('sees objects created, updated and deleted', async () => {
    await kube.createCustomObject(GADGETS, namespace.name, gadget(namespace.name, 'before', { size: 1 }));
    informer = new Informer<Gadget>(kube, { resource: GADGETS, namespaces: [namespace.name] });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (_p, c) => seen.push(`update ${c.metadata.name} ${c.spec?.size}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    informer.start();
    await informer.waitForSync(10_000);
    expect(informer.store.get(`${namespace.name}/before`)?.spec?.size).toBe(1);

    await kube.createCustomObject(GADGETS, namespace.name, gadget(namespace.name, 'after', { size: 2 }));
    await kube.patchCustomObject(GADGETS, namespace.name, 'after', { spec: { size: 3 } });
    await kube.deleteCustomObject(GADGETS, namespace.name, 'before');
    await waitFor(() => seen.length === 4, 10_000, 'four events');
    expect(seen).toEqual(['add before', 'add after', 'update after 3', 'delete before']);
    expect(informer.store.keys()).toEqual([`${namespace.name}/after`]);
  });

  it('relists after 410 Gone and misses none of the changes made while the watch was down', async () => {
    const faults = new FaultInjectingClient(kube);
    for (let i = 0; i < 5; i++) {
      await kube.createCustomObject(GADGETS, namespace.name, gadget(namespace.name, `g${i}`, { size: i }));
    }
    informer = new Informer<Gadget>(faults, {
      resource: GADGETS,
      namespaces: [namespace.name],
      initialBackoffMs: 50,
    });
    informer.start();
    await informer.waitForSync(10_000);

    await waitFor(() => faults.openWatches === 1, 10_000, 'the watch to be open');
    faults.expireNextWatch();
    expect(faults.dropWatches()).toBe(1);
    await kube.patchCustomObject(GADGETS, namespace.name, 'g0', { spec: { size: 100 } });
    await kube.deleteCustomObject(GADGETS, namespace.name, 'g1');
    await kube.createCustomObject(GADGETS, namespace.name, gadget(namespace.name, 'g9', { size: 9 }));

    const expected = await serverState();
    await waitFor(
      () => JSON.stringify(cacheState()) === JSON.stringify(expected),
      15_000,
      'cache equal to server',
    );
    await waitFor(() => informer!.stats.gone >= 1, 10_000, 'a 410 Gone');
    expect(informer.stats.lists).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('keeps up through repeated dropped connections during a stream of writes', async () => {
    const faults = new FaultInjectingClient(kube);
    informer = new Informer<Gadget>(faults, {
      resource: GADGETS,
      namespaces: [namespace.name],
      initialBackoffMs: 20,
    });
    informer.start();
    await informer.waitForSync(10_000);
    let dropped = 0;
    for (let i = 0; i < 40; i++) {
      const name = `s${i % 10}`;
      if (i < 10)
        await kube.createCustomObject(GADGETS, namespace.name, gadget(namespace.name, name, { size: i }));
      else if (i % 7 === 0)
        await kube.deleteCustomObject(GADGETS, namespace.name, name).catch(() => undefined);
      else
        await kube
          .patchCustomObject(GADGETS, namespace.name, name, { spec: { size: i } })
          .catch(() => undefined);
      if (i % 5 === 0) dropped += faults.dropWatches();
    }
    const expected = await serverState();
    await waitFor(
      () => JSON.stringify(cacheState()) === JSON.stringify(expected),
      15_000,
      'cache equal to server',
    );
    expect(dropped).toBeGreaterThanOrEqual(3);
    expect(informer.stats.failures).toBe(dropped);
    // Resumed from the last resourceVersion each time, not relisted.
    expect(informer.stats.lists).toBe(1);
  }, 30_000);

  it('lists and watches core-group objects too (ConfigMaps by label)', async () => {
    const configMaps = { group: '', version: 'v1', plural: 'configmaps' };
    const labels = { 'runtime.test/watched': 'yes' };
    await kube.core.createNamespacedConfigMap({
      namespace: namespace.name,
      body: { metadata: { name: 'watched-1', labels }, data: { a: '1' } },
    });
    await kube.core.createNamespacedConfigMap({
      namespace: namespace.name,
      body: { metadata: { name: 'ignored' }, data: { a: '1' } },
    });
    const cms = new Informer(kube, {
      resource: configMaps,
      namespaces: [namespace.name],
      labelSelector: 'runtime.test/watched=yes',
    });
    cms.start();
    try {
      await cms.waitForSync(10_000);
      expect(cms.store.keys()).toEqual([`${namespace.name}/watched-1`]);
      await kube.core.createNamespacedConfigMap({
        namespace: namespace.name,
        body: { metadata: { name: 'watched-2', labels } },
      });
      await waitFor(() => cms.store.size === 2, 10_000, 'the second ConfigMap');
    } finally {
      await cms.stop();
    }
  });

  it('watches all namespaces when none are given', async () => {
    informer = new Informer<Gadget>(kube, { resource: GADGETS });
    informer.start();
    await informer.waitForSync(10_000);
    await kube.createCustomObject(GADGETS, namespace.name, gadget(namespace.name, 'anywhere', { size: 1 }));
    await waitFor(
      () => informer!.store.get(`${namespace.name}/anywhere`) !== undefined,
      10_000,
      'the new gadget',
    );
  });
});
