import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import { RESOURCES, useOperatorTestBed, type OperatorTestBedOptions } from '../../operator-test-bed.js';
import { JOBS, jobSpec, remoteJob } from '../job/job-fixtures.js';

// A minute of not-Ready backoff: a job Ready faster than that was woken by the watch on the repo.
const operator: OperatorTestBedOptions['operator'] = {
  kinds: ['DatabricksWorkspace', 'DatabricksJob', 'DatabricksRepo'],
  notReadyBackoff: { minMs: 60_000, maxMs: 60_000 },
};

describe('notebook_task.repo_ref: a notebook inside a DatabricksRepo', () => {
  const bed = useOperatorTestBed('repo-refs', { operator });

  it('waits for the repo, is woken when it becomes Ready, and runs the notebook at its path inside the Git folder', async () => {
    await bed.create(
      JOBS,
      'DatabricksJob',
      'nightly',
      jobSpec({
        tasks: [{ task_key: 'etl', notebook_task: { repo_ref: { name: 'code', path: 'etl/main' } } }],
      }),
    );
    const waiting = await bed.waitForCondition<DatabricksJob>(JOBS, 'nightly', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(waiting.status?.conditions?.find((c) => c.type === 'Ready')?.message).toBe(
      'spec.settings.tasks[etl].notebook_task.repo_ref: DatabricksRepo code does not exist yet',
    );

    const started = Date.now();
    const path = `/Repos/${bed.fake.userName}/code`;
    await bed.create(RESOURCES.DatabricksRepo, 'DatabricksRepo', 'code', {
      workspaceRef: { name: 'ws' },
      path,
      url: 'https://github.com/acme/etl.git',
      branch: 'main',
    });
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'nightly', {}, 10_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    const task = (await remoteJob(bed.fake, job.status?.jobId))?.settings.tasks?.[0];
    expect(task?.['notebook_task']).toMatchObject({ notebook_path: `${path}/etl/main` });
  });
});
