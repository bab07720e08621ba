/**
 * What every kind that owns something in Databricks shares: the finalizer, the workspace's client,
 * references to other objects, and the `Ready` condition. A kind's reconciler supplies only `apply`
 * (make Databricks match, return the status) and `cleanup` (honour the deletion policy); this file turns
 * their results and their {@link NotReadyError}s into status, Events and requeues.
 */
import { WAITING_FOR_DEPENDENCY } from '../../../lib/crds/index.js';
import {
  ClientClosedError,
  DatabricksApiError,
  DatabricksNetworkError,
  InvalidParameterError,
  LimitExceededError,
  PermissionDeniedError,
  RateLimitedError,
  redactCredentials,
  TemporarilyUnavailableError,
  TRANSIENT_MESSAGES,
  UnauthenticatedError,
  type DatabricksClient,
} from '../../databricks/index.js';
import {
  findCondition,
  isConditionTrue,
  setCondition,
  type Condition,
  type ConditionUpdate,
} from '../../runtime/conditions.js';
import type { ReconcileContext } from '../../runtime/controller.js';
import type { KindObject } from '../../runtime/kind-object.js';
import type { EventNote, EventRecorder } from '../../runtime/events.js';
import { withFinalizer } from '../../runtime/finalizer.js';
import {
  apiStatusCode,
  type KubeClient,
  type KubeObject,
  type ResourceType,
} from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import { done, requeueAfter, type Outcome } from '../../runtime/outcome.js';
import type { StatusWriter } from '../../runtime/status.js';
import type { DatabricksWorkspace } from '../workspace/workspace-types.js';
import { StatusRecord, type Checkpoint } from './checkpoint.js';
import {
  MissingSecretError,
  readReferencedSecrets,
  type WorkspaceClients,
} from '../workspace/workspace-clients.js';

/** The status fields every managed kind has. */
export interface ManagedStatus {
  observedGeneration?: number;
  conditions?: Condition[];
}

/** A custom resource that lives in a DatabricksWorkspace. */
export type ManagedObject<
  Spec extends { workspaceRef: { name: string } },
  Status extends ManagedStatus,
> = KindObject<Spec, Status>;

/** What the shared reconcile needs; each kind's context extends it. */
export interface ManagedContext {
  readonly kube: Pick<KubeClient, 'patchCustomObject' | 'readSecret'>;
  readonly status: StatusWriter;
  readonly events: Pick<EventRecorder, 'record'>;
  /** The DatabricksWorkspace cache: an object's workspace must be Ready before anything is sent. */
  readonly workspaces: Pick<ObjectStore<DatabricksWorkspace>, 'get'>;
  readonly clients: WorkspaceClients;
  /** How long to wait before looking again at an object that is not Ready. */
  readonly notReadyBackoff?: NotReadyBackoff;
}

/** Backoff while an object is not Ready: it waits as long as it has been failing, within these bounds. */
export interface NotReadyBackoff {
  /** @default 5_000 */
  readonly minMs: number;
  /** @default 300_000 */
  readonly maxMs: number;
}

export const defaultNotReadyBackoff: NotReadyBackoff = { minMs: 5_000, maxMs: 300_000 };

/** How soon to look again at an object whose cached copy predates this controller's own status write. */
export const CACHE_CATCH_UP_MS = 50;

/**
 * The object cannot be made Ready now, for a reason the user can see in `Ready` (`WaitingForDependency`,
 * `InvalidSettings`, `OwnedElsewhere`, ...). Not a crash: the reconcile writes the condition and looks
 * again after a backoff (or at once when the object or its dependency changes).
 */
export class NotReadyError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly details: {
      /** Status fields to write along with the condition (e.g. the job ID found). */
      readonly status?: Record<string, unknown>;
      /** Events for what the reconcile changed in Databricks before it stopped here. */
      readonly events?: readonly EventNote[];
      /** Emit a Warning Event (default: every reason but `WaitingForDependency`). */
      readonly warn?: boolean;
      /** Look again after exactly this long instead of the failing-time backoff. */
      readonly retryAfterMs?: number;
    } = {},
  ) {
    super(message);
    this.name = 'NotReadyError';
  }
}

/** Shorthand for the most common {@link NotReadyError}. */
export function waitingFor(message: string): NotReadyError {
  return new NotReadyError(WAITING_FOR_DEPENDENCY, message);
}

/** What `apply` reports when Databricks matches the object. */
export interface Applied<S extends ManagedStatus> {
  /** Every status field besides `conditions` and `observedGeneration` (absent fields are removed). */
  readonly status: Omit<S, 'conditions' | 'observedGeneration'>;
  /** The `Ready=True` reason. @default 'Reconciled' */
  readonly reason?: string;
  /** The `Ready=True` message, e.g. `job 123 matches spec.settings`. */
  readonly message: string;
  /** Other conditions to set (e.g. a run's `Succeeded`). */
  readonly conditions?: readonly ConditionUpdate[];
  /** Look again after this long (a run still going); absent means only on change or resync. */
  readonly requeueAfterMs?: number;
  /** Events for the changes this apply made in Databricks. */
  readonly events?: readonly EventNote[];
}

/** See `checkpoint.ts`: the one helper for "write status (and Events) before the next step". */
export type { Checkpoint } from './checkpoint.js';

/** What `cleanup` reports: the outcome (`done` only once Databricks confirmed) and its Events. */
export interface CleanedUp extends Outcome {
  /** Events for what the cleanup did or left in Databricks. */
  readonly events?: readonly EventNote[];
}

/**
 * A kind's two halves; both receive the object as it was read, with its finalizer in place. Events leave
 * only through what they return or throw ({@link Applied}, {@link CleanedUp}, {@link NotReadyError}) and
 * through the {@link Checkpoint}: the kind never records one itself.
 */
export interface ManagedActions<
  T extends ManagedObject<{ workspaceRef: { name: string } }, S>,
  S extends ManagedStatus,
> {
  /**
   * Makes Databricks match `object`. Throw {@link NotReadyError} for conditions the user must see; call
   * `checkpoint` after a step a retry must not redo.
   */
  apply(object: T, client: DatabricksClient, checkpoint: Checkpoint<S>): Promise<Applied<S>>;
  /**
   * Honours the deletion policy. `connect` gives the workspace's client (throwing `WaitingForDependency`
   * when the workspace is gone or not Ready); a policy that leaves the object alone need not call it.
   * Return `done` only once Databricks confirmed.
   */
  cleanup(object: T, connect: () => Promise<DatabricksClient>): Promise<CleanedUp>;
  /**
   * For kinds with `spec.managementPolicy`: reads the Databricks object and reports it, writing nothing
   * to Databricks. Called instead of `apply` while the policy is Observe; deleting an observed object
   * leaves Databricks as it is, whatever `deletionPolicy` says.
   */
  observe?(object: T, client: DatabricksClient): Promise<Applied<S>>;
}

/**
 * What observing reports, over what status recorded while the object was managed (its hashes, a scope's
 * claim): kept, so that switching back to Manage finds the object as this one left it.
 */
function keepingRecord<S extends ManagedStatus>(object: { status?: S }, observed: Applied<S>): Applied<S> {
  const { conditions: _conditions, observedGeneration: _generation, ...recorded } = object.status ?? {};
  return { ...observed, status: { ...recorded, ...observed.status } };
}

/** Whether `object` asks only to be observed (`spec.managementPolicy: Observe`). */
export function isObserveOnly(object: { spec: object }): boolean {
  return (object.spec as { managementPolicy?: unknown }).managementPolicy === 'Observe';
}

/**
 * The whole reconcile of a managed kind: finalizer, workspace client, `apply` or `cleanup`, then status
 * (`Ready`, `observedGeneration`, the kind's fields) and Events. Databricks errors that mean the spec is
 * wrong (invalid parameter, limit exceeded, permission denied) become `Ready=False` with Databricks'
 * message, and are retried only after a backoff or a spec change; transient ones are thrown, so the
 * work queue backs off without touching status. Any other error is thrown too, after `Ready=False`
 * `ReconcileError` says what it was (redacted): no failure is only a log line. A cached copy older than
 * this controller's own last status write is not worked on: it is looked at again once the informer
 * has caught up.
 */
export async function reconcileManaged<
  T extends ManagedObject<{ workspaceRef: { name: string } }, S>,
  S extends ManagedStatus,
>(
  resource: ResourceType,
  object: T,
  context: ManagedContext & ReconcileContext,
  actions: ManagedActions<T, S>,
): Promise<Outcome> {
  // Worked on from the status before that write, the object would look as if the write never happened:
  // what it recorded would be done again (a job found and reset again, a notebook taken for a stranger's).
  if (context.status.precedesOwnWrite(object)) return requeueAfter(CACHE_CATCH_UP_MS);
  const connect = (): Promise<DatabricksClient> => workspaceClient(object, context);
  // Checkpoints, then Ready, build on the status this reconcile last wrote.
  const record = new StatusRecord<T, S>(object, context.status, context.events);
  const { checkpoint } = record;
  try {
    // The finalizer's patches are this controller's writes too: a copy from before the removal would
    // otherwise run the cleanup (and its deletes) a second time before the informer hears of it.
    const kube: Pick<KubeClient, 'patchCustomObject'> = {
      patchCustomObject: async <U extends KubeObject>(
        ...args: Parameters<KubeClient['patchCustomObject']>
      ): Promise<U> => {
        const written = await context.kube.patchCustomObject<U>(...args);
        context.status.noteOwnWrite(object, written);
        return written;
      },
    };
    return await withFinalizer(kube, resource, object, {
      apply: async (current) => {
        record.startFrom(current);
        const client = await connect();
        const applied =
          isObserveOnly(current) && actions.observe
            ? keepingRecord(current, await actions.observe(current, client))
            : await actions.apply(current, client, checkpoint);
        await writeApplied(record.object, applied, context);
        return applied.requeueAfterMs ? requeueAfter(applied.requeueAfterMs) : done;
      },
      cleanup: async (current) => {
        // An observed object was never this controller's to change: its deletion leaves Databricks alone.
        if (isObserveOnly(current) && actions.observe) return done;
        const { events = [], ...outcome } = await actions.cleanup(current, connect);
        for (const event of events) await context.events.record(current, event);
        return outcome;
      },
    });
  } catch (error) {
    // Rejected credentials may have been rotated in their Secret since the client was built: read the
    // Secrets again now (get only), so the retry uses what the Secret holds instead of waiting for the
    // workspace's next probe.
    if (error instanceof UnauthenticatedError)
      await refreshCredentials(object, context).catch(() => undefined);
    const notReady = asNotReady(error);
    if (notReady) return reportNotReady(record.object, notReady, context);
    if (!isTransientError(error)) await reportReconcileError(record.object, error, context);
    throw error;
  }
}

/**
 * Errors the work queue's backoff is for, which say nothing about the object: Databricks asked to slow
 * down, was briefly unavailable or unreachable, or the client was closed (shutdown); the API server lost
 * a race, throttled or was unavailable. A workspace whose host stays unreachable says so itself.
 */
export function isTransientError(error: unknown): boolean {
  if (
    error instanceof DatabricksNetworkError ||
    error instanceof RateLimitedError ||
    error instanceof TemporarilyUnavailableError ||
    error instanceof ClientClosedError
  ) {
    return true;
  }
  if (error instanceof DatabricksApiError) {
    return TRANSIENT_MESSAGES.some((pattern) => pattern.test(error.apiMessage));
  }
  const status = apiStatusCode(error);
  if (status !== undefined) return status === 409 || status === 429 || status >= 500;
  // A system error talking to the API server (ECONNREFUSED, ECONNRESET, ...).
  return typeof (error as { code?: unknown } | null)?.code === 'string';
}

/** The `Ready=False` `ReconcileError` message for an error nothing else explains: redacted, one line. */
export function reconcileErrorMessage(error: unknown): string {
  const status = apiStatusCode(error);
  const kubeMessage = status === undefined ? undefined : statusMessage((error as { body?: unknown }).body);
  const text =
    kubeMessage !== undefined
      ? `the Kubernetes API answered ${status}: ${kubeMessage}`
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  return `${redactCredentials(text).replace(/\s+/g, ' ').slice(0, 900)}; retrying with backoff`;
}

/** The `message` of a Kubernetes `Status` body (an object, or its JSON text), if it has one. */
function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body === '' ? undefined : body;
    }
  }
  const message = (parsed as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : undefined;
}

/**
 * Says in `Ready` what an unexplained error was, with a Warning Event when the condition changes to it.
 * A failure to write is only logged: the error itself is what the caller throws on.
 */
async function reportReconcileError(
  object: ManagedObject<{ workspaceRef: { name: string } }, ManagedStatus>,
  error: unknown,
  context: ManagedContext & ReconcileContext,
): Promise<void> {
  const message = reconcileErrorMessage(error);
  const previous = readyCondition(object);
  try {
    if (previous?.reason !== 'ReconcileError') {
      await context.events.record(object, {
        type: 'Warning',
        reason: 'ReconcileError',
        action: 'Reconcile',
        note: message,
      });
    }
    const conditions = setCondition(object.status?.conditions, {
      type: 'Ready',
      status: 'False',
      reason: 'ReconcileError',
      message,
      observedGeneration: object.metadata.generation,
    });
    await context.status.update<ManagedStatus>(object, { ...object.status, conditions });
  } catch (writeError) {
    context.log.warn('could not record the reconcile error in status', { error: writeError });
  }
}

async function refreshCredentials(
  object: ManagedObject<{ workspaceRef: { name: string } }, ManagedStatus>,
  context: Pick<ManagedContext, 'workspaces' | 'clients' | 'kube'>,
): Promise<void> {
  const namespace = object.metadata.namespace ?? '';
  const key = `${namespace}/${object.spec.workspaceRef.name}`;
  const workspace = context.workspaces.get(key);
  if (!workspace) return;
  const secrets = await readReferencedSecrets(context.kube, namespace, workspace.spec);
  await context.clients.clientFor(key, namespace, workspace.spec, secrets);
}

/** The `Ready` condition of `object` as of now. */
export function readyCondition(
  object: ManagedObject<{ workspaceRef: { name: string } }, ManagedStatus>,
): Condition | undefined {
  return findCondition(object.status?.conditions, 'Ready');
}

async function writeApplied<
  T extends ManagedObject<{ workspaceRef: { name: string } }, S>,
  S extends ManagedStatus,
>(object: T, applied: Applied<S>, context: ManagedContext & ReconcileContext): Promise<void> {
  const generation = object.metadata.generation;
  let conditions = setCondition(object.status?.conditions, {
    type: 'Ready',
    status: 'True',
    reason: applied.reason ?? 'Reconciled',
    message: applied.message,
    observedGeneration: generation,
  });
  for (const update of applied.conditions ?? []) conditions = setCondition(conditions, update);
  for (const event of applied.events ?? []) await context.events.record(object, event);
  await context.status.update<ManagedStatus>(object, {
    ...applied.status,
    observedGeneration: generation,
    conditions,
  });
}

async function reportNotReady(
  object: ManagedObject<{ workspaceRef: { name: string } }, ManagedStatus>,
  error: NotReadyError,
  context: ManagedContext & ReconcileContext,
): Promise<Outcome> {
  const generation = object.metadata.generation;
  // Messages quote Databricks and other objects' conditions: cut anything credential-like on the way.
  const message = redactCredentials(error.message);
  const conditions = setCondition(object.status?.conditions, {
    type: 'Ready',
    status: 'False',
    reason: error.reason,
    message,
    observedGeneration: generation,
  });
  context.log.info('not ready', { reason: error.reason, message });
  for (const event of error.details.events ?? []) await context.events.record(object, event);
  if (error.details.warn ?? error.reason !== WAITING_FOR_DEPENDENCY) {
    await context.events.record(object, {
      type: 'Warning',
      reason: error.reason,
      action: 'Reconcile',
      note: message,
    });
  }
  await context.status.update<ManagedStatus>(object, {
    ...object.status,
    ...error.details.status,
    observedGeneration: generation,
    conditions,
  });
  if (error.details.retryAfterMs !== undefined) return requeueAfter(error.details.retryAfterMs);
  return requeueAfter(notReadyDelay(conditions, context.notReadyBackoff ?? defaultNotReadyBackoff));
}

/** Waits as long as the object has been not Ready: doubling intervals without a counter anywhere. */
function notReadyDelay(conditions: readonly Condition[], backoff: NotReadyBackoff): number {
  const since = Date.parse(findCondition(conditions, 'Ready')?.lastTransitionTime ?? '');
  const failingForMs = Number.isNaN(since) ? 0 : Date.now() - since;
  return Math.min(backoff.maxMs, Math.max(backoff.minMs, failingForMs));
}

/** Databricks errors that no retry fixes: the spec (or the principal's rights) must change. */
function asNotReady(error: unknown): NotReadyError | undefined {
  if (error instanceof NotReadyError) return error;
  if (error instanceof InvalidParameterError || error instanceof LimitExceededError) {
    return new NotReadyError(
      'InvalidSettings',
      `Databricks rejected the request: ${describeApiError(error)}`,
    );
  }
  if (error instanceof PermissionDeniedError) {
    return new NotReadyError(
      'PermissionDenied',
      `the workspace's principal may not do this: ${describeApiError(error)}`,
    );
  }
  return undefined;
}

/** `<endpoint>: <ERROR_CODE> <message>` for conditions and events. */
export function describeApiError(error: DatabricksApiError): string {
  const code = error.errorCode ? `${error.errorCode} ` : '';
  return `${error.endpoint}: ${code}${error.apiMessage}`;
}

/**
 * The client of `object`'s workspace, or `WaitingForDependency` while the DatabricksWorkspace is missing
 * or not Ready. The workspace reconciler has usually built the client already; after a restart the
 * first dependent builds it from the Secrets.
 */
export async function workspaceClient(
  object: ManagedObject<{ workspaceRef: { name: string } }, ManagedStatus>,
  context: Pick<ManagedContext, 'workspaces' | 'clients' | 'kube'>,
): Promise<DatabricksClient> {
  const namespace = object.metadata.namespace ?? '';
  const name = object.spec.workspaceRef.name;
  const key = `${namespace}/${name}`;
  const workspace = context.workspaces.get(key);
  if (!workspace) {
    throw waitingFor(
      `DatabricksWorkspace ${name} does not exist in namespace ${namespace} (spec.workspaceRef)`,
    );
  }
  if (!isConditionTrue(workspace.status?.conditions, 'Ready')) {
    const ready = findCondition(workspace.status?.conditions, 'Ready');
    const why = ready ? `${ready.reason}: ${ready.message}` : 'not verified yet';
    throw waitingFor(`DatabricksWorkspace ${name} is not Ready (${why})`);
  }
  const cached = context.clients.cached(key, workspace.spec);
  if (cached) return cached;
  try {
    const secrets = await readReferencedSecrets(context.kube, namespace, workspace.spec);
    return await context.clients.clientFor(key, namespace, workspace.spec, secrets);
  } catch (error) {
    // Gone since the workspace's last probe, which will say so in its own Ready and wake this object.
    if (error instanceof MissingSecretError) {
      throw waitingFor(`DatabricksWorkspace ${name} cannot read its credentials: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Whether a workspace change matters to its dependents: the spec changed, Ready flipped, or it is not
 * Ready for another reason (dependents quote the reason in their own condition).
 */
export function workspaceReadinessChanged(
  previous: DatabricksWorkspace,
  current: DatabricksWorkspace,
): boolean {
  const before = findCondition(previous.status?.conditions, 'Ready');
  const after = findCondition(current.status?.conditions, 'Ready');
  return (
    previous.metadata.generation !== current.metadata.generation ||
    before?.status !== after?.status ||
    before?.reason !== after?.reason
  );
}

/** Index name under which managed objects are found by their workspace's key. */
export const WORKSPACE_INDEX = 'workspace';

/** The index function for {@link WORKSPACE_INDEX}. */
export function workspaceKeyOf(
  object: ManagedObject<{ workspaceRef: { name: string } }, ManagedStatus>,
): string[] {
  return [`${object.metadata.namespace ?? ''}/${object.spec.workspaceRef.name}`];
}

/** The object a reference is resolved for: its kind and its workspace, which the target must share. */
export interface Referrer {
  /** `DatabricksJob`, `DatabricksRun`. */
  readonly kind: string;
  /** Its `spec.workspaceRef.name` (the namespace is the one the reference is resolved in). */
  readonly workspace: string;
}

/**
 * Resolves a `*_ref` to a value from the referenced object's status (a cluster ID, a job ID, a path),
 * or throws `WaitingForDependency` naming the field while the target is missing or not Ready, and
 * `InvalidReference` when the target lives in another DatabricksWorkspace than `referrer`: its ID means
 * nothing (or something else) there.
 */
export function resolveReference<R extends KubeObject & { status?: ManagedStatus }, V>(
  store: Pick<ObjectStore<R>, 'get'>,
  namespace: string,
  reference: { name: string },
  target: { kind: string; field: string; valueOf: (object: R) => V | undefined },
  referrer: Referrer,
): V {
  const object = store.get(`${namespace}/${reference.name}`);
  if (!object) throw waitingFor(`${target.field}: ${target.kind} ${reference.name} does not exist yet`);
  const theirs = (object as { spec?: { workspaceRef?: { name?: string } } }).spec?.workspaceRef?.name;
  if (theirs !== undefined && theirs !== referrer.workspace) {
    throw new NotReadyError(
      'InvalidReference',
      `${target.field}: ${target.kind} ${reference.name} is in DatabricksWorkspace ${theirs}, but this ${referrer.kind} is in DatabricksWorkspace ${referrer.workspace}; a reference must stay inside one workspace (an ID of ${theirs} means nothing, or something else, in ${referrer.workspace}): refer to a ${target.kind} of ${referrer.workspace}, or move this ${referrer.kind} to ${theirs}`,
    );
  }
  const value = target.valueOf(object);
  if (!isConditionTrue(object.status?.conditions, 'Ready') || value === undefined) {
    throw waitingFor(`${target.field}: ${target.kind} ${reference.name} is not Ready yet`);
  }
  return value;
}
