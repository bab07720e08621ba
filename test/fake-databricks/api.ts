/**
 * The contract between the fake workspace's HTTP server and its services (jobs, clusters, secrets, ...).
 *
 * A service is plain state plus a list of routes. It never touches HTTP: the server parses the request,
 * checks auth, rate limits and injected faults, then calls the route's handler with a `FakeRequest` and
 * turns its result (or a thrown `ApiError`) into the response the real Databricks API would give.
 */

/** A parsed request as a route handler sees it. */
export interface FakeRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/api/2.2/jobs/get`. */
  readonly path: string;
  /** Named path parameters captured by the route pattern (`/api/2.0/permissions/:type/:id`). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body (`{}` for an empty body, GETs included). */
  readonly body: Record<string, unknown>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The authenticated principal (user or service principal name) making the call. */
  readonly principal: string;
  /**
   * The unparsed body, for the multipart uploads of `dbfs/put` and `workspace/import` (`body` is `{}` for
   * those). Absent when a request is built in-process (the inspection API's UI actions).
   */
  readonly rawBody?: Buffer;
  /** The request's `Content-Type` header, lower-cased, without parameters (`multipart/form-data`). */
  readonly contentType?: string;
}

/** What a handler returns: the JSON body of a 200 response. */
export type FakeResponseBody = Record<string, unknown>;

/**
 * A 200 body already serialized, for hot read paths that cache their answer (`jobs/get` of a large job
 * would otherwise spend most of its time in `JSON.stringify`). The server sends `json` as it is.
 */
export class SerializedJson {
  constructor(readonly json: string) {}
}

export type RouteHandler = (
  req: FakeRequest,
) => FakeResponseBody | SerializedJson | Promise<FakeResponseBody | SerializedJson>;

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /**
   * A path pattern. `:name` segments capture a parameter. A `{2.0,2.1,2.2}` segment is not supported:
   * register one route per served version (see `versions`).
   */
  readonly path: string;
  /**
   * The name this endpoint has in rate limits, fault injection and the request log, e.g. `jobs/create`,
   * `jobs/runs/get`, `clusters/get`, `permissions/put`. Versions share one name.
   */
  readonly endpoint: string;
  readonly handler: RouteHandler;
  /** Served without credentials (OIDC discovery, the token endpoint). Default: auth is required. */
  readonly anonymous?: boolean;
}

/**
 * An error the real API would answer with: HTTP status plus `{"error_code", "message"}`.
 * `errorCode` is a string for almost everything; the invalid-token 403 uses the number 403.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** A body other than `{error_code, message}` (OAuth errors use `{error, error_description}`). */
    readonly body?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Shorthands for the error shapes BEHAVIOUR.md §2 documents. */
export const errors = {
  invalidParameter: (message: string) => new ApiError(400, 'INVALID_PARAMETER_VALUE', message),
  invalidState: (message: string) => new ApiError(400, 'INVALID_STATE', message),
  badRequest: (message: string) => new ApiError(400, 'BAD_REQUEST', message),
  malformedRequest: (message: string) => new ApiError(400, 'MALFORMED_REQUEST', message),
  /** Newer-style not found (secrets, dbfs, workspace): 404 RESOURCE_DOES_NOT_EXIST. */
  notFound: (message: string) => new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', message),
  /** Legacy jobs/runs/clusters not found: 400 INVALID_PARAMETER_VALUE "... does not exist." */
  legacyNotFound: (message: string) => new ApiError(400, 'INVALID_PARAMETER_VALUE', message),
  /** The 2.0 APIs (secrets, dbfs, workspace) answer an existing object with 400. */
  alreadyExists: (message: string, status = 400) => new ApiError(status, 'RESOURCE_ALREADY_EXISTS', message),
  limitExceeded: (message: string) => new ApiError(400, 'RESOURCE_LIMIT_EXCEEDED', message),
  permissionDenied: (message: string) => new ApiError(403, 'PERMISSION_DENIED', message),
};

/** Time as the fake sees it, in epoch milliseconds. Lifecycles are computed from it lazily. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock a unit test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * How long asynchronous things take, in milliseconds. Tests shrink these; the defaults are short enough
 * for a demo and long enough to observe every intermediate state.
 */
export interface Timing {
  /** Run: QUEUED/PENDING before RUNNING (cluster and context setup). */
  readonly runPendingMs: number;
  /** Run: each task's RUNNING time unless the task says otherwise (see the jobs service's markers). */
  readonly taskRunningMs: number;
  /** Run: TERMINATING before TERMINATED (also the time a cancel takes to land). */
  readonly runTerminatingMs: number;
  /** Cluster: PENDING before RUNNING, and RESTARTING/RESIZING before RUNNING again. */
  readonly clusterStartMs: number;
  /** Cluster: TERMINATING before TERMINATED. */
  readonly clusterTerminateMs: number;
  /** Instance pool: an instance is pending this long before it is idle in the pool. */
  readonly poolInstanceStartMs: number;
  /**
   * Pipeline update: each phase before RUNNING (QUEUED, CREATED, WAITING_FOR_RESOURCES, INITIALIZING,
   * RESETTING for a full refresh, SETTING_UP_TABLES); also the wait before a continuous pipeline retries.
   */
  readonly pipelineStepMs: number;
  /** Pipeline update: RUNNING time of a triggered update unless its source says otherwise. */
  readonly pipelineRunningMs: number;
  /** Pipeline update: STOPPING before CANCELED; also how long a deleted pipeline stays visible. */
  readonly pipelineStopMs: number;
  /** SQL warehouse: STARTING before RUNNING. */
  readonly warehouseStartMs: number;
  /** SQL warehouse: STOPPING before STOPPED, and DELETING before DELETED. */
  readonly warehouseStopMs: number;
}

export const defaultTiming: Timing = {
  runPendingMs: 300,
  taskRunningMs: 700,
  runTerminatingMs: 200,
  clusterStartMs: 1500,
  clusterTerminateMs: 500,
  poolInstanceStartMs: 1000,
  pipelineStepMs: 150,
  pipelineRunningMs: 700,
  pipelineStopMs: 200,
  warehouseStartMs: 1500,
  warehouseStopMs: 500,
};

/** What every service is handed when the workspace is built. */
export interface FakeContext {
  readonly clock: Clock;
  readonly timing: Timing;
  /** The workspace's base URL, e.g. `http://127.0.0.1:8089` (for `run_page_url` and the like). */
  readonly baseUrl: () => string;
  /** The numeric workspace id (`?o=` in URLs, `/.well-known/databricks-config`). */
  readonly workspaceId: string;
  /** The user name the default token acts as (`creator_user_name`, default owner). */
  readonly userName: string;
}

/** A part of the workspace: state, the routes that act on it, and hooks for the inspection API. */
export interface FakeService {
  readonly name: string;
  routes(): Route[];
  /** All state as plain JSON, for the inspection API and test assertions. */
  snapshot(): unknown;
  /** Forget everything. */
  reset(): void;
}

/**
 * A route builder for one API under `/api/<version>/<api>/`: `routesUnder('2.0', 'dbfs')('POST', 'put', h)`
 * serves `POST /api/2.0/dbfs/put` as the endpoint `dbfs/put`.
 */
export function routesUnder(version: string, api: string) {
  return (method: Route['method'], op: string, handler: RouteHandler): Route => ({
    method,
    path: `/api/${version}/${api}/${op}`,
    endpoint: `${api}/${op}`,
    handler,
  });
}
