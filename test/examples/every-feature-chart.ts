import { type App, Chart, Duration } from 'cdk8s';
import {
  DatabricksCluster,
  DatabricksDbfsFile,
  DatabricksJob,
  DatabricksNotebook,
  DatabricksRun,
  DatabricksSecretScope,
  DatabricksWorkspace,
  JobSchedule,
  TaskType,
  WorkspaceAuth,
} from '../../lib/index.js';

/** Every prop and fluent method the examples leave out, so that all of them meet the schema. */
export function everyFeatureChart(app: App, namespace = 'all'): Chart {
  const chart = new Chart(app, 'all', { namespace });
  const workspace = new DatabricksWorkspace(chart, 'ws', {
    host: 'https://x.cloud.databricks.com',
    auth: WorkspaceAuth.token({ name: 'pat', key: 'token' }),
    rateLimit: 20,
  });
  const cluster = new DatabricksCluster(chart, 'cluster', {
    workspace,
    settings: { spark_version: '15.4.x-scala2.12', num_workers: 1 },
    state: 'Terminated',
    deletionPolicy: 'Retain',
    clusterId: '0101-abc',
  });
  const notebook = new DatabricksNotebook(chart, 'nb', {
    workspace,
    path: '/Shared/big',
    language: 'PYTHON',
    content: 'x = 1\n'.repeat(10000),
    deletionPolicy: 'Retain',
  });
  new DatabricksDbfsFile(chart, 'secret-file', {
    workspace,
    path: 'dbfs:/FileStore/key',
    content: { secretKey: { name: 's', key: 'k' } },
    overwrite: false,
  });
  new DatabricksSecretScope(chart, 'scope', {
    workspace,
    scopeName: 'all-scope',
    secrets: [{ key: 'inline', value: 'v' }],
    acls: [{ principal: 'users', permission: 'READ' }],
  })
    .addSecretFrom('a', { name: 's', key: 'a' })
    .addSecretsFrom('bulk', 'b-');
  const downstream = new DatabricksJob(chart, 'downstream', {
    workspace,
    jobId: 7,
    deletionPolicy: 'Retain',
  });
  downstream.addTask('only', { type: TaskType.sql({ warehouse_id: 'w', query: { query_id: 'q' } }) });
  const job = new DatabricksJob(chart, 'job', {
    workspace,
    jobName: 'everything',
    description: 'all of it',
    schedule: JobSchedule.daily({ hour: 3, minute: 15 }, { timezone: 'Europe/Amsterdam', paused: true }),
    notifications: { onStart: ['a@x'], onSuccess: ['a@x'], onFailure: ['a@x'], onDurationWarning: ['a@x'] },
    maxConcurrentRuns: 3,
    timeout: Duration.hours(1),
    parameters: { p: 'v' },
    tags: { t: 'v' },
    permissions: {
      mode: 'Authoritative',
      access_control_list: [{ group_name: 'users', permission_level: 'CAN_VIEW' }],
    },
    deletionPolicy: 'Pause',
  });
  const jobCluster = job.addJobCluster('main', { spark_version: '15.4.x-scala2.12', num_workers: 2 });
  const first = job.addTask('nb', {
    type: TaskType.notebook(notebook),
    runOn: cluster,
    timeout: Duration.minutes(5),
  });
  const check = job
    .addTask('check', {
      type: TaskType.condition({ op: 'GREATER_THAN', left: '{{job.parameters.p}}', right: '0' }),
    })
    .dependsOn(first);
  job
    .addTask('wheel', { type: TaskType.pythonWheel({ package_name: 'p', entry_point: 'e' }), maxRetries: 1 })
    .runOn(jobCluster)
    .addLibrary({ pypi: { package: 'requests' } })
    .dependsOnOutcome(check, true);
  job.addTask('next', { type: TaskType.runJob(downstream, { job_parameters: { a: 'b' } }) }).dependsOn(first);
  job.addParameter('q', 'w').addTag('u', 'v');
  new DatabricksRun(chart, 'run', { job, jobParameters: { p: '2' }, cancelOnDelete: false });
  new DatabricksRun(chart, 'once', {
    workspace,
    submit: { run_name: 'once', tasks: [{ task_key: 't', spark_python_task: { python_file: '/x.py' } }] },
  });
  return chart;
}
