import { Value } from '@sinclair/typebox/value';
import { ClusterSpec, DatabricksDbfsFileSpec, KINDS, Task } from '../../lib/crds/index.js';
import { structuralSchema } from '../../lib/crds/structural-schema.js';
import { validManifests } from './manifest-corpus.js';

// The TypeBox schemas are the controller's wire types as well as the CRDs' source: Value.Check
// must agree with the API server on everything but the CEL rules.

const specSchemaOf = (kind: string) => {
  const definition = KINDS.find((candidate) => candidate.kind === kind);
  if (!definition) throw new Error(`no kind ${kind}`);
  return definition.spec;
};

describe('the TypeBox schemas at run time', () => {
  it.each(validManifests().map((entry) => [entry.file, entry.manifest] as const))(
    'accept the spec of %s',
    (_file, manifest) => {
      const schema = specSchemaOf(manifest.kind);
      expect(
        [...Value.Errors(schema, manifest.spec)].map((error) => `${error.path}: ${error.message}`),
      ).toEqual([]);
    },
  );

  it('reject a value of the wrong type in a string map', () => {
    expect(
      Value.Check(ClusterSpec, { spark_version: '15.4.x-scala2.12', spark_conf: { partitions: 200 } }),
    ).toBe(false);
  });

  it('reject a value outside an enum', () => {
    expect(
      Value.Check(Task, { task_key: 'a', run_if: 'ALWAYS', notebook_task: { notebook_path: '/x' } }),
    ).toBe(false);
  });

  it('check base64 content the way the API server does (format byte)', () => {
    const file = { workspaceRef: { name: 'ws' }, path: '/FileStore/a.txt' };
    expect(Value.Check(DatabricksDbfsFileSpec, { ...file, contents: 'aGVsbG8=' })).toBe(true);
    expect(Value.Check(DatabricksDbfsFileSpec, { ...file, contents: 'not base64!' })).toBe(false);
  });
});

describe('the structural form of a TypeBox schema', () => {
  it('spells a union of string literals as enum, keeping the description and default', () => {
    const deletionPolicy = structuralSchema(specSchemaOf('DatabricksCluster')) as {
      properties: Record<string, unknown>;
    };
    expect(deletionPolicy.properties.deletionPolicy).toEqual({
      type: 'string',
      enum: ['Delete', 'Retain'],
      default: 'Delete',
      description: expect.stringContaining('Delete removes it'),
    });
  });

  it('spells a one-value union as a one-value enum', () => {
    const cluster = structuralSchema(ClusterSpec) as { properties: Record<string, { enum?: unknown[] }> };
    expect(cluster.properties.kind.enum).toEqual(['CLASSIC_PREVIEW']);
  });

  it('spells a string map as additionalProperties of type string', () => {
    const cluster = structuralSchema(ClusterSpec) as { properties: Record<string, unknown> };
    expect(cluster.properties.spark_conf).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
      description: expect.any(String),
    });
  });
});
