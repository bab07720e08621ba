import { Value } from '@sinclair/typebox/value';
import {
  API_GROUP_VERSION,
  DatabricksJobSpec,
  DatabricksJobStatus,
  DatabricksRunSpec,
  KIND_TABLE,
  type ClusterSpec,
  type Task,
} from '../../lib/crds/index.js';

// The static types the controller decodes objects into. `tsc --noEmit` (npm test) checks the
// expect-error directives below: each must stay a compile error, so the types stay as precise as the schema.

describe('the static wire types', () => {
  it('type a job spec with the Databricks names and literal enums, and agree with the schema', () => {
    const spec: DatabricksJobSpec = {
      workspaceRef: { name: 'prod' },
      settings: {
        name: 'nightly',
        tasks: [
          { task_key: 'ingest', run_if: 'ALL_DONE', notebook_task: { notebook_path: '/Shared/ingest' } },
        ],
      },
      deletionPolicy: 'Pause',
    };
    expect(Value.Check(DatabricksJobSpec, spec)).toBe(true);
  });

  it('reject at compile time what the API server would reject', () => {
    // @ts-expect-error run_if takes only the Databricks values
    const task: Task = { task_key: 'a', run_if: 'ALWAYS' };
    // @ts-expect-error spark_conf is a map of strings
    const cluster: ClusterSpec = { spark_version: '15.4.x-scala2.12', spark_conf: { partitions: 200 } };
    // @ts-expect-error deletionPolicy Pause exists only for jobs
    const run: DatabricksRunSpec = { workspaceRef: { name: 'prod' }, deletionPolicy: 'Pause' };
    expect([task, cluster, run]).toHaveLength(3);
  });

  it('type the status the controller writes', () => {
    const status: DatabricksJobStatus = {
      observedGeneration: 3,
      jobId: 1234567890123,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Synced',
          message: 'the job matches the spec',
          lastTransitionTime: '2026-11-25T20:00:00Z',
        },
      ],
    };
    expect(Value.Check(DatabricksJobStatus, status)).toBe(true);
  });

  it('address every kind through the kind table', () => {
    expect(KIND_TABLE.DatabricksJob).toEqual({
      apiVersion: API_GROUP_VERSION,
      kind: 'DatabricksJob',
      plural: 'databricksjobs',
      shortName: 'dbjob',
    });
  });
});
