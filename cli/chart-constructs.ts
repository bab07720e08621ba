/**
 * A {@link ChartModel} made into the library's constructs, with the same calls the TypeScript writer
 * prints (typescript-app.ts), so that the YAML a command writes is what `cdk8s synth` of the TypeScript it
 * writes gives.
 */
import { Chart, type App } from 'cdk8s';
import {
  DatabricksCluster,
  DatabricksClusterPolicy,
  DatabricksDbfsFile,
  DatabricksInstancePool,
  DatabricksPipeline,
  DatabricksGitCredential,
  DatabricksRepo,
  DatabricksSqlWarehouse,
  DatabricksJob,
  DatabricksNotebook,
  DatabricksRun,
  DatabricksSecretScope,
  DatabricksWorkspace,
  TaskType,
  WorkspaceAuth,
  type IDatabricksCluster,
  type IDatabricksClusterPolicy,
  type IDatabricksInstancePool,
  type IDatabricksJob,
  type IDatabricksNotebook,
  type IDatabricksPipeline,
  type IDatabricksRepo,
  type IDatabricksSqlWarehouse,
  type JobCluster,
  type Task,
  type TaskTypeField,
  type TaskTypePayload,
} from '../lib/index.js';
import {
  referencedObject,
  type ChartModel,
  type ComputeModel,
  type JobModel,
  type ObjectModel,
  type ObjectReference,
  type TaskTypeModel,
} from './app-model.js';

/** The factory of `TaskType` for a task-type field, where the library has one besides `TaskType.of`. */
export const TASK_TYPE_FACTORIES: Partial<Record<TaskTypeField, string>> = {
  notebook_task: 'notebook',
  spark_python_task: 'sparkPython',
  python_wheel_task: 'pythonWheel',
  spark_jar_task: 'sparkJar',
  spark_submit_task: 'sparkSubmit',
  sql_task: 'sql',
  dbt_task: 'dbt',
  pipeline_task: 'pipeline',
  run_job_task: 'runJob',
  condition_task: 'condition',
  for_each_task: 'forEach',
  power_bi_task: 'powerBi',
  alert_task: 'alert',
};

type Referable =
  | IDatabricksCluster
  | IDatabricksJob
  | IDatabricksNotebook
  | IDatabricksClusterPolicy
  | IDatabricksInstancePool
  | IDatabricksPipeline
  | IDatabricksSqlWarehouse
  | IDatabricksRepo;

/** What `withPolicy` and `withPool` are called on: a DatabricksCluster or a job cluster. */
interface Compute {
  withPolicy(policy: IDatabricksClusterPolicy): unknown;
  withPool(pool: IDatabricksInstancePool, options?: { driver?: IDatabricksInstancePool }): unknown;
}

/** Calls `withPolicy` and `withPool` on `target` as `compute` says. */
function applyCompute(
  target: Compute,
  compute: ComputeModel | undefined,
  reference: (target: ObjectReference) => Referable,
): void {
  if (compute?.policy) target.withPolicy(reference(compute.policy) as IDatabricksClusterPolicy);
  if (compute?.pool) {
    const driver = compute.driverPool && (reference(compute.driverPool) as IDatabricksInstancePool);
    target.withPool(reference(compute.pool) as IDatabricksInstancePool, driver ? { driver } : {});
  }
}

/** Adds `model` to `app` as a chart of constructs; returns the chart. */
export function buildChart(app: App, model: ChartModel): Chart {
  const chart = new Chart(app, model.className, model.namespace ? { namespace: model.namespace } : {});
  const ws = model.workspace;
  const workspace = new DatabricksWorkspace(chart, ws.id, {
    metadata: { name: ws.name, ...(ws.labels ? { labels: { ...ws.labels } } : {}) },
    host: ws.host,
    auth:
      'token' in ws.auth
        ? WorkspaceAuth.token(ws.auth.token)
        : WorkspaceAuth.oauthM2M({
            clientId: ws.auth.oauthM2M.clientId,
            clientSecret: ws.auth.oauthM2M.clientSecret,
          }),
    ...(ws.host.startsWith('http://') ? { insecureHttp: true } : {}),
  });
  const built = new Map<ObjectModel, Referable>();
  const reference = (target: ObjectReference): Referable => {
    const object = referencedObject(model, target);
    const existing = object && built.get(object);
    if (existing) return existing;
    switch (target.kind) {
      case 'DatabricksCluster':
        return DatabricksCluster.fromName(target.name);
      case 'DatabricksJob':
        return DatabricksJob.fromName(target.name, workspace);
      case 'DatabricksNotebook':
        return DatabricksNotebook.fromName(target.name);
      case 'DatabricksClusterPolicy':
        return DatabricksClusterPolicy.fromName(target.name, workspace);
      case 'DatabricksInstancePool':
        return DatabricksInstancePool.fromName(target.name, workspace);
      case 'DatabricksPipeline':
        return DatabricksPipeline.fromName(target.name, workspace);
      case 'DatabricksSqlWarehouse':
        return DatabricksSqlWarehouse.fromName(target.name, workspace);
      case 'DatabricksRepo':
        return DatabricksRepo.fromName(target.name, workspace);
    }
  };
  for (const object of model.objects) {
    const metadata = { name: object.name, ...(object.labels ? { labels: { ...object.labels } } : {}) };
    switch (object.kind) {
      case 'DatabricksCluster': {
        const cluster = new DatabricksCluster(chart, object.id, {
          metadata,
          workspace,
          settings: object.settings,
          state: object.state,
          clusterId: object.clusterId,
        });
        applyCompute(cluster, object.compute, reference);
        built.set(object, cluster);
        break;
      }
      case 'DatabricksJob':
        built.set(object, buildJob(chart, object, metadata, workspace, reference));
        break;
      case 'DatabricksSecretScope':
        new DatabricksSecretScope(chart, object.id, {
          metadata,
          workspace,
          scopeName: object.scopeName,
          adopt: object.adopt,
          backend: object.backend,
          secrets: object.secrets.length > 0 ? object.secrets : undefined,
          acls: object.acls,
        });
        break;
      case 'DatabricksDbfsFile':
        new DatabricksDbfsFile(chart, object.id, {
          metadata,
          workspace,
          path: object.path,
          content: { contents: object.content.bytes },
          overwrite: object.overwrite,
        });
        break;
      case 'DatabricksNotebook':
        built.set(
          object,
          new DatabricksNotebook(chart, object.id, {
            metadata,
            workspace,
            path: object.path,
            content: object.content.bytes,
            language: object.language,
            format: object.format,
            overwrite: object.overwrite,
          }),
        );
        break;
      case 'DatabricksRun':
        new DatabricksRun(chart, object.id, {
          metadata,
          workspace,
          job: object.job && (reference(object.job) as IDatabricksJob),
          runNow: object.runNow,
          submit: object.submit,
        });
        break;
      case 'DatabricksClusterPolicy':
        built.set(
          object,
          new DatabricksClusterPolicy(chart, object.id, {
            metadata,
            workspace,
            policyName: object.policyName,
            description: object.description,
            definition: object.definition,
            policyFamilyId: object.policyFamilyId,
            policyFamilyDefinitionOverrides: object.policyFamilyDefinitionOverrides,
            maxClustersPerUser: object.maxClustersPerUser,
            libraries: object.libraries,
            adopt: object.adopt,
          }),
        );
        break;
      case 'DatabricksInstancePool':
        built.set(
          object,
          new DatabricksInstancePool(chart, object.id, {
            metadata,
            workspace,
            settings: object.settings,
            adopt: object.adopt,
          }),
        );
        break;
      case 'DatabricksPipeline':
        built.set(
          object,
          new DatabricksPipeline(chart, object.id, {
            metadata,
            workspace,
            settings: object.settings,
            pipelineId: object.pipelineId,
          }),
        );
        break;
      case 'DatabricksRepo':
        built.set(
          object,
          new DatabricksRepo(chart, object.id, {
            metadata,
            workspace,
            path: object.path,
            url: object.url,
            provider: object.provider,
            branch: object.branch,
            sparseCheckout: object.sparseCheckout,
            adopt: object.adopt,
          }),
        );
        break;
      case 'DatabricksGitCredential':
        new DatabricksGitCredential(chart, object.id, {
          metadata,
          workspace,
          provider: object.provider,
          username: object.username,
          email: object.email,
          token: object.token,
          adopt: object.adopt,
        });
        break;
      case 'DatabricksSqlWarehouse':
        built.set(
          object,
          new DatabricksSqlWarehouse(chart, object.id, {
            metadata,
            workspace,
            settings: object.settings,
            state: object.state,
            warehouseId: object.warehouseId,
          }),
        );
        break;
    }
  }
  return chart;
}

function buildJob(
  chart: Chart,
  model: JobModel,
  metadata: { name: string },
  workspace: DatabricksWorkspace,
  reference: (target: ObjectReference) => Referable,
): DatabricksJob {
  const job = new DatabricksJob(chart, model.id, {
    metadata,
    workspace,
    jobId: model.jobId,
    jobName: model.jobName,
    description: model.description,
    maxConcurrentRuns: model.maxConcurrentRuns,
    tags: model.tags,
    deletionPolicy: model.deletionPolicy,
    settings: Object.keys(model.settings).length > 0 ? model.settings : undefined,
  });
  const jobClusters = new Map<string, JobCluster>();
  for (const { key, spec, compute } of model.jobClusters) {
    const jobCluster = job.addJobCluster(key, spec);
    applyCompute(jobCluster, compute, reference);
    jobClusters.set(key, jobCluster);
  }
  const tasks = new Map<string, Task>();
  for (const task of model.tasks) {
    const runOn = task.runOn
      ? 'jobCluster' in task.runOn
        ? jobClusters.get(task.runOn.jobCluster)
        : (reference(task.runOn.cluster) as IDatabricksCluster)
      : undefined;
    const dependsOn = task.dependsOn.filter((d) => d.outcome === undefined).map((d) => tasks.get(d.key)!);
    const added = job.addTask(task.key, {
      type: task.type && taskType(task.type, reference),
      runOn,
      dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
      runIf: task.runIf,
      description: task.description,
      maxRetries: task.maxRetries,
      libraries: task.libraries,
      settings: Object.keys(task.settings).length > 0 ? task.settings : undefined,
    });
    for (const { key, outcome } of task.dependsOn) {
      if (outcome !== undefined) added.dependsOnOutcome(tasks.get(key)!, outcome === 'true');
    }
    tasks.set(task.key, added);
  }
  return job;
}

function taskType(type: TaskTypeModel, reference: (target: ObjectReference) => Referable): TaskType {
  const warehouse = type.warehouse && (reference(type.warehouse) as IDatabricksSqlWarehouse);
  // A notebook, dashboard, Power BI or alert task takes its warehouse among its options.
  const payload: Record<string, unknown> = { ...type.payload, ...(warehouse ? { warehouse } : {}) };
  if (warehouse && type.field === 'dbt_task') {
    return TaskType.dbt(
      warehouse,
      type.payload as Omit<TaskTypePayload<'dbt_task'>, 'warehouse_id' | 'warehouse_ref'>,
    );
  }
  if (warehouse && type.field === 'dashboard_task') {
    const { dashboard_id: id, ...rest } = payload;
    return TaskType.dashboard(String(id), rest);
  }
  if (warehouse && type.field === 'power_bi_task') return TaskType.powerBi(payload);
  if (warehouse && type.field === 'alert_task') return TaskType.alert(payload);
  if (type.target?.kind === 'DatabricksRepo' && type.targetPath !== undefined) {
    const repo = reference(type.target) as IDatabricksRepo;
    if (type.field === 'notebook_task') return TaskType.notebook(repo.notebook(type.targetPath), payload);
    if (type.field === 'spark_python_task')
      return TaskType.sparkPython(repo.pythonFile(type.targetPath), payload);
  }
  if (type.field === 'notebook_task') {
    const target = type.target
      ? (reference(type.target) as IDatabricksNotebook)
      : String(payload.notebook_path);
    const { notebook_path: _path, ...rest } = payload;
    return TaskType.notebook(target, rest);
  }
  if (type.field === 'run_job_task') {
    const target = type.target ? (reference(type.target) as IDatabricksJob) : Number(payload.job_id);
    const { job_id: _id, ...rest } = payload;
    return TaskType.runJob(target, rest);
  }
  if (type.field === 'pipeline_task' && type.target) {
    const { pipeline_id: _id, ...rest } = payload;
    return TaskType.pipeline(reference(type.target) as IDatabricksPipeline, rest);
  }
  if (type.field === 'sql_task' && type.target) {
    const { warehouse_id: _id, ...rest } = payload;
    return TaskType.sql(
      reference(type.target) as IDatabricksSqlWarehouse,
      rest as Omit<TaskTypePayload<'sql_task'>, 'warehouse_id' | 'warehouse_ref'>,
    );
  }
  return TaskType.of(type.field, payload as TaskTypePayload<TaskTypeField>);
}
