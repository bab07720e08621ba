import type { Duration } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ClusterSpec } from './crds/cluster-spec.js';
import type { DatabricksJobSpec } from './crds/databricks-job.js';
import { clusterSpecProblems } from './databricks-cluster.js';
import type { JobSettings } from './crds/job-settings.js';
import { DatabricksApiObject, type DatabricksObjectProps } from './databricks-api-object.js';
import type { IDatabricksWorkspace } from './databricks-workspace.js';
import type { JobDeletionPolicy, ManagementPolicy } from './deletion-policy.js';
import { JobCluster } from './job-cluster.js';
import { Grants, type Principal } from './permission-grants.js';
import type { IDatabricksJob } from './job-member.js';
import type { JobSchedule } from './job-schedule.js';
import { taskGraphProblems } from './task-graph.js';
import { Task, type TaskProps } from './task.js';

export type { IDatabricksJob } from './job-member.js';

/** Who is e-mailed about the job's runs (`settings.email_notifications`). */
export interface JobNotifications {
  /**
   * Addresses e-mailed when a run starts.
   *
   * @default - none
   */
  readonly onStart?: readonly string[];
  /**
   * Addresses e-mailed when a run succeeds.
   *
   * @default - none
   */
  readonly onSuccess?: readonly string[];
  /**
   * Addresses e-mailed when a run fails.
   *
   * @default - none
   */
  readonly onFailure?: readonly string[];
  /**
   * Addresses e-mailed when a run exceeds a `RUN_DURATION_SECONDS` health rule.
   *
   * @default - none
   */
  readonly onDurationWarning?: readonly string[];
  /**
   * Whether to stay quiet about skipped runs.
   *
   * @default false
   */
  readonly noAlertForSkippedRuns?: boolean;
}

/** The permissions of a job (`spec.permissions`). */
export type JobPermissions = NonNullable<DatabricksJobSpec['permissions']>;
/** One entry of a job's access control list, verbatim. */
export type JobAccessControlEntry = JobPermissions['access_control_list'][number];
/** What a principal may do with a job. */
export type JobPermissionLevel = JobAccessControlEntry['permission_level'];
/** Who a permission is granted to: a user (e-mail), a group, or a service principal (application ID). */
export type JobPrincipal = Principal;

/** Props of {@link DatabricksJob}. */
export interface DatabricksJobProps extends DatabricksObjectProps {
  /** The workspace the job lives in (`spec.workspaceRef`). */
  readonly workspace: IDatabricksWorkspace;
  /**
   * The job's name in Databricks (`settings.name`).
   *
   * @default - `metadata.name` if given, else the construct id (e.g. `nightly-etl`)
   */
  readonly jobName?: string;
  /**
   * The job's description (`settings.description`).
   *
   * @default - none
   */
  readonly description?: string;
  /**
   * When the job runs on its own (`settings.schedule`).
   *
   * @default - only when triggered (by a DatabricksRun, the UI or `settings.trigger`)
   */
  readonly schedule?: JobSchedule;
  /**
   * Who is e-mailed about runs (`settings.email_notifications`).
   *
   * @default - nobody
   */
  readonly notifications?: JobNotifications;
  /**
   * How many runs may be active at once (`settings.max_concurrent_runs`), 1-1000.
   *
   * @default 1
   */
  readonly maxConcurrentRuns?: number;
  /**
   * How long a run may take before it is stopped (`settings.timeout_seconds`).
   *
   * @default - no timeout
   */
  readonly timeout?: Duration;
  /**
   * Job-level parameters and their defaults (`settings.parameters`), passed to every task.
   *
   * @default - none
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * Tags of the job (`settings.tags`), at most 25.
   *
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Any other field of the Jobs API `JobSettings`, verbatim (`trigger`, `continuous`, `environments`,
   * `git_source`, `health`, `queue`, `run_as`, `webhook_notifications`, and even `tasks` and
   * `job_clusters`, to which addTask() and addJobCluster() append). The props above take precedence.
   *
   * @default - none
   */
  readonly settings?: Partial<JobSettings>;
  /**
   * Who may see, run or manage the job (`spec.permissions`); {@link DatabricksJob.grant} adds entries.
   *
   * @default - Databricks' defaults (the owner)
   */
  readonly permissions?: JobPermissions;
  /**
   * What happens to the Databricks job when this object is deleted.
   *
   * @default 'Delete'
   */
  readonly deletionPolicy?: JobDeletionPolicy;
  /**
   * `Observe` to only read the job (give `jobId`) and report in status where it differs from the
   * settings, never writing to Databricks.
   *
   * @default 'Manage'
   */
  readonly managementPolicy?: ManagementPolicy;
  /**
   * The ID of an existing Databricks job to adopt instead of creating one.
   *
   * @default - a new job is created
   */
  readonly jobId?: number;
}

/** Databricks' limit on the tags of a job. */
const MAX_JOB_TAGS = 25;
/** Databricks' limit on `max_concurrent_runs`. */
const MAX_CONCURRENT_RUNS = 1000;

/**
 * A Databricks job (Jobs API 2.2): tasks, the clusters they run on, a schedule and notifications.
 * Synthesizes a `DatabricksJob` whose `spec.settings` is the Jobs API `JobSettings`, verbatim.
 *
 * @example
 * const job = new DatabricksJob(chart, 'nightly-etl', {
 *   workspace,
 *   schedule: JobSchedule.daily({ hour: 2 }),
 *   notifications: { onFailure: ['data-team@example.com'] },
 * });
 * const cluster = job.addJobCluster('etl', { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 2 });
 * const ingest = job.addTask('ingest', { type: TaskType.notebook('/Shared/etl/ingest'), runOn: cluster });
 * job.addTask('transform', { type: TaskType.notebook('/Shared/etl/transform'), runOn: cluster }).dependsOn(ingest);
 */
export class DatabricksJob extends DatabricksApiObject<DatabricksJobSpec> implements IDatabricksJob {
  declare readonly kind: 'DatabricksJob';

  /**
   * A job defined elsewhere, by the name of its `DatabricksJob` object.
   *
   * @param workspace its workspace, which runs of the job then default to
   */
  static fromName(name: string, workspace?: IDatabricksWorkspace): IDatabricksJob {
    return { kind: 'DatabricksJob', name, workspace };
  }

  /** The workspace the job lives in. */
  readonly workspace: IDatabricksWorkspace;
  private readonly jobProps: DatabricksJobProps;
  private readonly addedTasks: Task[] = [];
  private readonly addedJobClusters: JobCluster[] = [];
  private readonly addedParameters: Record<string, string>;
  private readonly addedTags: Record<string, string>;
  private readonly grants: Grants<JobPermissionLevel>;

  constructor(scope: Construct, id: string, props: DatabricksJobProps) {
    super(scope, id, 'DatabricksJob', props);
    this.workspace = props.workspace;
    this.jobProps = props;
    this.addedParameters = { ...props.parameters };
    this.addedTags = { ...props.tags };
    this.grants = new Grants(props.permissions);
    this.node.addValidation({ validate: () => this.problems() });
  }

  /** The tasks added with {@link addTask}, in order. */
  get tasks(): readonly Task[] {
    return this.addedTasks;
  }

  /** The job clusters added with {@link addJobCluster}, in order. */
  get jobClusters(): readonly JobCluster[] {
    return this.addedJobClusters;
  }

  /**
   * Adds a task.
   *
   * @param key the `task_key`, unique in the job
   */
  addTask(key: string, props: TaskProps = {}): Task {
    const task = new Task(this, key, props);
    this.addedTasks.push(task);
    return task;
  }

  /**
   * Adds a cluster that the job starts for its runs; tasks use it with `runOn`.
   *
   * @param key the `job_cluster_key`, unique in the job
   * @param spec the cluster spec (`new_cluster`), verbatim
   */
  addJobCluster(key: string, spec: ClusterSpec): JobCluster {
    const cluster = new JobCluster(this, key, spec);
    this.addedJobClusters.push(cluster);
    return cluster;
  }

  /** Adds a job parameter with its default value (`settings.parameters`). */
  addParameter(name: string, defaultValue: string): this {
    this.addedParameters[name] = defaultValue;
    return this;
  }

  /**
   * Grants a permission on the job (`spec.permissions.access_control_list`).
   *
   * @example
   * job.grant({ group: 'data-engineers' }, 'CAN_MANAGE_RUN');
   */
  grant(principal: JobPrincipal, level: JobPermissionLevel): this {
    this.grants.add(principal, level);
    return this;
  }

  /** The permissions this job synthesizes, or undefined if none were given. */
  renderPermissions(): JobPermissions | undefined {
    return this.grants.render();
  }

  /** Adds a tag (`settings.tags`). */
  addTag(key: string, value: string): this {
    this.addedTags[key] = value;
    return this;
  }

  /** The Jobs API `JobSettings` this job synthesizes. */
  renderSettings(): JobSettings {
    const props = this.jobProps;
    const extra: Partial<JobSettings> = props.settings ?? {};
    const settings: JobSettings = {
      ...extra,
      name: props.jobName ?? extra.name ?? props.metadata?.name ?? this.node.id,
    };
    if (props.description !== undefined) settings.description = props.description;
    if (props.schedule) settings.schedule = props.schedule.toPayload();
    if (props.notifications) settings.email_notifications = renderNotifications(props.notifications);
    if (props.maxConcurrentRuns !== undefined) settings.max_concurrent_runs = props.maxConcurrentRuns;
    if (props.timeout !== undefined) settings.timeout_seconds = props.timeout.toSeconds();
    const parameters = Object.entries(this.addedParameters);
    if (parameters.length > 0) {
      settings.parameters = [
        ...(extra.parameters ?? []),
        ...parameters.map(([name, value]) => ({ name, default: value })),
      ];
    }
    if (Object.keys(this.addedTags).length > 0) settings.tags = { ...extra.tags, ...this.addedTags };
    if (this.addedJobClusters.length > 0) {
      settings.job_clusters = [
        ...(extra.job_clusters ?? []),
        ...this.addedJobClusters.map((c) => c.toPayload()),
      ];
    }
    if (this.addedTasks.length > 0) {
      settings.tasks = [...(extra.tasks ?? []), ...this.addedTasks.map((task) => task.toPayload())];
    }
    return settings;
  }

  protected renderSpec(): DatabricksJobSpec {
    return {
      workspaceRef: { name: this.workspace.name },
      settings: this.renderSettings(),
      permissions: this.renderPermissions(),
      deletionPolicy: this.jobProps.deletionPolicy,
      managementPolicy: this.jobProps.managementPolicy,
      jobId: this.jobProps.jobId,
    };
  }

  private problems(): string[] {
    const props = this.jobProps;
    const extra: Partial<JobSettings> = props.settings ?? {};
    const problems: string[] = [];
    for (const task of this.addedTasks) problems.push(...task.problems());
    if (props.schedule) problems.push(...props.schedule.problems());
    if (props.schedule && extra.schedule) {
      problems.push(
        'the schedule prop and settings.schedule are mutually exclusive; keep the schedule prop ' +
          '(JobSchedule checks the cron expression at synth time)',
      );
    }
    const triggers = (['schedule', 'trigger', 'continuous'] as const).filter(
      (field) => (field === 'schedule' && props.schedule) || extra[field] !== undefined,
    );
    if (triggers.length > 1) {
      problems.push(
        `settings.${triggers.join(' and settings.')} are mutually exclusive: a job runs on a schedule, ` +
          `on a trigger or continuously; keep one`,
      );
    }
    const maxRuns = props.maxConcurrentRuns;
    if (
      maxRuns !== undefined &&
      !(Number.isInteger(maxRuns) && maxRuns >= 1 && maxRuns <= MAX_CONCURRENT_RUNS)
    ) {
      problems.push(`maxConcurrentRuns ${maxRuns} must be a whole number from 1 to ${MAX_CONCURRENT_RUNS}`);
    }
    const tagCount = Object.keys({ ...extra.tags, ...this.addedTags }).length;
    if (tagCount > MAX_JOB_TAGS) {
      problems.push(
        `settings.tags has ${tagCount} tags; Databricks allows at most ${MAX_JOB_TAGS}, remove some`,
      );
    }
    const owners = this.renderPermissions()?.access_control_list.filter(
      (e) => e.permission_level === 'IS_OWNER',
    );
    if (owners && owners.length > 1) {
      problems.push(
        `permissions.access_control_list gives IS_OWNER to ${owners.length} principals; a job has exactly one ` +
          `owner, so grant the others CAN_MANAGE`,
      );
    }
    const settings = this.renderSettings();
    (settings.job_clusters ?? []).forEach((cluster, index) => {
      // A job cluster on serverless compute has no new_cluster to check.
      if (!cluster.new_cluster) return;
      problems.push(
        ...clusterSpecProblems(cluster.new_cluster, `settings.job_clusters[${index}].new_cluster`),
      );
    });
    this.addedJobClusters.forEach((cluster) => {
      problems.push(...cluster.referenceProblems(`job cluster "${cluster.key}" new_cluster`));
    });
    problems.push(...taskGraphProblems(settings.tasks ?? [], settings.job_clusters ?? []));
    return problems;
  }
}

function renderNotifications(notifications: JobNotifications): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  if (notifications.onStart) payload.on_start = [...notifications.onStart];
  if (notifications.onSuccess) payload.on_success = [...notifications.onSuccess];
  if (notifications.onFailure) payload.on_failure = [...notifications.onFailure];
  if (notifications.onDurationWarning) {
    payload.on_duration_warning_threshold_exceeded = [...notifications.onDurationWarning];
  }
  if (notifications.noAlertForSkippedRuns !== undefined) {
    payload.no_alert_for_skipped_runs = notifications.noAlertForSkippedRuns;
  }
  return payload;
}
