import {
  errors,
  SerializedJson,
  type FakeContext,
  type FakeRequest,
  type FakeResponseBody,
  type FakeService,
  type Route,
  type RouteHandler,
} from './api.js';
import {
  arrayPageSize,
  mergeJobSettings,
  settingsPage,
  taskTypeOf,
  tasksOf,
  topologicalOrder,
  validateJobSettings,
  withServerDefaults,
  type JobSettings,
} from './job-settings.js';
import { RequestFields } from './request-fields.js';
import { planTask, scheduleRun, type RunSchedule, type RunTiming, type TaskPlan } from './run-lifecycle.js';

type Json = Record<string, unknown>;

interface StoredJob {
  readonly jobId: number;
  readonly createdTime: number;
  readonly creator: string;
  settings: JobSettings;
  /** The serialized first page of `jobs/get`, dropped whenever the settings change. */
  cachedGet?: SerializedJson;
}

interface StoredRun {
  readonly runId: number;
  readonly jobId: number;
  readonly runType: 'JOB_RUN' | 'SUBMIT_RUN';
  readonly runName: string;
  readonly creator: string;
  readonly createdAt: number;
  /** Task settings as of run creation (a run is not affected by later job edits). */
  readonly tasks: readonly Json[];
  readonly jobClusters?: readonly Json[];
  /** The job's (or submitted run's) `git_source` as of run creation, which runs/get reports. */
  readonly gitSource?: Json;
  readonly plans: readonly TaskPlan[];
  readonly order: readonly number[];
  readonly taskRunIds: readonly number[];
  /** Durations fixed at creation; only a change of the job's `timeout_seconds` alters them later. */
  timing: RunTiming;
  readonly skipped: boolean;
  readonly jobParameters?: readonly Json[];
  readonly overridingParameters?: Json;
  readonly idempotencyToken?: string;
  cancelAt?: number;
  /** Set once the run leaves the queue (or at once, when it does not queue). */
  schedule?: RunSchedule;
}

const activeStates = new Set(['QUEUED', 'PENDING', 'RUNNING', 'TERMINATING', 'BLOCKED']);
const legacyParams = [
  'notebook_params',
  'jar_params',
  'python_params',
  'python_named_params',
  'spark_submit_params',
  'sql_params',
  'dbt_commands',
  'pipeline_params',
] as const;

/** Callbacks the workspace wires so that other services (permissions) learn about jobs. */
export interface JobLifecycleHooks {
  /** Refuse a `jobs/create` before anything is stored (e.g. an invalid `access_control_list`). */
  readonly checkCreate?: (creator: string, accessControlList: readonly unknown[]) => void;
  /** A job was created through the API, with the `access_control_list` of the request. */
  readonly onCreated?: (jobId: number, creator: string, accessControlList: readonly unknown[]) => void;
  readonly onDeleted?: (jobId: number) => void;
}

const firstJobId = 100_000_000_000_001;
const firstRunId = 500_000_000_000_001;

function encodeToken(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

function decodeToken(token: string | undefined, what: string): string | undefined {
  if (token === undefined || token === '') return undefined;
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  if (!/^[a-z]+(:\d+)+$/.test(decoded)) {
    throw errors.invalidParameter(`${what}: page_token '${token}' is not a token this API returned.`);
  }
  return decoded;
}

const jobNotFound = (jobId: number) => errors.legacyNotFound(`Job ${jobId} does not exist.`);
const runNotFound = (runId: number) => errors.legacyNotFound(`Run ${runId} does not exist.`);

/**
 * Jobs API 2.2 (also served on the 2.1 paths, and `jobs/get` on 2.0): jobs and their runs.
 *
 * Runs move through QUEUED/PENDING → RUNNING → TERMINATING → TERMINATED (or SKIPPED, INTERNAL_ERROR) on
 * the context's clock, task by task along `depends_on` and `run_if`; `run-lifecycle.ts` describes the
 * markers (`FAIL`, `SLEEP_<ms>`, `INTERNAL_ERROR`) that make a task fail or take longer.
 */
export class JobsService implements FakeService {
  readonly name = 'jobs';
  private jobs = new Map<number, StoredJob>();
  /** Job ids in creation order (ids only grow), for newest-first listing. */
  private jobOrder: number[] = [];
  private runs = new Map<number, StoredRun>();
  private runOrder: number[] = [];
  private runsByJob = new Map<number, StoredRun[]>();
  /** Task run id → its parent run and index. */
  private taskRuns = new Map<number, { run: StoredRun; index: number }>();
  /** Idempotency token → run id (-1 once that run is deleted). */
  private idempotency = new Map<string, number>();
  /** Jobs that have runs waiting in the queue. */
  private jobsWithQueuedRuns = new Set<number>();
  private nextJobId = firstJobId;
  private nextRunId = firstRunId;

  constructor(
    private readonly ctx: FakeContext,
    private readonly hooks: JobLifecycleHooks = {},
  ) {}

  routes(): Route[] {
    const ops: [Route['method'], string, RouteHandler, string[]][] = [
      ['POST', 'jobs/create', (req) => this.create(req), []],
      ['GET', 'jobs/get', (req) => this.get(req), ['2.0']],
      ['GET', 'jobs/list', (req) => this.list(req), []],
      ['POST', 'jobs/reset', (req) => this.resetJob(req), []],
      ['POST', 'jobs/update', (req) => this.update(req), []],
      ['POST', 'jobs/delete', (req) => this.delete(req), []],
      ['POST', 'jobs/run-now', (req) => this.runNow(req), []],
      ['POST', 'jobs/runs/submit', (req) => this.submit(req), []],
      ['GET', 'jobs/runs/get', (req) => this.getRun(req), []],
      ['GET', 'jobs/runs/list', (req) => this.listRuns(req), []],
      ['POST', 'jobs/runs/cancel', (req) => this.cancel(req), []],
      ['POST', 'jobs/runs/cancel-all', (req) => this.cancelAll(req), []],
      ['GET', 'jobs/runs/get-output', (req) => this.getOutput(req), []],
      ['POST', 'jobs/runs/delete', (req) => this.deleteRun(req), []],
    ];
    return ops.flatMap(([method, endpoint, handler, extraVersions]) =>
      ['2.2', '2.1', ...extraVersions].map((version) => ({
        method,
        path: `/api/${version}/${endpoint}`,
        endpoint,
        handler,
      })),
    );
  }

  /** Whether a job exists (the permissions service asks before serving `/permissions/jobs/<id>`). */
  jobExists(jobId: number | string): boolean {
    return this.jobs.has(Number(jobId));
  }

  snapshot(): unknown {
    const now = this.ctx.clock.now();
    return {
      jobs: this.jobOrder
        .filter((id) => this.jobs.has(id))
        .map((id) => this.jobView(this.jobs.get(id)!, true)),
      runs: this.runOrder
        .filter((id) => this.runs.has(id))
        .map((id) => this.runView(this.runs.get(id)!, now, true)),
    };
  }

  reset(): void {
    this.jobs.clear();
    this.jobOrder = [];
    this.runs.clear();
    this.runOrder = [];
    this.runsByJob.clear();
    this.taskRuns.clear();
    this.idempotency.clear();
    this.jobsWithQueuedRuns.clear();
    this.nextJobId = firstJobId;
    this.nextRunId = firstRunId;
  }

  // ---- jobs ----

  private storedSettings(requested: Json, req: FakeRequest): JobSettings {
    validateJobSettings(requested, 'job');
    const runAs = req.principal.includes('@')
      ? { user_name: req.principal }
      : { service_principal_name: req.principal };
    return withServerDefaults(requested, { queueByDefault: req.path.startsWith('/api/2.2/'), runAs });
  }

  private create(req: FakeRequest): FakeResponseBody {
    const { access_control_list: acl, ...requested } = req.body;
    const settings = this.storedSettings(requested, req);
    const accessControlList = Array.isArray(acl) ? (acl as unknown[]) : [];
    this.hooks.checkCreate?.(req.principal, accessControlList);
    const jobId = this.nextJobId++;
    this.jobs.set(jobId, { jobId, createdTime: this.ctx.clock.now(), creator: req.principal, settings });
    this.jobOrder.push(jobId);
    this.hooks.onCreated?.(jobId, req.principal, accessControlList);
    return { job_id: jobId };
  }

  private requireJob(fields: RequestFields): StoredJob {
    const jobId = fields.requiredNumber('job_id');
    const job = this.jobs.get(jobId);
    if (!job) throw jobNotFound(jobId);
    return job;
  }

  private jobView(job: StoredJob, expandTasks: boolean): Json {
    const runAs = job.settings['run_as'] as Json | undefined;
    const view: Json = {
      job_id: job.jobId,
      creator_user_name: job.creator,
      run_as_user_name: (runAs?.['user_name'] ?? runAs?.['service_principal_name'] ?? job.creator) as string,
      created_time: job.createdTime,
      settings: job.settings,
    };
    if (!expandTasks) {
      const { tasks: _tasks, job_clusters: _clusters, ...rest } = job.settings;
      view['settings'] = rest;
    }
    return view;
  }

  private get(req: FakeRequest): FakeResponseBody | SerializedJson {
    const fields = RequestFields.of(req);
    const job = this.requireJob(fields);
    const token = decodeToken(fields.string('page_token'), 'jobs/get');
    const page = token?.startsWith('page:') ? Number(token.slice(5)) : 0;
    if (page === 0) {
      // Controllers poll jobs/get on every resync: serialize a job once per change, not once per read.
      job.cachedGet ??= new SerializedJson(JSON.stringify(this.jobPage(job, 0)));
      return job.cachedGet;
    }
    return this.jobPage(job, page);
  }

  private jobPage(job: StoredJob, page: number): Json {
    const view = this.jobView(job, true);
    const { settings, hasMore } = settingsPage(job.settings, page);
    view['settings'] = settings;
    if (hasMore) {
      view['has_more'] = true;
      view['next_page_token'] = encodeToken(`page:${page + 1}`);
    }
    return view;
  }

  private list(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const limit = fields.number('limit') ?? 20;
    if (!Number.isInteger(limit) || limit < 0 || limit > 100) {
      throw errors.invalidParameter(`jobs/list: limit ${limit} is out of range; use 1 to 100 (default 20).`);
    }
    const pageSize = limit === 0 ? 20 : limit;
    const name = fields.string('name')?.toLowerCase();
    const expand = fields.boolean('expand_tasks') ?? false;
    const token = decodeToken(fields.string('page_token'), 'jobs/list');
    const before = token?.startsWith('before:') ? Number(token.slice(7)) : Infinity;
    let skip = token === undefined ? (fields.number('offset') ?? 0) : 0;

    const jobs: Json[] = [];
    let hasMore = false;
    for (let i = this.jobOrder.length - 1; i >= 0; i--) {
      const id = this.jobOrder[i];
      if (id >= before) continue;
      const job = this.jobs.get(id);
      if (!job) continue;
      if (name !== undefined && String(job.settings['name'] ?? '').toLowerCase() !== name) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      if (jobs.length === pageSize) {
        hasMore = true;
        break;
      }
      jobs.push(this.listedJob(job, expand));
    }
    const body: Json = { has_more: hasMore };
    if (jobs.length > 0) body['jobs'] = jobs;
    if (hasMore) body['next_page_token'] = encodeToken(`before:${jobs[jobs.length - 1]['job_id'] as number}`);
    return body;
  }

  private listedJob(job: StoredJob, expand: boolean): Json {
    const view = this.jobView(job, expand);
    if (expand) {
      const { settings, hasMore } = settingsPage(job.settings, 0);
      view['settings'] = settings;
      if (hasMore) view['has_more'] = true;
    }
    return view;
  }

  private resetJob(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const job = this.requireJob(fields);
    const newSettings = fields.object('new_settings');
    if (newSettings === undefined) throw errors.invalidParameter('Missing required field: new_settings');
    job.settings = this.storedSettings(newSettings, req);
    job.cachedGet = undefined;
    this.applyTimeoutToActiveRuns(job);
    return {};
  }

  private update(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const job = this.requireJob(fields);
    const newSettings = fields.object('new_settings') ?? {};
    const fieldsToRemove = fields.array('fields_to_remove') ?? [];
    const merged = mergeJobSettings(job.settings, newSettings, fieldsToRemove);
    validateJobSettings(merged, 'job');
    // Merged settings already carry the defaults; new tasks and clusters get theirs here.
    job.settings = withServerDefaults(merged, {
      queueByDefault: false,
      runAs: (job.settings['run_as'] as Json | undefined) ?? { user_name: job.creator },
    });
    job.cachedGet = undefined;
    this.applyTimeoutToActiveRuns(job);
    return {};
  }

  private delete(req: FakeRequest): FakeResponseBody {
    const job = this.requireJob(RequestFields.of(req));
    const now = this.ctx.clock.now();
    for (const run of this.runsByJob.get(job.jobId) ?? []) this.cancelRun(run, now);
    this.jobs.delete(job.jobId);
    this.hooks.onDeleted?.(job.jobId);
    return {};
  }

  // ---- starting runs ----

  private checkIdempotencyToken(fields: RequestFields): { token?: string; existing?: number } {
    const token = fields.string('idempotency_token');
    if (token === undefined) return {};
    if (token.length > 64) {
      throw errors.invalidParameter(
        `idempotency_token is ${token.length} characters long; at most 64 are allowed.`,
      );
    }
    const existing = this.idempotency.get(token);
    if (existing === -1) {
      throw errors.invalidParameter(
        `The run started with idempotency_token '${token}' was deleted; use a new token to start another run.`,
      );
    }
    return { token, existing };
  }

  private runNow(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const job = this.requireJob(fields);
    const { token, existing } = this.checkIdempotencyToken(fields);
    if (existing !== undefined) return { run_id: existing, number_in_job: existing };

    const overriding: Json = {};
    for (const name of legacyParams) {
      const value = fields.raw(name);
      if (value === undefined || value === null) continue;
      if (Buffer.byteLength(JSON.stringify(value)) > 10_000) {
        throw errors.invalidParameter(
          `${name} is larger than 10,000 bytes once JSON-encoded; pass less data.`,
        );
      }
      overriding[name] = value;
    }
    if (overriding['jar_params'] !== undefined && overriding['notebook_params'] !== undefined) {
      throw errors.invalidParameter(
        'jar_params and notebook_params cannot both be set; pass only one of them.',
      );
    }
    const jobParameterValues = fields.object('job_parameters');
    if (jobParameterValues !== undefined && Object.keys(overriding).length > 0) {
      throw errors.invalidParameter(
        `job_parameters cannot be combined with task parameters (${Object.keys(overriding).join(', ')}); use one kind.`,
      );
    }

    let tasks = tasksOf(job.settings);
    const only = fields.array('only');
    if (only !== undefined && only.length > 0) {
      const keys = new Set(tasks.map((t) => t['task_key']));
      for (const key of only) {
        if (!keys.has(key))
          throw errors.invalidParameter(`only: the job has no task with task_key '${String(key)}'.`);
      }
      const wanted = new Set(only);
      tasks = tasks
        .filter((t) => wanted.has(t['task_key']))
        .map((t) => ({
          ...t,
          depends_on: ((t['depends_on'] as Json[] | undefined) ?? []).filter((d) =>
            wanted.has(d['task_key']),
          ),
        }));
    }

    const definitions = (job.settings['parameters'] as Json[] | undefined) ?? [];
    const jobParameters = definitions.map((p) => {
      const name = p['name'] as string;
      const value = jobParameterValues?.[name];
      return { ...p, ...(value !== undefined ? { value } : { value: p['default'] }) };
    });

    const queueField = fields.object('queue');
    const queueEnabled =
      (queueField?.['enabled'] as boolean | undefined) ??
      ((job.settings['queue'] as Json | undefined)?.['enabled'] as boolean | undefined) ??
      false;
    const now = this.ctx.clock.now();
    this.refreshQueue(job.jobId, now);
    const maxConcurrent = (job.settings['max_concurrent_runs'] as number | undefined) ?? 1;
    const active = (this.runsByJob.get(job.jobId) ?? []).filter((r) => this.isActive(r, now)).length;
    const overLimit = maxConcurrent === 0 || active >= maxConcurrent;

    const run = this.addRun({
      jobId: job.jobId,
      runType: 'JOB_RUN',
      runName: String(job.settings['name'] ?? 'Untitled'),
      creator: req.principal,
      tasks,
      jobClusters: job.settings['job_clusters'] as Json[] | undefined,
      gitSource: job.settings['git_source'] as Json | undefined,
      skipped: overLimit && (!queueEnabled || maxConcurrent === 0),
      queued: overLimit && queueEnabled && maxConcurrent > 0,
      jobParameters: jobParameters.length > 0 ? jobParameters : undefined,
      overridingParameters: Object.keys(overriding).length > 0 ? overriding : undefined,
      idempotencyToken: token,
      timeoutSeconds: job.settings['timeout_seconds'] as number | undefined,
    });
    return { run_id: run.runId, number_in_job: run.runId };
  }

  private submit(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const { token, existing } = this.checkIdempotencyToken(fields);
    if (existing !== undefined) return { run_id: existing };
    const { access_control_list: _acl, idempotency_token: _token, ...requested } = req.body;
    validateJobSettings(requested, 'run');
    const tasks = tasksOf(requested);
    if (tasks.length === 0) {
      throw errors.invalidParameter('runs/submit needs at least one task in tasks; add the work to run.');
    }
    const settings = withServerDefaults(requested, {
      queueByDefault: false,
      runAs: { user_name: req.principal },
    });
    const run = this.addRun({
      jobId: this.nextJobId++,
      runType: 'SUBMIT_RUN',
      runName: String(requested['run_name'] ?? 'Untitled'),
      creator: req.principal,
      tasks: tasksOf(settings),
      jobClusters: settings['job_clusters'] as Json[] | undefined,
      gitSource: settings['git_source'] as Json | undefined,
      skipped: false,
      queued: false,
      idempotencyToken: token,
      timeoutSeconds: settings['timeout_seconds'] as number | undefined,
    });
    return { run_id: run.runId };
  }

  private addRun(spec: {
    jobId: number;
    runType: StoredRun['runType'];
    runName: string;
    creator: string;
    tasks: readonly Json[];
    jobClusters?: readonly Json[];
    gitSource?: Json;
    skipped: boolean;
    queued: boolean;
    jobParameters?: readonly Json[];
    overridingParameters?: Json;
    idempotencyToken?: string;
    timeoutSeconds?: number;
  }): StoredRun {
    const now = this.ctx.clock.now();
    const timing = this.ctx.timing;
    const runId = this.nextRunId++;
    const tasks = spec.tasks.map((t) => structuredClone(t));
    const run: StoredRun = {
      runId,
      jobId: spec.jobId,
      runType: spec.runType,
      runName: spec.runName,
      creator: spec.creator,
      createdAt: now,
      tasks,
      jobClusters: spec.jobClusters,
      gitSource: spec.gitSource === undefined ? undefined : structuredClone(spec.gitSource),
      plans: tasks.map((t) => planTask(t, taskTypeOf(t), timing.taskRunningMs)),
      order: topologicalOrder(tasks),
      taskRunIds: tasks.map(() => this.nextRunId++),
      timing: {
        pendingMs: timing.runPendingMs,
        terminatingMs: timing.runTerminatingMs,
        timeoutMs: (spec.timeoutSeconds ?? 0) * 1000,
      },
      skipped: spec.skipped,
      jobParameters: spec.jobParameters,
      overridingParameters: spec.overridingParameters,
      idempotencyToken: spec.idempotencyToken,
    };
    if (!spec.skipped && !spec.queued) run.schedule = scheduleRun(run.plans, run.order, now, run.timing);
    if (spec.queued) this.jobsWithQueuedRuns.add(spec.jobId);
    this.runs.set(runId, run);
    this.runOrder.push(runId);
    const ofJob = this.runsByJob.get(spec.jobId) ?? [];
    ofJob.push(run);
    this.runsByJob.set(spec.jobId, ofJob);
    run.taskRunIds.forEach((id, index) => this.taskRuns.set(id, { run, index }));
    if (spec.idempotencyToken !== undefined) this.idempotency.set(spec.idempotencyToken, runId);
    return run;
  }

  // ---- lifecycle ----

  private isQueued(run: StoredRun): boolean {
    return run.schedule === undefined && !run.skipped;
  }

  private isActive(run: StoredRun, now: number): boolean {
    if (run.skipped) return false;
    if (!run.schedule) return true;
    return now < run.schedule.endAt;
  }

  /**
   * Starts queued runs of a job whose turn came before `now`: in order, each at the first moment when
   * fewer than `max_concurrent_runs` runs of the job were active.
   */
  private refreshQueue(jobId: number, now: number): void {
    if (!this.jobsWithQueuedRuns.has(jobId)) return;
    const runs = this.runsByJob.get(jobId) ?? [];
    const job = this.jobs.get(jobId);
    const maxConcurrent = Math.max(1, (job?.settings['max_concurrent_runs'] as number | undefined) ?? 1);
    let stillQueued = false;
    for (const run of runs) {
      if (!this.isQueued(run)) continue;
      const started = runs.filter((r) => r.schedule !== undefined && r !== run);
      const candidates = [run.createdAt, ...started.map((r) => r.schedule!.endAt)]
        .filter((t) => t >= run.createdAt && t <= now)
        .sort((a, b) => a - b);
      const startAt = candidates.find(
        (t) =>
          started.filter((r) => r.schedule!.startAt <= t && t < r.schedule!.endAt).length < maxConcurrent,
      );
      if (startAt === undefined) {
        stillQueued = true;
        break;
      }
      run.schedule = scheduleRun(run.plans, run.order, startAt, run.timing, run.cancelAt);
    }
    if (!stillQueued) this.jobsWithQueuedRuns.delete(jobId);
  }

  private settle(run: StoredRun, now: number): void {
    if (run.schedule === undefined && !run.skipped) this.refreshQueue(run.jobId, now);
  }

  /**
   * Unlike other settings, a new `timeout_seconds` reaches runs that are already active (BEHAVIOUR.md
   * §1.1). A timeout that has already elapsed ends the run now rather than in the past.
   */
  private applyTimeoutToActiveRuns(job: StoredJob): void {
    const now = this.ctx.clock.now();
    const timeoutMs = ((job.settings['timeout_seconds'] as number | undefined) ?? 0) * 1000;
    for (const run of this.runsByJob.get(job.jobId) ?? []) {
      this.settle(run, now);
      if (run.skipped || run.cancelAt !== undefined || !this.isActive(run, now)) continue;
      if ((run.timing.timeoutMs ?? 0) === timeoutMs) continue;
      if (!run.schedule) {
        run.timing = { ...run.timing, timeoutMs };
        continue;
      }
      if (now >= run.schedule.executionEndAt) continue;
      const effective = timeoutMs === 0 ? 0 : Math.max(timeoutMs, now - run.schedule.startAt);
      run.timing = { ...run.timing, timeoutMs: effective };
      run.schedule = scheduleRun(run.plans, run.order, run.schedule.startAt, run.timing);
    }
  }

  private cancelRun(run: StoredRun, now: number): void {
    this.settle(run, now);
    if (!this.isActive(run, now) || run.cancelAt !== undefined) return;
    run.cancelAt = now;
    if (run.schedule === undefined) {
      // Canceled while queued: it never starts, and goes straight to TERMINATING.
      run.schedule = scheduleRun(run.plans, run.order, now, { ...run.timing, pendingMs: 0 }, now);
      return;
    }
    if (now < run.schedule.executionEndAt) {
      run.schedule = scheduleRun(run.plans, run.order, run.schedule.startAt, run.timing, now);
    }
  }

  // ---- run views ----

  private runPageUrl(jobId: number, runId: number): string {
    return `${this.ctx.baseUrl()}/jobs/${jobId}/runs/${runId}?o=${this.ctx.workspaceId}`;
  }

  /** `state` and `status` of the run as a whole at `now`. */
  private runState(run: StoredRun, now: number): { state: Json; status: Json; terminal: boolean } {
    if (run.skipped) {
      return {
        state: {
          life_cycle_state: 'SKIPPED',
          result_state: 'MAXIMUM_CONCURRENT_RUNS_REACHED',
          state_message: 'Skipped: the job already has max_concurrent_runs active runs and queueing is off.',
          user_cancelled_or_timedout: false,
        },
        status: {
          state: 'TERMINATED',
          termination_details: {
            code: 'MAX_CONCURRENT_RUNS_EXCEEDED',
            type: 'CLIENT_ERROR',
            message: 'The job reached its max_concurrent_runs limit.',
          },
        },
        terminal: true,
      };
    }
    const s = run.schedule;
    if (!s) {
      const message = 'Queued: the job already has max_concurrent_runs active runs.';
      return {
        state: {
          life_cycle_state: 'QUEUED',
          state_message: message,
          user_cancelled_or_timedout: false,
          queue_reason: message,
        },
        status: { state: 'QUEUED', queue_details: { code: 'MAX_CONCURRENT_RUNS_REACHED', message } },
        terminal: false,
      };
    }
    const phase =
      now < s.executionStartAt
        ? 'PENDING'
        : now < s.executionEndAt
          ? 'RUNNING'
          : now < s.endAt
            ? 'TERMINATING'
            : undefined;
    const canceled = s.outcome.resultState === 'CANCELED' || s.outcome.resultState === 'TIMEDOUT';
    if (phase) {
      return {
        state: { life_cycle_state: phase, state_message: '', user_cancelled_or_timedout: false },
        status: { state: phase },
        terminal: false,
      };
    }
    return {
      state: {
        life_cycle_state: s.outcome.lifeCycleState,
        result_state: s.outcome.resultState,
        state_message: s.outcome.message,
        user_cancelled_or_timedout: canceled,
      },
      status: {
        state: 'TERMINATED',
        termination_details: { code: s.outcome.code, type: s.outcome.type, message: s.outcome.message },
      },
      terminal: true,
    };
  }

  private taskView(run: StoredRun, index: number, now: number, runState: { state: Json }): Json {
    const settings = run.tasks[index];
    const plan = run.plans[index];
    const taskRunId = run.taskRunIds[index];
    const view: Json = {
      ...settings,
      run_id: taskRunId,
      attempt_number: 0,
      run_page_url: this.runPageUrl(run.jobId, taskRunId),
    };
    const s = run.schedule;
    const runLife = runState.state['life_cycle_state'];
    if (!s || run.skipped) {
      view['state'] = { ...runState.state };
      view['status'] = run.skipped ? { state: 'TERMINATED' } : { state: 'QUEUED' };
      view['start_time'] = run.createdAt;
      view['end_time'] = run.skipped ? run.createdAt : 0;
      return view;
    }
    const t = s.tasks[index];
    const started = t.ran && now >= t.startAt && now >= s.executionStartAt;
    const ended = now >= t.endAt && (!t.ran || t.endAt > t.startAt || now >= s.executionStartAt);
    view['start_time'] = t.ran && started ? t.startAt : s.startAt;
    view['setup_duration'] = 0;
    view['execution_duration'] = ended && t.ran ? t.endAt - t.startAt : 0;
    view['cleanup_duration'] = 0;
    view['end_time'] = ended ? t.endAt : 0;
    if (t.ran && started) {
      const clusterId =
        (settings['existing_cluster_id'] as string | undefined) ?? `0101-000000-job${run.runId.toString(36)}`;
      view['cluster_instance'] = {
        cluster_id: clusterId,
        spark_context_id: String(7_000_000_000 + (taskRunId % 1e9)),
      };
    }
    if (ended) {
      const skippedByRunIf = t.outcome === 'UPSTREAM_FAILED' || t.outcome === 'EXCLUDED';
      const internal = plan.internalError && t.ran && t.outcome === 'FAILED';
      const message =
        t.outcome === 'FAILED'
          ? `Task ${plan.taskKey} failed: its settings carry the ${internal ? 'INTERNAL_ERROR' : 'FAIL'} marker.`
          : t.outcome === 'TIMEDOUT'
            ? `Task ${plan.taskKey} timed out.`
            : t.outcome === 'UPSTREAM_FAILED'
              ? 'Upstream task(s) failed.'
              : t.outcome === 'EXCLUDED'
                ? `Skipped: run_if ${plan.runIf} did not hold.`
                : t.outcome === 'CANCELED'
                  ? 'Run was cancelled by a user.'
                  : '';
      view['state'] = {
        life_cycle_state: internal ? 'INTERNAL_ERROR' : skippedByRunIf || !t.ran ? 'SKIPPED' : 'TERMINATED',
        result_state: t.outcome,
        state_message: message,
        user_cancelled_or_timedout: t.outcome === 'CANCELED' || t.outcome === 'TIMEDOUT',
      };
      view['status'] = {
        state: 'TERMINATED',
        termination_details: taskTermination(t.outcome, internal, message),
      };
      return view;
    }
    const life = started
      ? 'RUNNING'
      : runLife === 'PENDING' || plan.dependsOn.length === 0
        ? 'PENDING'
        : 'BLOCKED';
    view['state'] = { life_cycle_state: life, state_message: '', user_cancelled_or_timedout: false };
    view['status'] = { state: life };
    return view;
  }

  private runView(run: StoredRun, now: number, expandTasks: boolean, page = 0): Json {
    const runState = this.runState(run, now);
    const s = run.schedule;
    const endTime = runState.terminal ? (s ? s.endAt : run.createdAt) : 0;
    const multiTask = run.tasks.length > 1;
    const view: Json = {
      job_id: run.jobId,
      run_id: run.runId,
      number_in_job: run.runId,
      original_attempt_run_id: run.runId,
      creator_user_name: run.creator,
      run_name: run.runName,
      run_type: run.runType,
      run_page_url: this.runPageUrl(run.jobId, run.runId),
      state: runState.state,
      status: runState.status,
      trigger: 'ONE_TIME',
      format: 'MULTI_TASK',
      start_time: run.createdAt,
      setup_duration: runState.terminal && s && !multiTask ? s.executionStartAt - s.startAt : 0,
      execution_duration: runState.terminal && s && !multiTask ? s.executionEndAt - s.executionStartAt : 0,
      cleanup_duration: runState.terminal && s && !multiTask ? s.endAt - s.executionEndAt : 0,
      run_duration: runState.terminal ? endTime - run.createdAt : 0,
      end_time: endTime,
    };
    if (s && s.startAt > run.createdAt) view['queue_duration'] = s.startAt - run.createdAt;
    if (run.jobParameters) view['job_parameters'] = run.jobParameters;
    if (run.overridingParameters) view['overriding_parameters'] = run.overridingParameters;
    if (run.gitSource) view['git_source'] = run.gitSource;
    if (expandTasks) {
      const from = page * arrayPageSize;
      const to = from + arrayPageSize;
      const tasks: Json[] = [];
      for (let i = from; i < Math.min(to, run.tasks.length); i++)
        tasks.push(this.taskView(run, i, now, runState));
      view['tasks'] = tasks;
      if (run.jobClusters) view['job_clusters'] = run.jobClusters.slice(from, to);
      if (run.tasks.length > to || (run.jobClusters?.length ?? 0) > to) {
        view['has_more'] = true;
        view['next_page_token'] = encodeToken(`page:${page + 1}`);
      }
    }
    return view;
  }

  // ---- run routes ----

  private findRun(runId: number): StoredRun {
    const run = this.runs.get(runId);
    if (!run) throw runNotFound(runId);
    return run;
  }

  private getRun(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const runId = fields.requiredNumber('run_id');
    const now = this.ctx.clock.now();
    const token = decodeToken(fields.string('page_token'), 'jobs/runs/get');
    const page = token?.startsWith('page:') ? Number(token.slice(5)) : 0;
    const run = this.runs.get(runId);
    if (run) {
      this.settle(run, now);
      return this.runView(run, now, true, page);
    }
    const task = this.taskRuns.get(runId);
    if (!task) throw runNotFound(runId);
    return this.taskRunView(task.run, task.index, now);
  }

  /** A task run as `runs/get` and `get-output`'s `metadata` show it: the task, with its parent's ids. */
  private taskRunView(run: StoredRun, index: number, now: number): Json {
    this.settle(run, now);
    const runState = this.runState(run, now);
    const task = this.taskView(run, index, now, runState);
    return {
      job_id: run.jobId,
      number_in_job: run.runId,
      original_attempt_run_id: task['run_id'],
      creator_user_name: run.creator,
      run_name: run.runName,
      run_type: run.runType,
      trigger: 'ONE_TIME',
      format: 'MULTI_TASK',
      ...task,
      run_duration:
        (task['end_time'] as number) > 0 ? (task['end_time'] as number) - (task['start_time'] as number) : 0,
    };
  }

  private listRuns(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const jobId = fields.number('job_id');
    if (jobId !== undefined && !this.jobs.has(jobId) && !this.runsByJob.has(jobId)) throw jobNotFound(jobId);
    const activeOnly = fields.boolean('active_only') ?? false;
    const completedOnly = fields.boolean('completed_only') ?? false;
    if (activeOnly && completedOnly) {
      throw errors.invalidParameter('active_only and completed_only cannot both be true; set at most one.');
    }
    const runType = fields.oneOf('run_type', ['JOB_RUN', 'WORKFLOW_RUN', 'SUBMIT_RUN'] as const);
    const limit = fields.number('limit') ?? 20;
    if (!Number.isInteger(limit) || limit < 0 || limit > 25) {
      throw errors.invalidParameter(
        `runs/list: limit ${limit} is out of range; use 1 to 25 (default 20, 0 for 25).`,
      );
    }
    const pageSize = limit === 0 ? 25 : limit;
    const from = fields.number('start_time_from');
    const to = fields.number('start_time_to');
    const expand = fields.boolean('expand_tasks') ?? false;
    const token = decodeToken(fields.string('page_token'), 'jobs/runs/list');
    const after = token === undefined ? undefined : parseRunListPosition(token);
    let skip = token === undefined ? (fields.number('offset') ?? 0) : 0;
    const now = this.ctx.clock.now();
    if (jobId !== undefined) this.refreshQueue(jobId, now);
    else for (const id of [...this.jobsWithQueuedRuns]) this.refreshQueue(id, now);

    const source =
      jobId !== undefined ? (this.runsByJob.get(jobId) ?? []).map((r) => r.runId) : this.runOrder;
    const candidates: StoredRun[] = [];
    for (const id of source) {
      const run = this.runs.get(id);
      if (!run) continue;
      if (runType !== undefined && runType !== run.runType) continue;
      if (from !== undefined && run.createdAt < from) continue;
      if (to !== undefined && run.createdAt > to) continue;
      if (activeOnly || completedOnly) {
        const active = activeStates.has(this.runState(run, now).state['life_cycle_state'] as string);
        if (activeOnly !== active) continue;
      }
      candidates.push(run);
    }
    // Most recently started first, finished or not (BEHAVIOUR.md §1.1): a run that started earlier but
    // ended later stays behind one that started later. Start times never change, so a page token (the
    // start time and run id of the last run returned) names a position that holds while runs finish.
    candidates.sort((a, b) => b.createdAt - a.createdAt || b.runId - a.runId);
    const runs: Json[] = [];
    let last: StoredRun | undefined;
    let hasMore = false;
    for (const run of candidates) {
      if (after && (run.createdAt > after.at || (run.createdAt === after.at && run.runId >= after.runId))) {
        continue;
      }
      if (skip > 0) {
        skip--;
        continue;
      }
      if (runs.length === pageSize) {
        hasMore = true;
        break;
      }
      runs.push(this.listedRun(run, now, expand));
      last = run;
    }
    const body: Json = { has_more: hasMore };
    if (runs.length > 0) body['runs'] = runs;
    if (hasMore && last) body['next_page_token'] = encodeToken(`after:${last.createdAt}:${last.runId}`);
    return body;
  }

  /**
   * A `runs/list` item: the run as `runs/get` shows it (its first 100 tasks when expanded, and `has_more`
   * when it has more), but without `next_page_token`: only `runs/get` pages a run's arrays.
   */
  private listedRun(run: StoredRun, now: number, expandTasks: boolean): Json {
    const { next_page_token: _pageToken, ...item } = this.runView(run, now, expandTasks);
    return item;
  }

  private cancel(req: FakeRequest): FakeResponseBody {
    const runId = RequestFields.of(req).requiredNumber('run_id');
    const run = this.runs.get(runId) ?? this.taskRuns.get(runId)?.run;
    if (!run) throw runNotFound(runId);
    this.cancelRun(run, this.ctx.clock.now());
    return {};
  }

  private cancelAll(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const jobId = fields.number('job_id');
    const allQueued = fields.boolean('all_queued_runs') ?? false;
    if (jobId === undefined && !allQueued) {
      throw errors.invalidParameter(
        'runs/cancel-all needs job_id, or all_queued_runs=true to cancel every queued run.',
      );
    }
    if (jobId !== undefined && !this.jobs.has(jobId)) throw jobNotFound(jobId);
    const now = this.ctx.clock.now();
    const candidates = jobId !== undefined ? (this.runsByJob.get(jobId) ?? []) : [...this.runs.values()];
    for (const run of candidates) {
      this.settle(run, now);
      if (jobId === undefined && !this.isQueued(run)) continue;
      if (jobId !== undefined && allQueued && !this.isQueued(run)) continue;
      this.cancelRun(run, now);
    }
    return {};
  }

  private getOutput(req: FakeRequest): FakeResponseBody {
    const runId = RequestFields.of(req).requiredNumber('run_id');
    const now = this.ctx.clock.now();
    let target = this.taskRuns.get(runId);
    if (!target) {
      const run = this.runs.get(runId);
      if (!run) throw runNotFound(runId);
      if (run.tasks.length !== 1) {
        throw errors.invalidParameter(
          'Retrieving the output of runs with multiple tasks is not supported. Please retrieve the output of each individual task run instead.',
        );
      }
      target = { run, index: 0 };
    }
    const metadata = this.taskRunView(target.run, target.index, now);
    const body: Json = { metadata };
    const state = metadata['state'] as Json;
    if (state['result_state'] === 'FAILED') {
      const taskKey = target.run.plans[target.index].taskKey;
      body['error'] = `Exception: task ${taskKey} failed because its settings contain the FAIL marker`;
      body['error_trace'] = [
        `Exception: task ${taskKey} failed because its settings contain the FAIL marker`,
        `  at fake_databricks.run_task(${taskKey})`,
        `  at fake_databricks.run(${target.run.runId})`,
      ].join('\n');
    } else if (state['result_state'] === 'SUCCESS') {
      const type = taskTypeOf(target.run.tasks[target.index]);
      if (type === 'notebook_task') body['notebook_output'] = { result: 'OK', truncated: false };
      else body['logs'] = `task ${target.run.plans[target.index].taskKey} finished\n`;
      if (type !== 'notebook_task') body['logs_truncated'] = false;
    }
    return body;
  }

  private deleteRun(req: FakeRequest): FakeResponseBody {
    const run = this.findRun(RequestFields.of(req).requiredNumber('run_id'));
    const now = this.ctx.clock.now();
    this.settle(run, now);
    if (this.isActive(run, now)) {
      const life = this.runState(run, now).state['life_cycle_state'] as string;
      throw errors.invalidState(
        `Run ${run.runId} is still active (${life}); cancel it and wait until it terminates before deleting it.`,
      );
    }
    this.runs.delete(run.runId);
    for (const id of run.taskRunIds) this.taskRuns.delete(id);
    const ofJob = this.runsByJob.get(run.jobId);
    if (ofJob)
      this.runsByJob.set(
        run.jobId,
        ofJob.filter((r) => r !== run),
      );
    if (run.idempotencyToken !== undefined) this.idempotency.set(run.idempotencyToken, -1);
    return {};
  }
}

function taskTermination(outcome: string, internal: boolean, message: string): Json {
  if (internal) return { code: 'INTERNAL_ERROR', type: 'INTERNAL_ERROR', message };
  switch (outcome) {
    case 'SUCCESS':
      return { code: 'SUCCESS', type: 'SUCCESS', message };
    case 'FAILED':
    case 'TIMEDOUT':
      return { code: 'RUN_EXECUTION_ERROR', type: 'CLIENT_ERROR', message };
    case 'CANCELED':
      return { code: 'USER_CANCELED', type: 'SUCCESS', message };
    default:
      return { code: 'SKIPPED', type: 'SUCCESS', message };
  }
}

/** The position a runs/list page token names: the start time and run id of the last run returned. */
function parseRunListPosition(token: string): { at: number; runId: number } {
  const match = /^after:(\d+):(\d+)$/.exec(token);
  if (match === null) throw errors.invalidParameter(`runs/list: page_token is not a token this API issued.`);
  return { at: Number(match[1]), runId: Number(match[2]) };
}
