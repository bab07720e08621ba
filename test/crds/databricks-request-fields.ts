// Reduces the Databricks CLI's bundle JSON Schema (shared/reference/databricks/databricks-cli/
// jsonschema.json) to the facts the coverage test needs: for each request type reachable from the
// job, cluster and job-run resources, its property names and what kind of value each takes.

/** What one property of a Databricks request type holds. */
export type FieldShape =
  | { kind: 'scalar'; type: 'string' | 'int' | 'int64' | 'float64' | 'bool' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'map' }
  | { kind: 'object'; ref: string }
  | { kind: 'array'; item: FieldShape };

/** Property name → shape, per type name (e.g. `jobs.Task`). */
export type RequestTypes = Record<string, Record<string, FieldShape>>;

/** The committed extract: where it came from and the types. */
export interface RequestFieldsFixture {
  source: string;
  roots: string[];
  types: RequestTypes;
}

/** The resources the extract starts from. */
export const ROOT_TYPES = ['resources.Job', 'resources.Cluster', 'resources.JobRun'];

interface JsonSchemaNode {
  $ref?: string;
  oneOf?: JsonSchemaNode[];
  type?: string;
  enum?: string[];
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  additionalProperties?: JsonSchemaNode | boolean;
}

const PREFIXES = [
  'github.com/databricks/databricks-sdk-go/service/',
  'github.com/databricks/cli/bundle/config/',
];

function shortName(path: string): string {
  for (const prefix of PREFIXES) if (path.startsWith(prefix)) return path.slice(prefix.length);
  return path;
}

function longName(name: string): string {
  return name.startsWith('resources.') ? `${PREFIXES[1]}${name}` : `${PREFIXES[0]}${name}`;
}

/** Extracts the types reachable from `roots` out of the bundle JSON Schema document. */
export function extractRequestTypes(
  document: { $defs: Record<string, unknown> },
  roots = ROOT_TYPES,
): RequestTypes {
  const definition = (path: string): JsonSchemaNode => {
    let node: unknown = document.$defs;
    // Paths are split on '/', but type names contain dots only, so segment walking is exact.
    for (const segment of path.split('/')) node = (node as Record<string, unknown>)[segment];
    if (!node) throw new Error(`no $defs entry ${path}`);
    return node as JsonSchemaNode;
  };
  // Every definition is oneOf [the real schema, a "${var.x}" interpolation string]; keep the real one.
  const concrete = (node: JsonSchemaNode): JsonSchemaNode => (node.oneOf ? node.oneOf[0] : node);

  const types: RequestTypes = {};
  const pending = [...roots];

  const shapeOf = (node: JsonSchemaNode): FieldShape => {
    if (node.$ref) {
      const path = node.$ref.replace('#/$defs/', '');
      if (['string', 'int', 'int64', 'float64', 'bool'].includes(path)) {
        return { kind: 'scalar', type: path as 'string' };
      }
      if (path.startsWith('map/')) return { kind: 'map' };
      if (path.startsWith('slice/')) return shapeOf(concrete(definition(path)));
      const target = concrete(definition(path));
      if (target.enum) return { kind: 'enum', values: [...target.enum] };
      if (target.type === 'object') {
        const name = shortName(path);
        if (!(name in types) && !pending.includes(name)) pending.push(name);
        return { kind: 'object', ref: name };
      }
      return shapeOf(target);
    }
    if (node.type === 'array' && node.items) return { kind: 'array', item: shapeOf(node.items) };
    if (node.type === 'string') return { kind: 'scalar', type: 'string' };
    throw new Error(`unexpected schema node ${JSON.stringify(node).slice(0, 200)}`);
  };

  while (pending.length > 0) {
    const name = pending.shift() as string;
    const node = concrete(definition(longName(name)));
    const properties: Record<string, FieldShape> = {};
    for (const [property, schema] of Object.entries(node.properties ?? {}))
      properties[property] = shapeOf(schema);
    types[name] = properties;
  }
  return Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b)));
}
