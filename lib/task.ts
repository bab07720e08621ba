import type { Duration } from 'cdk8s';
import type { Library } from './crds/library.js';
import {
  TASK_COMPUTE_FIELDS,
  TASK_TYPE_FIELDS,
  TASK_TYPE_REFERENCE_PAIRS,
  type Task as TaskPayload,
} from './crds/task.js';
import type { IDatabricksCluster } from './databricks-cluster.js';
import type { IDatabricksNotebook } from './databricks-notebook.js';
import type { IDatabricksPipeline } from './databricks-pipeline.js';
import type { IDatabricksSqlWarehouse } from './databricks-sql-warehouse.js';
import type { RepoNotebook, RepoPythonFile } from './databricks-repo.js';
import { JobCluster } from './job-cluster.js';
import type { IDatabricksJob, JobOfMember } from './job-member.js';
import { referenceScopeProblem, type ReferenceTarget } from './reference-scope.js';

export type { TaskPayload };

/** The names of the task-type fields of a Jobs API task (`notebook_task`, `spark_python_task`, ...). */
export type TaskTypeField = (typeof TASK_TYPE_FIELDS)[number];

/** The Jobs API payload of one task type, e.g. `TaskTypePayload<'notebook_task'>`. */
export type TaskTypePayload<F extends TaskTypeField> = NonNullable<TaskPayload[F]>;

/** The `_ref` field a task type synthesizes for a target of each kind. */
function refFieldOf(target: ReferenceTarget | undefined): string {
  switch (target?.kind) {
    case 'DatabricksJob':
      return 'job_ref';
    case 'DatabricksPipeline':
      return 'pipeline_ref';
    case 'DatabricksSqlWarehouse':
      return 'warehouse_ref';
    case 'DatabricksRepo':
      return 'repo_ref';
    default:
      return 'notebook_ref';
  }
}

/** An object a task type's `_ref` names, with that `_ref` field (`notebook_ref`, `warehouse_ref`, ...). */
export interface TaskTypeTarget {
  readonly ref: string;
  readonly target: ReferenceTarget;
}

/** The rest of `notebook_task` for {@link TaskType.notebook}, and the SQL warehouse a SQL notebook runs on. */
export type NotebookTaskOptions = Omit<
  TaskTypePayload<'notebook_task'>,
  'notebook_path' | 'notebook_ref' | 'repo_ref' | 'warehouse_ref'
> & {
  /**
   * The SQL warehouse a SQL notebook runs on (serverless or pro), instead of a cluster: synthesizes
   * `notebook_task.warehouse_ref`, which the controller resolves to the warehouse's ID. (`warehouse_id`
   * takes an ID as it is; give one or the other.)
   *
   * @default - the notebook runs on the task's cluster
   */
  readonly warehouse?: IDatabricksSqlWarehouse;
};

/** The task types with a helper that takes only a warehouse besides their payload. */
export type WarehouseTaskField = 'dashboard_task' | 'power_bi_task' | 'alert_task';

/**
 * The payload of a task type that runs on a SQL warehouse, less `warehouse_ref` and the fields given as
 * arguments, with `warehouse`: a {@link DatabricksSqlWarehouse} the controller resolves to its ID.
 */
export type WarehouseTaskOptions<
  F extends WarehouseTaskField,
  Given extends keyof TaskTypePayload<F> = never,
> = Omit<TaskTypePayload<F>, 'warehouse_ref' | Given> & {
  /**
   * The SQL warehouse the task runs on: synthesizes `warehouse_ref`, which the controller resolves to the
   * warehouse's ID. (`warehouse_id` takes an ID as it is; give one or the other.)
   *
   * @default - the warehouse the Databricks object names, where it has one
   */
  readonly warehouse?: IDatabricksSqlWarehouse;
};

/** `warehouse_ref` to `warehouse`, and it as a target, when it is given. */
function warehouseReference(warehouse: IDatabricksSqlWarehouse | undefined): {
  payload: { warehouse_ref?: { name: string } };
  targets: TaskTypeTarget[];
} {
  if (!warehouse) return { payload: {}, targets: [] };
  return {
    payload: { warehouse_ref: { name: warehouse.name } },
    targets: [{ ref: 'warehouse_ref', target: warehouse }],
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** What a task does when it runs; a task has exactly one type. */
export class TaskType {
  /**
   * Runs a notebook. A {@link DatabricksNotebook} synthesizes `notebook_task.notebook_ref`, which the
   * controller resolves to the notebook's workspace path; a notebook of a Git folder
   * (`repo.notebook('etl/main')`) synthesizes `notebook_task.repo_ref`, resolved to the folder's path
   * followed by the notebook's; a string is used as `notebook_path` as it is (a workspace path, or a
   * path in the repository when `source` is `GIT`). The controller sends a resolved path with
   * `source: WORKSPACE`, so a job with a `git_source` still reads it from the workspace.
   *
   * @param options the rest of `notebook_task` (`base_parameters`, `source`, `warehouse_id`), and
   *   `warehouse`: a {@link DatabricksSqlWarehouse} to run a SQL notebook on
   *
   * @example
   * TaskType.notebook(code.notebook('reports/daily'), { warehouse: bi });
   */
  static notebook(
    notebook: IDatabricksNotebook | RepoNotebook | string,
    options: NotebookTaskOptions = {},
  ): TaskType {
    const { warehouse, ...rest } = options;
    const { payload: warehouseRef, targets } = warehouseReference(warehouse);
    const fields = { ...rest, ...warehouseRef };
    if (typeof notebook === 'string') {
      return new TaskType('notebook_task', { ...fields, notebook_path: notebook }, undefined, targets);
    }
    if ('repoPath' in notebook) {
      const repo_ref = { name: notebook.repo.name, path: notebook.repoPath };
      return new TaskType('notebook_task', { ...fields, repo_ref }, notebook.repo, targets);
    }
    const notebook_ref = { name: notebook.name };
    return new TaskType('notebook_task', { ...fields, notebook_ref }, notebook, targets);
  }

  /**
   * Runs a Python file with `spark_python_task`. A file of a Git folder (`repo.pythonFile('etl/main.py')`)
   * synthesizes `spark_python_task.repo_ref`, which the controller resolves to the folder's path followed
   * by the file's (read from the workspace, even when the job has a `git_source`); a string is used as
   * `python_file` as it is (a workspace path, a cloud URI, or a path in the repository when `source` is
   * `GIT`).
   *
   * @param options the rest of `spark_python_task` (`parameters`, `source`)
   *
   * @example
   * TaskType.sparkPython(code.pythonFile('etl/main.py'), { parameters: ['--day', '{{job.start_time.iso_date}}'] });
   */
  static sparkPython(
    file: RepoPythonFile | string,
    options?: Omit<TaskTypePayload<'spark_python_task'>, 'python_file' | 'repo_ref'>,
  ): TaskType;
  /** `spark_python_task` verbatim (`python_file`, `parameters`, `source`). */
  static sparkPython(payload: TaskTypePayload<'spark_python_task'>): TaskType;
  static sparkPython(
    file: RepoPythonFile | string | TaskTypePayload<'spark_python_task'>,
    options: Omit<TaskTypePayload<'spark_python_task'>, 'python_file' | 'repo_ref'> = {},
  ): TaskType {
    if (typeof file === 'string') {
      return new TaskType('spark_python_task', { ...options, python_file: file });
    }
    if ('pythonFile' in file && 'repo' in file) {
      const repo_ref = { name: file.repo.name, path: file.pythonFile };
      return new TaskType('spark_python_task', { ...options, repo_ref }, file.repo);
    }
    return new TaskType('spark_python_task', file);
  }

  /** Runs the entry point of a Python wheel with `python_wheel_task` (`package_name`, `entry_point`, ...). */
  static pythonWheel(payload: TaskTypePayload<'python_wheel_task'>): TaskType {
    return new TaskType('python_wheel_task', payload);
  }

  /** Runs the main class of a JAR with `spark_jar_task`. */
  static sparkJar(payload: TaskTypePayload<'spark_jar_task'>): TaskType {
    return new TaskType('spark_jar_task', payload);
  }

  /** Runs `spark-submit` with `spark_submit_task`. */
  static sparkSubmit(payload: TaskTypePayload<'spark_submit_task'>): TaskType {
    return new TaskType('spark_submit_task', payload);
  }

  /**
   * Runs a SQL query, file, dashboard or alert on a SQL warehouse with `sql_task`. A
   * {@link DatabricksSqlWarehouse} synthesizes `sql_task.warehouse_ref`, which the controller resolves to
   * the warehouse's ID; a string is used as `warehouse_id` as it is.
   *
   * @example
   * TaskType.sql(warehouse, { query: { query_id: '0a1b2c' } });
   */
  static sql(
    warehouse: IDatabricksSqlWarehouse | string,
    payload: Omit<TaskTypePayload<'sql_task'>, 'warehouse_id' | 'warehouse_ref'>,
  ): TaskType;
  /** `sql_task` verbatim, `warehouse_id` or `warehouse_ref` included. */
  static sql(payload: TaskTypePayload<'sql_task'>): TaskType;
  static sql(
    warehouse: IDatabricksSqlWarehouse | string | TaskTypePayload<'sql_task'>,
    payload?: Omit<TaskTypePayload<'sql_task'>, 'warehouse_id' | 'warehouse_ref'>,
  ): TaskType {
    if (typeof warehouse === 'string')
      return new TaskType('sql_task', { ...payload, warehouse_id: warehouse });
    if (!('kind' in warehouse)) return new TaskType('sql_task', warehouse);
    return new TaskType('sql_task', { ...payload, warehouse_ref: { name: warehouse.name } }, warehouse);
  }

  /**
   * Runs dbt commands with `dbt_task`, connected to a SQL warehouse. A {@link DatabricksSqlWarehouse}
   * synthesizes `dbt_task.warehouse_ref`, which the controller resolves to the warehouse's ID; a string
   * is used as `warehouse_id` as it is.
   *
   * @example
   * TaskType.dbt(bi, { commands: ['dbt deps', 'dbt build'], project_directory: 'analytics' });
   */
  static dbt(
    warehouse: IDatabricksSqlWarehouse | string,
    payload: Omit<TaskTypePayload<'dbt_task'>, 'warehouse_id' | 'warehouse_ref'>,
  ): TaskType;
  /** `dbt_task` verbatim, `warehouse_id` or `warehouse_ref` included (or neither, with a profiles.yml). */
  static dbt(payload: TaskTypePayload<'dbt_task'>): TaskType;
  static dbt(
    warehouse: IDatabricksSqlWarehouse | string | TaskTypePayload<'dbt_task'>,
    payload?: Omit<TaskTypePayload<'dbt_task'>, 'warehouse_id' | 'warehouse_ref'>,
  ): TaskType {
    if (typeof warehouse === 'string') {
      return new TaskType('dbt_task', { ...payload, warehouse_id: warehouse });
    }
    if (!('kind' in warehouse)) return new TaskType('dbt_task', warehouse);
    const { payload: warehouseRef, targets } = warehouseReference(warehouse);
    return new TaskType('dbt_task', { ...payload, ...warehouseRef }, undefined, targets);
  }

  /**
   * Refreshes an AI/BI dashboard with `dashboard_task` and sends its snapshot to the subscribers.
   *
   * @param options the rest of `dashboard_task` (`subscription`, `filters`, `warehouse_id`), and
   *   `warehouse`: a {@link DatabricksSqlWarehouse} that refreshes it
   *
   * @example
   * TaskType.dashboard('01ef0a1b2c3d', { warehouse: bi, subscription: { subscribers: [{ user_name: 'ana@example.com' }] } });
   */
  static dashboard(
    dashboardId: string,
    options: WarehouseTaskOptions<'dashboard_task', 'dashboard_id'> = {},
  ): TaskType {
    const { warehouse, ...rest } = options;
    return TaskType.onWarehouse('dashboard_task', { ...rest, dashboard_id: dashboardId }, warehouse);
  }

  /**
   * Publishes Unity Catalog tables to a Power BI semantic model with `power_bi_task`.
   *
   * @param options `power_bi_task` (`connection_resource_name`, `power_bi_model`, `tables`, ...), with
   *   `warehouse`: a {@link DatabricksSqlWarehouse} Power BI queries
   */
  static powerBi(options: WarehouseTaskOptions<'power_bi_task'>): TaskType {
    const { warehouse, ...rest } = options;
    return TaskType.onWarehouse('power_bi_task', rest, warehouse);
  }

  /**
   * Evaluates a SQL alert with `alert_task` (`alert_id` or `workspace_path`).
   *
   * @param options `alert_task` (`alert_id` or `workspace_path`, `subscribers`), with `warehouse`: a
   *   {@link DatabricksSqlWarehouse} that evaluates it
   *
   * @example
   * TaskType.alert({ alert_id: '7d1c', warehouse: bi, subscribers: [{ user_name: 'ana@example.com' }] });
   */
  static alert(options: WarehouseTaskOptions<'alert_task'>): TaskType {
    const { warehouse, ...rest } = options;
    return TaskType.onWarehouse('alert_task', rest, warehouse);
  }

  /** A task type whose payload names `warehouse` by `warehouse_ref` when it is given. */
  private static onWarehouse(
    field: WarehouseTaskField,
    payload: object,
    warehouse: IDatabricksSqlWarehouse | undefined,
  ): TaskType {
    const { payload: warehouseRef, targets } = warehouseReference(warehouse);
    return new TaskType(field, { ...payload, ...warehouseRef }, undefined, targets);
  }

  /**
   * Updates a Lakeflow Declarative (DLT) pipeline with `pipeline_task`. A {@link DatabricksPipeline}
   * synthesizes `pipeline_task.pipeline_ref`, which the controller resolves to the pipeline's ID; a string
   * is used as `pipeline_id` as it is.
   *
   * @param options the rest of `pipeline_task` (`full_refresh`, ...)
   */
  static pipeline(
    pipeline: IDatabricksPipeline | string,
    options?: Omit<TaskTypePayload<'pipeline_task'>, 'pipeline_id' | 'pipeline_ref'>,
  ): TaskType;
  /** `pipeline_task` verbatim, `pipeline_id` or `pipeline_ref` included. */
  static pipeline(payload: TaskTypePayload<'pipeline_task'>): TaskType;
  static pipeline(
    pipeline: IDatabricksPipeline | string | TaskTypePayload<'pipeline_task'>,
    options: Omit<TaskTypePayload<'pipeline_task'>, 'pipeline_id' | 'pipeline_ref'> = {},
  ): TaskType {
    if (typeof pipeline === 'string')
      return new TaskType('pipeline_task', { ...options, pipeline_id: pipeline });
    if (!('kind' in pipeline)) return new TaskType('pipeline_task', pipeline);
    return new TaskType('pipeline_task', { ...options, pipeline_ref: { name: pipeline.name } }, pipeline);
  }

  /**
   * Runs another job. A {@link DatabricksJob} synthesizes `run_job_task.job_ref`, which the controller
   * resolves to the job's ID; a number is used as `job_id` as it is.
   *
   * @param options the rest of `run_job_task` (`job_parameters`, ...)
   */
  static runJob(
    job: IDatabricksJob | number,
    options: Omit<TaskTypePayload<'run_job_task'>, 'job_id' | 'job_ref'> = {},
  ): TaskType {
    if (typeof job === 'number') {
      return new TaskType('run_job_task', { ...options, job_id: job });
    }
    return new TaskType('run_job_task', { ...options, job_ref: { name: job.name } }, job);
  }

  /** Compares two values with `condition_task`; dependants pick a branch with {@link Task.dependsOnOutcome}. */
  static condition(payload: TaskTypePayload<'condition_task'>): TaskType {
    return new TaskType('condition_task', payload);
  }

  /** Runs a nested task once per input with `for_each_task`. */
  static forEach(payload: TaskTypePayload<'for_each_task'>): TaskType {
    return new TaskType('for_each_task', payload);
  }

  /** Any task type by its Jobs API field name, with its payload verbatim. */
  static of<F extends TaskTypeField>(field: F, payload: TaskTypePayload<F>): TaskType {
    return new TaskType(field, payload);
  }

  /** Every object the payload's `_ref`s name, each with its `_ref` field: checked at synth against the job. */
  readonly targets: readonly TaskTypeTarget[];

  private constructor(
    /** The Jobs API field, e.g. `notebook_task`. */
    readonly field: TaskTypeField,
    /** Its payload. */
    readonly payload: object,
    /** The notebook, Git folder, job, pipeline or SQL task warehouse its main `_ref` names, if any. */
    readonly target?: ReferenceTarget,
    /** The objects its other `_ref`s name (a SQL notebook's warehouse). */
    others: readonly TaskTypeTarget[] = [],
  ) {
    this.targets = [...(target ? [{ ref: refFieldOf(target), target }] : []), ...others];
  }
}

/** Where a task runs: a cluster of its job, or an all-purpose {@link DatabricksCluster}. */
export type TaskCompute = JobCluster | IDatabricksCluster;

/** Props of a task, given to {@link DatabricksJob.addTask}. */
export interface TaskProps {
  /**
   * What the task does.
   *
   * @default - the task type given in `settings` (e.g. `settings.dashboard_task`)
   */
  readonly type?: TaskType;
  /**
   * Where the task runs. Tasks of some types (SQL, pipeline, run-job, condition) need none.
   *
   * @default - the compute given in `settings`, if any (e.g. `settings.environment_key` for serverless)
   */
  readonly runOn?: TaskCompute;
  /**
   * Tasks that must finish before this one starts.
   *
   * @default - no dependencies
   */
  readonly dependsOn?: readonly Task[];
  /**
   * When the task runs, given how its dependencies ended (`run_if`).
   *
   * @default 'ALL_SUCCESS'
   */
  readonly runIf?: NonNullable<TaskPayload['run_if']>;
  /**
   * What the task does, in words (`description`).
   *
   * @default - none
   */
  readonly description?: string;
  /**
   * Libraries installed on the cluster before the task runs.
   *
   * @default - none
   */
  readonly libraries?: readonly Library[];
  /**
   * How many times a failed run of the task is retried.
   *
   * @default - no retries
   */
  readonly maxRetries?: number;
  /**
   * How long the task may run before it is stopped.
   *
   * @default - no timeout
   */
  readonly timeout?: Duration;
  /**
   * Any other field of the Jobs API `Task`, verbatim (`run_if`, `health`, `email_notifications`,
   * `new_cluster`, `environment_key`, ...). The props above add to these; setting the same thing in both
   * places (two task types, two computes) fails validation.
   *
   * @default - none
   */
  readonly settings?: Partial<TaskPayload>;
}

/** A `depends_on` entry. */
interface TaskDependency {
  readonly task: Task;
  readonly outcome?: 'true' | 'false';
}

/**
 * One task of a {@link DatabricksJob}. Create one with {@link DatabricksJob.addTask}; then chain
 * {@link dependsOn}, {@link runOn} and {@link addLibrary}.
 */
export class Task {
  private readonly dependencies: TaskDependency[] = [];
  private readonly libraries: Library[];
  private compute?: TaskCompute;

  /** @internal use DatabricksJob.addTask */
  constructor(
    /** The job this task belongs to. */
    readonly job: JobOfMember,
    /** The `task_key`, unique in the job. */
    readonly key: string,
    private readonly props: TaskProps = {},
  ) {
    this.libraries = [...(props.libraries ?? [])];
    this.compute = props.runOn;
    for (const task of props.dependsOn ?? []) this.dependencies.push({ task });
  }

  /** Makes this task start only after the given tasks have finished. */
  dependsOn(...tasks: Task[]): this {
    for (const task of tasks) this.dependencies.push({ task });
    return this;
  }

  /** Makes this task run only when the given condition task has the given outcome. */
  dependsOnOutcome(conditionTask: Task, outcome: boolean): this {
    this.dependencies.push({ task: conditionTask, outcome: outcome ? 'true' : 'false' });
    return this;
  }

  /** Runs this task on a job cluster or an all-purpose cluster. */
  runOn(compute: TaskCompute): this {
    this.compute = compute;
    return this;
  }

  /** Installs libraries on the cluster before this task runs. */
  addLibrary(...libraries: Library[]): this {
    this.libraries.push(...libraries);
    return this;
  }

  /** The tasks this one depends on, by key, including those given verbatim in `settings.depends_on`. */
  get dependencyKeys(): string[] {
    return this.toPayload().depends_on?.map((dependency) => dependency.task_key) ?? [];
  }

  /**
   * What is wrong with this task on its own (not in relation to other tasks), as sentences naming the
   * field and the fix; empty if nothing.
   */
  problems(): string[] {
    const problems: string[] = [];
    const where = `task "${this.key}"`;
    const settings: Partial<TaskPayload> = this.props.settings ?? {};
    const typeFields: string[] = TASK_TYPE_FIELDS.filter((field) => settings[field] !== undefined);
    if (this.props.type) typeFields.unshift(this.props.type.field);
    if (typeFields.length === 0) {
      problems.push(
        `${where} has no type; give it one with \`type: TaskType.notebook(...)\` (or another TaskType), ` +
          `or a *_task field in settings`,
      );
    } else if (typeFields.length > 1) {
      problems.push(
        `${where} sets ${typeFields.join(' and ')}, which are mutually exclusive; ` +
          `a task has exactly one type, so keep one of them`,
      );
    }
    const payload = this.toPayload();
    const computeFields = TASK_COMPUTE_FIELDS.filter((field) => payload[field] !== undefined);
    if (computeFields.length > 1) {
      problems.push(
        `${where} sets ${computeFields.join(' and ')}, which are mutually exclusive; ` +
          `keep one (runOn() sets job_cluster_key or existing_cluster_ref)`,
      );
    }
    for (const { holder, id, ref } of TASK_TYPE_REFERENCE_PAIRS) {
      const fields: unknown = (payload as Record<string, unknown>)[holder];
      if (isRecord(fields) && fields[id] !== undefined && fields[ref] !== undefined) {
        problems.push(
          `${where} sets ${holder}.${id} and ${holder}.${ref}, which are mutually exclusive; keep one`,
        );
      }
    }
    if (this.compute instanceof JobCluster && this.compute.job !== this.job) {
      problems.push(
        `${where} runs on job cluster "${this.compute.key}" of another job (${this.compute.job.node.path}); ` +
          `a task can only use job clusters of its own job, so add the cluster to this job with addJobCluster()`,
      );
    }
    const referrer = { construct: this.job, kind: 'DatabricksJob', workspace: this.job.workspace };
    const type = this.props.type;
    const references: [string, ReferenceTarget | undefined][] = [
      [
        `${where} runOn (existing_cluster_ref)`,
        this.compute instanceof JobCluster ? undefined : this.compute,
      ],
      ...(type?.targets ?? []).map(({ ref, target }): [string, ReferenceTarget] => [
        `${where} ${type?.field}.${ref}`,
        target,
      ]),
    ];
    for (const [field, target] of references) {
      const problem = target && referenceScopeProblem(referrer, field, target);
      if (problem) problems.push(problem);
    }
    for (const { task } of this.dependencies) {
      if (task.job !== this.job) {
        problems.push(
          `${where} depends on task "${task.key}" of another job (${task.job.node.path}); ` +
            `tasks can only depend on tasks of the same job`,
        );
      }
    }
    return problems;
  }

  /** The Jobs API payload of this task. */
  toPayload(): TaskPayload {
    const settings: Partial<TaskPayload> = this.props.settings ?? {};
    const payload: Record<string, unknown> = { ...settings, task_key: this.key };
    const type = this.props.type;
    if (type) payload[type.field] = type.payload;
    if (this.compute instanceof JobCluster) {
      payload.job_cluster_key = this.compute.key;
    } else if (this.compute) {
      payload.existing_cluster_ref = { name: this.compute.name };
    }
    if (this.dependencies.length > 0) {
      payload.depends_on = [
        ...(settings.depends_on ?? []),
        ...this.dependencies.map(({ task, outcome }) =>
          outcome === undefined ? { task_key: task.key } : { task_key: task.key, outcome },
        ),
      ];
    }
    if (this.props.libraries !== undefined || this.libraries.length > 0) {
      payload.libraries = [...(settings.libraries ?? []), ...this.libraries];
    }
    if (this.props.runIf !== undefined) payload.run_if = this.props.runIf;
    if (this.props.description !== undefined) payload.description = this.props.description;
    if (this.props.maxRetries !== undefined) payload.max_retries = this.props.maxRetries;
    if (this.props.timeout !== undefined) payload.timeout_seconds = this.props.timeout.toSeconds();
    return payload as TaskPayload;
  }
}
