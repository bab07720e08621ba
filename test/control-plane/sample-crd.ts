/**
 * A small namespaced CRD for tests that need custom resources independent of the project's own
 * API: a status subresource and a schema with a required integer, a bound and an enum.
 */
import type { V1CustomResourceDefinition } from '@kubernetes/client-node';

export const SAMPLE_GROUP = 'samples.test.cdk8s-databricks.dev';
export const SAMPLE_VERSION = 'v1';
export const SAMPLE_PLURAL = 'widgets';
export const SAMPLE_KIND = 'Widget';

/** The sample CRD: `Widget` with `spec.size` (integer ≥ 1, required) and `spec.color` (red|blue). */
export const SAMPLE_CRD: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${SAMPLE_PLURAL}.${SAMPLE_GROUP}` },
  spec: {
    group: SAMPLE_GROUP,
    scope: 'Namespaced',
    names: { plural: SAMPLE_PLURAL, singular: 'widget', kind: SAMPLE_KIND, listKind: `${SAMPLE_KIND}List` },
    versions: [
      {
        name: SAMPLE_VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1 },
                  color: { type: 'string', _enum: ['red', 'blue'] },
                },
              },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

/** A Widget manifest with the given spec. */
export function sampleWidget(name: string, spec: Record<string, unknown>, finalizers: string[] = []) {
  return {
    apiVersion: `${SAMPLE_GROUP}/${SAMPLE_VERSION}`,
    kind: SAMPLE_KIND,
    metadata: { name, ...(finalizers.length > 0 ? { finalizers } : {}) },
    spec,
  };
}
