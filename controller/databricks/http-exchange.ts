/**
 * One HTTP request and its whole answer, on Node's own `http`/`https` modules: what the transport and the
 * OAuth token exchanges send. No HTTP library: the client ships in the npm package (the CLI uses it), so it
 * may not pull in a dependency an app would then install, and `http.request` keeps what the transport needs
 * from an agent (keep-alive, a socket cap, closing every connection at shutdown).
 *
 * Redirects are not followed: a Databricks API never redirects, and following one would carry the
 * Authorization header to wherever the redirect points. A 3xx comes back as an answer like any other.
 */
import http from 'node:http';
import https from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';

/** What to send. */
export interface HttpExchangeRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The connection pool; Node's global agent (keep-alive since Node 19) when absent. */
  readonly agent?: http.Agent;
  /** Aborts the request, including the reading of the body. */
  readonly signal?: AbortSignal;
}

/** The answer, body read to the end and decompressed. */
export interface HttpExchangeResponse {
  readonly status: number;
  readonly statusText: string;
  /** A response header by its lowercase name (`retry-after`, `location`). */
  header(name: string): string | undefined;
  readonly text: string;
}

/** Node's error for an aborted request: `name` is `AbortError`, which the error mapping reads as a timeout. */
function abortError(): Error {
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  return error;
}

/**
 * Node's own error as an `Error` of this module's realm, with its name, message and `code`. Errors made
 * inside Node core are not `instanceof Error` where modules run in another realm (Jest's VM contexts), and
 * the error mapping above the transport relies on that check.
 */
function transportError(cause: unknown): Error {
  const { name, message, code } = (cause ?? {}) as { name?: unknown; message?: unknown; code?: unknown };
  const error = new Error(typeof message === 'string' ? message : String(cause));
  if (typeof name === 'string') error.name = name;
  if (typeof code === 'string') Object.assign(error, { code });
  return error;
}

/**
 * Sends `request` to `url` and resolves with the answer once its last byte arrived. Rejects with Node's
 * own errors: `code` ECONNREFUSED, ECONNRESET, ENOTFOUND, ... for the network, ERR_INVALID_CHAR and
 * friends (synchronously raised, before anything is sent) for a header value HTTP cannot carry, and an
 * `AbortError` when the signal fires.
 */
export function httpExchange(url: string, request: HttpExchangeRequest): Promise<HttpExchangeResponse> {
  return new Promise((resolve, reject) => {
    const { signal } = request;
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const target = new URL(url);
    const send = target.protocol === 'https:' ? https.request : http.request;
    const headers: Record<string, string> = { 'Accept-Encoding': 'gzip, deflate, br', ...request.headers };
    if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body));
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      outgoing?.destroy();
      reject(transportError(error));
    };
    const onAbort = () => fail(abortError());
    let outgoing: http.ClientRequest | undefined;
    try {
      outgoing = send(target, { method: request.method, headers, agent: request.agent }, (response) => {
        const chunks: Buffer[] = [];
        const body = decoded(response);
        body.on('data', (chunk: Buffer) => chunks.push(chunk));
        body.on('error', fail);
        response.on('error', fail);
        response.on('aborted', () => fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
        body.on('end', () => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          resolve({
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            header: (name) => {
              const value = response.headers[name.toLowerCase()];
              return Array.isArray(value) ? value.join(', ') : value;
            },
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
    } catch (error) {
      // A header Node refuses is thrown here, before anything is sent.
      fail(error);
      return;
    }
    outgoing.on('error', fail);
    signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.end(request.body);
  });
}

/** The body stream, decompressed as its `Content-Encoding` says. */
function decoded(response: http.IncomingMessage): Readable {
  switch (response.headers['content-encoding']?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return response.pipe(createGunzip());
    case 'deflate':
      return response.pipe(createInflate());
    case 'br':
      return response.pipe(createBrotliDecompress());
    default:
      return response;
  }
}
