/**
 * `DatabricksClient`: one per workspace. It bundles the API modules over one transport, so every call to a
 * workspace shares its keep-alive connections, its token bucket and its credentials.
 *
 * It loads no package beyond this folder's own code and Node: the CLI ships it in the npm package, and
 * an app must not get the controller's dependencies (Prometheus, the Kubernetes client) with it. Metrics
 * come in as a recorder (`registerApiMetrics(registry, workspace)` in the controller).
 */
import type { ApiMetrics } from './api-metrics-recorder.js';
import type { CredentialsProvider } from './auth/credentials-provider.js';
import { ClusterPoliciesApi, PolicyFamiliesApi } from './cluster-policies.js';
import { ClustersApi } from './clusters.js';
import { CurrentUserApi } from './current-user.js';
import { DbfsApi } from './dbfs.js';
import { GitCredentialsApi } from './git-credentials.js';
import { HttpTransport, type RetryEvent } from './http-transport.js';
import { InstancePoolsApi } from './instance-pools.js';
import { JobsApi } from './jobs.js';
import { PermissionsApi } from './permissions.js';
import { PipelinesApi } from './pipelines.js';
import {
  DEFAULT_REQUESTS_PER_SECOND,
  type EndpointRateLimits,
  WorkspaceRateLimiter,
} from './rate-limiter.js';
import { ReposApi } from './repos.js';
import { RetryPolicy, type RetryOptions } from './retry-policy.js';
import { SecretsApi } from './secrets.js';
import { WarehousesApi } from './sql-warehouses.js';
import { WorkspaceApi } from './workspace.js';
import { WorkspaceMetadataApi } from './workspace-metadata.js';

export interface DatabricksClientOptions {
  /** Workspace URL, e.g. `https://adb-123.4.azuredatabricks.net`; `https://` is assumed without a scheme. */
  readonly host: string;
  /** How to authenticate; replaceable later with `replaceCredentials`. */
  readonly auth: CredentialsProvider;
  /** Requests per second to this workspace (the workspace's `rateLimit`). Default `DEFAULT_REQUESTS_PER_SECOND`. */
  readonly rateLimit?: number;
  /**
   * Per-endpoint limits beneath `rateLimit`. Default: Databricks' published limits at 90 %
   * (`DEFAULT_ENDPOINT_RATE_LIMITS`); `false` for none.
   */
  readonly endpointRateLimits?: EndpointRateLimits | false;
  /**
   * Records every attempt: `registerApiMetrics(registry, workspace)` counts them in
   * `databricks_api_requests_total` and `databricks_api_request_duration_seconds`. Default: not recorded.
   */
  readonly metrics?: ApiMetrics;
  /** Retry tunables; the defaults follow the SDKs (5 min budget, backoff capped at 10 s). */
  readonly retry?: Partial<RetryOptions>;
  /** Per-attempt timeout. Default 60 s. */
  readonly timeoutMs?: number;
  /** Hears about every retry (to log it); never given credentials. */
  readonly onRetry?: (event: RetryEvent) => void;
}

export class DatabricksClient {
  readonly host: string;
  readonly jobs: JobsApi;
  readonly clusters: ClustersApi;
  readonly secrets: SecretsApi;
  readonly dbfs: DbfsApi;
  readonly workspace: WorkspaceApi;
  readonly permissions: PermissionsApi;
  readonly clusterPolicies: ClusterPoliciesApi;
  readonly policyFamilies: PolicyFamiliesApi;
  readonly instancePools: InstancePoolsApi;
  readonly gitCredentials: GitCredentialsApi;
  readonly repos: ReposApi;
  readonly pipelines: PipelinesApi;
  /** SQL warehouses (`/api/2.0/sql/warehouses`). */
  readonly warehouses: WarehousesApi;
  readonly currentUser: CurrentUserApi;
  /** `/.well-known/databricks-config`: the workspace id and OIDC endpoint, where served. */
  readonly metadata: WorkspaceMetadataApi;
  private readonly transport: HttpTransport;

  constructor(options: DatabricksClientOptions) {
    this.transport = new HttpTransport({
      host: options.host,
      credentials: options.auth,
      rateLimiter: new WorkspaceRateLimiter({
        requestsPerSecond: options.rateLimit ?? DEFAULT_REQUESTS_PER_SECOND,
        endpointLimits: options.endpointRateLimits,
      }),
      retryPolicy: new RetryPolicy(options.retry),
      metrics: options.metrics,
      timeoutMs: options.timeoutMs,
      onRetry: options.onRetry,
    });
    this.host = this.transport.host;
    this.jobs = new JobsApi(this.transport);
    this.clusters = new ClustersApi(this.transport);
    this.secrets = new SecretsApi(this.transport);
    this.dbfs = new DbfsApi(this.transport);
    this.workspace = new WorkspaceApi(this.transport);
    this.permissions = new PermissionsApi(this.transport);
    this.clusterPolicies = new ClusterPoliciesApi(this.transport);
    this.policyFamilies = new PolicyFamiliesApi(this.transport);
    this.instancePools = new InstancePoolsApi(this.transport);
    this.gitCredentials = new GitCredentialsApi(this.transport);
    this.repos = new ReposApi(this.transport);
    this.pipelines = new PipelinesApi(this.transport);
    this.warehouses = new WarehousesApi(this.transport);
    this.currentUser = new CurrentUserApi(this.transport);
    this.metadata = new WorkspaceMetadataApi(this.transport);
  }

  /** The credentials in use (kind only is safe to show). */
  get credentials(): CredentialsProvider {
    return this.transport.credentials;
  }

  /** Switches to new credentials (e.g. the Secret changed); calls already in flight keep the old ones. */
  replaceCredentials(auth: CredentialsProvider): void {
    this.transport.credentials = auth;
  }

  /**
   * Stops using this client: retry waits end at once with the last error, new calls are refused, and
   * connections are closed. Call it on shutdown or when the workspace goes away.
   */
  close(): void {
    this.transport.close();
  }
}
