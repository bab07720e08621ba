import { type Static } from '@sinclair/typebox';
import { celValidations } from './cel-rules.js';
import { Str, Struct } from './schema-types.js';

const DNS_SUBDOMAIN = { minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' };
const CONFIG_KEY = { minLength: 1, maxLength: 253, pattern: '^[-._a-zA-Z0-9]+$' };

/** A reference to another object of a known kind in the same namespace, by name. */
export function localReference(targetKind: string) {
  return Struct(
    { name: Str(`Name of the ${targetKind} in the same namespace.`, DNS_SUBDOMAIN) },
    `Reference to a ${targetKind} in the same namespace, instead of the Databricks ID or path beside it. The controller fills that in from the target's status, and waits (condition reason WaitingForDependency) until the target is Ready.`,
  );
}

/** A reference to a DatabricksWorkspace: which workspace and credentials to use. */
export const WorkspaceReference = Struct(
  { name: Str('Name of the DatabricksWorkspace in the same namespace.', DNS_SUBDOMAIN) },
  'The DatabricksWorkspace (host and credentials) this object lives in. It must be in the same namespace, and cannot change: to move an object to another workspace, delete it and create a new one.',
  // Changing workspaces would leave the Databricks object behind in the old one, unowned.
  celValidations({
    rule: 'self == oldSelf',
    message: 'workspaceRef is immutable: delete this object and create a new one to use another workspace',
  }),
);
export type WorkspaceReference = Static<typeof WorkspaceReference>;

/** A file inside a DatabricksRepo's Git folder: the repo by name, and the path relative to the folder's root. */
export const RepoPathReference = Struct(
  {
    name: Str('Name of the DatabricksRepo in the same namespace.', DNS_SUBDOMAIN),
    path: Str(
      'Path inside the Git folder, relative to its root (notebooks without their extension), e.g. etl/main.',
      { minLength: 1, maxLength: 1024, pattern: '^[^/]' },
    ),
  },
  "A file in the Git folder of a DatabricksRepo in the same namespace, instead of the workspace path beside it. The controller fills that in as the repo's status.path followed by path, and waits (condition reason WaitingForDependency) until the repo is Ready.",
  celValidations({
    rule: "!self.path.matches('(^|/)[.][.](/|$)')",
    message: 'path must stay inside the Git folder: no .. segments',
    fieldPath: '.path',
  }),
);
export type RepoPathReference = Static<typeof RepoPathReference>;

/** A reference to a DatabricksCluster or DatabricksJob by name (the `*_ref` siblings of `*_id` fields). */
export const ObjectNameReference = Struct(
  { name: Str('Name of the referenced object in the same namespace.', DNS_SUBDOMAIN) },
  'Reference to an object in the same namespace, by name.',
);
export type ObjectNameReference = Static<typeof ObjectNameReference>;

/** One key of a Kubernetes Secret in the same namespace. */
export const SecretKeySelector = Struct(
  {
    name: Str('Name of the Secret in the same namespace.', DNS_SUBDOMAIN),
    key: Str('Key within the Secret.', CONFIG_KEY),
  },
  'A key of a Kubernetes Secret in the same namespace.',
);
export type SecretKeySelector = Static<typeof SecretKeySelector>;

/** One key of a Kubernetes ConfigMap in the same namespace (`data` or `binaryData`). */
export const ConfigMapKeySelector = Struct(
  {
    name: Str('Name of the ConfigMap in the same namespace.', DNS_SUBDOMAIN),
    key: Str('Key within the ConfigMap (data or binaryData).', CONFIG_KEY),
  },
  'A key of a Kubernetes ConfigMap in the same namespace.',
);
export type ConfigMapKeySelector = Static<typeof ConfigMapKeySelector>;

/** A whole Kubernetes Secret in the same namespace. */
export const SecretReference = Struct(
  { name: Str('Name of the Secret in the same namespace.', DNS_SUBDOMAIN) },
  'A Kubernetes Secret in the same namespace.',
);
export type SecretReference = Static<typeof SecretReference>;
