/**
 * A DatabricksSecretScope's `spec.acls` applied to its scope: made equal to the list, except that the
 * controller's own principal keeps its entry, without which it could no longer manage the scope.
 */
import {
  DatabricksApiError,
  RateLimitedError,
  TemporarilyUnavailableError,
  type AclItem,
  type DatabricksClient,
} from '../databricks/index.js';
import type { DatabricksSecretScopeSpec } from '../../lib/crds/index.js';
import type { EventNote } from '../runtime/events.js';
import { contentHash } from './content-hash.js';
import { deleteUnlessGone } from './deletion-policy.js';
import { note } from './event-notes.js';

type ScopeAcl = NonNullable<DatabricksSecretScopeSpec['acls']>[number];

/** Makes the scope's ACLs equal `acls`, keeping the controller's own entry. */
export async function applyAcls(
  acls: readonly ScopeAcl[],
  name: string,
  observed: readonly AclItem[] | undefined,
  client: DatabricksClient,
  events: EventNote[],
): Promise<void> {
  const current = new Map((observed ?? []).map((acl) => [acl.principal, acl.permission]));
  const changes: string[] = [];
  for (const { principal, permission } of acls) {
    if (current.get(principal) === permission) continue;
    await client.secrets.putAcl(name, principal, permission);
    changes.push(`${principal} ${permission}`);
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
    }
  }
  if (changes.length > 0) {
    events.push(note('AclsApplied', 'PutAcl', `ACLs of secret scope ${name}: ${changes.join(', ')}`));
  }
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
