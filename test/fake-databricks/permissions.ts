import {
  errors,
  type FakeContext,
  type FakeRequest,
  type FakeResponseBody,
  type FakeService,
  type Route,
} from './api.js';
import { RequestFields } from './request-fields.js';

/**
 * Tells the permissions service whether an object exists, by the type segment of the permissions path
 * (`jobs`, `clusters`, ...) and its id as a string. The workspace wires it to the jobs and clusters
 * services.
 */
export type ObjectExists = (objectType: string, id: string) => boolean;

type PrincipalField = 'user_name' | 'group_name' | 'service_principal_name';
const PRINCIPAL_FIELDS: readonly PrincipalField[] = ['user_name', 'group_name', 'service_principal_name'];

/**
 * Who may own an object: nobody (`none`), exactly one user or service principal after every change
 * (`exactly-one`: jobs and pipelines, BEHAVIOUR.md §1.7), or at most one, where a change that names no
 * owner keeps the current one (`kept`: SQL warehouses, whose PUT without an owner is refused only when
 * the warehouse has none, "PUT requests for warehouse X with no existing owner must provide a new owner").
 */
type OwnerRule = 'none' | 'exactly-one' | 'kept';

interface ObjectTypeRules {
  /** `object_type` in responses. */
  readonly singular: string;
  /** What messages call one object, when it differs from `object_type` (`pipeline`, `warehouse`). */
  readonly noun?: string;
  readonly levels: Readonly<Record<string, string>>;
  readonly owner: OwnerRule;
  /** The level the creator gets when the object is created. */
  readonly creatorLevel: string;
  /** Legacy objects keep their ACL after deletion, and GET on them still answers. */
  readonly keepsAclAfterDelete: boolean;
}

const WORKSPACE_OBJECT_LEVELS = {
  CAN_READ: 'Can view and comment',
  CAN_RUN: 'Can run',
  CAN_EDIT: 'Can edit',
  CAN_MANAGE: 'Can manage',
};

const OBJECT_TYPES: Readonly<Record<string, ObjectTypeRules>> = {
  jobs: {
    singular: 'job',
    levels: {
      CAN_VIEW: 'Can view the job and its runs',
      CAN_MANAGE_RUN: 'Can view, trigger and cancel runs',
      IS_OWNER: 'Owns the job: runs execute as this principal',
      CAN_MANAGE: 'Can change settings, permissions and delete',
    },
    owner: 'exactly-one',
    creatorLevel: 'IS_OWNER',
    keepsAclAfterDelete: true,
  },
  clusters: {
    singular: 'cluster',
    levels: {
      CAN_ATTACH_TO: 'Can attach notebooks and jobs',
      CAN_RESTART: 'Can attach, start, restart and terminate',
      CAN_MANAGE: 'Can edit, delete and change permissions',
    },
    owner: 'none',
    creatorLevel: 'CAN_MANAGE',
    keepsAclAfterDelete: false,
  },
  'instance-pools': {
    singular: 'instance-pool',
    levels: { CAN_ATTACH_TO: 'Can attach clusters', CAN_MANAGE: 'Can edit, delete and change permissions' },
    owner: 'none',
    creatorLevel: 'CAN_MANAGE',
    keepsAclAfterDelete: false,
  },
  'cluster-policies': {
    singular: 'cluster-policy',
    levels: { CAN_USE: 'Can create clusters with the policy' },
    owner: 'none',
    creatorLevel: 'CAN_USE',
    keepsAclAfterDelete: false,
  },
  pipelines: {
    singular: 'pipelines',
    noun: 'pipeline',
    levels: {
      CAN_VIEW: 'Can view',
      CAN_RUN: 'Can run',
      CAN_MANAGE: 'Can manage',
      IS_OWNER: 'Owns the pipeline',
    },
    owner: 'exactly-one',
    creatorLevel: 'IS_OWNER',
    keepsAclAfterDelete: false,
  },
  repos: {
    singular: 'repo',
    levels: WORKSPACE_OBJECT_LEVELS,
    owner: 'none',
    creatorLevel: 'CAN_MANAGE',
    keepsAclAfterDelete: false,
  },
  // The SDK's path is permissions/warehouses/{id}; Terraform and older clients use sql/warehouses.
  // Both name one ACL, reported under /sql/warehouses/{id}.
  'sql/warehouses': {
    singular: 'warehouses',
    noun: 'warehouse',
    levels: {
      CAN_VIEW: 'Can view the warehouse',
      CAN_MONITOR: 'Can view the warehouse and its queries',
      CAN_USE: 'Can run queries on the warehouse',
      CAN_MANAGE: 'Can edit, start, stop, delete and change permissions',
      IS_OWNER: 'Owns the warehouse',
    },
    owner: 'kept',
    creatorLevel: 'IS_OWNER',
    keepsAclAfterDelete: false,
  },
  notebooks: {
    singular: 'notebook',
    levels: WORKSPACE_OBJECT_LEVELS,
    owner: 'none',
    creatorLevel: 'CAN_MANAGE',
    keepsAclAfterDelete: false,
  },
  directories: {
    singular: 'directory',
    levels: WORKSPACE_OBJECT_LEVELS,
    owner: 'none',
    creatorLevel: 'CAN_MANAGE',
    keepsAclAfterDelete: false,
  },
};

/** Request types that name another type's objects: `permissions/warehouses/{id}` is `sql/warehouses`. */
const OBJECT_TYPE_ALIASES: Readonly<Record<string, string>> = { warehouses: 'sql/warehouses' };

/** The request type an ACL is kept under. */
function canonicalType(objectType: string): string {
  return OBJECT_TYPE_ALIASES[objectType] ?? objectType;
}

/** One direct grant: a principal (by kind and name) and a level. */
export interface AccessControlEntry {
  readonly principalField: PrincipalField;
  readonly principal: string;
  readonly level: string;
}

/**
 * The Permissions API (2.0): direct ACLs per object, for jobs, clusters and the other object types
 * above. PUT replaces the direct ACL, PATCH adds or changes entries by principal; every answer also
 * carries the inherited `admins` CAN_MANAGE entry, as a real workspace does. Jobs (and pipelines) must
 * end every change with exactly one IS_OWNER, a user or service principal.
 *
 * The workspace tells this service about objects: {@link PermissionsService.onObjectCreated} gives the
 * creator its initial level (the owner of a job), {@link PermissionsService.onObjectDeleted} drops the
 * ACL, except for jobs, whose ACL outlives them (GET on a deleted job answers with it).
 */
export class PermissionsService implements FakeService {
  readonly name = 'permissions';
  /** Direct ACLs by `type/id`, each keyed by `principalField:principal`. */
  private acls = new Map<string, Map<string, AccessControlEntry>>();

  constructor(
    private readonly ctx: FakeContext,
    private readonly exists: ObjectExists,
  ) {}

  routes(): Route[] {
    return [
      ...this.routesAt('/api/2.0/permissions/:objectType/:objectId'),
      ...this.routesAt('/api/2.0/permissions/sql/warehouses/:objectId', 'sql/warehouses'),
    ];
  }

  private routesAt(base: string, fixedType?: string): Route[] {
    const typed =
      (handler: (req: FakeRequest) => FakeResponseBody) =>
      (req: FakeRequest): FakeResponseBody =>
        handler(fixedType ? { ...req, params: { ...req.params, objectType: fixedType } } : req);
    return [
      { method: 'GET', path: base, endpoint: 'permissions/get', handler: typed((req) => this.get(req)) },
      {
        method: 'PUT',
        path: base,
        endpoint: 'permissions/put',
        handler: typed((req) => this.set(req, 'replace')),
      },
      {
        method: 'PATCH',
        path: base,
        endpoint: 'permissions/patch',
        handler: typed((req) => this.set(req, 'merge')),
      },
      {
        method: 'GET',
        path: `${base}/permissionLevels`,
        endpoint: 'permissions/get-permission-levels',
        handler: typed((req) => this.levels(req)),
      },
    ];
  }

  snapshot(): unknown {
    return Object.fromEntries(
      [...this.acls.entries()].map(([key, acl]) => [
        key,
        [...acl.values()].map((entry) => ({
          [entry.principalField]: entry.principal,
          permission_level: entry.level,
        })),
      ]),
    );
  }

  reset(): void {
    this.acls.clear();
  }

  /**
   * An object was created by `creator`: record the creator's initial level (IS_OWNER of a job,
   * CAN_MANAGE of a cluster), then apply `accessControlList` (as `jobs/create` takes it) over it.
   * Throws the API's 400 if the list is invalid; call {@link PermissionsService.checkInitialAcl} first
   * to refuse a create before anything is stored.
   */
  onObjectCreated(
    objectType: string,
    id: string,
    creator: string = this.ctx.userName,
    accessControlList: readonly unknown[] = [],
  ): void {
    this.acls.set(
      `${canonicalType(objectType)}/${id}`,
      this.initialAcl(objectType, creator, accessControlList),
    );
  }

  /** Validate an initial `access_control_list` without storing anything. */
  checkInitialAcl(
    objectType: string,
    creator: string = this.ctx.userName,
    accessControlList: readonly unknown[] = [],
  ): void {
    this.initialAcl(objectType, creator, accessControlList);
  }

  /** An object was deleted: its ACL goes too, unless the type keeps it (jobs). */
  onObjectDeleted(objectType: string, id: string): void {
    if (!rulesFor(objectType).keepsAclAfterDelete) this.acls.delete(`${canonicalType(objectType)}/${id}`);
  }

  /** The direct ACL of an object (for test assertions and the jobs service's run_as). */
  directAcl(objectType: string, id: string): AccessControlEntry[] {
    return [...(this.acls.get(`${canonicalType(objectType)}/${id}`)?.values() ?? [])];
  }

  private initialAcl(
    objectType: string,
    creator: string,
    accessControlList: readonly unknown[],
  ): Map<string, AccessControlEntry> {
    const rules = rulesFor(objectType);
    const acl = new Map<string, AccessControlEntry>();
    const creatorEntry: AccessControlEntry = {
      principalField: creator.includes('@') ? 'user_name' : 'service_principal_name',
      principal: creator,
      level: rules.creatorLevel,
    };
    const requested = accessControlList.map((entry) => parseEntry(objectType, rules, entry));
    // A list naming its own owner replaces the creator as owner rather than adding a second one.
    const namesOwner = requested.some((entry) => entry.level === 'IS_OWNER');
    if (!(namesOwner && creatorEntry.level === 'IS_OWNER')) acl.set(keyOf(creatorEntry), creatorEntry);
    for (const entry of requested) acl.set(keyOf(entry), entry);
    checkOwners(rules, acl, new Map(), objectType);
    return acl;
  }

  private get(req: FakeRequest): FakeResponseBody {
    const { objectType, objectId, rules } = this.target(req, true);
    return this.response(objectType, objectId, rules);
  }

  private set(req: FakeRequest, mode: 'replace' | 'merge'): FakeResponseBody {
    const { objectType, objectId, rules } = this.target(req, false);
    const entries = (RequestFields.of(req).array('access_control_list') ?? []).map((entry) =>
      parseEntry(objectType, rules, entry),
    );
    const key = `${objectType}/${objectId}`;
    const previous = this.acls.get(key) ?? new Map<string, AccessControlEntry>();
    const next = mode === 'replace' ? new Map<string, AccessControlEntry>() : new Map(previous);
    for (const entry of entries) next.set(keyOf(entry), entry);
    checkOwners(rules, next, previous, objectId);
    this.acls.set(key, next);
    return this.response(objectType, objectId, rules);
  }

  private levels(req: FakeRequest): FakeResponseBody {
    const { rules } = this.target(req, false);
    return {
      permission_levels: Object.entries(rules.levels).map(([level, description]) => ({
        permission_level: level,
        description,
      })),
    };
  }

  private target(
    req: FakeRequest,
    allowDeleted: boolean,
  ): { objectType: string; objectId: string; rules: ObjectTypeRules } {
    const objectType = canonicalType(req.params.objectType ?? '');
    const objectId = req.params.objectId ?? '';
    const rules = rulesFor(objectType);
    const keptAfterDelete =
      allowDeleted && rules.keepsAclAfterDelete && this.acls.has(`${objectType}/${objectId}`);
    if (!this.exists(objectType, objectId) && !keptAfterDelete) {
      const noun = nounOf(rules);
      throw errors.notFound(`${noun.charAt(0).toUpperCase()}${noun.slice(1)} ${objectId} does not exist.`);
    }
    return { objectType, objectId, rules };
  }

  private response(objectType: string, objectId: string, rules: ObjectTypeRules): FakeResponseBody {
    const direct = [...(this.acls.get(`${objectType}/${objectId}`)?.values() ?? [])];
    const inherited = {
      permission_level: 'CAN_MANAGE',
      inherited: true,
      inherited_from_object: [`/${objectType}/`],
    };
    const list = direct
      .filter((entry) => !(entry.principalField === 'group_name' && entry.principal === 'admins'))
      .map((entry) => ({
        [entry.principalField]: entry.principal,
        all_permissions: [{ permission_level: entry.level, inherited: false }],
      }));
    const adminsDirect = direct.find(
      (entry) => entry.principalField === 'group_name' && entry.principal === 'admins',
    );
    list.push({
      group_name: 'admins',
      all_permissions: [
        ...(adminsDirect ? [{ permission_level: adminsDirect.level, inherited: false }] : []),
        inherited,
      ],
    });
    return {
      object_id: `/${objectType}/${objectId}`,
      object_type: rules.singular,
      access_control_list: list,
    };
  }
}

function nounOf(rules: ObjectTypeRules): string {
  return rules.noun ?? rules.singular;
}

function rulesFor(objectType: string): ObjectTypeRules {
  const rules = OBJECT_TYPES[canonicalType(objectType)];
  if (!rules) {
    throw errors.invalidParameter(
      `'${objectType}' is not an object type with permissions here; use one of ${Object.keys(OBJECT_TYPES).join(', ')}.`,
    );
  }
  return rules;
}

function parseEntry(objectType: string, rules: ObjectTypeRules, raw: unknown): AccessControlEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw errors.malformedRequest('Each access_control_list entry must be an object.');
  }
  const fields = RequestFields.from(raw as Record<string, unknown>);
  const named = PRINCIPAL_FIELDS.filter((field) => fields.has(field));
  if (named.length !== 1) {
    throw errors.invalidParameter(
      `Each access_control_list entry needs exactly one of user_name, group_name and service_principal_name (got ${named.length}).`,
    );
  }
  const principalField = named[0];
  const principal = fields.requiredString(principalField);
  const level = fields.requiredString('permission_level');
  if (!(level in rules.levels)) {
    throw errors.invalidParameter(
      `Permission ${level} is not valid for ${objectType}: use one of ${Object.keys(rules.levels).join(', ')}.`,
    );
  }
  if (level === 'IS_OWNER' && principalField === 'group_name') {
    throw errors.invalidParameter(
      `Group ${principal} cannot be the owner of a ${nounOf(rules)}: give IS_OWNER to a user or service principal.`,
    );
  }
  return { principalField, principal, level };
}

/**
 * Applies the type's owner rule to an ACL about to be stored. For `kept`, an ACL that names no owner gets
 * the previous owner back (so `next` may change).
 */
function checkOwners(
  rules: ObjectTypeRules,
  next: Map<string, AccessControlEntry>,
  previous: ReadonlyMap<string, AccessControlEntry>,
  objectId: string,
): void {
  if (rules.owner === 'none') return;
  const owners = [...next.values()].filter((entry) => entry.level === 'IS_OWNER').length;
  if (rules.owner === 'exactly-one' && owners !== 1) {
    throw errors.invalidParameter(`The ${nounOf(rules)} must have exactly one owner.`);
  }
  if (owners > 1) throw errors.invalidParameter(`The ${nounOf(rules)} must have exactly one owner.`);
  if (owners === 0) {
    const owner = [...previous.values()].find((entry) => entry.level === 'IS_OWNER');
    if (!owner) {
      throw errors.invalidParameter(
        `PUT requests for ${nounOf(rules)} ${objectId} with no existing owner must provide a new owner.`,
      );
    }
    next.set(keyOf(owner), owner);
  }
}

function keyOf(entry: AccessControlEntry): string {
  return `${entry.principalField}:${entry.principal}`;
}
