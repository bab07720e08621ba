/**
 * Installing CustomResourceDefinitions into the test cluster and waiting until the API server
 * serves them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  KubernetesObjectApi,
  loadAllYaml,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { pollUntil } from './poll-until.js';

/**
 * Every CustomResourceDefinition in the YAML files (`*.yaml`, `*.yml`) directly under `dir`.
 * Parsed with client-node's `loadAllYaml`, which maps fields to its model names (`enum` becomes
 * `_enum`, `x-kubernetes-*` become `x_kubernetes_*`): a plain YAML object sent through the typed
 * API would silently lose those fields, since the serializer only writes the fields it knows.
 */
export function readCrdManifests(dir: string): V1CustomResourceDefinition[] {
  if (!existsSync(dir)) return [];
  const crds: V1CustomResourceDefinition[] = [];
  for (const file of readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()) {
    for (const manifest of loadAllYaml(
      readFileSync(join(dir, file), 'utf8'),
    ) as (KubernetesObject | null)[]) {
      if (manifest?.kind === 'CustomResourceDefinition') crds.push(manifest as V1CustomResourceDefinition);
    }
  }
  return crds;
}

/** Field manager of CRDs installed by tests, so server-side apply can tell whose fields are whose. */
const FIELD_MANAGER = 'cdk8s-databricks-tests';

/**
 * Installs the CRD with server-side apply and waits until it is Established (before that, requests
 * for its resources fail with 404). Apply rather than create-or-replace: test files run in parallel
 * and install the same CRDs, and an update that changes nothing must not reach the API server as
 * one, because every CRD update restarts the resource's storage and closes its open watches.
 *
 * Once this resolves, lists and gets work. Two lags remain that callers (and controllers) meet:
 * the first create is held by the API server for about two seconds after the CRD becomes
 * Established (kube-apiserver does that on purpose, for HA consistency), and watches are refused
 * with 429 until the resource's watch cache has initialised.
 */
export async function installCrd(config: KubeConfig, crd: V1CustomResourceDefinition): Promise<void> {
  const name = crd.metadata?.name;
  if (!name) throw new Error(`a CustomResourceDefinition for ${crd.spec.names.kind} has no metadata.name`);
  await KubernetesObjectApi.makeApiClient(config).patch(
    crd,
    undefined,
    undefined,
    FIELD_MANAGER,
    true,
    PatchStrategy.ServerSideApply,
  );
  await waitForCrdEstablished(config, name);
}

/** Resolves once the CRD's Established condition is True. */
export async function waitForCrdEstablished(config: KubeConfig, name: string): Promise<void> {
  const api = config.makeApiClient(ApiextensionsV1Api);
  await pollUntil(`CRD ${name} to become Established`, async () => {
    const crd = await api.readCustomResourceDefinition({ name });
    const established = crd.status?.conditions?.find((condition) => condition.type === 'Established');
    return established?.status === 'True' ? true : undefined;
  });
}
