/**
 * The DatabricksWorkspace reconciler: reads the Secret(s) `spec.auth` names, builds the workspace's client
 * and asks Databricks who the credentials are. `status` then says either Ready with that identity, or
 * not Ready with a reason the user can act on. Credential values never leave the client: status, logs
 * and events carry only Secret names, keys and Databricks' own error messages.
 */
import {
  DatabricksApiError,
  DatabricksNetworkError,
  NotFoundError,
  PermissionDeniedError,
  UnauthenticatedError,
  type DatabricksClient,
} from '../databricks/index.js';
import {
  DATABRICKS_WORKSPACE,
  type DatabricksWorkspaceSpec,
  type DatabricksWorkspaceStatus,
} from '../../lib/crds/index.js';
import { kubeTime, setCondition, type Condition } from '../runtime/conditions.js';
import type { Reconciler } from '../runtime/controller.js';
import { objectKey, type KubeClient, type KubeObject, type ResourceType } from '../runtime/kube-client.js';
import { requeueAfter } from '../runtime/outcome.js';
import { StatusWriter } from '../runtime/status.js';
import type { Informer } from '../runtime/informer.js';
import type { OperatorSetup } from '../operator.js';
import {
  MissingSecretError,
  readReferencedSecrets,
  referencedSecretKeys,
  type WorkspaceClients,
} from './workspace-clients.js';
import { resourceOf } from './resources.js';

/** The `databricksworkspaces` resource. */
export const WORKSPACES: ResourceType = resourceOf(DATABRICKS_WORKSPACE);

/** A DatabricksWorkspace as the informer holds it. */
export type DatabricksWorkspace = KubeObject & {
  spec: DatabricksWorkspaceSpec;
  status?: DatabricksWorkspaceStatus;
};

/** How often a workspace is probed again. */
export interface WorkspaceProbeTiming {
  /** While Ready: catches revoked or expired credentials. @default 300_000 (5 min) */
  readonly readyMs: number;
  /** First retry after a failure; later ones wait as long as the workspace has been failing. @default 5_000 */
  readonly minBackoffMs: number;
  /** Longest wait between retries while not Ready. @default 300_000 */
  readonly maxBackoffMs: number;
  /** Retry time of one probe: a dead host must not hold a worker for the client's 5-minute budget. @default 30_000 */
  readonly probeRetryBudgetMs?: number;
}

export const defaultWorkspaceProbeTiming: WorkspaceProbeTiming = {
  readyMs: 300_000,
  minBackoffMs: 5_000,
  maxBackoffMs: 300_000,
};

/** What {@link reconcileWorkspace} needs besides the object. */
export interface WorkspaceContext {
  readonly kube: Pick<KubeClient, 'readSecret'>;
  readonly status: StatusWriter;
  readonly clients: WorkspaceClients;
  readonly timing?: WorkspaceProbeTiming;
}

/** Ready=False reasons; each names something the user can fix (or wait out, for `WorkspaceUnavailable`). */
export type WorkspaceNotReadyReason =
  | 'SecretNotFound'
  | 'SecretKeyMissing'
  | 'InvalidAuthSpec'
  | 'BadHost'
  | 'InvalidCredentials'
  | 'PermissionDenied'
  | 'WorkspaceUnavailable';

interface ProbeFailure {
  readonly reason: WorkspaceNotReadyReason;
  readonly message: string;
}

/** Makes the workspace's status say whether its host and credentials work, and who they act as. */
export const reconcileWorkspace: Reconciler<DatabricksWorkspace, WorkspaceContext> = async (
  workspace,
  context,
) => {
  const timing = context.timing ?? defaultWorkspaceProbeTiming;
  const { namespace = '', generation } = workspace.metadata;
  const previous = workspace.status ?? {};
  const ready = (
    update: Omit<Condition, 'type' | 'lastTransitionTime' | 'observedGeneration'>,
  ): Condition[] =>
    setCondition(previous.conditions, { type: 'Ready', ...update, observedGeneration: generation });

  let client: DatabricksClient;
  try {
    const secrets = await readReferencedSecrets(context.kube, namespace, workspace.spec);
    client = await context.clients.clientFor(context.key, namespace, workspace.spec, secrets);
  } catch (error) {
    const failure = setupFailure(error);
    return notReady(failure);
  }

  let userName: string;
  try {
    const me = await client.currentUser.me({ retryBudgetMs: timing.probeRetryBudgetMs ?? 30_000 });
    userName = me.userName ?? me.displayName ?? me.id;
  } catch (error) {
    return notReady(probeFailure(error, workspace.spec));
  }
  // Older workspaces do not serve the metadata endpoint; an unknown id does not make a workspace unusable.
  const workspaceId = await client.metadata.get().then(
    (metadata) => metadata.workspace_id,
    () => undefined,
  );
  const authType = client.credentials.kind as DatabricksWorkspaceStatus['authType'];
  await context.status.update<DatabricksWorkspaceStatus>(workspace, {
    observedGeneration: generation,
    conditions: ready({
      status: 'True',
      reason: 'Authenticated',
      message: `authenticated as ${userName}${workspaceId === undefined ? '' : ` in workspace ${workspaceId}`}`,
    }),
    authType,
    ...(workspaceId === undefined ? {} : { workspaceId }),
    lastVerifiedTime: kubeTime(new Date()),
  });
  return requeueAfter(timing.readyMs);

  async function notReady(failure: ProbeFailure): Promise<ReturnType<typeof requeueAfter>> {
    context.log.info('workspace not ready', { reason: failure.reason, message: failure.message });
    const conditions = ready({ status: 'False', reason: failure.reason, message: failure.message });
    // authType, workspaceId and lastVerifiedTime stay as last verified: they say what last worked.
    await context.status.update<DatabricksWorkspaceStatus>(workspace, {
      ...previous,
      observedGeneration: generation,
      conditions,
    });
    const since = Date.parse(
      conditions.find((condition) => condition.type === 'Ready')?.lastTransitionTime ?? '',
    );
    const failingForMs = Number.isNaN(since) ? 0 : Date.now() - since;
    // Waiting as long as it has been failing doubles the interval without keeping a counter anywhere.
    return requeueAfter(Math.min(timing.maxBackoffMs, Math.max(timing.minBackoffMs, failingForMs)));
  }
};

/** A failure before any call to Databricks: the Secret or the auth spec. Kubernetes errors are retried. */
function setupFailure(error: unknown): ProbeFailure {
  if (error instanceof MissingSecretError) return { reason: error.reason, message: error.message };
  if (error instanceof Error && error.message.startsWith('spec.auth ')) {
    return { reason: 'InvalidAuthSpec', message: error.message };
  }
  throw error;
}

/** What a failed probe means to the user. */
function probeFailure(error: unknown, spec: DatabricksWorkspaceSpec): ProbeFailure {
  const { host } = spec;
  // Names only, never values: where the user goes to fix the credential.
  const source = referencedSecretKeys(spec)
    .map((ref) => `Secret ${ref.name} key "${ref.key}"`)
    .join(', ');
  if (error instanceof UnauthenticatedError) {
    return {
      reason: 'InvalidCredentials',
      message: `${host} rejected the credentials (${error.apiMessage}); put a valid, unexpired credential in ${source}`,
    };
  }
  if (error instanceof PermissionDeniedError) {
    return {
      reason: 'PermissionDenied',
      message: `${host} accepted the credentials but denied access (${error.apiMessage}); grant the principal workspace access`,
    };
  }
  if (error instanceof DatabricksNetworkError) {
    return {
      reason: 'BadHost',
      message: `no answer from ${host} (${error.code}); check spec.host and that the controller can reach it`,
    };
  }
  // A 2xx that is not JSON, or a 404 for the SCIM endpoint: something answered, but not a Databricks API.
  if (
    error instanceof NotFoundError ||
    (error instanceof DatabricksApiError && error.constructor === DatabricksApiError)
  ) {
    return {
      reason: 'BadHost',
      message: `${host} does not look like a Databricks workspace (${error.message}); check spec.host`,
    };
  }
  if (error instanceof DatabricksApiError) {
    return {
      reason: 'WorkspaceUnavailable',
      message: `${host} failed the identity check with HTTP ${error.status} (${error.apiMessage}); retrying`,
    };
  }
  throw error;
}

/** Runs the DatabricksWorkspace controller; a deleted workspace's client is closed and dropped. */
export function registerWorkspaceController(setup: OperatorSetup): void {
  const informer = setup.informers.DatabricksWorkspace as unknown as Informer<DatabricksWorkspace>;
  informer.addEventHandler({ onDelete: (workspace) => setup.shared.clients.forget(objectKey(workspace)) });
  setup.manager.controller<DatabricksWorkspace, WorkspaceContext>({
    name: 'databricksworkspace',
    informer,
    reconcile: reconcileWorkspace,
    workers: setup.config.workers,
    context: {
      kube: setup.manager.kube,
      status: new StatusWriter(setup.manager.kube, WORKSPACES),
      clients: setup.shared.clients,
      timing: setup.options.workspaceTiming,
    },
  });
}
