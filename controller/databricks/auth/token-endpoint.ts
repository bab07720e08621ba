/**
 * The OAuth client-credentials exchange shared by Databricks OAuth M2M and Azure AD: POST a form to a
 * token endpoint, get `{access_token, expires_in}` back. Failures become the client's typed errors, with
 * the endpoint's own explanation and never the client secret.
 */
import { httpExchange } from '../http-exchange.js';
import { networkErrorOrSame, toApiError, UnauthenticatedError } from '../errors.js';
import { knownCredentials, redactError } from '../credential-redaction.js';
import type { FetchedToken } from './cached-token.js';
import { credentialValueProblem } from './credential-value.js';

export interface TokenRequest {
  /** The stable name used in errors, e.g. `oidc/token` or `azure-ad/token`. */
  readonly endpoint: string;
  readonly url: string;
  readonly form: Record<string, string>;
  /** Sent as `Authorization: Basic base64(id:secret)` when given. */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  readonly timeoutMs?: number;
}

export async function requestClientCredentialsToken(request: TokenRequest): Promise<FetchedToken> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  if (request.basicAuth !== undefined) {
    const { username, password } = request.basicAuth;
    headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  const path = new URL(request.url).pathname;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs ?? 60_000);
  try {
    const response = await httpExchange(request.url, {
      method: 'POST',
      headers,
      body: new URLSearchParams(request.form).toString(),
      signal: controller.signal,
    });
    const text = response.text;
    if (response.status < 200 || response.status >= 300) {
      throw toApiError(
        { endpoint: request.endpoint, method: 'POST', path },
        { status: response.status, statusText: response.statusText, bodyText: text },
      );
    }
    return readTokenResponse(request.endpoint, text);
  } catch (error) {
    const secrets = [request.form.client_secret, request.basicAuth?.password, headers.Authorization];
    throw redactError(
      networkErrorOrSame(request.endpoint, error),
      secrets.filter((secret): secret is string => secret !== undefined),
    );
  } finally {
    clearTimeout(timer);
  }
}

function readTokenResponse(endpoint: string, text: string): FetchedToken {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UnauthenticatedError(
      200,
      undefined,
      'token endpoint answered with something other than JSON',
      endpoint,
    );
  }
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const accessToken = fields.access_token;
  // Azure AD v1 endpoints send expires_in as a string.
  const expiresIn = Number(fields.expires_in ?? 3600);
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new UnauthenticatedError(
      200,
      undefined,
      'token endpoint answered without an access_token',
      endpoint,
    );
  }
  knownCredentials.add(accessToken);
  // It goes into an Authorization header as is: one that cannot is refused here, not by the HTTP
  // module, whose error could hold the token.
  const problem = credentialValueProblem(accessToken);
  if (problem !== undefined) {
    throw new UnauthenticatedError(
      200,
      undefined,
      `token endpoint answered with an access_token that cannot be sent as a bearer token: it ${problem}`,
      endpoint,
    );
  }
  return { accessToken: accessToken.trim(), expiresInSeconds: Number.isFinite(expiresIn) ? expiresIn : 3600 };
}
