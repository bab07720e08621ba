import {
  ApiError,
  SerializedJson,
  defaultTiming,
  systemClock,
  type Clock,
  type FakeContext,
  type FakeResponseBody,
  type FakeService,
  type Route,
  type Timing,
} from './api.js';
import { authRoutes, Authenticator, type AzureAuthSettings, type OAuthClient } from './auth.js';
import { FaultInjector, noLatency, seededRandom, type FaultRule, type Latency } from './faults.js';
import { inspectionRoutes } from './inspection.js';
import { objectUiActions, type ObjectUiActions } from './object-ui-actions.js';
import { RateLimiter, type RateLimitSettings } from './rate-limits.js';
import { RequestLog, type RequestLogEntry, type RequestLogFilter } from './request-log.js';
import { Router } from './router.js';
import { FakeHttpServer } from './server.js';
import { createWorkspaceServices } from './workspace-services.js';

/** How to start a fake workspace. Every field is optional. */
export interface FakeWorkspaceOptions {
  /** TCP port on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
  /** Durations of runs and clusters; tests shrink them. @default defaultTiming */
  readonly timing?: Partial<Timing>;
  /** Per-endpoint rate limits merged over the defaults, or `false` for none. @default defaultRateLimits */
  readonly rateLimits?: RateLimitSettings | false;
  /** Added latency before every API answer. @default none */
  readonly latency?: Partial<Latency>;
  /** Injected faults. @default none */
  readonly faults?: readonly FaultRule[];
  /** Personal access tokens → the user each acts as. @default one token for `userName` */
  readonly tokens?: Readonly<Record<string, string>>;
  /** OAuth M2M clients accepted at `/oidc/v1/token`. @default one generated client */
  readonly oauthClients?: readonly OAuthClient[];
  /** Lifetime of issued OAuth access tokens, seconds of fake-clock time. @default 3600 */
  readonly oauthTokenLifetimeSeconds?: number;
  /** Azure AD service principal auth. @default disabled */
  readonly azure?: AzureAuthSettings;
  /** The fake's notion of now; pass a `ManualClock` to step lifecycles by hand. @default system clock */
  readonly clock?: Clock;
  /** Seed for fault probabilities and latency jitter. @default 1 */
  readonly seed?: number;
  /** Numeric workspace id (the `?o=` of UI URLs). @default '1234567890123456' */
  readonly workspaceId?: string;
  /** The user the default token acts as. @default 'fake.user@example.com' */
  readonly userName?: string;
  /** How many requests the log keeps in full. @default 10000 */
  readonly requestLogCapacity?: number;
}

/** The PAT a fake workspace accepts unless told otherwise. */
export const defaultFakeToken = 'dapi00000000000000000000000000fake';
/** The OAuth M2M client a fake workspace accepts unless told otherwise. */
export const defaultOAuthClient: OAuthClient = {
  clientId: '00000000-0000-0000-0000-00000000fa6e',
  clientSecret: 'dose00000000000000000000000000fake',
};

/**
 * "Act as a user in the UI": changes made outside the API under test, for drift tests. Each calls the
 * service's own route, bypassing auth, rate limits, faults and the request log.
 */
export interface UiActions {
  /** Jobs UI edit: a partial update as `jobs/update` takes it. */
  updateJob(jobId: number, newSettings: Record<string, unknown>, fieldsToRemove?: string[]): Promise<void>;
  /** Jobs UI "edit JSON": replaces all settings as `jobs/reset`. */
  resetJob(jobId: number, newSettings: Record<string, unknown>): Promise<void>;
  deleteJob(jobId: number): Promise<void>;
  /** Clusters UI "Terminate". */
  terminateCluster(clusterId: string): Promise<void>;
  /** Clusters UI "Delete" (permanent). */
  deleteCluster(clusterId: string): Promise<void>;
  /** Any endpoint by name (`jobs/update`, `secrets/delete`, ...), with a body (or query fields for GET). */
  call(endpoint: string, fields?: Record<string, unknown>): Promise<FakeResponseBody>;
}

/** A running fake Databricks workspace and its control surface. */
export class FakeWorkspace {
  /** Base URL, `http://127.0.0.1:PORT`. */
  url = '';
  /** A personal access token it accepts. */
  readonly token: string;
  /** An OAuth M2M client it accepts. */
  readonly oauthClient: OAuthClient;
  readonly workspaceId: string;
  readonly userName: string;
  readonly clock: Clock;
  readonly context: FakeContext;
  readonly services: readonly FakeService[];
  readonly ui: UiActions & ObjectUiActions;

  private timingNow: Timing;
  private latencyNow: Latency;
  private readonly auth: Authenticator;
  private readonly rateLimiter: RateLimiter;
  private readonly faults: FaultInjector;
  private readonly log: RequestLog;
  private readonly routesByEndpoint = new Map<string, Route>();
  private readonly server: FakeHttpServer;

  constructor(options: FakeWorkspaceOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.workspaceId = options.workspaceId ?? '1234567890123456';
    this.userName = options.userName ?? 'fake.user@example.com';
    this.timingNow = { ...defaultTiming, ...options.timing };
    this.latencyNow = { ...noLatency, ...options.latency };
    const tokens = options.tokens ?? { [defaultFakeToken]: this.userName };
    this.token = Object.keys(tokens)[0] ?? defaultFakeToken;
    const oauthClients = options.oauthClients ?? [defaultOAuthClient];
    this.oauthClient = oauthClients[0] ?? defaultOAuthClient;

    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const workspace = this;
    this.context = {
      clock: this.clock,
      get timing() {
        return workspace.timingNow;
      },
      baseUrl: () => workspace.url,
      workspaceId: this.workspaceId,
      userName: this.userName,
    };

    const random = seededRandom(options.seed ?? 1);
    this.auth = new Authenticator(
      {
        tokens,
        oauthClients,
        oauthTokenLifetimeSeconds: options.oauthTokenLifetimeSeconds ?? 3600,
        azure: options.azure ?? { enabled: false },
      },
      this.clock,
    );
    this.rateLimiter = new RateLimiter(options.rateLimits ?? {});
    this.faults = new FaultInjector(options.faults ?? [], random);
    this.log = new RequestLog(options.requestLogCapacity);
    this.services = createWorkspaceServices(this.context);

    const api = new Router();
    const routes = [...authRoutes(this.auth, this.context), ...this.services.flatMap((s) => s.routes())];
    api.addAll(routes);
    for (const route of routes)
      if (!this.routesByEndpoint.has(route.endpoint)) this.routesByEndpoint.set(route.endpoint, route);
    const control = new Router();
    control.addAll(inspectionRoutes(this));

    this.server = new FakeHttpServer({
      api,
      control,
      auth: this.auth,
      rateLimiter: this.rateLimiter,
      faults: this.faults,
      latency: () => this.latencyNow,
      random,
      log: this.log,
      clock: this.clock,
    });
    this.ui = {
      updateJob: async (jobId, newSettings, fieldsToRemove) => {
        await this.ui.call('jobs/update', {
          job_id: jobId,
          new_settings: newSettings,
          ...(fieldsToRemove ? { fields_to_remove: fieldsToRemove } : {}),
        });
      },
      resetJob: async (jobId, newSettings) => {
        await this.ui.call('jobs/reset', { job_id: jobId, new_settings: newSettings });
      },
      deleteJob: async (jobId) => {
        await this.ui.call('jobs/delete', { job_id: jobId });
      },
      terminateCluster: async (clusterId) => {
        await this.ui.call('clusters/delete', { cluster_id: clusterId });
      },
      deleteCluster: async (clusterId) => {
        await this.ui.call('clusters/permanent-delete', { cluster_id: clusterId });
      },
      call: (endpoint, fields = {}) => this.callAsUser(endpoint, fields),
      ...objectUiActions(this),
    };
  }

  /** Starts serving; resolves once the port is bound. */
  async start(port = 0): Promise<this> {
    this.url = await this.server.listen(port);
    return this;
  }

  /** Stops serving and drops all connections. */
  close(): Promise<void> {
    return this.server.close();
  }

  /** Replaces the injected faults (an empty list clears them). */
  setFaults(rules: readonly FaultRule[]): void {
    this.faults.set(rules);
  }

  addFault(rule: FaultRule): void {
    this.faults.add(rule);
  }

  /** The fault rules and how often each fired. */
  listFaults(): { rule: FaultRule; fired: number }[] {
    return this.faults.list();
  }

  setLatency(latency: Partial<Latency>): void {
    this.latencyNow = { ...noLatency, ...latency };
  }

  get latency(): Latency {
    return this.latencyNow;
  }

  /** Replaces the rate limits: merged over the defaults, or `false` for none. */
  setRateLimits(settings: RateLimitSettings | false): void {
    this.rateLimiter.configure(settings);
  }

  rateLimits(): Record<string, number> | false {
    return this.rateLimiter.settings();
  }

  /** Changes run and cluster durations; applies to everything scheduled from now on. */
  setTiming(timing: Partial<Timing>): void {
    this.timingNow = { ...this.timingNow, ...timing };
  }

  get timing(): Timing {
    return this.timingNow;
  }

  /** Changes which credentials are accepted (e.g. turn Azure SP auth on, shorten OAuth token lifetime). */
  configureAuth(change: {
    tokens?: Readonly<Record<string, string>>;
    oauthClients?: readonly OAuthClient[];
    oauthTokenLifetimeSeconds?: number;
    azure?: AzureAuthSettings;
  }): void {
    this.auth.configure(change);
  }

  /** How many OAuth access tokens the token endpoint has issued. */
  issuedOAuthTokens(): number {
    return this.auth.issuedTokenCount();
  }

  requests(filter?: RequestLogFilter): RequestLogEntry[] {
    return this.log.entries(filter);
  }

  /** Counts keyed `"<endpoint> <status>"`. */
  requestCounts(): Record<string, number> {
    return this.log.countsByEndpointAndStatus();
  }

  /** Requests to `endpoint`, optionally only those answered with `status`. */
  requestCount(endpoint: string, status?: number): number {
    return this.log.count(endpoint, status);
  }

  /** Requests to `endpoint` the fake is still working on (e.g. inside its latency): answers to come. */
  requestsInProgress(endpoint: string): number {
    return this.log.inProgress(endpoint);
  }

  clearRequests(): void {
    this.log.clear();
  }

  /** All state as plain JSON, one entry per service. */
  snapshot(): Record<string, unknown> {
    return Object.fromEntries(this.services.map((s) => [s.name, s.snapshot()]));
  }

  /** The service named `name` (`jobs`, `clusters`, ...), for tests that need its typed methods. */
  service<T extends FakeService>(name: string): T {
    const found = this.services.find((s) => s.name === name);
    if (!found) throw new Error(`The fake workspace has no service named '${name}'.`);
    return found as T;
  }

  /** Forgets all state, the request log, issued OAuth tokens and fault counters. Knobs stay as they are. */
  reset(): void {
    for (const service of this.services) service.reset();
    this.log.clear();
    this.auth.reset();
    this.faults.set(this.faults.list().map((f) => f.rule));
  }

  private async callAsUser(endpoint: string, fields: Record<string, unknown>): Promise<FakeResponseBody> {
    const route = this.routesByEndpoint.get(endpoint);
    if (!route) {
      throw new ApiError(
        404,
        'ENDPOINT_NOT_FOUND',
        `The fake workspace serves no endpoint named '${endpoint}'.`,
      );
    }
    const isGet = route.method === 'GET';
    const query = new URLSearchParams();
    if (isGet) for (const [k, v] of Object.entries(fields)) query.set(k, String(v));
    // Pattern segments (`/api/2.0/permissions/:type/:id`) are filled from the fields of the same name.
    const params: Record<string, string> = {};
    for (const segment of route.path.split('/')) {
      if (segment.startsWith(':')) params[segment.slice(1)] = String(fields[segment.slice(1)] ?? '');
    }
    const result = await route.handler({
      method: route.method,
      path: route.path,
      params,
      query,
      body: isGet ? {} : fields,
      headers: {},
      principal: this.userName,
    });
    return result instanceof SerializedJson ? (JSON.parse(result.json) as FakeResponseBody) : result;
  }
}
