import {
  errors,
  type FakeContext,
  type FakeRequest,
  type FakeResponseBody,
  type FakeService,
  type Route,
} from './api.js';
import { decodeOffsetToken, pageOf } from './page-token.js';
import { mergedFamilyDefinition, parsePolicyDefinition } from './policy-definition.js';
import { RequestFields } from './request-fields.js';

/** Limits of BEHAVIOUR.md §1.3 and the SDK model. */
const MAX_NAME_LENGTH = 100;
const MAX_LIBRARIES = 500;
const DEFAULT_FAMILIES_PAGE = 20;
const MAX_FAMILIES_PAGE = 100;

/** Callbacks the workspace wires so that permissions learn about policies. */
export interface ClusterPolicyHooks {
  readonly onCreated?: (policyId: string, creator: string) => void;
  readonly onDeleted?: (policyId: string) => void;
}

/** A policy family as Databricks ships it: read-only, versioned, the base of a policy's definition. */
interface PolicyFamily {
  readonly policy_family_id: string;
  readonly name: string;
  readonly description: string;
  readonly definition: string;
}

/**
 * The families a workspace offers. Their ids and names are Databricks' own; the definitions are short
 * stand-ins written for the fake (a real family's definition is longer and changes between versions).
 */
const POLICY_FAMILIES: readonly PolicyFamily[] = [
  {
    policy_family_id: 'job-cluster',
    name: 'Job Compute',
    description: 'General-purpose compute for jobs.',
    definition: JSON.stringify({
      cluster_type: { type: 'fixed', value: 'job' },
      num_workers: { type: 'unlimited', defaultValue: 4, isOptional: true },
      'spark_conf.spark.databricks.cluster.profile': { type: 'forbidden', hidden: true },
    }),
  },
  {
    policy_family_id: 'personal-vm',
    name: 'Personal Compute',
    description: 'Single-node compute for one user.',
    definition: JSON.stringify({
      'spark_conf.spark.databricks.cluster.profile': { type: 'fixed', value: 'singleNode', hidden: true },
      num_workers: { type: 'fixed', value: 0, hidden: true },
      data_security_mode: { type: 'fixed', value: 'SINGLE_USER', hidden: true },
    }),
  },
  {
    policy_family_id: 'power-user',
    name: 'Power User Compute',
    description: 'Larger multi-node compute for one user.',
    definition: JSON.stringify({
      'autoscale.max_workers': { type: 'range', maxValue: 10, defaultValue: 4 },
      autotermination_minutes: { type: 'fixed', value: 120, hidden: true },
      data_security_mode: { type: 'fixed', value: 'SINGLE_USER', hidden: true },
    }),
  },
  {
    policy_family_id: 'shared-compute',
    name: 'Shared Compute',
    description: 'Multi-node compute shared by several users.',
    definition: JSON.stringify({
      data_security_mode: { type: 'fixed', value: 'USER_ISOLATION', hidden: true },
      autotermination_minutes: { type: 'fixed', value: 120, hidden: true },
    }),
  },
];

interface StoredPolicy {
  readonly policyId: string;
  readonly createdAt: number;
  /** Absent for Databricks' default policies. */
  readonly creator?: string;
  readonly isDefault: boolean;
  name: string;
  definition?: string;
  description?: string;
  maxClustersPerUser?: number;
  policyFamilyId?: string;
  overrides?: string;
  libraries?: unknown[];
}

/**
 * The Cluster Policies API (2.0, `/api/2.0/policies/clusters/...`) and the Policy Families API
 * (`/api/2.0/policy-families`).
 *
 * A workspace starts with Databricks' default policies, one per family (`is_default`), which can be edited
 * but not deleted, and whose family cannot change. Policy names are unique (1–100 characters). A policy has
 * either its own `definition` or a `policy_family_id` (with optional
 * `policy_family_definition_overrides`); a family-based policy reports as its `definition` the family's
 * rules with the overrides merged over them. Definitions are checked as {@link parsePolicyDefinition} says.
 * What happens to clusters that use a deleted policy is not modelled.
 */
export class ClusterPoliciesService implements FakeService {
  readonly name = 'cluster-policies';
  private policies = new Map<string, StoredPolicy>();
  private created = 0;

  constructor(
    private readonly ctx: FakeContext,
    private readonly hooks: ClusterPolicyHooks = {},
  ) {
    this.reset();
  }

  routes(): Route[] {
    const policy = (method: Route['method'], op: string, handler: Route['handler']): Route => ({
      method,
      path: `/api/2.0/policies/clusters/${op}`,
      endpoint: `policies/clusters/${op}`,
      handler,
    });
    return [
      policy('POST', 'create', (req) => this.create(req)),
      policy('POST', 'edit', (req) => this.edit(req)),
      policy('POST', 'delete', (req) => this.delete(req)),
      policy('GET', 'get', (req) => this.get(req)),
      policy('GET', 'list', (req) => this.list(req)),
      {
        method: 'GET',
        path: '/api/2.0/policy-families',
        endpoint: 'policy-families/list',
        handler: (req) => this.listFamilies(req),
      },
      {
        method: 'GET',
        path: '/api/2.0/policy-families/:policy_family_id',
        endpoint: 'policy-families/get',
        handler: (req) => this.getFamily(req),
      },
    ];
  }

  snapshot(): unknown {
    return [...this.policies.values()].map((policy) => this.describe(policy));
  }

  reset(): void {
    this.policies.clear();
    this.created = 0;
    // Every workspace has Databricks' default policies, one per family.
    for (const family of POLICY_FAMILIES) {
      const policyId = this.nextPolicyId();
      this.policies.set(policyId, {
        policyId,
        createdAt: this.ctx.clock.now(),
        isDefault: true,
        name: family.name,
        policyFamilyId: family.policy_family_id,
      });
    }
  }

  /** Whether a policy with this id exists (for the permissions service). */
  exists(policyId: string): boolean {
    return this.policies.has(policyId);
  }

  /** The id of the policy named `name`, if any (tests find the default policies this way). */
  idOf(name: string): string | undefined {
    return [...this.policies.values()].find((policy) => policy.name === name)?.policyId;
  }

  private create(req: FakeRequest): FakeResponseBody {
    const settings = this.validated(req.body, undefined);
    const policyId = this.nextPolicyId();
    this.policies.set(policyId, {
      policyId,
      createdAt: this.ctx.clock.now(),
      creator: req.principal,
      isDefault: false,
      ...settings,
    });
    this.hooks.onCreated?.(policyId, req.principal);
    return { policy_id: policyId };
  }

  /** Act as a user editing the policy in the UI: `changes` merged over its settings, with edit's rules. */
  editByUser(policyId: string, changes: Record<string, unknown>): void {
    const policy = this.find(policyId);
    const current = {
      name: policy.name,
      definition: policy.definition,
      description: policy.description,
      max_clusters_per_user: policy.maxClustersPerUser,
      policy_family_id: policy.policyFamilyId,
      policy_family_definition_overrides: policy.overrides,
      libraries: policy.libraries,
    };
    this.applyEdit(policy, { ...current, ...structuredClone(changes) });
  }

  private edit(req: FakeRequest): FakeResponseBody {
    this.applyEdit(this.find(RequestFields.of(req).requiredString('policy_id')), req.body);
    return {};
  }

  private applyEdit(policy: StoredPolicy, body: Record<string, unknown>): void {
    const settings = this.validated(body, policy);
    if (policy.isDefault && settings.policyFamilyId !== policy.policyFamilyId) {
      throw errors.invalidParameter(
        'Changing policy_family_id is forbidden for default cluster policies. Clone this policy to change the policy family.',
      );
    }
    // Edit replaces every writable field: what the request leaves out is cleared.
    Object.assign(policy, {
      name: settings.name,
      definition: settings.definition,
      description: settings.description,
      maxClustersPerUser: settings.maxClustersPerUser,
      policyFamilyId: settings.policyFamilyId,
      overrides: settings.overrides,
      libraries: settings.libraries,
    });
  }

  private delete(req: FakeRequest): FakeResponseBody {
    const policy = this.find(RequestFields.of(req).requiredString('policy_id'));
    if (policy.isDefault) {
      throw errors.invalidParameter(
        `Cluster policy ${policy.policyId} (${policy.name}) is a default policy, and default policies cannot be deleted.`,
      );
    }
    this.policies.delete(policy.policyId);
    this.hooks.onDeleted?.(policy.policyId);
    return {};
  }

  private get(req: FakeRequest): FakeResponseBody {
    return this.describe(this.find(RequestFields.of(req).requiredString('policy_id')));
  }

  private list(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const column = fields.oneOf('sort_column', ['POLICY_CREATION_TIME', 'POLICY_NAME'] as const);
    const order = fields.oneOf('sort_order', ['ASC', 'DESC'] as const) ?? 'DESC';
    const sorted = [...this.policies.values()].sort((a, b) =>
      column === 'POLICY_NAME'
        ? a.name.localeCompare(b.name)
        : a.createdAt - b.createdAt || a.policyId.localeCompare(b.policyId),
    );
    if (order === 'DESC') sorted.reverse();
    return sorted.length === 0 ? {} : { policies: sorted.map((policy) => this.describe(policy)) };
  }

  private listFamilies(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const maxResults = fields.number('max_results') ?? DEFAULT_FAMILIES_PAGE;
    if (maxResults < 1 || maxResults > MAX_FAMILIES_PAGE) {
      throw errors.invalidParameter(
        `max_results must be between 1 and ${MAX_FAMILIES_PAGE}, got ${maxResults}.`,
      );
    }
    const offset = decodeOffsetToken('policy-families', fields.string('page_token'));
    const { page, nextPageToken } = pageOf('policy-families', POLICY_FAMILIES, offset, maxResults);
    return {
      ...(page.length > 0 && { policy_families: page.map((family) => ({ ...family })) }),
      ...(nextPageToken && { next_page_token: nextPageToken }),
    };
  }

  private getFamily(req: FakeRequest): FakeResponseBody {
    const familyId = req.params.policy_family_id ?? '';
    const version = RequestFields.of(req).number('version');
    const family = POLICY_FAMILIES.find((candidate) => candidate.policy_family_id === familyId);
    if (!family || (version !== undefined && version !== 1)) {
      throw errors.notFound(
        `Policy family ${familyId}${version === undefined ? '' : ` version ${version}`} does not exist.`,
      );
    }
    return { ...family };
  }

  /** The writable settings of a create or edit request, checked. */
  private validated(
    body: Record<string, unknown>,
    editing: StoredPolicy | undefined,
  ): Omit<StoredPolicy, 'policyId' | 'createdAt' | 'creator' | 'isDefault'> {
    const fields = RequestFields.from(body);
    const name = fields.requiredString('name');
    if (name.length > MAX_NAME_LENGTH) {
      throw errors.invalidParameter(
        `Cluster policy name '${name}' is ${name.length} characters long; a name has 1 to ${MAX_NAME_LENGTH}.`,
      );
    }
    const clash = [...this.policies.values()].find(
      (policy) => policy.name === name && policy.policyId !== editing?.policyId,
    );
    if (clash) {
      throw errors.alreadyExists(
        `A cluster policy named '${name}' already exists (policy ${clash.policyId}); policy names are unique.`,
      );
    }
    const definition = fields.string('definition') || undefined;
    const policyFamilyId = fields.string('policy_family_id') || undefined;
    const overrides = fields.string('policy_family_definition_overrides') || undefined;
    if (definition !== undefined && policyFamilyId !== undefined) {
      throw errors.invalidParameter('policy_family_id and definition cannot be used together');
    }
    if (overrides !== undefined && policyFamilyId === undefined) {
      throw errors.invalidParameter(
        'policy_family_definition_overrides customizes a policy family: set policy_family_id too, or put the rules in definition.',
      );
    }
    if (policyFamilyId !== undefined && !POLICY_FAMILIES.some((f) => f.policy_family_id === policyFamilyId)) {
      throw errors.invalidParameter(
        `Policy family '${policyFamilyId}' does not exist; list the families with GET /api/2.0/policy-families.`,
      );
    }
    if (definition !== undefined) parsePolicyDefinition(definition, 'definition');
    if (overrides !== undefined) parsePolicyDefinition(overrides, 'policy_family_definition_overrides');
    const maxClustersPerUser = fields.number('max_clusters_per_user');
    if (
      maxClustersPerUser !== undefined &&
      (maxClustersPerUser < 1 || !Number.isInteger(maxClustersPerUser))
    ) {
      throw errors.invalidParameter(
        `max_clusters_per_user must be an integer greater than zero, got ${maxClustersPerUser}; leave it out for no limit.`,
      );
    }
    const libraries = fields.array('libraries');
    if (libraries && libraries.length > MAX_LIBRARIES) {
      throw errors.invalidParameter(
        `A cluster policy may install at most ${MAX_LIBRARIES} libraries, got ${libraries.length}.`,
      );
    }
    return {
      name,
      definition,
      description: fields.string('description'),
      maxClustersPerUser,
      policyFamilyId,
      overrides,
      libraries: libraries && structuredClone(libraries),
    };
  }

  /** `Policy` as get and list return it; unset fields are omitted. */
  private describe(policy: StoredPolicy): FakeResponseBody {
    const family = POLICY_FAMILIES.find((f) => f.policy_family_id === policy.policyFamilyId);
    const definition = family
      ? mergedFamilyDefinition(family.definition, policy.overrides)
      : policy.definition;
    return {
      policy_id: policy.policyId,
      name: policy.name,
      ...(definition !== undefined && { definition }),
      ...(policy.description !== undefined && { description: policy.description }),
      ...(policy.maxClustersPerUser !== undefined && { max_clusters_per_user: policy.maxClustersPerUser }),
      ...(policy.policyFamilyId !== undefined && { policy_family_id: policy.policyFamilyId }),
      ...(policy.overrides !== undefined && { policy_family_definition_overrides: policy.overrides }),
      ...(policy.libraries !== undefined && { libraries: structuredClone(policy.libraries) }),
      ...(policy.creator !== undefined && { creator_user_name: policy.creator }),
      created_at_timestamp: policy.createdAt,
      ...(policy.isDefault && { is_default: true }),
    };
  }

  private find(policyId: string): StoredPolicy {
    const policy = this.policies.get(policyId);
    if (!policy) throw errors.notFound(`Can't find a cluster policy with id: ${policyId}.`);
    return policy;
  }

  /** Policy ids are 16 upper-case hex characters. */
  private nextPolicyId(): string {
    this.created += 1;
    return `FA6E${this.created.toString(16).toUpperCase().padStart(12, '0')}`;
  }
}
