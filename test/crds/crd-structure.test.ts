import {
  API_CATEGORY,
  API_GROUP,
  API_VERSION,
  KIND_TABLE,
  KINDS,
  customResourceDefinitions,
} from '../../lib/crds/index.js';
import { type SchemaNode, walkSchema } from './schema-walk.js';

interface Version {
  name: string;
  served: boolean;
  storage: boolean;
  subresources: { status: object };
  additionalPrinterColumns: { name: string; type: string; jsonPath: string; priority?: number }[];
  schema: { openAPIV3Schema: SchemaNode };
}
interface Names {
  kind: string;
  plural: string;
  shortNames: string[];
  categories: string[];
}

const crds = customResourceDefinitions();
const byKind = new Map(crds.map((crd) => [(crd.spec.names as unknown as Names).kind, crd]));
const versionOf = (kind: string) => (byKind.get(kind)?.spec.versions as unknown as Version[])[0];
const rootOf = (kind: string) => versionOf(kind).schema.openAPIV3Schema;

const EXPECTED_SHORT_NAMES: Record<string, string> = {
  DatabricksWorkspace: 'dbws',
  DatabricksJob: 'dbjob',
  DatabricksRun: 'dbrun',
  DatabricksCluster: 'dbcluster',
  DatabricksSecretScope: 'dbscope',
  DatabricksDbfsFile: 'dbfsfile',
  DatabricksNotebook: 'dbnotebook',
  DatabricksGitCredential: 'dbgitcred',
  DatabricksSqlWarehouse: 'dbwarehouse',
  DatabricksRepo: 'dbrepo',
  DatabricksClusterPolicy: 'dbpolicy',
  DatabricksInstancePool: 'dbpool',
  DatabricksPipeline: 'dbpipeline',
};
const KIND_NAMES = Object.keys(EXPECTED_SHORT_NAMES);

describe('the CustomResourceDefinitions', () => {
  it('defines exactly the kinds of the API', () => {
    expect([...byKind.keys()].sort()).toEqual([...KIND_NAMES].sort());
    expect(Object.keys(KIND_TABLE).sort()).toEqual([...KIND_NAMES].sort());
  });

  it.each(KIND_NAMES)(
    '%s is namespaced in databricks.operator.dev, category databricks, with its short name',
    (kind) => {
      const crd = byKind.get(kind);
      const names = crd?.spec.names as unknown as Names;
      expect(crd?.apiVersion).toBe('apiextensions.k8s.io/v1');
      expect(crd?.metadata.name).toBe(`${names.plural}.${API_GROUP}`);
      expect(crd?.spec.group).toBe(API_GROUP);
      expect(crd?.spec.scope).toBe('Namespaced');
      expect(names.shortNames).toEqual([EXPECTED_SHORT_NAMES[kind]]);
      expect(names.categories).toEqual([API_CATEGORY]);
      expect(KIND_TABLE[kind as keyof typeof KIND_TABLE]).toEqual({
        apiVersion: `${API_GROUP}/${API_VERSION}`,
        kind,
        plural: names.plural,
        shortName: EXPECTED_SHORT_NAMES[kind],
      });
    },
  );

  it.each(KIND_NAMES)('%s serves and stores v1alpha1 with a status subresource', (kind) => {
    const version = versionOf(kind);
    expect(version).toMatchObject({
      name: API_VERSION,
      served: true,
      storage: true,
      subresources: { status: {} },
    });
    expect(rootOf(kind).required).toEqual(['spec']);
  });

  it.each(KIND_NAMES)(
    '%s shows Ready and Age in kubectl get, and only columns that point into the object',
    (kind) => {
      const columns = versionOf(kind).additionalPrinterColumns;
      const names = columns.map((column) => column.name);
      expect(names).toContain('Ready');
      expect(names[names.length - 1]).toBe('Age');
      for (const column of columns) expect(column.jsonPath).toMatch(/^\.(status|spec|metadata)\./);
    },
  );

  it.each(KIND_NAMES)('%s has a status with conditions and observedGeneration', (kind) => {
    const status = rootOf(kind).properties?.status;
    expect(status?.properties?.conditions?.['x-kubernetes-list-map-keys']).toEqual(['type']);
    expect(status?.properties?.observedGeneration?.type).toBe('integer');
  });

  it.each(KIND_NAMES)('%s spec names its workspace with workspaceRef', (kind) => {
    const spec = rootOf(kind).properties?.spec;
    if (kind === 'DatabricksWorkspace') expect(spec?.properties?.workspaceRef).toBeUndefined();
    else expect(spec?.required).toContain('workspaceRef');
  });

  it('puts one column per ID the controller reports (job, run, cluster)', () => {
    const jsonPaths = (kind: string) =>
      versionOf(kind).additionalPrinterColumns.map((column) => column.jsonPath);
    expect(jsonPaths('DatabricksJob')).toContain('.status.jobId');
    expect(jsonPaths('DatabricksRun')).toContain('.status.runId');
    expect(jsonPaths('DatabricksCluster')).toContain('.status.clusterId');
  });
});

/**
 * The one kind of field whose type a structural schema cannot state: a cluster policy rule's value, which
 * is a JSON scalar of the attribute's own type (autotermination_minutes: 30, enable_elastic_disk: true,
 * spark_version: "15.4.x-scala2.12"). A string|number|boolean union has no structural form, so these
 * nodes carry no type and keep any scalar; nothing else may.
 */
const POLICY_VALUE_NODE =
  /^DatabricksClusterPolicy\.spec\.(definition|policy_family_definition_overrides)\{\}\.(value|values\[\]|defaultValue)$/;

describe('schemas the API server accepts and kubectl explain can describe', () => {
  const allNodes: [string, string, SchemaNode][] = [];
  for (const kind of KIND_NAMES) walkSchema(rootOf(kind), (node, path) => allNodes.push([kind, path, node]));

  it('gives every field a description', () => {
    const undocumented = allNodes
      .filter(([, path]) => !path.endsWith('[]') && !path.endsWith('{}') && !path.startsWith('.metadata'))
      .filter(([, , node]) => !node.description)
      .map(([kind, path]) => `${kind}${path}`);
    expect(undocumented).toEqual([]);
  });

  it('gives every node a type and uses only structural-schema keywords', () => {
    const forbidden = [
      'anyOf',
      'oneOf',
      'allOf',
      'not',
      'const',
      '$ref',
      '$id',
      'patternProperties',
      'definitions',
    ];
    const problems = allNodes.flatMap(([kind, path, node]) => [
      ...(node.type || POLICY_VALUE_NODE.test(`${kind}${path}`) ? [] : [`${kind}${path}: no type`]),
      ...forbidden.filter((keyword) => keyword in node).map((keyword) => `${kind}${path}: ${keyword}`),
    ]);
    expect(problems).toEqual([]);
  });

  it('hides no spec field behind x-kubernetes-preserve-unknown-fields', () => {
    const opaque = allNodes.filter(
      ([kind, path, node]) =>
        'x-kubernetes-preserve-unknown-fields' in node && !POLICY_VALUE_NODE.test(`${kind}${path}`),
    );
    expect(opaque.map(([kind, path]) => `${kind}${path}`)).toEqual([]);
  });

  it('types maps such as spark_conf and custom_tags as maps of strings', () => {
    const job = rootOf('DatabricksJob').properties?.spec?.properties?.settings;
    const cluster = job?.properties?.job_clusters?.items?.properties?.new_cluster;
    for (const field of ['spark_conf', 'spark_env_vars', 'custom_tags']) {
      expect(cluster?.properties?.[field]).toMatchObject({
        type: 'object',
        additionalProperties: { type: 'string' },
      });
    }
    expect(job?.properties?.tags).toMatchObject({ type: 'object', additionalProperties: { type: 'string' } });
  });

  it('bounds every list that carries CEL rules, so rule cost stays within the API server budget', () => {
    const hasRules = (node: SchemaNode): boolean => {
      let found = false;
      walkSchema(node, (child) => {
        if (child['x-kubernetes-validations']) found = true;
      });
      return found;
    };
    const unbounded = allNodes
      .filter(
        ([, , node]) =>
          node.type === 'array' && node.items && hasRules(node.items) && node.maxItems === undefined,
      )
      .map(([kind, path]) => `${kind}${path}`);
    expect(unbounded).toEqual([]);
  });

  it('requires the key fields of every list treated as a map', () => {
    const problems = allNodes
      .filter(([, , node]) => node['x-kubernetes-list-type'] === 'map')
      .flatMap(([kind, path, node]) =>
        (node['x-kubernetes-list-map-keys'] ?? [])
          .filter((key) => !(node.items?.required ?? []).includes(key))
          .map((key) => `${kind}${path}: key ${key} is optional`),
      );
    expect(problems).toEqual([]);
  });

  it('rejects duplicate task_key and job_cluster_key values by keying those lists', () => {
    const settings = rootOf('DatabricksJob').properties?.spec?.properties?.settings;
    expect(settings?.properties?.tasks?.['x-kubernetes-list-map-keys']).toEqual(['task_key']);
    expect(settings?.properties?.job_clusters?.['x-kubernetes-list-map-keys']).toEqual(['job_cluster_key']);
  });

  it('defaults deletionPolicy to Delete on every kind that owns a Databricks object', () => {
    for (const kind of KIND_NAMES.filter(
      (name) => !['DatabricksWorkspace', 'DatabricksRun'].includes(name),
    )) {
      expect(rootOf(kind).properties?.spec?.properties?.deletionPolicy?.default).toBe('Delete');
    }
    expect(rootOf('DatabricksJob').properties?.spec?.properties?.deletionPolicy?.enum).toEqual([
      'Delete',
      'Retain',
      'Pause',
    ]);
  });
});

describe('the kind definitions', () => {
  it('lists the kinds in the documented order', () => {
    expect(KINDS.map((definition) => definition.kind)).toEqual(KIND_NAMES);
  });
});
