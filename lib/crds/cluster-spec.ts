import { type Static } from '@sinclair/typebox';
import { atMostOneOf, celValidations, exactlyOneOf, type CelRule } from './cel-rules.js';
import { localReference } from './object-references.js';
import { Bool, Int, List, Num, Opt, Str, StringEnum, StringList, StringMap, Struct } from './schema-types.js';

// The Databricks cluster specification (compute.ClusterSpec), verbatim and snake_case, shared by
// DatabricksCluster.spec.settings, job clusters and a task's new_cluster.

/** Where a destination lives: each storage kind below is `{destination, ...}`. */
function destination(what: string) {
  return Str(`${what} destination.`, { minLength: 1, maxLength: 1024 });
}

/** A `{destination}` location of cluster logs or an init script (compute.DbfsStorageInfo). */
export const DbfsStorageInfo = Struct(
  { destination: destination('DBFS path, e.g. dbfs:/cluster-logs') },
  'A DBFS location.',
);
/** A `{destination}` location of cluster logs or an init script (compute.VolumesStorageInfo). */
export const VolumesStorageInfo = Struct(
  { destination: destination('Unity Catalog volume path, e.g. /Volumes/main/default/logs') },
  'A Unity Catalog volume location.',
);
/** A `{destination}` location of cluster logs or an init script (compute.WorkspaceStorageInfo). */
export const WorkspaceStorageInfo = Struct(
  { destination: destination('Workspace file path, e.g. /Users/me/init.sh') },
  'A workspace file.',
);
/** A `{destination}` location of cluster logs or an init script (compute.LocalFileInfo). */
export const LocalFileInfo = Struct(
  { destination: destination('Path on the cluster node, e.g. /databricks/init.sh') },
  'A file on the node.',
);
/** A `{destination}` location of cluster logs or an init script (compute.GcsStorageInfo). */
export const GcsStorageInfo = Struct(
  { destination: destination('Google Cloud Storage URI, e.g. gs://bucket/init.sh') },
  'A GCS location.',
);
/** A `{destination}` location of cluster logs or an init script (compute.Adlsgen2Info). */
export const Adlsgen2Info = Struct(
  { destination: destination('ADLS Gen2 URI, e.g. abfss://container@account.dfs.core.windows.net/init.sh') },
  'An Azure Data Lake Storage Gen2 location.',
);
/** An S3 destination of cluster logs or an init script (compute.S3StorageInfo). */
export const S3StorageInfo = Struct(
  {
    destination: destination('S3 URI, e.g. s3://bucket/prefix'),
    region: Opt(Str('AWS region of the bucket; region or endpoint is needed.')),
    endpoint: Opt(Str('S3 endpoint URL, used instead of region for S3-compatible stores.')),
    enable_encryption: Opt(Bool('Encrypt objects on the server side.')),
    encryption_type: Opt(Str('Server-side encryption type: sse-s3 or sse-kms.')),
    kms_key: Opt(Str('KMS key ARN when encryption_type is sse-kms.')),
    canned_acl: Opt(Str('Canned ACL applied to written objects, e.g. bucket-owner-full-control.')),
  },
  'An Amazon S3 location. The cluster needs an instance profile that can write there.',
);

const LOG_DESTINATIONS = ['dbfs', 's3', 'volumes'] as const;
/** `cluster_log_conf` of a cluster spec (compute.ClusterLogConf). */
export const ClusterLogConf = Struct(
  {
    dbfs: Opt(DbfsStorageInfo),
    s3: Opt(S3StorageInfo),
    volumes: Opt(VolumesStorageInfo),
  },
  'Where Spark driver and worker logs are delivered (every five minutes). Set exactly one destination.',
  celValidations(exactlyOneOf(LOG_DESTINATIONS, 'cluster_log_conf')),
);

const INIT_SCRIPT_SOURCES = ['workspace', 'volumes', 's3', 'gcs', 'abfss', 'file', 'dbfs'] as const;
/** One entry of `init_scripts` of a cluster spec (compute.InitScriptInfo). */
export const InitScriptInfo = Struct(
  {
    workspace: Opt(WorkspaceStorageInfo),
    volumes: Opt(VolumesStorageInfo),
    s3: Opt(S3StorageInfo),
    gcs: Opt(GcsStorageInfo),
    abfss: Opt(Adlsgen2Info),
    file: Opt(LocalFileInfo),
    dbfs: Opt(
      Struct(
        { destination: destination('DBFS path') },
        'Deprecated by Databricks: init scripts on DBFS are no longer supported; use workspace or volumes.',
      ),
    ),
  },
  'One init script, run on every node at start. Set exactly one source.',
  celValidations(exactlyOneOf(INIT_SCRIPT_SOURCES, 'init script')),
);
export type InitScriptInfo = Static<typeof InitScriptInfo>;

/** `autoscale` of a cluster spec (compute.AutoScale). */
export const AutoScale = Struct(
  {
    min_workers: Opt(Int('Fewest workers when the cluster is underused.', { minimum: 0 })),
    max_workers: Opt(
      Int('Most workers when the cluster is overloaded; must be at least min_workers.', { minimum: 0 }),
    ),
  },
  'Autoscaling range; use instead of num_workers.',
  celValidations({
    rule: '!has(self.min_workers) || !has(self.max_workers) || self.min_workers <= self.max_workers',
    message: 'autoscale: min_workers must not exceed max_workers',
  }),
);

/** `aws_attributes` of a cluster spec (compute.AwsAttributes). */
export const AwsAttributes = Struct(
  {
    availability: Opt(
      StringEnum(
        ['SPOT', 'ON_DEMAND', 'SPOT_WITH_FALLBACK'] as const,
        'Instance availability for nodes after the first_on_demand ones.',
      ),
    ),
    first_on_demand: Opt(
      Int('How many nodes (driver first) are on-demand before availability applies.', { minimum: 0 }),
    ),
    spot_bid_price_percent: Opt(
      Int('Maximum spot price as a percentage of the on-demand price.', { minimum: 0 }),
    ),
    zone_id: Opt(Str('Availability zone, e.g. us-west-2a, or "auto".')),
    instance_profile_arn: Opt(Str('IAM instance profile the nodes run with.')),
    ebs_volume_type: Opt(
      StringEnum(
        ['GENERAL_PURPOSE_SSD', 'THROUGHPUT_OPTIMIZED_HDD'] as const,
        'Type of the extra EBS volumes.',
      ),
    ),
    ebs_volume_count: Opt(Int('Number of extra EBS volumes per node.', { minimum: 0, maximum: 10 })),
    ebs_volume_size: Opt(Int('Size of each extra EBS volume, in GiB.', { minimum: 0 })),
    ebs_volume_iops: Opt(Int('IOPS of each gp3 EBS volume.', { minimum: 0 })),
    ebs_volume_throughput: Opt(Int('Throughput of each gp3 EBS volume, in MiB/s.', { minimum: 0 })),
  },
  'Settings only meaningful on AWS.',
);

/** `azure_attributes.log_analytics_info` of a cluster spec. */
export const LogAnalyticsInfo = Struct(
  {
    log_analytics_workspace_id: Opt(Str('Azure Log Analytics workspace ID.')),
    log_analytics_primary_key: Opt(Str('Primary key of that Log Analytics workspace.')),
  },
  'Azure Log Analytics target for cluster logs.',
);

/** `azure_attributes` of a cluster spec (compute.AzureAttributes). */
export const AzureAttributes = Struct(
  {
    availability: Opt(
      StringEnum(
        ['SPOT_AZURE', 'ON_DEMAND_AZURE', 'SPOT_WITH_FALLBACK_AZURE'] as const,
        'VM availability for nodes after the first_on_demand ones.',
      ),
    ),
    first_on_demand: Opt(Int('How many nodes (driver first) are on-demand.', { minimum: 0 })),
    spot_bid_max_price: Opt(Num('Maximum spot price in USD, or -1 for the on-demand price.')),
    log_analytics_info: Opt(LogAnalyticsInfo),
    capacity_reservation_group: Opt(Str('Azure capacity reservation group resource ID to place VMs in.')),
  },
  'Settings only meaningful on Azure.',
);

/** `gcp_attributes` of a cluster spec (compute.GcpAttributes). */
export const GcpAttributes = Struct(
  {
    availability: Opt(
      StringEnum(
        ['PREEMPTIBLE_GCP', 'ON_DEMAND_GCP', 'PREEMPTIBLE_WITH_FALLBACK_GCP'] as const,
        'VM availability for the workers.',
      ),
    ),
    first_on_demand: Opt(Int('How many nodes (driver first) are on-demand.', { minimum: 0 })),
    boot_disk_size: Opt(Int('Boot disk size per node, in GB.', { minimum: 0 })),
    google_service_account: Opt(Str('Google service account email the nodes run as.')),
    local_ssd_count: Opt(Int('Number of local SSDs per node.', { minimum: 0 })),
    zone_id: Opt(Str('GCP zone, "HA" or "AUTO".')),
    use_preemptible_executors: Opt(Bool('Deprecated by Databricks in favour of availability.')),
    confidential_compute_type: Opt(
      StringEnum(
        ['CONFIDENTIAL_COMPUTE_TYPE_NONE', 'SEV_SNP'] as const,
        'Confidential computing technology for the VMs.',
      ),
    ),
  },
  'Settings only meaningful on Google Cloud.',
);

/** `docker_image` of a cluster spec (compute.DockerImage). */
export const DockerImage = Struct(
  {
    url: Opt(Str('Image reference, e.g. registry.example.com/spark:1.2.')),
    basic_auth: Opt(
      Struct(
        {
          username: Opt(Str('Registry user name.')),
          password: Opt(Str('Registry password. Consider a {{secrets/scope/key}} reference.')),
        },
        'Registry credentials.',
      ),
    ),
  },
  'Custom container image for Databricks Container Services.',
);

/** `driver_node_type_flexibility` / `worker_node_type_flexibility` of a cluster spec. */
export const NodeTypeFlexibility = Struct(
  {
    alternate_node_type_ids: Opt(
      StringList('Node types to fall back to when the primary one is unavailable.', { maxItems: 20 }),
    ),
  },
  'Fallback node types.',
);

/** `workload_type` of a cluster spec (compute.WorkloadType). */
export const WorkloadType = Struct(
  {
    clients: Struct(
      {
        jobs: Opt(Bool('Jobs may run on this cluster.')),
        notebooks: Opt(Bool('Notebooks may attach to this cluster.')),
      },
      'Which kinds of clients may use the cluster.',
    ),
  },
  'Restricts what the cluster may be used for.',
);

/** The values of a cluster spec `data_security_mode`. */
export const DATA_SECURITY_MODES = [
  'NONE',
  'SINGLE_USER',
  'USER_ISOLATION',
  'LEGACY_TABLE_ACL',
  'LEGACY_PASSTHROUGH',
  'LEGACY_SINGLE_USER',
  'LEGACY_SINGLE_USER_STANDARD',
  'DATA_SECURITY_MODE_STANDARD',
  'DATA_SECURITY_MODE_DEDICATED',
  'DATA_SECURITY_MODE_AUTO',
] as const;

/** The properties of a cluster spec, reused by the job cluster and the all-purpose cluster. */
export const clusterSpecProperties = {
  cluster_name: Opt(
    Str('Cluster name shown in the UI; need not be unique. Ignored for job clusters.', { maxLength: 100 }),
  ),
  spark_version: Opt(
    Str('Databricks Runtime version key, e.g. 15.4.x-scala2.12 (see clusters/spark-versions).', {
      maxLength: 128,
    }),
  ),
  kind: Opt(
    StringEnum(
      ['CLASSIC_PREVIEW'] as const,
      'Cluster kind; CLASSIC_PREVIEW enables the simplified form (is_single_node, use_ml_runtime).',
    ),
  ),
  use_ml_runtime: Opt(Bool('With kind CLASSIC_PREVIEW: pick the ML runtime variant of spark_version.')),
  is_single_node: Opt(Bool('With kind CLASSIC_PREVIEW: a single-node cluster (no workers).')),
  node_type_id: Opt(
    Str('Worker instance type, e.g. i3.xlarge or Standard_DS3_v2 (see clusters/list-node-types).', {
      maxLength: 128,
    }),
  ),
  driver_node_type_id: Opt(Str('Driver instance type; defaults to node_type_id.', { maxLength: 128 })),
  num_workers: Opt(
    Int('Fixed number of workers; 0 with a single-node profile. Use autoscale instead to scale.', {
      minimum: 0,
    }),
  ),
  autoscale: Opt(AutoScale),
  autotermination_minutes: Opt(
    Int('Terminate after this many idle minutes (10 to 10000); 0 disables auto-termination.', {
      minimum: 0,
      maximum: 10000,
    }),
  ),
  spark_conf: Opt(StringMap('Spark configuration properties, e.g. spark.sql.shuffle.partitions: "200".')),
  spark_env_vars: Opt(StringMap('Environment variables on every node, e.g. PYSPARK_PYTHON.')),
  custom_tags: Opt(
    StringMap('Tags added to the cloud resources of the cluster (at most 45 besides the default ones).', {
      maxProperties: 45,
    }),
  ),
  ssh_public_keys: Opt(
    StringList('SSH public keys added to each node (user ubuntu, port 2200).', { maxItems: 10 }),
  ),
  aws_attributes: Opt(AwsAttributes),
  azure_attributes: Opt(AzureAttributes),
  gcp_attributes: Opt(GcpAttributes),
  instance_pool_id: Opt(
    Str('Instance pool the workers (and the driver, unless driver_instance_pool_id is set) come from.'),
  ),
  instance_pool_ref: Opt(localReference('DatabricksInstancePool')),
  driver_instance_pool_id: Opt(Str('Instance pool for the driver.')),
  driver_instance_pool_ref: Opt(localReference('DatabricksInstancePool')),
  policy_id: Opt(Str('Cluster policy the spec is validated against.')),
  policy_ref: Opt(localReference('DatabricksClusterPolicy')),
  apply_policy_default_values: Opt(Bool('Fill unset fields from the policy defaults.')),
  enable_elastic_disk: Opt(Bool('Grow local storage automatically when disk runs low.')),
  enable_local_disk_encryption: Opt(Bool('Encrypt the disks attached to the nodes.')),
  data_security_mode: Opt(StringEnum(DATA_SECURITY_MODES, 'Data governance (access) mode of the cluster.')),
  single_user_name: Opt(
    Str(
      'The one user (or group for dedicated mode) allowed when data_security_mode is SINGLE_USER or DEDICATED.',
    ),
  ),
  runtime_engine: Opt(
    StringEnum(['NULL', 'STANDARD', 'PHOTON'] as const, 'Runtime engine; PHOTON enables the Photon engine.'),
  ),
  docker_image: Opt(DockerImage),
  init_scripts: Opt(
    List(InitScriptInfo, 'Init scripts run in order on every node at start.', { maxItems: 20 }),
  ),
  cluster_log_conf: Opt(ClusterLogConf),
  workload_type: Opt(WorkloadType),
  dependency_mode: Opt(
    StringEnum(
      ['DEPENDENCY_MODE_ENVIRONMENTS', 'DEPENDENCY_MODE_CLUSTER_LIBRARIES', 'DEPENDENCY_MODE_AUTO'] as const,
      'How task dependencies are installed on the cluster.',
    ),
  ),
  driver_node_type_flexibility: Opt(NodeTypeFlexibility),
  worker_node_type_flexibility: Opt(NodeTypeFlexibility),
  remote_disk_throughput: Opt(
    Int('Remote disk throughput per node in MB/s (supported disk types only).', { minimum: 0 }),
  ),
  total_initial_remote_disk_size: Opt(
    Int('Initial remote disk size per node in GB (supported disk types only).', { minimum: 0 }),
  ),
};

/** The `_ref` fields of a cluster spec and the ID fields they stand in for: at most one of each pair. */
export const CLUSTER_SPEC_REFERENCE_PAIRS = [
  ['policy_id', 'policy_ref'],
  ['instance_pool_id', 'instance_pool_ref'],
  ['driver_instance_pool_id', 'driver_instance_pool_ref'],
] as const;

/** The rules every cluster spec shares: a size given one way, and an ID or a reference, not both. */
export const clusterSpecRuleList: readonly CelRule[] = [
  {
    rule: '!(has(self.num_workers) && has(self.autoscale))',
    message: 'set either num_workers or autoscale, not both',
  },
  ...CLUSTER_SPEC_REFERENCE_PAIRS.map((pair) => atMostOneOf(pair, 'cluster spec')),
];

const clusterSpecRules = celValidations(...clusterSpecRuleList);

/** A Databricks cluster specification (compute.ClusterSpec). */
export const ClusterSpec = Struct(
  clusterSpecProperties,
  'A Databricks cluster specification, as the Clusters API and Jobs API accept it (snake_case, unchanged).',
  clusterSpecRules,
);
export type ClusterSpec = Static<typeof ClusterSpec>;
