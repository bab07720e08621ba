import {
  KubeClient,
  type KubeObject,
  type ListOptions,
  type ObjectList,
  type ResourceType,
  type WatchOptions,
} from '../../../controller/runtime/kube-client.js';
import { Informer } from '../../../controller/runtime/informer.js';
import type { ListWatchClient } from '../../../controller/runtime/reflector.js';
import { testKubeConfig, useTestNamespace } from '../../control-plane/test-cluster.js';
import { waitFor } from './wait-for.js';

const SECRETS: ResourceType = { group: '', version: 'v1', plural: 'secrets' };
const CONFIG_MAPS: ResourceType = { group: '', version: 'v1', plural: 'configmaps' };
const VALUE = 'hunter2-do-not-cache';

/** The real client, keeping what the API server sent (list items and watch objects) for the test to read. */
class RecordingClient implements ListWatchClient {
  readonly received: unknown[] = [];

  constructor(private readonly kube: KubeClient) {}

  async list<T extends KubeObject>(
    resource: ResourceType,
    namespace: string | undefined,
    options?: ListOptions,
  ): Promise<ObjectList<T>> {
    const page = await this.kube.list<T>(resource, namespace, options);
    this.received.push(...page.items.map((item) => structuredClone(item)));
    return page;
  }

  watch(
    resource: ResourceType,
    namespace: string | undefined,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: string, object: unknown) => void,
    onDone: (error: unknown) => void,
    options?: WatchOptions,
  ): Promise<AbortController> {
    const record = (type: string, object: unknown): void => {
      if (type !== 'BOOKMARK') this.received.push(structuredClone(object));
      onEvent(type, object);
    };
    return this.kube.watch(resource, namespace, query, record, onDone, options);
  }
}

describe('A metadata-only informer against the API server', () => {
  const namespace = useTestNamespace('metadata-informer');
  const kube = new KubeClient(testKubeConfig());
  let informer: Informer | undefined;

  afterEach(async () => informer?.stop());

  it('caches Secrets without their data, and sees a changed value as a new resourceVersion', async () => {
    await kube.core.createNamespacedSecret({
      namespace: namespace.name,
      body: {
        metadata: { name: 'listed', labels: { team: 'etl' }, annotations: { note: 'big' } },
        stringData: { password: VALUE },
      },
    });
    const client = new RecordingClient(kube);
    informer = new Informer(client, { resource: SECRETS, namespaces: [namespace.name], metadataOnly: true });
    const updates: string[] = [];
    informer.addEventHandler({
      onUpdate: (previous, current) =>
        updates.push(`${current.metadata.name} ${previous.metadata.resourceVersion}`),
    });
    informer.start();
    await informer.waitForSync(10_000);
    const listed = informer.store.get(`${namespace.name}/listed`);
    expect(Object.keys(listed ?? {})).toEqual(['metadata']);
    expect(Object.keys(listed!.metadata).sort()).toEqual(['name', 'namespace', 'resourceVersion', 'uid']);

    const before = listed!.metadata.resourceVersion;
    await kube.core.replaceNamespacedSecret({
      namespace: namespace.name,
      name: 'listed',
      body: { metadata: { name: 'listed' }, stringData: { password: `${VALUE}-rotated` } },
    });
    await kube.core.createNamespacedSecret({
      namespace: namespace.name,
      body: { metadata: { name: 'watched' }, data: { token: Buffer.from(VALUE).toString('base64') } },
    });
    await waitFor(
      () => informer!.store.get(`${namespace.name}/watched`) !== undefined && updates.length === 1,
      10_000,
      'the rotated and the new Secret',
    );
    expect(updates).toEqual([`listed ${before}`]);
    expect(informer.store.get(`${namespace.name}/listed`)?.metadata.resourceVersion).not.toBe(before);

    // Neither the list nor the watch carried the values: the server sent metadata only.
    expect(client.received.length).toBeGreaterThanOrEqual(3);
    const wire = JSON.stringify(client.received);
    expect(wire).not.toContain(Buffer.from(VALUE).toString('base64'));
    expect(wire).not.toContain('"data"');
    expect(wire).not.toContain('stringData');
    expect(client.received).toEqual(
      client.received.map(() => expect.objectContaining({ kind: 'PartialObjectMetadata' })),
    );
    const cache = JSON.stringify(informer.store.list());
    expect(cache).not.toContain('"data"');
    expect(cache).not.toContain(VALUE);
    expect(cache).not.toContain('etl');
  });

  it('keeps ConfigMaps as metadata, and sees deletes', async () => {
    await kube.core.createNamespacedConfigMap({
      namespace: namespace.name,
      body: { metadata: { name: 'script' }, data: { 'main.py': 'print(1)' } },
    });
    informer = new Informer(kube, {
      resource: CONFIG_MAPS,
      namespaces: [namespace.name],
      metadataOnly: true,
    });
    const deleted: string[] = [];
    informer.addEventHandler({ onDelete: (object) => deleted.push(object.metadata.name) });
    informer.start();
    await informer.waitForSync(10_000);
    expect(Object.keys(informer.store.get(`${namespace.name}/script`) ?? {})).toEqual(['metadata']);

    await kube.core.deleteNamespacedConfigMap({ namespace: namespace.name, name: 'script' });
    await waitFor(() => deleted.length === 1, 10_000, 'the delete');
    expect(deleted).toEqual(['script']);
    expect(informer.store.get(`${namespace.name}/script`)).toBeUndefined();
  });
});
