/**
 * `spec.permissions` for every kind whose Databricks object has an access control list (Permissions API
 * 2.0): the levels each object type accepts, written once for the schemas and the controller, and one
 * schema builder so every kind's permissions read and behave alike.
 */
import { type Static } from '@sinclair/typebox';
import { celValidations, exactlyOneOf } from './cel-rules.js';
import { List, Opt, Str, StringEnum, Struct } from './schema-types.js';

/**
 * The levels each object type accepts, keyed by the path segment of `/api/2.0/permissions/{type}/{id}`.
 * Jobs, pipelines and SQL warehouses also have IS_OWNER.
 */
export const PERMISSION_LEVELS = {
  jobs: ['CAN_VIEW', 'CAN_MANAGE_RUN', 'CAN_MANAGE', 'IS_OWNER'],
  clusters: ['CAN_ATTACH_TO', 'CAN_RESTART', 'CAN_MANAGE'],
  'instance-pools': ['CAN_ATTACH_TO', 'CAN_MANAGE'],
  'cluster-policies': ['CAN_USE'],
  pipelines: ['CAN_VIEW', 'CAN_RUN', 'CAN_MANAGE', 'IS_OWNER'],
  repos: ['CAN_READ', 'CAN_RUN', 'CAN_EDIT', 'CAN_MANAGE'],
  'sql/warehouses': ['CAN_VIEW', 'CAN_MONITOR', 'CAN_USE', 'CAN_MANAGE', 'IS_OWNER'],
  notebooks: ['CAN_READ', 'CAN_RUN', 'CAN_EDIT', 'CAN_MANAGE'],
  directories: ['CAN_READ', 'CAN_RUN', 'CAN_EDIT', 'CAN_MANAGE'],
  files: ['CAN_READ', 'CAN_RUN', 'CAN_EDIT', 'CAN_MANAGE'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** An object type whose levels are known. */
export type PermissionObjectKind = keyof typeof PERMISSION_LEVELS;

/** The levels object type `T` accepts. */
export type PermissionLevelOf<T extends PermissionObjectKind> = (typeof PERMISSION_LEVELS)[T][number];

/** How a kind's permissions are applied: only the listed grants, or the list as the whole truth. */
export const PERMISSIONS_MODES = ['Additive', 'Authoritative'] as const;
export type PermissionsMode = (typeof PERMISSIONS_MODES)[number];

/** What a kind says about its permissions in `kubectl explain`. */
export interface PermissionsWording {
  /** Describes `permission_level`, e.g. `Permission level. A job has exactly one IS_OWNER.` */
  readonly level: string;
  /** Describes `spec.permissions`, e.g. `Who may view, run, manage or own the job.` */
  readonly permissions: string;
}

/** One entry of an access control list giving one of `levels` to one principal. */
export function accessControlEntry<const L extends readonly string[]>(levels: L, levelDescription: string) {
  return Struct(
    {
      user_name: Opt(Str('User (email) granted the level.')),
      group_name: Opt(Str('Group granted the level.')),
      service_principal_name: Opt(Str('Service principal (application ID) granted the level.')),
      permission_level: StringEnum(levels, levelDescription),
    },
    'A permission for one principal. Set exactly one of user_name, group_name, service_principal_name.',
    celValidations(
      exactlyOneOf(['user_name', 'group_name', 'service_principal_name'], 'access control entry'),
    ),
  );
}

/**
 * The `spec.permissions` schema of an object of type `objectType`: `mode` and the access control list,
 * verbatim as the Permissions API takes it. A type with IS_OWNER allows at most one owner entry, checked
 * at admission.
 */
export function objectPermissions<const T extends PermissionObjectKind>(
  objectType: T,
  wording: PermissionsWording,
) {
  const levels: (typeof PERMISSION_LEVELS)[T] = PERMISSION_LEVELS[objectType];
  const hasOwner = (levels as readonly string[]).includes('IS_OWNER');
  return Struct(
    {
      mode: StringEnum(
        PERMISSIONS_MODES,
        'Additive grants the listed permissions and leaves others alone; Authoritative makes the list the complete set of direct permissions.',
        { default: 'Additive' },
      ),
      access_control_list: List(
        accessControlEntry(levels, wording.level),
        'The permissions, verbatim as the Permissions API takes them.',
        { maxItems: 200 },
      ),
    },
    wording.permissions,
    hasOwner
      ? celValidations({
          rule: "self.access_control_list.filter(e, e.permission_level == 'IS_OWNER').size() <= 1",
          message: 'permissions.access_control_list: at most one entry may have permission_level IS_OWNER',
          fieldPath: '.access_control_list',
        })
      : {},
  );
}

/** `status.permissionsHash`: the spec's permissions last applied, and the object they were applied to. */
export const PermissionsHash = Str('Hash of the permissions last applied.');

/** The static type of a kind's `spec.permissions`. */
export type ObjectPermissionsSpec<T extends PermissionObjectKind> = Static<
  ReturnType<typeof objectPermissions<T>>
>;

/** Any kind's `spec.permissions`, as the controller reads it. */
export interface AnyPermissionsSpec {
  readonly mode?: PermissionsMode;
  readonly access_control_list: readonly {
    readonly user_name?: string;
    readonly group_name?: string;
    readonly service_principal_name?: string;
    readonly permission_level: string;
  }[];
}
