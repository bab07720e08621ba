/**
 * Clusters API 2.1. Calls that change a cluster's state are asynchronous: they return at once and the
 * cluster moves through PENDING, RESTARTING, TERMINATING and so on; reconcilers poll `get`.
 */
import type { ApiCaller } from './api-caller.js';
import type { Open } from './open-enum.js';
import { paginate } from './pagination.js';
import type { ClusterSpec, ReturnedClusterSpec } from './settings-payloads.js';

const CLUSTERS = '/api/2.1/clusters';

export type ClusterState = Open<
  'PENDING' | 'RUNNING' | 'RESTARTING' | 'RESIZING' | 'TERMINATING' | 'TERMINATED' | 'ERROR' | 'UNKNOWN'
>;

export interface TerminationReason {
  readonly code?: string;
  readonly type?: Open<'SUCCESS' | 'CLIENT_ERROR' | 'SERVICE_FAULT' | 'CLOUD_FAILURE'>;
  readonly parameters?: Readonly<Record<string, string>>;
}

/** `clusters/get`: every spec field plus what Databricks reports about the cluster. */
export interface ClusterDetails {
  readonly cluster_id: string;
  readonly cluster_name?: string;
  readonly state?: ClusterState;
  readonly state_message?: string;
  /** Epoch ms. */
  readonly start_time?: number;
  readonly terminated_time?: number;
  readonly termination_reason?: TerminationReason;
  readonly creator_user_name?: string;
  readonly cluster_source?: Open<
    'UI' | 'API' | 'JOB' | 'MODELS' | 'PIPELINE' | 'PIPELINE_MAINTENANCE' | 'SQL'
  >;
  readonly default_tags?: Readonly<Record<string, string>>;
  readonly custom_tags?: Readonly<Record<string, string>>;
  /** The spec as last submitted. */
  readonly spec?: ReturnedClusterSpec;
  readonly num_workers?: number;
  readonly autoscale?: { readonly min_workers?: number; readonly max_workers?: number };
  readonly spark_version?: string;
  readonly [field: string]: unknown;
}

export interface ClusterEvent {
  readonly cluster_id: string;
  /** Epoch ms. */
  readonly timestamp?: number;
  readonly type?: string;
  readonly details?: Record<string, unknown>;
}

export interface ListClustersRequest {
  readonly filter_by?: {
    readonly cluster_sources?: readonly string[];
    readonly cluster_states?: readonly string[];
    readonly is_pinned?: boolean;
    readonly policy_id?: string;
  };
  readonly sort_by?: { readonly direction?: 'ASC' | 'DESC'; readonly field?: string };
  readonly page_size?: number;
}

export interface ClusterEventsRequest {
  readonly start_time?: number;
  readonly end_time?: number;
  readonly order?: 'ASC' | 'DESC';
  readonly event_types?: readonly string[];
  /** 0..500. */
  readonly page_size?: number;
}

interface ClustersPage {
  readonly clusters?: readonly ClusterDetails[];
  readonly next_page_token?: string;
}

interface EventsPage {
  readonly events?: readonly ClusterEvent[];
  readonly next_page_token?: string;
}

export class ClustersApi {
  constructor(private readonly api: ApiCaller) {}

  /** `clusters/create`: the cluster starts PENDING. */
  create(spec: ClusterSpec): Promise<{ cluster_id: string }> {
    return this.api.call({ method: 'POST', path: `${CLUSTERS}/create`, body: spec });
  }

  /** `clusters/get`. A missing cluster is a NotFoundError (Databricks says 400 "does not exist"). */
  get(clusterId: string): Promise<ClusterDetails> {
    return this.api.call({ method: 'GET', path: `${CLUSTERS}/get`, query: { cluster_id: clusterId } });
  }

  /** `clusters/list` over all pages: pinned, active, and terminated in the last 30 days. */
  list(request: ListClustersRequest = {}): AsyncGenerator<ClusterDetails, void, undefined> {
    const { filter_by, sort_by, page_size } = request;
    return paginate<ClustersPage, ClusterDetails>(
      (page_token) =>
        this.api.call({
          method: 'GET',
          path: `${CLUSTERS}/list`,
          query: {
            page_size,
            page_token,
            'filter_by.cluster_sources': filter_by?.cluster_sources,
            'filter_by.cluster_states': filter_by?.cluster_states,
            'filter_by.is_pinned': filter_by?.is_pinned,
            'filter_by.policy_id': filter_by?.policy_id,
            'sort_by.direction': sort_by?.direction,
            'sort_by.field': sort_by?.field,
          },
        }),
      (page) => page.clusters,
    );
  }

  /** `clusters/edit`: full spec. Only RUNNING (restarts it) or TERMINATED; otherwise InvalidStateError. */
  async edit(clusterId: string, spec: ClusterSpec): Promise<void> {
    await this.api.call({
      method: 'POST',
      path: `${CLUSTERS}/edit`,
      body: { ...spec, cluster_id: clusterId },
    });
  }

  /**
   * `clusters/update`: a partial update of the top-level fields named in the mask, taken from `cluster`
   * (a field the mask names and `cluster` lacks is removed). The state rules are those of an edit.
   */
  async update(
    clusterId: string,
    updateMask: readonly (keyof ClusterSpec)[],
    cluster: ClusterSpec,
  ): Promise<void> {
    await this.api.call({
      method: 'POST',
      path: `${CLUSTERS}/update`,
      body: { cluster_id: clusterId, update_mask: updateMask.join(','), cluster },
    });
  }

  /** `clusters/start`: only from TERMINATED. */
  async start(clusterId: string): Promise<void> {
    await this.api.call({ method: 'POST', path: `${CLUSTERS}/start`, body: { cluster_id: clusterId } });
  }

  /** `clusters/restart`: a no-op unless RUNNING. */
  async restart(clusterId: string): Promise<void> {
    await this.api.call({ method: 'POST', path: `${CLUSTERS}/restart`, body: { cluster_id: clusterId } });
  }

  /** `clusters/resize`: RUNNING only; give `num_workers` or `autoscale`. */
  async resize(
    clusterId: string,
    size:
      { readonly num_workers: number } | { readonly autoscale: { min_workers: number; max_workers: number } },
  ): Promise<void> {
    await this.api.call({
      method: 'POST',
      path: `${CLUSTERS}/resize`,
      body: { ...size, cluster_id: clusterId },
    });
  }

  /** `clusters/delete`: terminates (the cluster stays listed as TERMINATED). */
  async delete(clusterId: string): Promise<void> {
    await this.api.call({ method: 'POST', path: `${CLUSTERS}/delete`, body: { cluster_id: clusterId } });
  }

  /** `clusters/permanent-delete`: terminates and removes it. */
  async permanentDelete(clusterId: string): Promise<void> {
    await this.api.call({
      method: 'POST',
      path: `${CLUSTERS}/permanent-delete`,
      body: { cluster_id: clusterId },
    });
  }

  /** `clusters/events` (a POST) over all pages, newest first unless `order` is ASC. */
  events(
    clusterId: string,
    request: ClusterEventsRequest = {},
  ): AsyncGenerator<ClusterEvent, void, undefined> {
    return paginate<EventsPage, ClusterEvent>(
      (page_token) =>
        this.api.call({
          method: 'POST',
          path: `${CLUSTERS}/events`,
          body: { ...request, cluster_id: clusterId, page_token },
        }),
      (page) => page.events,
    );
  }
}
