import { FormatRegistry, TypeRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Testing } from 'cdk8s';
import { GitEtlChart } from '../../examples/git-etl/git-etl.js';
import { GovernedComputeChart } from '../../examples/governed-compute/governed-compute.js';
import { MlTrainingChart } from '../../examples/ml-training/ml-training.js';
import { NightlyEtlChart } from '../../examples/nightly-etl/nightly-etl.js';
import { quickstart } from '../../examples/quickstart/quickstart.js';
import { KINDS } from '../../lib/crds/index.js';
import { everyFeatureChart } from './every-feature-chart.js';

// The CRD schemas use OpenAPI formats that TypeBox does not know; check them as the API server would.
if (!FormatRegistry.Has('byte')) FormatRegistry.Set('byte', (value) => /^[A-Za-z0-9+/]*={0,2}$/.test(value));
// The schemas build string enums and string maps with Type.Unsafe, which TypeBox can only check when told how.
interface UnsafeSchema {
  readonly type?: string;
  readonly enum?: readonly unknown[];
}
if (!TypeRegistry.Has('Unsafe')) {
  TypeRegistry.Set('Unsafe', (schema: UnsafeSchema, value: unknown) => {
    if (schema.enum) return schema.enum.includes(value);
    if (schema.type === 'object') {
      return (
        typeof value === 'object' &&
        value !== null &&
        Object.values(value).every((entry) => typeof entry === 'string')
      );
    }
    if (schema.type === 'string') return typeof value === 'string';
    return true;
  });
}
if (!FormatRegistry.Has('date-time'))
  FormatRegistry.Set('date-time', (value) => !Number.isNaN(Date.parse(value)));

describe('the constructs synthesize specs that the CRD schemas accept', () => {
  const charts = {
    'nightly ETL': () => new NightlyEtlChart(Testing.app(), 'nightly-etl'),
    'ML training': () => new MlTrainingChart(Testing.app(), 'ml-training'),
    'code from Git': () => new GitEtlChart(Testing.app(), 'git-etl'),
    'governed compute': () => new GovernedComputeChart(Testing.app(), 'governed-compute'),
    'every feature': () => everyFeatureChart(Testing.app()),
    'README quickstart': () => quickstart(Testing.app()),
  };

  it.each(Object.entries(charts))('%s', (_, build) => {
    const manifests = Testing.synth(build()).filter((m) =>
      m.apiVersion.startsWith('databricks.operator.dev/'),
    );
    expect(manifests.length).toBeGreaterThan(0);
    for (const manifest of manifests) {
      const definition = KINDS.find((kind) => kind.kind === manifest.kind);
      expect(definition).toBeDefined();
      const errors = [...Value.Errors(definition!.spec, manifest.spec)].map(
        (error) => `${manifest.kind} spec${error.path}: ${error.message}`,
      );
      expect(errors).toEqual([]);
      // The API server prunes fields its schema does not know; a field the constructs misspell would vanish.
      expect(Value.Clean(definition!.spec, structuredClone(manifest.spec))).toEqual(manifest.spec);
    }
  });

  it('the check itself finds wrong types and unknown fields', () => {
    const job = KINDS.find((kind) => kind.kind === 'DatabricksJob')!;
    const wrongType = { workspaceRef: { name: 'w' }, settings: { tasks: 'not a list' } };
    expect([...Value.Errors(job.spec, wrongType)].length).toBeGreaterThan(0);
    const unknownField = { workspaceRef: { name: 'w' }, settings: { name: 'x', taks: [] } };
    expect(Value.Clean(job.spec, structuredClone(unknownField))).not.toEqual(unknownField);
  });
});
