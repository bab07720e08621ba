/**
 * Finding (or creating) the instance pool a DatabricksInstancePool manages. Pool names are unique, and a
 * pool carries the ownership marker in its `custom_tags`, so:
 * - the pool in `status.instancePoolId` is the one (a pool deleted in Databricks is created again);
 * - else the pool carrying this object's UID, created by an attempt that died before writing status;
 * - else a pool of the wanted name: taken back when an earlier object of this namespace and name left it
 *   (deletionPolicy Retain), taken over with `spec.adopt` when nobody here owns it, refused otherwise
 *   (`OwnedElsewhere` when another live object owns it, `PoolExists` when someone else made it);
 * - else `instance-pools/create`.
 */
import type { DatabricksClient, InstancePoolAndStats, InstancePoolSettings } from '../../databricks/index.js';
import type { DatabricksInstancePoolStatus } from '../../../lib/crds/index.js';
import type { EventNote } from '../../runtime/events.js';
import { note, warning } from '../managed/event-notes.js';
import { NotReadyError, type Checkpoint } from '../managed/managed.js';
import {
  OWNER_UID_TAG,
  describeMarker,
  isLeftBehindFor,
  refuseIfOwnedElsewhere,
} from '../managed/ownership.js';
import type { DatabricksInstancePool, PoolContext } from './pool-types.js';
import { poolView, type PoolView } from './pool-view.js';

/** How the pool was found: what the first apply of its settings is about. */
export type PoolPlacement = 'recorded' | 'created' | 'found' | 'adopted' | 'reclaimed';

/** The pool this object manages, read from Databricks, and how it was found. */
export async function locatePool(
  object: DatabricksInstancePool,
  settings: InstancePoolSettings,
  client: DatabricksClient,
  context: PoolContext,
  checkpoint: Checkpoint<DatabricksInstancePoolStatus>,
): Promise<{ poolId: string; observed: InstancePoolAndStats; placement: PoolPlacement }> {
  // The pool found or made is in status before the reconcile goes on: a retry starts from it.
  const record = (poolId: string, event: EventNote) => checkpoint({ instancePoolId: poolId }, [event]);
  const uid = object.metadata.uid ?? '';
  const view = poolView(client, context.view);
  const name = settings.instance_pool_name;
  const create = async () => {
    const { instance_pool_id } = await client.instancePools.create(settings);
    view.created(uid, instance_pool_id);
    return { poolId: instance_pool_id, observed: await client.instancePools.get(instance_pool_id) };
  };

  const recorded = object.status?.instancePoolId;
  if (recorded !== undefined) {
    const observed = await view.byId(recorded);
    if (observed) {
      refuseIfTaken(observed, object, context, 'status.instancePoolId');
      return { poolId: recorded, observed, placement: 'recorded' };
    }
    // The replacement may exist already: made by a pass whose status write this cached copy predates.
    const replacement = await view.findOwned(uid);
    if (replacement) {
      return { poolId: replacement.instance_pool_id, observed: replacement, placement: 'recorded' };
    }
    await refuseNameInUse(view, name, object, context);
    const created = await create();
    await record(
      created.poolId,
      warning(
        'Recreated',
        'CreatePool',
        `instance pool ${recorded} was deleted in Databricks; created instance pool ${created.poolId}`,
      ),
    );
    return { ...created, placement: 'created' };
  }

  const found = await view.findOwned(uid);
  if (found) {
    await record(
      found.instance_pool_id,
      note('Found', 'FindPool', `found instance pool ${found.instance_pool_id} this object created earlier`),
    );
    return { poolId: found.instance_pool_id, observed: found, placement: 'found' };
  }
  const named = await view.findNamed(name);
  if (named) {
    const poolId = named.instance_pool_id;
    if (isLeftBehindFor(named.custom_tags, object)) {
      await record(
        poolId,
        note(
          'Reclaimed',
          'ReclaimPool',
          `took back instance pool ${poolId}, left in Databricks by an earlier DatabricksInstancePool ${describeMarker(named.custom_tags)}, instead of creating a copy`,
        ),
      );
      return { poolId, observed: named, placement: 'reclaimed' };
    }
    refuseIfTaken(named, object, context, 'spec.settings.instance_pool_name');
    if (!object.spec.adopt) refuseExisting(named, client.host);
    await record(
      poolId,
      note(
        'Adopted',
        'AdoptPool',
        `adopted instance pool ${poolId} named '${name}' (spec.adopt); spec.settings and this object's marker replace its editable settings`,
      ),
    );
    return { poolId, observed: named, placement: 'adopted' };
  }
  const created = await create();
  await record(created.poolId, note('Created', 'CreatePool', `created instance pool ${created.poolId}`));
  return { ...created, placement: 'created' };
}

/** Throws `OwnedElsewhere` when the pool's marker names another DatabricksInstancePool that still exists. */
export function refuseIfTaken(
  observed: InstancePoolAndStats,
  object: DatabricksInstancePool,
  context: Pick<PoolContext, 'pools'>,
  field: string,
): void {
  refuseIfOwnedElsewhere(
    { tags: observed.custom_tags, noun: 'instance pool', id: observed.instance_pool_id, field },
    object,
    { kind: 'DatabricksInstancePool', store: context.pools },
  );
}

/** A pool of the wanted name that this object may not take. */
function refuseExisting(named: InstancePoolAndStats, host: string): never {
  const whose = named.custom_tags?.[OWNER_UID_TAG]
    ? `, made by ${describeMarker(named.custom_tags)}`
    : ', and this object did not create it';
  throw new NotReadyError(
    'PoolExists',
    `spec.settings.instance_pool_name: instance pool ${named.instance_pool_id} in ${host} is already named '${String(named.instance_pool_name)}'${whose}; pool names are unique: set spec.adopt to take it over, or choose another instance_pool_name`,
  );
}

/** Before recreating a deleted pool: its name must not have been taken since. */
async function refuseNameInUse(
  view: PoolView,
  name: string,
  object: DatabricksInstancePool,
  context: Pick<PoolContext, 'pools'>,
): Promise<void> {
  const named = await view.findNamed(name);
  if (!named) return;
  refuseIfTaken(named, object, context, 'spec.settings.instance_pool_name');
  refuseExisting(named, 'the workspace');
}
