import { Chart, Testing } from 'cdk8s';
import {
  DatabricksCluster,
  DatabricksJob,
  DatabricksWorkspace,
  TaskType,
  type TaskCompute,
} from '../../lib/index.js';

function taskPayload(type: TaskType) {
  const chart = new Chart(Testing.app(), 'app');
  const job = new DatabricksJob(chart, 'job', { workspace: DatabricksWorkspace.fromName('w') });
  return job.addTask('t', { type }).toPayload();
}

describe('TaskType', () => {
  it.each([
    ['sparkJar', TaskType.sparkJar({ main_class_name: 'com.example.Main' }), 'spark_jar_task'],
    ['sparkPython', TaskType.sparkPython({ python_file: 'main.py' }), 'spark_python_task'],
    ['sparkSubmit', TaskType.sparkSubmit({ parameters: ['--class', 'Main'] }), 'spark_submit_task'],
    ['dbt', TaskType.dbt({ commands: ['dbt run'] }), 'dbt_task'],
    ['pipeline', TaskType.pipeline({ pipeline_id: 'p-1' }), 'pipeline_task'],
    ['sql', TaskType.sql({ warehouse_id: 'w', query: { query_id: 'q' } }), 'sql_task'],
    ['condition', TaskType.condition({ op: 'EQUAL_TO', left: 'a', right: 'b' }), 'condition_task'],
    [
      'forEach',
      TaskType.forEach({
        inputs: '[1,2]',
        task: { task_key: 'inner', notebook_task: { notebook_path: '/n' } },
      }),
      'for_each_task',
    ],
    ['of', TaskType.of('pipeline_task', { pipeline_id: 'p-2' }), 'pipeline_task'],
  ])('%s puts its payload under its Jobs API field', (_, type, field) => {
    expect(taskPayload(type)).toEqual({ task_key: 't', [field]: type.payload });
    expect(type.field).toBe(field);
  });

  it('notebook takes a path as notebook_path and keeps the other notebook_task fields', () => {
    expect(
      taskPayload(TaskType.notebook('etl/ingest', { source: 'GIT', base_parameters: { a: 'b' } })),
    ).toEqual({
      task_key: 't',
      notebook_task: { notebook_path: 'etl/ingest', source: 'GIT', base_parameters: { a: 'b' } },
    });
  });

  it('runJob takes a job ID as job_id and a job as job_ref', () => {
    expect(taskPayload(TaskType.runJob(12)).run_job_task).toEqual({ job_id: 12 });
    expect(taskPayload(TaskType.runJob(DatabricksJob.fromName('other'))).run_job_task).toEqual({
      job_ref: { name: 'other' },
    });
  });
});

describe('Task', () => {
  it('keeps depends_on and libraries from settings and appends the fluent ones', () => {
    const chart = new Chart(Testing.app(), 'app');
    const job = new DatabricksJob(chart, 'job', { workspace: DatabricksWorkspace.fromName('w') });
    const first = job.addTask('first', { type: TaskType.notebook('/a') });
    const task = job
      .addTask('second', {
        type: TaskType.notebook('/b'),
        settings: { depends_on: [{ task_key: 'zero' }], libraries: [{ jar: 'a.jar' }] },
      })
      .dependsOn(first)
      .addLibrary({ jar: 'b.jar' });
    expect(task.toPayload()).toMatchObject({
      depends_on: [{ task_key: 'zero' }, { task_key: 'first' }],
      libraries: [{ jar: 'a.jar' }, { jar: 'b.jar' }],
    });
    expect(task.dependencyKeys).toEqual(['zero', 'first']);
  });

  it('synthesizes run_if and description', () => {
    const chart = new Chart(Testing.app(), 'app');
    const job = new DatabricksJob(chart, 'job', { workspace: DatabricksWorkspace.fromName('w') });
    const task = job.addTask('cleanup', {
      type: TaskType.notebook('/cleanup'),
      runIf: 'ALL_DONE',
      description: 'Removes temporary tables, whatever happened before.',
    });
    expect(task.toPayload()).toMatchObject({
      run_if: 'ALL_DONE',
      description: 'Removes temporary tables, whatever happened before.',
    });
  });

  it('uses the last compute given to runOn', () => {
    const chart = new Chart(Testing.app(), 'app');
    const job = new DatabricksJob(chart, 'job', { workspace: DatabricksWorkspace.fromName('w') });
    const cluster = job.addJobCluster('main', { spark_version: '15.4.x-scala2.12', num_workers: 1 });
    const task = job
      .addTask('t', { type: TaskType.notebook('/a'), runOn: cluster })
      .runOn(DatabricksCluster.fromName('shared'));
    expect(task.toPayload()).toEqual({
      task_key: 't',
      notebook_task: { notebook_path: '/a' },
      existing_cluster_ref: { name: 'shared' },
    });
  });

  it('takes only a cluster where a cluster belongs (npm run typecheck fails otherwise)', () => {
    const workspace = DatabricksWorkspace.fromName('w');
    // @ts-expect-error a workspace has a name too, but it is not a cluster
    const compute: TaskCompute = workspace;
    expect(compute).toBe(workspace);
  });
});
