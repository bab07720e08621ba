import { join } from 'node:path';
import {
  ApiException,
  ApiextensionsV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubeConfig,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { expectApiFailure } from './api-error.js';
import { installCrd, readCrdManifests } from './crd-installation.js';
import { pollUntil } from './poll-until.js';
import { repositoryRoot } from './state-paths.js';
import { testKubeConfig, uniqueName, useTestNamespace } from './test-cluster.js';

const GROUP = 'databricks.operator.dev';
const VERSION = 'v1alpha1';
const PLURAL = 'databrickssecretscopes';
const FINALIZER = 'databricks.operator.dev/test-hold';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface SecretScope extends KubernetesObject {
  spec: Record<string, unknown>;
  status?: {
    scopeName?: string;
    observedGeneration?: number;
    conditions?: { type: string; status: string }[];
  };
}

/** What `npm run synth` wrote to dist/: the CRDs users install. */
const synthesizedCrds = readCrdManifests(join(repositoryRoot(), 'dist'));

function secretScope(name: string, spec: Record<string, unknown>, finalizers: string[] = []): SecretScope {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'DatabricksSecretScope',
    metadata: { name, ...(finalizers.length > 0 ? { finalizers } : {}) },
    spec,
  };
}

/** A watch that lasts until stopped, however often the server ends the underlying request. */
interface LastingWatch {
  stop(): void;
  /** How many times the server ended the watch and it was resumed. */
  readonly resumed: number;
  /** The ERROR events the server sent (each ends the watch, which is then resumed). */
  readonly refusals: readonly string[];
}

/**
 * Opens a watch, retrying while the API server answers 429: for a CRD that was just established
 * it refuses watches until the resource's watch cache has initialised (lists are served
 * meanwhile). Controllers' informers have to retry the same way. When the server ends the watch,
 * it is opened again from the last resourceVersion seen, as an informer does, so no event is lost
 * and none is seen twice.
 */
async function openWatch(
  config: KubeConfig,
  path: string,
  onEvent: (type: string, object: SecretScope) => void,
): Promise<LastingWatch> {
  let resourceVersion: string | undefined;
  let stopped = false;
  let resumed = 0;
  const refusals: string[] = [];
  let current: AbortController | undefined;
  const open = (): Promise<AbortController> =>
    pollUntil(`a watch on ${path} to open`, async () => {
      let opened = false;
      let failure: unknown;
      const query = resourceVersion === undefined ? {} : { resourceVersion };
      const controller = await new Watch(config).watch(
        path,
        query,
        (type: string, object: SecretScope) => {
          // The server refuses a watch it cannot serve yet (the resource's watch cache is still
          // initialising) with an ERROR event and ends it; the watch resumes like any other ended one.
          if (type === 'ERROR') {
            refusals.push(JSON.stringify(object));
            return;
          }
          resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
          onEvent(type, object);
        },
        (error: unknown) => {
          if (!opened) {
            failure ??= error ?? new Error('closed before it opened');
            return;
          }
          if (stopped) return;
          resumed += 1;
          open().then(
            (next) => {
              current = next;
              if (stopped) next.abort();
            },
            (reopenFailure: unknown) =>
              onEvent('RESUME-FAILED', { metadata: { name: String(reopenFailure) } } as SecretScope),
          );
        },
      );
      // An HTTP error is reported through the done callback before watch() returns.
      if (failure === undefined) {
        opened = true;
        return controller;
      }
      if ((failure as { statusCode?: number }).statusCode === 429) return undefined;
      if (failure instanceof Error && failure.message === 'closed before it opened') return undefined;
      throw failure;
    });
  current = await open();
  return {
    stop: () => {
      stopped = true;
      current?.abort();
    },
    get resumed() {
      return resumed;
    },
    refusals,
  };
}

/** The message of the CEL rule on `spec.backend` in the synthesized secret-scope CRD. */
function backendRuleMessage(crd: V1CustomResourceDefinition): string {
  const spec = crd.spec.versions[0].schema?.openAPIV3Schema?.properties?.spec;
  const rule = spec?.properties?.backend?.x_kubernetes_validations?.[0];
  if (!rule?.message) throw new Error(`${crd.metadata?.name} has no CEL rule with a message on spec.backend`);
  return rule.message;
}

describe('the CRDs synthesized to dist/', () => {
  const namespace = useTestNamespace('crds');
  const config = testKubeConfig();
  const objects = config.makeApiClient(CustomObjectsApi);
  const where = () => ({ group: GROUP, version: VERSION, plural: PLURAL, namespace: namespace.name });

  // Every kind's CRD applied and Established in turn, as the examples test gives it: 120 s.
  beforeAll(async () => {
    for (const crd of synthesizedCrds) await installCrd(config, crd);
  }, 120_000);

  it('all install and become Established', async () => {
    expect(synthesizedCrds.map((crd) => crd.spec.names.kind).sort()).toEqual(
      expect.arrayContaining(['DatabricksJob', 'DatabricksSecretScope', 'DatabricksWorkspace']),
    );
    const installed = await config.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition();
    for (const crd of synthesizedCrds) {
      const served = installed.items.find((item) => item.metadata?.name === crd.metadata?.name);
      const established = served?.status?.conditions?.find((condition) => condition.type === 'Established');
      expect({ name: crd.metadata?.name, established: established?.status }).toEqual({
        name: crd.metadata?.name,
        established: 'True',
      });
    }
  });

  it('serve a DatabricksSecretScope through create, get, list, watch, status patch and a finalizer-held delete', async () => {
    const name = uniqueName('scope');
    const events: { type: string; object: SecretScope }[] = [];
    const watch = await openWatch(
      config,
      `/apis/${GROUP}/${VERSION}/namespaces/${namespace.name}/${PLURAL}`,
      (type, object) => events.push({ type, object }),
    );
    try {
      const spec = { workspaceRef: { name: 'workspace' } };
      const created = (await objects.createNamespacedCustomObject({
        ...where(),
        body: secretScope(name, spec, [FINALIZER]),
      })) as SecretScope;
      expect(created.metadata?.uid).toBeTruthy();

      const read = (await objects.getNamespacedCustomObject({ ...where(), name })) as SecretScope;
      // The server keeps what was sent and fills in the schema's defaults (e.g. deletionPolicy).
      expect(read.spec).toMatchObject(spec);
      expect(read.metadata?.finalizers).toEqual([FINALIZER]);

      const list = (await objects.listNamespacedCustomObject(where())) as { items: SecretScope[] };
      expect(list.items.map((item) => item.metadata?.name)).toEqual([name]);

      const status = {
        observedGeneration: read.metadata?.generation,
        scopeName: `${namespace.name}.${name}`,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
            reason: 'Synced',
            message: 'The scope matches the spec.',
          },
        ],
      };
      const patched = (await objects.patchNamespacedCustomObjectStatus(
        { ...where(), name, body: { status } },
        mergePatch,
      )) as SecretScope;
      expect(patched.status).toEqual(status);
      // The status subresource leaves spec alone, so the generation a controller observes stays put.
      expect(patched.spec).toEqual(read.spec);
      expect(patched.metadata?.generation).toBe(read.metadata?.generation);

      await objects.deleteNamespacedCustomObject({ ...where(), name });
      const terminating = (await objects.getNamespacedCustomObject({ ...where(), name })) as SecretScope;
      expect(terminating.metadata?.deletionTimestamp).toBeTruthy();
      expect(terminating.metadata?.finalizers).toEqual([FINALIZER]);

      await objects.patchNamespacedCustomObject(
        { ...where(), name, body: { metadata: { finalizers: null } } },
        mergePatch,
      );
      await expect(
        objects.getNamespacedCustomObject({ ...where(), name }).catch((error: unknown) => {
          throw error instanceof ApiException ? new Error(`HTTP ${error.code}`) : error;
        }),
      ).rejects.toThrow('HTTP 404');

      await pollUntil('the watch to report the deletion', async () =>
        events.some((event) => event.type === 'DELETED') ? true : undefined,
      ).catch((error: unknown) => {
        const seen = events.map((event) => event.type).join(', ');
        throw new Error(
          `${String(error)}; the watch saw [${seen}] and was resumed ${watch.resumed} times (refusals: ${watch.refusals.join('; ')})`,
        );
      });
      // Created; status set; deletion requested (deletionTimestamp); then removing the last
      // finalizer deletes the object at once, so that update is reported as DELETED only.
      expect(events.map((event) => event.type)).toEqual(['ADDED', 'MODIFIED', 'MODIFIED', 'DELETED']);
      expect(events[1].object.status?.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'True' });
    } finally {
      watch.stop();
    }
  });

  it('ignore status written through the main resource: only the status subresource sets it', async () => {
    const name = uniqueName('scope');
    await objects.createNamespacedCustomObject({
      ...where(),
      body: secretScope(name, { workspaceRef: { name: 'a' } }),
    });
    const patched = (await objects.patchNamespacedCustomObject(
      { ...where(), name, body: { metadata: { labels: { team: 'data' } }, status: { scopeName: 'x' } } },
      mergePatch,
    )) as SecretScope;
    expect(patched.metadata?.labels).toEqual({ team: 'data' });
    expect(patched.status).toBeUndefined();
    expect(patched.metadata?.generation).toBe(1);
  });

  it('make the API server reject a manifest that breaks a pattern or a CEL rule, with the message', async () => {
    const badName = await expectApiFailure(() =>
      objects.createNamespacedCustomObject({
        ...where(),
        body: secretScope(uniqueName('scope'), { workspaceRef: { name: 'Not_A_DNS_Name' } }),
      }),
    );
    expect(badName.code).toBe(422);
    expect(badName.message).toContain('spec.workspaceRef.name: Invalid value: "Not_A_DNS_Name"');
    expect(badName.message).toContain('should match');

    const crd = synthesizedCrds.find((candidate) => candidate.spec.names.plural === PLURAL);
    if (!crd) throw new Error(`dist/ has no CRD for ${PLURAL}`);
    const badBackend = await expectApiFailure(() =>
      objects.createNamespacedCustomObject({
        ...where(),
        body: secretScope(uniqueName('scope'), {
          workspaceRef: { name: 'workspace' },
          backend: {
            type: 'Databricks',
            azureKeyVault: { resourceId: 'id', dnsName: 'https://vault.example/' },
          },
        }),
      }),
    );
    expect(badBackend.code).toBe(422);
    expect(badBackend.message).toContain('spec.backend.azureKeyVault');
    expect(badBackend.message).toContain(backendRuleMessage(crd));
  });
});
