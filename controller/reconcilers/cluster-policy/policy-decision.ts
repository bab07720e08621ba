/**
 * A DatabricksClusterPolicy's decisions, without any I/O:
 * - what the spec's typed definition says to Databricks (a JSON document as a string, keys sorted so the
 *   same rules are always the same text), and the rule mistakes the schema cannot catch (CEL cannot read
 *   the untyped value, values and defaultValue);
 * - where the policy Databricks has differs from the spec (definitions compared as parsed JSON);
 * - which policy the object manages: a policy has no tags for a marker, so the name is claimed in status
 *   (`status.policyName`) before the policy is created, as secret scopes do; a policy of the name that
 *   the object did not claim is taken only with `spec.adopt`, and never from another object holding it.
 */
import { settingsEdit, type SettingsEdit } from '../managed/decision.js';
import type { ClusterPolicy, ClusterPolicySettings } from '../../databricks/index.js';
import type { DatabricksClusterPolicySpec, PolicyRule } from '../../../lib/crds/index.js';

type Rules = Readonly<Record<string, PolicyRule>>;

/** The value with object keys sorted, so that key order never makes two documents differ. */
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

/** The JSON text of a definition, as the Policies API takes it. */
export function definitionText(rules: Rules): string {
  return JSON.stringify(canonical(rules));
}

const isScalar = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);

/**
 * What is wrong with the rules of a definition (or a family's overrides) at `field`, each naming the rule:
 * a value on a rule type that has none, a type that needs one without it, or a value that is not a JSON
 * scalar. Empty when the rules are well formed.
 */
export function policyRuleProblems(rules: Rules | undefined, field: string): string[] {
  const problems: string[] = [];
  for (const [path, rule] of Object.entries(rules ?? {})) {
    const at = `${field}[${path}]`;
    const fixed = rule.type === 'fixed';
    const listed = rule.type === 'allowlist' || rule.type === 'blocklist';
    if (fixed && rule.value === undefined) problems.push(`${at}.value: a rule of type fixed needs value`);
    if (!fixed && rule.value !== undefined) {
      problems.push(`${at}.value: value is only for rules of type fixed, not ${rule.type}`);
    }
    if (rule.value !== undefined && !isScalar(rule.value)) {
      problems.push(`${at}.value: must be a string, a number or a boolean`);
    }
    if (listed && rule.values === undefined) {
      problems.push(`${at}.values: a rule of type ${rule.type} needs values`);
    }
    if (!listed && rule.values !== undefined) {
      problems.push(
        `${at}.values: values is only for rules of type allowlist or blocklist, not ${rule.type}`,
      );
    }
    if (rule.values?.some((value) => !isScalar(value))) {
      problems.push(`${at}.values: each value must be a string, a number or a boolean`);
    }
    if (rule.defaultValue !== undefined && (fixed || rule.type === 'forbidden')) {
      problems.push(`${at}.defaultValue: defaultValue has no meaning for rules of type ${rule.type}`);
    }
    if (rule.defaultValue !== undefined && !isScalar(rule.defaultValue)) {
      problems.push(`${at}.defaultValue: must be a string, a number or a boolean`);
    }
  }
  return problems;
}

/** The body of `policies/clusters/create` and `edit` for `spec` (`name`: the name the policy gets). */
export function policySettingsOf(spec: DatabricksClusterPolicySpec, name: string): ClusterPolicySettings {
  return {
    name,
    ...(spec.definition ? { definition: definitionText(spec.definition) } : {}),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(spec.max_clusters_per_user !== undefined
      ? { max_clusters_per_user: spec.max_clusters_per_user }
      : {}),
    ...(spec.policy_family_id !== undefined ? { policy_family_id: spec.policy_family_id } : {}),
    ...(spec.policy_family_definition_overrides
      ? { policy_family_definition_overrides: definitionText(spec.policy_family_definition_overrides) }
      : {}),
    ...(spec.libraries?.length ? { libraries: spec.libraries } : {}),
  };
}

/** A JSON document as text, parsed (undefined when absent, empty or not JSON). */
function parsed(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
const orUndefined = <T>(value: T | '' | readonly unknown[] | undefined) =>
  value === '' || (Array.isArray(value) && value.length === 0) ? undefined : value;

/**
 * The fields where the policy Databricks has differs from `desired`. A family-based policy reports the
 * family's definition merged with its overrides as its `definition`, so only its overrides are compared.
 */
export function policyDifferences(desired: ClusterPolicySettings, observed: ClusterPolicy): string[] {
  const fields: string[] = [];
  if (desired.name !== observed.name) fields.push('name');
  if (!same(orUndefined(desired.description), orUndefined(observed.description))) fields.push('description');
  if (desired.max_clusters_per_user !== observed.max_clusters_per_user) fields.push('max_clusters_per_user');
  if (desired.policy_family_id !== observed.policy_family_id) fields.push('policy_family_id');
  if (desired.policy_family_id === undefined) {
    if (!same(parsed(desired.definition), parsed(observed.definition))) fields.push('definition');
  } else if (
    !same(
      parsed(desired.policy_family_definition_overrides),
      parsed(observed.policy_family_definition_overrides),
    )
  ) {
    fields.push('policy_family_definition_overrides');
  }
  if (!same(orUndefined(desired.libraries), orUndefined(observed.libraries))) fields.push('libraries');
  return fields;
}

/** What the placement decision looks at. */
export interface PolicyFacts {
  /** The name the spec wants. */
  readonly name: string;
  /** `status.policyId`, and whether that policy still exists. */
  readonly recorded?: { readonly policyId: string; readonly exists: boolean };
  /** Status claims the name: written before this object created a policy of it. */
  readonly claimed: boolean;
  /** The policy of that name, if there is one (only read when the decision needs it). */
  readonly existing?: { readonly policyId: string };
  /** Another live DatabricksClusterPolicy of the workspace that holds that policy or name. */
  readonly heldBy?: string;
  readonly adopt: boolean;
  readonly host: string;
}

/** What {@link decidePolicyPlacement} decided. */
export type PolicyPlacement =
  /** Status names a policy that exists: go on to its settings. */
  | { readonly action: 'use'; readonly policyId: string }
  /** Claim the name, then create the policy (`recreate`: the recorded one was deleted in Databricks). */
  | { readonly action: 'create'; readonly recreate: boolean }
  /** Take the existing policy: created by this object before a crash (`Found`), or `spec.adopt`. */
  | { readonly action: 'take'; readonly policyId: string; readonly cause: 'Found' | 'Adopted' }
  | {
      readonly action: 'refuse';
      readonly reason: 'OwnedElsewhere' | 'PolicyExists';
      readonly message: string;
    };

/** Whether the decision needs the listing's policy of the wanted name. */
export function needsPolicyName(facts: Pick<PolicyFacts, 'recorded'>): boolean {
  return !facts.recorded?.exists;
}

/** Decides which policy the object manages. */
export function decidePolicyPlacement(facts: PolicyFacts): PolicyPlacement {
  const { name, recorded, existing } = facts;
  if (recorded?.exists) return { action: 'use', policyId: recorded.policyId };
  if (!existing) return { action: 'create', recreate: recorded !== undefined };
  if (facts.heldBy !== undefined) {
    return {
      action: 'refuse',
      reason: 'OwnedElsewhere',
      message: `cluster policy ${existing.policyId} named '${name}' belongs to DatabricksClusterPolicy ${facts.heldBy}; delete that object (deletionPolicy Retain keeps the policy) or choose another spec.name`,
    };
  }
  if (facts.claimed) return { action: 'take', policyId: existing.policyId, cause: 'Found' };
  if (facts.adopt) return { action: 'take', policyId: existing.policyId, cause: 'Adopted' };
  return {
    action: 'refuse',
    reason: 'PolicyExists',
    message: `spec.name: cluster policy ${existing.policyId} in ${facts.host} is already named '${name}' and this object did not create it; policy names are unique: set spec.adopt to take it over, choose another spec.name, or delete that policy in Databricks`,
  };
}

/** What to do with the policy's settings once it is this object's. */
export type PolicySettingsDecision = SettingsEdit;

/** Edit when a field differs (no write when everything matches, whatever the hashes say). */
export function decidePolicySettings(facts: {
  readonly desired: ClusterPolicySettings;
  readonly desiredHash: string;
  readonly appliedHash?: string;
  readonly observed: ClusterPolicy;
}): PolicySettingsDecision {
  return settingsEdit(policyDifferences(facts.desired, facts.observed), facts);
}
