import { randomBytes } from 'node:crypto';
import { ApiError, type Clock, type FakeContext, type FakeRequest, type Route } from './api.js';

/** An OAuth M2M client (service principal) the fake accepts at `/oidc/v1/token`. */
export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Azure AD service principal auth: any bearer token, plus the management-token header. */
export interface AzureAuthSettings {
  /** Accept Azure AD bearer tokens at all. Default false. */
  readonly enabled: boolean;
  /**
   * Refuse an Azure token that comes without `X-Databricks-Azure-SP-Management-Token`. Default true,
   * which is what an SP that is not yet a workspace member needs.
   */
  readonly requireManagementToken?: boolean;
}

export interface AuthSettings {
  /** Personal access tokens and the user each acts as. */
  readonly tokens: Readonly<Record<string, string>>;
  readonly oauthClients: readonly OAuthClient[];
  /** Lifetime of the access tokens `/oidc/v1/token` issues, in seconds (fake-clock time). */
  readonly oauthTokenLifetimeSeconds: number;
  readonly azure: AzureAuthSettings;
}

/** Who a request is from, once its credentials check out. */
export interface Authenticated {
  readonly principal: string;
  readonly mode: 'pat' | 'oauth-m2m' | 'azure-sp';
  readonly azureWorkspaceResourceId?: string;
}

/** The user a SCIM `Me` call describes. */
export interface WorkspaceIdentity {
  readonly id: string;
  readonly userName: string;
  readonly displayName: string;
  readonly active: boolean;
}

const invalidToken = () =>
  new ApiError(403, 403, 'Invalid access token.', { 'X-Databricks-Reason-Phrase': 'Invalid access token' });

const missingCredentials = () => new ApiError(401, 'PERMISSION_DENIED', 'Unauthorized access.');

const oauthError = (status: number, error: string, description: string) =>
  new ApiError(status, error, description, {}, { error, error_description: description });

/**
 * Checks credentials the way a Databricks workspace does: PATs and OAuth M2M access tokens as bearer
 * tokens, and optionally Azure AD tokens with the SP management header. Missing credentials are 401;
 * a bad or expired token is the 403 with a numeric `error_code` (BEHAVIOUR.md §2).
 */
export class Authenticator {
  private settings: AuthSettings;
  private readonly issued = new Map<string, { principal: string; expiresAt: number }>();

  constructor(
    settings: AuthSettings,
    private readonly clock: Clock,
  ) {
    this.settings = settings;
  }

  get current(): AuthSettings {
    return this.settings;
  }

  configure(change: Partial<AuthSettings>): void {
    this.settings = { ...this.settings, ...change };
  }

  authenticate(headers: Readonly<Record<string, string | undefined>>): Authenticated {
    const authorization = headers['authorization'];
    if (!authorization) throw missingCredentials();
    if (!authorization.startsWith('Bearer ')) throw invalidToken();
    const token = authorization.slice('Bearer '.length).trim();

    const patUser = this.settings.tokens[token];
    if (patUser !== undefined) return { principal: patUser, mode: 'pat' };

    const issued = this.issued.get(token);
    if (issued) {
      if (issued.expiresAt <= this.clock.now()) throw invalidToken();
      return { principal: issued.principal, mode: 'oauth-m2m' };
    }

    const azure = this.settings.azure;
    if (azure.enabled && token !== '') {
      const managementToken = headers['x-databricks-azure-sp-management-token'];
      if (!managementToken && azure.requireManagementToken !== false) throw invalidToken();
      return {
        principal: azurePrincipal(token),
        mode: 'azure-sp',
        azureWorkspaceResourceId: headers['x-databricks-azure-workspace-resource-id'],
      };
    }
    throw invalidToken();
  }

  /** Issues an access token for a client-credentials grant (the body of `/oidc/v1/token`). */
  issueToken(
    headers: Readonly<Record<string, string | undefined>>,
    form: Record<string, unknown>,
  ): Record<string, unknown> {
    let clientId = typeof form['client_id'] === 'string' ? form['client_id'] : undefined;
    let clientSecret = typeof form['client_secret'] === 'string' ? form['client_secret'] : undefined;
    const authorization = headers['authorization'];
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      clientId = decodeURIComponent(decoded.slice(0, colon));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1));
    }
    if (form['grant_type'] !== 'client_credentials') {
      throw oauthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
    }
    const client = this.settings.oauthClients.find((c) => c.clientId === clientId);
    if (!client || client.clientSecret !== clientSecret) {
      throw oauthError(
        401,
        'invalid_client',
        'Client authentication failed: unknown client_id or wrong client_secret.',
      );
    }
    const accessToken = `fakeoauth${randomBytes(16).toString('hex')}`;
    const lifetime = this.settings.oauthTokenLifetimeSeconds;
    this.issued.set(accessToken, {
      principal: client.clientId,
      expiresAt: this.clock.now() + lifetime * 1000,
    });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: lifetime,
      scope: typeof form['scope'] === 'string' ? form['scope'] : 'all-apis',
    };
  }

  /** How many OAuth access tokens were issued since the last reset (tests use it to see refreshes). */
  issuedTokenCount(): number {
    return this.issued.size;
  }

  reset(): void {
    this.issued.clear();
  }
}

/** A stable, readable principal name for an Azure AD token we cannot decode. */
function azurePrincipal(token: string): string {
  let hash = 0;
  for (let i = 0; i < token.length; i++) hash = (Math.imul(hash, 31) + token.charCodeAt(i)) >>> 0;
  return `azure-sp-${hash.toString(16).padStart(8, '0')}`;
}

/** A numeric SCIM id per principal, stable for the life of the process. */
function scimId(principal: string): string {
  let hash = 1469598103;
  for (let i = 0; i < principal.length; i++)
    hash = (Math.imul(hash ^ principal.charCodeAt(i), 16777619) >>> 0) % 1e9;
  return String(1_000_000_000 + hash);
}

/** The identity SCIM `Me` reports for a principal. */
export function identityOf(principal: string): WorkspaceIdentity {
  return { id: scimId(principal), userName: principal, displayName: principal.split('@')[0], active: true };
}

/**
 * The routes of auth and workspace discovery: OIDC discovery and token endpoint, the host metadata newer
 * SDKs and the CLI read, the CLI's telemetry sink, and SCIM `Me`.
 */
export function authRoutes(auth: Authenticator, ctx: FakeContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/oidc/.well-known/oauth-authorization-server',
      endpoint: 'oidc/discovery',
      anonymous: true,
      handler: () => ({
        issuer: `${ctx.baseUrl()}/oidc`,
        authorization_endpoint: `${ctx.baseUrl()}/oidc/v1/authorize`,
        token_endpoint: `${ctx.baseUrl()}/oidc/v1/token`,
      }),
    },
    {
      method: 'POST',
      path: '/oidc/v1/token',
      endpoint: 'oidc/token',
      anonymous: true,
      handler: (req: FakeRequest) => auth.issueToken(req.headers, req.body),
    },
    {
      method: 'GET',
      path: '/.well-known/databricks-config',
      endpoint: 'well-known/databricks-config',
      anonymous: true,
      handler: () => ({ oidc_endpoint: `${ctx.baseUrl()}/oidc`, workspace_id: ctx.workspaceId }),
    },
    {
      method: 'POST',
      path: '/telemetry-ext',
      endpoint: 'telemetry-ext',
      anonymous: true,
      handler: () => ({ errors: [], numProtoSuccess: 1 }),
    },
    {
      method: 'GET',
      path: '/api/2.0/preview/scim/v2/Me',
      endpoint: 'scim/me',
      handler: (req: FakeRequest) => ({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        ...identityOf(req.principal),
      }),
    },
  ];
}
