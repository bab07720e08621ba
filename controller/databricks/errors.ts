/**
 * Typed errors for everything that can go wrong talking to Databricks. Reconcilers branch on the class
 * (`instanceof NotFoundError`), never on status codes or message text: the mapping from Databricks'
 * inconsistent answers to these classes lives here, once.
 */
import { parseErrorBody } from './error-body.js';

/** What the client knows about the call that failed. Never includes credentials or request bodies. */
export interface FailedCall {
  /** The stable endpoint name, e.g. `jobs/get`. */
  readonly endpoint: string;
  readonly method: string;
  /** The URL path without the query string, e.g. `/api/2.2/jobs/get`. */
  readonly path: string;
}

/** An error response from the Databricks REST API. Subclasses say what kind of failure it was. */
export class DatabricksApiError extends Error {
  /** How many attempts the client made before giving up (1 when the error was not retryable). */
  attempts = 1;

  constructor(
    /** HTTP status of the response. */
    readonly status: number,
    /** Databricks' `error_code`: usually a string like `INVALID_STATE`, sometimes a number, absent if none was sent. */
    readonly errorCode: string | number | undefined,
    /** Databricks' own message, unchanged. */
    readonly apiMessage: string,
    /** The stable endpoint name of the call, e.g. `jobs/get`. */
    readonly endpoint: string,
  ) {
    const code = errorCode === undefined ? '' : ` ${errorCode}`;
    super(`Databricks ${endpoint} failed with HTTP ${status}${code}: ${apiMessage}`);
    this.name = new.target.name;
  }
}

/** The object does not exist (404 `RESOURCE_DOES_NOT_EXIST`, or the legacy 400 "... does not exist"). */
export class NotFoundError extends DatabricksApiError {}

/**
 * What `call` answers, or undefined when Databricks says the object does not exist: a read of something
 * that may be gone, or a delete of something that may be gone already. Any other failure is thrown.
 */
export async function unlessMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
/**
 * The object already exists (`RESOURCE_ALREADY_EXISTS`, `ALREADY_EXISTS`, a 409 without a more specific
 * code, and `CREDENTIAL_ALREADY_EXISTS`: a principal's second Git credential).
 */
export class AlreadyExistsError extends DatabricksApiError {}
/**
 * The request conflicts with the object's current state (`RESOURCE_CONFLICT`): a pipeline name
 * another pipeline uses, a pipeline update started while one is active, an edit whose
 * `expected_last_modified` is stale. Read the object again before deciding what to do.
 */
export class ResourceConflictError extends DatabricksApiError {}
/** Databricks rejected the request's content (`INVALID_PARAMETER_VALUE`, `MALFORMED_REQUEST`, other 400s). */
export class InvalidParameterError extends DatabricksApiError {}
/** The object is in a state that does not allow the operation (`INVALID_STATE`), e.g. editing a PENDING cluster. */
export class InvalidStateError extends DatabricksApiError {}
/** A quota or size limit was hit (`RESOURCE_LIMIT_EXCEEDED`, `QUOTA_EXCEEDED`, `MAX_*_EXCEEDED`). */
export class LimitExceededError extends DatabricksApiError {}
/** The caller is known but may not do this (403 `PERMISSION_DENIED`). */
export class PermissionDeniedError extends DatabricksApiError {}
/** The credentials were missing, invalid or expired (401, or the 403 "Invalid access token."). */
export class UnauthenticatedError extends DatabricksApiError {}

/** Databricks asked the client to slow down (429 `REQUEST_LIMIT_EXCEEDED` / `RESOURCE_EXHAUSTED`). */
export class RateLimitedError extends DatabricksApiError {
  constructor(
    status: number,
    errorCode: string | number | undefined,
    apiMessage: string,
    endpoint: string,
    /** The `Retry-After` the response carried, in seconds, if any. */
    readonly retryAfterSeconds?: number,
  ) {
    super(status, errorCode, apiMessage, endpoint);
  }
}

/** The service is temporarily unavailable (503 `TEMPORARILY_UNAVAILABLE`). */
export class TemporarilyUnavailableError extends DatabricksApiError {
  constructor(
    status: number,
    errorCode: string | number | undefined,
    apiMessage: string,
    endpoint: string,
    /** The `Retry-After` the response carried, in seconds, if any. */
    readonly retryAfterSeconds?: number,
  ) {
    super(status, errorCode, apiMessage, endpoint);
  }
}

/** The request never got an HTTP answer: connection refused or reset, DNS failure, or the 60 s timeout. */
export class DatabricksNetworkError extends Error {
  /** How many attempts the client made before giving up. */
  attempts = 1;

  constructor(
    /** The stable endpoint name of the call, e.g. `jobs/get`. */
    readonly endpoint: string,
    /** The system error code (`ECONNRESET`, `ECONNREFUSED`, `ENOTFOUND`, ...) or `TIMEOUT`. */
    readonly code: string,
    detail: string,
  ) {
    super(`Databricks ${endpoint} failed before a response arrived (${code}): ${detail}`);
    this.name = 'DatabricksNetworkError';
  }
}

/**
 * A credential that cannot be sent: empty, or holding a character no bearer token or OAuth secret has
 * (a line break from a paste, a NUL, a Unicode space). The message says what is wrong and where, and
 * never contains the value.
 */
export class InvalidCredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCredentialError';
  }
}

/** A workspace host that is not an `https://` (or `http://`) URL, or that carries `user:password@`. */
export class InvalidHostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidHostError';
  }
}

/** The call was not sent, or its retry was cut short, because the client was closed (shutdown, workspace gone). */
export class ClientClosedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientClosedError';
  }
}

// Jobs, runs and clusters answer a missing object with 400 INVALID_PARAMETER_VALUE for legacy reasons
// (BEHAVIOUR.md §2); the SDKs rewrite it by path and message, and so does this client. Instance pools and
// cluster policies belong to the same legacy service: their "Can't find ..." is read the same way when it
// comes as INVALID_PARAMETER_VALUE rather than RESOURCE_DOES_NOT_EXIST. A create names no existing object
// of its own, so "does not exist" in its answer is about something the request points at (a policy
// family, an instance pool): the request is wrong, not the object gone.
const LEGACY_NOT_FOUND_PATH = /^\/api\/2\.\d+\/(jobs|clusters|instance-pools|policies\/clusters)\//;
const CREATE_PATH = /\/create$/;
const LEGACY_NOT_FOUND_MESSAGE = /(does not exist|doesn't exist|can't find)/i;

const NOT_FOUND_CODES = new Set([
  'RESOURCE_DOES_NOT_EXIST',
  'NOT_FOUND',
  'FEATURE_DISABLED',
  // A Git credential that is missing, or another principal's (Git Credentials API).
  'CREDENTIAL_NOT_FOUND',
]);
const ALREADY_EXISTS_CODES = new Set([
  'RESOURCE_ALREADY_EXISTS',
  'ALREADY_EXISTS',
  'CREDENTIAL_ALREADY_EXISTS',
]);
const CONFLICT_CODES = new Set(['RESOURCE_CONFLICT']);
const INVALID_PARAMETER_CODES = new Set(['INVALID_PARAMETER_VALUE', 'MALFORMED_REQUEST', 'BAD_REQUEST']);
const RATE_LIMIT_CODES = new Set(['REQUEST_LIMIT_EXCEEDED', 'RESOURCE_EXHAUSTED', 'TOO_MANY_REQUESTS']);
const LIMIT_EXCEEDED_CODE = /^(RESOURCE_LIMIT_EXCEEDED|QUOTA_EXCEEDED|MAX_[A-Z_]+_EXCEEDED)$/;
const INVALID_TOKEN_MESSAGE = /invalid access token|token (is )?expired|invalid token/i;

/** The parts of an HTTP error response the classifier needs. */
export interface ErrorResponse {
  readonly status: number;
  readonly statusText: string;
  readonly bodyText: string;
  /** The raw `Retry-After` header, if any. */
  readonly retryAfter?: string | null;
}

/**
 * Turns an error response into the typed error a reconciler acts on. Databricks' `error_code` decides
 * first and the HTTP status second, as in the official SDKs. `ENDPOINT_NOT_FOUND` is deliberately not a
 * `NotFoundError`: a wrong host or API path must not read as "the object is already gone".
 */
export function toApiError(call: FailedCall, response: ErrorResponse): DatabricksApiError {
  const { status } = response;
  const { errorCode, message } = parseErrorBody(status, response.statusText, response.bodyText);
  const code = typeof errorCode === 'string' ? errorCode : undefined;
  const retryAfterSeconds = parseRetryAfter(response.retryAfter);
  const args = [status, errorCode, message, call.endpoint] as const;

  if (
    status === 400 &&
    code === 'INVALID_PARAMETER_VALUE' &&
    LEGACY_NOT_FOUND_PATH.test(call.path) &&
    !CREATE_PATH.test(call.path) &&
    LEGACY_NOT_FOUND_MESSAGE.test(message)
  ) {
    return new NotFoundError(...args);
  }
  if (code === 'ENDPOINT_NOT_FOUND') return new DatabricksApiError(...args);
  if (code !== undefined) {
    if (NOT_FOUND_CODES.has(code)) return new NotFoundError(...args);
    if (ALREADY_EXISTS_CODES.has(code)) return new AlreadyExistsError(...args);
    if (CONFLICT_CODES.has(code)) return new ResourceConflictError(...args);
    if (INVALID_PARAMETER_CODES.has(code)) return new InvalidParameterError(...args);
    if (code === 'INVALID_STATE') return new InvalidStateError(...args);
    if (LIMIT_EXCEEDED_CODE.test(code)) return new LimitExceededError(...args);
    if (code === 'PERMISSION_DENIED') return new PermissionDeniedError(...args);
    if (code === 'UNAUTHENTICATED') return new UnauthenticatedError(...args);
    if (RATE_LIMIT_CODES.has(code)) return new RateLimitedError(...args, retryAfterSeconds);
    if (code === 'TEMPORARILY_UNAVAILABLE')
      return new TemporarilyUnavailableError(...args, retryAfterSeconds);
  }
  switch (status) {
    case 400:
      return new InvalidParameterError(...args);
    case 401:
      return new UnauthenticatedError(...args);
    case 403:
      // A bad or expired PAT is a 403 with error_code 403; to a user that is "fix the credentials",
      // not "grant a permission".
      return INVALID_TOKEN_MESSAGE.test(message)
        ? new UnauthenticatedError(...args)
        : new PermissionDeniedError(...args);
    case 404:
      return new NotFoundError(...args);
    case 409:
      return new AlreadyExistsError(...args);
    case 429:
      return new RateLimitedError(...args, retryAfterSeconds);
    case 503:
      return new TemporarilyUnavailableError(...args, retryAfterSeconds);
    default:
      return new DatabricksApiError(...args);
  }
}

/** `Retry-After` as integer seconds; the HTTP-date form is not used by Databricks and is ignored. */
export function parseRetryAfter(header: string | null | undefined): number | undefined {
  if (header == null) return undefined;
  const trimmed = header.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

/** Node's `http` codes for a header it will not send: an invalid character in a value, or an invalid name. */
const UNSENDABLE_HEADER_CODES = new Set([
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_HTTP_INVALID_HEADER_VALUE',
]);

/**
 * Maps transport failures (Node's `http` errors, and node-fetch's, whose messages the redaction still
 * knows) to DatabricksNetworkError; passes typed errors through. A header the HTTP layer refuses is an
 * InvalidCredentialError whose message carries nothing of the header: node-fetch put the whole value in
 * its message (`<value> is not a legal HTTP header value`), and with an Authorization header that value
 * is the token.
 */
export function networkErrorOrSame(endpoint: string, error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as Error & { code?: unknown }).code;
  if (
    /is not a legal HTTP header (value|name)/.test(error.message) ||
    (typeof code === 'string' && UNSENDABLE_HEADER_CODES.has(code))
  ) {
    return new InvalidCredentialError(
      `a request header of ${endpoint} holds a character HTTP headers cannot carry (the value is not shown); check the credential in the Secret for line breaks or other invisible characters`,
    );
  }
  if (error.name === 'AbortError')
    return new DatabricksNetworkError(endpoint, 'TIMEOUT', 'no response in time');
  if (error.name === 'FetchError' || typeof code === 'string') {
    const normalized =
      typeof code === 'string' ? code : /socket hang up/i.test(error.message) ? 'SOCKET_HANG_UP' : 'NETWORK';
    return new DatabricksNetworkError(endpoint, normalized, error.message);
  }
  return error;
}
