/**
 * `imports/` is the L1 that `cdk8s import` generates from the CRDs: camelCase props that render back to
 * the CRD's own field names. The L2 constructs are not built on it (they take Databricks JSON verbatim,
 * snake_case, so a payload pasted from the Jobs API fits as it is); the L1 stays committed for apps that
 * want the bare typed resources. This checks the two write the same object for the same job, map keys
 * (`spark_conf`, `tags`) and all, and that what the L1 writes is valid against the schema.
 */
import { Chart, Testing } from 'cdk8s';
import { Value } from '@sinclair/typebox/value';
import * as l1 from '../../imports/databricks.operator.dev.js';
import { DatabricksJob, DatabricksWorkspace, TaskType } from '../../lib/index.js';
import { DatabricksJobSpec } from '../../lib/crds/index.js';

const NEW_CLUSTER = {
  spark_version: '15.4.x-scala2.12',
  node_type_id: 'i3.xlarge',
  num_workers: 2,
  spark_conf: { 'spark.sql.shuffle.partitions': '64', 'spark.databricks.delta.preview.enabled': 'true' },
  custom_tags: { 'cost-center': 'data', Team: 'ETL' },
};

function specOf(chart: Chart) {
  const [object] = Testing.synth(chart);
  return object.spec as Record<string, unknown>;
}

describe('imports/ (the generated L1)', () => {
  it('writes the same DatabricksJob as the L2 for the same job, map keys as given', () => {
    const l2Chart = new Chart(Testing.app(), 'l2', { namespace: 'data' });
    const job = new DatabricksJob(l2Chart, 'etl', {
      workspace: DatabricksWorkspace.fromName('prod'),
      metadata: { name: 'etl' },
      tags: { 'data-domain': 'sales' },
      settings: { max_concurrent_runs: 2 },
    });
    const main = job.addJobCluster('main', NEW_CLUSTER);
    job.addTask('ingest', { type: TaskType.notebook('/Shared/ingest'), runOn: main });

    const l1Chart = new Chart(Testing.app(), 'l1', { namespace: 'data' });
    new l1.DatabricksJob(l1Chart, 'etl', {
      metadata: { name: 'etl' },
      spec: {
        workspaceRef: { name: 'prod' },
        settings: {
          name: 'etl',
          maxConcurrentRuns: 2,
          tags: { 'data-domain': 'sales' },
          jobClusters: [
            {
              jobClusterKey: 'main',
              newCluster: {
                sparkVersion: NEW_CLUSTER.spark_version,
                nodeTypeId: NEW_CLUSTER.node_type_id,
                numWorkers: NEW_CLUSTER.num_workers,
                sparkConf: NEW_CLUSTER.spark_conf,
                customTags: NEW_CLUSTER.custom_tags,
              },
            },
          ],
          tasks: [
            {
              taskKey: 'ingest',
              notebookTask: { notebookPath: '/Shared/ingest' },
              jobClusterKey: 'main',
            },
          ],
        },
      },
    });

    const fromL1 = specOf(l1Chart);
    expect(fromL1).toEqual(specOf(l2Chart));
    expect(Value.Errors(DatabricksJobSpec, fromL1).First()).toBeUndefined();
  });

  it('has a class for every kind the CRDs define', async () => {
    const { KINDS } = await import('../../lib/crds/index.js');
    const classes = new Map(
      Object.values(l1)
        .filter((value): value is typeof l1.DatabricksJob => typeof value === 'function' && 'GVK' in value)
        .map((value) => [value.GVK.kind, value.GVK.apiVersion]),
    );
    for (const definition of KINDS) {
      expect(classes.get(definition.kind)).toBe('databricks.operator.dev/v1alpha1');
    }
  });
});
