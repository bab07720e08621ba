import { type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { atMostOneOf, celValidations, exactlyOneOf, type CelRule } from './cel-rules.js';
import { ClusterSpec } from './cluster-spec.js';
import { HealthRules } from './health-rules.js';
import { Library } from './library.js';
import { EmailNotifications, TaskNotificationSettings, WebhookNotifications } from './notifications.js';
import { localReference, RepoPathReference } from './object-references.js';
import {
  Bool,
  Int,
  Int64,
  KeyedList,
  List,
  Opt,
  Str,
  StringEnum,
  StringList,
  StringMap,
  Struct,
} from './schema-types.js';

// A job task (jobs.Task), verbatim, plus the `*_ref` siblings this operator adds for IDs of objects
// it manages. A CRD schema cannot be recursive, so for_each_task.task is the same task without
// for_each_task (Databricks does not nest for-each loops either).

/** `task_key` and `job_cluster_key` style identifiers. */
export const TASK_KEY_PATTERN = '^[\\w\\-]+$';
const KEY = { minLength: 1, maxLength: 100, pattern: TASK_KEY_PATTERN };

const SOURCE = StringEnum(
  ['WORKSPACE', 'GIT'] as const,
  'Where the file is read from: WORKSPACE, or GIT (the job git_source). Defaults to GIT when git_source is set.',
);
/** A `warehouse_id` and the `warehouse_ref` that may stand instead of it. */
const WAREHOUSE_PAIR = ['warehouse_id', 'warehouse_ref'];
const PARAMETERS = (what: string) =>
  Opt(StringList(`Command-line parameters passed to ${what}.`, { maxItems: 1000 }));

/** `notebook_task` of a task (jobs.NotebookTask). */
export const NotebookTask = Struct(
  {
    notebook_path: Opt(
      Str(
        'Notebook path: absolute in the workspace, or relative to the repository root when source is GIT.',
        {
          minLength: 1,
          maxLength: 1024,
        },
      ),
    ),
    notebook_ref: Opt(localReference('DatabricksNotebook')),
    repo_ref: Opt(RepoPathReference),
    source: Opt(SOURCE),
    base_parameters: Opt(StringMap('Widget values passed to the notebook; job parameters override them.')),
    warehouse_id: Opt(Str('SQL warehouse to run a SQL notebook on, instead of a cluster.')),
    warehouse_ref: Opt(localReference('DatabricksSqlWarehouse')),
  },
  'Runs a notebook. Set notebook_path, notebook_ref to a DatabricksNotebook, or repo_ref to a notebook in the Git folder of a DatabricksRepo; the controller fills in the workspace path of a reference. A SQL notebook may run on a SQL warehouse: warehouse_id, or warehouse_ref to a DatabricksSqlWarehouse.',
  celValidations(
    exactlyOneOf(['notebook_path', 'notebook_ref', 'repo_ref'], 'notebook_task'),
    atMostOneOf(WAREHOUSE_PAIR, 'notebook_task'),
    {
      rule: "!(has(self.notebook_ref) || has(self.repo_ref)) || !has(self.source) || self.source == 'WORKSPACE'",
      message:
        'notebook_task: notebook_ref and repo_ref name a workspace path, so source must be WORKSPACE (or left out)',
      fieldPath: '.source',
    },
  ),
);

/** `spark_jar_task` of a task (jobs.SparkJarTask). */
export const SparkJarTask = Struct(
  {
    main_class_name: Opt(
      Str('Fully qualified class whose main method runs; it must be in a library of the task.'),
    ),
    parameters: PARAMETERS('the main method'),
    jar_uri: Opt(Str('Deprecated by Databricks: put the JAR in libraries instead.')),
    run_as_repl: Opt(Bool('Deprecated by Databricks.')),
  },
  'Runs the main class of a JAR.',
);

/** `spark_python_task` of a task (jobs.SparkPythonTask). */
export const SparkPythonTask = Struct(
  {
    python_file: Opt(
      Str('Python file to run: workspace path, cloud URI, or a path in the repository when source is GIT.', {
        minLength: 1,
        maxLength: 1024,
      }),
    ),
    repo_ref: Opt(RepoPathReference),
    parameters: PARAMETERS('the Python file'),
    source: Opt(SOURCE),
  },
  'Runs a Python file with spark-submit semantics. Set python_file, or repo_ref to a file in the Git folder of a DatabricksRepo, whose workspace path the controller fills in.',
  celValidations(exactlyOneOf(['python_file', 'repo_ref'], 'spark_python_task'), {
    rule: "!has(self.repo_ref) || !has(self.source) || self.source == 'WORKSPACE'",
    message: 'spark_python_task: repo_ref names a workspace path, so source must be WORKSPACE (or left out)',
    fieldPath: '.source',
  }),
);

/** `spark_submit_task` of a task (jobs.SparkSubmitTask). */
export const SparkSubmitTask = Struct(
  { parameters: PARAMETERS('spark-submit') },
  'Runs spark-submit with the given arguments (only on new clusters; deprecated by Databricks).',
);

/** `python_wheel_task` of a task (jobs.PythonWheelTask). */
export const PythonWheelTask = Struct(
  {
    package_name: Str('Name of the Python package.', { minLength: 1 }),
    entry_point: Str('Entry point of the package to call.', { minLength: 1 }),
    parameters: PARAMETERS('the entry point'),
    named_parameters: Opt(StringMap('Keyword arguments passed to the entry point as --key=value.')),
  },
  'Calls an entry point of a Python wheel installed as a library.',
  celValidations({
    rule: '!(has(self.parameters) && has(self.named_parameters))',
    message: 'python_wheel_task: set parameters or named_parameters, not both',
  }),
);

const PIPELINE_SELECTIONS = {
  full_refresh_selection: Opt(StringList('Tables to refresh fully.', { maxItems: 1000 })),
  refresh_selection: Opt(StringList('Tables to refresh.', { maxItems: 1000 })),
  refresh_flow_selection: Opt(StringList('Flows to refresh.', { maxItems: 1000 })),
  reset_checkpoint_selection: Opt(
    StringList('Streaming flows whose checkpoints are reset.', { maxItems: 1000 }),
  ),
};

/** `pipeline_task` of a task (jobs.PipelineTask). */
export const PipelineTask = Struct(
  {
    pipeline_id: Opt(Str('ID of the Lakeflow declarative (DLT) pipeline to update.', { minLength: 1 })),
    pipeline_ref: Opt(localReference('DatabricksPipeline')),
    full_refresh: Opt(Bool('Refresh every table fully.')),
    parameters: Opt(StringMap('Parameters passed to the pipeline update.')),
    ...PIPELINE_SELECTIONS,
  },
  'Triggers an update of a pipeline. Set pipeline_id, or pipeline_ref to a DatabricksPipeline whose pipeline ID the controller fills in.',
  celValidations(exactlyOneOf(['pipeline_id', 'pipeline_ref'], 'pipeline_task')),
);

/** Parameters for the pipeline of a run (run-now and run_job_task). */
export const PipelineParams = Struct(
  { full_refresh: Opt(Bool('Refresh every table fully.')), ...PIPELINE_SELECTIONS },
  'Pipeline update parameters.',
);

/** The run-now parameters shared by run_job_task and a DatabricksRun of a job. */
export const runNowParameterProperties = {
  job_parameters: Opt(StringMap('Job-level parameters for the run, by name.')),
  pipeline_params: Opt(PipelineParams),
  notebook_params: Opt(StringMap('Legacy: widget values for notebook tasks. Prefer job_parameters.')),
  jar_params: Opt(StringList('Legacy: parameters for JAR tasks. Prefer job_parameters.', { maxItems: 1000 })),
  python_params: Opt(
    StringList('Legacy: parameters for Python tasks. Prefer job_parameters.', { maxItems: 1000 }),
  ),
  python_named_params: Opt(
    StringMap('Legacy: named parameters for Python wheel tasks. Prefer job_parameters.'),
  ),
  spark_submit_params: Opt(
    StringList('Legacy: parameters for spark-submit tasks. Prefer job_parameters.', { maxItems: 1000 }),
  ),
  sql_params: Opt(StringMap('Legacy: parameters for SQL tasks. Prefer job_parameters.')),
  dbt_commands: Opt(
    StringList('Legacy: dbt commands for dbt tasks. Prefer job_parameters.', { maxItems: 100 }),
  ),
};

/** `run_job_task` of a task (jobs.RunJobTask). */
export const RunJobTask = Struct(
  {
    job_id: Opt(Int64('ID of the job to run.', { minimum: 1 })),
    job_ref: Opt(localReference('DatabricksJob')),
    ...runNowParameterProperties,
  },
  'Runs another job. Set job_id, or job_ref to a DatabricksJob whose job ID the controller fills in.',
  celValidations(exactlyOneOf(['job_id', 'job_ref'], 'run_job_task'), {
    rule: '!(has(self.notebook_params) && has(self.jar_params))',
    message: 'run_job_task: notebook_params and jar_params are mutually exclusive',
  }),
);

/** `condition_task` of a task (jobs.ConditionTask). */
export const ConditionTask = Struct(
  {
    left: Str('Left operand: a value or a reference such as {{job.parameters.x}}.', { maxLength: 1000 }),
    op: StringEnum(
      [
        'EQUAL_TO',
        'NOT_EQUAL',
        'GREATER_THAN',
        'GREATER_THAN_OR_EQUAL',
        'LESS_THAN',
        'LESS_THAN_OR_EQUAL',
      ] as const,
      'Comparison. Ordering operators compare numbers; EQUAL_TO and NOT_EQUAL compare strings.',
    ),
    right: Str('Right operand.', { maxLength: 1000 }),
  },
  'Evaluates a condition; dependent tasks can run on its outcome ("true" or "false").',
);

const SqlSubscription = Struct(
  {
    user_name: Opt(Str('User to email.')),
    destination_id: Opt(Str('Notification destination ID.')),
  },
  'A subscriber; set user_name or destination_id.',
  celValidations(exactlyOneOf(['user_name', 'destination_id'], 'subscription')),
);
const SqlSubscriptions = Opt(List(SqlSubscription, 'Who gets the result.', { maxItems: 100 }));

/** `sql_task` of a task (jobs.SqlTask). */
export const SqlTask = Struct(
  {
    warehouse_id: Opt(Str('SQL warehouse to run on (serverless or pro).', { minLength: 1 })),
    warehouse_ref: Opt(localReference('DatabricksSqlWarehouse')),
    parameters: Opt(StringMap('Values for the query parameters.')),
    query: Opt(
      Struct({ query_id: Str('ID of the saved query.', { minLength: 1 }) }, 'Runs a saved SQL query.'),
    ),
    file: Opt(
      Struct(
        {
          path: Str('Path of the .sql file in the workspace or the repository.', { minLength: 1 }),
          source: Opt(SOURCE),
        },
        'Runs a SQL file.',
      ),
    ),
    dashboard: Opt(
      Struct(
        {
          dashboard_id: Str('ID of the legacy dashboard to refresh.', { minLength: 1 }),
          subscriptions: SqlSubscriptions,
          custom_subject: Opt(Str('Subject of the emails sent.')),
          pause_subscriptions: Opt(Bool('Send no emails.')),
        },
        'Refreshes a legacy SQL dashboard.',
      ),
    ),
    alert: Opt(
      Struct(
        {
          alert_id: Str('ID of the SQL alert to evaluate.', { minLength: 1 }),
          subscriptions: SqlSubscriptions,
          pause_subscriptions: Opt(Bool('Send no notifications.')),
        },
        'Evaluates a SQL alert.',
      ),
    ),
  },
  'Runs SQL on a warehouse. Set exactly one of query, file, dashboard, alert, and warehouse_id or warehouse_ref (a DatabricksSqlWarehouse whose warehouse ID the controller fills in).',
  celValidations(
    exactlyOneOf(['query', 'file', 'dashboard', 'alert'], 'sql_task'),
    exactlyOneOf(WAREHOUSE_PAIR, 'sql_task'),
  ),
);

/** `dbt_task` of a task (jobs.DbtTask). */
export const DbtTask = Struct(
  {
    commands: StringList('dbt commands run in order, each starting with dbt.', { minItems: 1, maxItems: 10 }),
    project_directory: Opt(Str('Directory of dbt_project.yml.')),
    profiles_directory: Opt(Str('Directory of profiles.yml; defaults to the project directory.')),
    warehouse_id: Opt(Str('SQL warehouse dbt connects to.')),
    warehouse_ref: Opt(localReference('DatabricksSqlWarehouse')),
    catalog: Opt(Str('Catalog dbt uses.')),
    schema: Opt(Str('Schema dbt writes to.')),
    source: Opt(SOURCE),
  },
  'Runs dbt commands. The SQL warehouse dbt connects to is warehouse_id, or warehouse_ref to a DatabricksSqlWarehouse whose warehouse ID the controller fills in.',
  celValidations(atMostOneOf(WAREHOUSE_PAIR, 'dbt_task')),
);

/** `dbt_cloud_task` of a task (jobs.DbtCloudTask). */
export const DbtCloudTask = Struct(
  {
    connection_resource_name: Opt(Str('Unity Catalog connection to dbt Cloud.')),
    dbt_cloud_job_id: Opt(Int64('dbt Cloud job to trigger.')),
  },
  'Deprecated by Databricks: triggers a dbt Cloud job (use dbt_platform_task).',
);

/** `dbt_platform_task` of a task (jobs.DbtPlatformTask). */
export const DbtPlatformTask = Struct(
  {
    connection_resource_name: Opt(Str('Unity Catalog connection to the dbt platform.')),
    dbt_platform_job_id: Opt(Str('dbt platform job to trigger.')),
  },
  'Triggers a dbt platform job.',
);

/** `clean_rooms_notebook_task` of a task (jobs.CleanRoomsNotebookTask). */
export const CleanRoomsNotebookTask = Struct(
  {
    clean_room_name: Str('Name of the clean room.', { minLength: 1 }),
    notebook_name: Str('Name of the notebook in the clean room.', { minLength: 1 }),
    notebook_base_parameters: Opt(StringMap('Widget values for the notebook.')),
    etag: Opt(Str('Expected notebook version; the run fails if the notebook changed.')),
  },
  'Runs a notebook shared in a clean room.',
);

const Subscriber = Struct(
  {
    user_name: Opt(Str('User to notify.')),
    destination_id: Opt(Str('Notification destination ID.')),
  },
  'A subscriber.',
  celValidations(exactlyOneOf(['user_name', 'destination_id'], 'subscriber')),
);

/** `dashboard_task` of a task (jobs.DashboardTask). */
export const DashboardTask = Struct(
  {
    dashboard_id: Opt(Str('ID of the AI/BI dashboard.')),
    warehouse_id: Opt(Str('Warehouse that refreshes it; defaults to the dashboard one.')),
    warehouse_ref: Opt(localReference('DatabricksSqlWarehouse')),
    filters: Opt(StringMap('Dashboard filter values.')),
    subscription: Opt(
      Struct(
        {
          subscribers: Opt(List(Subscriber, 'Who gets the snapshot.', { maxItems: 100 })),
          custom_subject: Opt(Str('Email subject.')),
          paused: Opt(Bool('Send nothing.')),
        },
        'Who receives a snapshot after the refresh.',
      ),
    ),
  },
  'Refreshes an AI/BI dashboard and sends it to subscribers. The warehouse is warehouse_id, or warehouse_ref to a DatabricksSqlWarehouse whose warehouse ID the controller fills in.',
  celValidations(atMostOneOf(WAREHOUSE_PAIR, 'dashboard_task')),
);

const STORAGE_MODE = StringEnum(['DIRECT_QUERY', 'IMPORT', 'DUAL'] as const, 'Power BI storage mode.');

/** `power_bi_task` of a task (jobs.PowerBiTask). */
export const PowerBiTask = Struct(
  {
    connection_resource_name: Opt(Str('Unity Catalog connection to Power BI.')),
    warehouse_id: Opt(Str('SQL warehouse Power BI queries.')),
    warehouse_ref: Opt(localReference('DatabricksSqlWarehouse')),
    refresh_after_update: Opt(Bool('Refresh the semantic model after publishing.')),
    power_bi_model: Opt(
      Struct(
        {
          workspace_name: Opt(Str('Power BI workspace.')),
          model_name: Opt(Str('Semantic model name.')),
          storage_mode: Opt(STORAGE_MODE),
          authentication_method: Opt(
            StringEnum(['OAUTH', 'PAT'] as const, 'How Power BI authenticates to Databricks.'),
          ),
          overwrite_existing: Opt(Bool('Replace an existing model of that name.')),
        },
        'The semantic model to publish.',
      ),
    ),
    tables: Opt(
      List(
        Struct(
          {
            catalog: Opt(Str('Unity Catalog catalog of the table.')),
            schema: Opt(Str('Schema of the table.')),
            name: Opt(Str('Name of the table.')),
            storage_mode: Opt(STORAGE_MODE),
          },
          'A Unity Catalog table.',
        ),
        'Tables published to the model.',
        { maxItems: 1000 },
      ),
    ),
  },
  'Publishes Unity Catalog tables to a Power BI semantic model. The warehouse is warehouse_id, or warehouse_ref to a DatabricksSqlWarehouse whose warehouse ID the controller fills in.',
  celValidations(atMostOneOf(WAREHOUSE_PAIR, 'power_bi_task')),
);

/** `alert_task` of a task (jobs.AlertTask). */
export const AlertTask = Struct(
  {
    alert_id: Opt(Str('ID of the alert.')),
    workspace_path: Opt(Str('Workspace path of the alert file.')),
    warehouse_id: Opt(Str('Warehouse that evaluates it.')),
    warehouse_ref: Opt(localReference('DatabricksSqlWarehouse')),
    subscribers: Opt(List(Subscriber, 'Who is notified.', { maxItems: 100 })),
  },
  'Evaluates a (v2) SQL alert. The warehouse is warehouse_id, or warehouse_ref to a DatabricksSqlWarehouse whose warehouse ID the controller fills in.',
  celValidations(atMostOneOf(WAREHOUSE_PAIR, 'alert_task')),
);

/** `gen_ai_compute_task` of a task (jobs.GenAiComputeTask). */
export const GenAiComputeTask = Struct(
  {
    dl_runtime_image: Str('Deep learning runtime image.', { minLength: 1 }),
    command: Opt(Str('Command to run.')),
    training_script_path: Opt(Str('Training script path.')),
    source: Opt(SOURCE),
    yaml_parameters: Opt(Str('Parameters as a YAML document.')),
    yaml_parameters_file_path: Opt(Str('Path of a YAML parameters file.')),
    mlflow_experiment_name: Opt(Str('MLflow experiment to log to.')),
    compute: Opt(
      Struct(
        {
          num_gpus: Int('Number of GPUs.', { minimum: 0 }),
          gpu_type: Opt(Str('GPU type.')),
          gpu_node_pool_id: Opt(Str('GPU node pool.')),
        },
        'GPU compute.',
      ),
    ),
  },
  'Private preview: a generative AI training task on serverless GPUs.',
);

/** `ai_runtime_task` of a task (jobs.AiRuntimeTask). */
export const AiRuntimeTask = Struct(
  {
    experiment: Str('MLflow experiment.', { minLength: 1 }),
    deployments: List(
      Struct(
        {
          command_path: Str('Command to run.', { minLength: 1 }),
          name: Opt(Str('Deployment name.')),
          compute: Struct(
            {
              accelerator_type: StringEnum(
                ['GPU_1xA10', 'GPU_1xH100', 'GPU_8xH100'] as const,
                'Accelerator type.',
              ),
              accelerator_count: Int('Number of accelerators.', { minimum: 1 }),
            },
            'Accelerators for the deployment.',
          ),
        },
        'One deployment.',
      ),
      'Deployments to run.',
      { minItems: 1, maxItems: 100 },
    ),
    docker_image_url: Opt(Str('Container image.')),
    mlflow_experiment_directory: Opt(Str('Workspace directory of the experiment.')),
    mlflow_run: Opt(Str('MLflow run to continue.')),
    mlflow_artifact_location: Opt(Str('Artifact location.')),
    code_source_path: Opt(Str('Path of the code.')),
  },
  'Runs an AI runtime workload on serverless GPUs.',
);

/** `python_operator_task` of a task (jobs.PythonOperatorTask). */
export const PythonOperatorTask = Struct(
  {
    main: Opt(Str('Python callable, as module.function.')),
    parameters: Opt(
      List(
        Struct(
          { name: Opt(Str('Parameter name.')), value: Opt(Str('Parameter value.')) },
          'A named parameter.',
        ),
        'Parameters passed to the callable.',
        { maxItems: 1000 },
      ),
    ),
  },
  'Private preview: calls a Python function.',
);

/**
 * The ID (or path) fields of task types beside the `_ref` that may stand instead of them: a task sets
 * at most one of each pair (the schema's CEL rules above say so; the constructs check it at synth).
 */
export const TASK_TYPE_REFERENCE_PAIRS: readonly {
  readonly holder: string;
  readonly id: string;
  readonly ref: string;
}[] = [
  { holder: 'notebook_task', id: 'notebook_path', ref: 'notebook_ref' },
  { holder: 'notebook_task', id: 'notebook_path', ref: 'repo_ref' },
  { holder: 'spark_python_task', id: 'python_file', ref: 'repo_ref' },
  { holder: 'pipeline_task', id: 'pipeline_id', ref: 'pipeline_ref' },
  { holder: 'run_job_task', id: 'job_id', ref: 'job_ref' },
  ...['sql_task', 'notebook_task', 'dbt_task', 'dashboard_task', 'power_bi_task', 'alert_task'].map(
    (holder) => ({ holder, id: 'warehouse_id', ref: 'warehouse_ref' }),
  ),
];

/** The task-type fields of a task: exactly one is set. */
export const TASK_TYPE_FIELDS = [
  'notebook_task',
  'spark_jar_task',
  'spark_python_task',
  'spark_submit_task',
  'python_wheel_task',
  'pipeline_task',
  'run_job_task',
  'condition_task',
  'sql_task',
  'dbt_task',
  'dbt_cloud_task',
  'dbt_platform_task',
  'for_each_task',
  'clean_rooms_notebook_task',
  'dashboard_task',
  'power_bi_task',
  'alert_task',
  'gen_ai_compute_task',
  'ai_runtime_task',
  'python_operator_task',
] as const;

/** Where a task runs: at most one of these is set (none means serverless). */
export const TASK_COMPUTE_FIELDS = [
  'existing_cluster_id',
  'existing_cluster_ref',
  'new_cluster',
  'job_cluster_key',
] as const;

const TaskDependency = Struct(
  {
    task_key: Str('task_key of the task this one waits for.', KEY),
    outcome: Opt(
      Str('For a condition_task dependency: the outcome ("true" or "false") that lets this task run.'),
    ),
  },
  'A task this one depends on.',
);

/** The fields every task has, whatever its type. */
const commonTaskProperties = {
  task_key: Str('Unique name of the task within the job; other tasks refer to it in depends_on.', KEY),
  description: Opt(Str('What the task does.', { maxLength: 1000 })),
  depends_on: Opt(
    KeyedList(TaskDependency, ['task_key'], 'Tasks that must finish before this one starts (see run_if).', {
      maxItems: 1000,
    }),
  ),
  run_if: Opt(
    StringEnum(
      [
        'ALL_SUCCESS',
        'AT_LEAST_ONE_SUCCESS',
        'NONE_FAILED',
        'ALL_DONE',
        'AT_LEAST_ONE_FAILED',
        'ALL_FAILED',
      ] as const,
      'When the task runs given its dependencies outcomes. Defaults to ALL_SUCCESS.',
    ),
  ),
  disabled: Opt(Bool('Skip the task in every run.')),
  existing_cluster_id: Opt(Str('ID of an all-purpose cluster to run on.', { minLength: 1 })),
  existing_cluster_ref: Opt(localReference('DatabricksCluster')),
  new_cluster: Opt(ClusterSpec),
  job_cluster_key: Opt(Str('job_cluster_key of a cluster in job_clusters to run on.', KEY)),
  environment_key: Opt(Str('environment_key of an entry in environments (serverless tasks).', KEY)),
  compute: Opt(
    Struct(
      {
        hardware_accelerator: Opt(
          StringEnum(['GPU_1xA10', 'GPU_8xH100'] as const, 'Accelerator of the serverless compute.'),
        ),
      },
      'Serverless compute with accelerators.',
    ),
  ),
  libraries: Opt(
    List(Library, 'Libraries installed on the cluster before the task runs.', { maxItems: 100 }),
  ),
  timeout_seconds: Opt(Int('Timeout of each run of the task; 0 means none.', { minimum: 0 })),
  max_retries: Opt(Int('Retries after a failed run; -1 retries forever, 0 never.', { minimum: -1 })),
  min_retry_interval_millis: Opt(
    Int('Least time between the start of a failed run and its retry.', { minimum: 0 }),
  ),
  retry_on_timeout: Opt(Bool('Retry the task when it times out.')),
  disable_auto_optimization: Opt(Bool('Turn off serverless auto-optimization (such as automatic retries).')),
  email_notifications: Opt(EmailNotifications),
  webhook_notifications: Opt(WebhookNotifications),
  notification_settings: Opt(TaskNotificationSettings),
  health: Opt(HealthRules),
  notebook_task: Opt(NotebookTask),
  spark_jar_task: Opt(SparkJarTask),
  spark_python_task: Opt(SparkPythonTask),
  spark_submit_task: Opt(SparkSubmitTask),
  python_wheel_task: Opt(PythonWheelTask),
  pipeline_task: Opt(PipelineTask),
  run_job_task: Opt(RunJobTask),
  condition_task: Opt(ConditionTask),
  sql_task: Opt(SqlTask),
  dbt_task: Opt(DbtTask),
  dbt_cloud_task: Opt(DbtCloudTask),
  dbt_platform_task: Opt(DbtPlatformTask),
  clean_rooms_notebook_task: Opt(CleanRoomsNotebookTask),
  dashboard_task: Opt(DashboardTask),
  power_bi_task: Opt(PowerBiTask),
  alert_task: Opt(AlertTask),
  gen_ai_compute_task: Opt(GenAiComputeTask),
  ai_runtime_task: Opt(AiRuntimeTask),
  python_operator_task: Opt(PythonOperatorTask),
};

function taskRules(taskTypes: readonly string[]): CelRule[] {
  return [
    exactlyOneOf(taskTypes, 'task'),
    atMostOneOf(TASK_COMPUTE_FIELDS, 'task compute'),
    // Dependency checks (self-references, unknown keys, cycles) compare keys across the whole task
    // list; with 1000 tasks their estimated CEL cost exceeds the API server's budget, so the
    // constructs check them at synth time instead.
  ];
}

function taskSchema<T extends TProperties>(
  properties: T,
  taskTypes: readonly string[],
  description: string,
): TObject<T> {
  return Struct(properties, description, celValidations(...taskRules(taskTypes)));
}

/** The task run by a for_each_task: a task without for_each_task (loops do not nest). */
export const ForEachInnerTask = taskSchema(
  commonTaskProperties,
  TASK_TYPE_FIELDS.filter((field) => field !== 'for_each_task'),
  'The task run once per input. Same fields as a task, except for_each_task (loops do not nest).',
);
export type ForEachInnerTask = Static<typeof ForEachInnerTask>;

/** `for_each_task` of a task (jobs.ForEachTask). */
export const ForEachTask = Struct(
  {
    inputs: Str('JSON array (or a reference to one, e.g. {{tasks.list.values.items}}) to iterate over.', {
      minLength: 1,
      maxLength: 10000,
    }),
    concurrency: Opt(Int('How many iterations run at once.', { minimum: 1, maximum: 100 })),
    task: ForEachInnerTask,
  },
  'Runs task once per element of inputs.',
);

/** One task of a job (jobs.Task), with `*_ref` siblings for IDs of objects this operator manages. */
export const Task = taskSchema(
  { ...commonTaskProperties, for_each_task: Opt(ForEachTask) },
  TASK_TYPE_FIELDS,
  'A task of the job. Set exactly one task type (notebook_task, spark_python_task, ...) and at most one of existing_cluster_id, existing_cluster_ref, new_cluster, job_cluster_key.',
);
export type Task = Static<typeof Task>;
