/**
 * The DatabricksWorkspace reconciler: reads the Secret(s) `spec.auth` names, builds the workspace's client
 * and asks Databricks who the credentials are. `status` then says either Ready with that identity, or
 * not Ready with a reason the user can act on, and a change of that verdict is an Event. Every failure
 * ends in the condition: one nothing here explains is `ReconcileError` (and is thrown too, so the work
 * queue backs off); only transient ones (the API server busy, the client closing) are left to the work
 * queue alone. Credential values never leave the client: status, logs and events carry only Secret
 * names, keys, what is wrong with a value (never the value) and Databricks' own error messages, redacted.
 */
import {
  DatabricksApiError,
  DatabricksNetworkError,
  hasUserinfo,
  hostWithoutUserinfo,
  InvalidAuthSpecError,
  InvalidCredentialError,
  InvalidHostError,
  NotFoundError,
  PermissionDeniedError,
  redactCredentials,
  UnauthenticatedError,
  type DatabricksClient,
} from '../databricks/index.js';
import {
  DATABRICKS_WORKSPACE,
  type DatabricksWorkspaceSpec,
  type DatabricksWorkspaceStatus,
} from '../../lib/crds/index.js';
import { findCondition, kubeTime, setCondition, type Condition } from '../runtime/conditions.js';
import type { ReconcileContext, Reconciler } from '../runtime/controller.js';
import type { EventNote, EventRecorder } from '../runtime/events.js';
import { objectKey, type KubeClient, type KubeObject, type ResourceType } from '../runtime/kube-client.js';
import { requeueAfter, type Outcome } from '../runtime/outcome.js';
import { StatusWriter } from '../runtime/status.js';
import type { Informer } from '../runtime/informer.js';
import type { OperatorSetup } from '../operator.js';
import { isTransientError, reconcileErrorMessage } from './managed.js';
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
  /** Where a change of the verdict (not Ready for a new reason, Ready again) is told. */
  readonly events: Pick<EventRecorder, 'record'>;
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
  | 'WorkspaceUnavailable'
  | 'ReconcileError';

interface ProbeFailure {
  readonly reason: WorkspaceNotReadyReason;
  readonly message: string;
}

/** What the Events about a workspace's verdict say the controller did. */
const VERIFY_ACTION = 'VerifyCredentials';

/** Makes the workspace's status say whether its host and credentials work, and who they act as. */
export const reconcileWorkspace: Reconciler<DatabricksWorkspace, WorkspaceContext> = async (
  workspace,
  context,
) => {
  try {
    return await verifyWorkspace(workspace, context);
  } catch (error) {
    if (isTransientError(error)) throw error;
    await recordVerdict(workspace, context, {
      reason: 'ReconcileError',
      message: reconcileErrorMessage(error),
    }).catch((writeError: unknown) =>
      context.log.warn('could not record the reconcile error in status', { error: writeError }),
    );
    throw error;
  }
};

async function verifyWorkspace(
  workspace: DatabricksWorkspace,
  context: WorkspaceContext & ReconcileContext,
): Promise<Outcome> {
  const timing = context.timing ?? defaultWorkspaceProbeTiming;
  const { namespace = '', generation } = workspace.metadata;
  const previous = workspace.status ?? {};

  const hostProblem = hostFailure(workspace.spec);
  if (hostProblem) return notReady(hostProblem);
  if (/^http:\/\//i.test(workspace.spec.host) && previous.observedGeneration !== generation) {
    // Once per spec generation: the CRD let it through because the spec asked for it in so many words.
    await context.events.record(workspace, {
      type: 'Warning',
      reason: 'InsecureHttp',
      action: VERIFY_ACTION,
      note: `spec.insecureHttp: the credentials are sent to ${workspace.spec.host} unencrypted; use it only for a local test workspace`,
    });
  }

  let client: DatabricksClient;
  try {
    const secrets = await readReferencedSecrets(context.kube, namespace, workspace.spec);
    client = await context.clients.clientFor(context.key, namespace, workspace.spec, secrets);
  } catch (error) {
    return notReady(setupFailure(error));
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
  const message = `authenticated as ${userName}${workspaceId === undefined ? '' : ` in workspace ${workspaceId}`}`;
  if (!isReady(workspace)) {
    await context.events.record(workspace, {
      type: 'Normal',
      reason: 'Authenticated',
      action: VERIFY_ACTION,
      note: message,
    });
  }
  await context.status.update<DatabricksWorkspaceStatus>(workspace, {
    observedGeneration: generation,
    conditions: setCondition(previous.conditions, {
      type: 'Ready',
      status: 'True',
      reason: 'Authenticated',
      message,
      observedGeneration: generation,
    }),
    authType,
    ...(workspaceId === undefined ? {} : { workspaceId }),
    lastVerifiedTime: kubeTime(new Date()),
  });
  return requeueAfter(timing.readyMs);

  async function notReady(failure: ProbeFailure): Promise<Outcome> {
    context.log.info('workspace not ready', { reason: failure.reason, message: failure.message });
    const conditions = await recordVerdict(workspace, context, failure);
    const since = Date.parse(findCondition(conditions, 'Ready')?.lastTransitionTime ?? '');
    const failingForMs = Number.isNaN(since) ? 0 : Date.now() - since;
    // Waiting as long as it has been failing doubles the interval without keeping a counter anywhere.
    return requeueAfter(Math.min(timing.maxBackoffMs, Math.max(timing.minBackoffMs, failingForMs)));
  }
}

function isReady(workspace: DatabricksWorkspace): boolean {
  return findCondition(workspace.status?.conditions, 'Ready')?.status === 'True';
}

/**
 * Writes `Ready=False` for `failure` (redacted), with a Warning Event when the reason changes: once per
 * transition, not at every retry, and not again after a controller restart.
 */
async function recordVerdict(
  workspace: DatabricksWorkspace,
  context: Pick<WorkspaceContext, 'status' | 'events'>,
  failure: ProbeFailure,
): Promise<Condition[]> {
  const previous = workspace.status ?? {};
  const message = redactCredentials(failure.message);
  const before = findCondition(previous.conditions, 'Ready');
  if (before?.status !== 'False' || before.reason !== failure.reason) {
    const event: EventNote = {
      type: 'Warning',
      reason: failure.reason,
      action: VERIFY_ACTION,
      note: message,
    };
    await context.events.record(workspace, event);
  }
  const conditions = setCondition(previous.conditions, {
    type: 'Ready',
    status: 'False',
    reason: failure.reason,
    message,
    observedGeneration: workspace.metadata.generation,
  });
  // authType, workspaceId and lastVerifiedTime stay as last verified: they say what last worked.
  await context.status.update<DatabricksWorkspaceStatus>(workspace, {
    ...previous,
    observedGeneration: workspace.metadata.generation,
    conditions,
  });
  return conditions;
}

/**
 * A host the controller will not send credentials to. The CRD refuses both; this covers objects stored
 * before it did, and API servers without CEL.
 */
function hostFailure(spec: DatabricksWorkspaceSpec): ProbeFailure | undefined {
  if (hasUserinfo(spec.host)) {
    return {
      reason: 'BadHost',
      message: `spec.host "${hostWithoutUserinfo(spec.host)}" contains user:password@ (or a user name): remove it, and keep credentials in the Secret that spec.auth names`,
    };
  }
  if (/^http:\/\//i.test(spec.host) && spec.insecureHttp !== true) {
    return {
      reason: 'BadHost',
      message: `spec.host ${spec.host} uses plain http://, which would send the credentials unencrypted: use https://, or set spec.insecureHttp: true for a local test workspace`,
    };
  }
  return undefined;
}

/** A failure before any call to Databricks: the Secret, its value, the auth spec or the host. */
function setupFailure(error: unknown): ProbeFailure {
  if (error instanceof MissingSecretError) return { reason: error.reason, message: error.message };
  if (error instanceof InvalidAuthSpecError) return { reason: 'InvalidAuthSpec', message: error.message };
  // Its message names the Secret and key (the value was checked as it was read).
  if (error instanceof InvalidCredentialError)
    return { reason: 'InvalidCredentials', message: error.message };
  if (error instanceof InvalidHostError)
    return { reason: 'BadHost', message: `${error.message} (spec.host)` };
  throw error;
}

/** Where the user goes to fix the credential: Secret names and keys, never values. */
function credentialSource(spec: DatabricksWorkspaceSpec): string {
  return referencedSecretKeys(spec)
    .map((ref) => `Secret ${ref.name} key "${ref.key}"`)
    .join(', ');
}

/** What a failed probe means to the user. */
function probeFailure(error: unknown, spec: DatabricksWorkspaceSpec): ProbeFailure {
  const host = hostWithoutUserinfo(spec.host);
  const source = credentialSource(spec);
  if (error instanceof InvalidCredentialError) {
    return { reason: 'InvalidCredentials', message: `${error.message} (${source})` };
  }
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
      events: setup.manager.events,
      timing: setup.options.workspaceTiming,
    },
  });
}
