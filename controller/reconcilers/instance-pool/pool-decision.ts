/**
 * What to do with a DatabricksInstancePool's pool once it is found, decided without any I/O: leave it,
 * edit it in place (`instance-pools/edit`), or refuse because a setting differs that Databricks fixes
 * when the pool is created.
 *
 * A fixed setting that differs is refused, not fixed by deleting and recreating the pool: a new pool has
 * a new ID, and the clusters drawing on the old one (job runs in flight included) would lose their
 * instances. The schema already refuses a change to a fixed field of an existing object, so this only
 * happens when the object takes over a pool (adopt, reclaim) whose fixed settings are not the spec's.
 */
import { settingsEdit, type SettingsEdit } from '../managed/decision.js';
import type { InstancePoolAndStats, InstancePoolSettings } from '../../databricks/index.js';
import {
  IMMUTABLE_POOL_FIELDS,
  InstancePoolSettings as InstancePoolSettingsSchema,
} from '../../../lib/crds/index.js';
import { SettingsDiff, type DriftRules, type SettableFieldsSchema } from '../../drift/settings-diff.js';

/**
 * What Databricks fills in when the spec leaves a field out (BEHAVIOUR.md §1.3: autotermination 60 and
 * elastic disk on; the cloud attributes managed for the node type's cloud, merged under the ones set).
 */
export const poolDriftRules: DriftRules = {
  ignoreRemote: [],
  backendDefaults: [
    { field: 'enable_elastic_disk', values: [true] },
    { field: 'idle_instance_autotermination_minutes', values: [60] },
    { field: 'min_idle_instances', values: [0] },
    { field: 'aws_attributes' },
    { field: 'aws_attributes.availability' },
    { field: 'aws_attributes.zone_id' },
    { field: 'aws_attributes.spot_bid_price_percent' },
    { field: 'azure_attributes' },
    { field: 'azure_attributes.availability' },
    { field: 'azure_attributes.spot_bid_max_price' },
    { field: 'gcp_attributes' },
    { field: 'gcp_attributes.gcp_availability' },
  ],
  keyedArrays: {},
};

const poolDiff = new SettingsDiff(InstancePoolSettingsSchema as SettableFieldsSchema, poolDriftRules);

/** The field paths where the pool differs from `desired` (server defaults and output-only fields aside). */
export function poolSettingsDifferences(
  desired: InstancePoolSettings,
  observed: InstancePoolAndStats,
): string[] {
  return poolDiff.differences(desired, observed).map((difference) => difference.path);
}

/** The fixed setting a difference is in, if it is in one (`disk_spec.disk_size` is in `disk_spec`). */
function fixedFieldOf(path: string): string | undefined {
  return IMMUTABLE_POOL_FIELDS.find(
    (field) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`),
  );
}

/** What to do with the pool's settings. */
export type PoolSettingsDecision =
  | SettingsEdit
  /** Settings `instance-pools/edit` cannot change differ: name them, change nothing. */
  | { readonly action: 'refuse'; readonly fields: readonly string[] };

/** What the decision looks at. */
export interface PoolSettingsFacts {
  readonly desired: InstancePoolSettings;
  readonly desiredHash: string;
  /** The hash status recorded of the settings last applied; absent before the first apply. */
  readonly appliedHash?: string;
  readonly observed: InstancePoolAndStats;
}

/** Edit when a setting differs and all differences are editable; no write when everything matches. */
export function decidePoolSettings(facts: PoolSettingsFacts): PoolSettingsDecision {
  const diff = poolSettingsDifferences(facts.desired, facts.observed);
  if (diff.length === 0) return { action: 'none' };
  const fixed = [...new Set(diff.map(fixedFieldOf).filter((field) => field !== undefined))];
  if (fixed.length > 0) return { action: 'refuse', fields: fixed };
  return settingsEdit(diff, facts);
}
