import { type Static } from '@sinclair/typebox';
import { atMostOneOf, celValidations, exactlyOneOf, keysExistIn } from './cel-rules.js';
import { ClusterSpec } from './cluster-spec.js';
import { HealthRules } from './health-rules.js';
import { EmailNotifications, JobNotificationSettings, WebhookNotifications } from './notifications.js';
import {
  Bool,
  Int,
  KeyedList,
  List,
  Opt,
  Str,
  StringEnum,
  StringList,
  StringMap,
  Struct,
} from './schema-types.js';
import { TASK_KEY_PATTERN, Task } from './task.js';

// Jobs API 2.2 JobSettings, verbatim (snake_case), as DatabricksJob.spec.settings.

const KEY = { minLength: 1, maxLength: 100, pattern: TASK_KEY_PATTERN };
const PAUSE_STATUS = StringEnum(
  ['UNPAUSED', 'PAUSED'] as const,
  'Whether the schedule or trigger is paused. Defaults to UNPAUSED.',
);

/** A cluster shared by the tasks of a job (jobs.JobCluster). */
export const JobCluster = Struct(
  {
    job_cluster_key: Str('Name tasks use in job_cluster_key to run on this cluster.', KEY),
    new_cluster: Opt(ClusterSpec),
    serverless_compute_id: Opt(Str('Private preview: serverless compute for the tasks.')),
  },
  'A cluster created for a run of the job and shared by the tasks that name its job_cluster_key.',
  celValidations(exactlyOneOf(['new_cluster', 'serverless_compute_id'], 'job cluster')),
);
export type JobCluster = Static<typeof JobCluster>;

/** A serverless environment (jobs.JobEnvironment with compute.Environment). */
export const JobEnvironment = Struct(
  {
    environment_key: Str('Name tasks use in environment_key.', KEY),
    spec: Opt(
      Struct(
        {
          environment_version: Opt(Str('Serverless environment version, e.g. "2".')),
          base_environment: Opt(Str('Workspace path or volume path of a base environment YAML.')),
          client: Opt(Str('Deprecated by Databricks in favour of environment_version.')),
          dependencies: Opt(
            StringList('pip requirements, one per entry, e.g. "pandas==2.2.2" or a wheel path.', {
              maxItems: 1000,
            }),
          ),
          java_dependencies: Opt(StringList('JAR paths added to the classpath.', { maxItems: 1000 })),
        },
        'Python and Java dependencies of the environment.',
      ),
    ),
  },
  'A serverless environment the tasks can refer to.',
);

/** `git_source` of a job or a submitted run (jobs.GitSource). */
export const GitSource = Struct(
  {
    git_url: Str('Repository URL.', { minLength: 1 }),
    git_provider: StringEnum(
      [
        'gitHub',
        'bitbucketCloud',
        'azureDevOpsServices',
        'gitHubEnterprise',
        'bitbucketServer',
        'gitLab',
        'gitLabEnterpriseEdition',
        'awsCodeCommit',
      ] as const,
      'Git hosting service.',
    ),
    git_branch: Opt(Str('Branch to check out.')),
    git_tag: Opt(Str('Tag to check out.')),
    git_commit: Opt(Str('Commit to check out.')),
    sparse_checkout: Opt(
      Struct(
        { patterns: Opt(StringList('Cone patterns to check out.', { maxItems: 100 })) },
        'Check out only part of the repository.',
      ),
    ),
    git_snapshot: Opt(
      Struct(
        { used_commit: Opt(Str('Commit used by the run.')) },
        'Read-only state Databricks reports; ignored on writes.',
      ),
    ),
    job_source: Opt(
      Struct(
        {
          job_config_path: Str('Path of the job definition in the repository.'),
          import_from_git_branch: Str('Branch the job definition is imported from.'),
          dirty_state: Opt(
            StringEnum(['NOT_SYNCED', 'DISCONNECTED'] as const, 'Sync state of the job definition.'),
          ),
        },
        'Where the job definition itself comes from (read-mostly).',
      ),
    ),
  },
  'Remote repository the tasks read notebooks and files from when their source is GIT. Set at most one of git_branch, git_tag, git_commit.',
  celValidations(atMostOneOf(['git_branch', 'git_tag', 'git_commit'], 'git_source')),
);

// Quartz has six or seven space-separated fields (seconds first); the constructs check each field
// at synth time.
const QUARTZ = Str(
  'Quartz cron expression (6 or 7 fields, seconds first), e.g. "0 0 2 * * ?" for 02:00 every day.',
  {
    minLength: 1,
    maxLength: 200,
    pattern: '^\\s*\\S+(\\s+\\S+){5,6}\\s*$',
  },
);
const TIMEZONE = Str('Java time zone ID, e.g. Europe/Amsterdam or UTC.', { minLength: 1, maxLength: 100 });

const SqlConditionConfiguration = Struct(
  {
    sql_query_id: Str('Query whose result triggers the job.'),
    warehouse_id: Str('Warehouse that runs the query.'),
    trigger_mode: Opt(
      StringEnum(['QUERY_RETURNS_ROWS', 'RESULT_VALUE_CHANGES'] as const, 'When the query result triggers.'),
    ),
  },
  'Private preview: triggers on a SQL query result.',
);

/** `schedule` of a job (jobs.CronSchedule). */
export const CronSchedule = Struct(
  {
    quartz_cron_expression: QUARTZ,
    timezone_id: TIMEZONE,
    pause_status: Opt(PAUSE_STATUS),
    sql_condition: Opt(SqlConditionConfiguration),
  },
  'Runs the job on a Quartz cron schedule.',
);

const FileArrival = Struct(
  {
    url: Str('Storage location (external location or volume) to watch, e.g. s3://bucket/landing/.', {
      minLength: 1,
    }),
    min_time_between_triggers_seconds: Opt(
      Int('Least time between two triggered runs (at least 60).', { minimum: 0 }),
    ),
    wait_after_last_change_seconds: Opt(
      Int('Quiet period after the last file change before triggering (at least 60).', { minimum: 0 }),
    ),
  },
  'Triggers when new files arrive.',
);

const TableUpdate = Struct(
  {
    table_names: StringList('Tables to watch, as catalog.schema.table.', { minItems: 1, maxItems: 100 }),
    condition: Opt(
      StringEnum(['ANY_UPDATED', 'ALL_UPDATED'] as const, 'Trigger when any or all tables changed.'),
    ),
    min_time_between_triggers_seconds: Opt(Int('Least time between two triggered runs.', { minimum: 0 })),
    wait_after_last_change_seconds: Opt(
      Int('Quiet period after the last change before triggering.', { minimum: 0 }),
    ),
  },
  'Triggers when tables are updated.',
);

const Periodic = Struct(
  {
    interval: Int('How many units between runs.', { minimum: 1 }),
    unit: StringEnum(['MINUTES', 'HOURS', 'DAYS', 'WEEKS'] as const, 'Unit of interval.'),
  },
  'Triggers at a fixed interval.',
);

const ModelTrigger = Struct(
  {
    condition: StringEnum(
      ['MODEL_CREATED', 'MODEL_VERSION_READY', 'MODEL_ALIAS_SET'] as const,
      'Model event that triggers.',
    ),
    securable_name: Opt(Str('Model to watch.')),
    aliases: Opt(StringList('Aliases to watch, for MODEL_ALIAS_SET.', { maxItems: 100 })),
    min_time_between_triggers_seconds: Opt(Int('Least time between two triggered runs.', { minimum: 0 })),
    wait_after_last_change_seconds: Opt(Int('Quiet period before triggering.', { minimum: 0 })),
  },
  'Private preview: triggers on model registry events.',
);

const TRIGGER_KINDS = ['file_arrival', 'table_update', 'periodic', 'model', 'sql_condition'] as const;

/** `trigger` of a job (jobs.TriggerSettings): file arrival, table update, periodic, ... */
export const TriggerSettings = Struct(
  {
    pause_status: Opt(PAUSE_STATUS),
    file_arrival: Opt(FileArrival),
    table_update: Opt(TableUpdate),
    periodic: Opt(Periodic),
    model: Opt(ModelTrigger),
    sql_condition: Opt(SqlConditionConfiguration),
  },
  'Event that triggers a run. Set exactly one of file_arrival, table_update, periodic, model, sql_condition.',
  celValidations(exactlyOneOf(TRIGGER_KINDS, 'trigger')),
);

const TASK_RETRY_MODE = StringEnum(
  ['NEVER', 'ON_FAILURE'] as const,
  'Whether failed tasks of a continuous job are retried.',
);

/** `continuous` of a job (jobs.Continuous). */
export const Continuous = Struct(
  { pause_status: Opt(PAUSE_STATUS), task_retry_mode: Opt(TASK_RETRY_MODE) },
  'Keeps one run active at all times: a new run starts when the previous one ends.',
);

const TriggerConfiguration = Struct(
  {
    pause_status: Opt(PAUSE_STATUS),
    schedule: Opt(Struct({ quartz_cron_expression: QUARTZ, timezone_id: TIMEZONE }, 'A cron schedule.')),
    continuous: Opt(Struct({ task_retry_mode: Opt(TASK_RETRY_MODE) }, 'Continuous execution.')),
    file_arrival: Opt(FileArrival),
    table_update: Opt(TableUpdate),
    periodic: Opt(Periodic),
    model: Opt(ModelTrigger),
    sql_condition: Opt(SqlConditionConfiguration),
  },
  'One trigger of the multi-trigger form (triggers). Set exactly one kind.',
  celValidations(exactlyOneOf(['schedule', 'continuous', ...TRIGGER_KINDS], 'triggers entry')),
);

/** `run_as` of a job or a submitted run (jobs.JobRunAs). */
export const JobRunAs = Struct(
  {
    user_name: Opt(Str('User the job runs as (yourself, or anyone if you are an admin).')),
    service_principal_name: Opt(Str('Application ID of a service principal you have the user role on.')),
    group_name: Opt(Str('Group the job runs as.')),
  },
  'Identity the job runs as. Set exactly one. Defaults to the job owner.',
  celValidations(exactlyOneOf(['user_name', 'service_principal_name', 'group_name'], 'run_as')),
);

/** One entry of `parameters` of a job (jobs.JobParameterDefinition). */
export const JobParameterDefinition = Struct(
  {
    name: Str('Parameter name: letters, digits, _, - and .', {
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\w\\-.]+$',
    }),
    default: Str('Default value.', { maxLength: 10000 }),
  },
  'A job parameter, passed to every task that accepts parameters.',
);

/** `queue` of a job or a run (jobs.QueueSettings). */
export const QueueSettings = Struct(
  { enabled: Bool('Queue runs that cannot start yet instead of skipping them.') },
  'Queueing of runs over the concurrency limit.',
);

/** Jobs API 2.2 JobSettings, as DatabricksJob.spec.settings. */
export const JobSettings = Struct(
  {
    name: Opt(Str('Job name; need not be unique. Defaults to the object name.', { maxLength: 4096 })),
    description: Opt(Str('What the job does (at most 27700 characters).', { maxLength: 27700 })),
    tags: Opt(
      StringMap(
        'Tags on the job and on its job clusters (at most 25, including the ownership tags the controller adds).',
        {
          maxProperties: 25,
        },
      ),
    ),
    tasks: Opt(KeyedList(Task, ['task_key'], 'The tasks of the job, keyed by task_key.', { maxItems: 1000 })),
    job_clusters: Opt(
      KeyedList(JobCluster, ['job_cluster_key'], 'Clusters shared by the tasks, keyed by job_cluster_key.', {
        maxItems: 100,
      }),
    ),
    environments: Opt(
      KeyedList(JobEnvironment, ['environment_key'], 'Serverless environments, keyed by environment_key.', {
        maxItems: 100,
      }),
    ),
    parameters: Opt(
      KeyedList(JobParameterDefinition, ['name'], 'Job parameters, keyed by name.', { maxItems: 1000 }),
    ),
    git_source: Opt(GitSource),
    schedule: Opt(CronSchedule),
    trigger: Opt(TriggerSettings),
    triggers: Opt(List(TriggerConfiguration, 'Several triggers (multi-trigger form).', { maxItems: 10 })),
    continuous: Opt(Continuous),
    max_concurrent_runs: Opt(
      Int('Most runs active at once (0 to 1000). Defaults to 1.', { minimum: 0, maximum: 1000 }),
    ),
    timeout_seconds: Opt(Int('Timeout of each run; 0 means none.', { minimum: 0 })),
    queue: Opt(QueueSettings),
    run_as: Opt(JobRunAs),
    email_notifications: Opt(EmailNotifications),
    webhook_notifications: Opt(WebhookNotifications),
    notification_settings: Opt(JobNotificationSettings),
    health: Opt(HealthRules),
    performance_target: Opt(
      StringEnum(
        ['PERFORMANCE_OPTIMIZED', 'STANDARD'] as const,
        'Serverless runs: start fast (PERFORMANCE_OPTIMIZED) or cost less (STANDARD).',
      ),
    ),
    budget_policy_id: Opt(Str('Budget policy the usage of the job is attributed to.')),
    usage_policy_id: Opt(Str('Usage policy the job is attributed to.')),
    edit_mode: Opt(
      StringEnum(
        ['UI_LOCKED', 'EDITABLE'] as const,
        'Whether the job may be edited in the UI. UI_LOCKED suits jobs managed here.',
      ),
    ),
    format: Opt(StringEnum(['SINGLE_TASK', 'MULTI_TASK'] as const, 'Legacy; ignored by API 2.2 on writes.')),
    deployment: Opt(
      Struct(
        {
          kind: StringEnum(['BUNDLE', 'SYSTEM_MANAGED'] as const, 'What deployed the job.'),
          metadata_file_path: Opt(Str('Path of the deployment metadata file.')),
        },
        'Deployment information shown in the UI.',
      ),
    ),
    parent_path: Opt(Str('Workspace folder the job is stored in.')),
  },
  'The complete Jobs API 2.2 job settings, verbatim (snake_case): what jobs/create and jobs/reset take.',
  celValidations(
    atMostOneOf(['schedule', 'trigger', 'continuous', 'triggers'], 'settings'),
    keysExistIn('tasks', 'job_cluster_key', 'job_clusters', 'job_cluster_key'),
    keysExistIn('tasks', 'environment_key', 'environments', 'environment_key'),
    keysExistIn('tasks', 'for_each_task.task.job_cluster_key', 'job_clusters', 'job_cluster_key'),
  ),
);
export type JobSettings = Static<typeof JobSettings>;
