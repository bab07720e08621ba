import type { DatabricksPipeline } from '../../../../controller/reconcilers/pipeline/pipeline.js';
import type { DatabricksSqlWarehouse } from '../../../../controller/reconcilers/sql-warehouse/warehouse.js';
import type { DatabricksKind } from '../../../../lib/crds/index.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import { eventsAbout } from '../cluster/cluster-fixtures.js';
import {
  QUICK_WAREHOUSES,
  WAREHOUSES,
  warehouseSettings,
  warehouseSpec,
} from '../sql-warehouse/warehouse-fixtures.js';
import { PIPELINES, QUICK_PIPELINES, pipelineSettings, pipelineSpec } from './pipeline-fixtures.js';

const KINDS: readonly DatabricksKind[] = [
  'DatabricksWorkspace',
  'DatabricksPipeline',
  'DatabricksSqlWarehouse',
];

// As after a crash between the create Databricks carried out and the status write recording it: the
// object has no ID in status, and a pipeline or warehouse of its name carries its marker. That one is taken,
// not created again.
describe('pipelines and SQL warehouses: a create interrupted by a crash', () => {
  const bed = useOperatorTestBed('data-crash', {
    fake: { timing: { ...QUICK_PIPELINES, ...QUICK_WAREHOUSES } },
    operator: { kinds: KINDS },
  });
  const marker = (uid: string | undefined) => ({
    'k8s-owner': `${bed.namespace}/etl`,
    'k8s-owner-uid': uid ?? '',
  });

  it('finds the pipeline the interrupted attempt created, by name and marker, without a second create', async () => {
    await bed.stopOperator();
    const object = await bed.create<DatabricksPipeline>(
      PIPELINES,
      'DatabricksPipeline',
      'etl',
      pipelineSpec(pipelineSettings()),
    );
    const { pipeline_id: pipelineId } = (await bed.fake.ui.call('pipelines/create', {
      ...pipelineSettings(),
      name: 'etl',
      tags: marker(object.metadata.uid),
    })) as { pipeline_id: string };
    await bed.startOperator({ kinds: KINDS });
    const ready = await bed.waitForCondition<DatabricksPipeline>(PIPELINES, 'etl');
    expect(ready.status?.pipelineId).toBe(pipelineId);
    expect(bed.fake.requestCount('pipelines/create')).toBe(0);
    expect(bed.fake.requestCount('pipelines/edit')).toBe(0);
    expect((await eventsAbout(bed, 'etl')).map((event) => event.reason)).toContain('Found');
  });

  it('finds the warehouse the interrupted attempt created, by its marker, without a second create', async () => {
    await bed.stopOperator();
    const object = await bed.create<DatabricksSqlWarehouse>(
      WAREHOUSES,
      'DatabricksSqlWarehouse',
      'etl',
      warehouseSpec(warehouseSettings()),
    );
    const { id } = (await bed.fake.ui.call('sql/warehouses/create', {
      ...warehouseSettings(),
      name: 'etl',
      tags: {
        custom_tags: Object.entries(marker(object.metadata.uid)).map(([key, value]) => ({ key, value })),
      },
    })) as { id: string };
    await bed.startOperator({ kinds: KINDS });
    const ready = await bed.waitForCondition<DatabricksSqlWarehouse>(WAREHOUSES, 'etl');
    expect(ready.status?.warehouseId).toBe(id);
    expect(bed.fake.requestCount('sql/warehouses/create')).toBe(0);
    expect(bed.fake.requestCount('sql/warehouses/edit')).toBe(0);
    expect((await eventsAbout(bed, 'etl')).map((event) => event.reason)).toContain('Found');
  });
});
