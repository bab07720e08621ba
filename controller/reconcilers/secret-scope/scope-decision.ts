/**
 * What to do with a secret scope name this object does not hold yet, decided without any I/O: create the
 * scope, take over the one that exists (`spec.adopt`, or reclaim one an earlier object of this name left),
 * or refuse it (another object holds the name, or someone else made it). A scope has no tags for a
 * marker: the claim in `status.scopeName` is what makes it this object's, so adopting writes nothing to
 * Databricks (`adopt` with an empty diff); the secrets of spec.secrets are put afterwards either way.
 */

/** What the decision looks at. */
export interface ScopeFacts {
  readonly name: string;
  /** Status (or this process, before its status write arrived) already claims the name. */
  readonly claimed: boolean;
  /** The key of another live DatabricksSecretScope of the same workspace that holds the name. */
  readonly heldBy?: string;
  /** The scope of that name as `secrets/scopes/list` shows it; absent when there is none (or not read). */
  readonly existing?: { readonly backend_type?: string };
  /** `spec.adopt`. */
  readonly adopt: boolean;
  /** The name is this object's default (`spec.scopeName` unset): an existing scope of it was left by an earlier object of this name. */
  readonly defaultName: boolean;
  /** The backend `spec.backend` asks for. */
  readonly backend: 'DATABRICKS' | 'AZURE_KEYVAULT';
  readonly host: string;
}

/** What {@link decideScope} decided. */
export type ScopeDecision =
  /** Claimed already: the reconcile goes on to its keys and ACLs. */
  | { readonly action: 'none' }
  | { readonly action: 'create' }
  | { readonly action: 'adopt'; readonly diff: readonly []; readonly cause: 'Adopted' | 'Reclaimed' }
  | {
      readonly action: 'refuse';
      readonly reason: 'OwnedElsewhere' | 'ScopeExists';
      readonly message: string;
    };

/** Whether the decision needs the workspace's scope listing: the name is unclaimed and no one holds it. */
export function needsScopeListing(facts: Pick<ScopeFacts, 'claimed' | 'heldBy'>): boolean {
  return !facts.claimed && facts.heldBy === undefined;
}

/** Decides what to do with the scope name. */
export function decideScope(facts: ScopeFacts): ScopeDecision {
  const { name, existing, host } = facts;
  if (facts.claimed) return { action: 'none' };
  if (facts.heldBy !== undefined) {
    return {
      action: 'refuse',
      reason: 'OwnedElsewhere',
      message: `secret scope ${name} belongs to DatabricksSecretScope ${facts.heldBy}; delete that object (deletionPolicy Retain keeps the scope) or choose another spec.scopeName`,
    };
  }
  if (!existing) return { action: 'create' };
  if (!facts.adopt && !facts.defaultName) {
    return {
      action: 'refuse',
      reason: 'ScopeExists',
      message: `secret scope ${name} already exists in ${host} and this object did not create it; set spec.adopt to take it over, choose another name (spec.scopeName), or delete the scope in Databricks to let this object create it`,
    };
  }
  const actual = existing.backend_type ?? 'DATABRICKS';
  if (actual !== facts.backend) {
    return {
      action: 'refuse',
      reason: 'ScopeExists',
      message: `spec.adopt: secret scope ${name} in ${host} has backend ${actual}, but spec.backend asks for ${facts.backend}; a scope's backend cannot change, so set spec.backend to match or choose another spec.scopeName`,
    };
  }
  return { action: 'adopt', diff: [], cause: facts.adopt ? 'Adopted' : 'Reclaimed' };
}
