// Reading the synthesized JSON Schema in tests: the plain-object view of a CRD's openAPIV3Schema.
import { type TSchema } from '@sinclair/typebox';
import { structuralSchema } from '../../lib/crds/structural-schema.js';

/** A node of a CRD's OpenAPI v3 schema, as the API server sees it. */
export interface SchemaNode {
  type?: string;
  format?: string;
  description?: string;
  enum?: string[];
  default?: unknown;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  maxItems?: number;
  maxLength?: number;
  'x-kubernetes-validations'?: { rule: string; message: string; fieldPath?: string; reason?: string }[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  [key: string]: unknown;
}

/** A TypeBox schema as the CRD carries it (structural form: enums, additionalProperties). */
export function plainSchema(schema: unknown): SchemaNode {
  return structuralSchema(schema as TSchema) as SchemaNode;
}

/** Visits every node with its path (`.a.b[]`), depth first. */
export function walkSchema(
  node: SchemaNode,
  visit: (node: SchemaNode, path: string) => void,
  path = '',
): void {
  visit(node, path);
  for (const [name, child] of Object.entries(node.properties ?? {}))
    walkSchema(child, visit, `${path}.${name}`);
  if (node.items) walkSchema(node.items, visit, `${path}[]`);
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    walkSchema(node.additionalProperties, visit, `${path}{}`);
  }
}
