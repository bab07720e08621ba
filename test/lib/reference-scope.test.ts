import { App, Chart, Testing } from 'cdk8s';
import {
  DatabricksCluster,
  DatabricksJob,
  DatabricksNotebook,
  DatabricksRun,
  DatabricksWorkspace,
  TaskType,
  WorkspaceAuth,
} from '../../lib/index.js';

const clusterSettings = { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 };

/** A chart with two workspaces, each with a cluster, a notebook and a job. */
function twoWorkspaces(namespace = 'data') {
  const chart = new Chart(Testing.app(), 'app', { namespace });
  const sides = (['prod', 'dev'] as const).map((name) => {
    const workspace = new DatabricksWorkspace(chart, name, {
      metadata: { name },
      host: `https://${name}.cloud.databricks.com`,
      auth: WorkspaceAuth.token({ name: `${name}-token`, key: 'token' }),
    });
    return {
      workspace,
      cluster: new DatabricksCluster(chart, `${name}-cluster`, { workspace, settings: clusterSettings }),
      notebook: new DatabricksNotebook(chart, `${name}-notebook`, {
        workspace,
        path: `/Shared/${name}`,
        content: 'print(1)',
        language: 'PYTHON',
      }),
      job: new DatabricksJob(chart, `${name}-job`, { workspace }),
    };
  });
  return { chart, prod: sides[0], dev: sides[1] };
}

describe('references stay inside their workspace at synth', () => {
  it('refuses a task on a cluster of another workspace, naming the task, the cluster, both workspaces and the fix', () => {
    const { chart, prod, dev } = twoWorkspaces();
    prod.job.addTask('t', { type: TaskType.notebook(prod.notebook), runOn: dev.cluster });
    expect(() => Testing.synth(chart)).toThrow(
      'task "t" runOn (existing_cluster_ref) refers to DatabricksCluster app/dev-cluster in DatabricksWorkspace dev, ' +
        'but this DatabricksJob is in DatabricksWorkspace prod; a reference must stay inside one workspace: ' +
        'refer to a DatabricksCluster of prod, or put this DatabricksJob in dev',
    );
  });

  it('refuses a notebook task and a run-job task that name objects of another workspace', () => {
    const { chart, prod, dev } = twoWorkspaces();
    prod.job.addTask('nb', { type: TaskType.notebook(dev.notebook), runOn: prod.cluster });
    prod.job.addTask('child', { type: TaskType.runJob(dev.job) });
    const synth = () => Testing.synth(chart);
    expect(synth).toThrow(
      'task "nb" notebook_task.notebook_ref refers to DatabricksNotebook app/dev-notebook in DatabricksWorkspace dev',
    );
    expect(synth).toThrow(
      'task "child" run_job_task.job_ref refers to DatabricksJob app/dev-job in DatabricksWorkspace dev',
    );
  });

  it('checks objects named with fromName when their workspace is given, and trusts them when it is not', () => {
    const { chart, prod } = twoWorkspaces();
    prod.job.addTask('known', {
      type: TaskType.runJob(DatabricksJob.fromName('elsewhere', DatabricksWorkspace.fromName('dev'))),
    });
    expect(() => Testing.synth(chart)).toThrow(
      'task "known" run_job_task.job_ref refers to DatabricksJob elsewhere in DatabricksWorkspace dev',
    );

    const trusted = twoWorkspaces();
    trusted.prod.job.addTask('unknown', {
      type: TaskType.notebook(DatabricksNotebook.fromName('nb')),
      runOn: DatabricksCluster.fromName('shared'),
    });
    expect(() => Testing.synth(trusted.chart)).not.toThrow();
  });

  it('accepts references within one workspace', () => {
    const { chart, prod } = twoWorkspaces();
    const child = new DatabricksJob(chart, 'child', { workspace: prod.workspace });
    prod.job.addTask('t', { type: TaskType.notebook(prod.notebook), runOn: prod.cluster });
    prod.job.addTask('c', { type: TaskType.runJob(child) });
    new DatabricksRun(chart, 'now', { job: prod.job });
    const manifests = Testing.synth(chart);
    const job = manifests.find((m) => m.metadata.name === prod.job.name);
    expect(job?.spec.settings.tasks[0]).toMatchObject({
      notebook_task: { notebook_ref: { name: prod.notebook.name } },
      existing_cluster_ref: { name: prod.cluster.name },
    });
  });

  it('refuses a cluster of the same workspace in another namespace: the reference would look in the job’s own', () => {
    const app = new App();
    const platform = new Chart(app, 'platform', { namespace: 'platform' });
    const team = new Chart(app, 'team', { namespace: 'team' });
    const workspace = DatabricksWorkspace.fromName('prod');
    const cluster = new DatabricksCluster(platform, 'shared', { workspace, settings: clusterSettings });
    new DatabricksJob(team, 'etl', { workspace }).addTask('t', {
      type: TaskType.notebook('/Shared/etl'),
      runOn: cluster,
    });
    expect(() => app.synth()).toThrow(
      'task "t" runOn (existing_cluster_ref) refers to DatabricksCluster platform/shared in namespace platform, but this DatabricksJob is in namespace team',
    );
  });

  it('refuses a run of a job of another workspace, which would start an unrelated job with that ID', () => {
    const { chart, prod, dev } = twoWorkspaces();
    new DatabricksRun(chart, 'r', { job: prod.job, workspace: dev.workspace });
    expect(() => Testing.synth(chart)).toThrow(
      'job (spec.jobRef) refers to DatabricksJob app/prod-job in DatabricksWorkspace prod, but this DatabricksRun ' +
        'is in DatabricksWorkspace dev; a reference must stay inside one workspace: refer to a DatabricksJob of dev, ' +
        'or put this DatabricksRun in prod',
    );
  });
});
