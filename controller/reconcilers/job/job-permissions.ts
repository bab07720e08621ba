/**
 * A DatabricksJob's `spec.permissions` applied to its job, keeping the one IS_OWNER grant Databricks
 * insists on whichever mode the spec uses, and applied again when a grant was changed in Databricks.
 * No listing shows a job's permissions, so they are read on the slow cycle ({@link StaggeredCycle}):
 * once per period per job, at the job's own moment in it.
 */
import type {
  AccessControlRequest,
  DatabricksClient,
  ObjectPermissions,
  PermissionLevel,
} from '../../databricks/index.js';
import type { EventNote } from '../../runtime/events.js';
import { contentHash } from '../managed/content-hash.js';
import { note, shortList, warning } from '../managed/event-notes.js';
import type { DatabricksJob } from './job-types.js';
import { NotReadyError } from '../managed/managed.js';
import type { StaggeredCycle } from '../managed/staggered-cycle.js';

type Mode = NonNullable<NonNullable<DatabricksJob['spec']['permissions']>['mode']>;

/**
 * Applies `spec.permissions` when it changed since last applied, or the job is new (its ID is part of
 * the hash, so a job just created or adopted never gets the read below). Otherwise, when the job's moment
 * of the slow `cycle` has come, reads the job's permissions (one call, only for a job with
 * `spec.permissions`) and applies them again with a `DriftCorrected` Event when a direct grant differs: a
 * listed principal without exactly its listed level, or, Authoritative, a direct grant the list does not
 * hold. Returns the hash to remember.
 */
export async function applyPermissions(
  job: DatabricksJob,
  jobId: string,
  client: DatabricksClient,
  events: EventNote[],
  cycle: StaggeredCycle,
): Promise<string | undefined> {
  const permissions = job.spec.permissions;
  if (!permissions) return undefined;
  const uid = job.metadata.uid ?? '';
  const hash = contentHash([permissions, jobId]);
  const mode = permissions.mode ?? 'Additive';
  const acl = permissions.access_control_list as AccessControlRequest[];
  if (job.status?.permissionsHash !== hash) {
    const demotion = await setPermissions(mode, acl, jobId, client);
    cycle.read(uid);
    events.push(
      note(
        'PermissionsApplied',
        'SetPermissions',
        `applied ${acl.length} permission(s) to job ${jobId} (${mode})${demotion}`,
      ),
    );
    return hash;
  }
  if (!cycle.due(uid)) return hash;
  const current = await client.permissions.get('jobs', jobId);
  const differing = driftedPrincipals(mode, acl, directGrants(current));
  if (differing.length > 0) {
    const demotion = await setPermissions(mode, acl, jobId, client, current);
    events.push(
      warning(
        'DriftCorrected',
        'SetPermissions',
        `permissions of job ${jobId} were changed in Databricks (${shortList(differing)}); applied spec.permissions again (${mode})${demotion}`,
      ),
    );
  }
  // Only once all of it went through: a failure is retried with the read, not left for a period.
  cycle.read(uid);
  return hash;
}

/**
 * Additive: PATCH the listed grants. Authoritative: PUT exactly the list. Either way the job keeps
 * exactly one IS_OWNER: a list that names none keeps the current owner, and an Additive list that names
 * another owner demotes the current one to CAN_MANAGE (it keeps access; PATCH alone would leave two
 * owners, which Databricks refuses). A list that names no owner but gives the current one a lower level
 * is refused: it asks for a job without an owner. `current` spares reading the permissions again when the
 * caller has them already. Returns the demotion, in words, for the Event.
 */
async function setPermissions(
  mode: Mode,
  acl: readonly AccessControlRequest[],
  jobId: string,
  client: DatabricksClient,
  current?: ObjectPermissions,
): Promise<string> {
  const namedOwner = acl.find((entry) => entry.permission_level === 'IS_OWNER');
  if (mode === 'Authoritative' && namedOwner) {
    // The list says everything, owner included: nothing to learn from the job's current permissions.
    await client.permissions.set('jobs', jobId, acl);
    return '';
  }
  const previous = currentOwner(current ?? (await client.permissions.get('jobs', jobId)));
  if (!namedOwner && previous) refuseOwnerDemotion(acl, previous, jobId);
  if (mode === 'Authoritative') {
    await client.permissions.set('jobs', jobId, previous ? [...acl, previous] : acl);
    return '';
  }
  if (!namedOwner || !previous || principalOf(previous) === principalOf(namedOwner)) {
    await client.permissions.update('jobs', jobId, acl);
    return '';
  }
  const demoted: AccessControlRequest = { ...previous, permission_level: 'CAN_MANAGE' };
  await client.permissions.update('jobs', jobId, [...acl, demoted]);
  return `; the previous owner ${principalOf(demoted)} now has CAN_MANAGE`;
}

/**
 * Throws `InvalidSettings` when `acl` names no IS_OWNER yet lists the job's `owner` at another level:
 * Databricks keeps exactly one owner, so the grant could never hold (and would read as drift at every
 * resync).
 */
function refuseOwnerDemotion(
  acl: readonly AccessControlRequest[],
  owner: AccessControlRequest,
  jobId: string,
): void {
  const index = acl.findIndex((entry) => principalOf(entry) === principalOf(owner));
  if (index < 0) return;
  const who = principalOf(owner);
  throw new NotReadyError(
    'InvalidSettings',
    `spec.permissions.access_control_list[${index}] gives ${who}, the owner of job ${jobId}, ${acl[index].permission_level} and no entry is IS_OWNER; a job has exactly one owner: list ${who} as IS_OWNER, or add an IS_OWNER entry for the principal that should own the job`,
  );
}

/** `principal → level` of the grants made on the job itself; inherited ones (e.g. `admins`) are left out. */
function directGrants(current: ObjectPermissions): Map<string, PermissionLevel> {
  const grants = new Map<string, PermissionLevel>();
  for (const entry of current.access_control_list ?? []) {
    const direct = entry.all_permissions?.find((permission) => !permission.inherited);
    if (direct) grants.set(principalOf(entry), direct.permission_level);
  }
  return grants;
}

/**
 * The principals whose direct grant differs from what `mode` asks of `acl`. Both modes: each listed
 * principal holds exactly its listed level. Authoritative also: nothing else, except the one owner a list
 * naming none keeps.
 */
function driftedPrincipals(
  mode: Mode,
  acl: readonly AccessControlRequest[],
  direct: ReadonlyMap<string, PermissionLevel>,
): string[] {
  const listed = new Map(acl.map((entry) => [principalOf(entry), entry.permission_level]));
  const differing = [...listed]
    .filter(([principal, level]) => direct.get(principal) !== level)
    .map(([principal]) => principal);
  if (mode === 'Authoritative') {
    const keepsOwner = ![...listed.values()].includes('IS_OWNER');
    const unlisted = [...direct].filter(([principal]) => !listed.has(principal));
    const owners = unlisted.filter(([, level]) => level === 'IS_OWNER');
    for (const [principal, level] of unlisted) {
      if (keepsOwner && level === 'IS_OWNER' && owners.length === 1) continue;
      differing.push(principal);
    }
  }
  return differing;
}

/** The job's direct IS_OWNER grant, as a request entry. */
function currentOwner(current: ObjectPermissions): AccessControlRequest | undefined {
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
