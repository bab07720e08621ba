/**
 * The DatabricksSqlWarehouse reconciler: one SQL warehouse per object, with the fields `spec.settings`
 * sets (the ownership marker added to `tags.custom_tags`), running or stopped as `spec.state` says.
 *
 * - Finding the warehouse: `status.warehouseId`; else adopt `spec.warehouseId`; else the warehouse carrying
 *   this object's UID (created by an attempt that died before writing status); else one an earlier
 *   object of this name left behind; else `sql/warehouses` create. A warehouse that belongs to another live
 *   DatabricksSqlWarehouse is never taken, and a name in use by a warehouse nobody here made is refused.
 * - Settings: edited (`sql/warehouses/{id}/edit`) when a field the spec sets differs from Databricks, be it
 *   a spec change or a change made in Databricks. Databricks restarts a running warehouse to apply it.
 * - State: `spec.state` Running starts a STOPPED warehouse when it is created or the spec changes; one that
 *   then stopped itself after `auto_stop_mins` idle is left stopped and Ready (`Idle`): a query starts it
 *   again, and restarting it would defeat the setting. With `auto_stop_mins` 0 a stopped warehouse is always
 *   started. A start that fails is reported as `WarehouseError`, then retried after a growing backoff.
 *   Stopped stops it. While it moves (STARTING, STOPPING) it is looked at again soon, never in a hot loop.
 * - Reads: a warehouse at rest is answered from the workspace's shared `sql/warehouses` listing, read once
 *   per resync ({@link WarehouseView}); one that moves, or that this process just changed, with a get.
 * - Deleted: `deletionPolicy` Delete (default) deletes the warehouse, Retain leaves it.
 */
import type { DatabricksClient, EndpointTagPair, Warehouse } from '../../databricks/index.js';
import { WAREHOUSE_MOVING_REASONS, type DatabricksSqlWarehouseStatus } from '../../../lib/crds/index.js';
import { findCondition } from '../../runtime/conditions.js';
import type { EventNote } from '../../runtime/events.js';
import { done } from '../../runtime/outcome.js';
import { contentHash } from '../managed/content-hash.js';
import { deleteUnlessGone, leftInPlace } from '../managed/deletion-policy.js';
import { note, shortList } from '../managed/event-notes.js';
import {
  NotReadyError,
  defaultNotReadyBackoff,
  type Applied,
  type Checkpoint,
  type CleanedUp,
} from '../managed/managed.js';
import type { ManagedKind } from '../managed/managed-kind.js';
import { ownerTags } from '../managed/ownership.js';
import { applyObjectPermissions } from '../managed/permissions.js';
import { freshUntilResync } from '../managed/shared-listing.js';
import { StaggeredCycle } from '../managed/staggered-cycle.js';
import { decideWarehouseSettings, decideWarehouseState } from './warehouse-decision.js';
import { observeWarehouse } from './warehouse-observe.js';
import { locateWarehouse, type CreatableWarehouse } from './warehouse-placement.js';
import { WAREHOUSES, type DatabricksSqlWarehouse, type WarehouseContext } from './warehouse-types.js';
import { warehouseView } from './warehouse-view.js';
import { warehouseStatus, type WarehouseStatusFields as StatusFields } from './warehouse-status.js';

export { WAREHOUSES, type DatabricksSqlWarehouse, type WarehouseContext } from './warehouse-types.js';

/** Tags a warehouse may carry ("fewer than 45"), the two marker tags included. */
const MAX_TAGS = 44;
/** Databricks' default `auto_stop_mins`. */
const DEFAULT_AUTO_STOP_MINS = 120;

async function applyWarehouse(
  object: DatabricksSqlWarehouse,
  client: DatabricksClient,
  context: WarehouseContext,
  checkpoint: Checkpoint<DatabricksSqlWarehouseStatus>,
): Promise<Applied<DatabricksSqlWarehouseStatus>> {
  const settings = desiredWarehouseSettings(object);
  const settingsHash = contentHash(settings);
  const wanted = object.spec.state ?? 'Running';
  const previous = object.status ?? {};
  const record = (event: EventNote) => checkpoint({}, [event]);
  const pollMs = context.transitionPollMs ?? (context.notReadyBackoff ?? defaultNotReadyBackoff).minMs;

  const { warehouseId, observed } = await locateWarehouse(object, settings, client, context, checkpoint);
  const view = warehouseView(client, context.view);
  let state = observed.state ?? 'UNKNOWN';
  let appliedHash = previous.settingsHash;
  let permissionsHash = previous.permissionsHash;
  const statusNow = (): StatusFields => ({
    ...warehouseStatus(observed, state, client.host, appliedHash),
    permissionsHash,
  });

  const decision = decideWarehouseSettings({
    desired: settings,
    desiredHash: settingsHash,
    ...(appliedHash === undefined ? {} : { appliedHash }),
    observed,
  });
  let edited = false;
  if (decision.action === 'edit') {
    try {
      await client.warehouses.edit(warehouseId, settings);
    } finally {
      view.wrote(warehouseId);
    }
    edited = true;
    if (state === 'RUNNING') state = 'STARTING';
    await record(editEvent(warehouseId, decision.cause, decision.diff, observed.state === 'RUNNING'));
  }
  appliedHash = settingsHash;
  // Grants hold in any state; set before waiting on one, so a warehouse that takes long to start has them.
  const events: EventNote[] = [];
  permissionsHash = await applyObjectPermissions(
    object,
    { objectType: 'sql/warehouses', objectId: warehouseId, noun: 'SQL warehouse' },
    client,
    events,
    context.permissionsCycle,
  );
  if (events.length > 0) await checkpoint({ permissionsHash }, events);

  const ready = findCondition(previous.conditions, 'Ready');
  const generation = object.metadata.generation;
  const stateDecision = decideWarehouseState({
    wanted,
    state,
    ...(observed.health?.status ? { health: observed.health.status } : {}),
    autoStopMins: observed.auto_stop_mins ?? DEFAULT_AUTO_STOP_MINS,
    ranForThisSpec:
      !edited &&
      ready?.status === 'True' &&
      (ready.reason === 'Running' || ready.reason === 'Idle') &&
      ready.observedGeneration === generation,
    failureReported: ready?.reason === 'WarehouseError' && previous.state === state,
  });
  const moving = (message: string): NotReadyError =>
    new NotReadyError(
      (WAREHOUSE_MOVING_REASONS as Record<string, string>)[state] ?? 'Waiting',
      `SQL warehouse ${warehouseId} is ${state}: ${message}`,
      { status: statusNow(), warn: false, retryAfterMs: pollMs },
    );
  switch (stateDecision.step) {
    case 'ready':
      return {
        status: statusNow(),
        reason: stateDecision.reason,
        message: readyMessage(stateDecision.reason, warehouseId, observed),
        // At its moment of the slow cycle, its permissions are read again.
        ...(permissionsHash === undefined
          ? {}
          : { requeueAfterMs: context.permissionsCycle.untilNext(object.metadata.uid ?? '') }),
      };
    case 'wait':
      throw moving(
        stateDecision.until === 'RUNNING'
          ? 'waiting for it to be RUNNING'
          : `waiting for it to be STOPPED${wanted === 'Running' ? ', then starting it' : ', as spec.state asks'}`,
      );
    case 'failed':
      throw new NotReadyError(
        'WarehouseError',
        `SQL warehouse ${warehouseId} failed to start${failureCode(observed)}: ${observed.health?.summary ?? 'Databricks gave no message'}`,
        { status: statusNow() },
      );
    case 'start':
      try {
        await client.warehouses.start(warehouseId);
      } finally {
        view.wrote(warehouseId);
      }
      await record(
        note('Started', 'StartWarehouse', `started SQL warehouse ${warehouseId}, as spec.state is Running`),
      );
      state = 'STARTING';
      throw moving('waiting for it to be RUNNING');
    case 'stop':
      try {
        await client.warehouses.stop(warehouseId);
      } finally {
        view.wrote(warehouseId);
      }
      await record(
        note('Stopped', 'StopWarehouse', `stopped SQL warehouse ${warehouseId}, as spec.state is Stopped`),
      );
      state = 'STOPPING';
      throw moving('stopping it, as spec.state is Stopped');
  }
}

function failureCode(observed: Warehouse): string {
  const reason = observed.health?.failure_reason;
  return reason?.code ? ` (${reason.code}${reason.type ? `, ${reason.type}` : ''})` : '';
}

function editEvent(
  warehouseId: string,
  cause: 'SpecChanged' | 'Drifted' | 'Adopted',
  diff: readonly string[],
  wasRunning: boolean,
): EventNote {
  const restarts = wasRunning ? '; Databricks restarts a running warehouse to apply new settings' : '';
  if (cause === 'Drifted') {
    return {
      type: 'Warning',
      reason: 'DriftCorrected',
      action: 'EditWarehouse',
      note: `edited SQL warehouse ${warehouseId} back to spec.settings after it was changed in Databricks (${shortList(diff)})${restarts}`,
    };
  }
  return note(
    'Updated',
    'EditWarehouse',
    `edited SQL warehouse ${warehouseId} to ${cause === 'Adopted' ? "spec.settings and this object's marker" : 'the new spec.settings'} (${shortList(diff)})${restarts}`,
  );
}

/** The `Ready=True` message for each way the warehouse is as `spec.state` asks. */
function readyMessage(
  reason: 'Running' | 'Stopped' | 'Idle',
  warehouseId: string,
  observed: Warehouse,
): string {
  if (reason === 'Running') return `SQL warehouse ${warehouseId} is RUNNING and matches spec.settings`;
  if (reason === 'Stopped') return `SQL warehouse ${warehouseId} is STOPPED, as spec.state asks`;
  return `SQL warehouse ${warehouseId} stopped after ${String(observed.auto_stop_mins ?? DEFAULT_AUTO_STOP_MINS)} idle minutes (auto_stop_mins); a query starts it again`;
}

/**
 * `spec.settings` as Databricks should have them: the name defaulted to the object's, and the ownership
 * marker added to `tags.custom_tags` (replacing user tags of the same keys).
 */
export function desiredWarehouseSettings(object: DatabricksSqlWarehouse): CreatableWarehouse {
  const { settings } = object.spec;
  const marker = ownerTags(object);
  const userTags = (settings.tags?.custom_tags ?? []).filter((tag) => !(tag.key in marker));
  const customTags: EndpointTagPair[] = [
    ...userTags,
    ...Object.entries(marker).map(([key, value]) => ({ key, value })),
  ];
  if (customTags.length > MAX_TAGS) {
    throw new NotReadyError(
      'InvalidSettings',
      `spec.settings.tags.custom_tags: with the 2 ownership tags (k8s-owner, k8s-owner-uid) the warehouse would carry ${customTags.length} tags, over Databricks' limit of ${MAX_TAGS}; remove ${customTags.length - MAX_TAGS}`,
    );
  }
  return {
    ...settings,
    name: settings.name ?? object.metadata.name,
    tags: { ...settings.tags, custom_tags: customTags },
  };
}

/** Honours `deletionPolicy`; the finalizer goes only once Databricks confirmed. */
async function cleanupWarehouse(
  object: DatabricksSqlWarehouse,
  connect: () => Promise<DatabricksClient>,
  context: WarehouseContext,
): Promise<CleanedUp> {
  const recorded = object.status?.warehouseId;
  const leftover = recorded
    ? { what: `SQL warehouse ${recorded}`, where: 'Databricks', noun: 'Warehouse' }
    : undefined;
  context.permissionsCycle.forget(object.metadata.uid ?? '');
  const left = leftInPlace(object, context, leftover);
  if (left) return left;
  const client = await connect();
  const view = warehouseView(client, context.view);
  // A warehouse created just before a crash has no ID in status yet; its marker still finds it.
  const warehouseId =
    recorded ??
    (object.spec.warehouseId === undefined
      ? (await view.findOwned(object.metadata.uid ?? ''))?.id
      : undefined);
  if (!warehouseId) return done;
  await deleteUnlessGone(() => client.warehouses.delete(warehouseId));
  view.wrote(warehouseId);
  return { events: [note('Deleted', 'DeleteWarehouse', `deleted SQL warehouse ${warehouseId}`)] };
}

/** The DatabricksSqlWarehouse kind, for `managedController`: woken by its workspace only. */
export const warehouseKind: ManagedKind<
  DatabricksSqlWarehouse,
  DatabricksSqlWarehouseStatus,
  WarehouseContext
> = {
  kind: 'DatabricksSqlWarehouse',
  informer: ({ DatabricksSqlWarehouse }) => DatabricksSqlWarehouse,
  resource: WAREHOUSES,
  context: ({ informer, config }, base) => ({
    ...base,
    warehouses: informer.store,
    view: freshUntilResync(informer, config.resyncPeriodMs),
    permissionsCycle: new StaggeredCycle(config.slowResyncPeriodMs),
  }),
  apply: applyWarehouse,
  cleanup: cleanupWarehouse,
  observe: observeWarehouse,
};
