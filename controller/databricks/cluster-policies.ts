/**
 * Cluster Policies API 2.0 (`/api/2.0/policies/clusters/...`) and Policy Families API
 * (`/api/2.0/policy-families`). A policy's `definition` (and a family's overrides) is a JSON document
 * passed as a string; the client sends it as given, so callers serialize it (and compare parsed JSON:
 * Databricks stores the string, a family-based policy reports the merged family definition instead).
 */
import type { Library } from '../../lib/crds/index.js';
import type { ApiCaller } from './api-caller.js';
import { paginate } from './pagination.js';

const POLICIES = '/api/2.0/policies/clusters';
const FAMILIES = '/api/2.0/policy-families';

/** The body of `policies/clusters/create` (and, with `policy_id`, of edit). */
export interface ClusterPolicySettings {
  /** Unique, 1–100 characters. */
  readonly name: string;
  /** The policy definition as a JSON string. Not together with `policy_family_id`. */
  readonly definition?: string;
  readonly description?: string;
  /** Greater than zero; absent for no limit. */
  readonly max_clusters_per_user?: number;
  /** Base the policy on a policy family (see `policyFamilies`). */
  readonly policy_family_id?: string;
  /** Rules merged over the family's definition, as a JSON string. */
  readonly policy_family_definition_overrides?: string;
  /** At most 500, installed on clusters that use the policy. */
  readonly libraries?: readonly Library[];
}

/** `policies/clusters/get`: the settings plus what Databricks adds. */
export interface ClusterPolicy extends Partial<ClusterPolicySettings> {
  readonly policy_id: string;
  /** For a family-based policy, the family's definition with the overrides merged in. */
  readonly definition?: string;
  readonly creator_user_name?: string;
  /** Epoch ms. */
  readonly created_at_timestamp?: number;
  /** A default policy Databricks created: it cannot be deleted, nor moved to another family. */
  readonly is_default?: boolean;
}

export interface ListPoliciesRequest {
  readonly sort_column?: 'POLICY_CREATION_TIME' | 'POLICY_NAME';
  readonly sort_order?: 'ASC' | 'DESC';
}

export interface PolicyFamily {
  readonly policy_family_id: string;
  readonly name?: string;
  readonly description?: string;
  /** The family's policy definition as a JSON string. */
  readonly definition?: string;
}

interface FamiliesPage {
  readonly policy_families?: readonly PolicyFamily[];
  readonly next_page_token?: string;
}

export class ClusterPoliciesApi {
  constructor(private readonly api: ApiCaller) {}

  /** `policies/clusters/create`. A name in use is an AlreadyExistsError; a bad definition an InvalidParameterError. */
  create(settings: ClusterPolicySettings): Promise<{ policy_id: string }> {
    return this.api.call({ method: 'POST', path: `${POLICIES}/create`, body: settings });
  }

  /** `policies/clusters/get`. A missing policy is a NotFoundError. */
  get(policyId: string): Promise<ClusterPolicy> {
    return this.api.call({ method: 'GET', path: `${POLICIES}/get`, query: { policy_id: policyId } });
  }

  /** `policies/clusters/edit`: replaces every writable field (what `settings` leaves out is cleared). */
  async edit(policyId: string, settings: ClusterPolicySettings): Promise<void> {
    await this.api.call({
      method: 'POST',
      path: `${POLICIES}/edit`,
      body: { ...settings, policy_id: policyId },
    });
  }

  /** `policies/clusters/delete`. Default policies cannot be deleted. */
  async delete(policyId: string): Promise<void> {
    await this.api.call({ method: 'POST', path: `${POLICIES}/delete`, body: { policy_id: policyId } });
  }

  /** `policies/clusters/list`: every policy, the default ones included, in one answer. */
  async list(request: ListPoliciesRequest = {}): Promise<ClusterPolicy[]> {
    const page = await this.api.call<{ policies?: ClusterPolicy[] }>({
      method: 'GET',
      path: `${POLICIES}/list`,
      query: { ...request },
    });
    return page.policies ?? [];
  }
}

export class PolicyFamiliesApi {
  constructor(private readonly api: ApiCaller) {}

  /** `policy-families/{id}`, at the latest version unless `version` says otherwise. */
  get(policyFamilyId: string, version?: number): Promise<PolicyFamily> {
    return this.api.call({
      method: 'GET',
      path: `${FAMILIES}/${encodeURIComponent(policyFamilyId)}`,
      endpoint: 'policy-families/get',
      query: { version },
    });
  }

  /** `policy-families` over all pages. */
  list(maxResults?: number): AsyncGenerator<PolicyFamily, void, undefined> {
    return paginate<FamiliesPage, PolicyFamily>(
      (page_token) =>
        this.api.call({
          method: 'GET',
          path: FAMILIES,
          endpoint: 'policy-families/list',
          query: { max_results: maxResults, page_token },
        }),
      (page) => page.policy_families,
    );
  }
}
