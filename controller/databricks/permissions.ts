/**
 * Permissions API 2.0 for jobs, clusters, notebooks and the rest. `set` (PUT) replaces all direct
 * grants; `update` (PATCH) adds or changes the given ones. Responses include inherited grants, which a
 * diff must ignore.
 */
import type { ApiCaller } from './api-caller.js';
import type { Open } from './open-enum.js';
import { formatId, type Int64IdInput } from './int64-json.js';

export type PermissionObjectType = Open<
  | 'jobs'
  | 'clusters'
  | 'instance-pools'
  | 'cluster-policies'
  | 'directories'
  | 'notebooks'
  | 'files'
  | 'repos'
  | 'pipelines'
>;

export type PermissionLevel = Open<
  | 'CAN_VIEW'
  | 'CAN_MANAGE_RUN'
  | 'CAN_MANAGE'
  | 'IS_OWNER'
  | 'CAN_ATTACH_TO'
  | 'CAN_RESTART'
  | 'CAN_USE'
  | 'CAN_READ'
  | 'CAN_RUN'
  | 'CAN_EDIT'
>;

/** One grant in a request: exactly one principal field. */
export interface AccessControlRequest {
  readonly user_name?: string;
  readonly group_name?: string;
  readonly service_principal_name?: string;
  readonly permission_level: PermissionLevel;
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
  /** e.g. `/jobs/123`. */
  readonly object_id?: string;
  readonly object_type?: string;
  readonly access_control_list?: readonly AccessControlResponse[];
}

export class PermissionsApi {
  constructor(private readonly api: ApiCaller) {}

  /** GET `/api/2.0/permissions/{type}/{id}`. */
  get(objectType: PermissionObjectType, objectId: Int64IdInput): Promise<ObjectPermissions> {
    return this.api.call({ method: 'GET', path: pathOf(objectType, objectId), endpoint: 'permissions/get' });
  }

  /** PUT: replaces all direct grants (a job must end with exactly one IS_OWNER). */
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
}

function pathOf(objectType: string, objectId: Int64IdInput): string {
  const id = typeof objectId === 'string' && !/^-?\d+$/.test(objectId) ? objectId : formatId(objectId);
  return `/api/2.0/permissions/${encodeURIComponent(objectType)}/${encodeURIComponent(id)}`;
}
