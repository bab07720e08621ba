import {
  ApiException,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { installCrd } from './crd-installation.js';
import { pollUntil } from './poll-until.js';
import { SAMPLE_CRD, SAMPLE_GROUP, SAMPLE_PLURAL, SAMPLE_VERSION, sampleWidget } from './sample-crd.js';
import { testKubeConfig, uniqueName, useTestNamespace } from './test-cluster.js';

interface Widget extends KubernetesObject {
  spec: { size: number; color?: string };
  status?: { phase?: string };
}

/**
 * Opens a watch, retrying while the API server answers 429: for a CRD that was just established
 * it refuses watches until its watch cache has initialised (lists are served meanwhile), so a
 * watch opened at once can fail even though the resource exists. Controllers' informers retry the
 * same way.
 */
async function openWatch(
  config: KubeConfig,
  path: string,
  onEvent: (type: string, object: Widget) => void,
): Promise<AbortController> {
  return pollUntil(`a watch on ${path} to open`, async () => {
    let failure: unknown;
    const controller = await new Watch(config).watch(path, {}, onEvent, (error: unknown) => {
      failure ??= error;
    });
    // An HTTP error is reported through the done callback before watch() returns.
    if (failure === undefined) return controller;
    if ((failure as { statusCode?: number }).statusCode === 429) return undefined;
    throw failure;
  });
}

const FINALIZER = 'samples.test.cdk8s-databricks.dev/cleanup';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('a custom resource on the test cluster', () => {
  const namespace = useTestNamespace('round-trip');
  const config = testKubeConfig();
  const objects = config.makeApiClient(CustomObjectsApi);
  const where = () => ({
    group: SAMPLE_GROUP,
    version: SAMPLE_VERSION,
    plural: SAMPLE_PLURAL,
    namespace: namespace.name,
  });

  beforeAll(async () => {
    await installCrd(config, SAMPLE_CRD);
  });

  it('is created, read, listed, watched, status-patched and deleted once its finalizer is removed', async () => {
    const name = uniqueName('widget');
    const events: { type: string; object: Widget }[] = [];
    const watch = await openWatch(
      config,
      `/apis/${SAMPLE_GROUP}/${SAMPLE_VERSION}/namespaces/${namespace.name}/${SAMPLE_PLURAL}`,
      (type, object) => events.push({ type, object }),
    );
    try {
      const created = (await objects.createNamespacedCustomObject({
        ...where(),
        body: sampleWidget(name, { size: 3, color: 'red' }, [FINALIZER]),
      })) as Widget;
      expect(created.metadata?.uid).toBeTruthy();

      const read = (await objects.getNamespacedCustomObject({ ...where(), name })) as Widget;
      expect(read.spec).toEqual({ size: 3, color: 'red' });
      expect(read.metadata?.finalizers).toEqual([FINALIZER]);

      const list = (await objects.listNamespacedCustomObject(where())) as { items: Widget[] };
      expect(list.items.map((item) => item.metadata?.name)).toEqual([name]);

      const patched = (await objects.patchNamespacedCustomObjectStatus(
        { ...where(), name, body: { status: { phase: 'Ready' } } },
        mergePatch,
      )) as Widget;
      expect(patched.status).toEqual({ phase: 'Ready' });
      // The status subresource leaves spec alone, so the generation a controller observes stays put.
      expect(patched.spec).toEqual({ size: 3, color: 'red' });
      expect(patched.metadata?.generation).toBe(read.metadata?.generation);

      await objects.deleteNamespacedCustomObject({ ...where(), name });
      const terminating = (await objects.getNamespacedCustomObject({ ...where(), name })) as Widget;
      expect(terminating.metadata?.deletionTimestamp).toBeTruthy();
      expect(terminating.metadata?.finalizers).toEqual([FINALIZER]);

      await objects.patchNamespacedCustomObject(
        { ...where(), name, body: { metadata: { finalizers: null } } },
        mergePatch,
      );
      await pollUntil(`widget ${name} to be gone`, async () => {
        try {
          await objects.getNamespacedCustomObject({ ...where(), name });
          return undefined;
        } catch (error) {
          if (error instanceof ApiException && error.code === 404) return true;
          throw error;
        }
      });

      await pollUntil('the watch to report the deletion', async () =>
        events.some((event) => event.type === 'DELETED') ? true : undefined,
      );
      // Created; status set; deletion requested (deletionTimestamp); then removing the last
      // finalizer deletes the object at once, so that update is reported as DELETED only.
      expect(events.map((event) => event.type)).toEqual(['ADDED', 'MODIFIED', 'MODIFIED', 'DELETED']);
      expect(events.find((event) => event.object.status?.phase === 'Ready')).toBeDefined();
    } finally {
      watch.abort();
    }
  });

  it('ignores status sent to the main resource: only the status subresource writes it', async () => {
    const name = uniqueName('widget');
    await objects.createNamespacedCustomObject({ ...where(), body: sampleWidget(name, { size: 1 }) });
    const patched = (await objects.patchNamespacedCustomObject(
      { ...where(), name, body: { spec: { size: 2 }, status: { phase: 'Ready' } } },
      mergePatch,
    )) as Widget;
    expect(patched.spec.size).toBe(2);
    expect(patched.status).toBeUndefined();
    expect(patched.metadata?.generation).toBe(2);
  });
});
