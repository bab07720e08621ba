import {
  errors,
  type FakeContext,
  type FakeRequest,
  type FakeResponseBody,
  type FakeService,
  type Route,
  routesUnder,
} from './api.js';
import { datedPrefix, hexIdFor } from './object-ids.js';
import { RequestFields } from './request-fields.js';

/** Pool states (`InstancePoolState`): ACTIVE ⇄ STOPPED, and DELETED. */
export type InstancePoolState = 'ACTIVE' | 'STOPPED' | 'DELETED';

/** Nodes of clusters drawing on a pool: running (`used`) and still being acquired (`pendingUsed`). */
export interface PoolUsage {
  readonly used: number;
  readonly pendingUsed: number;
}

/** Callbacks the workspace wires: permissions learn about pools, and clusters report what they draw. */
export interface InstancePoolHooks {
  readonly onCreated?: (poolId: string, creator: string) => void;
  readonly onDeleted?: (poolId: string) => void;
  readonly usage?: (poolId: string) => PoolUsage;
}

const MAX_NAME_LENGTH = 100;
const MAX_CUSTOM_TAGS = 45;
const MAX_AUTOTERMINATION_MINUTES = 10000;
/** Backend defaults (BEHAVIOUR.md §1.3, resources.yml `instance_pools`). */
const DEFAULT_AUTOTERMINATION_MINUTES = 60;

/** Fields `instance-pools/edit` does not change: a pool is recreated to change them (resources.yml). */
const IMMUTABLE_FIELDS = [
  'node_type_id',
  'disk_spec',
  'preloaded_spark_versions',
  'preloaded_docker_images',
  'node_type_flexibility',
  'aws_attributes',
  'azure_attributes',
  'gcp_attributes',
  'enable_elastic_disk',
  'instance_pool_fleet_attributes',
] as const;

/** Fields an edit sets; one the edit leaves out goes back to its default. */
const EDITABLE_FIELDS = [
  'instance_pool_name',
  'min_idle_instances',
  'max_capacity',
  'idle_instance_autotermination_minutes',
  'custom_tags',
  'remote_disk_throughput',
  'total_initial_remote_disk_size',
] as const;

/** One cloud instance the pool keeps: pending until `readyAt`, then idle; gone at `expireAt`. */
interface PoolInstance {
  readonly readyAt: number;
  expireAt?: number;
}

interface StoredPool {
  readonly poolId: string;
  readonly creator: string;
  /** The settings as last submitted (create, then edits), request-only fields removed. */
  spec: Record<string, unknown>;
  state: InstancePoolState;
  instances: PoolInstance[];
}

/**
 * The Instance Pools API (2.0). A pool keeps `min_idle_instances` idle instances ready for clusters, never
 * more than `max_capacity` in all: each instance it acquires is pending for `timing.poolInstanceStartMs`,
 * then idle. When an edit lowers the target, the surplus instances terminate after
 * `idle_instance_autotermination_minutes` (at once for 0). Clusters that name the pool count as
 * `used_count`/`pending_used_count` (reported by the clusters service); the pool does not lend them its idle
 * instances, so `idle_count` stays at the target while clusters run.
 *
 * `delete` removes the pool permanently: every later call on it is the 404 "Can't find an instance pool
 * with id". Nothing in the API stops a pool; `ui` in the inspection API can (STOPPED: no instances kept,
 * settings still editable) and start it again.
 */
export class InstancePoolsService implements FakeService {
  readonly name = 'instance-pools';
  private pools = new Map<string, StoredPool>();
  private created = 0;

  constructor(
    private readonly ctx: FakeContext,
    private readonly hooks: InstancePoolHooks = {},
  ) {}

  routes(): Route[] {
    const route = routesUnder('2.0', 'instance-pools');
    return [
      route('POST', 'create', (req) => this.create(req)),
      route('POST', 'edit', (req) => this.edit(req)),
      route('POST', 'delete', (req) => this.delete(req)),
      route('GET', 'get', (req) => this.get(req)),
      route('GET', 'list', () => this.list()),
    ];
  }

  snapshot(): unknown {
    return [...this.pools.values()].map((pool) => this.describe(pool));
  }

  reset(): void {
    this.pools.clear();
    this.created = 0;
  }

  exists(poolId: string): boolean {
    return this.pools.has(poolId);
  }

  /** Act as Databricks stopping the pool (STOPPED) or bringing it back (ACTIVE). */
  setStateByUser(poolId: string, state: 'ACTIVE' | 'STOPPED'): void {
    const pool = this.find(poolId);
    const now = this.ctx.clock.now();
    pool.state = state;
    pool.instances = [];
    if (state === 'ACTIVE') this.provision(pool, now);
  }

  /** Act as a user editing the pool in the UI: `changes` merged over its settings, with edit's rules. */
  editByUser(poolId: string, changes: Record<string, unknown>): void {
    const pool = this.find(poolId);
    this.applyEdit(pool, { ...pool.spec, ...structuredClone(changes), instance_pool_id: poolId });
  }

  private create(req: FakeRequest): FakeResponseBody {
    const spec = this.validated(req.body, undefined);
    const now = this.ctx.clock.now();
    this.created += 1;
    const poolId = `${datedPrefix(now)}-fake${this.created.toString(36)}-pool-${hexIdFor('pool', this.created, 8)}`;
    const pool: StoredPool = { poolId, creator: req.principal, spec, state: 'ACTIVE', instances: [] };
    this.pools.set(poolId, pool);
    this.provision(pool, now);
    this.hooks.onCreated?.(poolId, req.principal);
    return { instance_pool_id: poolId };
  }

  private edit(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const pool = this.find(fields.requiredString('instance_pool_id'));
    this.applyEdit(pool, req.body);
    return {};
  }

  private applyEdit(pool: StoredPool, body: Record<string, unknown>): void {
    const fields = RequestFields.from(body);
    fields.requiredString('instance_pool_name');
    fields.requiredString('node_type_id');
    const current = this.describe(pool);
    for (const field of IMMUTABLE_FIELDS) {
      if (body[field] === undefined) continue;
      const unchanged = sameJson(body[field], pool.spec[field]) || sameJson(body[field], current[field]);
      if (!unchanged) {
        throw errors.invalidParameter(
          `Instance pool ${pool.poolId}: ${field} cannot be changed by instance-pools/edit (it is fixed when the pool is created); create a new pool instead.`,
        );
      }
    }
    const edited: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(pool.spec)) {
      if (!(EDITABLE_FIELDS as readonly string[]).includes(field)) edited[field] = value;
    }
    for (const field of EDITABLE_FIELDS) {
      if (body[field] !== undefined) edited[field] = structuredClone(body[field]);
    }
    pool.spec = this.validated(edited, pool);
    if (pool.state === 'ACTIVE') this.provision(pool, this.ctx.clock.now());
  }

  private delete(req: FakeRequest): FakeResponseBody {
    const pool = this.find(RequestFields.of(req).requiredString('instance_pool_id'));
    // Deletion is permanent; the idle instances terminate in the background.
    this.pools.delete(pool.poolId);
    this.hooks.onDeleted?.(pool.poolId);
    return {};
  }

  private get(req: FakeRequest): FakeResponseBody {
    return this.describe(this.find(RequestFields.of(req).requiredString('instance_pool_id')));
  }

  private list(): FakeResponseBody {
    const pools = [...this.pools.values()].sort((a, b) => a.poolId.localeCompare(b.poolId));
    return pools.length === 0 ? {} : { instance_pools: pools.map((pool) => this.describe(pool)) };
  }

  /**
   * Brings the instances in line with `min_idle_instances` (within `max_capacity`): acquires what is
   * missing, first by keeping instances that were about to terminate, and schedules the surplus to
   * terminate after `idle_instance_autotermination_minutes`.
   */
  private provision(pool: StoredPool, now: number): void {
    pool.instances = pool.instances.filter(
      (instance) => instance.expireAt === undefined || instance.expireAt > now,
    );
    const minIdle = Number(pool.spec.min_idle_instances ?? 0);
    const capacity = pool.spec.max_capacity === undefined ? Infinity : Number(pool.spec.max_capacity);
    const target = Math.min(minIdle, capacity);
    const kept = pool.instances.filter((instance) => instance.expireAt === undefined);
    const leaving = pool.instances.filter((instance) => instance.expireAt !== undefined);
    while (kept.length < target && leaving.length > 0) {
      const instance = leaving.shift() as PoolInstance;
      instance.expireAt = undefined;
      kept.push(instance);
    }
    while (kept.length < target) kept.push({ readyAt: now + this.ctx.timing.poolInstanceStartMs });
    const idleMinutes = Number(
      pool.spec.idle_instance_autotermination_minutes ?? DEFAULT_AUTOTERMINATION_MINUTES,
    );
    // The newest instances are the surplus.
    for (const instance of kept.splice(target)) {
      instance.expireAt = Math.max(now, instance.readyAt) + idleMinutes * 60_000;
      leaving.push(instance);
    }
    pool.instances = [...kept, ...leaving];
  }

  /** Check a create (or edited) spec and fill nothing in: defaults are added when the pool is read. */
  private validated(body: Record<string, unknown>, editing: StoredPool | undefined): Record<string, unknown> {
    const fields = RequestFields.from(body);
    const name = fields.requiredString('instance_pool_name');
    if (name.length > MAX_NAME_LENGTH) {
      throw errors.invalidParameter(
        `Instance pool name '${name}' is ${name.length} characters long; a name has 1 to ${MAX_NAME_LENGTH}.`,
      );
    }
    const clash = [...this.pools.values()].find(
      (pool) => pool.spec.instance_pool_name === name && pool.poolId !== editing?.poolId,
    );
    if (clash) {
      throw errors.alreadyExists(
        `An instance pool named '${name}' already exists (${clash.poolId}); pool names are unique.`,
      );
    }
    fields.requiredString('node_type_id');
    const minIdle = fields.number('min_idle_instances') ?? 0;
    if (minIdle < 0 || !Number.isInteger(minIdle)) {
      throw errors.invalidParameter(`min_idle_instances must be a non-negative integer, got ${minIdle}.`);
    }
    const maxCapacity = fields.number('max_capacity');
    if (maxCapacity !== undefined && (maxCapacity < 1 || !Number.isInteger(maxCapacity))) {
      throw errors.invalidParameter(`max_capacity must be a positive integer, got ${maxCapacity}.`);
    }
    if (maxCapacity !== undefined && minIdle > maxCapacity) {
      throw errors.invalidParameter(
        `min_idle_instances (${minIdle}) cannot be greater than max_capacity (${maxCapacity}): the pool could never keep that many idle instances.`,
      );
    }
    const idleMinutes = fields.number('idle_instance_autotermination_minutes');
    if (idleMinutes !== undefined && (idleMinutes < 0 || idleMinutes > MAX_AUTOTERMINATION_MINUTES)) {
      throw errors.invalidParameter(
        `idle_instance_autotermination_minutes must be between 0 and ${MAX_AUTOTERMINATION_MINUTES}, got ${idleMinutes}.`,
      );
    }
    const tags = fields.object('custom_tags');
    if (tags && Object.keys(tags).length > MAX_CUSTOM_TAGS) {
      throw errors.invalidParameter(
        `custom_tags has ${Object.keys(tags).length} entries; an instance pool may have at most ${MAX_CUSTOM_TAGS} custom tags.`,
      );
    }
    const preloaded = fields.array('preloaded_spark_versions');
    if (preloaded && preloaded.length > 1) {
      throw errors.invalidParameter(
        `preloaded_spark_versions lists ${preloaded.length} versions; a pool preloads at most one.`,
      );
    }
    fields.boolean('enable_elastic_disk');
    const spec = structuredClone(body);
    delete spec.instance_pool_id;
    return spec;
  }

  /** `InstancePoolAndStats`: the settings, the backend defaults, state and stats. */
  private describe(pool: StoredPool): FakeResponseBody {
    const now = this.ctx.clock.now();
    const live = pool.instances.filter(
      (instance) => instance.expireAt === undefined || instance.expireAt > now,
    );
    const usage = this.hooks.usage?.(pool.poolId) ?? { used: 0, pendingUsed: 0 };
    const nodeType = String(pool.spec.node_type_id);
    const body: FakeResponseBody = {
      enable_elastic_disk: true,
      idle_instance_autotermination_minutes: DEFAULT_AUTOTERMINATION_MINUTES,
      min_idle_instances: 0,
      ...cloudAttributes(nodeType),
      ...structuredClone(pool.spec),
      instance_pool_id: pool.poolId,
      default_tags: {
        Vendor: 'Databricks',
        InstancePoolCreator: pool.creator,
        InstancePoolName: String(pool.spec.instance_pool_name),
        InstancePoolId: pool.poolId,
      },
      state: pool.state,
      stats: {
        used_count: usage.used,
        idle_count: live.filter((instance) => instance.readyAt <= now).length,
        pending_used_count: usage.pendingUsed,
        pending_idle_count: live.filter((instance) => instance.readyAt > now).length,
      },
    };
    // Attributes the user set are merged over the managed defaults rather than replacing them.
    for (const key of ['aws_attributes', 'azure_attributes', 'gcp_attributes']) {
      const managed = cloudAttributes(nodeType)[key];
      if (managed && pool.spec[key])
        body[key] = { ...managed, ...(pool.spec[key] as Record<string, unknown>) };
    }
    return body;
  }

  private find(poolId: string): StoredPool {
    const pool = this.pools.get(poolId);
    if (!pool) throw errors.notFound(`Can't find an instance pool with id: ${poolId}.`);
    return pool;
  }
}

/** The cloud attributes a pool reports when the request set none, by the cloud of its node type. */
function cloudAttributes(nodeTypeId: string): Record<string, Record<string, unknown>> {
  if (nodeTypeId.startsWith('Standard_')) {
    return { azure_attributes: { availability: 'ON_DEMAND_AZURE', spot_bid_max_price: -1 } };
  }
  if (/^(n1|n2|n2d|e2|c2|a2|g2)-/.test(nodeTypeId)) {
    return { gcp_attributes: { gcp_availability: 'ON_DEMAND_GCP' } };
  }
  return { aws_attributes: { availability: 'SPOT', zone_id: 'auto', spot_bid_price_percent: 100 } };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** The value with object keys sorted, so that key order does not make two documents differ. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
