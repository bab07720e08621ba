/**
 * A DatabricksJob's `spec.permissions` applied to its job, keeping the one IS_OWNER grant Databricks
 * insists on whichever mode the spec uses.
 */
import type { AccessControlRequest, DatabricksClient } from '../databricks/index.js';
import type { EventNote } from '../runtime/events.js';
import { contentHash } from './content-hash.js';
import { note } from './event-notes.js';
import type { DatabricksJob } from './job.js';

/**
 * Applies `spec.permissions` when it changed since last applied (or the job is new). Additive: PATCH the
 * listed grants. Authoritative: PUT exactly the list. Either way the job keeps exactly one IS_OWNER: a
 * list that names none keeps the current owner, and an Additive list that names another owner demotes
 * the current one to CAN_MANAGE (it keeps access; PATCH alone would leave two owners, which Databricks
 * refuses). Returns the hash to remember.
 */
export async function applyPermissions(
  job: DatabricksJob,
  jobId: string,
  client: DatabricksClient,
  events: EventNote[],
): Promise<string | undefined> {
  const permissions = job.spec.permissions;
  if (!permissions) return undefined;
  const hash = contentHash([permissions, jobId]);
  if (job.status?.permissionsHash === hash) return hash;
  const mode = permissions.mode ?? 'Additive';
  const acl = permissions.access_control_list as AccessControlRequest[];
  const namedOwner = acl.find((entry) => entry.permission_level === 'IS_OWNER');
  let demoted: AccessControlRequest | undefined;
  if (mode === 'Additive') {
    let complete = acl;
    if (namedOwner) {
      const owner = await currentOwner(client, jobId);
      if (owner && principalOf(owner) !== principalOf(namedOwner)) {
        demoted = { ...owner, permission_level: 'CAN_MANAGE' };
        complete = [...acl, demoted];
      }
    }
    await client.permissions.update('jobs', jobId, complete);
  } else {
    const owner = namedOwner ? undefined : await currentOwner(client, jobId);
    await client.permissions.set('jobs', jobId, owner ? [...acl, owner] : acl);
  }
  const demotion = demoted ? `; the previous owner ${principalOf(demoted)} now has CAN_MANAGE` : '';
  events.push(
    note(
      'PermissionsApplied',
      'SetPermissions',
      `applied ${acl.length} permission(s) to job ${jobId} (${mode})${demotion}`,
    ),
  );
  return hash;
}

/** The job's direct IS_OWNER grant, as a request entry. */
async function currentOwner(
  client: DatabricksClient,
  jobId: string,
): Promise<AccessControlRequest | undefined> {
  const current = await client.permissions.get('jobs', jobId);
  const owner = current.access_control_list?.find((entry) =>
    entry.all_permissions?.some((p) => p.permission_level === 'IS_OWNER' && !p.inherited),
  );
  if (!owner) return undefined;
  const { user_name, group_name, service_principal_name } = owner;
  return {
    ...(user_name ? { user_name } : {}),
    ...(group_name ? { group_name } : {}),
    ...(service_principal_name ? { service_principal_name } : {}),
    permission_level: 'IS_OWNER',
  };
}

/** `user alice@x`, `group data`, `service principal 123`: one principal of an ACL entry. */
function principalOf(
  entry: Pick<AccessControlRequest, 'user_name' | 'group_name' | 'service_principal_name'>,
): string {
  if (entry.user_name) return `user ${entry.user_name}`;
  if (entry.group_name) return `group ${entry.group_name}`;
  return `service principal ${entry.service_principal_name ?? ''}`;
}
