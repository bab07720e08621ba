/**
 * Azure AD (Entra ID) service principal auth for Azure Databricks (BEHAVIOUR.md §6): client-credentials
 * tokens from the AAD authority, one for the Azure Databricks application and one for Azure Resource
 * Manager. Databricks uses the second, with the workspace's resource id, to add a service principal that
 * is not in the workspace yet.
 */
import { knownCredentials } from '../credential-redaction.js';
import { InvalidCredentialError } from '../errors.js';
import { CachedToken } from './cached-token.js';
import { CREDENTIAL_VALUE_ADVICE, credentialValueProblem, trimCredential } from './credential-value.js';
import type { CredentialsProvider } from './credentials-provider.js';
import { requestClientCredentialsToken } from './token-endpoint.js';

/** The application id of Azure Databricks: the resource every Azure Databricks token is issued for. */
export const AZURE_DATABRICKS_RESOURCE_ID = '2ff814a6-3304-4ab8-85cb-cd0e6f879c1d';
/** Azure Resource Manager, for the management token header. */
export const AZURE_MANAGEMENT_SCOPE = 'https://management.core.windows.net/.default';
export const DEFAULT_AZURE_AUTHORITY = 'https://login.microsoftonline.com';

export interface AzureServicePrincipalOptions {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * `/subscriptions/…/resourceGroups/…/providers/Microsoft.Databricks/workspaces/…`; sent as
   * `X-Databricks-Azure-Workspace-Resource-Id` when set.
   */
  readonly workspaceResourceId?: string;
  /** The AAD authority host. Default `https://login.microsoftonline.com`; sovereign clouds and tests change it. */
  readonly authorityHost?: string;
  readonly now?: () => number;
}

export class AzureServicePrincipalCredentials implements CredentialsProvider {
  readonly kind = 'azure-client-secret';
  readonly #options: AzureServicePrincipalOptions;
  readonly #databricksToken: CachedToken;
  readonly #managementToken: CachedToken;

  constructor(options: AzureServicePrincipalOptions) {
    knownCredentials.add(options.clientSecret);
    for (const field of ['tenantId', 'clientId', 'clientSecret'] as const) {
      if (trimCredential(options[field]) === '') {
        throw new InvalidCredentialError(
          `Azure service principal credentials need ${field}: set it in the Secret`,
        );
      }
    }
    const problem = credentialValueProblem(options.clientSecret);
    if (problem !== undefined) {
      throw new InvalidCredentialError(`the Azure client secret ${problem}; ${CREDENTIAL_VALUE_ADVICE}`);
    }
    this.#options = { ...options, clientSecret: trimCredential(options.clientSecret) };
    this.#databricksToken = new CachedToken(
      () => this.fetchToken(`${AZURE_DATABRICKS_RESOURCE_ID}/.default`),
      options.now,
    );
    this.#managementToken = new CachedToken(() => this.fetchToken(AZURE_MANAGEMENT_SCOPE), options.now);
  }

  /** The AAD v2 token URL for the tenant. */
  get tokenUrl(): string {
    const authority = (this.#options.authorityHost ?? DEFAULT_AZURE_AUTHORITY).replace(/\/+$/, '');
    return `${authority}/${encodeURIComponent(this.#options.tenantId)}/oauth2/v2.0/token`;
  }

  async authHeaders(): Promise<Record<string, string>> {
    const [databricks, management] = await Promise.all([
      this.#databricksToken.get(),
      this.#managementToken.get(),
    ]);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${databricks}`,
      'X-Databricks-Azure-SP-Management-Token': management,
    };
    if (this.#options.workspaceResourceId) {
      headers['X-Databricks-Azure-Workspace-Resource-Id'] = this.#options.workspaceResourceId;
    }
    return headers;
  }

  invalidate(): void {
    this.#databricksToken.invalidate();
    this.#managementToken.invalidate();
  }

  toJSON(): Record<string, string> {
    return { kind: this.kind, tenantId: this.#options.tenantId, clientId: this.#options.clientId };
  }

  private fetchToken(scope: string) {
    return requestClientCredentialsToken({
      endpoint: 'azure-ad/token',
      url: this.tokenUrl,
      form: {
        grant_type: 'client_credentials',
        client_id: this.#options.clientId,
        client_secret: this.#options.clientSecret,
        scope,
      },
    });
  }
}
