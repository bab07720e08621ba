/**
 * OAuth machine-to-machine auth for a Databricks service principal (BEHAVIOUR.md §6): discover the token
 * endpoint from `{host}/oidc/.well-known/oauth-authorization-server`, exchange client id and secret
 * (HTTP Basic) for an access token with scope `all-apis`, cache it, and refresh it before it expires.
 */
import { knownCredentials } from '../credential-redaction.js';
import { InvalidCredentialError, networkErrorOrSame, toApiError, UnauthenticatedError } from '../errors.js';
import { httpExchange } from '../http-exchange.js';
import { CachedToken, type FetchedToken } from './cached-token.js';
import { CREDENTIAL_VALUE_ADVICE, credentialValueProblem, trimCredential } from './credential-value.js';
import type { CredentialsProvider } from './credentials-provider.js';
import { requestClientCredentialsToken } from './token-endpoint.js';

export interface OAuthM2MOptions {
  /** Workspace URL, e.g. `https://adb-123.azuredatabricks.net`. */
  readonly host: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Defaults to `all-apis`. */
  readonly scope?: string;
  /** Current time in ms; tests move it to exercise refresh. */
  readonly now?: () => number;
}

const DISCOVERY_ENDPOINT = 'oidc/discovery';
const TOKEN_ENDPOINT = 'oidc/token';
/** As the transport's per-attempt timeout: a discovery that hangs must not hang every call behind it. */
const DISCOVERY_TIMEOUT_MS = 60_000;

export class OAuthM2MCredentials implements CredentialsProvider {
  readonly kind = 'oauth-m2m';
  readonly #options: OAuthM2MOptions;
  readonly #token: CachedToken;
  #tokenEndpoint?: string;

  constructor(options: OAuthM2MOptions) {
    knownCredentials.add(options.clientSecret);
    if (options.clientId === '' || trimCredential(options.clientSecret) === '') {
      throw new InvalidCredentialError(
        'OAuth M2M credentials need both client_id and client_secret: set both in the Secret',
      );
    }
    const problem = credentialValueProblem(options.clientSecret);
    if (problem !== undefined) {
      throw new InvalidCredentialError(`the OAuth client secret ${problem}; ${CREDENTIAL_VALUE_ADVICE}`);
    }
    this.#options = { ...options, clientSecret: trimCredential(options.clientSecret) };
    this.#token = new CachedToken(() => this.fetchToken(), options.now);
  }

  async authHeaders(): Promise<Record<string, string>> {
    return { Authorization: `Bearer ${await this.#token.get()}` };
  }

  invalidate(): void {
    this.#token.invalidate();
  }

  toJSON(): Record<string, string> {
    return { kind: this.kind, clientId: this.#options.clientId };
  }

  private async fetchToken(): Promise<FetchedToken> {
    this.#tokenEndpoint ??= await this.discoverTokenEndpoint();
    return requestClientCredentialsToken({
      endpoint: TOKEN_ENDPOINT,
      url: this.#tokenEndpoint,
      form: { grant_type: 'client_credentials', scope: this.#options.scope ?? 'all-apis' },
      basicAuth: { username: this.#options.clientId, password: this.#options.clientSecret },
    });
  }

  private async discoverTokenEndpoint(): Promise<string> {
    const url = `${this.#options.host.replace(/\/+$/, '')}/oidc/.well-known/oauth-authorization-server`;
    let text: string;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), DISCOVERY_TIMEOUT_MS);
    try {
      const response = await httpExchange(url, {
        method: 'GET',
        headers: { Accept: 'application/json' },
        signal: controller.signal,
      });
      text = response.text;
      if (response.status < 200 || response.status >= 300) {
        throw toApiError(
          { endpoint: DISCOVERY_ENDPOINT, method: 'GET', path: new URL(url).pathname },
          { status: response.status, statusText: response.statusText, bodyText: text },
        );
      }
    } catch (error) {
      throw networkErrorOrSame(DISCOVERY_ENDPOINT, error);
    } finally {
      clearTimeout(timer);
    }
    let endpoint: unknown;
    try {
      endpoint = (JSON.parse(text) as { token_endpoint?: unknown }).token_endpoint;
    } catch {
      endpoint = undefined;
    }
    if (typeof endpoint !== 'string' || endpoint === '') {
      throw new UnauthenticatedError(
        200,
        undefined,
        `OAuth discovery at ${url} gave no token_endpoint; check that the workspace host is right`,
        DISCOVERY_ENDPOINT,
      );
    }
    return endpoint;
  }
}
