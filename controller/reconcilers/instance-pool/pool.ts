/**
 * The DatabricksInstancePool reconciler: one instance pool per object, equal to `spec.settings` (the
 * ownership marker added to `custom_tags`).
 *
 * - Finding the pool: see `pool-placement.ts` (status, marker, a name left behind, `spec.adopt`, create).
 * - Settings: edited in place (`instance-pools/edit`: name, sizing, autotermination, tags, remote disks)
 *   when the spec changed (settings hash) or the pool drifted. A difference in a setting Databricks fixes
 *   at creation (node type, disks, preloaded versions and images, cloud attributes) is refused with
 *   `Ready=False` `ImmutableField` naming it, never "fixed" by recreating the pool (`pool-decision.ts`).
 * - Reads: every pool is answered from the workspace's shared `instance-pools/list`, read once per resync
 *   ({@link PoolView}); a pool this process just changed is read with `instance-pools/get`.
 * - Deleted: `deletionPolicy` Delete (default) deletes the pool, Retain leaves it.
 *
 * Clusters reach it through `instance_pool_ref` / `driver_instance_pool_ref`, which resolve to
 * `status.instancePoolId` once the object is Ready.
 */
import type {
  DatabricksClient,
  InstancePoolAndStats,
  InstancePoolEdit,
  InstancePoolSettings,
} from '../../databricks/index.js';
import type { DatabricksInstancePoolStatus } from '../../../lib/crds/index.js';
import type { EventNote } from '../../runtime/events.js';
import { done } from '../../runtime/outcome.js';
import { contentHash } from '../managed/content-hash.js';
import { deleteUnlessGone, leftInPlace } from '../managed/deletion-policy.js';
import { note, shortList } from '../managed/event-notes.js';
import { NotReadyError, type Applied, type Checkpoint, type CleanedUp } from '../managed/managed.js';
import type { ManagedKind } from '../managed/managed-kind.js';
import { OBSERVED_REASON, inSyncCondition, observedMessage } from '../managed/observation.js';
import { withOwnerTags, withoutOwnerTags } from '../managed/ownership.js';
import { applyObjectPermissions } from '../managed/permissions.js';
import { freshUntilResync } from '../managed/shared-listing.js';
import { StaggeredCycle } from '../managed/staggered-cycle.js';
import { decidePoolSettings, poolSettingsDifferences } from './pool-decision.js';
import { locatePool, refuseIfTaken } from './pool-placement.js';
import { POOLS, type DatabricksInstancePool, type PoolContext } from './pool-types.js';
import { poolView } from './pool-view.js';

export { POOLS, type DatabricksInstancePool, type PoolContext } from './pool-types.js';

/** Custom tags a pool may carry, the two marker tags included. */
const MAX_CUSTOM_TAGS = 45;

/** What `instance-pools/edit` sets; what it leaves out goes back to its default. */
const EDITABLE_FIELDS = [
  'instance_pool_name',
  'node_type_id',
  'min_idle_instances',
  'max_capacity',
  'idle_instance_autotermination_minutes',
  'custom_tags',
  'remote_disk_throughput',
  'total_initial_remote_disk_size',
] as const satisfies readonly (keyof InstancePoolEdit)[];

type StatusFields = Omit<DatabricksInstancePoolStatus, 'conditions' | 'observedGeneration'>;

async function applyPool(
  object: DatabricksInstancePool,
  client: DatabricksClient,
  context: PoolContext,
  checkpoint: Checkpoint<DatabricksInstancePoolStatus>,
): Promise<Applied<DatabricksInstancePoolStatus>> {
  const settings = desiredPoolSettings(object);
  const settingsHash = contentHash(settings);
  const { poolId, observed } = await locatePool(object, settings, client, context, checkpoint);
  const view = poolView(client, context.view);
  const appliedHash = object.status?.settingsHash;
  const decision = decidePoolSettings({
    desired: settings,
    desiredHash: settingsHash,
    ...(appliedHash === undefined ? {} : { appliedHash }),
    observed,
  });
  const events: EventNote[] = [];
  if (decision.action === 'refuse') {
    throw new NotReadyError(
      'ImmutableField',
      `spec.settings.${decision.fields.join(', spec.settings.')}: instance pool ${poolId} has other values, and Databricks fixes ${decision.fields.length > 1 ? 'these settings' : 'this setting'} when a pool is created (instance-pools/edit cannot change ${decision.fields.length > 1 ? 'them' : 'it'}); set spec.settings to the pool's values, or create a new DatabricksInstancePool for a pool with these`,
      { status: poolStatus(observed, undefined) },
    );
  }
  if (decision.action === 'edit') {
    try {
      await client.instancePools.edit(poolId, editOf(settings));
    } finally {
      view.wrote(poolId);
    }
    events.push(editEvent(poolId, decision.cause, decision.diff));
  }
  const permissionsHash = await applyObjectPermissions(
    object,
    { objectType: 'instance-pools', objectId: poolId, noun: 'instance pool' },
    client,
    events,
    context.permissionsCycle,
  );
  const status = { ...poolStatus(observed, settingsHash), permissionsHash };
  if (observed.state === 'STOPPED') {
    throw new NotReadyError(
      'PoolStopped',
      `instance pool ${poolId} is STOPPED in Databricks: it keeps no instances, and clusters cannot draw on it until Databricks starts it again`,
      { status, events },
    );
  }
  return {
    status,
    reason: 'Synced',
    message: `instance pool ${poolId} matches spec.settings`,
    events,
    // At its moment of the slow cycle, its permissions are read again.
    ...(permissionsHash === undefined
      ? {}
      : { requeueAfterMs: context.permissionsCycle.untilNext(object.metadata.uid ?? '') }),
  };
}

/** What status says of the pool. */
function poolStatus(observed: InstancePoolAndStats, settingsHash: string | undefined): StatusFields {
  return {
    instancePoolId: observed.instance_pool_id,
    state: observed.state,
    idleCount: observed.stats?.idle_count,
    usedCount: observed.stats?.used_count,
    settingsHash,
  };
}

function editEvent(
  poolId: string,
  cause: 'SpecChanged' | 'Drifted' | 'Adopted',
  diff: readonly string[],
): EventNote {
  if (cause === 'Drifted') {
    return {
      type: 'Warning',
      reason: 'DriftCorrected',
      action: 'EditPool',
      note: `edited instance pool ${poolId} back to spec.settings after it was changed in Databricks (${shortList(diff)})`,
    };
  }
  const to = cause === 'Adopted' ? "spec.settings and this object's marker" : 'the new spec.settings';
  return note('Updated', 'EditPool', `edited instance pool ${poolId} to ${to} (${shortList(diff)})`);
}

/** The body of `instance-pools/edit`: the editable settings (the name and node type always). */
function editOf(settings: InstancePoolSettings): InstancePoolEdit {
  const edit: Partial<InstancePoolEdit> = {};
  for (const field of EDITABLE_FIELDS) copyField(settings, edit, field);
  // Every field the edit requires is one of EDITABLE_FIELDS, which the settings always carry.
  return edit as InstancePoolEdit;
}

function copyField<K extends keyof InstancePoolEdit>(
  from: InstancePoolSettings,
  to: Partial<InstancePoolEdit>,
  field: K,
): void {
  if (from[field] !== undefined) to[field] = from[field];
}

/**
 * `spec.settings` as Databricks should have them: the name defaulted to the object's, the ownership marker
 * added to `custom_tags`.
 */
export function desiredPoolSettings(object: DatabricksInstancePool): InstancePoolSettings {
  const { settings } = object.spec;
  const customTags = withOwnerTags(settings.custom_tags, object);
  const count = Object.keys(customTags).length;
  if (count > MAX_CUSTOM_TAGS) {
    throw new NotReadyError(
      'InvalidSettings',
      `spec.settings.custom_tags: with the 2 ownership tags (k8s-owner, k8s-owner-uid) the pool would carry ${count} custom tags, over Databricks' limit of ${MAX_CUSTOM_TAGS}; remove ${count - MAX_CUSTOM_TAGS}`,
    );
  }
  return {
    ...settings,
    instance_pool_name: settings.instance_pool_name ?? object.metadata.name,
    custom_tags: customTags,
  } as InstancePoolSettings;
}

/** Honours `deletionPolicy`; the finalizer goes only once Databricks confirmed. */
async function cleanupPool(
  object: DatabricksInstancePool,
  connect: () => Promise<DatabricksClient>,
  context: PoolContext,
): Promise<CleanedUp> {
  const recorded = object.status?.instancePoolId;
  context.permissionsCycle.forget(object.metadata.uid ?? '');
  const leftover = recorded
    ? { what: `instance pool ${recorded}`, where: 'Databricks', noun: 'Pool' }
    : undefined;
  const left = leftInPlace(object, context, leftover);
  if (left) return left;
  const client = await connect();
  const view = poolView(client, context.view);
  // A pool created just before a crash has no ID in status yet; its marker still finds it.
  const poolId = recorded ?? (await view.findOwned(object.metadata.uid ?? ''))?.instance_pool_id;
  if (!poolId) return done;
  await deleteUnlessGone(() => client.instancePools.delete(poolId));
  view.wrote(poolId);
  return { events: [note('Deleted', 'DeletePool', `deleted instance pool ${poolId}`)] };
}

/**
 * Under `managementPolicy: Observe`: the pool status recorded, else the one carrying this object's marker,
 * else the one of the wanted name, is read and never written; status says its ID, and `InSync` and
 * `driftedFields` where it differs from spec.settings (the marker aside).
 */
async function observePool(
  object: DatabricksInstancePool,
  client: DatabricksClient,
  context: PoolContext,
): Promise<Applied<DatabricksInstancePoolStatus>> {
  const view = poolView(client, context.view);
  const recorded = object.status?.instancePoolId;
  const name = object.spec.settings.instance_pool_name ?? object.metadata.name;
  const observed =
    recorded !== undefined
      ? await view.byId(recorded)
      : ((await view.findOwned(object.metadata.uid ?? '')) ?? (await view.findNamed(name)));
  if (!observed) {
    throw new NotReadyError(
      'PoolNotFound',
      recorded !== undefined
        ? `status.instancePoolId: instance pool ${recorded} does not exist in ${client.host}; managementPolicy Observe never creates one`
        : `no instance pool in ${client.host} is named '${name}' or carries this object's marker; managementPolicy Observe never creates one: set spec.settings.instance_pool_name to the pool to observe`,
    );
  }
  refuseIfTaken(
    observed,
    object,
    context,
    recorded !== undefined ? 'status.instancePoolId' : 'spec.settings',
  );
  const desired = desiredPoolSettings(object);
  const drifted = poolSettingsDifferences(
    { ...desired, custom_tags: withoutOwnerTags(desired.custom_tags) ?? {} },
    { ...observed, custom_tags: withoutOwnerTags(observed.custom_tags) ?? {} },
  );
  const poolId = observed.instance_pool_id;
  const { settingsHash: _unused, ...status } = poolStatus(observed, undefined);
  return {
    status: { ...status, driftedFields: drifted },
    reason: OBSERVED_REASON,
    message: observedMessage(`instance pool ${poolId}`),
    conditions: [
      inSyncCondition(`instance pool ${poolId}`, 'spec.settings', drifted, object.metadata.generation),
    ],
  };
}

/** The DatabricksInstancePool kind, for `managedController`: woken by its workspace only. */
export const poolKind: ManagedKind<DatabricksInstancePool, DatabricksInstancePoolStatus, PoolContext> = {
  kind: 'DatabricksInstancePool',
  informer: ({ DatabricksInstancePool }) => DatabricksInstancePool,
  resource: POOLS,
  context: ({ informer, config }, base) => ({
    ...base,
    pools: informer.store,
    view: freshUntilResync(informer, config.resyncPeriodMs),
    permissionsCycle: new StaggeredCycle(config.slowResyncPeriodMs),
  }),
  apply: applyPool,
  cleanup: cleanupPool,
  observe: observePool,
};
