import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AllPurposeClusterSettings,
  ClusterSpec,
  JobSettings,
  RunNowSettings,
  Task,
} from '../../lib/crds/index.js';
import { type FieldShape, type RequestFieldsFixture } from './databricks-request-fields.js';
import { plainSchema, type SchemaNode } from './schema-walk.js';

// Coverage is the point of the API: every field Databricks accepts in JobSettings, a task and a
// cluster spec must be expressible and typed. This walks the Databricks request types (extracted
// from the CLI's bundle JSON Schema) alongside our schema and lists every field we lack or type
// differently.

const here = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(
  readFileSync(join(here, 'databricks-request-fields.json'), 'utf8'),
) as RequestFieldsFixture;

/** Databricks fields deliberately not in our payload schemas, by `Type.property`, with the reason. */
const EXCLUDED_FIELDS: Record<string, string> = {
  'resources.Job.permissions':
    'bundle-level ACL; DatabricksJob has spec.permissions (Permissions API) beside settings',
  'resources.Job.lifecycle': 'bundle-only (prevent_destroy); DatabricksJob has spec.deletionPolicy',
  'resources.Cluster.permissions':
    'bundle-level ACL; cluster permissions are not managed by this operator yet',
  'resources.Cluster.lifecycle': 'bundle-only (started); DatabricksCluster has spec.state',
  'resources.JobRun.job_id': 'DatabricksRun names the job with spec.jobRef; the controller fills in job_id',
  'resources.JobRun.lifecycle': 'bundle-only (when to trigger the run on deploy)',
};

/** Paths (suffixes) where a field is deliberately absent because of where it sits. */
const EXCLUDED_PATHS: Record<string, string> = {
  '.for_each_task.task.for_each_task': 'for-each loops do not nest, and a CRD schema cannot be recursive',
};

/** Fields we add beside Databricks' own: references to objects this operator manages. */
const OPERATOR_FIELDS = new Set([
  'jobs.Task.existing_cluster_ref',
  'jobs.RunJobTask.job_ref',
  'jobs.NotebookTask.notebook_ref',
  'jobs.PipelineTask.pipeline_ref',
  'jobs.SqlTask.warehouse_ref',
  'compute.ClusterSpec.policy_ref',
  'compute.ClusterSpec.instance_pool_ref',
  'compute.ClusterSpec.driver_instance_pool_ref',
  'resources.Cluster.policy_ref',
  'resources.Cluster.instance_pool_ref',
  'resources.Cluster.driver_instance_pool_ref',
  'jobs.NotebookTask.repo_ref',
  'jobs.SparkPythonTask.repo_ref',
  'jobs.NotebookTask.warehouse_ref',
  'jobs.DbtTask.warehouse_ref',
  'jobs.DashboardTask.warehouse_ref',
  'jobs.PowerBiTask.warehouse_ref',
  'jobs.AlertTask.warehouse_ref',
]);

/** Fields of the API (SDK JobSettings) that the bundle schema leaves out, because bundles set them. */
const API_ONLY_FIELDS = new Set([
  'resources.Job.format',
  'resources.Job.edit_mode',
  'resources.Job.deployment',
  'jobs.GitSource.git_snapshot',
  'jobs.GitSource.job_source',
]);

const SCALAR_TYPES: Record<string, string> = {
  string: 'string',
  int: 'integer',
  int64: 'integer',
  float64: 'number',
  bool: 'boolean',
};

function compareShape(shape: FieldShape, ours: SchemaNode, path: string, problems: string[]): void {
  switch (shape.kind) {
    case 'scalar':
      if (ours.type !== SCALAR_TYPES[shape.type])
        problems.push(`${path}: ${shape.type} in Databricks, ${ours.type} here`);
      return;
    case 'enum': {
      if (ours.type !== 'string') problems.push(`${path}: enum in Databricks, ${ours.type} here`);
      const missing = shape.values.filter((value) => !(ours.enum ?? []).includes(value));
      if (ours.enum && missing.length > 0) problems.push(`${path}: enum lacks ${missing.join(', ')}`);
      return;
    }
    case 'map': {
      const values = ours.additionalProperties;
      if (ours.type !== 'object' || typeof values !== 'object' || values.type !== 'string') {
        problems.push(`${path}: a map of strings in Databricks, not here`);
      }
      return;
    }
    case 'array':
      if (ours.type !== 'array' || !ours.items)
        problems.push(`${path}: a list in Databricks, ${ours.type} here`);
      else compareShape(shape.item, ours.items, `${path}[]`, problems);
      return;
    case 'object':
      if (ours.type !== 'object' || !ours.properties)
        problems.push(`${path}: an object in Databricks, ${ours.type} here`);
      else compareType(shape.ref, ours, path, problems);
      return;
  }
}

function compareType(typeName: string, ours: SchemaNode, path: string, problems: string[]): void {
  const fields = fixture.types[typeName];
  if (!fields) throw new Error(`${typeName} is not in the extract`);
  for (const [field, shape] of Object.entries(fields)) {
    const fieldPath = `${path}.${field}`;
    if (`${typeName}.${field}` in EXCLUDED_FIELDS) continue;
    if (Object.keys(EXCLUDED_PATHS).some((suffix) => fieldPath.endsWith(suffix))) continue;
    const counterpart = ours.properties?.[field];
    if (!counterpart) problems.push(`${fieldPath} (${typeName}.${field}) has no counterpart`);
    else compareShape(shape, counterpart, fieldPath, problems);
  }
}

function extraFields(
  typeName: string,
  ours: SchemaNode,
  path: string,
  extras: string[],
  seen = new Set<string>(),
): void {
  const fields = fixture.types[typeName];
  if (!fields || seen.has(path)) return;
  seen.add(path);
  for (const [name, child] of Object.entries(ours.properties ?? {})) {
    const key = `${typeName}.${name}`;
    const shape = fields[name];
    if (!shape) {
      if (!OPERATOR_FIELDS.has(key) && !API_ONLY_FIELDS.has(key)) extras.push(`${path}.${name} (${key})`);
      continue;
    }
    let inner: FieldShape = shape;
    let node: SchemaNode | undefined = child;
    while (inner.kind === 'array' && node) {
      inner = inner.item;
      node = node.items;
    }
    if (inner.kind === 'object' && node) extraFields(inner.ref, node, `${path}.${name}`, extras, seen);
  }
}

const ROOTS: [string, string, unknown][] = [
  ['resources.Job', 'JobSettings', JobSettings],
  ['jobs.Task', 'Task', Task],
  ['compute.ClusterSpec', 'ClusterSpec', ClusterSpec],
  ['resources.Cluster', 'DatabricksCluster.spec.settings', AllPurposeClusterSettings],
  ['resources.JobRun', 'DatabricksRun.spec.runNow', RunNowSettings],
];

describe('coverage of the Databricks request types', () => {
  it.each(ROOTS)('expresses every field of %s in %s, with the same type', (typeName, ourName, schema) => {
    const problems: string[] = [];
    compareType(typeName, plainSchema(schema), ourName, problems);
    expect(problems).toEqual([]);
  });

  it.each(ROOTS)(
    'adds no field to %s beyond Databricks ones and the listed operator references',
    (typeName, ourName, schema) => {
      const extras: string[] = [];
      extraFields(typeName, plainSchema(schema), ourName, extras);
      expect(extras).toEqual([]);
    },
  );

  it('walks a for-each inner task to the same depth as a top-level task, minus for_each_task', () => {
    const task = plainSchema(Task);
    const inner = task.properties?.for_each_task?.properties?.task;
    expect(Object.keys(inner?.properties ?? {}).sort()).toEqual(
      Object.keys(task.properties ?? {})
        .filter((name) => name !== 'for_each_task')
        .sort(),
    );
  });

  it('keeps the excluded-field list honest: every exclusion names a field Databricks has', () => {
    for (const key of Object.keys(EXCLUDED_FIELDS)) {
      const [typeName, field] = [key.slice(0, key.lastIndexOf('.')), key.slice(key.lastIndexOf('.') + 1)];
      expect(fixture.types[typeName]?.[field]).toBeDefined();
    }
  });
});
