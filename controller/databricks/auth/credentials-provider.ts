import type { WorkspaceAuthType } from '../../../lib/crds/databricks-workspace.js';

/**
 * How the client authenticates. A provider turns credentials into request headers; the client asks it
 * before every attempt, so a provider can refresh tokens, and `DatabricksClient.replaceCredentials` can
 * swap it when the Secret behind a workspace changes. Providers never expose secrets in errors or logs.
 */
export interface CredentialsProvider {
  /** The method, as DatabricksWorkspace `status.authType` names it. */
  readonly kind: WorkspaceAuthType;
  /** Headers that authenticate one request (at least `Authorization`). */
  authHeaders(): Promise<Record<string, string>>;
  /** Forgets any cached token, so the next request fetches a fresh one (called after a 401). */
  invalidate?(): void;
}
