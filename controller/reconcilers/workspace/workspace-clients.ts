/**
 * One `DatabricksClient` per DatabricksWorkspace, kept between reconciles so calls to a workspace share
 * its connections and token bucket. The client is rebuilt only when what it was built from changes: the
 * host or rate limit (a new client) or the auth spec or the value of a referenced Secret key (new
 * credentials on the same client). A Secret written without a change of that value (a label, a
 * finalizer, another key) keeps the client, its cached OAuth token and its verdict: the Secret watch
 * wakes the workspace for such writes too, and they need no new probe.
 */
import { createHash } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import { registerApiMetrics } from '../../databricks/api-metrics.js';
import {
  CREDENTIAL_VALUE_ADVICE,
  credentialsForWorkspace,
  credentialValueProblem,
  DatabricksClient,
  InvalidCredentialError,
  knownCredentials,
  type DatabricksClientOptions,
  type WorkspaceCredentialsOptions,
} from '../../databricks/index.js';
import type { DatabricksWorkspaceSpec, SecretKeySelector } from '../../../lib/crds/index.js';
import type { KubeClient } from '../../runtime/kube-client.js';

/** Why a Secret a workspace names could not be used; `reason` is the Ready condition's reason. */
export class MissingSecretError extends Error {
  constructor(
    readonly reason: 'SecretNotFound' | 'SecretKeyMissing',
    readonly secretName: string,
    readonly key: string,
    namespace: string,
  ) {
    super(
      reason === 'SecretNotFound'
        ? `Secret ${namespace}/${secretName} does not exist; create it with key "${key}" holding the credential`
        : `Secret ${namespace}/${secretName} has no key "${key}" (or it is empty); add the key or fix secretKeyRef.key`,
    );
    this.name = 'MissingSecretError';
  }
}

/** The Secret keys `spec.auth` refers to, in the order the spec lists them. */
export function referencedSecretKeys(spec: Pick<DatabricksWorkspaceSpec, 'auth'>): SecretKeySelector[] {
  const { token, oauthM2M, azureServicePrincipal } = spec.auth;
  return [
    token?.secretKeyRef,
    oauthM2M?.clientSecret.secretKeyRef,
    azureServicePrincipal?.clientSecret.secretKeyRef,
  ].filter((ref): ref is SecretKeySelector => ref !== undefined);
}

/** Client settings shared by every workspace's client (tests shorten retries; production sets metrics). */
export type SharedClientOptions = Omit<DatabricksClientOptions, 'host' | 'auth' | 'rateLimit' | 'metrics'> & {
  /** Where each client counts its calls, labelled with its workspace's key. */
  readonly metrics?: Registry;
};

interface CachedClient {
  readonly client: DatabricksClient;
  readonly connection: string;
  readonly credentials: string;
}

/** The per-workspace client cache, keyed by `namespace/name`. */
export class WorkspaceClients {
  private readonly clients = new Map<string, CachedClient>();
  /** key → what the client was built from when a probe last accepted its credentials. */
  private readonly verifiedBuilds = new Map<string, string>();

  constructor(
    private readonly clientOptions: SharedClientOptions = {},
    private readonly credentialsOptions: WorkspaceCredentialsOptions = {},
  ) {}

  /**
   * The client for the workspace `key`, built from `spec` and `secrets` (the referenced Secrets by name,
   * as read from the API server). Throws {@link MissingSecretError} when a referenced key is absent.
   */
  async clientFor(
    key: string,
    namespace: string,
    spec: DatabricksWorkspaceSpec,
    secrets: ReadonlyMap<string, V1Secret>,
  ): Promise<DatabricksClient> {
    const connection = JSON.stringify([spec.host, spec.rateLimit]);
    // Digests, not values: the key is kept (and compared) for as long as the client lives.
    const credentials = JSON.stringify([
      spec.auth,
      referencedSecretKeys(spec).map((ref) => [
        ref.name,
        ref.key,
        digest(secrets.get(ref.name)?.data?.[ref.key] ?? ''),
      ]),
    ]);
    const cached = this.clients.get(key);
    if (cached && cached.connection === connection && cached.credentials === credentials)
      return cached.client;

    const auth = await credentialsForWorkspace(
      spec,
      async (ref) => secretValue(namespace, secrets, ref),
      this.credentialsOptions,
    );
    let client: DatabricksClient;
    if (cached && cached.connection === connection) {
      client = cached.client;
      client.replaceCredentials(auth);
    } else {
      cached?.client.close();
      const { metrics, ...shared } = this.clientOptions;
      client = new DatabricksClient({
        ...shared,
        ...(metrics ? { metrics: registerApiMetrics(metrics, key) } : {}),
        host: spec.host,
        rateLimit: spec.rateLimit,
        auth,
      });
    }
    this.clients.set(key, { client, connection, credentials });
    return client;
  }

  /**
   * The client already built for workspace `key` from this host, rate limit and auth spec, if any. The
   * workspace reconciler keeps its credentials current; dependents use this and skip reading Secrets.
   */
  cached(key: string, spec: DatabricksWorkspaceSpec): DatabricksClient | undefined {
    const cached = this.clients.get(key);
    if (!cached || cached.connection !== JSON.stringify([spec.host, spec.rateLimit])) return undefined;
    const [auth] = JSON.parse(cached.credentials) as [unknown];
    return JSON.stringify(auth) === JSON.stringify(spec.auth) ? cached.client : undefined;
  }

  /**
   * Whether the client of workspace `key` still uses what it was built from when {@link markVerified}
   * was last called: no Secret, host or auth spec changed since Databricks last accepted it.
   */
  isVerified(key: string): boolean {
    const cached = this.clients.get(key);
    return cached !== undefined && this.verifiedBuilds.get(key) === buildOf(cached);
  }

  /** Records that Databricks accepted the credentials the client of workspace `key` uses now. */
  markVerified(key: string): void {
    const cached = this.clients.get(key);
    if (cached) this.verifiedBuilds.set(key, buildOf(cached));
  }

  /** Closes and drops the client of a workspace that is gone. */
  forget(key: string): void {
    this.clients.get(key)?.client.close();
    this.clients.delete(key);
    this.verifiedBuilds.delete(key);
  }

  /** Closes every client (shutdown). */
  closeAll(): void {
    for (const key of [...this.clients.keys()]) this.forget(key);
  }
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function buildOf(cached: CachedClient): string {
  return `${cached.connection}\n${cached.credentials}`;
}

function secretValue(
  namespace: string,
  secrets: ReadonlyMap<string, V1Secret>,
  ref: SecretKeySelector,
): string {
  const secret = secrets.get(ref.name);
  if (!secret) throw new MissingSecretError('SecretNotFound', ref.name, ref.key, namespace);
  const encoded = secret.data?.[ref.key];
  const value = encoded === undefined ? '' : Buffer.from(encoded, 'base64').toString('utf8');
  // Remembered before anything can fail, so no log line can show it whatever happens next.
  knownCredentials.add(value);
  const problem = credentialValueProblem(value);
  if (problem === 'is empty') throw new MissingSecretError('SecretKeyMissing', ref.name, ref.key, namespace);
  if (problem !== undefined) {
    throw new InvalidCredentialError(
      `the value of Secret ${namespace}/${ref.name} key "${ref.key}" ${problem}; ${CREDENTIAL_VALUE_ADVICE}`,
    );
  }
  return value.trim();
}

/** Reads each Secret `spec.auth` refers to (a get each); a missing one is a {@link MissingSecretError}. */
export async function readReferencedSecrets(
  kube: Pick<KubeClient, 'readSecret'>,
  namespace: string,
  spec: DatabricksWorkspaceSpec,
): Promise<Map<string, V1Secret>> {
  const secrets = new Map<string, V1Secret>();
  for (const ref of referencedSecretKeys(spec)) {
    if (secrets.has(ref.name)) continue;
    const secret = await kube.readSecret(namespace, ref.name);
    if (!secret) throw new MissingSecretError('SecretNotFound', ref.name, ref.key, namespace);
    secrets.set(ref.name, secret);
  }
  return secrets;
}
