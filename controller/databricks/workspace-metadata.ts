/**
 * `GET /.well-known/databricks-config`: what a workspace says about itself (its numeric id, its OIDC
 * endpoint). Newer SDKs read it first; older workspaces may not serve it, so callers treat a failure as
 * "unknown", not as a broken workspace.
 */
import type { ApiCaller } from './api-caller.js';

export interface WorkspaceMetadata {
  readonly workspace_id?: string;
  readonly oidc_endpoint?: string;
  readonly account_id?: string;
  readonly cloud?: string;
  readonly [field: string]: unknown;
}

export class WorkspaceMetadataApi {
  constructor(private readonly api: ApiCaller) {}

  /** The workspace's self-description. The numeric id arrives as a string or a number; it is returned as a string. */
  async get(): Promise<WorkspaceMetadata> {
    const metadata = await this.api.call<Record<string, unknown>>({
      method: 'GET',
      path: '/.well-known/databricks-config',
      endpoint: 'well-known/databricks-config',
    });
    const id = metadata.workspace_id;
    return { ...metadata, workspace_id: id === undefined || id === null ? undefined : String(id) };
  }
}
