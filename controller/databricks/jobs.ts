/**
 * Jobs API 2.2: jobs and their runs. Method names are Databricks' own (`jobs.runNow` is `jobs/run-now`).
 * Pagination is handled here: `list` and `listRuns` are async iterators over all pages, and `get` and
 * `getRun` return the whole object even when Databricks splits its arrays into pages of 100.
 */
import type { ApiCaller } from './api-caller.js';
import type { Open } from './open-enum.js';
import { type Int64Id, type Int64IdInput, toQueryId, toWireId } from './int64-json.js';
import { fetchAllArrayPages, paginate } from './pagination.js';
import type { JobSettings, ReturnedJobSettings, RunSubmitSettings } from './settings-payloads.js';

const JOBS = '/api/2.2/jobs';

export interface Job {
  readonly job_id: Int64Id;
  readonly creator_user_name?: string;
  readonly run_as_user_name?: string;
  /** Epoch milliseconds. */
  readonly created_time?: number;
  /** On `list` without `expand_tasks`, tasks and job clusters are left out. */
  readonly settings?: ReturnedJobSettings;
  readonly effective_budget_policy_id?: string;
  /** Item-level: more tasks exist than `list` with `expand_tasks` returned. */
  readonly has_more?: boolean;
  readonly next_page_token?: string;
}

export type RunLifeCycleState = Open<
  | 'QUEUED'
  | 'PENDING'
  | 'RUNNING'
  | 'TERMINATING'
  | 'TERMINATED'
  | 'SKIPPED'
  | 'INTERNAL_ERROR'
  | 'BLOCKED'
  | 'WAITING_FOR_RETRY'
>;

export type RunResultState = Open<
  | 'SUCCESS'
  | 'FAILED'
  | 'TIMEDOUT'
  | 'CANCELED'
  | 'MAXIMUM_CONCURRENT_RUNS_REACHED'
  | 'EXCLUDED'
  | 'SUCCESS_WITH_FAILURES'
  | 'UPSTREAM_FAILED'
  | 'UPSTREAM_CANCELED'
  | 'DISABLED'
>;

/** The legacy state model, still returned. */
export interface RunState {
  readonly life_cycle_state?: RunLifeCycleState;
  /** Present only once the run is terminal. */
  readonly result_state?: RunResultState;
  readonly state_message?: string;
  readonly user_cancelled_or_timedout?: boolean;
  readonly queue_reason?: string;
}

/** The newer state model; prefer it. */
export interface RunStatus {
  readonly state?: Open<
    'BLOCKED' | 'PENDING' | 'QUEUED' | 'RUNNING' | 'TERMINATING' | 'TERMINATED' | 'WAITING'
  >;
  readonly queue_details?: { readonly code?: string; readonly message?: string };
  readonly termination_details?: {
    readonly code?: string;
    readonly type?: Open<'SUCCESS' | 'INTERNAL_ERROR' | 'CLIENT_ERROR' | 'CLOUD_FAILURE'>;
    readonly message?: string;
  };
}

export interface ClusterInstance {
  readonly cluster_id?: string;
  readonly spark_context_id?: string;
}

/** One task's run inside a job run. Its `run_id` is what `getRunOutput` needs. */
export interface RunTask {
  readonly run_id: Int64Id;
  readonly task_key: string;
  readonly state?: RunState;
  readonly status?: RunStatus;
  readonly cluster_instance?: ClusterInstance;
  readonly attempt_number?: number;
  readonly start_time?: number;
  readonly end_time?: number;
  readonly run_page_url?: string;
  readonly [field: string]: unknown;
}

export interface Run {
  readonly run_id: Int64Id;
  readonly job_id?: Int64Id;
  readonly number_in_job?: Int64Id;
  readonly original_attempt_run_id?: Int64Id;
  readonly attempt_number?: number;
  readonly run_name?: string;
  readonly run_type?: Open<'JOB_RUN' | 'WORKFLOW_RUN' | 'SUBMIT_RUN'>;
  /** Treat as opaque: its form differs between clouds and versions. */
  readonly run_page_url?: string;
  readonly state?: RunState;
  readonly status?: RunStatus;
  readonly tasks?: readonly RunTask[];
  readonly job_clusters?: readonly Record<string, unknown>[];
  readonly job_parameters?: readonly Record<string, unknown>[];
  readonly repair_history?: readonly Record<string, unknown>[];
  readonly overriding_parameters?: Record<string, unknown>;
  readonly cluster_instance?: ClusterInstance;
  readonly creator_user_name?: string;
  /** Epoch ms. */
  readonly start_time?: number;
  /** Epoch ms; 0 while the run is unfinished. */
  readonly end_time?: number;
  readonly setup_duration?: number;
  readonly execution_duration?: number;
  readonly cleanup_duration?: number;
  readonly queue_duration?: number;
  readonly run_duration?: number;
  readonly trigger?: string;
  readonly has_more?: boolean;
  readonly next_page_token?: string;
}

export interface RunOutput {
  readonly metadata?: Run;
  readonly notebook_output?: { readonly result?: string; readonly truncated?: boolean };
  readonly error?: string;
  readonly error_trace?: string;
  readonly logs?: string;
  readonly logs_truncated?: boolean;
  readonly [field: string]: unknown;
}

/** `jobs/create` body: the settings plus an optional initial ACL. */
export interface CreateJobRequest {
  readonly access_control_list?: readonly Record<string, unknown>[];
}

/** `jobs/run-now` options besides the job id. */
export interface RunNowRequest {
  readonly job_parameters?: Record<string, string>;
  /** At most 64 characters; makes retries of the same request start exactly one run. */
  readonly idempotency_token?: string;
  readonly queue?: { readonly enabled: boolean };
  readonly only?: readonly string[];
  readonly performance_target?: string;
  readonly notebook_params?: Record<string, string>;
  readonly jar_params?: readonly string[];
  readonly python_params?: readonly string[];
  readonly python_named_params?: Record<string, string>;
  readonly spark_submit_params?: readonly string[];
  readonly sql_params?: Record<string, string>;
  readonly dbt_commands?: readonly string[];
  readonly pipeline_params?: Record<string, unknown>;
}

export interface ListJobsRequest {
  /** Exact, case-insensitive name match. */
  readonly name?: string;
  /** Include tasks and job clusters in each job's settings. */
  readonly expand_tasks?: boolean;
  /** Page size, 1..100. Default 100 here (fewest calls), not Databricks' 20. */
  readonly limit?: number;
}

export interface ListRunsRequest {
  readonly job_id?: Int64IdInput;
  readonly active_only?: boolean;
  readonly completed_only?: boolean;
  readonly run_type?: Open<'JOB_RUN' | 'WORKFLOW_RUN' | 'SUBMIT_RUN'>;
  readonly expand_tasks?: boolean;
  readonly start_time_from?: number;
  readonly start_time_to?: number;
  /** Page size, below 25. Default 24. */
  readonly limit?: number;
}

interface JobsPage {
  readonly jobs?: readonly Job[];
  readonly has_more?: boolean;
  readonly next_page_token?: string;
}

interface RunsPage {
  readonly runs?: readonly Run[];
  readonly has_more?: boolean;
  readonly next_page_token?: string;
}

const JOB_SETTINGS_ARRAYS = ['tasks', 'job_clusters', 'environments', 'parameters'] as const;
const RUN_ARRAYS = ['tasks', 'job_clusters', 'job_parameters', 'repair_history'] as const;

export class JobsApi {
  constructor(private readonly api: ApiCaller) {}

  /** `jobs/create`. */
  create(settings: JobSettings, request: CreateJobRequest = {}): Promise<{ job_id: Int64Id }> {
    return this.api.call({ method: 'POST', path: `${JOBS}/create`, body: { ...settings, ...request } });
  }

  /** `jobs/get`, with every page of tasks, job clusters, environments and parameters merged. */
  get(jobId: Int64IdInput): Promise<Job> {
    const id = toQueryId(jobId);
    return fetchAllArrayPages<Job>(
      (page_token) =>
        this.api.call({ method: 'GET', path: `${JOBS}/get`, query: { job_id: id, page_token } }),
      (page) => pickArrays(page.settings, JOB_SETTINGS_ARRAYS),
      (first, merged) => ({ ...first, settings: { ...first.settings, ...merged } }),
    );
  }

  /** `jobs/list` over all pages, most recently created first. */
  list(request: ListJobsRequest = {}): AsyncGenerator<Job, void, undefined> {
    return paginate<JobsPage, Job>(
      (page_token) =>
        this.api.call({
          method: 'GET',
          path: `${JOBS}/list`,
          query: { limit: 100, ...request, page_token },
        }),
      (page) => page.jobs,
    );
  }

  /** `jobs/reset`: replaces all settings. */
  async reset(jobId: Int64IdInput, newSettings: JobSettings): Promise<void> {
    await this.api.call({
      method: 'POST',
      path: `${JOBS}/reset`,
      body: { job_id: toWireId(jobId), new_settings: newSettings },
    });
  }

  /** `jobs/update`: replaces the given top-level fields, merges tasks and job clusters by key. */
  async update(
    jobId: Int64IdInput,
    request: { readonly new_settings?: JobSettings; readonly fields_to_remove?: readonly string[] },
  ): Promise<void> {
    await this.api.call({
      method: 'POST',
      path: `${JOBS}/update`,
      body: { job_id: toWireId(jobId), ...request },
    });
  }

  /** `jobs/delete`. A missing job is a NotFoundError. */
  async delete(jobId: Int64IdInput): Promise<void> {
    await this.api.call({ method: 'POST', path: `${JOBS}/delete`, body: { job_id: toWireId(jobId) } });
  }

  /** `jobs/run-now`. Pass an `idempotency_token` so a retried call starts one run, not two. */
  runNow(
    jobId: Int64IdInput,
    request: RunNowRequest = {},
  ): Promise<{ run_id: Int64Id; number_in_job?: Int64Id }> {
    return this.api.call({
      method: 'POST',
      path: `${JOBS}/run-now`,
      body: { ...request, job_id: toWireId(jobId) },
    });
  }

  /**
   * `jobs/runs/submit`: a one-time run that is not saved as a job. Pass an `idempotency_token` so a
   * retried call starts one run, not two.
   */
  submit(
    settings: RunSubmitSettings,
    options: { readonly idempotency_token?: string } = {},
  ): Promise<{ run_id: Int64Id }> {
    return this.api.call({ method: 'POST', path: `${JOBS}/runs/submit`, body: { ...settings, ...options } });
  }

  /** `jobs/runs/get`, with every page of tasks and other paginated arrays merged. */
  getRun(runId: Int64IdInput, options: { readonly include_history?: boolean } = {}): Promise<Run> {
    const id = toQueryId(runId);
    return fetchAllArrayPages<Run>(
      (page_token) =>
        this.api.call({
          method: 'GET',
          path: `${JOBS}/runs/get`,
          query: { run_id: id, ...options, page_token },
        }),
      (page) => pickArrays(page, RUN_ARRAYS),
      (first, merged) => ({ ...first, ...merged }),
    );
  }

  /** `jobs/runs/list` over all pages, most recently started first, whether or not a run has finished. */
  listRuns(request: ListRunsRequest = {}): AsyncGenerator<Run, void, undefined> {
    const { job_id, ...rest } = request;
    return paginate<RunsPage, Run>(
      (page_token) =>
        this.api.call({
          method: 'GET',
          path: `${JOBS}/runs/list`,
          query: {
            limit: 24,
            ...rest,
            job_id: job_id === undefined ? undefined : toQueryId(job_id),
            page_token,
          },
        }),
      (page) => page.runs,
    );
  }

  /** `jobs/runs/cancel`. Asynchronous: the run may still be active when this returns. */
  async cancelRun(runId: Int64IdInput): Promise<void> {
    await this.api.call({ method: 'POST', path: `${JOBS}/runs/cancel`, body: { run_id: toWireId(runId) } });
  }

  /** `jobs/runs/get-output` of a **task** run (a multi-task parent run is an InvalidParameterError). */
  getRunOutput(runId: Int64IdInput): Promise<RunOutput> {
    return this.api.call({
      method: 'GET',
      path: `${JOBS}/runs/get-output`,
      query: { run_id: toQueryId(runId) },
    });
  }

  /** `jobs/runs/delete`. Only finished runs can be deleted. */
  async deleteRun(runId: Int64IdInput): Promise<void> {
    await this.api.call({ method: 'POST', path: `${JOBS}/runs/delete`, body: { run_id: toWireId(runId) } });
  }
}

function pickArrays(
  source: Record<string, unknown> | object | undefined,
  names: readonly string[],
): Record<string, unknown[] | undefined> {
  const fields = (source ?? {}) as Record<string, unknown>;
  const picked: Record<string, unknown[] | undefined> = {};
  for (const name of names) {
    const value = fields[name];
    picked[name] = Array.isArray(value) ? value : undefined;
  }
  return picked;
}
