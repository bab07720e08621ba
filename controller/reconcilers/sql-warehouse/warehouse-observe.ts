/**
 * A DatabricksSqlWarehouse under `managementPolicy: Observe`: the warehouse is read, never written,
 * started or stopped. It is the one `spec.warehouseId` names, else the one status recorded, else the one
 * carrying this object's marker. Status says its ID and state, and `InSync` and `driftedFields` say where
 * the fields `spec.settings` sets differ (the marker aside) and whether its state is the one asked for.
 */
import type { DatabricksClient, Warehouse } from '../../databricks/index.js';
import type { DatabricksSqlWarehouseStatus } from '../../../lib/crds/index.js';
import { NotReadyError, type Applied } from '../managed/managed.js';
import { OBSERVED_REASON, inSyncCondition, observedMessage } from '../managed/observation.js';
import { OWNER_TAG, OWNER_UID_TAG } from '../managed/ownership.js';
import { warehouseSettingsDifferences } from './warehouse-decision.js';
import { refuseIfTaken } from './warehouse-placement.js';
import type { DatabricksSqlWarehouse, WarehouseContext } from './warehouse-types.js';
import { warehouseView } from './warehouse-view.js';
import { warehouseStatus } from './warehouse-status.js';

const MARKER: ReadonlySet<string> = new Set([OWNER_TAG, OWNER_UID_TAG]);

/** Reads the warehouse `object` observes and reports how it differs from its spec. */
export async function observeWarehouse(
  object: DatabricksSqlWarehouse,
  client: DatabricksClient,
  context: WarehouseContext,
): Promise<Applied<DatabricksSqlWarehouseStatus>> {
  const view = warehouseView(client, context.view);
  const named = object.spec.warehouseId ?? object.status?.warehouseId;
  const field = object.spec.warehouseId !== undefined ? 'spec.warehouseId' : 'status.warehouseId';
  const observed =
    named !== undefined ? await view.byId(named) : await view.findOwned(object.metadata.uid ?? '');
  if (!observed) {
    throw new NotReadyError(
      'WarehouseNotFound',
      named !== undefined
        ? `${field}: SQL warehouse ${named} does not exist in ${client.host}; managementPolicy Observe never creates one: point spec.warehouseId at the warehouse to observe`
        : `no SQL warehouse in ${client.host} carries this object's marker, and spec.warehouseId is not set; managementPolicy Observe never creates one: set spec.warehouseId to the warehouse to observe`,
    );
  }
  refuseIfTaken(observed, object, context, field);
  const withoutMarker = (tags: Warehouse['tags']) => ({
    custom_tags: (tags?.custom_tags ?? []).filter((tag) => !MARKER.has(tag.key)),
  });
  const { settings } = object.spec;
  const drifted = warehouseSettingsDifferences(
    { ...settings, name: settings.name ?? object.metadata.name, tags: withoutMarker(settings.tags) },
    { ...observed, tags: withoutMarker(observed.tags) },
  );
  const state = observed.state ?? 'UNKNOWN';
  const wanted = object.spec.state ?? 'Running';
  const stateDiffers =
    wanted === 'Running'
      ? state === 'STOPPED' && observed.auto_stop_mins === 0
      : state === 'RUNNING' || state === 'STARTING';
  const fields = stateDiffers ? [...drifted, 'state'] : drifted;
  const { settingsHash: _unused, ...status } = warehouseStatus(observed, state, client.host, undefined);
  return {
    status: { ...status, driftedFields: fields },
    reason: OBSERVED_REASON,
    message: observedMessage(`SQL warehouse ${observed.id} (${state})`),
    conditions: [
      inSyncCondition(
        `SQL warehouse ${observed.id}`,
        'spec.settings and spec.state',
        fields,
        object.metadata.generation,
      ),
    ],
  };
}
