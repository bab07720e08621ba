import type { DatabricksPipeline } from '../../../../controller/reconcilers/pipeline/pipeline.js';
import type { DatabricksSqlWarehouse } from '../../../../controller/reconcilers/sql-warehouse/warehouse.js';
import type { PermissionsService } from '../../../fake-databricks/permissions.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import { QUICK_WAREHOUSES, createReadyWarehouse } from '../sql-warehouse/warehouse-fixtures.js';
import { QUICK_PIPELINES, createReadyPipeline } from './pipeline-fixtures.js';

describe('permissions of pipelines and SQL warehouses', () => {
  const bed = useOperatorTestBed('data-perms', {
    fake: { timing: { ...QUICK_PIPELINES, ...QUICK_WAREHOUSES } },
  });

  function directGrants(objectType: string, objectId: string | undefined): Record<string, string> {
    const acl = bed.fake.service<PermissionsService>('permissions').directAcl(objectType, objectId ?? '');
    return Object.fromEntries(acl.map((entry) => [entry.principal, entry.level]));
  }

  it("applies a pipeline's permissions, keeping its one owner", async () => {
    const pipeline: DatabricksPipeline = await createReadyPipeline(bed, 'etl', {
      permissions: {
        access_control_list: [
          { group_name: 'analysts', permission_level: 'CAN_VIEW' },
          { group_name: 'ops', permission_level: 'CAN_RUN' },
        ],
      },
    });
    const grants = directGrants('pipelines', pipeline.status?.pipelineId);
    expect(grants).toMatchObject({ analysts: 'CAN_VIEW', ops: 'CAN_RUN' });
    expect(Object.values(grants).filter((level) => level === 'IS_OWNER')).toHaveLength(1);
    expect(pipeline.status?.permissionsHash).toEqual(expect.any(String));
  });

  it("applies a warehouse's permissions Authoritatively, keeping its owner", async () => {
    const warehouse: DatabricksSqlWarehouse = await createReadyWarehouse(bed, 'bi', {
      permissions: {
        mode: 'Authoritative',
        access_control_list: [{ group_name: 'analysts', permission_level: 'CAN_USE' }],
      },
    });
    const grants = directGrants('sql/warehouses', warehouse.status?.warehouseId);
    expect(grants['analysts']).toBe('CAN_USE');
    expect(Object.values(grants).filter((level) => level === 'IS_OWNER').length).toBeLessThanOrEqual(1);
    expect(warehouse.status?.permissionsHash).toEqual(expect.any(String));
  });
});
