// The README example: a nightly two-task job on a job cluster. Kept here so that the tests compile and
// synthesize it; README.md shows the body of the function.
import { App, Chart } from 'cdk8s';
import { DatabricksJob, DatabricksWorkspace, JobSchedule, TaskType, WorkspaceAuth } from '../../lib/index.js';

/** Builds the README example into a chart of the given app. */
export function quickstart(app: App, namespace = 'analytics'): Chart {
  const chart = new Chart(app, 'analytics', { namespace });

  const workspace = new DatabricksWorkspace(chart, 'prod', {
    host: 'https://adb-1234567890123456.7.azuredatabricks.net',
    auth: WorkspaceAuth.token({ name: 'databricks-token', key: 'token' }),
  });

  const job = new DatabricksJob(chart, 'daily-report', {
    workspace,
    schedule: JobSchedule.cron('0 0 6 ? * MON-FRI', { timezone: 'Europe/Amsterdam' }),
    notifications: { onFailure: ['analytics@example.com'] },
  });
  const cluster = job.addJobCluster('small', {
    spark_version: '15.4.x-scala2.12',
    node_type_id: 'Standard_DS3_v2',
    num_workers: 2,
  });

  const extract = job.addTask('extract', {
    type: TaskType.notebook('/Shared/report/extract'),
    runOn: cluster,
  });
  job
    .addTask('render', { type: TaskType.notebook('/Shared/report/render'), runOn: cluster })
    .dependsOn(extract);

  return chart;
}
