import { type Static } from '@sinclair/typebox';
import { celValidations, unchanged } from './cel-rules.js';
import { DockerImage, NodeTypeFlexibility } from './cluster-spec.js';
import { Conditions, ObservedGeneration } from './conditions.js';
import { READY_COLUMN, REASON_COLUMN, type KindDefinition } from './custom-resource-definition.js';
import { DeletionPolicy } from './deletion-policy.js';
import { DriftedFields, ManagementPolicy } from './management-policy.js';
import { WorkspaceReference } from './object-references.js';
import { objectPermissions, PermissionsHash } from './permissions.js';
import { Bool, Int, List, Opt, Str, StringEnum, StringList, StringMap, Struct } from './schema-types.js';

/**
 * The settings `instance-pools/edit` cannot change: they are fixed when the pool is created
 * (BEHAVIOUR.md §1.3). The schema refuses a change to them on update; to change one, make a new pool.
 */
export const IMMUTABLE_POOL_FIELDS = [
  'node_type_id',
  'disk_spec',
  'preloaded_spark_versions',
  'preloaded_docker_images',
  'node_type_flexibility',
  'aws_attributes',
  'azure_attributes',
  'gcp_attributes',
  'enable_elastic_disk',
] as const;

/** `aws_attributes` of an instance pool. */
const PoolAwsAttributes = Struct(
  {
    availability: Opt(StringEnum(['SPOT', 'ON_DEMAND'] as const, 'Spot or on-demand instances.')),
    zone_id: Opt(Str('Availability zone, e.g. us-west-2a, or auto.')),
    spot_bid_price_percent: Opt(
      Int('Spot bid as a percentage of the on-demand price.', { minimum: 1, maximum: 10000 }),
    ),
    instance_profile_arn: Opt(Str('Instance profile the pool instances run with.')),
  },
  'AWS settings of the pool instances; fixed at creation.',
);

/** `azure_attributes` of an instance pool. */
const PoolAzureAttributes = Struct(
  {
    availability: Opt(
      StringEnum(['SPOT_AZURE', 'ON_DEMAND_AZURE'] as const, 'Spot or on-demand virtual machines.'),
    ),
    spot_bid_max_price: Opt(
      Int('Highest spot price in US dollars, or -1 for up to the on-demand price.', { minimum: -1 }),
    ),
  },
  'Azure settings of the pool instances; fixed at creation.',
);

/** `gcp_attributes` of an instance pool. */
const PoolGcpAttributes = Struct(
  {
    gcp_availability: Opt(
      StringEnum(
        ['PREEMPTIBLE_GCP', 'ON_DEMAND_GCP', 'PREEMPTIBLE_WITH_FALLBACK_GCP'] as const,
        'Preemptible or on-demand instances.',
      ),
    ),
    local_ssd_count: Opt(Int('Local SSDs attached to each instance.', { minimum: 0 })),
    zone_id: Opt(Str('Zone, e.g. us-central1-a.')),
  },
  'Google Cloud settings of the pool instances; fixed at creation.',
);

/** `disk_spec` of an instance pool. */
const DiskSpec = Struct(
  {
    disk_type: Opt(
      Struct(
        {
          ebs_volume_type: Opt(
            StringEnum(['GENERAL_PURPOSE_SSD', 'THROUGHPUT_OPTIMIZED_HDD'] as const, 'AWS: EBS volume type.'),
          ),
          azure_disk_volume_type: Opt(
            StringEnum(['PREMIUM_LRS', 'STANDARD_LRS'] as const, 'Azure: managed disk type.'),
          ),
        },
        'The type of the disks.',
      ),
    ),
    disk_count: Opt(Int('Disks attached to each instance.', { minimum: 0 })),
    disk_size: Opt(Int('Size of each disk in GiB.', { minimum: 0 })),
    disk_iops: Opt(Int('AWS gp3: IOPS of each disk.', { minimum: 0 })),
    disk_throughput: Opt(Int('AWS gp3: throughput of each disk in MiB/s.', { minimum: 0 })),
  },
  'Disks attached to each instance besides its root disk; fixed at creation.',
);

/** The settings of an instance pool, as `instance-pools/create` takes them. */
export const InstancePoolSettings = Struct(
  {
    instance_pool_name: Opt(
      Str("Name of the pool, unique in the workspace. Defaults to this object's name.", {
        minLength: 1,
        maxLength: 100,
      }),
    ),
    node_type_id: Str('Instance type of the pool, e.g. i3.xlarge or Standard_DS3_v2. Fixed at creation.', {
      minLength: 1,
      maxLength: 128,
    }),
    min_idle_instances: Opt(Int('Idle instances the pool keeps ready. Defaults to 0.', { minimum: 0 })),
    max_capacity: Opt(
      Int('Most instances, used and idle, the pool holds; absent for no limit.', { minimum: 1 }),
    ),
    idle_instance_autotermination_minutes: Opt(
      Int(
        'Minutes an idle instance above min_idle_instances waits before it terminates (0 to 10000). Databricks defaults it to 60.',
        { minimum: 0, maximum: 10000 },
      ),
    ),
    custom_tags: Opt(
      StringMap(
        'Tags of the pool instances (at most 43 besides the two ownership tags the controller adds).',
        { maxProperties: 43 },
      ),
    ),
    enable_elastic_disk: Opt(
      Bool(
        'Grow local storage automatically when disk runs low. Databricks defaults it to true. Fixed at creation.',
      ),
    ),
    disk_spec: Opt(DiskSpec),
    preloaded_spark_versions: Opt(
      StringList('Databricks Runtime version preloaded on idle instances (at most one). Fixed at creation.', {
        maxItems: 1,
      }),
    ),
    preloaded_docker_images: Opt(
      List(DockerImage, 'Container images preloaded on idle instances. Fixed at creation.', { maxItems: 10 }),
    ),
    aws_attributes: Opt(PoolAwsAttributes),
    azure_attributes: Opt(PoolAzureAttributes),
    gcp_attributes: Opt(PoolGcpAttributes),
    node_type_flexibility: Opt(NodeTypeFlexibility),
    remote_disk_throughput: Opt(
      Int('Remote disk throughput per instance in MB/s (supported disk types only).', { minimum: 0 }),
    ),
    total_initial_remote_disk_size: Opt(
      Int('Initial remote disk size per instance in GB (supported disk types only).', { minimum: 0 }),
    ),
  },
  'The pool settings, verbatim (snake_case), as instance-pools/create takes them. node_type_id, disks, preloaded versions and images and the cloud attributes are fixed at creation; the rest is edited in place.',
  celValidations(
    {
      rule: '!has(self.max_capacity) || (has(self.min_idle_instances) ? self.min_idle_instances : 0) <= self.max_capacity',
      message:
        'min_idle_instances cannot be greater than max_capacity: the pool could never keep that many idle instances',
      fieldPath: '.min_idle_instances',
    },
    // Databricks cannot change these on a pool (instance-pools/edit refuses them); a new pool is a new object.
    ...IMMUTABLE_POOL_FIELDS.map((field) =>
      unchanged(
        field,
        'it is fixed when the pool is created; create a new DatabricksInstancePool (and point the clusters at it) to change it',
      ),
    ),
  ),
);
export type InstancePoolSettings = Static<typeof InstancePoolSettings>;

/** `spec` of a DatabricksInstancePool. */
export const DatabricksInstancePoolSpec = Struct(
  {
    workspaceRef: WorkspaceReference,
    settings: InstancePoolSettings,
    adopt: Opt(
      Bool(
        "Take over a pool of this name that already exists in Databricks and carries no other object's marker, instead of refusing it (PoolExists): its editable settings are replaced by spec.settings and this object's marker is added to its custom_tags. Its fixed settings must already match. Defaults to false.",
        { default: false },
      ),
    ),
    permissions: Opt(
      objectPermissions('instance-pools', {
        level:
          'Permission level: CAN_ATTACH_TO lets the principal create clusters that draw on the pool, CAN_MANAGE also lets it edit and delete the pool.',
        permissions: 'Who may attach clusters to the pool, or manage it.',
      }),
    ),
    deletionPolicy: Opt(DeletionPolicy),
    managementPolicy: Opt(ManagementPolicy),
  },
  'The desired instance pool.',
);
export type DatabricksInstancePoolSpec = Static<typeof DatabricksInstancePoolSpec>;

/** `status` of a DatabricksInstancePool, written by the controller. */
export const DatabricksInstancePoolStatus = Struct(
  {
    observedGeneration: Opt(ObservedGeneration),
    conditions: Opt(Conditions),
    driftedFields: Opt(DriftedFields),
    instancePoolId: Opt(
      Str('Databricks instance pool ID (what instance_pool_ref and driver_instance_pool_ref resolve to).'),
    ),
    state: Opt(Str('Pool state in Databricks: ACTIVE, STOPPED or DELETED.')),
    idleCount: Opt(Int('Idle instances in the pool now.')),
    usedCount: Opt(Int('Instances clusters use now.')),
    settingsHash: Opt(Str('Hash of the settings last applied, to detect spec changes without a read.')),
    permissionsHash: Opt(PermissionsHash),
  },
  'What the controller observed about the pool.',
);
export type DatabricksInstancePoolStatus = Static<typeof DatabricksInstancePoolStatus>;

/** The DatabricksInstancePool kind: names, schemas and printer columns of its CRD. */
export const DATABRICKS_INSTANCE_POOL: KindDefinition<
  'DatabricksInstancePool',
  DatabricksInstancePoolSpec,
  DatabricksInstancePoolStatus
> = {
  kind: 'DatabricksInstancePool',
  plural: 'databricksinstancepools',
  singular: 'databricksinstancepool',
  shortName: 'dbpool',
  description:
    'DatabricksInstancePool is a Databricks instance pool: idle instances kept ready so that clusters start faster. spec.settings is the pool, verbatim.',
  spec: DatabricksInstancePoolSpec,
  status: DatabricksInstancePoolStatus,
  printerColumns: [
    {
      name: 'Pool ID',
      type: 'string',
      jsonPath: '.status.instancePoolId',
      description: 'Databricks instance pool ID.',
    },
    { name: 'State', type: 'string', jsonPath: '.status.state', description: 'Pool state in Databricks.' },
    READY_COLUMN,
    REASON_COLUMN,
    {
      name: 'Idle',
      type: 'integer',
      jsonPath: '.status.idleCount',
      description: 'Idle instances now.',
      priority: 1,
    },
  ],
};
