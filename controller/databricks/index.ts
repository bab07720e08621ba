/**
 * The Databricks REST client the reconcilers and the CLI use. Import from here, never from the files; the
 * one exception is `api-metrics.ts`, which loads prom-client and so is the controller's alone (this index
 * must load nothing the npm package does not declare).
 */
export { DatabricksClient, type DatabricksClientOptions } from './client.js';
export type { CredentialsProvider } from './auth/credentials-provider.js';
export { PersonalAccessToken } from './auth/token.js';
export { OAuthM2MCredentials, type OAuthM2MOptions } from './auth/oauth-m2m.js';
export {
  AzureServicePrincipalCredentials,
  AZURE_DATABRICKS_RESOURCE_ID,
  type AzureServicePrincipalOptions,
} from './auth/azure-service-principal.js';
export * from './errors.js';
export {
  knownCredentials,
  redactCredentials,
  redactError,
  redactKnownCredentials,
  REDACTED,
  type KnownCredentials,
} from './credential-redaction.js';
export { CREDENTIAL_VALUE_ADVICE, credentialValueProblem, trimCredential } from './auth/credential-value.js';
export { hasUserinfo, hostWithoutUserinfo } from './http-transport.js';
export { formatId, sameId, type Int64Id, type Int64IdInput } from './int64-json.js';
export { collect } from './pagination.js';
export { RetryPolicy, type RetryOptions, TRANSIENT_MESSAGES } from './retry-policy.js';
export {
  DEFAULT_ENDPOINT_RATE_LIMITS,
  DEFAULT_REQUESTS_PER_SECOND,
  type EndpointRateLimits,
  TokenBucket,
  WorkspaceRateLimiter,
} from './rate-limiter.js';
export type { RetryEvent } from './http-transport.js';
export type { ApiMetrics } from './api-metrics-recorder.js';
export type * from './jobs.js';
export type * from './clusters.js';
export type * from './secrets.js';
export type * from './dbfs.js';
export type * from './workspace.js';
export type * from './permissions.js';
export { PERMISSION_OBJECT_TYPES, canonicalObjectType, ownerRuleOf } from './permissions.js';
export type * from './cluster-policies.js';
export type * from './instance-pools.js';
export type * from './git-credentials.js';
export type * from './repos.js';
export type * from './pipelines.js';
export { TERMINAL_UPDATE_STATES } from './pipelines.js';
export type * from './sql-warehouses.js';
export type * from './current-user.js';
export type * from './workspace-metadata.js';
export type {
  JobSettings,
  ClusterSpec,
  RunSubmitSettings,
  ReturnedJobSettings,
  ReturnedClusterSpec,
} from './settings-payloads.js';
export {
  credentialsForWorkspace,
  InvalidAuthSpecError,
  type WorkspaceCredentialsOptions,
} from './auth/workspace-credentials.js';
