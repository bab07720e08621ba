import { Testing } from 'cdk8s';
import { GitEtlChart } from '../../examples/git-etl/git-etl.js';
import { GovernedComputeChart } from '../../examples/governed-compute/governed-compute.js';
import { MlTrainingChart } from '../../examples/ml-training/ml-training.js';
import { NightlyEtlChart } from '../../examples/nightly-etl/nightly-etl.js';
import { PipelineJobChart } from '../../examples/pipeline-job/pipeline-job.js';
import { quickstart } from '../../examples/quickstart/quickstart.js';

describe('examples', () => {
  it('nightly ETL synthesizes a workspace, a secret scope, a notebook and a scheduled job', () => {
    const manifests = Testing.synth(new NightlyEtlChart(Testing.app(), 'nightly-etl'));
    expect(manifests.map((m) => m.kind).sort()).toEqual([
      'DatabricksJob',
      'DatabricksNotebook',
      'DatabricksSecretScope',
      'DatabricksWorkspace',
    ]);
    const job = manifests.find((m) => m.kind === 'DatabricksJob');
    const scope = manifests.find((m) => m.kind === 'DatabricksSecretScope');
    expect(job.spec.settings.job_clusters[0].new_cluster.spark_conf['spark.hadoop.warehouse.password']).toBe(
      `{{secrets/${scope.spec.scopeName}/password}}`,
    );
    expect(manifests).toMatchSnapshot();
  });

  it('ML training synthesizes a cluster, a DBFS file, a job and a run of that job', () => {
    const manifests = Testing.synth(new MlTrainingChart(Testing.app(), 'ml-training'));
    const job = manifests.find((m) => m.kind === 'DatabricksJob');
    const run = manifests.find((m) => m.kind === 'DatabricksRun');
    expect(run.spec).toEqual({
      workspaceRef: job.spec.workspaceRef,
      jobRef: { name: job.metadata.name },
      runNow: { job_parameters: { epochs: '20' } },
    });
    expect(manifests).toMatchSnapshot();
  });

  it('code from Git synthesizes a Git credential, a Git folder and a job whose notebooks are in that folder', () => {
    const manifests = Testing.synth(new GitEtlChart(Testing.app(), 'git-etl'));
    expect(manifests.map((m) => m.kind)).toEqual([
      'DatabricksWorkspace',
      'DatabricksGitCredential',
      'DatabricksRepo',
      'DatabricksJob',
    ]);
    const repo = manifests.find((m) => m.kind === 'DatabricksRepo');
    const job = manifests.find((m) => m.kind === 'DatabricksJob');
    expect(job.spec.settings.tasks.map((task: { notebook_task: unknown }) => task.notebook_task)).toEqual([
      { repo_ref: { name: repo.metadata.name, path: 'etl/ingest' } },
      { repo_ref: { name: repo.metadata.name, path: 'etl/publish' } },
    ]);
    expect(manifests).toMatchSnapshot();
  });

  it('governed compute synthesizes a policy, a pool, and a job cluster and a cluster that name both', () => {
    const manifests = Testing.synth(new GovernedComputeChart(Testing.app(), 'governed-compute'));
    const byKind = (kind: string) => manifests.find((m) => m.kind === kind);
    const refs = {
      policy_ref: { name: byKind('DatabricksClusterPolicy').metadata.name },
      instance_pool_ref: { name: byKind('DatabricksInstancePool').metadata.name },
    };
    expect(byKind('DatabricksJob').spec.settings.job_clusters[0].new_cluster).toMatchObject(refs);
    expect(byKind('DatabricksCluster').spec.settings).toMatchObject(refs);
  });

  it('the README quickstart synthesizes a workspace and a scheduled two-task job', () => {
    const manifests = Testing.synth(quickstart(Testing.app()));
    expect(manifests.map((m) => m.kind)).toEqual(['DatabricksWorkspace', 'DatabricksJob']);
    expect(manifests).toMatchSnapshot();
  });

  it('pipeline job synthesizes a pipeline, a warehouse and a job that names both by reference', () => {
    const manifests = Testing.synth(new PipelineJobChart(Testing.app(), 'pipeline-job'));
    const byKind = (kind: string) => manifests.find((m) => m.kind === kind);
    const tasks = byKind('DatabricksJob').spec.settings.tasks;
    expect(tasks[0].pipeline_task).toEqual({
      pipeline_ref: { name: byKind('DatabricksPipeline').metadata.name },
    });
    expect(tasks[1].sql_task.warehouse_ref).toEqual({ name: byKind('DatabricksSqlWarehouse').metadata.name });
    expect(tasks[1].depends_on).toEqual([{ task_key: 'refresh' }]);
  });
});
