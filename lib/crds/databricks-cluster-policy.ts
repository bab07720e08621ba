import { Type, type Static, type TUnknown } from '@sinclair/typebox';
import { atMostOneOf, celValidations, onlyWhen, requiredWhen } from './cel-rules.js';
import { Conditions, ObservedGeneration } from './conditions.js';
import { READY_COLUMN, REASON_COLUMN, type KindDefinition } from './custom-resource-definition.js';
import { DeletionPolicy } from './deletion-policy.js';
import { Library } from './library.js';
import { DriftedFields, ManagementPolicy } from './management-policy.js';
import { WorkspaceReference } from './object-references.js';
import { objectPermissions, PermissionsHash } from './permissions.js';
import { Bool, Int, List, Num, Opt, Str, StringEnum, Struct } from './schema-types.js';

/**
 * The policy element types of the Databricks policy definition language: what a rule does to the cluster
 * attribute it names.
 */
export const POLICY_RULE_TYPES = [
  'fixed',
  'forbidden',
  'allowlist',
  'blocklist',
  'regex',
  'range',
  'unlimited',
] as const;
export type PolicyRuleType = (typeof POLICY_RULE_TYPES)[number];

/** Any JSON value (a string, a number, a boolean): what a rule fixes or defaults an attribute to. */
function AnyValue(description: string): TUnknown {
  return Type.Unknown({ description, 'x-kubernetes-preserve-unknown-fields': true });
}

/** The most rules a definition (or a family's overrides) holds; it bounds the cost of the rules' CEL. */
const MAX_RULES = 500;

/** One rule of a policy definition: `{type, value, values, minValue, maxValue, defaultValue, ...}`. */
export const PolicyRule = Struct(
  {
    type: StringEnum(
      POLICY_RULE_TYPES,
      'fixed: the attribute is value. forbidden: it may not be set. allowlist / blocklist: one of / none of values. regex: it matches pattern. range: a number within minValue..maxValue. unlimited: anything (with defaultValue or isOptional).',
    ),
    value: Opt(
      AnyValue('With type fixed: the value the attribute is fixed to (a string, number or boolean).'),
    ),
    values: Opt(
      List(
        AnyValue('An allowed (allowlist) or refused (blocklist) value.'),
        'With type allowlist or blocklist: the values.',
        {
          minItems: 1,
          maxItems: 1000,
        },
      ),
    ),
    minValue: Opt(Num('With type range: the least value allowed.')),
    maxValue: Opt(Num('With type range: the greatest value allowed.')),
    pattern: Opt(Str('With type regex: the regular expression the attribute must match.', { minLength: 1 })),
    defaultValue: Opt(
      AnyValue(
        'The value the attribute gets when the cluster spec leaves it out (not with fixed or forbidden).',
      ),
    ),
    isOptional: Opt(Bool('The attribute may be left out of the cluster spec (not with fixed or forbidden).')),
    hidden: Opt(Bool('Hide the attribute from the cluster creation form in the UI.')),
  },
  'A rule of the policy on one cluster attribute, as the Databricks policy definition language writes it.',
  // CEL cannot read the untyped value, values and defaultValue; the controller checks those
  // (policyRuleProblems) before Databricks sees the definition.
  celValidations(
    onlyWhen('minValue', "self.type == 'range'", 'minValue is only for rules of type range'),
    onlyWhen('maxValue', "self.type == 'range'", 'maxValue is only for rules of type range'),
    {
      rule: "self.type != 'range' || has(self.minValue) || has(self.maxValue)",
      message: 'a rule of type range needs minValue, maxValue or both',
      reason: 'FieldValueRequired',
    },
    {
      rule: '!has(self.minValue) || !has(self.maxValue) || self.minValue <= self.maxValue',
      message: 'minValue must not be greater than maxValue',
      fieldPath: '.minValue',
    },
    onlyWhen('pattern', "self.type == 'regex'", 'pattern is only for rules of type regex'),
    requiredWhen('pattern', "self.type == 'regex'", 'a rule of type regex needs pattern'),
    onlyWhen(
      'isOptional',
      "self.type != 'fixed' && self.type != 'forbidden'",
      'isOptional has no meaning for rules of type fixed or forbidden',
    ),
  ),
);
export type PolicyRule = Static<typeof PolicyRule>;

/** A policy definition: cluster attribute path → rule. */
export function PolicyDefinition(description: string) {
  return Type.Record(Type.String(), PolicyRule, {
    description,
    maxProperties: MAX_RULES,
    minProperties: 1,
  });
}

/** `spec` of a DatabricksClusterPolicy: the policy (its own definition or a family's), and its limits. */
export const DatabricksClusterPolicySpec = Struct(
  {
    workspaceRef: WorkspaceReference,
    name: Opt(
      Str("Name of the policy in Databricks, unique in the workspace. Defaults to this object's name.", {
        minLength: 1,
        maxLength: 100,
      }),
    ),
    description: Opt(Str('Description of the policy.', { maxLength: 1000 })),
    definition: Opt(
      PolicyDefinition(
        'The policy definition: each key a cluster attribute path (spark_version, autoscale.max_workers, spark_conf.spark.databricks.io.cache.enabled, custom_tags.team), each value its rule. The controller sends it to Databricks as the JSON document the API wants. Not with policy_family_id.',
      ),
    ),
    policy_family_id: Opt(
      Str(
        'Base the policy on this policy family (job-cluster, personal-vm, power-user, shared-compute, ...): the family provides the definition. Not with definition.',
        { minLength: 1 },
      ),
    ),
    policy_family_definition_overrides: Opt(
      PolicyDefinition(
        "Rules merged over the family's definition, path by path, written as definition is. Only with policy_family_id.",
      ),
    ),
    max_clusters_per_user: Opt(
      Int('At most this many clusters per user may use the policy; absent for no limit.', { minimum: 1 }),
    ),
    libraries: Opt(
      List(Library, 'Libraries installed on every cluster that uses the policy.', { maxItems: 500 }),
    ),
    adopt: Opt(
      Bool(
        'Take over a policy of this name that already exists in Databricks instead of refusing it (PolicyExists): its settings are replaced by this spec, and deletionPolicy Delete deletes it. A policy another DatabricksClusterPolicy holds is still refused (OwnedElsewhere). Defaults to false.',
        { default: false },
      ),
    ),
    permissions: Opt(
      objectPermissions('cluster-policies', {
        level: 'Permission level: CAN_USE lets the principal create clusters with the policy.',
        permissions: 'Who may use the policy.',
      }),
    ),
    deletionPolicy: Opt(DeletionPolicy),
    managementPolicy: Opt(ManagementPolicy),
  },
  'The desired cluster policy. Set definition, or policy_family_id (with optional policy_family_definition_overrides).',
  celValidations(
    atMostOneOf(['definition', 'policy_family_id'], 'spec'),
    {
      rule: 'has(self.definition) || has(self.policy_family_id)',
      message: 'spec: set definition, or policy_family_id',
      reason: 'FieldValueRequired',
    },
    onlyWhen(
      'policy_family_definition_overrides',
      'has(self.policy_family_id)',
      'policy_family_definition_overrides customizes a policy family: set policy_family_id too, or put the rules in definition',
    ),
  ),
);
export type DatabricksClusterPolicySpec = Static<typeof DatabricksClusterPolicySpec>;

/** `status` of a DatabricksClusterPolicy, written by the controller. */
export const DatabricksClusterPolicyStatus = Struct(
  {
    observedGeneration: Opt(ObservedGeneration),
    conditions: Opt(Conditions),
    driftedFields: Opt(DriftedFields),
    policyId: Opt(Str('Databricks cluster policy ID (what policy_id and policy_ref resolve to).')),
    policyName: Opt(
      Str(
        "Name of the policy in Databricks. Written before the policy is created, so that a retry after a crash knows the policy of that name is this object's.",
      ),
    ),
    createPending: Opt(
      Bool('True while the policy name is claimed but Databricks has not yet confirmed creating it.'),
    ),
    settingsHash: Opt(Str('Hash of the settings last applied, to detect spec changes without a read.')),
    permissionsHash: Opt(PermissionsHash),
  },
  'What the controller observed about the policy.',
);
export type DatabricksClusterPolicyStatus = Static<typeof DatabricksClusterPolicyStatus>;

/** The DatabricksClusterPolicy kind: names, schemas and printer columns of its CRD. */
export const DATABRICKS_CLUSTER_POLICY: KindDefinition<
  'DatabricksClusterPolicy',
  DatabricksClusterPolicySpec,
  DatabricksClusterPolicyStatus
> = {
  kind: 'DatabricksClusterPolicy',
  plural: 'databricksclusterpolicies',
  singular: 'databricksclusterpolicy',
  shortName: 'dbpolicy',
  description:
    'DatabricksClusterPolicy is a Databricks cluster policy: rules that the clusters using it must follow, written as a typed definition (or a policy family with overrides).',
  spec: DatabricksClusterPolicySpec,
  status: DatabricksClusterPolicyStatus,
  printerColumns: [
    {
      name: 'Policy ID',
      type: 'string',
      jsonPath: '.status.policyId',
      description: 'Databricks cluster policy ID.',
    },
    READY_COLUMN,
    REASON_COLUMN,
  ],
};
