import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  DatabricksJob,
  DatabricksPipeline,
  DatabricksSqlWarehouse,
  DatabricksWorkspace,
  JobSchedule,
  TaskType,
  WorkspaceAuth,
} from '../../lib/index.js';

/**
 * A pipeline and the job that runs it: a Lakeflow Declarative Pipeline refreshes the sales tables, then a
 * SQL task builds the daily report on a SQL warehouse. The job names both by reference, so the controller
 * waits until they exist and fills in their IDs.
 */
export class PipelineJobChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = { namespace: 'sales-analytics' }) {
    super(scope, id, props);

    const workspace = new DatabricksWorkspace(this, 'workspace', {
      host: 'https://dbc-a1b2c3d4-e5f6.cloud.databricks.com',
      auth: WorkspaceAuth.token({ name: 'databricks-token', key: 'token' }),
    });

    const pipeline = new DatabricksPipeline(this, 'sales-tables', {
      workspace,
      settings: {
        catalog: 'main',
        schema: 'sales',
        serverless: true,
        libraries: [{ glob: { include: '/Workspace/Shared/sales/transformations/**' } }],
        configuration: { 'sales.source': 's3://acme-raw/sales/' },
        notifications: [{ email_recipients: ['sales-data@example.com'], alerts: ['on-update-failure'] }],
        tags: { team: 'sales-analytics' },
      },
    }).grant({ group: 'sales-analysts' }, 'CAN_VIEW');

    const warehouse = new DatabricksSqlWarehouse(this, 'reporting', {
      workspace,
      settings: {
        cluster_size: 'X-Small',
        min_num_clusters: 1,
        max_num_clusters: 2,
        auto_stop_mins: 15,
        warehouse_type: 'PRO',
        enable_serverless_compute: true,
        tags: { custom_tags: [{ key: 'team', value: 'sales-analytics' }] },
      },
    }).grant({ group: 'sales-analysts' }, 'CAN_USE');

    const job = new DatabricksJob(this, 'daily-sales', {
      workspace,
      description: 'Refreshes the sales tables, then builds the daily sales report.',
      schedule: JobSchedule.cron('0 0 5 * * ?', { timezone: 'Europe/Amsterdam' }),
      notifications: { onFailure: ['sales-data@example.com'] },
    });
    const refresh = job.addTask('refresh', { type: TaskType.pipeline(pipeline) });
    job
      .addTask('report', {
        type: TaskType.sql(warehouse, {
          file: { path: '/Workspace/Shared/sales/daily_report.sql', source: 'WORKSPACE' },
        }),
      })
      .dependsOn(refresh);
  }
}
