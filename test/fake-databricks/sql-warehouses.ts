import {
  errors,
  type FakeContext,
  type FakeRequest,
  type FakeResponseBody,
  type FakeService,
  type Route,
} from './api.js';
import { hexIdFor } from './object-ids.js';
import { decodeOffsetToken, pageOf } from './page-token.js';
import { RequestFields } from './request-fields.js';

/** Warehouse states (`sql.State`). */
export type WarehouseState = 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'DELETING' | 'DELETED';

/** Callbacks the workspace wires so that permissions learn about warehouses. */
export interface WarehouseHooks {
  readonly onCreated?: (warehouseId: string, creator: string) => void;
  readonly onDeleted?: (warehouseId: string) => void;
}

/**
 * A warehouse name or tag value containing this marker fails to start: after `timing.warehouseStartMs` in
 * STARTING it is STOPPED with health FAILED, and the SDK's create-and-wait fails.
 */
export const WAREHOUSE_FAIL_START_MARKER = 'FAIL_START';

/** The documented `cluster_size` values. */
export const CLUSTER_SIZES = [
  '2X-Small',
  'X-Small',
  'Small',
  'Medium',
  'Large',
  'X-Large',
  '2X-Large',
  '3X-Large',
  '4X-Large',
] as const;

const MAX_NAME_LENGTH = 99;
const MAX_CLUSTERS = 40;
const MAX_MIN_CLUSTERS = 30;
/** "Number of tags < 45". */
const MAX_TAGS = 44;
const DEFAULT_AUTO_STOP_MINS = 120;
const CHANNEL_NAMES = [
  'CHANNEL_NAME_CURRENT',
  'CHANNEL_NAME_PREVIEW',
  'CHANNEL_NAME_PREVIOUS',
  'CHANNEL_NAME_CUSTOM',
];

interface Health {
  readonly status: 'HEALTHY' | 'DEGRADED' | 'FAILED';
  readonly summary?: string;
  readonly failure_reason?: { code: string; type: string; parameters?: Record<string, string> };
}

interface StoredWarehouse {
  readonly id: string;
  readonly creator: string;
  /** The settings as submitted (create, then edits merged), defaults added on read. */
  spec: Record<string, unknown>;
  state: WarehouseState;
  next?: { state: WarehouseState; at: number; failedStart?: boolean };
  /** A start asked for while the warehouse was stopping: it starts once stopped. */
  startWhenStopped: boolean;
  health: Health;
}

/**
 * The SQL Warehouses API (`/api/2.0/sql/warehouses`), with the states of the SDK's waiters advanced lazily
 * from the clock: create and start go STARTING → RUNNING (`timing.warehouseStartMs`), stop goes STOPPING →
 * STOPPED (`timing.warehouseStopMs`), delete goes DELETING → DELETED, and a RUNNING warehouse with
 * `auto_stop_mins` > 0 stops after that many minutes (no query ever keeps a fake warehouse busy). An edit
 * applies the fields it carries over the current settings (the Databricks CLI observed that a field left
 * out keeps its value) and restarts a RUNNING warehouse; a stopped one stays stopped. Start and stop are
 * no-ops in a state already heading there; a start while STOPPING starts once stopped.
 *
 * Rules (the SDK model): `name` unique, under 100 characters; `cluster_size` one of {@link CLUSTER_SIZES};
 * `auto_stop_mins` 0 or at least 10 (default 120); 1 ≤ `min_num_clusters` ≤ min(`max_num_clusters`, 30),
 * `max_num_clusters` ≤ 40 (default `min_num_clusters`); `enable_serverless_compute` needs `warehouse_type`
 * PRO (the default then); `tags.custom_tags` is a list of `{key, value}`, fewer than 45. A deleted
 * warehouse answers `get` with state DELETED, is left out of `list`, and refuses changes (400 INVALID_STATE).
 * See {@link WAREHOUSE_FAIL_START_MARKER} for one that cannot start.
 */
export class SqlWarehousesService implements FakeService {
  readonly name = 'sql-warehouses';
  private warehouses = new Map<string, StoredWarehouse>();
  private created = 0;

  constructor(
    private readonly ctx: FakeContext,
    private readonly hooks: WarehouseHooks = {},
  ) {}

  routes(): Route[] {
    const base = '/api/2.0/sql/warehouses';
    const one = `${base}/:id`;
    return [
      { method: 'POST', path: base, endpoint: 'sql/warehouses/create', handler: (req) => this.create(req) },
      { method: 'GET', path: base, endpoint: 'sql/warehouses/list', handler: (req) => this.list(req) },
      {
        method: 'GET',
        path: one,
        endpoint: 'sql/warehouses/get',
        handler: (req) => this.describe(this.find(req.params.id)),
      },
      {
        method: 'POST',
        path: `${one}/edit`,
        endpoint: 'sql/warehouses/edit',
        handler: (req) => this.edit(req),
      },
      { method: 'DELETE', path: one, endpoint: 'sql/warehouses/delete', handler: (req) => this.delete(req) },
      {
        method: 'POST',
        path: `${one}/start`,
        endpoint: 'sql/warehouses/start',
        handler: (req) => this.start(req),
      },
      {
        method: 'POST',
        path: `${one}/stop`,
        endpoint: 'sql/warehouses/stop',
        handler: (req) => this.stop(req),
      },
    ];
  }

  snapshot(): unknown {
    return [...this.warehouses.values()].map((warehouse) => this.describe(warehouse));
  }

  reset(): void {
    this.warehouses.clear();
    this.created = 0;
  }

  /** Whether a warehouse exists and is not deleted (for the permissions service). */
  exists(warehouseId: string): boolean {
    const warehouse = this.warehouses.get(warehouseId);
    if (!warehouse) return false;
    this.settle(warehouse);
    return warehouse.state !== 'DELETED' && warehouse.state !== 'DELETING';
  }

  /** The state of a warehouse now, or undefined if there is none. */
  stateOf(warehouseId: string): WarehouseState | undefined {
    const warehouse = this.warehouses.get(warehouseId);
    if (!warehouse) return undefined;
    this.settle(warehouse);
    return warehouse.state;
  }

  /** Act as a user editing the warehouse in the UI (edit's rules). */
  editByUser(warehouseId: string, changes: Record<string, unknown>): void {
    this.applyEdit(this.find(warehouseId), changes);
  }

  /** Act as a user pressing Stop in the UI. */
  stopByUser(warehouseId: string): void {
    this.stopWarehouse(this.changeable(this.find(warehouseId)));
  }

  /** Act as a user pressing Start in the UI. */
  startByUser(warehouseId: string): void {
    this.startWarehouse(this.changeable(this.find(warehouseId)));
  }

  private create(req: FakeRequest): FakeResponseBody {
    const spec = this.validated(structuredClone(req.body), undefined);
    if (spec.cluster_size === undefined)
      throw errors.invalidParameter('Missing required field: cluster_size');
    this.created += 1;
    const id = hexIdFor('warehouse', this.created);
    const warehouse: StoredWarehouse = {
      id,
      creator: req.principal,
      spec,
      state: 'STOPPED',
      startWhenStopped: false,
      health: { status: 'HEALTHY' },
    };
    this.warehouses.set(id, warehouse);
    this.enter(warehouse, 'STARTING', this.ctx.clock.now());
    this.hooks.onCreated?.(id, req.principal);
    return { id };
  }

  private edit(req: FakeRequest): FakeResponseBody {
    const warehouse = this.find(req.params.id);
    const changes = structuredClone(req.body);
    delete changes.id;
    this.applyEdit(warehouse, changes);
    return {};
  }

  private applyEdit(warehouse: StoredWarehouse, changes: Record<string, unknown>): void {
    this.changeable(warehouse);
    warehouse.spec = this.validated({ ...warehouse.spec, ...changes }, warehouse);
    // A running warehouse restarts to apply new settings; a stopped one uses them on its next start.
    if (warehouse.state === 'RUNNING') this.enter(warehouse, 'STARTING', this.ctx.clock.now());
  }

  private delete(req: FakeRequest): FakeResponseBody {
    const warehouse = this.find(req.params.id);
    if (warehouse.state !== 'DELETING' && warehouse.state !== 'DELETED') {
      this.enter(warehouse, 'DELETING', this.ctx.clock.now());
      this.hooks.onDeleted?.(warehouse.id);
    }
    return {};
  }

  private start(req: FakeRequest): FakeResponseBody {
    this.startWarehouse(this.changeable(this.find(req.params.id)));
    return {};
  }

  private stop(req: FakeRequest): FakeResponseBody {
    this.stopWarehouse(this.changeable(this.find(req.params.id)));
    return {};
  }

  private startWarehouse(warehouse: StoredWarehouse): void {
    if (warehouse.state === 'STOPPED') this.enter(warehouse, 'STARTING', this.ctx.clock.now());
    else if (warehouse.state === 'STOPPING') warehouse.startWhenStopped = true;
  }

  private stopWarehouse(warehouse: StoredWarehouse): void {
    warehouse.startWhenStopped = false;
    if (warehouse.state === 'RUNNING' || warehouse.state === 'STARTING') {
      this.enter(warehouse, 'STOPPING', this.ctx.clock.now());
    }
  }

  private list(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const pageSize = fields.number('page_size');
    if (pageSize !== undefined && (pageSize < 0 || !Number.isInteger(pageSize))) {
      throw errors.invalidParameter(`page_size must be a non-negative integer, got ${pageSize}.`);
    }
    const listed = [...this.warehouses.values()].filter((warehouse) => {
      this.settle(warehouse);
      return warehouse.state !== 'DELETED';
    });
    const offset = decodeOffsetToken('sql-warehouses', fields.string('page_token'));
    const { page, nextPageToken } = pageOf('sql-warehouses', listed, offset, pageSize || listed.length || 1);
    return {
      ...(page.length > 0 && { warehouses: page.map((warehouse) => this.describe(warehouse)) }),
      ...(nextPageToken && { next_page_token: nextPageToken }),
    };
  }

  /** Refuses changes to a deleted (or deleting) warehouse. */
  private changeable(warehouse: StoredWarehouse): StoredWarehouse {
    this.settle(warehouse);
    if (warehouse.state === 'DELETING' || warehouse.state === 'DELETED') {
      throw errors.invalidState(
        `Warehouse ${warehouse.id} is ${warehouse.state} and can no longer be changed.`,
      );
    }
    return warehouse;
  }

  /** Apply every scheduled transition whose time has come, each at its own time. */
  private settle(warehouse: StoredWarehouse): void {
    const now = this.ctx.clock.now();
    while (warehouse.next && warehouse.next.at <= now) {
      const { state, at, failedStart } = warehouse.next;
      this.enter(warehouse, state, at, failedStart);
    }
  }

  /** Move into `state` at time `at` and schedule what follows. */
  private enter(warehouse: StoredWarehouse, state: WarehouseState, at: number, failedStart = false): void {
    const { timing } = this.ctx;
    warehouse.state = state;
    warehouse.next = undefined;
    switch (state) {
      case 'STARTING': {
        warehouse.health = { status: 'HEALTHY' };
        const fails = failsToStart(warehouse.spec);
        warehouse.next = {
          state: fails ? 'STOPPED' : 'RUNNING',
          at: at + timing.warehouseStartMs,
          failedStart: fails,
        };
        break;
      }
      case 'RUNNING': {
        const autoStop = Number(warehouse.spec.auto_stop_mins ?? DEFAULT_AUTO_STOP_MINS);
        if (autoStop > 0) warehouse.next = { state: 'STOPPING', at: at + autoStop * 60_000 };
        break;
      }
      case 'STOPPING':
        warehouse.next = { state: 'STOPPED', at: at + timing.warehouseStopMs };
        break;
      case 'STOPPED':
        if (failedStart) {
          warehouse.health = {
            status: 'FAILED',
            summary: `Injected start failure: the warehouse carries the ${WAREHOUSE_FAIL_START_MARKER} marker.`,
            failure_reason: { code: 'CLOUD_PROVIDER_LAUNCH_FAILURE', type: 'CLOUD_FAILURE' },
          };
        }
        if (warehouse.startWhenStopped) {
          warehouse.startWhenStopped = false;
          this.enter(warehouse, 'STARTING', at);
        }
        break;
      case 'DELETING':
        warehouse.next = { state: 'DELETED', at: at + timing.warehouseStopMs };
        break;
      case 'DELETED':
        break;
    }
  }

  /** Check a create spec or an edited one; the defaults are added on read. */
  private validated(
    spec: Record<string, unknown>,
    editing: StoredWarehouse | undefined,
  ): Record<string, unknown> {
    const fields = RequestFields.from(spec);
    const name = fields.requiredString('name');
    if (name.length > MAX_NAME_LENGTH) {
      throw errors.invalidParameter(
        `Warehouse name '${name}' is ${name.length} characters; it must be under 100.`,
      );
    }
    const clash = [...this.warehouses.values()].find(
      (warehouse) =>
        warehouse.id !== editing?.id && warehouse.spec.name === name && warehouse.state !== 'DELETED',
    );
    if (clash) {
      throw errors.alreadyExists(
        `A SQL warehouse named '${name}' already exists (${clash.id}); names are unique.`,
      );
    }
    const size = fields.string('cluster_size');
    if (size !== undefined && !(CLUSTER_SIZES as readonly string[]).includes(size)) {
      throw errors.invalidParameter(
        `cluster_size '${size}' is not a warehouse size: use one of ${CLUSTER_SIZES.join(', ')}.`,
      );
    }
    const autoStop = fields.number('auto_stop_mins');
    if (autoStop !== undefined && autoStop !== 0 && (autoStop < 10 || !Number.isInteger(autoStop))) {
      throw errors.invalidParameter(`auto_stop_mins must be 0 (never stop) or at least 10, got ${autoStop}.`);
    }
    const minClusters = fields.number('min_num_clusters') ?? 1;
    const maxClusters = fields.number('max_num_clusters') ?? minClusters;
    if (
      !Number.isInteger(minClusters) ||
      minClusters < 1 ||
      minClusters > Math.min(maxClusters, MAX_MIN_CLUSTERS)
    ) {
      throw errors.invalidParameter(
        `min_num_clusters must be between 1 and min(max_num_clusters, ${MAX_MIN_CLUSTERS}) = ${Math.min(maxClusters, MAX_MIN_CLUSTERS)}, got ${minClusters}.`,
      );
    }
    if (!Number.isInteger(maxClusters) || maxClusters > MAX_CLUSTERS) {
      throw errors.invalidParameter(`max_num_clusters must be at most ${MAX_CLUSTERS}, got ${maxClusters}.`);
    }
    const type = fields.oneOf('warehouse_type', ['CLASSIC', 'PRO', 'TYPE_UNSPECIFIED'] as const);
    if (fields.boolean('enable_serverless_compute') && type !== undefined && type !== 'PRO') {
      throw errors.invalidParameter(
        `Serverless compute needs warehouse_type PRO, but the warehouse is ${type}: set warehouse_type to PRO or turn enable_serverless_compute off.`,
      );
    }
    fields.boolean('enable_photon');
    fields.oneOf('spot_instance_policy', [
      'COST_OPTIMIZED',
      'RELIABILITY_OPTIMIZED',
      'POLICY_UNSPECIFIED',
    ] as const);
    const channel = fields.object('channel');
    if (channel) RequestFields.from(channel).oneOf('name', CHANNEL_NAMES);
    const tags = fields.object('tags');
    const customTags = tags ? RequestFields.from(tags).array('custom_tags') : undefined;
    if (customTags) {
      if (customTags.length > MAX_TAGS) {
        throw errors.invalidParameter(
          `tags.custom_tags has ${customTags.length} entries; a warehouse may have fewer than 45.`,
        );
      }
      for (const tag of customTags) {
        const key =
          tag !== null && typeof tag === 'object' ? (tag as Record<string, unknown>).key : undefined;
        if (typeof key !== 'string' || key === '') {
          throw errors.invalidParameter(
            'Each entry of tags.custom_tags needs a non-empty key (and a value).',
          );
        }
      }
    }
    return spec;
  }

  /** `GetWarehouseResponse`: the settings, the backend defaults and what Databricks reports. */
  private describe(warehouse: StoredWarehouse): FakeResponseBody {
    this.settle(warehouse);
    const spec = warehouse.spec;
    const serverless = spec.enable_serverless_compute === true;
    const minClusters = Number(spec.min_num_clusters ?? 1);
    const host = hostOf(this.ctx.baseUrl());
    const httpPath = `/sql/1.0/warehouses/${warehouse.id}`;
    return {
      auto_stop_mins: DEFAULT_AUTO_STOP_MINS,
      min_num_clusters: minClusters,
      max_num_clusters: minClusters,
      enable_photon: false,
      enable_serverless_compute: false,
      spot_instance_policy: 'COST_OPTIMIZED',
      warehouse_type: serverless ? 'PRO' : 'CLASSIC',
      channel: { name: 'CHANNEL_NAME_CURRENT' },
      ...structuredClone(spec),
      id: warehouse.id,
      creator_name: warehouse.creator,
      state: warehouse.state,
      num_clusters: warehouse.state === 'RUNNING' ? minClusters : 0,
      num_active_sessions: 0,
      jdbc_url: `jdbc:spark://${host}:443/default;transportMode=http;ssl=1;AuthMech=3;httpPath=${httpPath};`,
      odbc_params: { hostname: host, path: httpPath, protocol: 'https', port: 443 },
      health: structuredClone(warehouse.health),
    };
  }

  private find(warehouseId: string | undefined): StoredWarehouse {
    const warehouse = this.warehouses.get(warehouseId ?? '');
    if (!warehouse) throw errors.notFound(`SQL warehouse ${warehouseId ?? ''} does not exist.`);
    this.settle(warehouse);
    return warehouse;
  }
}

function failsToStart(spec: Record<string, unknown>): boolean {
  const tags = ((spec.tags as { custom_tags?: { value?: unknown }[] } | undefined)?.custom_tags ?? []).map(
    (tag) => tag.value,
  );
  return [spec.name, ...tags].some(
    (text) => typeof text === 'string' && text.includes(WAREHOUSE_FAIL_START_MARKER),
  );
}

/** The host (and port) of the workspace URL, for the JDBC and ODBC coordinates. */
function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return 'localhost';
  }
}
