/**
 * The DatabricksWorkspace reconciler: reads the Secret(s) `spec.auth` names, builds the workspace's client
 * and asks Databricks who the credentials are. The Secrets are read (a Kubernetes get each) at every
 * reconcile, and watched as metadata only (no value is cached): a rotated credential wakes the workspace
 * and reaches the client, and so every dependent, within seconds. Databricks is asked again only when
 * what the client is built from changed (a credential's value, the host, the auth spec), while the
 * workspace is not Ready, or when the last answer is older than the probe interval (5 minutes): a resync
 * of a workspace that did not change, or a Secret written with the same value, costs no Databricks call. `status` then says either Ready with that identity, or
 * not Ready with a reason the user can act on, and a change of that verdict is an Event. Every failure
 * ends in the condition: one nothing here explains is `ReconcileError` (and is thrown too, so the work
 * queue backs off); only transient ones (the API server busy, the client closing) are left to the work
 * queue alone. Credential values never leave the client: status, logs and events carry only Secret
 * names, keys, what is wrong with a value (never the value) and Databricks' own error messages, redacted.
 *
 * The workspace carries a finalizer, and so do the Secrets it reads (credential-secrets.ts). Deleted, it
 * stays (usable, and still probed) while any object that needs it to clean up in Databricks exists
 * (workspace-dependents.ts), says so in a `Deleting` condition that names them, and lets its Secrets
 * and its own finalizer go once the last of them is gone.
 */
import type { V1Secret } from '@kubernetes/client-node';
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
} from '../../databricks/index.js';
import { type DatabricksWorkspaceSpec, type DatabricksWorkspaceStatus } from '../../../lib/crds/index.js';
import {
  findCondition,
  kubeTime,
  setCondition,
  type Condition,
  type ConditionUpdate,
} from '../../runtime/conditions.js';
import {
  keysReferencing,
  type Controller,
  type ReconcileContext,
  type Reconciler,
} from '../../runtime/controller.js';
import type { EventNote, EventRecorder } from '../../runtime/events.js';
import { withFinalizer } from '../../runtime/finalizer.js';
import { objectKey, type KubeClient } from '../../runtime/kube-client.js';
import { done, requeueAfter, type Outcome } from '../../runtime/outcome.js';
import { StatusWriter } from '../../runtime/status.js';
import type { Informer } from '../../runtime/informer.js';
import type { OperatorSetup } from '../managed/setup.js';
import { CredentialSecrets } from './credential-secrets.js';
import { SECRET_SOURCE_INDEX, resourceVersionChanged, sourceKeys } from '../managed/source-watches.js';
import { note, warning } from '../managed/event-notes.js';
import {
  CACHE_CATCH_UP_MS,
  WORKSPACE_INDEX,
  isTransientError,
  reconcileErrorMessage,
  workspaceKeyOf,
} from '../managed/managed.js';
import {
  DEPENDENT_KINDS,
  dependentChanged,
  dependentsNeeding,
  describeDependents,
  type Dependent,
  type DependentKind,
  type DependentStores,
} from './workspace-dependents.js';
import { MissingSecretError, referencedSecretKeys, type WorkspaceClients } from './workspace-clients.js';
import { WORKSPACES, type DatabricksWorkspace } from './workspace-types.js';

export { WORKSPACES, type DatabricksWorkspace } from './workspace-types.js';

/** How often a workspace is probed again. */
export interface WorkspaceProbeTiming {
  /**
   * While Ready and unchanged: catches credentials revoked or expired in Databricks. @default 300_000 (5 min)
   */
  readonly readyMs: number;
  /** First retry after a failure; later ones wait as long as the workspace has been failing. @default 5_000 */
  readonly minBackoffMs: number;
  /** Longest wait between retries while not Ready. @default 300_000 */
  readonly maxBackoffMs: number;
  /** Retry time of one probe: a dead host must not hold a worker for the client's 5-minute budget. @default 30_000 */
  readonly probeRetryBudgetMs?: number;
}

/** What the operator's options say to the DatabricksWorkspace controller. */
export interface WorkspaceOptions {
  /** How often workspaces are probed (tests shorten it). */
  readonly workspaceTiming?: WorkspaceProbeTiming;
}

export const defaultWorkspaceProbeTiming: WorkspaceProbeTiming = {
  readyMs: 300_000,
  minBackoffMs: 5_000,
  maxBackoffMs: 300_000,
};

/** What {@link reconcileWorkspace} needs besides the object. */
export interface WorkspaceContext {
  /** Secrets are read one by one, and patched only in `metadata.finalizers`. */
  readonly kube: Pick<KubeClient, 'readSecret' | 'patchSecret' | 'patchCustomObject'>;
  readonly status: StatusWriter;
  readonly clients: WorkspaceClients;
  /** Where a change of the verdict (not Ready for a new reason, Ready again) is told. */
  readonly events: Pick<EventRecorder, 'record'>;
  readonly timing?: WorkspaceProbeTiming;
  /** The caches of the kinds that live in workspaces: a workspace being deleted waits for them. */
  readonly dependents: DependentStores;
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

/**
 * What one reconcile of a workspace decided: the Events to record, the status to write (none when it
 * stays as it is) and when to look again. Only {@link recorded} sends them, Events first; the one write
 * before that is the Secrets' hold, a checkpoint of its own (see `CredentialSecrets`).
 */
interface WorkspaceResult {
  readonly events: readonly EventNote[];
  readonly status?: DatabricksWorkspaceStatus;
  readonly outcome: Outcome;
}

/** Records a result's Events, then writes its status; the outcome is the reconcile's. */
async function recorded(
  workspace: DatabricksWorkspace,
  context: Pick<WorkspaceContext, 'status' | 'events'>,
  result: WorkspaceResult,
): Promise<Outcome> {
  for (const event of result.events) await context.events.record(workspace, event);
  if (result.status) await context.status.update<DatabricksWorkspaceStatus>(workspace, result.status);
  return result.outcome;
}

/** What the Events about a workspace's verdict say the controller did. */
const VERIFY_ACTION = 'VerifyCredentials';
/** What the Events about a deleted workspace's wait for its dependents say the controller did. */
const RELEASE_ACTION = 'ReleaseWorkspace';

/**
 * Makes the workspace's status say whether its host and credentials work, and who they act as; keeps
 * a deleted workspace until nothing needs it any more.
 */
export const reconcileWorkspace: Reconciler<DatabricksWorkspace, WorkspaceContext> = async (
  workspace,
  context,
) => {
  // Worked on from the status before that write, it would miss what the write recorded (heldSecrets).
  if (context.status.precedesOwnWrite(workspace)) return requeueAfter(CACHE_CATCH_UP_MS);
  try {
    return await withFinalizer(context.kube, WORKSPACES, workspace, {
      apply: (current) => applyWorkspace(current, context),
      cleanup: async (current) => recorded(current, context, await releaseWhenUnused(current, context)),
    });
  } catch (error) {
    if (isTransientError(error)) throw error;
    const verdict = notReadyVerdict(workspace, {
      reason: 'ReconcileError',
      message: reconcileErrorMessage(error),
    });
    await recorded(workspace, context, { ...verdict, outcome: done }).catch((writeError: unknown) =>
      context.log.warn('could not record the reconcile error in status', { error: writeError }),
    );
    throw error;
  }
};

/** A live workspace: its Secrets held, then probed. */
async function applyWorkspace(
  workspace: DatabricksWorkspace,
  context: WorkspaceContext & ReconcileContext,
): Promise<Outcome> {
  const held = await new CredentialSecrets(context.kube, context.status).hold(workspace);
  const notHeld = held.problems.map((problem) =>
    warning(
      'SecretNotHeld',
      'HoldSecret',
      `${problem}; until it is held, deleting that Secret together with this workspace's objects may leave their Databricks objects behind (the controller needs patch on secrets)`,
    ),
  );
  const verdict = await verifyWorkspace(held.workspace, context, held.secrets);
  return recorded(held.workspace, context, { ...verdict, events: [...notHeld, ...verdict.events] });
}

/**
 * A deleted workspace: released (its Secrets' finalizers, then its own) once no object needs it;
 * until then `Deleting` names what it waits for, and it is probed as often as a live one, so that
 * the objects cleaning up can go on using it.
 */
async function releaseWhenUnused(
  workspace: DatabricksWorkspace,
  context: WorkspaceContext & ReconcileContext,
): Promise<WorkspaceResult> {
  const secrets = new CredentialSecrets(context.kube, context.status);
  const waiting = dependentsNeeding(context.key, context.dependents);
  if (waiting.length === 0) {
    const released = await secrets.releaseAll(workspace);
    const fromSecrets = released.length > 0 ? `; its finalizer is off Secret ${released.join(', ')}` : '';
    return {
      events: [note('Released', RELEASE_ACTION, `no object needs this workspace any more${fromSecrets}`)],
      outcome: done,
    };
  }
  const deleting: ConditionUpdate = {
    type: 'Deleting',
    status: 'True',
    reason: 'WaitingForDependents',
    message: `waiting for ${waiting.length} object(s) that need this workspace to clean up in Databricks: ${describeDependents(waiting)}. It stays usable, and the Secrets it reads stay readable, until they are deleted (deletionPolicy Retain objects and ended runs do not hold it)`,
    observedGeneration: workspace.metadata.generation,
  };
  const waitingNow =
    findCondition(workspace.status?.conditions, 'Deleting')?.status === 'True'
      ? []
      : [note('WaitingForDependents', RELEASE_ACTION, deleting.message)];
  const dueInMs = probeDueInMs(workspace, context);
  if (dueInMs <= 0) {
    const verdict = await verifyWorkspace(workspace, context, await secrets.read(workspace), [deleting]);
    return { ...verdict, events: [...waitingNow, ...verdict.events] };
  }
  return {
    events: waitingNow,
    status: { ...workspace.status, conditions: setCondition(workspace.status?.conditions, deleting) },
    outcome: requeueAfter(dueInMs),
  };
}

/**
 * How long until a workspace being deleted should be probed again. A dependent going away wakes it,
 * and a whole app going away would otherwise probe once per object; a verdict that is not Ready, of an
 * older generation, or not backed by a client in this process (a restart) is checked at once.
 */
function probeDueInMs(workspace: DatabricksWorkspace, context: WorkspaceContext & ReconcileContext): number {
  const timing = context.timing ?? defaultWorkspaceProbeTiming;
  const status = workspace.status ?? {};
  if (!isReady(workspace) || status.observedGeneration !== workspace.metadata.generation) return 0;
  if (!context.clients.cached(context.key, workspace.spec)) return 0;
  const verified = Date.parse(status.lastVerifiedTime ?? '');
  return Number.isNaN(verified) ? 0 : verified + timing.readyMs - Date.now();
}

/**
 * Probes the workspace with the credentials in `secrets` (the Secrets `spec.auth` names that exist) and
 * returns the verdict, with the conditions `also` alongside `Ready`.
 */
async function verifyWorkspace(
  workspace: DatabricksWorkspace,
  context: WorkspaceContext & ReconcileContext,
  secrets: ReadonlyMap<string, V1Secret>,
  also: readonly ConditionUpdate[] = [],
): Promise<WorkspaceResult> {
  const timing = context.timing ?? defaultWorkspaceProbeTiming;
  const { namespace = '', generation } = workspace.metadata;
  const previous = workspace.status ?? {};
  const events: EventNote[] = [];

  const hostProblem = hostFailure(workspace.spec);
  if (hostProblem) return notReady(hostProblem);
  if (/^http:\/\//i.test(workspace.spec.host) && previous.observedGeneration !== generation) {
    // Once per spec generation: the CRD let it through because the spec asked for it in so many words.
    events.push({
      type: 'Warning',
      reason: 'InsecureHttp',
      action: VERIFY_ACTION,
      note: `spec.insecureHttp: the credentials are sent to ${workspace.spec.host} unencrypted; use it only for a local test workspace`,
    });
  }

  let client: DatabricksClient;
  try {
    const missing = referencedSecretKeys(workspace.spec).find((ref) => !secrets.has(ref.name));
    if (missing) throw new MissingSecretError('SecretNotFound', missing.name, missing.key, namespace);
    client = await context.clients.clientFor(context.key, namespace, workspace.spec, secrets);
  } catch (error) {
    return notReady(setupFailure(error));
  }
  // Ready, built from what was verified, and verified within the probe interval: nothing to ask Databricks.
  const sinceVerifiedMs = Date.now() - Date.parse(previous.lastVerifiedTime ?? '');
  if (
    also.length === 0 &&
    isReady(workspace) &&
    previous.observedGeneration === generation &&
    context.clients.isVerified(context.key) &&
    sinceVerifiedMs < timing.readyMs
  ) {
    return { events, outcome: requeueAfter(timing.readyMs - sinceVerifiedMs) };
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
  context.clients.markVerified(context.key);
  const authType = client.credentials.kind;
  const message = `authenticated as ${userName}${workspaceId === undefined ? '' : ` in workspace ${workspaceId}`}`;
  if (!isReady(workspace)) {
    events.push({ type: 'Normal', reason: 'Authenticated', action: VERIFY_ACTION, note: message });
  }
  let conditions = setCondition(previous.conditions, {
    type: 'Ready',
    status: 'True',
    reason: 'Authenticated',
    message,
    observedGeneration: generation,
  });
  for (const condition of also) conditions = setCondition(conditions, condition);
  return {
    events,
    status: {
      observedGeneration: generation,
      conditions,
      authType,
      ...(workspaceId === undefined ? {} : { workspaceId }),
      lastVerifiedTime: kubeTime(new Date()),
      ...(previous.heldSecrets ? { heldSecrets: previous.heldSecrets } : {}),
    },
    outcome: requeueAfter(timing.readyMs),
  };

  function notReady(failure: ProbeFailure): WorkspaceResult {
    context.log.info('workspace not ready', { reason: failure.reason, message: failure.message });
    const verdict = notReadyVerdict(workspace, failure, also);
    const since = Date.parse(findCondition(verdict.status.conditions, 'Ready')?.lastTransitionTime ?? '');
    const failingForMs = Number.isNaN(since) ? 0 : Date.now() - since;
    return {
      events: [...events, ...verdict.events],
      status: verdict.status,
      // Waiting as long as it has been failing doubles the interval without keeping a counter anywhere.
      outcome: requeueAfter(Math.min(timing.maxBackoffMs, Math.max(timing.minBackoffMs, failingForMs))),
    };
  }
}

function isReady(workspace: DatabricksWorkspace): boolean {
  return findCondition(workspace.status?.conditions, 'Ready')?.status === 'True';
}

/**
 * `Ready=False` for `failure` (redacted), with a Warning Event when the reason changes: once per
 * transition, not at every retry, and not again after a controller restart.
 */
function notReadyVerdict(
  workspace: DatabricksWorkspace,
  failure: ProbeFailure,
  also: readonly ConditionUpdate[] = [],
): { events: EventNote[]; status: DatabricksWorkspaceStatus & { conditions: Condition[] } } {
  const previous = workspace.status ?? {};
  const message = redactCredentials(failure.message);
  const before = findCondition(previous.conditions, 'Ready');
  const events: EventNote[] =
    before?.status !== 'False' || before.reason !== failure.reason
      ? [{ type: 'Warning', reason: failure.reason, action: VERIFY_ACTION, note: message }]
      : [];
  let conditions = setCondition(previous.conditions, {
    type: 'Ready',
    status: 'False',
    reason: failure.reason,
    message,
    observedGeneration: workspace.metadata.generation,
  });
  for (const condition of also) conditions = setCondition(conditions, condition);
  // authType, workspaceId and lastVerifiedTime stay as last verified: they say what last worked.
  return {
    events,
    status: { ...previous, observedGeneration: workspace.metadata.generation, conditions },
  };
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

/**
 * Runs the DatabricksWorkspace controller; a deleted workspace's client is closed and dropped. A
 * workspace being deleted is woken when one of its dependents goes away or stops needing it.
 */
export function registerWorkspaceController(setup: OperatorSetup<WorkspaceOptions>): void {
  const informer = setup.informers.DatabricksWorkspace;
  informer.addEventHandler({ onDelete: (workspace) => setup.shared.clients.forget(objectKey(workspace)) });
  const deletedWorkspaceOf = (object: Dependent): string[] => {
    const [key] = workspaceKeyOf(object);
    return informer.store.get(key)?.metadata.deletionTimestamp ? [key] : [];
  };
  const { informers } = setup;
  const source = <T extends Dependent>(kind: DependentKind, dependentInformer: Informer<T>) =>
    dependentSource(kind, dependentInformer, deletedWorkspaceOf);
  const sources: Record<DependentKind, DependentSource> = {
    DatabricksJob: source('DatabricksJob', informers.DatabricksJob),
    DatabricksRun: source('DatabricksRun', informers.DatabricksRun),
    DatabricksCluster: source('DatabricksCluster', informers.DatabricksCluster),
    DatabricksSecretScope: source('DatabricksSecretScope', informers.DatabricksSecretScope),
    DatabricksNotebook: source('DatabricksNotebook', informers.DatabricksNotebook),
    DatabricksDbfsFile: source('DatabricksDbfsFile', informers.DatabricksDbfsFile),
    DatabricksGitCredential: source('DatabricksGitCredential', informers.DatabricksGitCredential),
    DatabricksSqlWarehouse: source('DatabricksSqlWarehouse', informers.DatabricksSqlWarehouse),
    DatabricksRepo: source('DatabricksRepo', informers.DatabricksRepo),
    DatabricksPipeline: source('DatabricksPipeline', informers.DatabricksPipeline),
    DatabricksClusterPolicy: source('DatabricksClusterPolicy', informers.DatabricksClusterPolicy),
    DatabricksInstancePool: source('DatabricksInstancePool', informers.DatabricksInstancePool),
  };
  const dependents: DependentStores = {
    DatabricksJob: sources.DatabricksJob.store,
    DatabricksRun: sources.DatabricksRun.store,
    DatabricksCluster: sources.DatabricksCluster.store,
    DatabricksSecretScope: sources.DatabricksSecretScope.store,
    DatabricksNotebook: sources.DatabricksNotebook.store,
    DatabricksDbfsFile: sources.DatabricksDbfsFile.store,
    DatabricksGitCredential: sources.DatabricksGitCredential.store,
    DatabricksSqlWarehouse: sources.DatabricksSqlWarehouse.store,
    DatabricksRepo: sources.DatabricksRepo.store,
    DatabricksPipeline: sources.DatabricksPipeline.store,
    DatabricksClusterPolicy: sources.DatabricksClusterPolicy.store,
    DatabricksInstancePool: sources.DatabricksInstancePool.store,
  };
  const controller = setup.manager.controller<DatabricksWorkspace, WorkspaceContext>({
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
      dependents,
    },
  });
  for (const kind of DEPENDENT_KINDS) sources[kind].watchFrom(controller);
  // A credential Secret written (rotated, or its finalizer put on) wakes the workspace: the reconcile
  // reads it, and rebuilds the client and probes only if its resourceVersion is not the one in use.
  informer.addIndex(SECRET_SOURCE_INDEX, (workspace) =>
    sourceKeys(
      workspace,
      referencedSecretKeys(workspace.spec).map((ref) => ref.name),
    ),
  );
  controller.watch(
    setup.referenced.Secret,
    keysReferencing(informer, SECRET_SOURCE_INDEX),
    resourceVersionChanged,
  );
}

/** A dependent kind as the workspace controller uses it: its cache, and how to be woken by its changes. */
interface DependentSource {
  readonly store: DependentStores[DependentKind];
  watchFrom(controller: Controller<DatabricksWorkspace, WorkspaceContext>): void;
}

/**
 * Indexes a dependent kind's informer by workspace (the same index each kind's controller adds:
 * whichever registers first creates it) and says how its changes wake the workspace they need.
 */
function dependentSource<T extends Dependent>(
  kind: DependentKind,
  informer: Informer<T>,
  workspaceKeysOf: (object: Dependent) => string[],
): DependentSource {
  informer.addIndex(WORKSPACE_INDEX, workspaceKeyOf);
  return {
    store: informer.store,
    watchFrom: (controller) =>
      controller.watch(informer, workspaceKeysOf, (previous, current) =>
        dependentChanged(kind, previous, current),
      ),
  };
}
