/**
 * The DatabricksRun reconciler: one run, started once, followed until it ends.
 *
 * - Not started (no `status.runId`): run-now of the `spec.jobRef` job (once it is Ready) with
 *   `spec.runNow`, or runs/submit of `spec.submit` (its `*_ref`s resolved). Both carry an idempotency
 *   token made from the object's UID, so a retry, a restart or a stale cache gets the same run back
 *   instead of starting a second one. The run ID goes to status at once.
 * - Active: the workspace's `RunPoller` watches it (one listing per tick for all runs) and wakes
 *   this object when what status shows changed.
 * - Finished: the output of each task run is summarized once, `Succeeded` or `Failed` is set (a failed
 *   run is also `Ready=False`, reason `RunFailed`), an Event says how it ended, and the object is never
 *   polled again.
 * - Deleted while active: cancelled when `cancelOnDelete` (the default), and the finalizer stays until
 *   Databricks reports the run terminal.
 */
import {
  formatId,
  NotFoundError,
  type DatabricksClient,
  type Run,
  type RunNowRequest,
  type RunSubmitSettings,
} from '../../databricks/index.js';
import { DATABRICKS_RUN, RUN_JOB_NOT_FOUND, type DatabricksRunSpec } from '../../../lib/crds/index.js';
import type { DatabricksRunStatus } from '../../../lib/crds/databricks-run.js';
import { watchOf, type ManagedKind, type Settled } from '../managed/managed-kind.js';
import { findCondition, type ConditionUpdate } from '../../runtime/conditions.js';
import type { EventNote } from '../../runtime/events.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import { requeueAfter } from '../../runtime/outcome.js';
import { unreachableWorkspace } from '../managed/deletion-policy.js';
import type { DatabricksJob } from '../job/job-types.js';
import {
  NotReadyError,
  resolveReference,
  workspaceKeyOf,
  type Applied,
  type ManagedContext,
  type ManagedObject,
  type CleanedUp,
} from '../managed/managed.js';
import {
  referenceStores,
  referenceWatches,
  referenceTargetChanged,
  resolveReferences,
  type ReferenceStores,
} from '../managed/references.js';
import { RunPollers, defaultRunPollingOptions, isRunFinished } from './run-poller.js';
import { describeState, fieldsOf, finishedConditions, statusOf, withOutputs } from './run-status.js';
import { resourceOf } from '../managed/resources.js';
import { settingsSites } from '../../drift/task-references.js';

/** The `databricksruns` resource. */
export const RUNS: ResourceType = resourceOf(DATABRICKS_RUN);

/** A DatabricksRun as the informer holds it. */
export type DatabricksRun = ManagedObject<DatabricksRunSpec, DatabricksRunStatus>;

/** What {@link runKind} needs besides the shared context. */
export interface RunContext extends ManagedContext {
  /** The DatabricksJob cache, for `spec.jobRef`. */
  readonly jobs: Pick<ObjectStore<DatabricksJob>, 'get'>;
  readonly references: ReferenceStores;
  readonly pollers: RunPollers;
  /** How often a deleted object looks again whether its cancelled run has ended. @default 1_000 */
  readonly cancelPollMs?: number;
}

/** Index of DatabricksRuns not started yet by the DatabricksJob (`namespace/name`) they run. */
const JOB_REF_INDEX = 'runJobRef';

async function applyRun(
  run: DatabricksRun,
  client: DatabricksClient,
  context: RunContext & { readonly key: string },
): Promise<Applied<DatabricksRunStatus>> {
  const previous = run.status ?? {};
  const poller = context.pollers.of(workspaceKeyOf(run)[0], client);
  // Should a wake from the poller ever be lost, the run is still looked at (from its cache) this often.
  const safetyMs = context.pollers.options.maxIntervalMs;

  if (previous.runId === undefined) {
    const { runId, jobId, event } = await startRun(run, client, context);
    poller.track(runId, context.key);
    return {
      status: { runId: Number(runId), ...(jobId === undefined ? {} : { jobId: Number(jobId) }) },
      reason: 'RunStarted',
      message: `run ${runId} started; waiting for its first state`,
      events: [event],
      requeueAfterMs: safetyMs,
    };
  }

  const runId = formatId(previous.runId);
  const observation = poller.track(runId, context.key);
  if (!observation) {
    return {
      status: fieldsOf(previous),
      reason: previous.lifeCycleState ? 'RunActive' : 'RunStarted',
      message: `run ${runId} is ${previous.lifeCycleState ?? 'starting'}`,
      requeueAfterMs: safetyMs,
    };
  }
  if (observation.state === 'notFound') {
    return runNotFound(runId, previous, client, run.metadata.generation);
  }
  const status = statusOf(observation.run, previous);
  if (observation.state === 'active') {
    return {
      status,
      reason: 'RunActive',
      message: `run ${runId} is ${describeState(observation.run)}`,
      requeueAfterMs: safetyMs,
    };
  }
  status.tasks = await withOutputs(status.tasks, client);
  const finished = finishedConditions(observation.run, run.metadata.generation);
  const success = finished[0].status === 'True';
  const ended = `run ${runId} ${success ? 'succeeded' : 'failed'}: ${describeState(observation.run)}`;
  poller.forget(runId);
  return {
    status,
    reason: 'RunFinished',
    message: `run ${runId} finished: ${describeState(observation.run)}`,
    // A run that ended badly is not Ready, as one that vanished is not (runNotFound): Ready is what
    // generic tools read (`kubectl get databricks`, kstatus, the not-Ready gauge), and they must not
    // take a failed run for a good one. Succeeded and Failed still tell the two ends apart.
    conditions: success
      ? finished
      : [
          {
            type: 'Ready',
            status: 'False',
            reason: 'RunFailed',
            message: `${ended} (${finished[1].message})`,
            observedGeneration: run.metadata.generation,
          },
          ...finished,
        ],
    events: [
      success
        ? note('Succeeded', 'FollowRun', ended)
        : { type: 'Warning', reason: 'Failed', action: 'FollowRun', note: ended },
    ],
  };
}

/** Starts the run, or gets back the one an earlier attempt started (same idempotency token). */
async function startRun(
  run: DatabricksRun,
  client: DatabricksClient,
  context: RunContext,
): Promise<{ runId: string; jobId?: string; event: EventNote }> {
  const namespace = run.metadata.namespace ?? '';
  const idempotency_token = idempotencyTokenOf(run);
  const referrer = { kind: 'DatabricksRun', workspace: run.spec.workspaceRef.name };
  const { jobRef } = run.spec;
  if (jobRef) {
    // Another workspace's job ID would start whatever job has that ID here: refused before any call.
    const jobId = formatId(
      resolveReference(
        context.jobs,
        namespace,
        jobRef,
        { kind: 'DatabricksJob', field: 'spec.jobRef', valueOf: (job) => job.status?.jobId },
        referrer,
      ),
    );
    const request: RunNowRequest = { ...(run.spec.runNow ?? {}), idempotency_token };
    const { run_id } = await client.jobs.runNow(jobId, request).catch((error: unknown) => {
      if (!(error instanceof NotFoundError)) throw error;
      // The job was deleted in Databricks; its DatabricksJob recreates it, and its new ID wakes this run.
      throw new NotReadyError(
        RUN_JOB_NOT_FOUND,
        `spec.jobRef: job ${jobId} of DatabricksJob ${jobRef.name} does not exist in Databricks; waiting for the DatabricksJob to recreate it`,
        { warn: true },
      );
    });
    const runId = formatId(run_id);
    return {
      runId,
      jobId,
      event: note('Started', 'RunNow', `started run ${runId} of job ${jobId} (${jobRef.name})`),
    };
  }
  const submit = run.spec.submit;
  if (!submit) throw new Error('spec has neither jobRef nor submit; the CRD requires exactly one');
  const resolved = resolveReferences(
    submit,
    (copy) => settingsSites(copy, 'spec.submit'),
    namespace,
    context.references,
    referrer,
  );
  const settings: RunSubmitSettings = { ...resolved, run_name: submit.run_name ?? run.metadata.name };
  const { run_id } = await client.jobs.submit(settings, { idempotency_token });
  const runId = formatId(run_id);
  return { runId, event: note('Started', 'SubmitRun', `submitted one-time run ${runId}`) };
}

/**
 * The token that makes run-now and runs/submit start at most one run for this object: its UID, which
 * no other object (not even one of the same name created later) has. At most 64 characters.
 */
export function idempotencyTokenOf(run: DatabricksRun): string {
  return `k8s-dbrun-${run.metadata.uid ?? ''}`;
}

/**
 * The run is gone from Databricks (deleted, or older than the 60-day retention) before it was seen to
 * end. Nothing will ever tell how it ended, so the object says so and stops: `Ready=False` and
 * `Failed=True` with reason `RunNotFound`, and no further reconcile.
 */
function runNotFound(
  runId: string,
  previous: DatabricksRunStatus,
  client: DatabricksClient,
  generation: number | undefined,
): Applied<DatabricksRunStatus> {
  const message = `run ${runId} no longer exists in ${client.host} (deleted there, or past its retention) and was not seen to end; status shows its last known state. Create a new DatabricksRun to run again.`;
  const update = (type: string, status: 'True' | 'False'): ConditionUpdate => ({
    type,
    status,
    reason: 'RunNotFound',
    message,
    observedGeneration: generation,
  });
  return {
    status: fieldsOf(previous),
    message,
    // These replace the Ready=True that every Applied sets: this is the one end of a run that is not Ready.
    conditions: [update('Ready', 'False'), update('Succeeded', 'False'), update('Failed', 'True')],
    events: [{ type: 'Warning', reason: 'RunNotFound', action: 'FollowRun', note: message }],
  };
}

/** Deleted: cancel the run if it is still going (and `cancelOnDelete`), and let go once it has ended. */
async function cleanupRun(
  run: DatabricksRun,
  connect: () => Promise<DatabricksClient>,
  context: RunContext,
): Promise<CleanedUp> {
  const workspaceKey = workspaceKeyOf(run)[0];
  const recorded = run.status?.runId;
  const poller = context.pollers.existing(workspaceKey);
  const release = (...events: EventNote[]): CleanedUp => {
    if (recorded !== undefined) poller?.forget(formatId(recorded));
    return { events };
  };
  // No run ID: nothing was started, or a start whose answer was lost (a token cannot look runs up).
  if (recorded === undefined || hasEnded(run)) return release();
  const runId = formatId(recorded);
  if (!(run.spec.cancelOnDelete ?? true)) {
    return release(note('LeftRunning', 'CancelRun', `left run ${runId} running (cancelOnDelete is false)`));
  }
  const unreachable = unreachableWorkspace(run, context.workspaces);
  if (unreachable !== undefined) {
    return release({
      type: 'Warning',
      reason: 'Orphaned',
      action: 'CancelRun',
      note: `${unreachable}, so run ${runId} could not be cancelled`,
    });
  }
  const client = await connect();
  let observed: Run;
  try {
    observed = await client.jobs.getRun(runId);
  } catch (error) {
    if (error instanceof NotFoundError) return release();
    throw error;
  }
  if (isRunFinished(observed)) {
    return release(note('Cancelled', 'CancelRun', `run ${runId} ended: ${describeState(observed)}`));
  }
  // Cancel is asynchronous: ask once per look while the run has not begun terminating, then look again.
  const asked: EventNote[] = [];
  if (observed.state?.life_cycle_state !== 'TERMINATING') {
    await client.jobs.cancelRun(runId);
    asked.push(
      note('CancelRequested', 'CancelRun', `asked Databricks to cancel run ${runId}; waiting for it to end`),
    );
  }
  return { ...requeueAfter(context.cancelPollMs ?? 1_000), events: asked };
}

/** Whether status already holds the run's end (`Succeeded` or `Failed` set). */
function hasEnded(run: DatabricksRun): boolean {
  return findCondition(run.status?.conditions, 'Failed') !== undefined;
}

/**
 * After the end only `cancelOnDelete` can still change (CEL refuses the rest): the status stays as it
 * is, marked as computed from the new generation (nothing to write when it already is).
 */
function settledRun(run: DatabricksRun): Settled<DatabricksRunStatus> {
  const generation = run.metadata.generation;
  const status = run.status ?? {};
  if (status.observedGeneration === generation) return {};
  return {
    status: {
      ...status,
      observedGeneration: generation,
      conditions: status.conditions?.map((condition) => ({ ...condition, observedGeneration: generation })),
    },
  };
}

function note(reason: string, action: string, text: string): EventNote {
  return { type: 'Normal', reason, action, note: text };
}

/** Whether the run has not been started yet (only then do its references and its job matter). */
function notStarted(run: DatabricksRun): boolean {
  return run.status?.runId === undefined;
}

/**
 * The DatabricksRun kind, for `managedController`: woken by its workspace, by the DatabricksJob a run
 * waits for, by the objects its submit tasks reference (until it starts), and by the workspace's run
 * poller.
 */
export const runKind: ManagedKind<DatabricksRun, DatabricksRunStatus, RunContext> = {
  kind: 'DatabricksRun',
  informer: ({ DatabricksRun }) => DatabricksRun,
  resource: RUNS,
  watches: [
    watchOf(
      ({ DatabricksJob }) => DatabricksJob,
      JOB_REF_INDEX,
      (run: DatabricksRun) =>
        notStarted(run) && run.spec.jobRef ? [`${run.metadata.namespace ?? ''}/${run.spec.jobRef.name}`] : [],
      referenceTargetChanged,
    ),
    ...referenceWatches<DatabricksRun>((run) =>
      notStarted(run) ? settingsSites(run.spec.submit, 'spec.submit') : [],
    ),
  ],
  context: ({ manager, informers, enqueue }, base) => {
    const pollers = new RunPollers(enqueue, defaultRunPollingOptions, manager.logger);
    void manager.done.then(() => pollers.stop());
    return {
      ...base,
      jobs: informers.DatabricksJob.store,
      pollers,
      references: referenceStores(informers),
    };
  },
  // A run whose end is in status is never looked at again: no client, no call, no requeue.
  settled: (run) => (hasEnded(run) && !run.metadata.deletionTimestamp ? settledRun(run) : undefined),
  apply: applyRun,
  cleanup: cleanupRun,
};
