import { createHash } from 'node:crypto';
import { type Static } from '@sinclair/typebox';
import { celValidations, exactlyOneOf, unchanged } from './cel-rules.js';
import { Conditions, ObservedGeneration } from './conditions.js';
import { READY_COLUMN, REASON_COLUMN, type KindDefinition } from './custom-resource-definition.js';
import { DeletionPolicy } from './deletion-policy.js';
import { DriftedFields, ManagementPolicy } from './management-policy.js';
import { SecretKeySelector, SecretReference, WorkspaceReference } from './object-references.js';
import {
  Bool,
  Int,
  KeyedList,
  List,
  Opt,
  Str,
  StringEnum,
  StringList,
  StringMap,
  Struct,
} from './schema-types.js';

/** Scope names and secret keys: letters, digits, `-`, `_`, `.`, at most 128 characters. */
export const SECRET_NAME_PATTERN = '^[\\w.\\-]+$';
const SECRET_NAME = { minLength: 1, maxLength: 128, pattern: SECRET_NAME_PATTERN };

/** Databricks' longest scope name. */
const MAX_SCOPE_NAME = 128;

/**
 * The scope name a DatabricksSecretScope without `spec.scopeName` gets: `<namespace>.<name>`, which cannot
 * clash between namespaces; when that is over Databricks' 128 characters, its first characters and a
 * hash of the whole, so it stays unique and the same every time.
 */
export function defaultScopeName(namespace: string, name: string): string {
  const full = `${namespace}.${name}`.replace(/[^\w.-]/g, '-');
  if (full.length <= MAX_SCOPE_NAME) return full;
  const suffix = createHash('sha256').update(`${namespace}/${name}`).digest('hex').slice(0, 12);
  return `${full.slice(0, MAX_SCOPE_NAME - suffix.length - 1)}-${suffix}`;
}

/** One entry of `spec.secrets` of a DatabricksSecretScope. */
export const SecretScopeSecret = Struct(
  {
    key: Opt(Str('Secret key in the scope.', SECRET_NAME)),
    value: Opt(
      Str('The secret value, inline. Prefer valueFrom: it keeps the value out of the manifest.', {
        maxLength: 131072,
      }),
    ),
    valueFrom: Opt(
      Struct({ secretKeyRef: SecretKeySelector }, 'Read the value from a Kubernetes Secret key.'),
    ),
    fromSecret: Opt(
      Struct(
        {
          name: SecretReference.properties.name,
          prefix: Opt(
            Str('Prefix added to every key of the Secret.', { maxLength: 64, pattern: '^[\\w.\\-]*$' }),
          ),
        },
        'Copy every key of a Kubernetes Secret into the scope, under the same key names (plus prefix).',
      ),
    ),
  },
  'A secret in the scope: {key, value}, {key, valueFrom.secretKeyRef}, or fromSecret (a whole Kubernetes Secret).',
  celValidations(exactlyOneOf(['value', 'valueFrom', 'fromSecret'], 'secret'), {
    rule: 'has(self.fromSecret) != has(self.key)',
    message: 'secret: key is required with value or valueFrom, and not allowed with fromSecret',
    fieldPath: '.key',
  }),
);

/** What an ACL lets a principal do in a scope, least to most. */
export const SECRET_SCOPE_PERMISSIONS = ['READ', 'WRITE', 'MANAGE'] as const;
/** A scope ACL's permission. */
export type SecretScopePermission = (typeof SECRET_SCOPE_PERMISSIONS)[number];

/** Whether `permission` is one a scope ACL can give. */
export function isSecretScopePermission(permission: string): permission is SecretScopePermission {
  return (SECRET_SCOPE_PERMISSIONS as readonly string[]).includes(permission);
}

/** Where a scope keeps its secrets in Databricks. */
export const SECRET_SCOPE_BACKEND_TYPES = ['DATABRICKS', 'AZURE_KEYVAULT'] as const;
/** A scope's backend, as Databricks names it. */
export type SecretScopeBackendType = (typeof SECRET_SCOPE_BACKEND_TYPES)[number];

/** One entry of `spec.acls` of a DatabricksSecretScope. */
export const SecretScopeAcl = Struct(
  {
    principal: Str('User, group or service principal application ID.', { minLength: 1, maxLength: 256 }),
    permission: StringEnum(SECRET_SCOPE_PERMISSIONS, 'What the principal may do in the scope.'),
  },
  'An access rule of the scope.',
);

/** `spec` of a DatabricksSecretScope: the scope, its backend, secrets and ACLs. */
export const DatabricksSecretScopeSpec = Struct(
  {
    workspaceRef: WorkspaceReference,
    scopeName: Opt(
      Str(
        'Name of the scope in Databricks. Defaults to <namespace>.<name>, which cannot clash between namespaces.',
        SECRET_NAME,
      ),
    ),
    adopt: Opt(
      Bool(
        'Take over a scope of this name that already exists in Databricks instead of refusing it (ScopeExists). ' +
          'From then on the scope is managed as if this object had created it: the secrets of spec.secrets are put ' +
          'into it and managed (keys it already held that spec.secrets does not list are left alone), its ACLs are ' +
          'made equal to spec.acls when that is set, and deletionPolicy Delete deletes the whole scope. A scope held ' +
          'by another DatabricksSecretScope is still refused (OwnedElsewhere). Defaults to false.',
        { default: false },
      ),
    ),
    backend: Opt(
      Struct(
        {
          type: StringEnum(
            ['Databricks', 'AzureKeyVault'] as const,
            'Where the secrets live. Defaults to Databricks.',
            {
              default: 'Databricks',
            },
          ),
          azureKeyVault: Opt(
            Struct(
              {
                resourceId: Str('Azure resource ID of the key vault.', { minLength: 1 }),
                dnsName: Str('DNS name of the key vault, e.g. https://myvault.vault.azure.net/.', {
                  minLength: 1,
                }),
              },
              'The Azure Key Vault backing the scope.',
            ),
          ),
        },
        'The backend of the scope; immutable in Databricks.',
        celValidations({
          rule: "(self.type == 'AzureKeyVault') == has(self.azureKeyVault)",
          message: 'backend: azureKeyVault is required when type is AzureKeyVault and not allowed otherwise',
          fieldPath: '.azureKeyVault',
        }),
      ),
    ),
    secrets: Opt(
      List(SecretScopeSecret, 'Secrets written into the scope (Databricks backend only).', {
        maxItems: 1000,
      }),
    ),
    acls: Opt(
      KeyedList(SecretScopeAcl, ['principal'], 'Access rules of the scope, keyed by principal.', {
        maxItems: 100,
      }),
    ),
    deletionPolicy: Opt(DeletionPolicy),
    managementPolicy: Opt(ManagementPolicy),
  },
  'The desired secret scope, its secrets and its ACLs.',
  celValidations(
    {
      rule: "!has(self.backend) || self.backend.type != 'AzureKeyVault' || !has(self.secrets)",
      message: 'secrets cannot be written to an Azure Key Vault backed scope; manage them in the key vault',
      fieldPath: '.secrets',
    },
    // Databricks cannot rename a scope or change its backend; a new name is a new scope.
    unchanged('scopeName', 'create a new DatabricksSecretScope for a scope with another name'),
    unchanged(
      'backend',
      'Databricks cannot change the backend of a scope; create a new DatabricksSecretScope',
    ),
  ),
);
export type DatabricksSecretScopeSpec = Static<typeof DatabricksSecretScopeSpec>;

/** `status` of a DatabricksSecretScope, written by the controller (never secret values). */
export const DatabricksSecretScopeStatus = Struct(
  {
    observedGeneration: Opt(ObservedGeneration),
    conditions: Opt(Conditions),
    driftedFields: Opt(DriftedFields),
    scopeName: Opt(Str('Name of the scope in Databricks.')),
    scopeCreatePending: Opt(
      Bool(
        'True while the scope is claimed (scopeName) but Databricks has not yet confirmed creating it; a scope missing then was never created, rather than deleted in Databricks.',
      ),
    ),
    backendType: Opt(StringEnum(SECRET_SCOPE_BACKEND_TYPES, 'Backend of the scope in Databricks.')),
    secretCount: Opt(Int('Number of secrets the controller manages in the scope.')),
    secretKeys: Opt(
      StringList('Keys the controller wrote, and so may remove (values are never shown).', {
        maxItems: 1000,
      }),
    ),
    secretHashes: Opt(
      StringMap(
        'Per key, <key id>:<hash> of the value last written: an HMAC keyed by a secret only the controller holds (never the value, and not computable from anything in this object), so it shows when a value was rotated without letting a reader confirm a guess.',
      ),
    ),
    secretsHash: Opt(Str('Hash of the secret values last written, to detect changes without storing them.')),
    aclsHash: Opt(Str('Hash of the ACLs last applied.')),
  },
  'What the controller observed about the scope.',
);
export type DatabricksSecretScopeStatus = Static<typeof DatabricksSecretScopeStatus>;

/** The DatabricksSecretScope kind: names, schemas and printer columns of its CRD. */
export const DATABRICKS_SECRET_SCOPE: KindDefinition<
  'DatabricksSecretScope',
  DatabricksSecretScopeSpec,
  DatabricksSecretScopeStatus
> = {
  kind: 'DatabricksSecretScope',
  plural: 'databrickssecretscopes',
  singular: 'databrickssecretscope',
  shortName: 'dbscope',
  description:
    'DatabricksSecretScope is a Databricks secret scope with its secrets (fed from Kubernetes Secrets) and its ACLs.',
  spec: DatabricksSecretScopeSpec,
  status: DatabricksSecretScopeStatus,
  printerColumns: [
    {
      name: 'Scope',
      type: 'string',
      jsonPath: '.status.scopeName',
      description: 'Scope name in Databricks.',
    },
    { name: 'Secrets', type: 'integer', jsonPath: '.status.secretCount', description: 'Managed secrets.' },
    READY_COLUMN,
    REASON_COLUMN,
  ],
};
