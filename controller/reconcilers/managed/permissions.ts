/**
 * A managed object's `spec.permissions` applied to its Databricks object (a job, cluster, pool, policy,
 * repo, pipeline or SQL warehouse), and applied again when a grant was changed in Databricks. Types with
 * an owner (jobs and pipelines: exactly one; SQL warehouses: at most one, kept) keep their one IS_OWNER
 * whichever mode the spec uses. No listing shows permissions, so they are read on the slow cycle
 * ({@link StaggeredCycle}): once per period per object, at the object's own moment in it.
 */
import type { AnyPermissionsSpec, PermissionsMode } from '../../../lib/crds/permissions.js';
import {
  ownerRuleOf,
  type AccessControlRequest,
  type DatabricksClient,
  type KnownPermissionObjectType,
  type ObjectPermissions,
  type PermissionLevel,
} from '../../databricks/index.js';
import type { EventNote } from '../../runtime/events.js';
import { contentHash } from './content-hash.js';
import { note, shortList, warning } from './event-notes.js';
import { NotReadyError } from './managed.js';
import type { StaggeredCycle } from './staggered-cycle.js';

/** The Databricks object whose permissions a reconcile applies. */
export interface PermissionsTarget {
  /** The path segment of the Permissions API (`jobs`, `sql/warehouses`, ...). */
  readonly objectType: KnownPermissionObjectType;
  readonly objectId: string;
  /** What messages call the type: `job`, `SQL warehouse`. */
  readonly noun: string;
}

/** What {@link applyObjectPermissions} needs of the object being reconciled. */
export interface WithPermissions {
  readonly metadata: { readonly uid?: string };
  readonly spec: { readonly permissions?: AnyPermissionsSpec };
  readonly status?: { readonly permissionsHash?: string };
}

/**
 * Applies `spec.permissions` when it changed since last applied, or the object is new (its ID is part of
 * the hash, so an object just created or adopted never gets the read below). Otherwise, when the object's
 * moment of the slow `cycle` has come, reads its permissions (one call, only for an object with
 * `spec.permissions`) and applies them again with a `DriftCorrected` Event when a direct grant differs: a
 * listed principal without exactly its listed level, or, Authoritative, a direct grant the list does not
 * hold. Returns the hash to keep in `status.permissionsHash` (undefined without `spec.permissions`).
 */
export async function applyObjectPermissions(
  object: WithPermissions,
  target: PermissionsTarget,
  client: DatabricksClient,
  events: EventNote[],
  cycle: StaggeredCycle,
): Promise<string | undefined> {
  const permissions = object.spec.permissions;
  if (!permissions) return undefined;
  const uid = object.metadata.uid ?? '';
  const { objectType, objectId, noun } = target;
  const hash = contentHash([permissions, objectId]);
  const mode = permissions.mode ?? 'Additive';
  const acl = permissions.access_control_list as AccessControlRequest[];
  if (object.status?.permissionsHash !== hash) {
    const demotion = await setPermissions(mode, acl, target, client);
    cycle.read(uid);
    events.push(
      note(
        'PermissionsApplied',
        'SetPermissions',
        `applied ${acl.length} permission(s) to ${noun} ${objectId} (${mode})${demotion}`,
      ),
    );
    return hash;
  }
  if (!cycle.due(uid)) return hash;
  const current = await client.permissions.get(objectType, objectId);
  const differing = driftedPrincipals(mode, acl, directGrants(current));
  if (differing.length > 0) {
    const demotion = await setPermissions(mode, acl, target, client, current);
    events.push(
      warning(
        'DriftCorrected',
        'SetPermissions',
        `permissions of ${noun} ${objectId} were changed in Databricks (${shortList(differing)}); applied spec.permissions again (${mode})${demotion}`,
      ),
    );
  }
  // Only once all of it went through: a failure is retried with the read, not left for a period.
  cycle.read(uid);
  return hash;
}

/**
 * Additive: PATCH the listed grants. Authoritative: PUT exactly the list. A type with an owner keeps one
 * IS_OWNER either way: a list that names none keeps the current owner, and an Additive list that names
 * another owner demotes the current one to CAN_MANAGE (it keeps access; PATCH alone would leave two
 * owners, which Databricks refuses). A list that names no owner but gives the current one a lower level
 * is refused: it asks for an object without its owner. `current` spares reading the permissions again
 * when the caller has them already. Returns the demotion, in words, for the Event.
 */
async function setPermissions(
  mode: PermissionsMode,
  acl: readonly AccessControlRequest[],
  target: PermissionsTarget,
  client: DatabricksClient,
  current?: ObjectPermissions,
): Promise<string> {
  const { objectType, objectId } = target;
  const namedOwner = acl.find((entry) => entry.permission_level === 'IS_OWNER');
  if (ownerRuleOf(objectType) === 'none' || (mode === 'Authoritative' && namedOwner)) {
    // No owner to keep, or the list says everything, owner included: nothing to read first.
    await (mode === 'Authoritative'
      ? client.permissions.set(objectType, objectId, acl)
      : client.permissions.update(objectType, objectId, acl));
    return '';
  }
  const previous = currentOwner(current ?? (await client.permissions.get(objectType, objectId)));
  if (!namedOwner && previous) refuseOwnerDemotion(acl, previous, target);
  if (mode === 'Authoritative') {
    await client.permissions.set(objectType, objectId, previous ? [...acl, previous] : acl);
    return '';
  }
  if (!namedOwner || !previous || principalOf(previous) === principalOf(namedOwner)) {
    await client.permissions.update(objectType, objectId, acl);
    return '';
  }
  const demoted: AccessControlRequest = { ...previous, permission_level: 'CAN_MANAGE' };
  await client.permissions.update(objectType, objectId, [...acl, demoted]);
  return `; the previous owner ${principalOf(demoted)} now has CAN_MANAGE`;
}

/**
 * Throws `InvalidSettings` when `acl` names no IS_OWNER yet lists the object's `owner` at another level:
 * Databricks keeps the owner, so the grant could never hold (and would read as drift at every resync).
 */
function refuseOwnerDemotion(
  acl: readonly AccessControlRequest[],
  owner: AccessControlRequest,
  { noun, objectId }: PermissionsTarget,
): void {
  const index = acl.findIndex((entry) => principalOf(entry) === principalOf(owner));
  if (index < 0) return;
  const who = principalOf(owner);
  throw new NotReadyError(
    'InvalidSettings',
    `spec.permissions.access_control_list[${index}] gives ${who}, the owner of ${noun} ${objectId}, ${acl[index].permission_level} and no entry is IS_OWNER; a ${noun} keeps its one owner: list ${who} as IS_OWNER, or add an IS_OWNER entry for the principal that should own the ${noun}`,
  );
}

/** `principal → level` of the grants made on the object itself; inherited ones (e.g. `admins`) are left out. */
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
  mode: PermissionsMode,
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

/** The object's direct IS_OWNER grant, as a request entry. */
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
