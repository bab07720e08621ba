import { fileURLToPath } from 'node:url';
import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  DatabricksCluster,
  DatabricksDbfsFile,
  DatabricksJob,
  DatabricksRun,
  DatabricksWorkspace,
  TaskType,
  WorkspaceAuth,
} from '../../lib/index.js';

/**
 * An ML training job on a shared GPU cluster, with its configuration uploaded to DBFS from a local file,
 * and a DatabricksRun that trains once as soon as everything is in place.
 */
export class MlTrainingChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = { namespace: 'ml' }) {
    super(scope, id, props);

    const workspace = new DatabricksWorkspace(this, 'workspace', {
      host: 'https://dbc-a1b2c3d4-e5f6.cloud.databricks.com',
      auth: WorkspaceAuth.oauthM2M({
        clientId: '22222222-2222-2222-2222-222222222222',
        clientSecret: { name: 'databricks-oauth', key: 'client-secret' },
      }),
    });

    const gpuCluster = new DatabricksCluster(this, 'gpu', {
      workspace,
      settings: {
        cluster_name: 'ml-training-gpu',
        spark_version: '15.4.x-gpu-ml-scala2.12',
        node_type_id: 'g5.xlarge',
        num_workers: 2,
        autotermination_minutes: 30,
        data_security_mode: 'SINGLE_USER',
        single_user_name: 'ml-bot@example.com',
      },
    });

    const config = DatabricksDbfsFile.fromFile(this, 'train-config', {
      workspace,
      localPath: fileURLToPath(new URL('./train-config.json', import.meta.url)),
      path: '/FileStore/ml/churn/train-config.json',
    });

    const training = new DatabricksJob(this, 'train-churn', {
      workspace,
      parameters: { epochs: '10', config: `dbfs:${config.path}` },
      notifications: { onFailure: ['ml-team@example.com'], onSuccess: ['ml-team@example.com'] },
      settings: {
        git_source: {
          git_url: 'https://github.com/example/churn-model',
          git_provider: 'gitHub',
          git_tag: 'v2.1.0',
        },
      },
    });
    const prepare = training.addTask('prepare-features', {
      type: TaskType.sparkPython({ python_file: 'ml/prepare_features.py', source: 'GIT' }),
      runOn: gpuCluster,
    });
    training
      .addTask('train', {
        type: TaskType.pythonWheel({
          package_name: 'churn_model',
          entry_point: 'train',
          named_parameters: { config: '{{job.parameters.config}}', epochs: '{{job.parameters.epochs}}' },
        }),
        runOn: gpuCluster,
        libraries: [{ pypi: { package: 'churn-model==2.1.0' } }],
      })
      .dependsOn(prepare);

    new DatabricksRun(this, 'train-now', { job: training, jobParameters: { epochs: '20' } });
  }
}
