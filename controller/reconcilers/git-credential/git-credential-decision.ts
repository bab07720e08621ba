/**
 * What to do with the Git credential of a DatabricksGitCredential's principal, decided without any I/O.
 * Databricks keeps one Git credential per principal, and a credential has no tags for an ownership marker:
 * the claim is `status.credentialId`. A credential this object did not create is taken over only with
 * `spec.adopt` (the adopt rule of secret scopes); another DatabricksGitCredential of the same principal
 * is refused, naming the one that holds it.
 */
/** The fields of a credential the spec sets and Databricks returns (the token is never returned). */
export interface CredentialFields {
  readonly git_provider?: string;
  readonly git_username?: string;
  readonly git_email?: string;
}

/** What the decision looks at. */
export interface CredentialFacts {
  /** The credential ID status claims; undefined when unclaimed. */
  readonly claimedId?: number;
  /** Status says a create was sent and not yet confirmed. */
  readonly createPending: boolean;
  /** `namespace/name` of another DatabricksGitCredential of the same principal that holds (or goes before) this one. */
  readonly heldBy?: string;
  /** The principal's credential as the list shows it (at most one), or undefined when it has none. */
  readonly existing?: CredentialFields & { readonly credential_id: number };
  /** The fields the spec asks for. */
  readonly desired: CredentialFields;
  /** The token in the Secret differs from the one last sent (or no hash says which was sent). */
  readonly tokenChanged: boolean;
  /** `spec.adopt`. */
  readonly adopt: boolean;
  readonly host: string;
}

/** What {@link decideCredential} decided. */
export type CredentialDecision =
  | { readonly action: 'none'; readonly credentialId: number }
  | { readonly action: 'create'; readonly cause: 'new' | 'recreate' }
  /** The create before a crash went through: the credential found is this object's, token included. */
  | { readonly action: 'confirm'; readonly credentialId: number }
  | {
      readonly action: 'update';
      readonly credentialId: number;
      /** Why: the token rotated, the spec changed, or someone changed the credential in Databricks. */
      readonly cause: 'rotated' | 'changed' | 'drifted';
      /** The fields that differ (empty: only the token). */
      readonly diff: readonly string[];
    }
  /** Taken over (`spec.adopt`): written with the spec's fields and token. */
  | { readonly action: 'adopt'; readonly credentialId: number; readonly diff: readonly string[] }
  | {
      readonly action: 'refuse';
      readonly reason: 'OwnedElsewhere' | 'CredentialExists';
      readonly message: string;
    };

const FIELDS = ['git_provider', 'git_username', 'git_email'] as const;

/** The spec's fields that differ from the credential's (provider case-insensitive, as Databricks matches it). */
export function differingFields(desired: CredentialFields, actual: CredentialFields): string[] {
  const diff: string[] = [];
  for (const field of FIELDS) {
    const want = desired[field];
    const have = actual[field];
    if (want === undefined) continue;
    const same = field === 'git_provider' ? want.toLowerCase() === have?.toLowerCase() : want === have;
    if (!same) diff.push(field);
  }
  return diff;
}

/** Decides what to do with the principal's credential. */
export function decideCredential(facts: CredentialFacts, specChanged: boolean): CredentialDecision {
  const { existing, host } = facts;
  if (facts.heldBy !== undefined && facts.claimedId === undefined) {
    return {
      action: 'refuse',
      reason: 'OwnedElsewhere',
      message: `the principal of this workspace has one Git credential, and DatabricksGitCredential ${facts.heldBy} holds it; delete that object (deletionPolicy Retain keeps the credential) or use it instead of this one`,
    };
  }
  if (facts.claimedId === undefined || facts.createPending) {
    if (!existing) return { action: 'create', cause: 'new' };
    if (facts.createPending) return { action: 'confirm', credentialId: existing.credential_id };
    if (!facts.adopt) {
      return {
        action: 'refuse',
        reason: 'CredentialExists',
        message: `the principal of this workspace already has Git credential ${existing.credential_id} (${existing.git_provider ?? 'unknown provider'}) in ${host}, and this object did not create it; Databricks allows one per principal: set spec.adopt to take it over (its provider, user name and token are replaced by this spec's), or delete it in Databricks (User Settings > Git integration)`,
      };
    }
    return {
      action: 'adopt',
      credentialId: existing.credential_id,
      diff: differingFields(facts.desired, existing),
    };
  }
  if (!existing) return { action: 'create', cause: 'recreate' };
  if (existing.credential_id !== facts.claimedId) {
    // Ours is gone and the principal has another one now, made by someone else.
    if (!facts.adopt) {
      return {
        action: 'refuse',
        reason: 'CredentialExists',
        message: `Git credential ${facts.claimedId} of this object was deleted in Databricks, and the principal now has credential ${existing.credential_id} in ${host}, which this object did not create; set spec.adopt to take it over, or delete it in Databricks to let this object create its own again`,
      };
    }
    return {
      action: 'adopt',
      credentialId: existing.credential_id,
      diff: differingFields(facts.desired, existing),
    };
  }
  const diff = differingFields(facts.desired, existing);
  if (diff.length > 0) {
    const cause = specChanged ? 'changed' : 'drifted';
    return { action: 'update', credentialId: existing.credential_id, cause, diff };
  }
  if (facts.tokenChanged) {
    return { action: 'update', credentialId: existing.credential_id, cause: 'rotated', diff: [] };
  }
  return { action: 'none', credentialId: existing.credential_id };
}
