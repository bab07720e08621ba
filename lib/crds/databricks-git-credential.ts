import { type Static } from '@sinclair/typebox';
import { celValidations } from './cel-rules.js';
import { Conditions, ObservedGeneration } from './conditions.js';
import { READY_COLUMN, REASON_COLUMN, type KindDefinition } from './custom-resource-definition.js';
import { DeletionPolicy } from './deletion-policy.js';
import { GIT_PROVIDERS } from './git-providers.js';
import { DriftedFields, ManagementPolicy } from './management-policy.js';
import { SecretKeySelector, WorkspaceReference } from './object-references.js';
import { Bool, Int64, Opt, Str, StringEnum, Struct } from './schema-types.js';

/** `spec` of a DatabricksGitCredential: the provider, the user name and where the token is. */
export const DatabricksGitCredentialSpec = Struct(
  {
    workspaceRef: WorkspaceReference,
    git_provider: StringEnum(
      GIT_PROVIDERS,
      'The Git provider the token is for, as the Git Credentials API spells it.',
    ),
    git_username: Opt(
      Str('User name at the Git provider. Required for awsCodeCommit; optional for the others.', {
        minLength: 1,
        maxLength: 256,
      }),
    ),
    git_email: Opt(Str('Email of the Git user, for commits made from Git folders.', { maxLength: 256 })),
    personal_access_token: Struct(
      { secretKeyRef: SecretKeySelector },
      'Where the personal access token (or app password) is: a key of a Kubernetes Secret in this namespace, never inline. The controller watches the Secret and reads it at every reconcile, and sends a changed token to Databricks (rotation) within seconds of the change; status keeps only a keyed hash of it.',
    ),
    adopt: Opt(
      Bool(
        "Take over the Git credential the workspace's principal already has in Databricks, when this object did not create it, instead of refusing it (CredentialExists). Databricks allows one Git credential per principal: adopting replaces its provider, user name and token with this spec's. Defaults to false.",
        { default: false },
      ),
    ),
    deletionPolicy: Opt(DeletionPolicy),
    managementPolicy: Opt(ManagementPolicy),
  },
  "The Git credential of the principal the DatabricksWorkspace authenticates as: what Databricks uses to clone and pull that principal's Git folders. One per principal.",
  celValidations({
    rule: "self.git_provider != 'awsCodeCommit' || has(self.git_username)",
    message: 'git_username is required for awsCodeCommit',
    fieldPath: '.git_username',
  }),
);
export type DatabricksGitCredentialSpec = Static<typeof DatabricksGitCredentialSpec>;

/** `status` of a DatabricksGitCredential, written by the controller (never the token). */
export const DatabricksGitCredentialStatus = Struct(
  {
    observedGeneration: Opt(ObservedGeneration),
    conditions: Opt(Conditions),
    driftedFields: Opt(DriftedFields),
    credentialId: Opt(Int64('ID of the Git credential in Databricks.')),
    credentialCreatePending: Opt(
      Bool(
        'True while the credential is being created and Databricks has not yet confirmed it: a credential found then is the one this object created before a crash.',
      ),
    ),
    gitProvider: Opt(Str('The provider of the credential in Databricks.')),
    tokenHash: Opt(
      Str(
        '<key id>:<hash> of the token last sent: an HMAC keyed by a secret only the controller holds (never the token, and not computable from anything in this object), so a rotated token is seen without storing it.',
      ),
    ),
  },
  'What the controller observed about the Git credential.',
);
export type DatabricksGitCredentialStatus = Static<typeof DatabricksGitCredentialStatus>;

/** The DatabricksGitCredential kind: names, schemas and printer columns of its CRD. */
export const DATABRICKS_GIT_CREDENTIAL: KindDefinition<
  'DatabricksGitCredential',
  DatabricksGitCredentialSpec,
  DatabricksGitCredentialStatus
> = {
  kind: 'DatabricksGitCredential',
  plural: 'databricksgitcredentials',
  singular: 'databricksgitcredential',
  shortName: 'dbgitcred',
  description:
    "DatabricksGitCredential is the Git credential (provider, user name, token from a Kubernetes Secret) of the principal its DatabricksWorkspace authenticates as; Databricks uses it for that principal's Git folders.",
  spec: DatabricksGitCredentialSpec,
  status: DatabricksGitCredentialStatus,
  printerColumns: [
    {
      name: 'Provider',
      type: 'string',
      jsonPath: '.spec.git_provider',
      description: 'Git provider.',
    },
    {
      name: 'Credential ID',
      type: 'integer',
      jsonPath: '.status.credentialId',
      description: 'ID of the credential in Databricks.',
    },
    READY_COLUMN,
    REASON_COLUMN,
  ],
};
