/**
 * Permissions API 2.0 for every object type the controller manages. `set` (PUT) replaces all direct
 * grants; `update` (PATCH) adds or changes the given ones. Responses include inherited grants, which a
 * diff must ignore.
 *
 * {@link PERMISSION_OBJECT_TYPES} says, per object type, which levels it accepts and who may own it, so
 * a reconciler can check and complete an access control list before Databricks refuses it.
 */
import { PERMISSION_LEVELS, type PermissionObjectKind } from '../../lib/crds/permissions.js';
import type { ApiCaller } from './api-caller.js';
import type { Open } from './open-enum.js';
import { formatId, type Int64IdInput } from './int64-json.js';

/**
 * Who owns an object. `exactly-one`: every change must leave one IS_OWNER, a user or service principal
 * (jobs, pipelines); Databricks refuses the rest with "must have exactly one owner". `kept`: at most
 * one, and a change that names none keeps the current owner (SQL warehouses). `none`: no IS_OWNER level.
 */
export type OwnerRule = 'none' | 'exactly-one' | 'kept';

/**
 * The object types, the levels each accepts (written once, in `lib/crds/permissions.ts`, for the schemas
 * too) and who may own each. The key is the path segment of `/api/2.0/permissions/{type}/{id}`.
 */
export const PERMISSION_OBJECT_TYPES = {
  jobs: { levels: PERMISSION_LEVELS.jobs, owner: 'exactly-one' },
  clusters: { levels: PERMISSION_LEVELS.clusters, owner: 'none' },
  'instance-pools': { levels: PERMISSION_LEVELS['instance-pools'], owner: 'none' },
  'cluster-policies': { levels: PERMISSION_LEVELS['cluster-policies'], owner: 'none' },
  pipelines: { levels: PERMISSION_LEVELS.pipelines, owner: 'exactly-one' },
  repos: { levels: PERMISSION_LEVELS.repos, owner: 'none' },
  /** Also reachable as `warehouses`, the SDK's path; Databricks reports the object as `/sql/warehouses/{id}`. */
  'sql/warehouses': { levels: PERMISSION_LEVELS['sql/warehouses'], owner: 'kept' },
  notebooks: { levels: PERMISSION_LEVELS.notebooks, owner: 'none' },
  directories: { levels: PERMISSION_LEVELS.directories, owner: 'none' },
  files: { levels: PERMISSION_LEVELS.files, owner: 'none' },
} as const satisfies Readonly<
  Record<PermissionObjectKind, { readonly levels: readonly string[]; readonly owner: OwnerRule }>
>;

/** An object type this client knows the levels of. */
export type KnownPermissionObjectType = keyof typeof PERMISSION_OBJECT_TYPES;

/** Any object type: the known ones autocomplete; `warehouses` is the SDK's name for `sql/warehouses`. */
export type PermissionObjectType = Open<KnownPermissionObjectType | 'warehouses'>;

/** The levels `T` accepts: type a constant ACL with it (`AccessControlRequest<PermissionLevelOf<'pipelines'>>`). */
export type PermissionLevelOf<T extends KnownPermissionObjectType> =
  (typeof PERMISSION_OBJECT_TYPES)[T]['levels'][number];

/** Every level of every known object type (and any other, as enums are open). */
export type PermissionLevel = Open<PermissionLevelOf<KnownPermissionObjectType>>;

/** One grant in a request: exactly one principal field. */
export interface AccessControlRequest<Level extends string = PermissionLevel> {
  readonly user_name?: string;
  readonly group_name?: string;
  readonly service_principal_name?: string;
  readonly permission_level: Level;
}

export interface Permission {
  readonly permission_level: PermissionLevel;
  readonly inherited?: boolean;
  readonly inherited_from_object?: readonly string[];
}

export interface AccessControlResponse {
  readonly user_name?: string;
  readonly group_name?: string;
  readonly service_principal_name?: string;
  readonly display_name?: string;
  readonly all_permissions?: readonly Permission[];
}

export interface ObjectPermissions {
  /** e.g. `/jobs/123`, `/sql/warehouses/abc`. */
  readonly object_id?: string;
  /** e.g. `job`, `pipelines`, `warehouses`. */
  readonly object_type?: string;
  readonly access_control_list?: readonly AccessControlResponse[];
}

export interface PermissionLevelDescription {
  readonly permission_level: PermissionLevel;
  readonly description?: string;
}

/** The ownership rule of an object type (`none` for a type this client does not know). */
export function ownerRuleOf(objectType: PermissionObjectType): OwnerRule {
  const known = PERMISSION_OBJECT_TYPES[canonicalObjectType(objectType) as KnownPermissionObjectType];
  return known?.owner ?? 'none';
}

/** `sql/warehouses` for `warehouses`; every other type as it is. */
export function canonicalObjectType(objectType: PermissionObjectType): PermissionObjectType {
  return objectType === 'warehouses' ? 'sql/warehouses' : objectType;
}

export class PermissionsApi {
  constructor(private readonly api: ApiCaller) {}

  /** GET `/api/2.0/permissions/{type}/{id}`. */
  get(objectType: PermissionObjectType, objectId: Int64IdInput): Promise<ObjectPermissions> {
    return this.api.call({ method: 'GET', path: pathOf(objectType, objectId), endpoint: 'permissions/get' });
  }

  /** PUT: replaces all direct grants (a job or pipeline must end with exactly one IS_OWNER). */
  set(
    objectType: PermissionObjectType,
    objectId: Int64IdInput,
    accessControlList: readonly AccessControlRequest[],
  ): Promise<ObjectPermissions> {
    return this.api.call({
      method: 'PUT',
      path: pathOf(objectType, objectId),
      endpoint: 'permissions/put',
      body: { access_control_list: accessControlList },
    });
  }

  /** PATCH: adds or changes the given grants, leaving the others. */
  update(
    objectType: PermissionObjectType,
    objectId: Int64IdInput,
    accessControlList: readonly AccessControlRequest[],
  ): Promise<ObjectPermissions> {
    return this.api.call({
      method: 'PATCH',
      path: pathOf(objectType, objectId),
      endpoint: 'permissions/patch',
      body: { access_control_list: accessControlList },
    });
  }

  /** GET `/api/2.0/permissions/{type}/{id}/permissionLevels`: the levels the object accepts. */
  async getPermissionLevels(
    objectType: PermissionObjectType,
    objectId: Int64IdInput,
  ): Promise<PermissionLevelDescription[]> {
    const answer = await this.api.call<{ permission_levels?: PermissionLevelDescription[] }>({
      method: 'GET',
      path: `${pathOf(objectType, objectId)}/permissionLevels`,
      endpoint: 'permissions/get-permission-levels',
    });
    return answer.permission_levels ?? [];
  }
}

/** The path of an object's permissions; each segment of a two-part type (`sql/warehouses`) is kept. */
function pathOf(objectType: string, objectId: Int64IdInput): string {
  const id = typeof objectId === 'string' && !/^-?\d+$/.test(objectId) ? objectId : formatId(objectId);
  const type = objectType.split('/').map(encodeURIComponent).join('/');
  return `/api/2.0/permissions/${type}/${encodeURIComponent(id)}`;
}
