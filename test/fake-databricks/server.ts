import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, SerializedJson, type Clock, type FakeRequest } from './api.js';
import type { Authenticated, Authenticator } from './auth.js';
import type { FaultInjector, FaultKind, Latency } from './faults.js';
import type { RateLimiter } from './rate-limits.js';
import type { RequestLog } from './request-log.js';
import type { Router } from './router.js';

/** Path prefix of the inspection and control API (never authenticated, limited or faulted). */
export const controlPrefix = '/__fake/';

/** The parts the HTTP server wires together; each is owned and configured elsewhere. */
export interface FakeServerParts {
  readonly api: Router;
  readonly control: Router;
  readonly auth: Authenticator;
  readonly rateLimiter: RateLimiter;
  readonly faults: FaultInjector;
  readonly latency: () => Latency;
  readonly random: () => number;
  readonly log: RequestLog;
  readonly clock: Clock;
}

const emptyBody: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/**
 * The fake workspace's HTTP server. Every API request goes through the same steps a real workspace's
 * front door takes, in this order: route lookup (unknown path → 404 `ENDPOINT_NOT_FOUND`), added latency,
 * injected faults, authentication, the endpoint's rate limit, then the service's handler. Its answer,
 * or the `ApiError` it throws, becomes the JSON response.
 */
export class FakeHttpServer {
  private readonly server: Server;
  private readonly hung = new Set<ServerResponse>();

  constructor(private readonly parts: FakeServerParts) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // Only a bug in the fake gets here; answer it rather than leave the client waiting.
        if (!res.headersSent) sendJson(res, 500, { error_code: 'INTERNAL_ERROR', message: String(error) });
      });
    });
    this.server.keepAliveTimeout = 30_000;
  }

  /** Starts listening; resolves to the base URL. */
  listen(port: number, host = '127.0.0.1'): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        resolve(`http://${host}:${address.port}`);
      });
    });
  }

  /** Stops listening and drops every connection, hung requests included. */
  close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const queryString = q < 0 ? '' : rawUrl.slice(q + 1);
    const method = req.method ?? 'GET';
    const rawBody = await readBody(req);
    const contentType = req.headers['content-type']?.split(';')[0].trim().toLowerCase();

    if (path.startsWith(controlPrefix)) {
      await this.handleControl(method, path, queryString, rawBody, contentType, req, res);
      return;
    }

    const { parts } = this;
    const time = parts.clock.now();
    const match = parts.api.match(method, path);
    const endpoint = match?.route.endpoint ?? 'unknown';
    const logBase = { time, method, path, query: queryString, endpoint };
    parts.log.arrived(endpoint);
    try {
      await this.answer(req, res, { method, path, rawBody, contentType, endpoint, match, logBase });
    } finally {
      parts.log.finished(endpoint);
    }
  }

  private async answer(
    req: IncomingMessage,
    res: ServerResponse,
    request: {
      method: string;
      path: string;
      rawBody: Buffer;
      contentType: string | undefined;
      endpoint: string;
      match: ReturnType<FakeServerParts['api']['match']>;
      logBase: { time: number; method: string; path: string; query: string; endpoint: string };
    },
  ): Promise<void> {
    const { parts } = this;
    const { method, path, rawBody, contentType, endpoint, match, logBase } = request;
    const latency = parts.latency();
    if (latency.fixedMs > 0 || latency.jitterMs > 0) {
      await delay(latency.fixedMs + parts.random() * latency.jitterMs);
    }

    if (!match) {
      const error = new ApiError(404, 'ENDPOINT_NOT_FOUND', `No API found for '${method} ${path}'.`);
      parts.log.record({ ...logBase, status: 404, errorCode: error.errorCode });
      sendError(res, error);
      return;
    }

    const fault = parts.faults.pick(method, endpoint);
    if (fault !== undefined) {
      this.injectFault(fault, res);
      const status = faultStatus(fault);
      parts.log.record({ ...logBase, status, fault });
      return;
    }

    let body: Record<string, unknown>;
    try {
      body = parseBody(rawBody, contentType, path);
    } catch (error) {
      const apiError = error as ApiError;
      parts.log.record({ ...logBase, status: apiError.status, errorCode: apiError.errorCode });
      sendError(res, apiError);
      return;
    }

    let who: Authenticated | undefined;
    if (!match.route.anonymous) {
      try {
        who = parts.auth.authenticate(req.headers as Record<string, string | undefined>);
      } catch (error) {
        const apiError = error as ApiError;
        parts.log.record({ ...logBase, status: apiError.status, errorCode: apiError.errorCode, body });
        sendError(res, apiError);
        return;
      }
    }
    const authFields = who
      ? {
          principal: who.principal,
          authMode: who.mode,
          ...(who.azureWorkspaceResourceId !== undefined && {
            azureWorkspaceResourceId: who.azureWorkspaceResourceId,
          }),
        }
      : {};

    const refusal = parts.rateLimiter.admit(endpoint);
    if (refusal) {
      const error = new ApiError(
        429,
        'REQUEST_LIMIT_EXCEEDED',
        `Too many requests to ${endpoint}: the workspace allows the rate set for '${refusal.limit}'. Retry after ${refusal.retryAfterSeconds} s.`,
        { 'Retry-After': String(refusal.retryAfterSeconds) },
      );
      parts.log.record({ ...logBase, ...authFields, status: 429, errorCode: error.errorCode, body });
      sendError(res, error);
      return;
    }

    const fakeRequest: FakeRequest = {
      method,
      path,
      params: match.params,
      query: new URLSearchParams(logBase.query),
      body,
      headers: req.headers as Record<string, string | undefined>,
      principal: who?.principal ?? 'anonymous',
      rawBody,
      contentType,
    };
    try {
      const result = await match.route.handler(fakeRequest);
      parts.log.record({ ...logBase, ...authFields, status: 200, body });
      sendJson(res, 200, result);
    } catch (error) {
      const apiError = toApiError(error);
      parts.log.record({
        ...logBase,
        ...authFields,
        status: apiError.status,
        errorCode: apiError.errorCode,
        body,
      });
      sendError(res, apiError);
    }
  }

  private async handleControl(
    method: string,
    path: string,
    queryString: string,
    rawBody: Buffer,
    contentType: string | undefined,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const match = this.parts.control.match(method, path);
    if (!match) {
      sendError(
        res,
        new ApiError(404, 'ENDPOINT_NOT_FOUND', `No control API found for '${method} ${path}'.`),
      );
      return;
    }
    try {
      const result = await match.route.handler({
        method,
        path,
        params: match.params,
        query: new URLSearchParams(queryString),
        body: parseBody(rawBody, contentType, path),
        headers: req.headers as Record<string, string | undefined>,
        principal: 'fake-control',
        rawBody,
        contentType,
      });
      sendJson(res, 200, result);
    } catch (error) {
      sendError(res, toApiError(error));
    }
  }

  private injectFault(fault: FaultKind, res: ServerResponse): void {
    switch (fault) {
      case 'rate-limit':
        sendError(
          res,
          new ApiError(429, 'REQUEST_LIMIT_EXCEEDED', 'Injected fault: request rate limit exceeded.', {
            'Retry-After': '1',
          }),
        );
        return;
      case 'internal-error':
        sendError(res, new ApiError(500, 'INTERNAL_ERROR', 'Injected fault: internal error.'));
        return;
      case 'unavailable':
        sendError(
          res,
          new ApiError(
            503,
            'TEMPORARILY_UNAVAILABLE',
            'Injected fault: the service is temporarily unavailable.',
          ),
        );
        return;
      case 'permission-denied':
        sendError(
          res,
          new ApiError(403, 'PERMISSION_DENIED', 'Injected fault: the principal is not allowed to do this.'),
        );
        return;
      case 'reset':
        res.socket?.destroy();
        return;
      case 'hang':
        this.hung.add(res);
        res.on('close', () => this.hung.delete(res));
        return;
    }
  }
}

function faultStatus(fault: FaultKind): number {
  switch (fault) {
    case 'rate-limit':
      return 429;
    case 'internal-error':
      return 500;
    case 'unavailable':
      return 503;
    case 'permission-denied':
      return 403;
    default:
      return 0;
  }
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(500, 'INTERNAL_ERROR', `The fake workspace failed: ${message}`);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The body as fields. Databricks reads the body of an `/api/` request as JSON whatever its `Content-Type`
 * says (`curl --data @job.json` sends `application/x-www-form-urlencoded`; BEHAVIOUR.md, general
 * conventions); only the OAuth token endpoint, outside `/api/`, takes a form, whose fields become strings.
 * Multipart uploads (`dbfs/put`, `workspace/import`) are left to their handlers, which read the raw body.
 */
function parseBody(raw: Buffer, contentType: string | undefined, path: string): Record<string, unknown> {
  if (raw.length === 0) return { ...emptyBody };
  if (contentType?.startsWith('multipart/')) return {};
  if (contentType === 'application/x-www-form-urlencoded' && !path.startsWith('/api/')) {
    return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(
      400,
      'MALFORMED_REQUEST',
      'Invalid JSON given in the body of the request: it does not parse.',
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError(
      400,
      'MALFORMED_REQUEST',
      'Invalid JSON given in the body of the request: expected a JSON object at the top level.',
    );
  }
  return parsed as Record<string, unknown>;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const json = body instanceof SerializedJson ? body.json : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}

function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, error.body ?? { error_code: error.errorCode, message: error.message }, {
    ...error.headers,
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
