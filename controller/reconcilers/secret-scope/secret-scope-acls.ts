/**
 * A DatabricksSecretScope's `spec.acls` applied to its scope: made equal to the list, except that the
 * controller's own principal keeps its entry, without which it could no longer manage the scope. The
 * reconciler reads the ACLs at every reconcile of a scope that has `spec.acls`, so one changed in
 * Databricks is put back at the next resync.
 */
import {
  DatabricksApiError,
  RateLimitedError,
  TemporarilyUnavailableError,
  type AclItem,
  type DatabricksClient,
} from '../../databricks/index.js';
import type { DatabricksSecretScopeSpec } from '../../../lib/crds/index.js';
import type { EventNote } from '../../runtime/events.js';
import { contentHash } from '../managed/content-hash.js';
import { deleteUnlessGone } from '../managed/deletion-policy.js';
import { note, shortList, warning } from '../managed/event-notes.js';

type ScopeAcl = NonNullable<DatabricksSecretScopeSpec['acls']>[number];

/**
 * Makes the scope's ACLs equal `acls`, keeping the controller's own entry. `drifted`: the spec is the
 * one applied last time, so any change made is one made in Databricks, told in a `DriftCorrected`
 * Warning naming the principals rather than an `AclsApplied` note.
 */
export async function applyAcls(
  acls: readonly ScopeAcl[],
  name: string,
  observed: readonly AclItem[] | undefined,
  client: DatabricksClient,
  events: EventNote[],
  drifted: boolean,
): Promise<void> {
  const current = new Map((observed ?? []).map((acl) => [acl.principal, acl.permission]));
  const changes: string[] = [];
  const principals: string[] = [];
  for (const { principal, permission } of acls) {
    if (current.get(principal) === permission) continue;
    await client.secrets.putAcl(name, principal, permission);
    changes.push(`${principal} ${permission}`);
    principals.push(principal);
  }
  const wanted = new Set(acls.map((acl) => acl.principal));
  const extra = [...current.keys()].filter((principal) => !wanted.has(principal));
  if (extra.length > 0) {
    // Asked only when something would go: the controller's principal must keep managing the scope.
    const self = (await client.currentUser.me()).userName;
    for (const principal of extra) {
      if (principal === self) continue;
      await deleteUnlessGone(() => client.secrets.deleteAcl(name, principal));
      changes.push(`removed ${principal}`);
      principals.push(principal);
    }
  }
  if (changes.length === 0) return;
  events.push(
    drifted
      ? warning(
          'DriftCorrected',
          'PutAcl',
          `ACLs of secret scope ${name} were changed in Databricks (${shortList(principals)}); made them equal spec.acls again: ${changes.join(', ')}`,
        )
      : note('AclsApplied', 'PutAcl', `ACLs of secret scope ${name}: ${changes.join(', ')}`),
  );
}

/** What status records of the ACLs applied, to tell when `spec.acls` changed. */
export function aclsHash(acls: readonly ScopeAcl[]): string {
  return contentHash([...acls].sort((a, b) => (a.principal < b.principal ? -1 : 1)));
}

/** Errors no retry fixes; rate limits and unavailability are left to the work queue's backoff. */
export function isPermanent(error: unknown): error is DatabricksApiError {
  return (
    error instanceof DatabricksApiError &&
    !(error instanceof RateLimitedError) &&
    !(error instanceof TemporarilyUnavailableError)
  );
}
