/**
 * The DatabricksCluster reconciler: one all-purpose cluster per object, equal to `spec.settings` (with
 * the ownership marker in `custom_tags`), running or terminated as `spec.state` says.
 *
 * - Finding the cluster: `status.clusterId`; else adopt `spec.clusterId`; else a cluster carrying this
 *   object's UID (created by an attempt that died before writing status); else `clusters/create`.
 *   A cluster that belongs to another live DatabricksCluster is never taken.
 * - Settings: edited when the spec changed (settings hash) or the cluster drifted (`clusterDriftRules`).
 *   Databricks allows an edit only in RUNNING (the cluster restarts) or TERMINATED (it stays terminated);
 *   a size-only change of a running cluster is a `clusters/resize`, which does not restart it. A cluster
 *   that should be terminated is terminated first and edited afterwards, sparing a pointless restart.
 * - State: `spec.state` Running starts a terminated cluster (terminated in the UI, or after a failed
 *   launch, which is reported as `ClusterError` first and retried after a growing backoff); Terminated
 *   terminates it. A cluster Databricks terminated for inactivity (`autotermination_minutes`) is left
 *   terminated and Ready: restarting it would defeat the setting; it starts when something uses it.
 * - While the cluster moves (PENDING, RESTARTING, RESIZING, TERMINATING) it is looked at again soon.
 * - Reads: a cluster at rest is answered from the workspace's shared `clusters/list`, read once per
 *   resync ({@link ClusterView}); one that moves, or that this process just changed, with `clusters/get`.
 * - Deleted: `deletionPolicy` Delete (default) permanently deletes the cluster, Retain leaves it.
 *
 * Jobs reach it through `existing_cluster_ref`, which resolves to `status.clusterId` once the object is
 * Ready. A cluster whose `spec.state` is Terminated is Ready too (it is in the state asked for), so a
 * job may reference it; Databricks starts it for the run, but this controller terminates it again when
 * it next looks. Clusters that jobs use should say Running and rely on `autotermination_minutes`.
 */
import {
  InvalidStateError,
  type ClusterDetails,
  type ClusterSpec,
  type DatabricksClient,
} from '../../databricks/index.js';
import { type DatabricksClusterStatus } from '../../../lib/crds/index.js';
import type { ManagedKind } from '../managed/managed-kind.js';
import { findCondition } from '../../runtime/conditions.js';
import type { EventNote } from '../../runtime/events.js';
import { done } from '../../runtime/outcome.js';
import {
  decideClusterSettings,
  decideClusterState,
  type ClusterSettingsDecision,
  type ClusterWrite,
} from './cluster-decision.js';
import { findOwnedCluster, locateCluster } from './cluster-placement.js';
import { observeCluster } from './cluster-observe.js';
import { clusterError, clusterMoving, observedStatus, type ClusterStatusFields } from './cluster-state.js';
import { ClusterView } from './cluster-view.js';
import { contentHash } from '../managed/content-hash.js';
import { deleteUnlessGone, leftInPlace } from '../managed/deletion-policy.js';
import { note, shortList } from '../managed/event-notes.js';
import {
  NotReadyError,
  defaultNotReadyBackoff,
  describeApiError,
  type Applied,
  type CleanedUp,
  type Checkpoint,
} from '../managed/managed.js';
import { withOwnerTags } from '../managed/ownership.js';
import { applyObjectPermissions } from '../managed/permissions.js';
import { freshUntilResync } from '../managed/shared-listing.js';
import { StaggeredCycle } from '../managed/staggered-cycle.js';
import { clusterSpecSites } from '../../drift/task-references.js';
import { resolvedClusterSettings } from './cluster-references.js';
import { referenceStores, referenceWatches, type ReferenceStores } from '../managed/references.js';
import { CLUSTERS, type DatabricksCluster, type ClusterContext } from './cluster-types.js';

export { CLUSTERS, type DatabricksCluster, type ClusterContext } from './cluster-types.js';

/** Custom tags a cluster may carry, the two marker tags included (BEHAVIOUR.md §2). */
const MAX_CUSTOM_TAGS = 45;

async function applyCluster(
  cluster: DatabricksCluster,
  client: DatabricksClient,
  context: ClusterContext,
  checkpoint: Checkpoint<DatabricksClusterStatus>,
): Promise<Applied<DatabricksClusterStatus>> {
  const settings = desiredClusterSettings(cluster, context.references);
  const settingsHash = contentHash(settings);
  const wanted = cluster.spec.state ?? 'Running';
  const previous = cluster.status ?? {};
  // Each change is told as soon as Databricks took it, whatever the rest of the pass does.
  const record = (event: EventNote) => checkpoint({}, [event]);
  const pollMs = context.transitionPollMs ?? (context.notReadyBackoff ?? defaultNotReadyBackoff).minMs;

  const { clusterId, observed } = await locateCluster(cluster, settings, client, context, checkpoint);
  const view = ClusterView.of(client, context.view);
  // Whether or not it went through, a change sent leaves the listing unable to speak for the cluster.
  const change = async (write: Promise<void>): Promise<void> => {
    try {
      await write;
    } finally {
      view.wrote(clusterId);
    }
  };
  let state = observed.state ?? 'UNKNOWN';
  let appliedHash = previous.settingsHash;
  let permissionsHash = previous.permissionsHash;
  const statusNow = (): ClusterStatusFields => ({
    ...observedStatus(observed, state, `${client.host}/compute/clusters/${clusterId}`, appliedHash),
    permissionsHash,
  });
  const moving = (message: string): NotReadyError =>
    clusterMoving(clusterId, state, message, statusNow(), pollMs);
  const refusedForNow = (error: unknown, what: string): NotReadyError => {
    if (!(error instanceof InvalidStateError)) throw error;
    return moving(`Databricks refused to ${what} for now (${describeApiError(error)}); trying again`);
  };

  // Settings first: a change the spec asks for, one made in Databricks behind our back, or the marker of
  // an adopted cluster whose settings match.
  const settingsDecision = decideClusterSettings({
    desired: settings,
    desiredHash: settingsHash,
    ...(appliedHash === undefined ? {} : { appliedHash }),
    observed,
    state,
    wanted,
    owner: cluster,
  });
  let edited = false;
  if (settingsDecision.action === 'none') {
    appliedHash = settingsHash;
  } else if (settingsDecision.write !== 'later') {
    try {
      const event = await writeSettings(
        client,
        clusterId,
        settings,
        settingsDecision,
        settingsDecision.write,
        change,
        state,
      );
      if (settingsDecision.write === 'resize') state = 'RESIZING';
      else if (state === 'RUNNING') state = 'RESTARTING';
      await record(event);
    } catch (error) {
      throw refusedForNow(error, 'change it');
    }
    appliedHash = settingsHash;
    edited = true;
  }
  // Grants hold in any state; set before waiting on one, so a cluster that takes long to start has them.
  const events: EventNote[] = [];
  permissionsHash = await applyObjectPermissions(
    cluster,
    { objectType: 'clusters', objectId: clusterId, noun: 'cluster' },
    client,
    events,
    context.permissionsCycle,
  );
  if (events.length > 0) await checkpoint({ permissionsHash }, events);
  const later =
    settingsDecision.action !== 'none' && !edited
      ? '; spec.settings are applied once it is RUNNING or TERMINATED'
      : '';

  // Then the state spec.state asks for.
  const stateDecision = decideClusterState({
    wanted,
    state,
    ...(observed.termination_reason ? { terminationReason: observed.termination_reason } : {}),
    edited,
    failureReported:
      findCondition(previous.conditions, 'Ready')?.reason === 'ClusterError' && previous.state === state,
  });
  switch (stateDecision.step) {
    case 'ready':
      return {
        status: statusNow(),
        reason: stateDecision.reason,
        message: readyMessage(stateDecision.reason, clusterId, observed),
        // At its moment of the slow cycle, its permissions are read again.
        ...(permissionsHash === undefined
          ? {}
          : { requeueAfterMs: context.permissionsCycle.untilNext(cluster.metadata.uid ?? '') }),
      };
    case 'wait':
      throw moving(
        `waiting for it to be ${stateDecision.until}${stateDecision.until === 'TERMINATED' ? ', as spec.state asks' : ''}${later}`,
      );
    case 'failed':
      throw clusterError(clusterId, observed, statusNow(), stateDecision.poll ? pollMs : undefined);
    case 'terminate':
    case 'start': {
      const sent = await sendStateChange(stateDecision.step, client, clusterId, observed, change).catch(
        (error: unknown) => {
          throw stateDecision.step === 'start' ? refusedForNow(error, 'start it') : error;
        },
      );
      await record(sent.event);
      state = sent.state;
      throw moving(`${sent.waiting}${later}`);
    }
  }
}

/** Terminates or starts the cluster (through `change`): the Event, the state it moves to, and what is awaited. */
async function sendStateChange(
  step: 'terminate' | 'start',
  client: DatabricksClient,
  clusterId: string,
  observed: ClusterDetails,
  change: (write: Promise<void>) => Promise<void>,
): Promise<{ event: EventNote; state: string; waiting: string }> {
  if (step === 'terminate') {
    await change(client.clusters.delete(clusterId));
    return {
      event: note(
        'Terminating',
        'TerminateCluster',
        `terminating cluster ${clusterId}, as spec.state is Terminated`,
      ),
      state: 'TERMINATING',
      waiting: 'terminating it, as spec.state is Terminated',
    };
  }
  await change(client.clusters.start(clusterId));
  const code = observed.termination_reason?.code;
  const why = code ? ` (it had been terminated: ${code})` : '';
  return {
    event: note('Started', 'StartCluster', `started cluster ${clusterId}${why}, as spec.state is Running`),
    state: 'PENDING',
    waiting: 'waiting for it to be RUNNING',
  };
}

/** The `Ready=True` message for each way the cluster is as `spec.state` asks. */
function readyMessage(
  reason: 'Running' | 'Terminated' | 'AutoTerminated',
  clusterId: string,
  observed: ClusterDetails,
): string {
  if (reason === 'Running') return `cluster ${clusterId} is RUNNING and matches spec.settings`;
  if (reason === 'Terminated') return `cluster ${clusterId} is TERMINATED, as spec.state asks`;
  return `cluster ${clusterId} was terminated after ${String(observed.autotermination_minutes ?? '?')} idle minutes (autotermination_minutes); it starts again when a job or a user uses it`;
}

/** Sends the settings as `write` says (through `change`), and returns the Event that tells it. */
async function writeSettings(
  client: DatabricksClient,
  clusterId: string,
  settings: ClusterSpec,
  decision: Exclude<ClusterSettingsDecision, { action: 'none' }>,
  write: Exclude<ClusterWrite, 'later'>,
  change: (write: Promise<void>) => Promise<void>,
  stateBefore: string,
): Promise<EventNote> {
  const restarts =
    stateBefore === 'RUNNING' ? '; Databricks restarts a running cluster to apply new settings' : '';
  if (write === 'marker') {
    await change(client.clusters.update(clusterId, ['custom_tags'], { custom_tags: settings.custom_tags }));
    return note(
      'Marked',
      'UpdateClusterTags',
      `wrote the ownership marker to cluster ${clusterId}'s custom_tags (clusters/update); its settings already matched spec.settings${restarts}`,
    );
  }
  const drifted = decision.action === 'update' && decision.cause === 'Drifted';
  const what = drifted
    ? `back to spec.settings after it was changed in Databricks (${shortList(decision.diff ?? [])})`
    : 'to the new spec.settings';
  if (write === 'resize') {
    await change(client.clusters.resize(clusterId, sizeOf(settings)));
    return note('Resized', 'ResizeCluster', `resized cluster ${clusterId} ${what}`);
  }
  await change(client.clusters.edit(clusterId, settings));
  return {
    type: drifted ? 'Warning' : 'Normal',
    reason: drifted ? 'DriftCorrected' : 'Updated',
    action: 'EditCluster',
    note: `edited cluster ${clusterId} ${what}${restarts}`,
  };
}

/**
 * `spec.settings` as Databricks should have it: references resolved from `references` (a spec without
 * any needs none), the ownership marker added to `custom_tags`.
 */
export function desiredClusterSettings(
  cluster: DatabricksCluster,
  references?: ReferenceStores,
): ClusterSpec {
  const customTags = withOwnerTags(cluster.spec.settings.custom_tags, cluster);
  const count = Object.keys(customTags).length;
  if (count > MAX_CUSTOM_TAGS) {
    throw new NotReadyError(
      'InvalidSettings',
      `spec.settings.custom_tags: with the 2 ownership tags (k8s-owner, k8s-owner-uid) the cluster would carry ${count} custom tags, over Databricks' limit of ${MAX_CUSTOM_TAGS}; remove ${count - MAX_CUSTOM_TAGS}`,
    );
  }
  return { ...resolvedClusterSettings(cluster, references), custom_tags: customTags };
}

function sizeOf(
  settings: ClusterSpec,
): { num_workers: number } | { autoscale: { min_workers: number; max_workers: number } } {
  const { autoscale } = settings;
  if (autoscale) {
    return {
      autoscale: { min_workers: autoscale.min_workers ?? 0, max_workers: autoscale.max_workers ?? 1 },
    };
  }
  return { num_workers: settings.num_workers ?? 0 };
}

/** Honours `deletionPolicy`; the finalizer goes only once Databricks confirmed. */
async function cleanupCluster(
  cluster: DatabricksCluster,
  connect: () => Promise<DatabricksClient>,
  context: ClusterContext,
): Promise<CleanedUp> {
  const recorded = cluster.status?.clusterId;
  const leftover = recorded
    ? { what: `cluster ${recorded}`, where: 'Databricks', noun: 'Cluster' }
    : undefined;
  const left = leftInPlace(cluster, context, leftover);
  if (left) return left;
  const client = await connect();
  // A cluster created just before a crash has no ID in status yet; its marker still finds it.
  const clusterId =
    recorded ??
    (cluster.spec.clusterId === undefined
      ? (await findOwnedCluster(client, cluster.metadata.uid ?? '', context.view))?.cluster_id
      : undefined);
  context.permissionsCycle.forget(cluster.metadata.uid ?? '');
  if (!clusterId) return done;
  await deleteUnlessGone(() => client.clusters.permanentDelete(clusterId));
  ClusterView.of(client, context.view).wrote(clusterId);
  return { events: [note('Deleted', 'DeleteCluster', `permanently deleted cluster ${clusterId}`)] };
}

/** The DatabricksCluster kind, for `managedController`: woken by its workspace, policy and pools. */
export const clusterKind: ManagedKind<DatabricksCluster, DatabricksClusterStatus, ClusterContext> = {
  kind: 'DatabricksCluster',
  informer: ({ DatabricksCluster }) => DatabricksCluster,
  resource: CLUSTERS,
  context: ({ informer, informers, config }, base) => ({
    ...base,
    clusters: informer.store,
    view: freshUntilResync(informer, config.resyncPeriodMs),
    permissionsCycle: new StaggeredCycle(config.slowResyncPeriodMs),
    references: referenceStores(informers),
  }),
  // A cluster spec's policy and pools: their readiness and IDs wake the cluster.
  watches: referenceWatches<DatabricksCluster>((cluster) =>
    clusterSpecSites(cluster.spec.settings, 'spec.settings'),
  ),
  apply: applyCluster,
  cleanup: cleanupCluster,
  observe: observeCluster,
};
