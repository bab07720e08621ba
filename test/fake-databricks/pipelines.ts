import {
  ApiError,
  errors,
  type FakeContext,
  type FakeRequest,
  type FakeResponseBody,
  type FakeService,
  type Route,
} from './api.js';
import { uuidFor } from './object-ids.js';
import { decodeOffsetToken, pageOf } from './page-token.js';
import {
  isTerminal,
  markersOf,
  pipelineStateFor,
  updateStateAt,
  type PipelineState,
  type UpdatePlan,
  type UpdateState,
} from './pipeline-lifecycle.js';
import { RequestFields } from './request-fields.js';

/** Callbacks the workspace wires so that permissions learn about pipelines. */
export interface PipelineHooks {
  readonly onCreated?: (pipelineId: string, creator: string) => void;
  readonly onDeleted?: (pipelineId: string) => void;
}

const DEFAULT_PAGE = 25;
const MAX_PAGE = 100;
const MAX_TAGS = 25;
/** Updates a pipeline reports in `latest_updates`. */
const LATEST_UPDATES = 5;
/** Automatic retries of a failed continuous pipeline before it stays FAILED. */
const MAX_RETRIES = 2;
const DEFAULT_NODE_TYPE = 'i3.xlarge';
/** Fields of CreatePipeline/EditPipeline that are not part of the stored spec. */
const REQUEST_ONLY_FIELDS = [
  'allow_duplicate_names',
  'dry_run',
  'run_as',
  'expected_last_modified',
  'pipeline_id',
];

type UpdateCause = 'API_CALL' | 'USER_ACTION' | 'RETRY_ON_FAILURE' | 'JOB_TASK' | 'SERVICE_UPGRADE' | string;

interface StoredUpdate {
  readonly updateId: string;
  readonly cause: UpdateCause;
  readonly config: Record<string, unknown>;
  readonly fullRefresh: boolean;
  readonly refreshSelection?: string[];
  readonly fullRefreshSelection?: string[];
  readonly validateOnly: boolean;
  plan: UpdatePlan;
  /** A retry has been scheduled after this update failed (each failure schedules at most one). */
  retryArmed?: boolean;
}

interface StoredPipeline {
  readonly pipelineId: string;
  readonly creator: string;
  /** The settings as last submitted, request-only fields removed (defaults are added on read). */
  spec: Record<string, unknown>;
  runAs?: Record<string, unknown>;
  lastModified: number;
  /** Oldest first. */
  updates: StoredUpdate[];
  /** An update that starts later: a continuous pipeline restarting after an edit, or retrying. */
  pendingStart?: { at: number; cause: UpdateCause };
  retries: number;
  deletedAt?: number;
}

/**
 * The Pipelines API (`/api/2.0/pipelines`, Lakeflow Declarative Pipelines): pipelines, their updates, and
 * the states both go through, advanced lazily from the clock as {@link updateStateAt} describes.
 *
 * - A pipeline is IDLE until an update starts; while one is active it is STARTING, RESETTING, RUNNING or
 *   STOPPING, then IDLE again (FAILED after a failed update). Only one update is active at a time:
 *   starting another is 409 `RESOURCE_CONFLICT`. `stop` cancels the active update (a no-op without one).
 * - Continuous pipelines (`continuous: true`) are started like triggered ones and run until stopped; an
 *   edit restarts a running one (its update is canceled and a new one starts once it has stopped). A
 *   failed continuous pipeline in production mode is RECOVERING for `timing.pipelineStepMs` and retries
 *   (cause RETRY_ON_FAILURE), at most twice, then stays FAILED; development mode does not retry.
 * - Names are unique unless `allow_duplicate_names` (409 `RESOURCE_CONFLICT`). `storage` cannot change.
 *   `expected_last_modified` on edit must match (409 otherwise).
 * - Backend defaults on read: `id`, `storage` `dbfs:/pipelines/<id>` (no catalog), `channel` CURRENT,
 *   `edition` ADVANCED, `configuration["spark.sql.ansi.enabled"]` "true" (observed by the Databricks CLI
 *   against real workspaces), cluster `node_type_id`/`driver_node_type_id`/`enable_local_disk_encryption`
 *   and `event_log` catalog/schema (resources.yml). `run_as` is echoed at the top level only when set.
 * - `delete` cancels the active update; the pipeline answers `get` with state DELETED for
 *   `timing.pipelineStopMs`, then 404 "The specified pipeline ... was not found.", as every other call
 *   on it does at once.
 */
export class PipelinesService implements FakeService {
  readonly name = 'pipelines';
  private pipelines = new Map<string, StoredPipeline>();
  private createdPipelines = 0;
  private createdUpdates = 0;

  constructor(
    private readonly ctx: FakeContext,
    private readonly hooks: PipelineHooks = {},
  ) {}

  routes(): Route[] {
    const base = '/api/2.0/pipelines';
    const one = `${base}/:pipeline_id`;
    return [
      { method: 'POST', path: base, endpoint: 'pipelines/create', handler: (req) => this.create(req) },
      { method: 'GET', path: base, endpoint: 'pipelines/list', handler: (req) => this.list(req) },
      { method: 'GET', path: one, endpoint: 'pipelines/get', handler: (req) => this.get(req) },
      { method: 'PUT', path: one, endpoint: 'pipelines/edit', handler: (req) => this.edit(req) },
      { method: 'DELETE', path: one, endpoint: 'pipelines/delete', handler: (req) => this.delete(req) },
      { method: 'POST', path: `${one}/stop`, endpoint: 'pipelines/stop', handler: (req) => this.stop(req) },
      {
        method: 'POST',
        path: `${one}/updates`,
        endpoint: 'pipelines/start-update',
        handler: (req) => this.startUpdate(req),
      },
      {
        method: 'GET',
        path: `${one}/updates`,
        endpoint: 'pipelines/list-updates',
        handler: (req) => this.listUpdates(req),
      },
      {
        method: 'GET',
        path: `${one}/updates/:update_id`,
        endpoint: 'pipelines/get-update',
        handler: (req) => this.getUpdate(req),
      },
    ];
  }

  snapshot(): unknown {
    return [...this.pipelines.values()]
      .filter((pipeline) => this.visible(pipeline))
      .map((pipeline) => ({
        ...this.describe(pipeline),
        updates: pipeline.updates.map((update) => this.describeUpdate(pipeline, update, false)),
      }));
  }

  reset(): void {
    this.pipelines.clear();
    this.createdPipelines = 0;
    this.createdUpdates = 0;
  }

  /** Whether a pipeline exists and is not deleted (for the permissions service). */
  exists(pipelineId: string): boolean {
    const pipeline = this.pipelines.get(pipelineId);
    return pipeline !== undefined && pipeline.deletedAt === undefined;
  }

  /** The pipeline's state now (undefined once it is gone). */
  stateOf(pipelineId: string): PipelineState | undefined {
    const pipeline = this.pipelines.get(pipelineId);
    return pipeline && this.visible(pipeline) ? this.stateNow(pipeline) : undefined;
  }

  /** Act as a user editing the pipeline in the UI: `changes` merged over its settings, with edit's rules. */
  editByUser(pipelineId: string, changes: Record<string, unknown>): void {
    const pipeline = this.live(pipelineId);
    this.applyEdit(pipeline, { ...pipeline.spec, ...structuredClone(changes), allow_duplicate_names: true });
  }

  /** Act as a user pressing Start in the UI. */
  startByUser(pipelineId: string, fullRefresh = false): string {
    return this.start(this.live(pipelineId), { cause: 'USER_ACTION', fullRefresh, validateOnly: false });
  }

  /** Act as a user pressing Stop in the UI. */
  stopByUser(pipelineId: string): void {
    this.stopActive(this.live(pipelineId), this.ctx.clock.now());
  }

  private create(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const spec = this.validatedSpec(req.body, undefined);
    const runAs = runAsOf(fields.object('run_as'));
    if (fields.boolean('dry_run')) {
      return { effective_settings: effectiveSpec(spec, 'dry-run') };
    }
    this.createdPipelines += 1;
    const pipelineId = uuidFor('pipeline', this.createdPipelines);
    this.pipelines.set(pipelineId, {
      pipelineId,
      creator: req.principal,
      spec,
      ...(runAs && { runAs }),
      lastModified: this.ctx.clock.now(),
      updates: [],
      retries: 0,
    });
    this.hooks.onCreated?.(pipelineId, req.principal);
    return { pipeline_id: pipelineId };
  }

  private get(req: FakeRequest): FakeResponseBody {
    const pipeline = this.pipelines.get(req.params.pipeline_id ?? '');
    if (!pipeline || !this.visible(pipeline)) throw pipelineNotFound(req.params.pipeline_id);
    return this.describe(pipeline);
  }

  private edit(req: FakeRequest): FakeResponseBody {
    const pipeline = this.live(req.params.pipeline_id);
    const fields = RequestFields.of(req);
    const bodyId = fields.string('id') ?? fields.string('pipeline_id');
    if (bodyId !== undefined && bodyId !== pipeline.pipelineId) {
      throw errors.invalidParameter(
        `The body names pipeline ${bodyId}, but the path names ${pipeline.pipelineId}; they must be the same.`,
      );
    }
    const expected = fields.number('expected_last_modified');
    if (expected !== undefined && expected !== pipeline.lastModified) {
      throw new ApiError(
        409,
        'RESOURCE_CONFLICT',
        `Pipeline ${pipeline.pipelineId} was modified at ${pipeline.lastModified}, not at expected_last_modified ${expected}; read it again and retry.`,
      );
    }
    const runAs = runAsOf(fields.object('run_as'));
    this.applyEdit(pipeline, req.body);
    if (runAs) pipeline.runAs = runAs;
    return {};
  }

  private applyEdit(pipeline: StoredPipeline, body: Record<string, unknown>): void {
    const now = this.ctx.clock.now();
    this.settle(pipeline, now);
    const spec = this.validatedSpec(body, pipeline);
    const storage = effectiveSpec(pipeline.spec, pipeline.pipelineId).storage;
    if (effectiveSpec(spec, pipeline.pipelineId).storage !== storage) {
      throw errors.invalidParameter(
        `Pipeline ${pipeline.pipelineId}: storage cannot be changed (it is ${String(storage ?? 'managed by Unity Catalog')}); create a new pipeline for a new storage location.`,
      );
    }
    const wasContinuous = pipeline.spec.continuous === true;
    pipeline.spec = spec;
    pipeline.lastModified = now;
    const active = this.activeUpdate(pipeline, now);
    // A running continuous pipeline picks up new settings by restarting.
    if (wasContinuous && (active || pipeline.pendingStart)) {
      const stoppedAt = this.stopActive(pipeline, now);
      if (spec.continuous === true) pipeline.pendingStart = { at: stoppedAt, cause: 'USER_ACTION' };
    }
  }

  private delete(req: FakeRequest): FakeResponseBody {
    const pipeline = this.live(req.params.pipeline_id);
    const now = this.ctx.clock.now();
    this.stopActive(pipeline, now);
    pipeline.deletedAt = now;
    this.hooks.onDeleted?.(pipeline.pipelineId);
    return {};
  }

  private list(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const maxResults = pageSizeOf(fields.number('max_results'));
    const filter = filterOf(fields.string('filter'));
    const orders = req.query.getAll('order_by');
    const order = (orders.length > 0 ? orders : [fields.string('order_by') ?? 'id asc'])[0]
      .trim()
      .toLowerCase();
    const [column, direction = 'asc'] = order.split(/\s+/);
    if (!['id', 'name'].includes(column) || !['asc', 'desc'].includes(direction)) {
      throw errors.invalidParameter(`order_by '${order}' is not supported: use id or name, asc or desc.`);
    }
    const matching = [...this.pipelines.values()]
      .filter((pipeline) => pipeline.deletedAt === undefined && filter(pipeline.spec))
      .sort((a, b) =>
        column === 'name'
          ? String(a.spec.name ?? '').localeCompare(String(b.spec.name ?? '')) ||
            a.pipelineId.localeCompare(b.pipelineId)
          : a.pipelineId.localeCompare(b.pipelineId),
      );
    if (direction === 'desc') matching.reverse();
    const offset = decodeOffsetToken('pipelines', fields.string('page_token'));
    const { page, nextPageToken } = pageOf('pipelines', matching, offset, maxResults);
    return {
      ...(page.length > 0 && { statuses: page.map((pipeline) => this.stateInfo(pipeline)) }),
      ...(nextPageToken && { next_page_token: nextPageToken }),
    };
  }

  private startUpdate(req: FakeRequest): FakeResponseBody {
    const pipeline = this.live(req.params.pipeline_id);
    const fields = RequestFields.of(req);
    const fullRefresh = fields.boolean('full_refresh') ?? false;
    const refreshSelection = stringList(fields.array('refresh_selection'), 'refresh_selection');
    const fullRefreshSelection = stringList(fields.array('full_refresh_selection'), 'full_refresh_selection');
    if (fullRefresh && (refreshSelection || fullRefreshSelection)) {
      throw errors.invalidParameter(
        'full_refresh refreshes every table: it cannot be combined with refresh_selection or full_refresh_selection.',
      );
    }
    const updateId = this.start(pipeline, {
      cause: fields.string('cause') ?? 'API_CALL',
      fullRefresh,
      refreshSelection,
      fullRefreshSelection,
      validateOnly: fields.boolean('validate_only') ?? false,
    });
    return { update_id: updateId };
  }

  private stop(req: FakeRequest): FakeResponseBody {
    this.stopActive(this.live(req.params.pipeline_id), this.ctx.clock.now());
    return {};
  }

  private listUpdates(req: FakeRequest): FakeResponseBody {
    const pipeline = this.live(req.params.pipeline_id);
    const fields = RequestFields.of(req);
    const maxResults = pageSizeOf(fields.number('max_results'));
    this.settle(pipeline, this.ctx.clock.now());
    let newestFirst = [...pipeline.updates].reverse();
    const until = fields.string('until_update_id');
    if (until !== undefined && until !== '') {
      const index = newestFirst.findIndex((update) => update.updateId === until);
      if (index < 0) throw updateNotFound(until);
      newestFirst = newestFirst.slice(0, index + 1);
    }
    const offset = decodeOffsetToken('pipeline-updates', fields.string('page_token'));
    const { page, nextPageToken, prevPageToken } = pageOf(
      'pipeline-updates',
      newestFirst,
      offset,
      maxResults,
    );
    return {
      ...(page.length > 0 && { updates: page.map((update) => this.describeUpdate(pipeline, update, false)) }),
      ...(nextPageToken && { next_page_token: nextPageToken }),
      ...(prevPageToken && { prev_page_token: prevPageToken }),
    };
  }

  private getUpdate(req: FakeRequest): FakeResponseBody {
    const pipeline = this.live(req.params.pipeline_id);
    this.settle(pipeline, this.ctx.clock.now());
    const update = pipeline.updates.find((candidate) => candidate.updateId === req.params.update_id);
    if (!update) throw updateNotFound(req.params.update_id ?? '');
    return { update: this.describeUpdate(pipeline, update, true) };
  }

  /** Starts an update now; refused while another is active. */
  private start(
    pipeline: StoredPipeline,
    options: {
      cause: UpdateCause;
      fullRefresh: boolean;
      refreshSelection?: string[];
      fullRefreshSelection?: string[];
      validateOnly: boolean;
    },
  ): string {
    const now = this.ctx.clock.now();
    this.settle(pipeline, now);
    const active = this.activeUpdate(pipeline, now);
    if (active) {
      throw new ApiError(
        409,
        'RESOURCE_CONFLICT',
        `Pipeline ${pipeline.pipelineId} already has an active update (${active.updateId}); stop it or wait for it to finish before starting another.`,
      );
    }
    if (pipeline.pendingStart) {
      const why =
        pipeline.pendingStart.cause === 'RETRY_ON_FAILURE' ? 'recovering from a failure' : 'restarting';
      throw new ApiError(
        409,
        'RESOURCE_CONFLICT',
        `Pipeline ${pipeline.pipelineId} is ${why} and will start an update by itself; stop it first to start one now.`,
      );
    }
    pipeline.retries = 0;
    return this.addUpdate(pipeline, now, options).updateId;
  }

  private addUpdate(
    pipeline: StoredPipeline,
    at: number,
    options: {
      cause: UpdateCause;
      fullRefresh: boolean;
      refreshSelection?: string[];
      fullRefreshSelection?: string[];
      validateOnly: boolean;
    },
  ): StoredUpdate {
    const { timing } = this.ctx;
    const markers = markersOf(pipeline.spec.libraries, timing.pipelineRunningMs);
    this.createdUpdates += 1;
    const update: StoredUpdate = {
      updateId: uuidFor('pipeline-update', this.createdUpdates),
      cause: options.cause,
      config: effectiveSpec(pipeline.spec, pipeline.pipelineId),
      fullRefresh: options.fullRefresh,
      ...(options.refreshSelection && { refreshSelection: options.refreshSelection }),
      ...(options.fullRefreshSelection && { fullRefreshSelection: options.fullRefreshSelection }),
      validateOnly: options.validateOnly,
      plan: {
        createdAt: at,
        continuous: pipeline.spec.continuous === true,
        resets: options.fullRefresh || (options.fullRefreshSelection?.length ?? 0) > 0,
        validateOnly: options.validateOnly,
        fails: markers.fails,
        stepMs: timing.pipelineStepMs,
        runningMs: markers.runningMs,
        stopMs: timing.pipelineStopMs,
      },
    };
    pipeline.updates.push(update);
    return update;
  }

  /** Cancels the active update (and any pending restart); returns when the pipeline will have stopped. */
  private stopActive(pipeline: StoredPipeline, now: number): number {
    this.settle(pipeline, now);
    pipeline.pendingStart = undefined;
    const active = this.activeUpdate(pipeline, now);
    if (!active) return now;
    if (active.plan.stopAt === undefined) active.plan = { ...active.plan, stopAt: now };
    return (active.plan.stopAt as number) + active.plan.stopMs;
  }

  /**
   * Starts the updates whose time has come: a restart after an edit, or a retry of a failed continuous
   * pipeline. Each starts at its own time, so the history reads as if the fake had been watching.
   */
  private settle(pipeline: StoredPipeline, now: number): void {
    for (;;) {
      if (pipeline.deletedAt !== undefined) return;
      if (pipeline.pendingStart && pipeline.pendingStart.at <= now) {
        const { at, cause } = pipeline.pendingStart;
        pipeline.pendingStart = undefined;
        if (cause === 'RETRY_ON_FAILURE') pipeline.retries += 1;
        this.addUpdate(pipeline, at, { cause, fullRefresh: false, validateOnly: false });
        continue;
      }
      const latest = pipeline.updates[pipeline.updates.length - 1];
      if (!latest || latest.retryArmed || pipeline.pendingStart) return;
      const { state, endedAt } = updateStateAt(latest.plan, now);
      const retries =
        state === 'FAILED' &&
        latest.plan.continuous &&
        pipeline.spec.development !== true &&
        pipeline.retries < MAX_RETRIES;
      if (!retries || endedAt === undefined) return;
      latest.retryArmed = true;
      pipeline.pendingStart = { at: endedAt + this.ctx.timing.pipelineStepMs, cause: 'RETRY_ON_FAILURE' };
    }
  }

  private activeUpdate(pipeline: StoredPipeline, now: number): StoredUpdate | undefined {
    const latest = pipeline.updates[pipeline.updates.length - 1];
    return latest && !isTerminal(updateStateAt(latest.plan, now).state) ? latest : undefined;
  }

  private stateNow(pipeline: StoredPipeline): PipelineState {
    const now = this.ctx.clock.now();
    if (pipeline.deletedAt !== undefined) return 'DELETED';
    this.settle(pipeline, now);
    const latest = pipeline.updates[pipeline.updates.length - 1];
    if (!latest) return 'IDLE';
    const state = pipelineStateFor(updateStateAt(latest.plan, now).state);
    // A retry is pending: the pipeline is recovering, not failed.
    if (state === 'FAILED' && pipeline.pendingStart?.cause === 'RETRY_ON_FAILURE') return 'RECOVERING';
    if (state === 'IDLE' && pipeline.pendingStart) return 'STARTING';
    return state;
  }

  private visible(pipeline: StoredPipeline): boolean {
    return (
      pipeline.deletedAt === undefined ||
      this.ctx.clock.now() < pipeline.deletedAt + this.ctx.timing.pipelineStopMs
    );
  }

  /** A pipeline every call but `get` may act on: existing and not deleted. */
  private live(pipelineId: string | undefined): StoredPipeline {
    const pipeline = this.pipelines.get(pipelineId ?? '');
    if (!pipeline || pipeline.deletedAt !== undefined) throw pipelineNotFound(pipelineId);
    return pipeline;
  }

  /** Create/edit settings, checked; the request-only fields removed. */
  private validatedSpec(
    body: Record<string, unknown>,
    editing: StoredPipeline | undefined,
  ): Record<string, unknown> {
    const fields = RequestFields.from(body);
    const name = fields.string('name');
    if (name !== undefined && !(fields.boolean('allow_duplicate_names') ?? false)) {
      const clash = [...this.pipelines.values()].find(
        (pipeline) =>
          pipeline.deletedAt === undefined &&
          pipeline.pipelineId !== editing?.pipelineId &&
          pipeline.spec.name === name,
      );
      if (clash) {
        throw new ApiError(
          409,
          'RESOURCE_CONFLICT',
          `Pipeline name '${name}' is already used by pipeline ${clash.pipelineId}; choose another name or set allow_duplicate_names.`,
        );
      }
    }
    const schema = fields.string('schema');
    const target = fields.string('target');
    if (schema !== undefined && target !== undefined) {
      throw errors.invalidParameter(
        'Set schema or target, not both: target is the deprecated name of schema.',
      );
    }
    for (const [field, value] of [
      ['schema', schema],
      ['target', target],
    ] as const) {
      if (value !== undefined && !/^[A-Za-z0-9_]+$/.test(value)) {
        throw errors.invalidParameter(
          `${field} '${value}' is not a valid schema name: use letters, digits and underscores only (put the catalog in the catalog field).`,
        );
      }
    }
    const tags = fields.object('tags');
    if (tags && Object.keys(tags).length > MAX_TAGS) {
      throw errors.invalidParameter(
        `tags has ${Object.keys(tags).length} entries; a pipeline may have at most ${MAX_TAGS} tags.`,
      );
    }
    fields.boolean('continuous');
    fields.boolean('development');
    fields.array('libraries');
    fields.array('clusters');
    fields.object('configuration');
    const spec = structuredClone(body);
    for (const field of [...REQUEST_ONLY_FIELDS, 'id']) delete spec[field];
    return spec;
  }

  /** `GetPipelineResponse`. */
  private describe(pipeline: StoredPipeline): FakeResponseBody {
    const state = this.stateNow(pipeline);
    const latest = pipeline.updates[pipeline.updates.length - 1];
    return {
      ...this.stateInfo(pipeline),
      spec: effectiveSpec(pipeline.spec, pipeline.pipelineId),
      last_modified: pipeline.lastModified,
      ...(pipeline.runAs && { run_as: structuredClone(pipeline.runAs) }),
      ...((state === 'FAILED' || state === 'RECOVERING') &&
        latest && {
          cause: `Update ${latest.updateId.slice(0, 6)} failed: a flow in the pipeline's source failed (its source carries the FAIL marker).`,
        }),
    };
  }

  /** `PipelineStateInfo`, as the list returns it. */
  private stateInfo(pipeline: StoredPipeline): FakeResponseBody {
    const state = this.stateNow(pipeline);
    const now = this.ctx.clock.now();
    const latest = [...pipeline.updates].reverse().slice(0, LATEST_UPDATES);
    return {
      pipeline_id: pipeline.pipelineId,
      ...(pipeline.spec.name !== undefined && { name: pipeline.spec.name }),
      state,
      health: state === 'FAILED' || state === 'RECOVERING' ? 'UNHEALTHY' : 'HEALTHY',
      creator_user_name: pipeline.creator,
      run_as_user_name: String(
        pipeline.runAs?.user_name ?? pipeline.runAs?.service_principal_name ?? pipeline.creator,
      ),
      ...(latest.length > 0 && {
        latest_updates: latest.map((update) => ({
          update_id: update.updateId,
          state: updateStateAt(update.plan, now).state,
          creation_time: new Date(update.plan.createdAt).toISOString(),
        })),
      }),
    };
  }

  /** `UpdateInfo`; `config` only for get, as the SDK documents. */
  private describeUpdate(
    pipeline: StoredPipeline,
    update: StoredUpdate,
    withConfig: boolean,
  ): FakeResponseBody {
    const state: UpdateState = updateStateAt(update.plan, this.ctx.clock.now()).state;
    return {
      pipeline_id: pipeline.pipelineId,
      update_id: update.updateId,
      state,
      cause: update.cause,
      creation_time: update.plan.createdAt,
      full_refresh: update.fullRefresh,
      ...(update.refreshSelection && { refresh_selection: [...update.refreshSelection] }),
      ...(update.fullRefreshSelection && { full_refresh_selection: [...update.fullRefreshSelection] }),
      ...(update.validateOnly && { validate_only: true }),
      ...(withConfig && { config: structuredClone(update.config) }),
    };
  }
}

/** The settings as Databricks reports them: what was submitted plus the backend defaults. */
function effectiveSpec(spec: Record<string, unknown>, pipelineId: string): Record<string, unknown> {
  const effective: Record<string, unknown> = {
    channel: 'CURRENT',
    edition: 'ADVANCED',
    ...structuredClone(spec),
    id: pipelineId,
  };
  effective.configuration = {
    'spark.sql.ansi.enabled': 'true',
    ...((spec.configuration as Record<string, unknown> | undefined) ?? {}),
  };
  if (spec.storage === undefined && spec.catalog === undefined)
    effective.storage = `dbfs:/pipelines/${pipelineId}`;
  if (Array.isArray(spec.clusters)) {
    effective.clusters = (spec.clusters as Record<string, unknown>[]).map((cluster) => {
      if (cluster.instance_pool_id !== undefined) return cluster;
      const nodeType = cluster.node_type_id ?? DEFAULT_NODE_TYPE;
      return {
        node_type_id: nodeType,
        driver_node_type_id: nodeType,
        enable_local_disk_encryption: false,
        ...cluster,
      };
    });
  }
  if (spec.event_log !== undefined && typeof spec.event_log === 'object') {
    effective.event_log = {
      ...(spec.catalog !== undefined && { catalog: spec.catalog }),
      ...((spec.schema ?? spec.target) !== undefined && { schema: spec.schema ?? spec.target }),
      ...(spec.event_log as Record<string, unknown>),
    };
  }
  return effective;
}

function runAsOf(value: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const fields = RequestFields.from(value);
  const user = fields.string('user_name');
  const sp = fields.string('service_principal_name');
  if ((user === undefined) === (sp === undefined)) {
    throw errors.invalidParameter('run_as takes exactly one of user_name and service_principal_name.');
  }
  return structuredClone(value);
}

function pageSizeOf(value: number | undefined): number {
  const size = value ?? DEFAULT_PAGE;
  if (size < 1 || size > MAX_PAGE || !Number.isInteger(size)) {
    throw errors.invalidParameter(`max_results must be between 1 and ${MAX_PAGE}, got ${size}.`);
  }
  return size;
}

/** The list's `filter`: `name LIKE '<pattern>'` (% and _ wildcards) or `notebook='<path>'`. */
function filterOf(filter: string | undefined): (spec: Record<string, unknown>) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  const like = /^\s*name\s+LIKE\s+'(.*)'\s*$/i.exec(filter);
  if (like) {
    const pattern = like[1]
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/%/g, '.*')
      .replace(/_/g, '.');
    const regex = new RegExp(`^${pattern}$`, 'i');
    return (spec) => regex.test(String(spec.name ?? ''));
  }
  const notebook = /^\s*notebook\s*=\s*'(.*)'\s*$/i.exec(filter);
  if (notebook) {
    return (spec) =>
      ((spec.libraries as { notebook?: { path?: string } }[] | undefined) ?? []).some(
        (library) => library.notebook?.path === notebook[1],
      );
  }
  throw errors.invalidParameter(
    `filter '${filter}' is not supported: use name LIKE '<pattern>' or notebook='<path>' (composite filters are not supported).`,
  );
}

function stringList(value: unknown[] | undefined, field: string): string[] | undefined {
  if (value === undefined || value.length === 0) return undefined;
  if (!value.every((item) => typeof item === 'string')) {
    throw errors.invalidParameter(`${field} must be a list of table names.`);
  }
  return value as string[];
}

function pipelineNotFound(pipelineId: string | undefined): ApiError {
  return errors.notFound(`The specified pipeline ${pipelineId ?? ''} was not found.`);
}

function updateNotFound(updateId: string): ApiError {
  return errors.notFound(`The specified update ${updateId} was not found.`);
}
