import {
  ApiextensionsV1Api,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { isConflict, type KubeObject, type ResourceType } from '../../../controller/runtime/kube-client.js';
import type { Condition } from '../../../controller/runtime/conditions.js';

/**
 * The runtime's own test kind, `Gadget`: namespaced, a status subresource, free-form spec and status,
 * so these tests do not depend on the project's CRDs.
 */
export const GADGETS: ResourceType = {
  group: 'runtime.test.cdk8s-databricks.dev',
  version: 'v1',
  plural: 'gadgets',
};

export interface Gadget extends KubeObject {
  spec?: { size?: number; ref?: string };
  status?: { phase?: string; conditions?: Condition[]; observedGeneration?: number };
}

const CRD: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${GADGETS.plural}.${GADGETS.group}` },
  spec: {
    group: GADGETS.group,
    scope: 'Namespaced',
    names: { plural: GADGETS.plural, singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
    versions: [
      {
        name: GADGETS.version,
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              // client-node's model spells x-kubernetes-preserve-unknown-fields this way.
              spec: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
              status: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
            },
          },
        },
      },
    ],
  },
};

/** A Gadget manifest. */
export function gadget(namespace: string, name: string, spec: Gadget['spec'] = {}): Gadget {
  return {
    apiVersion: `${GADGETS.group}/${GADGETS.version}`,
    kind: 'Gadget',
    metadata: { namespace, name },
    spec,
  };
}

/** Installs the Gadget CRD (once per cluster; parallel test files may race, which is fine) and waits until it is served. */
export async function installGadgetCrd(config: KubeConfig): Promise<void> {
  const api = config.makeApiClient(ApiextensionsV1Api);
  try {
    await api.createCustomResourceDefinition({ body: CRD });
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    const crd = await api.readCustomResourceDefinition({ name: CRD.metadata!.name! });
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline) throw new Error(`CRD ${CRD.metadata!.name} not Established within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
