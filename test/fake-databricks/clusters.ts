import {
  errors,
  type FakeContext,
  type FakeRequest,
  type FakeResponseBody,
  type FakeService,
  type Route,
} from './api.js';
import { RequestFields } from './request-fields.js';

/** Cluster states as `clusters/get` reports them (BEHAVIOUR.md §5). */
export type ClusterState =
  'PENDING' | 'RUNNING' | 'RESTARTING' | 'RESIZING' | 'TERMINATING' | 'TERMINATED' | 'ERROR';

/** Why a cluster stopped: `termination_reason` of `clusters/get`. */
export interface TerminationReason {
  readonly code: string;
  readonly type: 'SUCCESS' | 'CLIENT_ERROR' | 'SERVICE_FAULT' | 'CLOUD_FAILURE';
  readonly parameters?: Readonly<Record<string, string>>;
}

/** One entry of `clusters/events`. */
export interface ClusterEvent {
  readonly cluster_id: string;
  readonly timestamp: number;
  readonly type: string;
  readonly details: Record<string, unknown>;
}

/** Callbacks the workspace wires so that other services (permissions) learn about clusters. */
export interface ClusterLifecycleHooks {
  /** A cluster was created through the API; `creator` is the calling principal. */
  readonly onCreated?: (clusterId: string, creator: string) => void;
  /** A cluster was permanently deleted and no call on it will succeed again. */
  readonly onPermanentlyDeleted?: (clusterId: string) => void;
}

/**
 * A cluster name or custom tag (key or value) containing this marker makes the cluster fail to launch:
 * after `timing.clusterStartMs` in PENDING it goes TERMINATING, then TERMINATED with the termination
 * reason `CLOUD_PROVIDER_LAUNCH_FAILURE` / `CLOUD_FAILURE`, as a real launch that cannot acquire
 * instances does. The SDK's create-and-wait then fails with "failed to reach RUNNING state".
 */
export const FAIL_START_MARKER = 'FAIL_START';

/** At most this many `custom_tags` (BEHAVIOUR.md §2, documented limits). */
const MAX_CUSTOM_TAGS = 45;
/** Terminated clusters older than this drop out of `clusters/list` unless pinned. */
const LIST_RETENTION_MS = 30 * 24 * 3600 * 1000;
const DEFAULT_EVENTS_LIMIT = 50;
const MAX_EVENTS_LIMIT = 500;

/** Fields the API accepts on create/edit but never returns. */
const WRITE_ONLY_FIELDS = ['apply_policy_default_values', 'cluster_id'];

interface ScheduledTransition {
  readonly state: ClusterState;
  readonly at: number;
  readonly reason?: TerminationReason;
}

interface StoredCluster {
  readonly clusterId: string;
  /** The latest user-submitted settings (create, edit, resize), write-only fields removed. */
  spec: Record<string, unknown>;
  readonly creator: string;
  readonly createdAt: number;
  state: ClusterState;
  stateMessage: string;
  next?: ScheduledTransition;
  startTime: number;
  terminatedTime?: number;
  lastRestartedTime?: number;
  terminationReason?: TerminationReason;
  sparkContextId?: number;
  pinned: boolean;
  events: ClusterEvent[];
}

/** Runtime versions `clusters/spark-versions` offers; any other `spark_version` is accepted too. */
const SPARK_VERSIONS = [
  { key: '16.4.x-scala2.12', name: '16.4 LTS (includes Apache Spark 3.5.2, Scala 2.12)' },
  { key: '15.4.x-scala2.12', name: '15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)' },
  { key: '15.4.x-photon-scala2.12', name: '15.4 LTS Photon (includes Apache Spark 3.5.0, Scala 2.12)' },
  { key: '15.4.x-cpu-ml-scala2.12', name: '15.4 LTS ML (includes Apache Spark 3.5.0, Scala 2.12)' },
  { key: '14.3.x-scala2.12', name: '14.3 LTS (includes Apache Spark 3.5.0, Scala 2.12)' },
  { key: '13.3.x-scala2.12', name: '13.3 LTS (includes Apache Spark 3.4.1, Scala 2.12)' },
  { key: '12.2.x-scala2.12', name: '12.2 LTS (includes Apache Spark 3.3.2, Scala 2.12)' },
];

/** A small AWS catalogue for `clusters/list-node-types` (memory in MB, cores). */
const NODE_TYPES = [
  { node_type_id: 'm5d.large', memory_mb: 8192, num_cores: 2, category: 'General Purpose' },
  { node_type_id: 'm5d.xlarge', memory_mb: 16384, num_cores: 4, category: 'General Purpose' },
  { node_type_id: 'i3.xlarge', memory_mb: 31232, num_cores: 4, category: 'Storage Optimized' },
  { node_type_id: 'i3.2xlarge', memory_mb: 62464, num_cores: 8, category: 'Storage Optimized' },
  { node_type_id: 'r5d.xlarge', memory_mb: 32768, num_cores: 4, category: 'Memory Optimized' },
  { node_type_id: 'c5d.xlarge', memory_mb: 8192, num_cores: 4, category: 'Compute Optimized' },
  { node_type_id: 'g4dn.xlarge', memory_mb: 16384, num_cores: 4, category: 'GPU Accelerated', num_gpus: 1 },
];

/** Used when a request names neither a node type nor an instance pool. */
const DEFAULT_NODE_TYPE = 'i3.xlarge';

/**
 * The Clusters API (2.0 and 2.1 paths): all-purpose clusters with the state machine of BEHAVIOUR.md §5,
 * advanced lazily from `ctx.clock` so that a `ManualClock` makes every transition deterministic:
 * PENDING → RUNNING after `timing.clusterStartMs`, RESTARTING/RESIZING → RUNNING after the same,
 * TERMINATING → TERMINATED after `timing.clusterTerminateMs`, and a RUNNING cluster with
 * `autotermination_minutes` > 0 terminates for INACTIVITY after that many minutes (nothing ever uses
 * a fake cluster). See {@link FAIL_START_MARKER} for a cluster that fails to start.
 */
export class ClustersService implements FakeService {
  readonly name = 'clusters';
  private clusters = new Map<string, StoredCluster>();
  private created = 0;

  constructor(
    private readonly ctx: FakeContext,
    private readonly hooks: ClusterLifecycleHooks = {},
  ) {}

  routes(): Route[] {
    const ops: [Route['method'], string, (req: FakeRequest) => FakeResponseBody][] = [
      ['POST', 'create', (req) => this.create(req)],
      ['GET', 'get', (req) => this.get(req)],
      ['GET', 'list', (req) => this.list(req)],
      ['POST', 'edit', (req) => this.edit(req)],
      ['POST', 'update', (req) => this.update(req)],
      ['POST', 'start', (req) => this.start(req)],
      ['POST', 'restart', (req) => this.restart(req)],
      ['POST', 'resize', (req) => this.resize(req)],
      ['POST', 'delete', (req) => this.terminate(req)],
      ['POST', 'permanent-delete', (req) => this.permanentDelete(req)],
      ['POST', 'events', (req) => this.events(req)],
      ['POST', 'pin', (req) => this.setPinned(req, true)],
      ['POST', 'unpin', (req) => this.setPinned(req, false)],
      ['GET', 'spark-versions', () => ({ versions: SPARK_VERSIONS })],
      ['GET', 'list-node-types', () => ({ node_types: NODE_TYPES.map(describeNodeType) })],
    ];
    return ['2.0', '2.1'].flatMap((version) =>
      ops.map(([method, op, handler]) => ({
        method,
        path: `/api/${version}/clusters/${op}`,
        endpoint: `clusters/${op}`,
        handler,
      })),
    );
  }

  snapshot(): unknown {
    return [...this.clusters.values()].map((cluster) => this.details(cluster));
  }

  reset(): void {
    this.clusters.clear();
    this.created = 0;
  }

  /** Whether a cluster with this id exists (permanently deleted ones do not). */
  exists(clusterId: string): boolean {
    return this.clusters.has(clusterId);
  }

  /** The current state of a cluster, or undefined if it does not exist. */
  stateOf(clusterId: string): ClusterState | undefined {
    const cluster = this.clusters.get(clusterId);
    if (!cluster) return undefined;
    this.settle(cluster);
    return cluster.state;
  }

  /**
   * Nodes of clusters drawing on an instance pool, for the pool's stats: a PENDING cluster's nodes are
   * being acquired (`pendingUsed`), a RUNNING, RESIZING or RESTARTING one's are `used`. Workers come from
   * `instance_pool_id`, the driver from `driver_instance_pool_id` (or the same pool when that is unset).
   */
  poolUsage(poolId: string): { used: number; pendingUsed: number } {
    let used = 0;
    let pendingUsed = 0;
    for (const cluster of this.clusters.values()) {
      this.settle(cluster);
      const workerPool = cluster.spec.instance_pool_id;
      const driverPool = cluster.spec.driver_instance_pool_id ?? workerPool;
      const nodes =
        (workerPool === poolId ? currentWorkers(cluster.spec) : 0) + (driverPool === poolId ? 1 : 0);
      if (nodes === 0) continue;
      if (cluster.state === 'PENDING') pendingUsed += nodes;
      else if (
        cluster.state === 'RUNNING' ||
        cluster.state === 'RESIZING' ||
        cluster.state === 'RESTARTING'
      ) {
        used += nodes;
      }
    }
    return { used, pendingUsed };
  }

  /** Act as a user pressing "Terminate" in the UI (drift tests). */
  terminateByUser(clusterId: string, userName = this.ctx.userName): void {
    this.terminateCluster(this.find(clusterId), userName);
  }

  /** Act as a user deleting the cluster in the UI: it is gone for every later call. */
  permanentlyDeleteByUser(clusterId: string): void {
    this.find(clusterId);
    this.remove(clusterId);
  }

  /**
   * Act as a user editing the cluster in the UI: `changes` are merged over the current settings, with
   * the same state rules as `clusters/edit` (a RUNNING cluster restarts).
   */
  editByUser(clusterId: string, changes: Record<string, unknown>, userName = this.ctx.userName): void {
    const cluster = this.find(clusterId);
    this.applyEdit(cluster, { ...cluster.spec, ...structuredClone(changes) }, userName);
  }

  private create(req: FakeRequest): FakeResponseBody {
    const spec = validatedSpec(req.body);
    const now = this.ctx.clock.now();
    this.created += 1;
    const clusterId = clusterIdFor(now, this.created);
    const cluster: StoredCluster = {
      clusterId,
      spec,
      creator: req.principal,
      createdAt: now,
      state: 'PENDING',
      stateMessage: '',
      startTime: now,
      pinned: false,
      events: [],
    };
    this.clusters.set(clusterId, cluster);
    this.enter(cluster, 'PENDING', now, {
      eventType: 'CREATING',
      details: { user: req.principal, attributes: attributesOf(spec), cluster_size: sizeOf(spec) },
    });
    this.hooks.onCreated?.(clusterId, req.principal);
    return { cluster_id: clusterId };
  }

  private get(req: FakeRequest): FakeResponseBody {
    return this.details(this.find(RequestFields.of(req).requiredString('cluster_id')));
  }

  private list(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const now = this.ctx.clock.now();
    // The SDK flattens `filter_by` into repeated query keys: filter_by.cluster_states=RUNNING&...
    const states = req.query.getAll('filter_by.cluster_states');
    const sources = req.query.getAll('filter_by.cluster_sources');
    const pinnedOnly = req.query.get('filter_by.is_pinned');
    const policyId = req.query.get('filter_by.policy_id');
    const visible = [...this.clusters.values()]
      .filter((cluster) => {
        this.settle(cluster);
        const terminatedLongAgo =
          cluster.state === 'TERMINATED' && now - (cluster.terminatedTime ?? now) > LIST_RETENTION_MS;
        return (
          (cluster.pinned || !terminatedLongAgo) &&
          (states.length === 0 || states.includes(cluster.state)) &&
          (sources.length === 0 || sources.includes('API')) &&
          (pinnedOnly === null || String(cluster.pinned) === pinnedOnly) &&
          (policyId === null || cluster.spec.policy_id === policyId)
        );
      })
      .sort((a, b) => b.createdAt - a.createdAt || b.clusterId.localeCompare(a.clusterId));
    const pageSize = fields.number('page_size') ?? 0;
    if (pageSize < 0) throw errors.invalidParameter(`page_size must be zero or positive, got ${pageSize}.`);
    const offset = decodePageToken(fields.string('page_token'));
    const page = pageSize > 0 ? visible.slice(offset, offset + pageSize) : visible.slice(offset);
    const body: FakeResponseBody = {};
    if (page.length > 0) body.clusters = page.map((cluster) => this.details(cluster));
    const end = offset + page.length;
    if (end < visible.length) body.next_page_token = encodePageToken(end);
    if (offset > 0) body.prev_page_token = encodePageToken(Math.max(0, offset - (pageSize || offset)));
    return body;
  }

  private edit(req: FakeRequest): FakeResponseBody {
    const cluster = this.find(RequestFields.of(req).requiredString('cluster_id'));
    this.applyEdit(cluster, validatedSpec(req.body), req.principal);
    return {};
  }

  /**
   * Partial update: the top-level fields named in the comma-separated `update_mask` are taken from
   * `cluster` (or removed when `cluster` lacks them); the state rules are those of edit.
   */
  private update(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const cluster = this.find(fields.requiredString('cluster_id'));
    const mask = fields
      .requiredString('update_mask')
      .split(',')
      .map((field) => field.trim())
      .filter(Boolean);
    const changes = fields.object('cluster') ?? {};
    const spec = structuredClone(cluster.spec);
    for (const field of mask) {
      if (field === 'cluster_id' || field.includes('.')) {
        throw errors.invalidParameter(
          `update_mask names '${field}': only top-level cluster fields other than cluster_id can be updated.`,
        );
      }
      if (changes[field] === undefined) delete spec[field];
      else spec[field] = structuredClone(changes[field]);
    }
    // Setting one way of sizing replaces the other.
    if (mask.includes('autoscale') && changes.autoscale !== undefined && !mask.includes('num_workers')) {
      delete spec.num_workers;
    }
    if (mask.includes('num_workers') && changes.num_workers !== undefined && !mask.includes('autoscale')) {
      delete spec.autoscale;
    }
    this.applyEdit(cluster, spec, req.principal);
    return {};
  }

  private applyEdit(cluster: StoredCluster, spec: Record<string, unknown>, user: string): void {
    this.settle(cluster);
    if (cluster.state !== 'RUNNING' && cluster.state !== 'TERMINATED') {
      throw errors.invalidState(
        `Cluster ${cluster.clusterId} is in unexpected state ${cluster.state}: it can be edited only when RUNNING or TERMINATED. Wait for it to settle and retry.`,
      );
    }
    const previous = cluster.spec;
    cluster.spec = validatedSpec(spec);
    const now = this.ctx.clock.now();
    const running = cluster.state === 'RUNNING';
    // The size is not an attribute: it has fields of its own, as in a RESIZING event. A terminated
    // cluster has no nodes and is not being sized until it starts.
    this.recordEvent(cluster, now, 'EDITED', {
      user,
      previous_attributes: attributesOf(previous),
      attributes: attributesOf(cluster.spec),
      previous_cluster_size: sizeOf(previous),
      cluster_size: sizeOf(cluster.spec),
      current_num_workers: running ? currentWorkers(previous) : 0,
      target_num_workers: running ? currentWorkers(cluster.spec) : 0,
    });
    // A running cluster picks up new settings by restarting; a terminated one keeps them for its next start.
    if (cluster.state === 'RUNNING') this.enter(cluster, 'RESTARTING', now, { details: { user } });
  }

  private start(req: FakeRequest): FakeResponseBody {
    const cluster = this.find(RequestFields.of(req).requiredString('cluster_id'));
    this.settle(cluster);
    if (cluster.state !== 'TERMINATED' && cluster.state !== 'ERROR') {
      throw errors.invalidState(
        `Cluster ${cluster.clusterId} is in unexpected state ${cluster.state}: only a TERMINATED cluster can be started.`,
      );
    }
    const now = this.ctx.clock.now();
    cluster.startTime = now;
    cluster.terminatedTime = undefined;
    cluster.terminationReason = undefined;
    this.enter(cluster, 'PENDING', now, { eventType: 'STARTING', details: { user: req.principal } });
    return {};
  }

  private restart(req: FakeRequest): FakeResponseBody {
    const cluster = this.find(RequestFields.of(req).requiredString('cluster_id'));
    this.settle(cluster);
    if (cluster.state === 'RUNNING') {
      this.enter(cluster, 'RESTARTING', this.ctx.clock.now(), { details: { user: req.principal } });
    }
    return {};
  }

  private resize(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const cluster = this.find(fields.requiredString('cluster_id'));
    const size = validatedSize(req.body, true);
    this.settle(cluster);
    if (cluster.state !== 'RUNNING') {
      throw errors.invalidState(
        `Cluster ${cluster.clusterId} is in unexpected state ${cluster.state}: only a RUNNING cluster can be resized. Start it first, or edit it to change its size.`,
      );
    }
    const previous = sizeOf(cluster.spec);
    const workers = currentWorkers(cluster.spec);
    delete cluster.spec.num_workers;
    delete cluster.spec.autoscale;
    Object.assign(cluster.spec, size);
    this.enter(cluster, 'RESIZING', this.ctx.clock.now(), {
      details: {
        user: req.principal,
        previous_cluster_size: previous,
        cluster_size: size,
        current_num_workers: workers,
        target_num_workers: currentWorkers(cluster.spec),
      },
    });
    return {};
  }

  private terminate(req: FakeRequest): FakeResponseBody {
    this.terminateCluster(this.find(RequestFields.of(req).requiredString('cluster_id')), req.principal);
    return {};
  }

  private terminateCluster(cluster: StoredCluster, user: string): void {
    this.settle(cluster);
    if (cluster.state === 'TERMINATING' || cluster.state === 'TERMINATED' || cluster.state === 'ERROR')
      return;
    this.enter(cluster, 'TERMINATING', this.ctx.clock.now(), {
      reason: { code: 'USER_REQUEST', type: 'SUCCESS', parameters: { username: user } },
    });
  }

  private permanentDelete(req: FakeRequest): FakeResponseBody {
    const clusterId = RequestFields.of(req).requiredString('cluster_id');
    this.find(clusterId);
    this.remove(clusterId);
    return {};
  }

  private remove(clusterId: string): void {
    this.clusters.delete(clusterId);
    this.hooks.onPermanentlyDeleted?.(clusterId);
  }

  private setPinned(req: FakeRequest, pinned: boolean): FakeResponseBody {
    const cluster = this.find(RequestFields.of(req).requiredString('cluster_id'));
    if (cluster.pinned !== pinned) {
      cluster.pinned = pinned;
      this.recordEvent(cluster, this.ctx.clock.now(), pinned ? 'PINNED' : 'UNPINNED', {
        user: req.principal,
      });
    }
    return {};
  }

  private events(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const cluster = this.find(fields.requiredString('cluster_id'));
    this.settle(cluster);
    const order = fields.oneOf('order', ['ASC', 'DESC'] as const) ?? 'DESC';
    const startTime = fields.number('start_time');
    const endTime = fields.number('end_time');
    const types = fields.array('event_types');
    const limit = fields.number('page_size') ?? fields.number('limit') ?? DEFAULT_EVENTS_LIMIT;
    if (limit < 0 || limit > MAX_EVENTS_LIMIT) {
      throw errors.invalidParameter(`page_size must be between 0 and ${MAX_EVENTS_LIMIT}, got ${limit}.`);
    }
    const pageSize = limit === 0 ? DEFAULT_EVENTS_LIMIT : limit;
    const offset = fields.has('page_token')
      ? decodePageToken(fields.string('page_token'))
      : (fields.number('offset') ?? 0);
    const matching = cluster.events
      .filter(
        (event) =>
          (startTime === undefined || event.timestamp >= startTime) &&
          (endTime === undefined || event.timestamp <= endTime) &&
          (types === undefined || types.length === 0 || types.includes(event.type)),
      )
      .sort((a, b) => a.timestamp - b.timestamp);
    // Events sharing a timestamp keep the order they happened in; DESC is that order reversed.
    if (order === 'DESC') matching.reverse();
    const page = matching.slice(offset, offset + pageSize);
    const body: FakeResponseBody = { events: page, total_count: matching.length };
    const end = offset + page.length;
    if (end < matching.length) {
      body.next_page_token = encodePageToken(end);
      body.next_page = {
        cluster_id: cluster.clusterId,
        ...(startTime !== undefined && { start_time: startTime }),
        ...(endTime !== undefined && { end_time: endTime }),
        ...(types !== undefined && { event_types: types }),
        order,
        offset: end,
        limit: pageSize,
      };
    }
    if (offset > 0) body.prev_page_token = encodePageToken(Math.max(0, offset - pageSize));
    return body;
  }

  private find(clusterId: string): StoredCluster {
    const cluster = this.clusters.get(clusterId);
    // The legacy not-found quirk: 400 INVALID_PARAMETER_VALUE, not 404 (BEHAVIOUR.md §2).
    if (!cluster) throw errors.legacyNotFound(`Cluster ${clusterId} does not exist`);
    return cluster;
  }

  /** Apply every scheduled transition whose time has come, in order, with its own timestamp. */
  private settle(cluster: StoredCluster): void {
    const now = this.ctx.clock.now();
    while (cluster.next && cluster.next.at <= now) {
      const { state, at, reason } = cluster.next;
      this.enter(cluster, state, at, { reason });
    }
  }

  /** Move a cluster into `state` at time `at`, record the event, and schedule what follows. */
  private enter(
    cluster: StoredCluster,
    state: ClusterState,
    at: number,
    options: { eventType?: string; details?: Record<string, unknown>; reason?: TerminationReason } = {},
  ): void {
    const { timing } = this.ctx;
    const previous = cluster.state;
    cluster.state = state;
    cluster.next = undefined;
    const details: Record<string, unknown> = { ...options.details };
    switch (state) {
      case 'PENDING':
        cluster.stateMessage = 'Finding instances for new nodes, acquiring more instances if necessary';
        cluster.next = failsToStart(cluster.spec)
          ? {
              state: 'TERMINATING',
              at: at + timing.clusterStartMs,
              reason: {
                code: 'CLOUD_PROVIDER_LAUNCH_FAILURE',
                type: 'CLOUD_FAILURE',
                parameters: {
                  databricks_error_message: `Injected launch failure: the cluster carries the ${FAIL_START_MARKER} marker.`,
                },
              },
            }
          : { state: 'RUNNING', at: at + timing.clusterStartMs };
        break;
      case 'RESTARTING':
        cluster.stateMessage = 'Restarting Spark on all nodes';
        cluster.next = { state: 'RUNNING', at: at + timing.clusterStartMs };
        break;
      case 'RESIZING':
        cluster.stateMessage = 'Resizing the cluster';
        cluster.next = { state: 'RUNNING', at: at + timing.clusterStartMs };
        break;
      case 'RUNNING': {
        cluster.stateMessage = '';
        cluster.sparkContextId = 1000 + cluster.events.length;
        if (previous === 'RESTARTING') cluster.lastRestartedTime = at;
        const workers = currentWorkers(cluster.spec);
        if (previous === 'RESIZING') {
          this.recordEvent(cluster, at, 'UPSIZE_COMPLETED', {
            current_num_workers: workers,
            target_num_workers: workers,
          });
        }
        details.current_num_workers = workers;
        details.target_num_workers = workers;
        const idleMinutes = Number(cluster.spec.autotermination_minutes ?? 0);
        if (idleMinutes > 0) {
          cluster.next = {
            state: 'TERMINATING',
            at: at + idleMinutes * 60_000,
            reason: {
              code: 'INACTIVITY',
              type: 'SUCCESS',
              parameters: { inactivity_duration_min: String(idleMinutes) },
            },
          };
        }
        break;
      }
      case 'TERMINATING':
        cluster.stateMessage = 'Terminating the cluster';
        cluster.terminationReason = options.reason ?? { code: 'UNKNOWN', type: 'SERVICE_FAULT' };
        details.reason = cluster.terminationReason;
        cluster.next = { state: 'TERMINATED', at: at + timing.clusterTerminateMs };
        break;
      case 'TERMINATED':
      case 'ERROR':
        cluster.terminatedTime = at;
        cluster.sparkContextId = undefined;
        cluster.stateMessage = terminationMessage(cluster.terminationReason);
        break;
    }
    // Reaching TERMINATED is visible only through `state`; the event stream ends at TERMINATING.
    if (state !== 'TERMINATED' && state !== 'ERROR') {
      this.recordEvent(cluster, at, options.eventType ?? state, details);
    }
  }

  private recordEvent(
    cluster: StoredCluster,
    at: number,
    type: string,
    details: Record<string, unknown>,
  ): void {
    cluster.events.push({
      cluster_id: cluster.clusterId,
      timestamp: at,
      type,
      details: structuredClone(details),
    });
  }

  /** `ClusterDetails`: the submitted settings, the server-side defaults, and the runtime fields. */
  private details(cluster: StoredCluster): FakeResponseBody {
    this.settle(cluster);
    const spec = cluster.spec;
    const nodeTypeId = typeof spec.node_type_id === 'string' ? spec.node_type_id : undefined;
    const usesPool = typeof spec.instance_pool_id === 'string';
    const effectiveNodeType = nodeTypeId ?? (usesPool ? undefined : DEFAULT_NODE_TYPE);
    const clusterName = typeof spec.cluster_name === 'string' ? spec.cluster_name : '';
    const body: FakeResponseBody = {
      ...(effectiveNodeType !== undefined && {
        node_type_id: effectiveNodeType,
        driver_node_type_id: effectiveNodeType,
      }),
      ...(usesPool && { driver_instance_pool_id: spec.instance_pool_id }),
      enable_elastic_disk: true,
      enable_local_disk_encryption: false,
      data_security_mode: 'NONE',
      ...cloudAttributes(effectiveNodeType),
      ...structuredClone(spec),
      cluster_id: cluster.clusterId,
      creator_user_name: cluster.creator,
      cluster_source: 'API',
      state: cluster.state,
      state_message: cluster.stateMessage,
      start_time: cluster.startTime,
      default_tags: {
        Vendor: 'Databricks',
        Creator: cluster.creator,
        ClusterName: clusterName,
        ClusterId: cluster.clusterId,
      },
      spec: structuredClone(spec),
    };
    // Attributes the user set are merged over the managed defaults rather than replacing them.
    for (const key of ['aws_attributes', 'azure_attributes', 'gcp_attributes']) {
      const managed = cloudAttributes(effectiveNodeType)[key];
      if (managed && spec[key]) body[key] = { ...managed, ...(spec[key] as Record<string, unknown>) };
    }
    if (spec.data_security_mode === 'SINGLE_USER' && spec.single_user_name === undefined) {
      body.single_user_name = cluster.creator;
    }
    if (cluster.terminatedTime !== undefined) body.terminated_time = cluster.terminatedTime;
    if (cluster.lastRestartedTime !== undefined) body.last_restarted_time = cluster.lastRestartedTime;
    if (cluster.terminationReason) body.termination_reason = structuredClone(cluster.terminationReason);
    if (cluster.sparkContextId !== undefined) {
      body.spark_context_id = cluster.sparkContextId;
      body.jdbc_port = 10000;
      const nodeType = NODE_TYPES.find((type) => type.node_type_id === effectiveNodeType);
      if (nodeType) {
        const nodes = currentWorkers(spec) + 1;
        body.cluster_memory_mb = nodeType.memory_mb * nodes;
        body.cluster_cores = nodeType.num_cores * nodes;
      }
    }
    return body;
  }
}

/** Validate a create/edit payload and return the settings to store (write-only fields dropped). */
function validatedSpec(payload: Record<string, unknown>): Record<string, unknown> {
  const fields = RequestFields.from(payload);
  fields.requiredString('spark_version');
  fields.string('cluster_name');
  validatedSize(payload, false);
  const autotermination = fields.number('autotermination_minutes');
  if (
    autotermination !== undefined &&
    autotermination !== 0 &&
    (autotermination < 10 || autotermination > 10000)
  ) {
    throw errors.invalidParameter(
      `autotermination_minutes must be 0 (never) or between 10 and 10000, got ${autotermination}.`,
    );
  }
  const tags = fields.object('custom_tags');
  if (tags && Object.keys(tags).length > MAX_CUSTOM_TAGS) {
    throw errors.invalidParameter(
      `custom_tags has ${Object.keys(tags).length} entries; a cluster may have at most ${MAX_CUSTOM_TAGS} custom tags.`,
    );
  }
  const spec = structuredClone(payload);
  for (const field of WRITE_ONLY_FIELDS) delete spec[field];
  return spec;
}

/** Check `num_workers` / `autoscale`: never both; for a resize, exactly one. */
function validatedSize(payload: Record<string, unknown>, required: boolean): Record<string, unknown> {
  const fields = RequestFields.from(payload);
  const numWorkers = fields.number('num_workers');
  const autoscale = fields.object('autoscale');
  if (numWorkers !== undefined && autoscale !== undefined) {
    throw errors.invalidParameter('Specify either num_workers or autoscale, not both.');
  }
  if (required && numWorkers === undefined && autoscale === undefined) {
    throw errors.invalidParameter('Specify either num_workers or autoscale.');
  }
  if (numWorkers !== undefined && (numWorkers < 0 || !Number.isInteger(numWorkers))) {
    throw errors.invalidParameter(`num_workers must be a non-negative integer, got ${numWorkers}.`);
  }
  if (autoscale !== undefined) {
    const bounds = RequestFields.from(autoscale);
    const min = bounds.requiredNumber('min_workers');
    const max = bounds.requiredNumber('max_workers');
    if (min < 0 || max < 1 || max < min) {
      throw errors.invalidParameter(
        `autoscale needs 0 <= min_workers <= max_workers and max_workers >= 1, got min_workers=${min}, max_workers=${max}.`,
      );
    }
    return { autoscale: { min_workers: min, max_workers: max } };
  }
  return numWorkers === undefined ? {} : { num_workers: numWorkers };
}

function sizeOf(spec: Record<string, unknown>): Record<string, unknown> {
  return spec.autoscale !== undefined
    ? { autoscale: structuredClone(spec.autoscale) }
    : { num_workers: Number(spec.num_workers ?? 0) };
}

/**
 * `ClusterAttributes` as events carry them: the settings without `num_workers`/`autoscale`, which events
 * give as `cluster_size` (with `current_num_workers`/`target_num_workers` for nodes).
 */
function attributesOf(spec: Record<string, unknown>): Record<string, unknown> {
  const { num_workers: _workers, autoscale: _autoscale, ...attributes } = spec;
  return attributes;
}

/** Workers a running cluster has: its fixed size, or the autoscale minimum it starts at. */
function currentWorkers(spec: Record<string, unknown>): number {
  const autoscale = spec.autoscale as { min_workers?: number } | undefined;
  return autoscale ? Number(autoscale.min_workers ?? 0) : Number(spec.num_workers ?? 0);
}

function failsToStart(spec: Record<string, unknown>): boolean {
  const tags = (spec.custom_tags ?? {}) as Record<string, unknown>;
  const texts = [spec.cluster_name, ...Object.keys(tags), ...Object.values(tags)];
  return texts.some((text) => typeof text === 'string' && text.includes(FAIL_START_MARKER));
}

/** The "managed" cloud attributes a real workspace fills in, for the cloud the node type belongs to. */
function cloudAttributes(nodeTypeId: string | undefined): Record<string, Record<string, unknown>> {
  if (nodeTypeId?.startsWith('Standard_')) {
    return {
      azure_attributes: { availability: 'ON_DEMAND_AZURE', first_on_demand: 1, spot_bid_max_price: -1 },
    };
  }
  if (nodeTypeId !== undefined && /^(n1|n2|n2d|e2|c2|a2|g2)-/.test(nodeTypeId)) {
    return {
      gcp_attributes: { availability: 'ON_DEMAND_GCP', use_preemptible_executors: false, zone_id: 'HA' },
    };
  }
  return {
    aws_attributes: {
      availability: 'SPOT_WITH_FALLBACK',
      zone_id: 'auto',
      first_on_demand: 1,
      spot_bid_price_percent: 100,
    },
  };
}

function terminationMessage(reason: TerminationReason | undefined): string {
  if (!reason) return '';
  if (reason.code === 'USER_REQUEST') return `Terminated by user ${reason.parameters?.username ?? ''}`.trim();
  if (reason.code === 'INACTIVITY') return 'Inactive cluster terminated';
  return reason.parameters?.databricks_error_message ?? `Terminated: ${reason.code}`;
}

function describeNodeType(type: (typeof NODE_TYPES)[number]): Record<string, unknown> {
  return {
    ...type,
    description: `${type.node_type_id} (${type.num_cores} cores, ${Math.round(type.memory_mb / 1024)} GB)`,
    instance_type_id: type.node_type_id,
    is_deprecated: false,
    support_cluster_tags: true,
  };
}

/** Ids look like real ones, `MMDD-HHMMSS-xxxxxxxx`, and sort by creation. */
function clusterIdFor(now: number, sequence: number): string {
  const date = new Date(now);
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}`;
  const time = `${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}`;
  return `${day}-${time}-fake${sequence.toString(36).padStart(4, '0')}`;
}

/** Page tokens are opaque to clients; here they carry an offset. */
function encodePageToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (!match) throw errors.invalidParameter(`page_token '${token}' is not a token this API returned.`);
  return Number(match[1]);
}
