import { fileURLToPath } from 'node:url';
import { Chart, type ChartProps, Duration } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  DatabricksJob,
  DatabricksNotebook,
  DatabricksSecretScope,
  DatabricksWorkspace,
  JobSchedule,
  TaskType,
  WorkspaceAuth,
} from '../../lib/index.js';

/**
 * A nightly ETL job: ingest (a notebook from a local file), then transform and publish on one job cluster,
 * with warehouse credentials reaching Spark through a secret scope fed from a Kubernetes Secret.
 */
export class NightlyEtlChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = { namespace: 'data-platform' }) {
    super(scope, id, props);

    const workspace = new DatabricksWorkspace(this, 'workspace', {
      host: 'https://adb-1234567890123456.7.azuredatabricks.net',
      auth: WorkspaceAuth.azureServicePrincipal({
        tenantId: '00000000-0000-0000-0000-000000000000',
        clientId: '11111111-1111-1111-1111-111111111111',
        clientSecret: { name: 'databricks-sp', key: 'client-secret' },
      }),
    });

    const credentials = new DatabricksSecretScope(this, 'warehouse-credentials', { workspace })
      .addSecretsFrom('warehouse-credentials')
      .addSecretFrom('slack-webhook', { name: 'alerting', key: 'slack-webhook' });

    const ingestNotebook = DatabricksNotebook.fromFile(this, 'ingest-notebook', {
      workspace,
      localPath: fileURLToPath(new URL('./ingest.py', import.meta.url)),
      path: '/Shared/etl/ingest',
    });

    const job = new DatabricksJob(this, 'nightly-etl', {
      workspace,
      description: 'Loads, cleans and publishes the orders of the previous day.',
      schedule: JobSchedule.cron('0 30 2 * * ?', { timezone: 'Europe/Amsterdam' }),
      notifications: { onFailure: ['data-platform@example.com'] },
      timeout: Duration.hours(3),
      parameters: { date: '{{job.start_time.iso_date}}' },
      tags: { team: 'data-platform', cost_center: 'analytics' },
    });

    const etlCluster = job.addJobCluster('etl', {
      spark_version: '15.4.x-scala2.12',
      node_type_id: 'Standard_DS3_v2',
      autoscale: { min_workers: 2, max_workers: 8 },
      spark_conf: {
        'spark.sql.shuffle.partitions': '200',
        'spark.hadoop.warehouse.password': `${credentials.secret('password')}`,
      },
    });

    const ingest = job.addTask('ingest', {
      type: TaskType.notebook(ingestNotebook, { base_parameters: { date: '{{job.parameters.date}}' } }),
      runOn: etlCluster,
      maxRetries: 2,
    });
    const transform = job
      .addTask('transform', {
        type: TaskType.pythonWheel({ package_name: 'orders_etl', entry_point: 'transform' }),
        runOn: etlCluster,
        libraries: [{ whl: '/Volumes/main/artifacts/wheels/orders_etl-1.4.0-py3-none-any.whl' }],
      })
      .dependsOn(ingest);
    job
      .addTask('publish', {
        type: TaskType.sql({
          warehouse_id: 'abc123def456',
          file: { path: 'sql/publish_orders.sql', source: 'WORKSPACE' },
        }),
      })
      .dependsOn(transform);
  }
}
