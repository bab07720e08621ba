/**
 * SQL Warehouses API (`/api/2.0/sql/warehouses`). Warehouses go STARTING → RUNNING and STOPPING →
 * STOPPED on their own time: `create`, `start`, `stop` and `edit` return at once, and callers poll `get`.
 * An edit carries the fields to change (a field left out keeps its value) and restarts a running
 * warehouse. A deleted warehouse answers `get` with state DELETED.
 */
import type { ApiCaller } from './api-caller.js';
import type { Open } from './open-enum.js';
import { paginate } from './pagination.js';

const WAREHOUSES = '/api/2.0/sql/warehouses';

export type WarehouseState = Open<'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'DELETING' | 'DELETED'>;

export type ClusterSize = Open<
  '2X-Small' | 'X-Small' | 'Small' | 'Medium' | 'Large' | 'X-Large' | '2X-Large' | '3X-Large' | '4X-Large'
>;

export interface EndpointTagPair {
  readonly key: string;
  readonly value?: string;
}

/** The body of create and edit (`CreateWarehouseRequest`/`EditWarehouseRequest`). */
export interface WarehouseSettings {
  /** Unique, under 100 characters. */
  readonly name?: string;
  readonly cluster_size?: ClusterSize;
  /** 0 (never) or at least 10; default 120. */
  readonly auto_stop_mins?: number;
  /** 1..min(max_num_clusters, 30); default 1. */
  readonly min_num_clusters?: number;
  /** ≤ 40; default min_num_clusters. */
  readonly max_num_clusters?: number;
  readonly enable_photon?: boolean;
  /** Needs `warehouse_type` PRO. */
  readonly enable_serverless_compute?: boolean;
  readonly warehouse_type?: Open<'CLASSIC' | 'PRO' | 'TYPE_UNSPECIFIED'>;
  readonly spot_instance_policy?: Open<'COST_OPTIMIZED' | 'RELIABILITY_OPTIMIZED' | 'POLICY_UNSPECIFIED'>;
  readonly channel?: {
    readonly name?: Open<
      'CHANNEL_NAME_CURRENT' | 'CHANNEL_NAME_PREVIEW' | 'CHANNEL_NAME_PREVIOUS' | 'CHANNEL_NAME_CUSTOM'
    >;
    readonly dbsql_version?: string;
  };
  /** Fewer than 45 tags, as a list of key/value pairs. */
  readonly tags?: { readonly custom_tags?: readonly EndpointTagPair[] };
  readonly instance_profile_arn?: string;
  readonly creator_name?: string;
}

export interface WarehouseHealth {
  readonly status?: Open<'HEALTHY' | 'DEGRADED' | 'FAILED'>;
  readonly summary?: string;
  readonly details?: string;
  readonly failure_reason?: {
    readonly code?: string;
    readonly type?: string;
    readonly parameters?: Record<string, string>;
  };
}

/** `GET /sql/warehouses/{id}` and list items. */
export interface Warehouse extends WarehouseSettings {
  readonly id: string;
  readonly state?: WarehouseState;
  readonly num_clusters?: number;
  readonly num_active_sessions?: number;
  readonly jdbc_url?: string;
  readonly odbc_params?: {
    readonly hostname?: string;
    readonly path?: string;
    readonly protocol?: string;
    readonly port?: number;
  };
  readonly health?: WarehouseHealth;
}

interface WarehousesPage {
  readonly warehouses?: readonly Warehouse[];
  readonly next_page_token?: string;
}

export class WarehousesApi {
  constructor(private readonly api: ApiCaller) {}

  /** `POST /sql/warehouses`: the warehouse starts (STARTING). A name in use is an AlreadyExistsError. */
  create(
    settings: WarehouseSettings & { readonly name: string; readonly cluster_size: ClusterSize },
  ): Promise<{ id: string }> {
    return this.api.call({
      method: 'POST',
      path: WAREHOUSES,
      endpoint: 'sql/warehouses/create',
      body: settings,
    });
  }

  /** `GET /sql/warehouses/{id}`. */
  get(warehouseId: string): Promise<Warehouse> {
    return this.api.call({ method: 'GET', path: pathOf(warehouseId), endpoint: 'sql/warehouses/get' });
  }

  /** `POST /sql/warehouses/{id}/edit`: the fields given change; a running warehouse restarts. */
  async edit(warehouseId: string, settings: WarehouseSettings): Promise<void> {
    await this.api.call({
      method: 'POST',
      path: `${pathOf(warehouseId)}/edit`,
      endpoint: 'sql/warehouses/edit',
      body: settings,
    });
  }

  /** `DELETE /sql/warehouses/{id}`: DELETING, then DELETED. */
  async delete(warehouseId: string): Promise<void> {
    await this.api.call({ method: 'DELETE', path: pathOf(warehouseId), endpoint: 'sql/warehouses/delete' });
  }

  /** `POST /sql/warehouses/{id}/start`: from STOPPED; a no-op when already starting or running. */
  async start(warehouseId: string): Promise<void> {
    await this.api.call({
      method: 'POST',
      path: `${pathOf(warehouseId)}/start`,
      endpoint: 'sql/warehouses/start',
    });
  }

  /** `POST /sql/warehouses/{id}/stop`: a no-op when already stopping or stopped. */
  async stop(warehouseId: string): Promise<void> {
    await this.api.call({
      method: 'POST',
      path: `${pathOf(warehouseId)}/stop`,
      endpoint: 'sql/warehouses/stop',
    });
  }

  /** `GET /sql/warehouses` over all pages; deleted warehouses are left out. */
  list(pageSize?: number): AsyncGenerator<Warehouse, void, undefined> {
    return paginate<WarehousesPage, Warehouse>(
      (page_token) =>
        this.api.call({
          method: 'GET',
          path: WAREHOUSES,
          endpoint: 'sql/warehouses/list',
          query: { page_size: pageSize, page_token },
        }),
      (page) => page.warehouses,
    );
  }
}

function pathOf(warehouseId: string): string {
  return `${WAREHOUSES}/${encodeURIComponent(warehouseId)}`;
}
