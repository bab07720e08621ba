/** What a DatabricksSqlWarehouse's status says of its warehouse, read from Databricks. */
import type { Warehouse } from '../../databricks/index.js';
import { isWarehouseState, type DatabricksSqlWarehouseStatus } from '../../../lib/crds/index.js';

/** Every status field but `conditions` and `observedGeneration`. */
export type WarehouseStatusFields = Omit<DatabricksSqlWarehouseStatus, 'conditions' | 'observedGeneration'>;

/** Every status field, absent ones as undefined so that a stale value is removed. */
export function warehouseStatus(
  observed: Warehouse,
  state: string,
  host: string,
  settingsHash: string | undefined,
): WarehouseStatusFields {
  return {
    warehouseId: observed.id,
    url: `${host}/sql/warehouses/${observed.id}`,
    state: isWarehouseState(state) ? state : 'UNKNOWN',
    health: observed.health?.status,
    healthMessage: observed.health?.summary,
    numClusters: state === observed.state ? observed.num_clusters : undefined,
    jdbcUrl: observed.jdbc_url,
    settingsHash,
  };
}
