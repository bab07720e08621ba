// Reading the synthesized JSON Schema in tests: the plain-object view of a CRD's openAPIV3Schema.

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

/** The plain JSON Schema of a TypeBox schema (TypeBox metadata lives under symbols). */
export function plainSchema(schema: unknown): SchemaNode {
  return JSON.parse(JSON.stringify(schema)) as SchemaNode;
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
