import { type Static } from '@sinclair/typebox';
import { atMostOneOf, celValidations, exactlyOneOf } from './cel-rules.js';
import { clusterSpecProperties } from './cluster-spec.js';
import { Bool, Int, List, Opt, Str, StringEnum, StringList, StringMap, Struct } from './schema-types.js';

// Pipelines API 2.0 CreatePipeline/EditPipeline settings, verbatim (snake_case), as
// DatabricksPipeline.spec.settings. Map keys (configuration, tags, spark_conf) are kept as written.

const PATH = { minLength: 1, maxLength: 1000 };

/** One source of a pipeline (pipelines.PipelineLibrary). */
export const PipelineLibrary = Struct(
  {
    notebook: Opt(
      Struct({ path: Str('Workspace path of the notebook.', PATH) }, 'A notebook holding pipeline code.'),
    ),
    file: Opt(
      Struct({ path: Str('Workspace path of the file.', PATH) }, 'A source file holding pipeline code.'),
    ),
    glob: Opt(
      Struct(
        { include: Str('Path or glob of source files, e.g. /Workspace/etl/transformations/**.', PATH) },
        'Every source file a path or glob matches.',
      ),
    ),
    jar: Opt(Str('URI of a JAR (Scala pipelines).', PATH)),
    whl: Opt(Str('URI of a Python wheel.', PATH)),
    maven: Opt(
      Struct(
        {
          coordinates: Str('Maven coordinates, e.g. org.jsoup:jsoup:1.7.2.', { minLength: 1 }),
          repo: Opt(Str('Maven repository; Maven Central when unset.')),
          exclusions: Opt(StringList('Dependencies to exclude, group:artifact.', { maxItems: 100 })),
        },
        'A Maven library.',
      ),
    ),
  },
  'A source of the pipeline. Set exactly one of notebook, file, glob, jar, whl, maven.',
  celValidations(exactlyOneOf(['notebook', 'file', 'glob', 'jar', 'whl', 'maven'], 'library')),
);

const {
  node_type_id,
  driver_node_type_id,
  num_workers,
  spark_conf,
  spark_env_vars,
  custom_tags,
  ssh_public_keys,
  aws_attributes,
  azure_attributes,
  gcp_attributes,
  instance_pool_id,
  driver_instance_pool_id,
  policy_id,
  apply_policy_default_values,
  enable_local_disk_encryption,
  init_scripts,
  cluster_log_conf,
} = clusterSpecProperties;

/** A cluster of a classic pipeline (pipelines.PipelineCluster): no spark_version, the runtime is the channel's. */
export const PipelineCluster = Struct(
  {
    label: Opt(
      Str('default (the updates) or maintenance (table maintenance); default when unset.', {
        minLength: 1,
      }),
    ),
    num_workers,
    autoscale: Opt(
      Struct(
        {
          min_workers: Int('Fewest workers when the pipeline is underused.', { minimum: 0 }),
          max_workers: Int('Most workers under load; at least min_workers.', { minimum: 0 }),
          mode: Opt(
            StringEnum(['ENHANCED', 'LEGACY'] as const, 'Autoscaling algorithm; ENHANCED is the default.'),
          ),
        },
        'Worker range the pipeline cluster scales in.',
        celValidations({
          rule: 'self.min_workers <= self.max_workers',
          message: 'autoscale: min_workers must not exceed max_workers',
        }),
      ),
    ),
    node_type_id,
    driver_node_type_id,
    spark_conf,
    spark_env_vars,
    custom_tags,
    ssh_public_keys,
    aws_attributes,
    azure_attributes,
    gcp_attributes,
    instance_pool_id,
    driver_instance_pool_id,
    policy_id,
    apply_policy_default_values,
    enable_local_disk_encryption,
    init_scripts,
    cluster_log_conf,
  },
  'A cluster the pipeline runs on (classic compute).',
  celValidations({
    rule: '!(has(self.num_workers) && has(self.autoscale))',
    message: 'set either num_workers or autoscale, not both',
  }),
);

/** `notifications` of a pipeline (pipelines.Notifications). */
export const PipelineNotification = Struct(
  {
    email_recipients: Opt(StringList('Addresses to notify.', { maxItems: 100 })),
    alerts: Opt(
      List(
        StringEnum(
          ['on-update-success', 'on-update-failure', 'on-update-fatal-failure', 'on-flow-failure'] as const,
          'An event to notify of.',
        ),
        'Events to notify of.',
        { maxItems: 4 },
      ),
    ),
  },
  'Who is told of which pipeline events.',
);

/** The settings of a pipeline, as pipelines/create and pipelines/{id} (edit) take them. */
export const PipelineSettings = Struct(
  {
    name: Opt(
      Str('Name of the pipeline; unique in the workspace. Defaults to the DatabricksPipeline object name.', {
        minLength: 1,
        maxLength: 256,
      }),
    ),
    libraries: Opt(List(PipelineLibrary, 'The sources the pipeline runs.', { maxItems: 100 })),
    clusters: Opt(List(PipelineCluster, 'Clusters of a classic pipeline.', { maxItems: 10 })),
    configuration: Opt(StringMap('Spark and pipeline configuration, keys kept verbatim.')),
    continuous: Opt(
      Bool(
        'Run continuously (the controller keeps an update running), rather than when triggered by a job or a user.',
      ),
    ),
    development: Opt(Bool('Development mode: clusters are reused and failures are not retried.')),
    catalog: Opt(Str('Unity Catalog catalog the pipeline publishes to.', { minLength: 1 })),
    schema: Opt(
      Str('Default schema tables are published to (with catalog, or Hive metastore).', { minLength: 1 }),
    ),
    target: Opt(Str('Deprecated name of schema; set one, not both.', { minLength: 1 })),
    storage: Opt(
      Str('DBFS root of a Hive metastore pipeline (checkpoints, tables); cannot change after creation.', {
        minLength: 1,
      }),
    ),
    root_path: Opt(Str('Root folder of the pipeline source files, added to sys.path.', PATH)),
    channel: Opt(StringEnum(['CURRENT', 'PREVIEW'] as const, 'Runtime channel; CURRENT when unset.')),
    edition: Opt(StringEnum(['CORE', 'PRO', 'ADVANCED'] as const, 'Product edition; ADVANCED when unset.')),
    photon: Opt(Bool('Run on Photon.')),
    serverless: Opt(Bool('Run on serverless compute (needs Unity Catalog; no clusters).')),
    budget_policy_id: Opt(Str('Budget policy of a serverless pipeline.')),
    tags: Opt(
      StringMap(
        'Tags of the pipeline, keys kept verbatim; at most 23 (Databricks allows 25, and the controller adds its two ownership tags).',
        { maxProperties: 23 },
      ),
    ),
    notifications: Opt(List(PipelineNotification, 'Notifications of pipeline events.', { maxItems: 10 })),
    event_log: Opt(
      Struct(
        {
          catalog: Opt(Str('Catalog of the event log table.')),
          schema: Opt(Str('Schema of the event log table.')),
          name: Opt(Str('Name of the event log table.', { minLength: 1 })),
        },
        'Publish the event log to a Unity Catalog table.',
      ),
    ),
    run_as: Opt(
      Struct(
        {
          user_name: Opt(Str('A user of the workspace.')),
          service_principal_name: Opt(Str('Application ID of a service principal.')),
        },
        'Who the pipeline runs as; its owner when unset.',
        celValidations(exactlyOneOf(['user_name', 'service_principal_name'], 'run_as')),
      ),
    ),
    allow_duplicate_names: Opt(Bool('Allow a name another pipeline uses (write-only).')),
  },
  'The pipeline settings, verbatim (snake_case), as pipelines/create and pipelines/{id} take them.',
  celValidations(atMostOneOf(['schema', 'target'], 'settings')),
);
export type PipelineSettings = Static<typeof PipelineSettings>;
