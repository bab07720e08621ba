/**
 * The six kinds of azure-databricks-operator (group `databricks.microsoft.com`, v1alpha1, last release
 * 0.74) as `migrate` reads them: every spec field of each, as shared/reference/seed-operator/KINDS.md
 * lists them, so that a field that is not one of them (a typo, another version) is refused by name
 * instead of silently lost.
 */

/** The old API group and version. */
export const OLD_API_VERSION = 'databricks.microsoft.com/v1alpha1';

/** The shape of an old field: a scalar, a string map, a list of a shape, or an object of named fields. */
export type OldShape =
  'scalar' | 'map' | { readonly list: OldShape } | { readonly fields: Readonly<Record<string, OldShape>> };

const list = (shape: OldShape): OldShape => ({ list: shape });
const fields = (shapes: Record<string, OldShape>): OldShape => ({ fields: shapes });

/** The SDK's `Library`. */
const LIBRARY = fields({
  jar: 'scalar',
  egg: 'scalar',
  whl: 'scalar',
  pypi: fields({ package: 'scalar', repo: 'scalar' }),
  maven: fields({ coordinates: 'scalar', repo: 'scalar', exclusions: list('scalar') }),
  cran: fields({ package: 'scalar', repo: 'scalar' }),
});

const DBFS_STORAGE = fields({ dbfs: fields({ destination: 'scalar' }) });

/** The SDK's `NewCluster`: a Dcluster's spec, and `new_cluster` of a Djob or Run. */
export const NEW_CLUSTER = fields({
  num_workers: 'scalar',
  autoscale: fields({ min_workers: 'scalar', max_workers: 'scalar' }),
  cluster_name: 'scalar',
  spark_version: 'scalar',
  spark_conf: 'map',
  node_type_id: 'scalar',
  driver_node_type_id: 'scalar',
  custom_tags: list(fields({ key: 'scalar', value: 'scalar' })),
  cluster_log_conf: DBFS_STORAGE,
  init_scripts: list(DBFS_STORAGE),
  spark_env_vars: 'map',
  autotermination_minutes: 'scalar',
  enable_elastic_disk: 'scalar',
  instance_pool_id: 'scalar',
});

/** The task types of a single-task job or run (the SDK's `JobTask`). */
const TASK_TYPES = {
  notebook_task: fields({ notebook_path: 'scalar', base_parameters: 'map' }),
  spark_jar_task: fields({ jar_uri: 'scalar', main_class_name: 'scalar', parameters: list('scalar') }),
  spark_python_task: fields({ python_file: 'scalar', parameters: list('scalar') }),
  spark_submit_task: fields({ parameters: list('scalar') }),
};

/** One old kind: its spec fields, and the fields old samples carry that the type never read. */
export interface OldKind {
  readonly kind: OldKindName;
  readonly spec: Readonly<Record<string, OldShape>>;
  /** Fields seen in the old samples that were not fields: read, reported as having had no effect. */
  readonly notFields?: Readonly<Record<string, string>>;
}

export type OldKindName = 'SecretScope' | 'Djob' | 'Run' | 'Dcluster' | 'DbfsBlock' | 'WorkspaceItem';

export const OLD_KINDS: Readonly<Record<OldKindName, OldKind>> = {
  SecretScope: {
    kind: 'SecretScope',
    spec: {
      initial_manage_permission: 'scalar',
      secrets: list(
        fields({
          key: 'scalar',
          string_value: 'scalar',
          byte_value: 'scalar',
          value_from: fields({ secret_key_ref: fields({ name: 'scalar', key: 'scalar' }) }),
        }),
      ),
      acls: list(fields({ principal: 'scalar', permission: 'scalar' })),
    },
    notFields: {
      initial_manage_principal:
        'not a field of SecretScope (the type read initial_manage_permission), so it had no effect; give the principal an acls entry if it should manage the scope',
    },
  },
  Djob: {
    kind: 'Djob',
    spec: {
      existing_cluster_id: 'scalar',
      existing_cluster_name: 'scalar',
      new_cluster: NEW_CLUSTER,
      ...TASK_TYPES,
      name: 'scalar',
      libraries: list(LIBRARY),
      email_notifications: fields({
        on_start: list('scalar'),
        on_success: list('scalar'),
        on_failure: list('scalar'),
        no_alert_for_skipped_runs: 'scalar',
      }),
      timeout_seconds: 'scalar',
      max_retries: 'scalar',
      min_retry_interval_millis: 'scalar',
      retry_on_timeout: 'scalar',
      schedule: fields({ quartz_cron_expression: 'scalar', timezone_id: 'scalar' }),
      max_concurrent_runs: 'scalar',
    },
  },
  Run: {
    kind: 'Run',
    spec: {
      job_name: 'scalar',
      jar_params: list('scalar'),
      notebook_params: 'map',
      python_params: list('scalar'),
      spark_submit_params: list('scalar'),
      run_name: 'scalar',
      existing_cluster_id: 'scalar',
      existing_cluster_name: 'scalar',
      new_cluster: NEW_CLUSTER,
      libraries: list(LIBRARY),
      ...TASK_TYPES,
      timeout_seconds: 'scalar',
    },
  },
  Dcluster: { kind: 'Dcluster', spec: (NEW_CLUSTER as { fields: Record<string, OldShape> }).fields },
  DbfsBlock: { kind: 'DbfsBlock', spec: { path: 'scalar', data: 'scalar' } },
  WorkspaceItem: {
    kind: 'WorkspaceItem',
    spec: { content: 'scalar', path: 'scalar', language: 'scalar', format: 'scalar' },
    notFields: {
      overwrite:
        'not a field of WorkspaceItem (the old controller always imported with overwrite on); overwrite: true keeps that behaviour',
    },
  },
};

/** Where each kind kept the Databricks object's identity in status (what makes it "already created"). */
export const OLD_STATUS_IDS: Readonly<Record<OldKindName, string>> = {
  SecretScope: 'status.secretscope.name',
  Djob: 'status.job_status.job_id',
  Run: 'status.metadata.run_id',
  Dcluster: 'status.cluster_info.cluster_id',
  DbfsBlock: 'status.file_info.path',
  WorkspaceItem: 'status.object_info.path',
};

/**
 * The first field of `value` that `shape` does not have, as a path under `at` (`spec.new_cluster.foo`),
 * with what was expected; undefined if every field is known.
 */
export function unknownField(value: unknown, shape: OldShape, at: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (shape === 'scalar') {
    return typeof value === 'object'
      ? `${at} should be a single value, not ${Array.isArray(value) ? 'a list' : 'an object'}`
      : undefined;
  }
  if (shape === 'map') {
    if (typeof value !== 'object' || Array.isArray(value)) return `${at} should be a map of strings`;
    return undefined;
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) return `${at} should be a list`;
    for (const [index, item] of value.entries()) {
      const problem = unknownField(item, shape.list, `${at}[${index}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return `${at} should be an object`;
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    const fieldShape = shape.fields[key];
    if (fieldShape === undefined) {
      return `${at}.${key} is not a field (known: ${Object.keys(shape.fields).join(', ')})`;
    }
    const problem = unknownField(field, fieldShape, `${at}.${key}`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
