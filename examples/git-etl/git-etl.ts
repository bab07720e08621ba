import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  DatabricksGitCredential,
  DatabricksJob,
  DatabricksRepo,
  DatabricksWorkspace,
  JobSchedule,
  TaskType,
  WorkspaceAuth,
} from '../../lib/index.js';

/**
 * Code from Git: the workspace principal's Git credential (its token in a Kubernetes Secret), a Git folder
 * kept on the release branch, and a nightly job whose notebook tasks run from that folder: the job names
 * the notebooks by their path in the repository, and the controller fills in where the folder is.
 */
export class GitEtlChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = { namespace: 'git-etl' }) {
    super(scope, id, props);

    const workspace = new DatabricksWorkspace(this, 'workspace', {
      host: 'https://adb-1234567890123456.7.azuredatabricks.net',
      auth: WorkspaceAuth.token({ name: 'databricks-token', key: 'token' }),
    });

    const github = new DatabricksGitCredential(this, 'github', {
      workspace,
      provider: 'gitHub',
      username: 'etl-bot',
      token: { name: 'github-token', key: 'token' },
    });

    const code = new DatabricksRepo(this, 'etl-code', {
      workspace,
      path: '/Shared/git-etl-code',
      url: 'https://github.com/acme/orders-etl.git',
      branch: 'release',
      gitCredential: github,
    }).grant({ group: 'data-platform' }, 'CAN_RUN');

    const job = new DatabricksJob(this, 'orders-from-git', {
      workspace,
      description: 'Runs the orders ETL from the release branch of its Git repository.',
      schedule: JobSchedule.cron('0 0 3 * * ?', { timezone: 'Europe/Amsterdam' }),
      tags: { team: 'data-platform', source: 'git' },
    });
    const cluster = job.addJobCluster('etl', {
      spark_version: '15.4.x-scala2.12',
      node_type_id: 'Standard_DS3_v2',
      num_workers: 2,
    });
    const ingest = job.addTask('ingest', {
      type: TaskType.notebook(code.notebook('etl/ingest')),
      runOn: cluster,
    });
    job
      .addTask('publish', { type: TaskType.notebook(code.notebook('etl/publish')), runOn: cluster })
      .dependsOn(ingest);
  }
}
