import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import type { DatabricksRun } from '../../../../controller/reconcilers/run/run.js';
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
    // Half the minute of backoff: time enough for a loaded machine, too little for the backoff's retry.
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'nightly', {}, 30_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    const task = (await remoteJob(bed.fake, job.status?.jobId))?.settings.tasks?.[0];
    expect(task?.['notebook_task']).toMatchObject({ notebook_path: `${path}/etl/main` });
  }, 60_000);
});

describe('repo_ref in a job with a git_source', () => {
  const bed = useOperatorTestBed('repo-git-source', {
    operator: { kinds: ['DatabricksWorkspace', 'DatabricksJob', 'DatabricksRepo', 'DatabricksRun'] },
  });

  beforeEach(() => {
    bed.fake.setTiming({ runPendingMs: 50, taskRunningMs: 100, runTerminatingMs: 50 });
  });

  it("runs a notebook and a Python file from the Git folder's workspace path, while a task naming a path of its own reads it from git_source", async () => {
    const path = `/Repos/${bed.fake.userName}/code`;
    await bed.create(RESOURCES.DatabricksRepo, 'DatabricksRepo', 'code', {
      workspaceRef: { name: 'ws' },
      path,
      url: 'https://github.com/acme/etl.git',
      branch: 'main',
    });
    const git_source = {
      git_url: 'https://github.com/acme/etl.git',
      git_provider: 'gitHub',
      git_branch: 'main',
    };
    const cluster = { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 };
    await bed.create(
      JOBS,
      'DatabricksJob',
      'from-git',
      jobSpec({
        git_source,
        tasks: [
          {
            task_key: 'etl',
            notebook_task: { repo_ref: { name: 'code', path: 'etl/main' } },
            new_cluster: cluster,
          },
          {
            task_key: 'py',
            spark_python_task: { repo_ref: { name: 'code', path: 'jobs/run.py' } },
            new_cluster: cluster,
          },
          { task_key: 'git', notebook_task: { notebook_path: 'etl/report' }, new_cluster: cluster },
        ],
      }),
    );
    await bed.waitForCondition<DatabricksJob>(JOBS, 'from-git', {}, 20_000);
    await bed.create(RESOURCES.DatabricksRun, 'DatabricksRun', 'now', {
      workspaceRef: { name: 'ws' },
      jobRef: { name: 'from-git' },
    });
    const run = await bed.waitForCondition<DatabricksRun>(
      RESOURCES.DatabricksRun,
      'now',
      { type: 'Succeeded' },
      20_000,
    );

    const remote = (await bed.fake.ui.call('jobs/runs/get', { run_id: run.status?.runId })) as {
      git_source?: unknown;
      tasks: Record<string, unknown>[];
    };
    expect(remote.git_source).toEqual(git_source);
    const byKey = new Map(remote.tasks.map((task) => [task['task_key'], task]));
    expect(byKey.get('etl')?.['notebook_task']).toEqual({
      notebook_path: `${path}/etl/main`,
      source: 'WORKSPACE',
    });
    expect(byKey.get('py')?.['spark_python_task']).toEqual({
      python_file: `${path}/jobs/run.py`,
      source: 'WORKSPACE',
    });
    expect(byKey.get('git')?.['notebook_task']).toEqual({ notebook_path: 'etl/report', source: 'GIT' });
  });
});
