import type { DriftRules } from './settings-diff.js';

/**
 * What Databricks fills in or leaves out of a cluster spec on its own. The field lists follow the
 * Databricks CLI's bundle field rules (shared/reference/databricks/databricks-cli/resources.yml).
 */
const clusterManaged = ['aws_attributes', 'azure_attributes', 'gcp_attributes'];
const clusterNotReturned = ['apply_policy_default_values'];
const clusterBackendDefaults = [
  'enable_elastic_disk',
  'enable_local_disk_encryption',
  'node_type_id',
  'driver_node_type_id',
  'driver_instance_pool_id',
  'data_security_mode',
  'single_user_name',
  // With autoscale the server reports the current worker count.
  'num_workers',
];

/** Places a cluster spec is nested inside job settings. */
const jobClusterSpecs = [
  'tasks[*].new_cluster',
  'tasks[*].for_each_task.task.new_cluster',
  'job_clusters[*].new_cluster',
];
const jobTasks = ['tasks[*]', 'tasks[*].for_each_task.task'];

const under = (prefixes: readonly string[], fields: readonly string[]) =>
  prefixes.flatMap((prefix) => fields.map((field) => `${prefix}.${field}`));

/** Drift rules for `JobSettings` (jobs/get `settings` against `spec.settings`). */
export const jobDriftRules: DriftRules = {
  ignoreRemote: [
    'deployment.version_id',
    ...under(jobClusterSpecs, [...clusterManaged, ...clusterNotReturned]),
  ],
  backendDefaults: [
    { field: 'format', values: ['MULTI_TASK', 'SINGLE_TASK'] },
    { field: 'max_concurrent_runs', values: [1] },
    // API 2.2 turns queueing on for the jobs it creates.
    { field: 'queue', values: [{ enabled: true }] },
    { field: 'run_as' },
    ...under(jobTasks, ['run_if']).map((field) => ({ field, values: ['ALL_SUCCESS'] })),
    ...under(jobTasks, [
      'notebook_task.source',
      'spark_python_task.source',
      'sql_task.file.source',
      'dbt_task.source',
    ]).map((field) => ({ field })),
    ...under(jobClusterSpecs, clusterBackendDefaults).map((field) => ({ field })),
  ],
  keyedArrays: {
    tasks: 'task_key',
    job_clusters: 'job_cluster_key',
    parameters: 'name',
    environments: 'environment_key',
    'tasks[*].depends_on': 'task_key',
    'tasks[*].for_each_task.task.depends_on': 'task_key',
  },
};

/** Drift rules for a cluster spec (clusters/get against `spec.settings`). */
export const clusterDriftRules: DriftRules = {
  ignoreRemote: [...clusterManaged, ...clusterNotReturned],
  backendDefaults: clusterBackendDefaults.map((field) => ({ field })),
  keyedArrays: {},
};

/**
 * Drift rules for pipeline settings (pipelines/get `spec` against `spec.settings`). The backend fills in
 * `channel`, `edition`, a DBFS `storage` for a Hive metastore pipeline, the node types of each cluster and
 * the event log's catalog and schema (resources.yml; the fake's `effectiveSpec`).
 */
export const pipelineDriftRules: DriftRules = {
  ignoreRemote: ['id', ...under(['clusters[*]'], [...clusterManaged, ...clusterNotReturned])],
  backendDefaults: [
    { field: 'channel', values: ['CURRENT'] },
    { field: 'edition', values: ['ADVANCED'] },
    { field: 'storage' },
    { field: 'event_log.catalog' },
    { field: 'event_log.schema' },
    ...under(['clusters[*]'], ['node_type_id', 'driver_node_type_id', 'enable_local_disk_encryption']).map(
      (field) => ({ field }),
    ),
  ],
  keyedArrays: { clusters: 'label' },
};

/**
 * Drift rules for SQL warehouse settings (sql/warehouses/get against `spec.settings`). Only the fields the
 * spec sets are compared (an edit keeps the fields it leaves out), so the rules cover what lies inside them:
 * tags matched by key, and the DBSQL version Databricks reports for a channel.
 */
export const warehouseDriftRules: DriftRules = {
  ignoreRemote: [],
  backendDefaults: [{ field: 'channel.dbsql_version' }],
  keyedArrays: { 'tags.custom_tags': 'key' },
};
