import { type Static } from '@sinclair/typebox';
import { celValidations, exactlyOneOf, keysExistIn, onlyWhen, unchanged } from './cel-rules.js';
import { Conditions, ObservedGeneration } from './conditions.js';
import { READY_COLUMN, type KindDefinition } from './custom-resource-definition.js';
import { HealthRules } from './health-rules.js';
import { JobCluster, JobEnvironment, GitSource, JobRunAs, QueueSettings } from './job-settings.js';
import { EmailNotifications, JobNotificationSettings, WebhookNotifications } from './notifications.js';
import { JobAccessControlEntry } from './databricks-job.js';
import { WorkspaceReference } from './object-references.js';
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
  Struct,
} from './schema-types.js';
import { Task, runNowParameterProperties } from './task.js';

const PERFORMANCE_TARGET = StringEnum(
  ['PERFORMANCE_OPTIMIZED', 'STANDARD'] as const,
  'Serverless runs: start fast (PERFORMANCE_OPTIMIZED) or cost less (STANDARD).',
);

/** The jobs/run-now payload without job_id (the controller fills it in from jobRef). */
export const RunNowSettings = Struct(
  {
    ...runNowParameterProperties,
    only: Opt(StringList('Run only these task keys of the job.', { maxItems: 1000 })),
    queue: Opt(QueueSettings),
    performance_target: Opt(PERFORMANCE_TARGET),
  },
  'Parameters of a run-now of the referenced job, verbatim (snake_case). The controller adds job_id and an idempotency token.',
  celValidations({
    rule: '!(has(self.notebook_params) && has(self.jar_params))',
    message: 'runNow: notebook_params and jar_params are mutually exclusive',
  }),
);
export type RunNowSettings = Static<typeof RunNowSettings>;

/** The jobs/runs/submit payload (a one-time run), verbatim; the controller adds the idempotency token. */
export const RunSubmitSettings = Struct(
  {
    run_name: Opt(Str('Name of the run. Defaults to the object name.', { maxLength: 4096 })),
    tasks: KeyedList(Task, ['task_key'], 'The tasks of the run, keyed by task_key.', {
      minItems: 1,
      maxItems: 100,
    }),
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
    git_source: Opt(GitSource),
    timeout_seconds: Opt(Int('Timeout of the run; 0 means none.', { minimum: 0 })),
    queue: Opt(QueueSettings),
    run_as: Opt(JobRunAs),
    access_control_list: Opt(List(JobAccessControlEntry, 'Permissions on the run.', { maxItems: 200 })),
    email_notifications: Opt(EmailNotifications),
    webhook_notifications: Opt(WebhookNotifications),
    notification_settings: Opt(JobNotificationSettings),
    health: Opt(HealthRules),
    budget_policy_id: Opt(Str('Budget policy the usage of the run is attributed to.')),
    usage_policy_id: Opt(Str('Usage policy the run is attributed to.')),
  },
  'A one-time run (jobs/runs/submit), verbatim (snake_case). It is not saved as a job.',
  celValidations(
    keysExistIn('tasks', 'job_cluster_key', 'job_clusters', 'job_cluster_key'),
    keysExistIn('tasks', 'environment_key', 'environments', 'environment_key'),
  ),
);
export type RunSubmitSettings = Static<typeof RunSubmitSettings>;

/** What to do instead of changing what a run runs; GitOps users meet it first, so it names their way. */
const RUN_AGAIN =
  'a run happens once; to run again, create a DatabricksRun with a new name. From Git, the DatabricksRun ' +
  "construct's runOnChange option names the object after what it runs, so a change starts one new run " +
  '(README: Runs from Git)';

/** `spec` of a DatabricksRun: a run-now of a DatabricksJob or a one-time runs/submit. */
export const DatabricksRunSpec = Struct(
  {
    workspaceRef: WorkspaceReference,
    jobRef: Opt(
      Struct(
        { name: Str('Name of the DatabricksJob in the same namespace.', { minLength: 1, maxLength: 253 }) },
        'The DatabricksJob to run now. The controller waits (condition reason WaitingForDependency) until the job is Ready.',
      ),
    ),
    runNow: Opt(RunNowSettings),
    submit: Opt(RunSubmitSettings),
    cancelOnDelete: Opt(
      Bool('Cancel the run if this object is deleted while the run is active. Defaults to true.', {
        default: true,
      }),
    ),
  },
  'One run: a run-now of a DatabricksJob (jobRef, with optional runNow parameters) or a one-time run (submit). Set exactly one of jobRef, submit. The run happens once, so jobRef, runNow and submit cannot change afterwards.',
  celValidations(
    exactlyOneOf(['jobRef', 'submit'], 'spec'),
    onlyWhen(
      'runNow',
      'has(self.jobRef)',
      'spec.runNow is only allowed with spec.jobRef (run parameters of a job)',
    ),
    // A run happens once: what it runs cannot change afterwards (cancelOnDelete still can).
    unchanged('jobRef', RUN_AGAIN),
    unchanged('runNow', RUN_AGAIN),
    unchanged('submit', RUN_AGAIN),
  ),
);
export type DatabricksRunSpec = Static<typeof DatabricksRunSpec>;

/** The run life cycle states `status.lifeCycleState` can hold; the controller leaves any other out. */
export const RUN_LIFE_CYCLE_STATES = [
  'QUEUED',
  'PENDING',
  'RUNNING',
  'TERMINATING',
  'TERMINATED',
  'SKIPPED',
  'INTERNAL_ERROR',
  'BLOCKED',
  'WAITING_FOR_RETRY',
] as const;
/** A run life cycle state the CRD knows (`state.life_cycle_state`). */
export type RunLifeCycleState = (typeof RUN_LIFE_CYCLE_STATES)[number];

/** Whether Databricks' `life_cycle_state` is one the CRD's enum holds. */
export function isRunLifeCycleState(state: string): state is RunLifeCycleState {
  return (RUN_LIFE_CYCLE_STATES as readonly string[]).includes(state);
}

const LifeCycleState = StringEnum(RUN_LIFE_CYCLE_STATES, 'Run life cycle state (state.life_cycle_state).');
const ResultState = Str(
  'Result of a finished run (state.result_state): SUCCESS, FAILED, TIMEDOUT, CANCELED, ...',
);

/** Longest `result` and `error` kept in a task's output summary, in characters. */
export const RUN_OUTPUT_TEXT_LIMIT = 1024;
/** Longest `errorTrace` kept in a task's output summary, in characters. */
export const RUN_OUTPUT_TRACE_LIMIT = 2048;

/** What runs/get-output said about one finished task run, cut short to keep status small. */
const RunTaskOutput = Struct(
  {
    result: Opt(
      Str('notebook_output.result: the value the notebook passed to dbutils.notebook.exit.', {
        maxLength: RUN_OUTPUT_TEXT_LIMIT,
      }),
    ),
    truncated: Opt(Bool('Whether result is cut short (by Databricks, or here to fit status).')),
    error: Opt(Str('Why the task failed.', { maxLength: RUN_OUTPUT_TEXT_LIMIT })),
    errorTrace: Opt(Str('The beginning of the error stack trace.', { maxLength: RUN_OUTPUT_TRACE_LIMIT })),
  },
  'Summary of jobs/runs/get-output for the task run, read once when the run finished.',
);

/** `status` of a DatabricksRun, written by the controller. */
export const DatabricksRunStatus = Struct(
  {
    observedGeneration: Opt(ObservedGeneration),
    conditions: Opt(Conditions),
    runId: Opt(Int64('Databricks run ID.')),
    jobId: Opt(Int64('ID of the job that ran (run-now), when there is one.')),
    url: Opt(Str('run_page_url: the run in the workspace UI.')),
    lifeCycleState: Opt(LifeCycleState),
    resultState: Opt(ResultState),
    state: Opt(
      Str('status.state of the run: BLOCKED, PENDING, QUEUED, RUNNING, TERMINATING, TERMINATED or WAITING.'),
    ),
    stateMessage: Opt(Str('Databricks explanation of the current state.')),
    terminationDetails: Opt(
      Struct(
        {
          code: Opt(Str('Termination code, e.g. SUCCESS, USER_CANCELED, RUN_EXECUTION_ERROR.')),
          type: Opt(Str('SUCCESS, INTERNAL_ERROR, CLIENT_ERROR or CLOUD_FAILURE.')),
          message: Opt(Str('Databricks explanation of why the run ended.')),
        },
        'Why the run ended.',
      ),
    ),
    startTime: Opt(Str('When the run started.', { format: 'date-time' })),
    endTime: Opt(Str('When the run ended.', { format: 'date-time' })),
    tasks: Opt(
      List(
        Struct(
          {
            taskKey: Str('task_key of the task.'),
            runId: Opt(Int64('Run ID of the task run (for runs/get-output).')),
            lifeCycleState: Opt(LifeCycleState),
            resultState: Opt(ResultState),
            output: Opt(RunTaskOutput),
          },
          'One task run.',
        ),
        'The task runs of the run.',
        { maxItems: 1000 },
      ),
    ),
  },
  'What the controller observed about the run.',
);
export type DatabricksRunStatus = Static<typeof DatabricksRunStatus>;

/** The DatabricksRun kind: names, schemas and printer columns of its CRD. */
export const DATABRICKS_RUN: KindDefinition<'DatabricksRun', DatabricksRunSpec, DatabricksRunStatus> = {
  kind: 'DatabricksRun',
  plural: 'databricksruns',
  singular: 'databricksrun',
  shortName: 'dbrun',
  description:
    'DatabricksRun is one run: a run-now of a DatabricksJob (spec.jobRef) or a one-time runs/submit (spec.submit). Conditions Succeeded and Failed report its outcome.',
  spec: DatabricksRunSpec,
  status: DatabricksRunStatus,
  printerColumns: [
    { name: 'Run ID', type: 'integer', jsonPath: '.status.runId', description: 'Databricks run ID.' },
    { name: 'State', type: 'string', jsonPath: '.status.lifeCycleState', description: 'Life cycle state.' },
    { name: 'Result', type: 'string', jsonPath: '.status.resultState', description: 'Result state.' },
    {
      name: 'Succeeded',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="Succeeded")].status',
      description: 'Whether the run succeeded.',
    },
    READY_COLUMN,
    {
      name: 'Job',
      type: 'string',
      jsonPath: '.spec.jobRef.name',
      description: 'The DatabricksJob run.',
      priority: 1,
    },
    { name: 'URL', type: 'string', jsonPath: '.status.url', description: 'Run page.', priority: 1 },
  ],
};
