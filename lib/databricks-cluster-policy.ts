import type { Construct } from 'constructs';
import type { DatabricksClusterPolicySpec, PolicyRule } from './crds/databricks-cluster-policy.js';
import type { Library } from './crds/library.js';
import { DatabricksApiObject, type DatabricksObjectProps } from './databricks-api-object.js';
import type { IDatabricksWorkspace } from './databricks-workspace.js';
import type { DeletionPolicy, ManagementPolicy } from './deletion-policy.js';
import { Grants, type Principal } from './permission-grants.js';

/** A cluster policy that clusters can use: anything with the name of a `DatabricksClusterPolicy`. */
export interface IDatabricksClusterPolicy {
  /** The kind, so that only a DatabricksClusterPolicy (or its fromName) can stand here. */
  readonly kind: 'DatabricksClusterPolicy';
  /** The name of the `DatabricksClusterPolicy` object, in the same namespace. */
  readonly name: string;
  /** The workspace the policy lives in, if known: a cluster of another workspace cannot use it. */
  readonly workspace?: IDatabricksWorkspace;
}

/** A policy definition: cluster attribute path → rule (`{ type: 'fixed', value: 30 }`, ...). */
export type PolicyDefinition = Readonly<Record<string, PolicyRule>>;
/** The permissions of a policy (`spec.permissions`). */
export type ClusterPolicyPermissions = NonNullable<DatabricksClusterPolicySpec['permissions']>;
/** What a principal may do with a policy (CAN_USE). */
export type ClusterPolicyPermissionLevel =
  ClusterPolicyPermissions['access_control_list'][number]['permission_level'];

/** Props of {@link DatabricksClusterPolicy}. */
export interface DatabricksClusterPolicyProps extends DatabricksObjectProps {
  /** The workspace the policy lives in (`spec.workspaceRef`). */
  readonly workspace: IDatabricksWorkspace;
  /**
   * The name of the policy in Databricks, unique in the workspace.
   *
   * @default - the object's name
   */
  readonly policyName?: string;
  /** @default - none */
  readonly description?: string;
  /**
   * The rules, typed: attribute path → rule. Give this or `policyFamilyId`.
   *
   * @default - the policy family's
   */
  readonly definition?: PolicyDefinition;
  /**
   * A policy family to base the policy on (`job-cluster`, `personal-vm`, ...). Give this or `definition`.
   *
   * @default - none
   */
  readonly policyFamilyId?: string;
  /**
   * Rules merged over the family's definition (with `policyFamilyId` only).
   *
   * @default - none
   */
  readonly policyFamilyDefinitionOverrides?: PolicyDefinition;
  /** @default - no limit */
  readonly maxClustersPerUser?: number;
  /** Libraries installed on every cluster that uses the policy. @default - none */
  readonly libraries?: readonly Library[];
  /**
   * Take over a policy of this name that exists in Databricks instead of refusing it.
   *
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * Who may use the policy (`spec.permissions`); {@link DatabricksClusterPolicy.grant} adds entries.
   *
   * @default - permissions are left as Databricks has them
   */
  readonly permissions?: ClusterPolicyPermissions;
  /** @default 'Delete' */
  readonly deletionPolicy?: DeletionPolicy;
  /** @default 'Manage' */
  readonly managementPolicy?: ManagementPolicy;
}

/**
 * A Databricks cluster policy. Clusters use it with `cluster.withPolicy(policy)` (a DatabricksCluster or a
 * job cluster), which synthesizes `policy_ref`.
 *
 * @example
 * const policy = new DatabricksClusterPolicy(chart, 'etl-policy', {
 *   workspace,
 *   definition: { autotermination_minutes: { type: 'fixed', value: 30 } },
 * });
 */
export class DatabricksClusterPolicy
  extends DatabricksApiObject<DatabricksClusterPolicySpec>
  implements IDatabricksClusterPolicy
{
  declare readonly kind: 'DatabricksClusterPolicy';

  /**
   * A policy defined elsewhere, by the name of its `DatabricksClusterPolicy` object.
   *
   * @param workspace its workspace, checked at synth against the clusters that use it
   */
  static fromName(name: string, workspace?: IDatabricksWorkspace): IDatabricksClusterPolicy {
    return { kind: 'DatabricksClusterPolicy', name, workspace };
  }

  /** The workspace the policy lives in. */
  readonly workspace: IDatabricksWorkspace;
  private readonly policyProps: DatabricksClusterPolicyProps;
  private readonly grants: Grants<ClusterPolicyPermissionLevel>;

  constructor(scope: Construct, id: string, props: DatabricksClusterPolicyProps) {
    super(scope, id, 'DatabricksClusterPolicy', props);
    this.workspace = props.workspace;
    this.policyProps = props;
    this.grants = new Grants(props.permissions);
    this.node.addValidation({ validate: () => policyProblems(props) });
  }

  /**
   * Grants a permission on the policy (`spec.permissions.access_control_list`).
   *
   * @example
   * policy.grant({ group: 'data-engineers' }, 'CAN_USE');
   */
  grant(principal: Principal, level: ClusterPolicyPermissionLevel): this {
    this.grants.add(principal, level);
    return this;
  }

  protected renderSpec(): DatabricksClusterPolicySpec {
    const props = this.policyProps;
    return {
      workspaceRef: { name: this.workspace.name },
      name: props.policyName,
      description: props.description,
      definition: props.definition,
      policy_family_id: props.policyFamilyId,
      policy_family_definition_overrides: props.policyFamilyDefinitionOverrides,
      max_clusters_per_user: props.maxClustersPerUser,
      libraries: props.libraries ? [...props.libraries] : undefined,
      adopt: props.adopt,
      permissions: this.grants.render(),
      deletionPolicy: props.deletionPolicy,
      managementPolicy: props.managementPolicy,
    };
  }
}

/** What the API server would refuse, said at synth time with the fix. */
function policyProblems(props: DatabricksClusterPolicyProps): string[] {
  const problems: string[] = [];
  if ((props.definition === undefined) === (props.policyFamilyId === undefined)) {
    problems.push('give exactly one of definition and policyFamilyId');
  }
  if (props.policyFamilyDefinitionOverrides !== undefined && props.policyFamilyId === undefined) {
    problems.push('policyFamilyDefinitionOverrides customizes a policy family: give policyFamilyId too');
  }
  return problems;
}
