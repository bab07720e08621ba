/** Secrets API 2.0: scopes, secrets (write-only values) and scope ACLs. */
import type {
  SecretScopeBackendType,
  SecretScopePermission,
} from '../../lib/crds/databricks-secret-scope.js';
import type { ApiCaller } from './api-caller.js';
import type { Open } from './open-enum.js';

const SECRETS = '/api/2.0/secrets';

export type ScopeBackendType = Open<SecretScopeBackendType>;
export type AclPermission = SecretScopePermission;

export interface SecretScope {
  readonly name: string;
  readonly backend_type?: ScopeBackendType;
  readonly keyvault_metadata?: { readonly resource_id: string; readonly dns_name: string };
}

export interface SecretMetadata {
  readonly key: string;
  /** Epoch ms. */
  readonly last_updated_timestamp?: number;
}

export interface AclItem {
  readonly principal: string;
  readonly permission: AclPermission;
}

export interface CreateScopeRequest {
  readonly scope: string;
  /** Only `users` is accepted; when omitted the caller gets MANAGE. */
  readonly initial_manage_principal?: string;
  readonly scope_backend_type?: ScopeBackendType;
  readonly backend_azure_keyvault?: {
    readonly resource_id: string;
    readonly dns_name: string;
    readonly tenant_id?: string;
  };
}

/** Exactly one of `string_value` and `bytes_value` (base64). */
export type PutSecretRequest =
  | { readonly scope: string; readonly key: string; readonly string_value: string }
  | { readonly scope: string; readonly key: string; readonly bytes_value: string };

export class SecretsApi {
  constructor(private readonly api: ApiCaller) {}

  /** `secrets/scopes/create`. An existing scope is an AlreadyExistsError. */
  async createScope(request: CreateScopeRequest): Promise<void> {
    await this.api.call({ method: 'POST', path: `${SECRETS}/scopes/create`, body: request });
  }

  /** `secrets/scopes/list`. */
  async listScopes(): Promise<SecretScope[]> {
    const page = await this.api.call<{ scopes?: SecretScope[] }>({
      method: 'GET',
      path: `${SECRETS}/scopes/list`,
    });
    return page.scopes ?? [];
  }

  /** `secrets/scopes/delete`. */
  async deleteScope(scope: string): Promise<void> {
    await this.api.call({ method: 'POST', path: `${SECRETS}/scopes/delete`, body: { scope } });
  }

  /** `secrets/put`: creates or overwrites. The value is never logged or echoed. */
  async putSecret(request: PutSecretRequest): Promise<void> {
    await this.api.call({ method: 'POST', path: `${SECRETS}/put`, body: request });
  }

  /** `secrets/delete`. */
  async deleteSecret(scope: string, key: string): Promise<void> {
    await this.api.call({ method: 'POST', path: `${SECRETS}/delete`, body: { scope, key } });
  }

  /** `secrets/list`: keys and timestamps only; values cannot be read over REST. */
  async listSecrets(scope: string): Promise<SecretMetadata[]> {
    const page = await this.api.call<{ secrets?: SecretMetadata[] }>({
      method: 'GET',
      path: `${SECRETS}/list`,
      query: { scope },
    });
    return page.secrets ?? [];
  }

  /** `secrets/acls/put`: creates or overwrites the principal's permission. */
  async putAcl(scope: string, principal: string, permission: AclPermission): Promise<void> {
    await this.api.call({
      method: 'POST',
      path: `${SECRETS}/acls/put`,
      body: { scope, principal, permission },
    });
  }

  /** `secrets/acls/delete`. */
  async deleteAcl(scope: string, principal: string): Promise<void> {
    await this.api.call({ method: 'POST', path: `${SECRETS}/acls/delete`, body: { scope, principal } });
  }

  /** `secrets/acls/list`. */
  async listAcls(scope: string): Promise<AclItem[]> {
    const page = await this.api.call<{ items?: AclItem[] }>({
      method: 'GET',
      path: `${SECRETS}/acls/list`,
      query: { scope },
    });
    return page.items ?? [];
  }
}
