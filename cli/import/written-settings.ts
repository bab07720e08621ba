/**
 * Settings as a person would have written them, from what Databricks returns: only the fields the CRD
 * schema has (output-only fields such as `created_time` or `cluster_id` left out), and without what
 * Databricks fills in on its own. What counts as filled in comes from the drift rules
 * (controller/drift/drift-rules.ts), which the controller uses to leave those fields alone: a value-listed
 * backend default (`max_concurrent_runs: 1`, `run_if: ALL_SUCCESS`) is dropped when it has that value, a
 * remote-managed field (`*_attributes` of job clusters) always, and each default without listed values
 * (`node_type_id`, `run_as`, ...) when the rest of the settings show the backend put it there (a
 * driver node type equal to the worker's, `run_as` the job's creator); see {@link FILLED_IN}.
 *
 * The result compares equal to what Databricks has under the controller's own diff, so an imported
 * object adopts its Databricks object without a difference to correct.
 */
import type { TSchema } from '@sinclair/typebox';
import { RulePathSet, type PathSegment } from '../../controller/drift/field-path.js';
import { clusterDriftRules, jobDriftRules } from '../../controller/drift/drift-rules.js';
import type { DriftRules, SettableFieldsSchema } from '../../controller/drift/settings-diff.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Empty as the drift diff counts it for containers: `''`, `[]`, `{}` (after their own cleaning). */
function isEmptyContainer(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (isObject(value) && Object.keys(value).length === 0)
  );
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What the judgements of {@link FILLED_IN} may look at besides the field and the object it sits in. */
export interface FillContext {
  /** Who created the job (`creator_user_name`). */
  readonly creator?: string;
  /** Whether the job has a `git_source`, which makes Databricks fill in `source: GIT`. */
  readonly jobHasGitSource?: boolean;
}

/**
 * The value-less backend defaults of the drift rules, by field name, each with when its value is the
 * backend's rather than the writer's. `spec` is the object the field sits in: the cluster spec for cluster
 * fields, the settings for `run_as`, the task type's payload for `source`.
 */
export const FILLED_IN: Readonly<
  Record<string, (value: unknown, spec: Json, context: FillContext) => boolean>
> = {
  // Cluster specs (all-purpose, and new_cluster of jobs).
  enable_elastic_disk: (value) => value === true,
  enable_local_disk_encryption: (value) => value === false,
  node_type_id: (_value, spec) => spec.instance_pool_id !== undefined,
  driver_node_type_id: (value, spec) => value === spec.node_type_id || spec.instance_pool_id !== undefined,
  driver_instance_pool_id: (value, spec) => value === spec.instance_pool_id,
  data_security_mode: (value) => value === 'NONE',
  single_user_name: (_value, spec) => spec.data_security_mode !== 'SINGLE_USER',
  // With autoscale, Databricks reports the current worker count here.
  num_workers: (_value, spec) => spec.autoscale !== undefined,
  // Job settings.
  run_as: (value, _spec, { creator }) =>
    creator !== undefined &&
    isObject(value) &&
    value.user_name === creator &&
    Object.keys(value).length === 1,
  // notebook_task.source and friends: WORKSPACE, or GIT when the job has a git_source.
  source: (value, _spec, { jobHasGitSource }) => value === (jobHasGitSource ? 'GIT' : 'WORKSPACE'),
};

interface Rules {
  readonly ignore: RulePathSet;
  readonly valued: readonly { readonly rule: RulePathSet; readonly values: readonly unknown[] }[];
  readonly valueless: readonly { readonly rule: RulePathSet; readonly field: string }[];
}

function compile(rules: DriftRules): Rules {
  return {
    ignore: new RulePathSet(rules.ignoreRemote),
    valued: rules.backendDefaults
      .filter((rule) => rule.values !== undefined)
      .map((rule) => ({ rule: new RulePathSet([rule.field]), values: rule.values! })),
    valueless: rules.backendDefaults
      .filter((rule) => rule.values === undefined)
      .map((rule) => ({ rule: new RulePathSet([rule.field]), field: rule.field.split('.').pop()! })),
  };
}

const JOB_RULES = compile(jobDriftRules);
const CLUSTER_RULES = compile(clusterDriftRules);

interface Walk {
  readonly rules: Rules;
  readonly context: FillContext;
}

/** The schema of field `key`; a map (`tags`, `spark_conf`: TypeBox writes it as `patternProperties`) allows any key. */
function childSchema(
  schema: SettableFieldsSchema & {
    readonly patternProperties?: Readonly<Record<string, SettableFieldsSchema>>;
  },
  key: string,
): SettableFieldsSchema | undefined {
  const declared = schema.properties?.[key];
  if (declared !== undefined) return declared;
  const [pattern] = Object.values(schema.patternProperties ?? {});
  if (pattern !== undefined) return pattern;
  if (typeof schema.additionalProperties === 'object') return schema.additionalProperties;
  return schema.additionalProperties === true ? {} : undefined;
}

function clean(
  walk: Walk,
  value: unknown,
  schema: SettableFieldsSchema,
  at: readonly PathSegment[],
): unknown {
  if (Array.isArray(value)) {
    const itemSchema = schema.items ?? {};
    const segments: PathSegment[] = [...at, { kind: 'element' }];
    return value.map((item) => clean(walk, item, itemSchema, segments)).filter((item) => item !== undefined);
  }
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, field] of Object.entries(value)) {
    const fieldSchema = childSchema(schema, key);
    // Not in the schema: output only (created_time, cluster_id, ...), or unknown to this version.
    if (fieldSchema === undefined) continue;
    const segments: PathSegment[] = [...at, { kind: 'field', name: key }];
    if (walk.rules.ignore.has(segments)) continue;
    if (
      walk.rules.valued.some(
        ({ rule, values }) => rule.has(segments) && values.some((v) => sameJson(v, field)),
      )
    )
      continue;
    const valueless = walk.rules.valueless.find(({ rule }) => rule.has(segments));
    if (valueless && FILLED_IN[valueless.field]?.(field, value, walk.context)) continue;
    // Zero timeouts are how Databricks says "none", and it echoes them back on every job and task.
    if (key === 'timeout_seconds' && field === 0) continue;
    const cleaned = clean(walk, field, fieldSchema, segments);
    if (isEmptyContainer(cleaned)) continue;
    out[key] = cleaned;
  }
  return out;
}

/** Job settings (jobs/get `settings`) as written: see the module comment. */
export function writtenJobSettings(settings: Json, schema: TSchema, creator: string | undefined): Json {
  const walk: Walk = {
    rules: JOB_RULES,
    context: { creator, jobHasGitSource: settings.git_source !== undefined },
  };
  return clean(walk, settings, schema as SettableFieldsSchema, []) as Json;
}

/**
 * An all-purpose cluster's settings as written: its `spec` (what was last submitted, which clusters/get
 * returns beside the cluster's state), or the cluster's own fields when Databricks sent no `spec`. The
 * cloud attributes of a `spec` are the writer's own and are kept; those of the cluster itself hold what
 * Databricks manages and are left out.
 */
export function writtenClusterSettings(cluster: Json, schema: TSchema): Json {
  const spec = isObject(cluster.spec) ? cluster.spec : undefined;
  const rules = spec ? { ...CLUSTER_RULES, ignore: new RulePathSet([]) } : CLUSTER_RULES;
  return clean({ rules, context: {} }, spec ?? cluster, schema as SettableFieldsSchema, []) as Json;
}

/**
 * Settings of an instance pool, pipeline or SQL warehouse as written: the fields of `schema` that
 * `value` holds, without what `rules` say Databricks fills in with the value it has.
 */
export function writtenSettings(value: Json, schema: TSchema, rules: DriftRules): Json {
  return clean({ rules: compile(rules), context: {} }, value, schema as SettableFieldsSchema, []) as Json;
}
