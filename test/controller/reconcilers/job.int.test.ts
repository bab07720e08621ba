import type { DatabricksJob } from '../../../controller/reconcilers/job.js';
import { RESOURCES, useOperatorTestBed } from '../operator-test-bed.js';

const JOBS = RESOURCES.DatabricksJob;

const notebookTask = (key: string) => ({
  task_key: key,
  notebook_task: { notebook_path: `/Shared/${key}` },
  new_cluster: { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 },
});

describe('DatabricksJob reconciler: create, update, drift and delete', () => {
  const bed = useOperatorTestBed('job');

  it('creates the job with the ownership marker and reports its ID, URL and Ready', async () => {
    await bed.create(JOBS, 'DatabricksJob', 'etl', {
      workspaceRef: { name: 'ws' },
      settings: { name: 'etl', tasks: [notebookTask('ingest')], tags: { team: 'data' } },
    });
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'etl');
    const jobId = job.status?.jobId;
    expect(jobId).toBeDefined();
    expect(job.status?.url).toBe(`${bed.fake.url}/jobs/${jobId}`);
    expect(job.metadata.finalizers).toContain('databricks.operator.dev/finalizer');
    const remote = (await bed.fake.ui.call('jobs/get', { job_id: jobId })) as {
      settings: { tags: Record<string, string>; name: string };
    };
    expect(remote.settings.name).toBe('etl');
    expect(remote.settings.tags).toEqual({
      team: 'data',
      'k8s-owner': `${bed.namespace}/etl`,
      'k8s-owner-uid': job.metadata.uid,
    });
    expect(bed.fake.requestCount('jobs/create')).toBe(1);
  });
});
