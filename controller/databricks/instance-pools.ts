/**
 * Instance Pools API 2.0. A pool keeps `min_idle_instances` instances ready for clusters; `edit` changes
 * its sizing and name in place, while node type, disks, preloaded images and cloud attributes are fixed
 * at creation (an edit that changes them is an InvalidParameterError: recreate the pool instead).
 */
import type { ApiCaller } from './api-caller.js';
import type { Open } from './open-enum.js';

const POOLS = '/api/2.0/instance-pools';

export type InstancePoolState = Open<'ACTIVE' | 'STOPPED' | 'DELETED'>;

export interface InstancePoolAwsAttributes {
  readonly availability?: Open<'SPOT' | 'ON_DEMAND'>;
  readonly zone_id?: string;
  readonly spot_bid_price_percent?: number;
  readonly instance_profile_arn?: string;
}

export interface InstancePoolAzureAttributes {
  readonly availability?: Open<'SPOT_AZURE' | 'ON_DEMAND_AZURE'>;
  readonly spot_bid_max_price?: number;
}

export interface InstancePoolGcpAttributes {
  readonly gcp_availability?: Open<'PREEMPTIBLE_GCP' | 'ON_DEMAND_GCP' | 'PREEMPTIBLE_WITH_FALLBACK_GCP'>;
  readonly local_ssd_count?: number;
  readonly zone_id?: string;
}

export interface DiskSpec {
  readonly disk_type?: { readonly ebs_volume_type?: string; readonly azure_disk_volume_type?: string };
  readonly disk_count?: number;
  readonly disk_size?: number;
  readonly disk_iops?: number;
  readonly disk_throughput?: number;
}

export interface PoolDockerImage {
  readonly url: string;
  readonly basic_auth?: { readonly username?: string; readonly password?: string };
}

/** The body of `instance-pools/create`: the settings a pool is created with. */
export interface InstancePoolSettings {
  /** Unique, 1–100 characters. */
  readonly instance_pool_name: string;
  readonly node_type_id: string;
  /** Idle instances kept ready. Default 0; never more than `max_capacity`. */
  readonly min_idle_instances?: number;
  /** All instances, used and idle, the pool may hold. */
  readonly max_capacity?: number;
  /** Minutes before surplus idle instances terminate, 0..10000. Backend default 60. */
  readonly idle_instance_autotermination_minutes?: number;
  /** At most 45. */
  readonly custom_tags?: Readonly<Record<string, string>>;
  /** Backend default true. Immutable. */
  readonly enable_elastic_disk?: boolean;
  /** Immutable. */
  readonly disk_spec?: DiskSpec;
  /** At most one version. Immutable. */
  readonly preloaded_spark_versions?: readonly string[];
  /** Immutable. */
  readonly preloaded_docker_images?: readonly PoolDockerImage[];
  /** Immutable; Databricks fills in managed defaults. */
  readonly aws_attributes?: InstancePoolAwsAttributes;
  readonly azure_attributes?: InstancePoolAzureAttributes;
  readonly gcp_attributes?: InstancePoolGcpAttributes;
  readonly node_type_flexibility?: { readonly alternate_node_type_ids?: readonly string[] };
  readonly remote_disk_throughput?: number;
  readonly total_initial_remote_disk_size?: number;
}

/** What `instance-pools/edit` changes; the pool's name and node type are always sent. */
export type InstancePoolEdit = Pick<
  InstancePoolSettings,
  | 'instance_pool_name'
  | 'node_type_id'
  | 'min_idle_instances'
  | 'max_capacity'
  | 'idle_instance_autotermination_minutes'
  | 'custom_tags'
  | 'remote_disk_throughput'
  | 'total_initial_remote_disk_size'
>;

export interface InstancePoolStats {
  readonly used_count?: number;
  readonly idle_count?: number;
  readonly pending_used_count?: number;
  readonly pending_idle_count?: number;
}

/** `instance-pools/get` and list items: settings, backend defaults, state and stats. */
export interface InstancePoolAndStats extends Partial<InstancePoolSettings> {
  readonly instance_pool_id: string;
  readonly state?: InstancePoolState;
  readonly stats?: InstancePoolStats;
  readonly default_tags?: Readonly<Record<string, string>>;
  readonly status?: {
    readonly pending_instance_errors?: readonly { instance_id?: string; message?: string }[];
  };
  readonly [field: string]: unknown;
}

export class InstancePoolsApi {
  constructor(private readonly api: ApiCaller) {}

  /** `instance-pools/create`. A name in use is an AlreadyExistsError. */
  create(settings: InstancePoolSettings): Promise<{ instance_pool_id: string }> {
    return this.api.call({ method: 'POST', path: `${POOLS}/create`, body: settings });
  }

  /** `instance-pools/get`. A missing (or deleted) pool is a NotFoundError. */
  get(instancePoolId: string): Promise<InstancePoolAndStats> {
    return this.api.call({
      method: 'GET',
      path: `${POOLS}/get`,
      query: { instance_pool_id: instancePoolId },
    });
  }

  /**
   * `instance-pools/edit`: the editable settings, replaced as a whole (what `edit` leaves out goes back to
   * its default). `node_type_id` must be the pool's own.
   */
  async edit(instancePoolId: string, edit: InstancePoolEdit): Promise<void> {
    await this.api.call({
      method: 'POST',
      path: `${POOLS}/edit`,
      body: { ...edit, instance_pool_id: instancePoolId },
    });
  }

  /** `instance-pools/delete`: permanent; the idle instances terminate in the background. */
  async delete(instancePoolId: string): Promise<void> {
    await this.api.call({
      method: 'POST',
      path: `${POOLS}/delete`,
      body: { instance_pool_id: instancePoolId },
    });
  }

  /** `instance-pools/list`: every pool with its stats, in one answer. */
  async list(): Promise<InstancePoolAndStats[]> {
    const page = await this.api.call<{ instance_pools?: InstancePoolAndStats[] }>({
      method: 'GET',
      path: `${POOLS}/list`,
    });
    return page.instance_pools ?? [];
  }
}
