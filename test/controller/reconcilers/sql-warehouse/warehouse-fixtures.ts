/**
 * What the DatabricksSqlWarehouse integration tests share: a quick-starting fake, warehouse specs, and the
 * warehouse as Databricks has it.
 */
import type { DatabricksSqlWarehouse } from '../../../../controller/reconcilers/sql-warehouse/warehouse.js';
import type { FakeWorkspace } from '../../../fake-databricks/index.js';
import type { SqlWarehousesService } from '../../../fake-databricks/sql-warehouses.js';
import { RESOURCES, type OperatorTestBed } from '../../operator-test-bed.js';

export const WAREHOUSES = RESOURCES.DatabricksSqlWarehouse;

/** Warehouses start and stop in a fraction of a second. */
export const QUICK_WAREHOUSES = { warehouseStartMs: 150, warehouseStopMs: 100 };

/** Settings of a small warehouse. */
export function warehouseSettings(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { cluster_size: '2X-Small', max_num_clusters: 1, auto_stop_mins: 0, ...extra };
}

/** A DatabricksSqlWarehouse spec in workspace `ws`. */
export function warehouseSpec(settings: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { workspaceRef: { name: 'ws' }, settings, ...extra };
}

/** Creates a DatabricksSqlWarehouse and waits until it is Ready. */
export async function createReadyWarehouse(
  bed: OperatorTestBed,
  name: string,
  extra: Record<string, unknown> = {},
  settings: Record<string, unknown> = warehouseSettings(),
): Promise<DatabricksSqlWarehouse> {
  await bed.create(WAREHOUSES, 'DatabricksSqlWarehouse', name, warehouseSpec(settings, extra));
  return bed.waitForCondition<DatabricksSqlWarehouse>(WAREHOUSES, name);
}

/** `sql/warehouses/get` as Databricks answers it. */
export interface RemoteWarehouse extends Record<string, unknown> {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly cluster_size: string;
  readonly auto_stop_mins?: number;
  readonly tags?: { custom_tags?: { key: string; value?: string }[] };
}

/** The warehouse as Databricks has it, or undefined when it does not exist. */
export async function remoteWarehouse(fake: FakeWorkspace, warehouseId: string | undefined) {
  if (warehouseId === undefined) return undefined;
  if (!warehouseService(fake).exists(warehouseId)) return undefined;
  return (await fake.ui.call('sql/warehouses/get', { id: warehouseId })) as unknown as RemoteWarehouse;
}

/** The SQL warehouses service of the fake, for acting on warehouses directly. */
export function warehouseService(fake: FakeWorkspace): SqlWarehousesService {
  return fake.service<SqlWarehousesService>('sql-warehouses');
}
