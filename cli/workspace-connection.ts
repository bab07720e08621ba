/**
 * The workspace a command reads, found as the Databricks SDKs and CLI find it (BEHAVIOUR.md §6):
 * `DATABRICKS_HOST` (or `--host`) with `DATABRICKS_TOKEN`, or with `DATABRICKS_CLIENT_ID` and
 * `DATABRICKS_CLIENT_SECRET` for OAuth M2M; `DATABRICKS_AUTH_TYPE` (`pat`, `oauth-m2m`) picks one when both
 * are set, and `DATABRICKS_RATE_LIMIT` caps requests per second. The connection is checked with one read
 * before anything else, so an unreachable host or a refused credential is one line saying which variable
 * to fix, not a stack trace halfway through.
 */
import {
  DEFAULT_REQUESTS_PER_SECOND,
  DatabricksApiError,
  DatabricksClient,
  DatabricksNetworkError,
  InvalidCredentialError,
  InvalidHostError,
  OAuthM2MCredentials,
  PermissionDeniedError,
  PersonalAccessToken,
  UnauthenticatedError,
  hostWithoutUserinfo,
  type CredentialsProvider,
} from '../controller/databricks/index.js';
import { CommandError, type CommandIo } from './command-line.js';
import type { ImportedAuth } from './import/imported-app.js';

/** A checked connection to a workspace. */
export interface WorkspaceConnection {
  readonly client: DatabricksClient;
  /** The normalized workspace URL. */
  readonly host: string;
  /** How the command authenticated, for the DatabricksWorkspace it generates. */
  readonly auth: ImportedAuth;
}

/** How long the first call may keep retrying a host that does not answer before the command gives up. */
const PROBE_BUDGET_MS = 3_000;

/** Why a call to `host` failed, as one line that says what to fix. */
export function describeWorkspaceFailure(host: string, error: unknown): string {
  if (error instanceof DatabricksNetworkError) {
    const why: Record<string, string> = {
      ENOTFOUND: 'no such host',
      ECONNREFUSED: 'connection refused',
      TIMEOUT: 'no answer in time',
      ECONNRESET: 'the connection was dropped',
    };
    return `cannot reach ${host}: ${why[error.code] ?? error.code}; check DATABRICKS_HOST (or --host) and the network`;
  }
  if (error instanceof UnauthenticatedError) {
    return `${host} refused the credentials (HTTP ${error.status}: ${error.apiMessage}); check DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET`;
  }
  if (error instanceof PermissionDeniedError) {
    return `${host} does not let these credentials call ${error.endpoint} (${error.apiMessage}); use a principal that may read it`;
  }
  if (error instanceof DatabricksApiError) return `${host}: ${error.message}`;
  if (error instanceof InvalidCredentialError || error instanceof InvalidHostError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function credentials(
  env: CommandIo['env'],
  host: string,
): { provider: CredentialsProvider; auth: ImportedAuth } {
  const token = env.DATABRICKS_TOKEN?.trim() || undefined;
  const clientId = env.DATABRICKS_CLIENT_ID?.trim() || undefined;
  const clientSecret = env.DATABRICKS_CLIENT_SECRET || undefined;
  const type = env.DATABRICKS_AUTH_TYPE?.trim();
  if (type !== undefined && type !== '' && type !== 'pat' && type !== 'oauth-m2m') {
    throw new CommandError(
      `DATABRICKS_AUTH_TYPE is ${JSON.stringify(type)}; this command authenticates with pat (DATABRICKS_TOKEN) or oauth-m2m (DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET)`,
    );
  }
  const useToken = type === 'pat' || (type !== 'oauth-m2m' && token !== undefined);
  if (useToken) {
    if (token === undefined)
      throw new CommandError('DATABRICKS_AUTH_TYPE is pat but DATABRICKS_TOKEN is not set; set it');
    return { provider: new PersonalAccessToken(token), auth: { token: true } };
  }
  if (clientId !== undefined && clientSecret !== undefined) {
    return {
      provider: new OAuthM2MCredentials({ host, clientId, clientSecret }),
      auth: { oauthM2M: { clientId } },
    };
  }
  if (clientId !== undefined || clientSecret !== undefined) {
    throw new CommandError(
      `OAuth M2M needs both DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET; ${clientId === undefined ? 'DATABRICKS_CLIENT_ID' : 'DATABRICKS_CLIENT_SECRET'} is not set`,
    );
  }
  throw new CommandError(
    `no credentials for ${host}: set DATABRICKS_TOKEN (a personal access token), or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (a service principal)`,
  );
}

function rateLimit(env: CommandIo['env']): number {
  const text = env.DATABRICKS_RATE_LIMIT?.trim();
  if (text === undefined || text === '') return DEFAULT_REQUESTS_PER_SECOND;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw new CommandError(
      `DATABRICKS_RATE_LIMIT is ${JSON.stringify(text)}; give requests per second, 1-1000`,
    );
  }
  return value;
}

/** Connects to the workspace `--host` or the environment names, and checks the credentials with one read. */
export async function connectToWorkspace(
  hostFlag: string | undefined,
  env: CommandIo['env'],
): Promise<WorkspaceConnection> {
  const given = hostFlag ?? env.DATABRICKS_HOST;
  if (given === undefined || given.trim() === '') {
    throw new CommandError(
      'no workspace: set DATABRICKS_HOST (e.g. https://adb-1234567890123456.7.azuredatabricks.net) or pass --host',
    );
  }
  const requestsPerSecond = rateLimit(env);
  let probe: DatabricksClient | undefined;
  try {
    const { provider, auth } = credentials(env, hostWithoutUserinfo(given.trim()));
    probe = new DatabricksClient({
      host: given,
      auth: provider,
      rateLimit: requestsPerSecond,
      timeoutMs: 20_000,
      retry: { budgetMs: PROBE_BUDGET_MS },
    });
    await probe.currentUser.me();
    const client = new DatabricksClient({ host: given, auth: provider, rateLimit: requestsPerSecond });
    return { client, host: client.host, auth };
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError(describeWorkspaceFailure(probe?.host ?? hostWithoutUserinfo(given.trim()), error));
  } finally {
    probe?.close();
  }
}
