import { type Static } from '@sinclair/typebox';
import { celValidations, exactlyOneOf, type CelRule } from './cel-rules.js';
import { Conditions, ObservedGeneration } from './conditions.js';
import { READY_COLUMN, REASON_COLUMN, type KindDefinition } from './custom-resource-definition.js';
import { SecretKeySelector } from './object-references.js';
import { Bool, Int, Opt, Str, StringEnum, StringList, Struct } from './schema-types.js';

const AUTH_METHODS = ['token', 'oauthM2M', 'azureServicePrincipal'] as const;

/**
 * The host carries no `user:password@`: credentials belong in the Secret, where they are not shown
 * by every `kubectl get`. A user name alone is refused too (nothing in Databricks uses one there).
 */
const NO_USERINFO: CelRule = {
  rule: "!self.host.matches('^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*@')",
  message:
    'spec.host must not contain user:password@ (or a user name): remove it, and keep credentials in the Secret that spec.auth names',
  fieldPath: '.host',
};

/** Plain http would send the token unencrypted: only for a local stand-in, and only when asked for. */
const HTTPS_UNLESS_INSECURE: CelRule = {
  rule: "!self.host.startsWith('http://') || (has(self.insecureHttp) && self.insecureHttp)",
  message:
    'spec.host uses plain http://, which sends the credentials unencrypted: use https://, or set spec.insecureHttp: true for a local test workspace',
  fieldPath: '.host',
};

/** `spec` of a DatabricksWorkspace: host, credentials and request rate. */
export const DatabricksWorkspaceSpec = Struct(
  {
    host: Str(
      'Workspace URL, e.g. https://adb-1234567890123456.7.azuredatabricks.net. No user:password@; plain http:// only with insecureHttp.',
      {
        minLength: 1,
        maxLength: 512,
        pattern: '^https?://[^\\s/]+(/.*)?$',
      },
    ),
    insecureHttp: Opt(
      Bool(
        'Allow a plain http:// host, which sends the credentials unencrypted: only for a local test workspace. The controller records a Warning Event when it is used. Defaults to false.',
      ),
    ),
    auth: Struct(
      {
        token: Opt(
          Struct(
            { secretKeyRef: SecretKeySelector },
            'Personal access token (dapi...) read from a Secret key, sent as a Bearer token. Visible ASCII only (no spaces, line breaks or other invisible characters); whitespace around it is ignored.',
          ),
        ),
        oauthM2M: Opt(
          Struct(
            {
              clientId: Str('Application (client) ID of the service principal.', {
                minLength: 1,
                maxLength: 256,
              }),
              clientSecret: Struct(
                { secretKeyRef: SecretKeySelector },
                'The OAuth secret, read from a Secret key. Visible ASCII only; whitespace around it is ignored.',
              ),
            },
            'OAuth machine-to-machine: a Databricks service principal client ID and secret.',
          ),
        ),
        azureServicePrincipal: Opt(
          Struct(
            {
              tenantId: Str('Microsoft Entra ID tenant ID.', { minLength: 1, maxLength: 256 }),
              clientId: Str('Application (client) ID of the Entra ID service principal.', {
                minLength: 1,
                maxLength: 256,
              }),
              clientSecret: Struct(
                { secretKeyRef: SecretKeySelector },
                'The client secret, read from a Secret key. Visible ASCII only; whitespace around it is ignored.',
              ),
              workspaceResourceId: Opt(
                Str(
                  'Azure resource ID of the workspace (/subscriptions/.../providers/Microsoft.Databricks/workspaces/...); lets a service principal that is not yet a workspace user be added on first use.',
                  { maxLength: 1024 },
                ),
              ),
            },
            'Microsoft Entra ID (Azure AD) service principal with a client secret.',
          ),
        ),
      },
      'How the controller authenticates. Set exactly one of token, oauthM2M, azureServicePrincipal.',
      celValidations(exactlyOneOf(AUTH_METHODS, 'auth')),
    ),
    rateLimit: Opt(
      Int('Most requests per second the controller sends to this workspace. Defaults to 25.', {
        minimum: 1,
        maximum: 1000,
      }),
    ),
  },
  'A Databricks workspace: where it is and how to authenticate. Every other kind refers to one.',
  celValidations(NO_USERINFO, HTTPS_UNLESS_INSECURE),
);
export type DatabricksWorkspaceSpec = Static<typeof DatabricksWorkspaceSpec>;

/** The authentication methods `status.authType` names: a token, OAuth M2M, an Azure client secret. */
export const WORKSPACE_AUTH_TYPES = ['pat', 'oauth-m2m', 'azure-client-secret'] as const;
/** An authentication method. */
export type WorkspaceAuthType = (typeof WORKSPACE_AUTH_TYPES)[number];

/** `status` of a DatabricksWorkspace, written by the controller. */
export const DatabricksWorkspaceStatus = Struct(
  {
    observedGeneration: Opt(ObservedGeneration),
    conditions: Opt(Conditions),
    authType: Opt(StringEnum(WORKSPACE_AUTH_TYPES, 'The authentication method in use.')),
    workspaceId: Opt(Str('Numeric workspace ID, when the workspace reports it.')),
    lastVerifiedTime: Opt(Str('When the credentials last worked.', { format: 'date-time' })),
    heldSecrets: Opt(
      StringList(
        "Secrets spec.auth named that carry this workspace's finalizer (databricks.operator.dev/workspace-<name>), which keeps them readable until the objects that need this workspace have cleaned up in Databricks.",
        { maxItems: 16 },
      ),
    ),
  },
  'What the controller observed: whether the credentials work.',
);
export type DatabricksWorkspaceStatus = Static<typeof DatabricksWorkspaceStatus>;

/** The DatabricksWorkspace kind: names, schemas and printer columns of its CRD. */
export const DATABRICKS_WORKSPACE: KindDefinition<
  'DatabricksWorkspace',
  DatabricksWorkspaceSpec,
  DatabricksWorkspaceStatus
> = {
  kind: 'DatabricksWorkspace',
  plural: 'databricksworkspaces',
  singular: 'databricksworkspace',
  shortName: 'dbws',
  description:
    'DatabricksWorkspace is a connection to one Databricks workspace: its URL and the Secret holding credentials. The other kinds name it in spec.workspaceRef.',
  spec: DatabricksWorkspaceSpec,
  status: DatabricksWorkspaceStatus,
  printerColumns: [
    { name: 'Host', type: 'string', jsonPath: '.spec.host', description: 'Workspace URL.' },
    { name: 'Auth', type: 'string', jsonPath: '.status.authType', description: 'Authentication method.' },
    READY_COLUMN,
    REASON_COLUMN,
  ],
};
