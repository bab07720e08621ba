import { type TSchema } from '@sinclair/typebox';
import { API_CATEGORY, API_GROUP, API_VERSION } from './api-group.js';
import type { JsonValue } from './json-value.js';
import { structuralSchema } from './structural-schema.js';

/** A column of `kubectl get` output. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description: string;
  /** 0 shows in plain `kubectl get`; 1 only with `-o wide`. */
  readonly priority?: number;
}

/** A TypeBox schema whose valid values have the static type `T` (`Static<typeof schema>`). */
export type SchemaOf<T> = TSchema & { readonly static: T };

/**
 * Everything that distinguishes one kind's CRD from another's. Its type arguments are the kind's name and
 * the static types of its `spec` and `status` schemas, so that code typed from a definition (informers,
 * reconcilers) sees the kind's objects as the schema describes them.
 */
export interface KindDefinition<Kind extends string = string, Spec = unknown, Status = unknown> {
  readonly kind: Kind;
  readonly plural: string;
  readonly singular: string;
  readonly shortName: string;
  /** What the kind is, the top of `kubectl explain <kind>`. */
  readonly description: string;
  readonly spec: SchemaOf<Spec>;
  readonly status: SchemaOf<Status>;
  /** Printer columns besides Age, which every kind gets last. */
  readonly printerColumns: readonly PrinterColumn[];
}

/** The static type of a kind's `spec`. */
export type SpecOf<D extends KindDefinition> = D extends KindDefinition<string, infer Spec> ? Spec : never;

/** The static type of a kind's `status`. */
export type StatusOf<D extends KindDefinition> =
  D extends KindDefinition<string, unknown, infer Status> ? Status : never;

/** An apiextensions.k8s.io/v1 CustomResourceDefinition as a plain object. */
export interface CustomResourceDefinition {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string; readonly labels: Record<string, string> };
  readonly spec: { [key: string]: JsonValue };
}

/** The Ready condition's status, a column every kind shows. */
export const READY_COLUMN: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Whether Databricks matches the spec.',
};

/** The Ready condition's reason, shown with `-o wide`. */
export const REASON_COLUMN: PrinterColumn = {
  name: 'Reason',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
  description: 'Why the object is (not) ready.',
  priority: 1,
};

const AGE_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Time since the object was created.',
};

/** Builds the CRD of one kind: namespaced, one version, status subresource, category `databricks`. */
export function customResourceDefinition(definition: KindDefinition): CustomResourceDefinition {
  const printerColumns = [...definition.printerColumns, AGE_COLUMN].map(printerColumnJson);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${definition.plural}.${API_GROUP}`,
      labels: { 'app.kubernetes.io/part-of': 'cdk8s-databricks' },
    },
    spec: {
      group: API_GROUP,
      scope: 'Namespaced',
      names: {
        kind: definition.kind,
        listKind: `${definition.kind}List`,
        plural: definition.plural,
        singular: definition.singular,
        shortNames: [definition.shortName],
        categories: [API_CATEGORY],
      },
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: printerColumns,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: definition.description,
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string', description: `${API_GROUP}/${API_VERSION}` },
                kind: { type: 'string', description: definition.kind },
                metadata: { type: 'object' },
                spec: structuralSchema(definition.spec),
                status: structuralSchema(definition.status),
              },
            },
          },
        },
      ],
    },
  };
}

/** A printer column as the CRD spells it (`priority` only when set). */
function printerColumnJson({ name, type, jsonPath, description, priority }: PrinterColumn): JsonValue {
  return { name, type, jsonPath, description, ...(priority === undefined ? {} : { priority }) };
}
