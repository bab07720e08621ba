/**
 * Pipelines API (`/api/2.0/pipelines`, Lakeflow Declarative Pipelines): pipelines and their updates.
 * A pipeline runs through updates: `startUpdate` starts one (a ResourceConflictError while another is
 * active), `stop` cancels the active one. Continuous pipelines run until stopped; triggered ones end
 * COMPLETED. `delete` stops and removes the pipeline, which may answer `get` with state DELETED for a
 * while before it is a NotFoundError.
 */
import type { ApiCaller } from './api-caller.js';
import type { Open } from './open-enum.js';
import { paginate } from './pagination.js';

const PIPELINES = '/api/2.0/pipelines';

export type PipelineState = Open<
  | 'IDLE'
  | 'STARTING'
  | 'DEPLOYING'
  | 'RESETTING'
  | 'RUNNING'
  | 'STOPPING'
  | 'RECOVERING'
  | 'FAILED'
  | 'DELETED'
>;

export type UpdateState = Open<
  | 'QUEUED'
  | 'CREATED'
  | 'WAITING_FOR_RESOURCES'
  | 'INITIALIZING'
  | 'RESETTING'
  | 'SETTING_UP_TABLES'
  | 'RUNNING'
  | 'STOPPING'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELED'
>;

/** Update states after which an update does nothing more. */
export const TERMINAL_UPDATE_STATES: readonly UpdateState[] = ['COMPLETED', 'FAILED', 'CANCELED'];

export type UpdateCause = Open<
  | 'API_CALL'
  | 'JOB_TASK'
  | 'RETRY_ON_FAILURE'
  | 'SCHEMA_CHANGE'
  | 'SERVICE_UPGRADE'
  | 'USER_ACTION'
  | 'INFRASTRUCTURE_MAINTENANCE'
>;

/** One source of a pipeline: a notebook, a file, or a glob of them. */
export interface PipelineLibrary {
  readonly notebook?: { readonly path?: string };
  readonly file?: { readonly path?: string };
  readonly glob?: { readonly include?: string };
  readonly jar?: string;
  readonly maven?: {
    readonly coordinates: string;
    readonly repo?: string;
    readonly exclusions?: readonly string[];
  };
  readonly whl?: string;
}

/** A cluster of a classic (not serverless) pipeline. */
export interface PipelineCluster {
  /** `default` or `maintenance`. */
  readonly label?: string;
  readonly num_workers?: number;
  readonly autoscale?: {
    readonly min_workers: number;
    readonly max_workers: number;
    readonly mode?: Open<'ENHANCED' | 'LEGACY'>;
  };
  readonly node_type_id?: string;
  readonly driver_node_type_id?: string;
  readonly instance_pool_id?: string;
  readonly driver_instance_pool_id?: string;
  readonly policy_id?: string;
  readonly apply_policy_default_values?: boolean;
  readonly custom_tags?: Readonly<Record<string, string>>;
  readonly spark_conf?: Readonly<Record<string, string>>;
  readonly spark_env_vars?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

export interface RunAs {
  readonly user_name?: string;
  readonly service_principal_name?: string;
}

/**
 * The settings of a pipeline, verbatim as create and edit take them (`CreatePipeline`/`EditPipeline`).
 * Fields this type does not name (ingestion definitions, newer options) pass through unchanged.
 */
export interface PipelineSettings {
  readonly name?: string;
  readonly catalog?: string;
  /** The default schema; `target` is its deprecated name. Not both. */
  readonly schema?: string;
  readonly target?: string;
  /** DBFS location for a Hive-metastore pipeline. Cannot change after creation. */
  readonly storage?: string;
  readonly libraries?: readonly PipelineLibrary[];
  readonly clusters?: readonly PipelineCluster[];
  readonly configuration?: Readonly<Record<string, string>>;
  readonly continuous?: boolean;
  readonly development?: boolean;
  readonly serverless?: boolean;
  readonly photon?: boolean;
  readonly channel?: Open<'CURRENT' | 'PREVIEW'>;
  readonly edition?: Open<'CORE' | 'PRO' | 'ADVANCED'>;
  /** At most 25. */
  readonly tags?: Readonly<Record<string, string>>;
  readonly notifications?: readonly {
    readonly email_recipients?: readonly string[];
    readonly alerts?: readonly string[];
  }[];
  readonly budget_policy_id?: string;
  readonly root_path?: string;
  readonly event_log?: { readonly catalog?: string; readonly schema?: string; readonly name?: string };
  /** Write-only: Databricks echoes it at the top level of `get`, not in `spec`. */
  readonly run_as?: RunAs;
  /** Write-only: a name used by another pipeline is refused unless this is true. */
  readonly allow_duplicate_names?: boolean;
  readonly [field: string]: unknown;
}

export interface UpdateStateInfo {
  readonly update_id?: string;
  readonly state?: UpdateState;
  /** An ISO-8601 timestamp (a string, unlike `UpdateInfo.creation_time`). */
  readonly creation_time?: string;
}

/** `pipelines/get`. */
export interface Pipeline {
  readonly pipeline_id: string;
  readonly name?: string;
  readonly state?: PipelineState;
  readonly health?: Open<'HEALTHY' | 'UNHEALTHY'>;
  /** Why the pipeline is in its state (for FAILED, the failure). */
  readonly cause?: string;
  readonly cluster_id?: string;
  readonly creator_user_name?: string;
  readonly run_as_user_name?: string;
  readonly run_as?: RunAs;
  /** Epoch ms of the last settings change. Pass it as `expected_last_modified` to edit safely. */
  readonly last_modified?: number;
  /** Newest first. */
  readonly latest_updates?: readonly UpdateStateInfo[];
  /** The settings with the backend defaults (`id`, `storage`, `channel`, ...). */
  readonly spec?: PipelineSettings & { readonly id?: string };
}

/** An item of `pipelines/list`: the pipeline without its spec. */
export type PipelineStateInfo = Omit<Pipeline, 'spec' | 'cause' | 'run_as' | 'last_modified'>;

export interface ListPipelinesRequest {
  /** `name LIKE '<pattern>'` or `notebook='<path>'`. */
  readonly filter?: string;
  /** 1–100 a page; default 25. */
  readonly max_results?: number;
  /** e.g. `name asc`; default `id asc`. */
  readonly order_by?: readonly string[];
}

export interface StartUpdateRequest {
  readonly full_refresh?: boolean;
  readonly refresh_selection?: readonly string[];
  readonly full_refresh_selection?: readonly string[];
  readonly validate_only?: boolean;
  readonly cause?: UpdateCause;
}

/** `pipelines/{id}/updates/{update_id}` and list items (without `config`). */
export interface UpdateInfo {
  readonly pipeline_id?: string;
  readonly update_id?: string;
  readonly state?: UpdateState;
  readonly cause?: UpdateCause;
  /** Epoch ms. */
  readonly creation_time?: number;
  readonly full_refresh?: boolean;
  readonly refresh_selection?: readonly string[];
  readonly full_refresh_selection?: readonly string[];
  readonly validate_only?: boolean;
  readonly cluster_id?: string;
  /** The settings the update runs with (get only). */
  readonly config?: PipelineSettings;
}

interface PipelinesPage {
  readonly statuses?: readonly PipelineStateInfo[];
  readonly next_page_token?: string;
}

interface UpdatesPage {
  readonly updates?: readonly UpdateInfo[];
  readonly next_page_token?: string;
}

export class PipelinesApi {
  constructor(private readonly api: ApiCaller) {}

  /** `POST /pipelines`. A name in use (without `allow_duplicate_names`) is a ResourceConflictError. */
  create(settings: PipelineSettings): Promise<{ pipeline_id: string }> {
    return this.api.call({ method: 'POST', path: PIPELINES, endpoint: 'pipelines/create', body: settings });
  }

  /** `GET /pipelines/{id}`. */
  get(pipelineId: string): Promise<Pipeline> {
    return this.api.call({ method: 'GET', path: pathOf(pipelineId), endpoint: 'pipelines/get' });
  }

  /**
   * `PUT /pipelines/{id}`: replaces the settings. With `expectedLastModified` the edit is refused
   * (ResourceConflictError) if someone changed the pipeline since. A running continuous pipeline restarts.
   */
  async edit(pipelineId: string, settings: PipelineSettings, expectedLastModified?: number): Promise<void> {
    await this.api.call({
      method: 'PUT',
      path: pathOf(pipelineId),
      endpoint: 'pipelines/edit',
      body: {
        ...settings,
        pipeline_id: pipelineId,
        ...(expectedLastModified !== undefined && { expected_last_modified: expectedLastModified }),
      },
    });
  }

  /** `DELETE /pipelines/{id}`: stops the active update and removes the pipeline. */
  async delete(pipelineId: string): Promise<void> {
    await this.api.call({ method: 'DELETE', path: pathOf(pipelineId), endpoint: 'pipelines/delete' });
  }

  /** `GET /pipelines` over all pages: states of every pipeline, without their specs. */
  list(request: ListPipelinesRequest = {}): AsyncGenerator<PipelineStateInfo, void, undefined> {
    return paginate<PipelinesPage, PipelineStateInfo>(
      (page_token) =>
        this.api.call({
          method: 'GET',
          path: PIPELINES,
          endpoint: 'pipelines/list',
          query: { ...request, page_token },
        }),
      (page) => page.statuses,
    );
  }

  /** `POST /pipelines/{id}/updates`: a ResourceConflictError while another update is active. */
  startUpdate(pipelineId: string, request: StartUpdateRequest = {}): Promise<{ update_id: string }> {
    return this.api.call({
      method: 'POST',
      path: `${pathOf(pipelineId)}/updates`,
      endpoint: 'pipelines/start-update',
      body: request,
    });
  }

  /** `GET /pipelines/{id}/updates/{update_id}`. */
  async getUpdate(pipelineId: string, updateId: string): Promise<UpdateInfo> {
    const answer = await this.api.call<{ update?: UpdateInfo }>({
      method: 'GET',
      path: `${pathOf(pipelineId)}/updates/${encodeURIComponent(updateId)}`,
      endpoint: 'pipelines/get-update',
    });
    return answer.update ?? {};
  }

  /** `GET /pipelines/{id}/updates` over all pages, newest first, until `untilUpdateId` if given. */
  listUpdates(
    pipelineId: string,
    options: { readonly maxResults?: number; readonly untilUpdateId?: string } = {},
  ): AsyncGenerator<UpdateInfo, void, undefined> {
    return paginate<UpdatesPage, UpdateInfo>(
      (page_token) =>
        this.api.call({
          method: 'GET',
          path: `${pathOf(pipelineId)}/updates`,
          endpoint: 'pipelines/list-updates',
          query: { max_results: options.maxResults, until_update_id: options.untilUpdateId, page_token },
        }),
      (page) => page.updates,
    );
  }

  /** `POST /pipelines/{id}/stop`: cancels the active update; a no-op without one. Asynchronous. */
  async stop(pipelineId: string): Promise<void> {
    await this.api.call({ method: 'POST', path: `${pathOf(pipelineId)}/stop`, endpoint: 'pipelines/stop' });
  }
}

function pathOf(pipelineId: string): string {
  return `${PIPELINES}/${encodeURIComponent(pipelineId)}`;
}
