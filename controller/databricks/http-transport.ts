/**
 * The one place the client does HTTP: keep-alive connections, the per-request timeout, auth headers, the
 * workspace's token bucket, retries with `Retry-After`, typed errors and metrics. API modules describe a
 * call (`GET /api/2.2/jobs/get?job_id=1`) and get parsed JSON or a typed error back.
 */
import http from 'node:http';
import https from 'node:https';
import type { ApiMetrics } from './api-metrics-recorder.js';
import { CREDENTIAL_VALUE_ADVICE, credentialValueProblem } from './auth/credential-value.js';
import type { CredentialsProvider } from './auth/credentials-provider.js';
import { redactError } from './credential-redaction.js';
import {
  ClientClosedError,
  DatabricksApiError,
  DatabricksNetworkError,
  InvalidCredentialError,
  InvalidHostError,
  networkErrorOrSame,
  toApiError,
  UnauthenticatedError,
} from './errors.js';
import { httpExchange, type HttpExchangeResponse } from './http-exchange.js';
import { parseJsonWithInt64, stringifyWithInt64 } from './int64-json.js';
import type { RetryPolicy } from './retry-policy.js';
import type { WorkspaceRateLimiter } from './rate-limiter.js';

export type QueryValue = string | number | boolean | undefined | readonly (string | number)[];

/** One API call as an API module describes it. */
export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path including the API version, e.g. `/api/2.2/jobs/get`. */
  readonly path: string;
  /**
   * Stable name for metrics and errors. Defaults to the path after `/api/<version>/` (`jobs/runs/get`);
   * paths with IDs in them (permissions) must set it.
   */
  readonly endpoint?: string;
  /** Query parameters; `undefined` values are left out, arrays repeat the parameter. */
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** JSON body; never sent with GET. */
  readonly body?: unknown;
  /** Shorter total retry time for this call than the client's budget (e.g. a health probe). */
  readonly retryBudgetMs?: number;
}

/** What `onRetry` hears about: enough to log a retry, nothing secret. */
export interface RetryEvent {
  readonly endpoint: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: Error;
}

export interface HttpTransportOptions {
  /** Workspace URL. `https://` is assumed when no scheme is given. */
  readonly host: string;
  readonly credentials: CredentialsProvider;
  readonly rateLimiter: WorkspaceRateLimiter;
  readonly retryPolicy: RetryPolicy;
  /** Records every attempt; nothing is recorded without it. */
  readonly metrics?: ApiMetrics;
  /** Per attempt, headers to the last body byte. Default 60 s. */
  readonly timeoutMs?: number;
  readonly onRetry?: (event: RetryEvent) => void;
}

const USER_AGENT = 'cdk8s-databricks-controller/0.1';

export class HttpTransport {
  /** The normalized workspace URL, without a trailing slash. */
  readonly host: string;
  credentials: CredentialsProvider;
  private readonly agent: http.Agent;
  private readonly options: HttpTransportOptions;
  private closed = false;
  private readonly pendingWaits = new Set<() => void>();

  constructor(options: HttpTransportOptions) {
    this.host = normalizeHost(options.host);
    this.options = options;
    this.credentials = options.credentials;
    const agentOptions = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16 };
    this.agent = this.host.startsWith('https:')
      ? new https.Agent(agentOptions)
      : new http.Agent(agentOptions);
  }

  /** Performs the call, retrying as the policy allows; resolves with the parsed JSON response body. */
  async call<T>(request: ApiRequest): Promise<T> {
    const endpoint = request.endpoint ?? endpointOf(request.path);
    const url = this.urlFor(request);
    const started = Date.now();
    let reauthenticated = false;
    if (this.closed)
      throw new ClientClosedError(
        `the Databricks client for ${this.host} is closed; ${endpoint} was not sent`,
      );
    for (let attempt = 1; ; attempt++) {
      let error: Error;
      try {
        return (await this.attempt(request, endpoint, url)) as T;
      } catch (caught) {
        if (!(caught instanceof Error)) throw caught;
        // Whatever failed, no credential travels on in its message: the provider's own values are cut
        // here, at the boundary, and anything else known or shaped like one too.
        error = redactError(caught);
      }
      // A cached OAuth token can be revoked before it expires: fetch a fresh one once, then give up.
      if (error instanceof UnauthenticatedError && !reauthenticated && this.credentials.invalidate) {
        reauthenticated = true;
        this.credentials.invalidate();
        continue;
      }
      const decision = this.options.retryPolicy.decide(error, attempt, Date.now() - started);
      const overBudget =
        decision.retry &&
        request.retryBudgetMs !== undefined &&
        Date.now() - started + decision.delayMs > request.retryBudgetMs;
      if (!decision.retry || overBudget || this.closed) {
        if (error instanceof DatabricksApiError || error instanceof DatabricksNetworkError) {
          error.attempts = attempt;
          if (attempt > 1) error.message += ` (gave up after ${attempt} attempts)`;
        }
        throw error;
      }
      this.options.onRetry?.({ endpoint, attempt, delayMs: decision.delayMs, error });
      await this.waitBeforeRetry(decision.delayMs);
      if (this.closed) {
        if (error instanceof DatabricksApiError || error instanceof DatabricksNetworkError)
          error.attempts = attempt;
        throw error;
      }
    }
  }

  /**
   * Shuts the transport down, e.g. on SIGTERM or when its workspace is deleted: calls waiting to retry
   * fail now with their last error instead of waiting out a budget of minutes, new calls are refused,
   * and connections are closed (an attempt still on the wire fails as a network error).
   */
  close(): void {
    this.closed = true;
    for (const wake of this.pendingWaits) wake();
    this.pendingWaits.clear();
    this.agent.destroy();
  }

  private waitBeforeRetry(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.pendingWaits.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.pendingWaits.add(wake);
    });
  }

  private async attempt(request: ApiRequest, endpoint: string, url: string): Promise<unknown> {
    await this.options.rateLimiter.acquire(endpoint);
    const credentials = await this.credentials.authHeaders();
    try {
      return await this.send(request, endpoint, url, credentials);
    } catch (error) {
      throw redactError(error, Object.values(credentials));
    }
  }

  private async send(
    request: ApiRequest,
    endpoint: string,
    url: string,
    credentials: Record<string, string>,
  ): Promise<unknown> {
    refuseUnsendable(credentials, endpoint);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
      ...credentials,
    };
    let body: string | undefined;
    if (request.method !== 'GET' && request.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = stringifyWithInt64(request.body);
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs ?? 60_000);
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let response: HttpExchangeResponse;
    try {
      response = await httpExchange(url, {
        method: request.method,
        headers,
        body,
        agent: this.agent,
        signal: controller.signal,
      });
    } catch (error) {
      this.options.metrics?.observe(endpoint, 'network_error', seconds());
      throw networkErrorOrSame(endpoint, error);
    } finally {
      clearTimeout(timer);
    }
    const { status, text } = response;
    this.options.metrics?.observe(endpoint, status, seconds());
    if (status >= 200 && status < 300) return parseSuccessBody(endpoint, status, text);
    if (status >= 300 && status < 400) throw redirected(endpoint, status, response.header('location'));
    throw toApiError(
      { endpoint, method: request.method, path: request.path },
      {
        status,
        statusText: response.statusText,
        bodyText: text,
        retryAfter: response.header('retry-after'),
      },
    );
  }

  private urlFor(request: ApiRequest): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
      else params.append(key, String(value));
    }
    const query = params.toString();
    return `${this.host}${request.path}${query === '' ? '' : `?${query}`}`;
  }
}

/**
 * A 2xx body: JSON, or `{}` when empty. Anything else means the host is not a Databricks API (a login
 * page, a proxy), which the caller must hear as such rather than as a JSON syntax error.
 */
export function parseSuccessBody(endpoint: string, status: number, text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return parseJsonWithInt64(text);
  } catch {
    throw new DatabricksApiError(
      status,
      undefined,
      `the response is not JSON (starts with ${JSON.stringify(text.slice(0, 40))}); check that the host is a Databricks workspace URL`,
      endpoint,
    );
  }
}

/**
 * A redirect, which the transport does not follow (it would carry the credentials along): the host is
 * not the workspace's API, e.g. a sign-in page or a proxy in front of it.
 */
function redirected(endpoint: string, status: number, location: string | undefined): DatabricksApiError {
  const where = location === undefined ? '' : ` to ${hostWithoutUserinfo(location)}`;
  return new DatabricksApiError(
    status,
    undefined,
    `the host answered with a redirect${where}; check that the host is the workspace URL (e.g. https://adb-1234567890123456.7.azuredatabricks.net), not a sign-in page or a proxy`,
    endpoint,
  );
}

/**
 * Refuses credential headers whose value could not be sent, before anything is: an HTTP library refuses
 * them with an error that may hold the whole value (node-fetch did), and a value it let through would
 * reach the server split or cut. Providers check their own values; this also covers tokens a token
 * endpoint handed out and any other provider.
 */
function refuseUnsendable(credentials: Record<string, string>, endpoint: string): void {
  for (const [name, value] of Object.entries(credentials)) {
    const problem = credentialValueProblem(value.replace(/^(Bearer|Basic) /, ''));
    if (problem !== undefined) {
      throw new InvalidCredentialError(
        `the credentials for ${endpoint} cannot be sent: the ${name} header's credential ${problem}; ${CREDENTIAL_VALUE_ADVICE}`,
      );
    }
  }
}

/** `jobs/runs/get` from `/api/2.2/jobs/runs/get`. */
export function endpointOf(path: string): string {
  return path.replace(/^\/api\/\d+\.\d+\//, '');
}

/**
 * Validates and normalizes a workspace host; the error says what to fix, and never repeats a
 * `user:password@` the host carried.
 */
export function normalizeHost(host: string): string {
  const trimmed = host.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  const shown = hostWithoutUserinfo(host);
  if (hasUserinfo(withScheme)) {
    throw new InvalidHostError(
      `workspace host "${shown}" must not contain user:password@ (or any user name): remove it, and put the credentials in the Secret that spec.auth names`,
    );
  }
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidHostError(
      `workspace host "${shown}" is not a URL: use e.g. https://adb-1234567890.12.azuredatabricks.net`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidHostError(
      `workspace host "${shown}" must use https:// (or http:// for a local test workspace)`,
    );
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** Whether the authority of `url` (scheme included) has a userinfo part: an `@` before the path. */
export function hasUserinfo(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url.trim());
}

/** `host` with any `user:password@` replaced by `[REDACTED]@`, for messages. */
export function hostWithoutUserinfo(host: string): string {
  return host.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i,
    (_match, scheme: string | undefined) => `${scheme ?? ''}[REDACTED]@`,
  );
}
