/**
 * Finding (or creating) the SQL warehouse a DatabricksSqlWarehouse manages, and refusing one that another
 * live DatabricksSqlWarehouse owns, or one of the same name that nobody here made.
 */
import type { ClusterSize, DatabricksClient, Warehouse, WarehouseSettings } from '../../databricks/index.js';
import type { DatabricksSqlWarehouseStatus } from '../../../lib/crds/index.js';
import type { EventNote } from '../../runtime/events.js';
import { note, warning } from '../managed/event-notes.js';
import { NotReadyError, type Checkpoint } from '../managed/managed.js';
import {
  describeMarker,
  isLeftBehindFor,
  ownershipOf,
  refuseIfOwnedElsewhere,
} from '../managed/ownership.js';
import type { DatabricksSqlWarehouse, WarehouseContext } from './warehouse-types.js';
import { warehouseTags, warehouseView } from './warehouse-view.js';

/** The settings create takes: a name and a size, always present in the desired settings. */
export type CreatableWarehouse = WarehouseSettings & {
  readonly name: string;
  readonly cluster_size: ClusterSize;
};

/**
 * The warehouse this object manages, read from Databricks: the one in status, the adopted one, the one an
 * earlier attempt created (found by the marker), one an earlier object of this name left behind, or a new
 * one. A recorded warehouse deleted in Databricks is created again.
 */
export async function locateWarehouse(
  object: DatabricksSqlWarehouse,
  settings: CreatableWarehouse,
  client: DatabricksClient,
  context: WarehouseContext,
  checkpoint: Checkpoint<DatabricksSqlWarehouseStatus>,
): Promise<{ warehouseId: string; observed: Warehouse }> {
  const record = (warehouseId: string, event: EventNote) => checkpoint({ warehouseId }, [event]);
  const uid = object.metadata.uid ?? '';
  const view = warehouseView(client, context.view);
  const create = async (): Promise<{ warehouseId: string; observed: Warehouse }> => {
    const taken = await view.findNamed(settings.name);
    if (taken) refuseNameInUse(taken, object, context);
    const { id } = await client.warehouses.create(settings);
    view.created(uid, id);
    return { warehouseId: id, observed: await client.warehouses.get(id) };
  };
  const recorded = object.status?.warehouseId;
  if (recorded !== undefined) {
    const observed = await view.byId(recorded);
    if (observed) {
      refuseIfTaken(observed, object, context, 'status.warehouseId');
      return { warehouseId: recorded, observed };
    }
    const replacement = await view.findOwned(uid);
    if (replacement) return { warehouseId: replacement.id, observed: replacement };
    const created = await create();
    await record(
      created.warehouseId,
      warning(
        'Recreated',
        'CreateWarehouse',
        `SQL warehouse ${recorded} was deleted in Databricks; created SQL warehouse ${created.warehouseId}`,
      ),
    );
    return created;
  }
  const adopted = object.spec.warehouseId;
  if (adopted !== undefined) {
    const observed = await view.byId(adopted);
    if (!observed) {
      throw new NotReadyError(
        'WarehouseNotFound',
        `spec.warehouseId: SQL warehouse ${adopted} does not exist in ${client.host}; point spec.warehouseId at an existing warehouse, or remove it to create a new one`,
      );
    }
    refuseIfTaken(observed, object, context, 'spec.warehouseId');
    await record(
      adopted,
      note(
        'Adopted',
        'AdoptWarehouse',
        `adopted SQL warehouse ${adopted}; spec.settings replace the fields it sets`,
      ),
    );
    return { warehouseId: adopted, observed };
  }
  const found = await view.findOwned(uid);
  if (found) {
    await record(
      found.id,
      note('Found', 'FindWarehouse', `found SQL warehouse ${found.id} this object created earlier`),
    );
    return { warehouseId: found.id, observed: found };
  }
  const named = await view.findNamed(settings.name);
  if (named && isLeftBehindFor(warehouseTags(named), object)) {
    await record(
      named.id,
      note(
        'Reclaimed',
        'ReclaimWarehouse',
        `took back SQL warehouse ${named.id}, left in Databricks by an earlier DatabricksSqlWarehouse ${describeMarker(warehouseTags(named))}, instead of creating a copy`,
      ),
    );
    return { warehouseId: named.id, observed: named };
  }
  const created = await create();
  await record(
    created.warehouseId,
    note('Created', 'CreateWarehouse', `created SQL warehouse ${created.warehouseId}`),
  );
  return created;
}

/** Throws `OwnedElsewhere` when the warehouse's marker names another DatabricksSqlWarehouse that still exists. */
export function refuseIfTaken(
  observed: Warehouse,
  object: DatabricksSqlWarehouse,
  context: Pick<WarehouseContext, 'warehouses'>,
  field: string,
): void {
  refuseIfOwnedElsewhere(
    { tags: warehouseTags(observed), noun: 'SQL warehouse', id: observed.id, field },
    object,
    { kind: 'DatabricksSqlWarehouse', store: context.warehouses },
  );
}

/** A warehouse of the wanted name exists and is not this object's to take: say how to proceed. */
function refuseNameInUse(
  taken: Warehouse,
  object: DatabricksSqlWarehouse,
  context: Pick<WarehouseContext, 'warehouses'>,
): never {
  refuseIfTaken(taken, object, context, 'spec.settings.name');
  const ownership = ownershipOf(warehouseTags(taken), object);
  const whose = ownership.kind === 'other' ? `, made by ${describeMarker(warehouseTags(taken))}` : '';
  throw new NotReadyError(
    'NameInUse',
    `spec.settings.name: SQL warehouse ${taken.id} is already named '${String(taken.name)}'${whose}, and names are unique; choose another name, or set spec.warehouseId: ${taken.id} to adopt it`,
  );
}
