import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import type { DatabricksPipeline } from '../../../../controller/reconcilers/pipeline/pipeline.js';
import type { DatabricksSqlWarehouse } from '../../../../controller/reconcilers/sql-warehouse/warehouse.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import { JOBS, jobSpec, remoteJob } from '../job/job-fixtures.js';
import {
  QUICK_WAREHOUSES,
  WAREHOUSES,
  warehouseSettings,
  warehouseSpec,
} from '../sql-warehouse/warehouse-fixtures.js';
import { PIPELINES, QUICK_PIPELINES, pipelineSettings, pipelineSpec } from './pipeline-fixtures.js';

describe('A job whose tasks name a DatabricksPipeline and a DatabricksSqlWarehouse', () => {
  const bed = useOperatorTestBed('data-refs', {
    fake: { timing: { ...QUICK_PIPELINES, ...QUICK_WAREHOUSES } },
  });

  it('waits for pipeline_ref and warehouse_ref targets created later, then runs on their IDs', async () => {
    await bed.create(
      JOBS,
      'DatabricksJob',
      'refresh',
      jobSpec({
        tasks: [
          { task_key: 'load', pipeline_task: { pipeline_ref: { name: 'sales' } } },
          {
            task_key: 'report',
            depends_on: [{ task_key: 'load' }],
            sql_task: { warehouse_ref: { name: 'bi' }, query: { query_id: 'q-1' } },
          },
        ],
      }),
    );
    const waiting = await bed.waitForCondition<DatabricksJob>(JOBS, 'refresh', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    const ready = waiting.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.message).toBe(
      'spec.settings.tasks[load].pipeline_task.pipeline_ref: DatabricksPipeline sales does not exist yet',
    );
    expect(bed.fake.requestCount('jobs/create')).toBe(0);

    await bed.create(PIPELINES, 'DatabricksPipeline', 'sales', pipelineSpec(pipelineSettings()));
    const pipeline = await bed.waitForCondition<DatabricksPipeline>(PIPELINES, 'sales');
    const stillWaiting = await bed.waitForCondition<DatabricksJob>(JOBS, 'refresh', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(stillWaiting.status?.conditions?.find((condition) => condition.type === 'Ready')?.message).toBe(
      'spec.settings.tasks[report].sql_task.warehouse_ref: DatabricksSqlWarehouse bi does not exist yet',
    );

    await bed.create(WAREHOUSES, 'DatabricksSqlWarehouse', 'bi', warehouseSpec(warehouseSettings()));
    const warehouse = await bed.waitForCondition<DatabricksSqlWarehouse>(WAREHOUSES, 'bi');
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'refresh');
    const tasks = (await remoteJob(bed.fake, job.status?.jobId))?.settings.tasks ?? [];
    expect(tasks.find((task) => task['task_key'] === 'load')?.['pipeline_task']).toEqual({
      pipeline_id: pipeline.status?.pipelineId,
    });
    expect(tasks.find((task) => task['task_key'] === 'report')?.['sql_task']).toEqual({
      warehouse_id: warehouse.status?.warehouseId,
      query: { query_id: 'q-1' },
    });
  });

  it('gives a SQL notebook task and a dbt task the warehouse ID of their warehouse_ref once it is Ready, and runs the notebook on it', async () => {
    await bed.create(
      JOBS,
      'DatabricksJob',
      'sql-notebook',
      jobSpec({
        tasks: [
          {
            task_key: 'report',
            notebook_task: { notebook_path: '/Shared/report', warehouse_ref: { name: 'adhoc' } },
          },
          {
            task_key: 'models',
            dbt_task: { commands: ['dbt run'], warehouse_ref: { name: 'adhoc' } },
          },
        ],
      }),
    );
    const waiting = await bed.waitForCondition<DatabricksJob>(JOBS, 'sql-notebook', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(waiting.status?.conditions?.find((condition) => condition.type === 'Ready')?.message).toBe(
      'spec.settings.tasks[report].notebook_task.warehouse_ref: DatabricksSqlWarehouse adhoc does not exist yet',
    );
    expect(bed.fake.requestCount('jobs/create')).toBe(0);

    await bed.create(WAREHOUSES, 'DatabricksSqlWarehouse', 'adhoc', warehouseSpec(warehouseSettings()));
    const warehouse = await bed.waitForCondition<DatabricksSqlWarehouse>(WAREHOUSES, 'adhoc');
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'sql-notebook');
    const tasks = (await remoteJob(bed.fake, job.status?.jobId))?.settings.tasks ?? [];
    const warehouseId = warehouse.status?.warehouseId;
    expect(warehouseId).toEqual(expect.any(String));
    expect(tasks.find((task) => task['task_key'] === 'report')?.['notebook_task']).toEqual({
      notebook_path: '/Shared/report',
      source: 'WORKSPACE',
      warehouse_id: warehouseId,
    });
    expect(tasks.find((task) => task['task_key'] === 'models')?.['dbt_task']).toMatchObject({
      commands: ['dbt run'],
      warehouse_id: warehouseId,
    });

    const { run_id: runId } = (await bed.fake.ui.call('jobs/run-now', {
      job_id: job.status?.jobId,
      only: ['report'],
    })) as { run_id: number };
    const run = (await bed.fake.ui.call('jobs/runs/get', { run_id: runId })) as {
      tasks: Record<string, unknown>[];
    };
    expect(run.tasks.map((task) => task['notebook_task'])).toEqual([
      { notebook_path: '/Shared/report', source: 'WORKSPACE', warehouse_id: warehouseId },
    ]);
  });

  it('refuses a notebook_task with both warehouse_id and warehouse_ref at admission', async () => {
    const refused = await bed
      .create(
        JOBS,
        'DatabricksJob',
        'two-warehouses',
        jobSpec({
          tasks: [
            {
              task_key: 'report',
              notebook_task: { notebook_path: '/x', warehouse_id: 'w', warehouse_ref: { name: 'bi' } },
            },
          ],
        }),
      )
      .then(
        () => 'admitted',
        (error: unknown) => String(error),
      );
    expect(refused).toMatch(/notebook_task: set at most one of warehouse_id, warehouse_ref/);
  });

  it('refuses a pipeline_task with both pipeline_id and pipeline_ref at admission', async () => {
    const refused = await bed
      .create(
        JOBS,
        'DatabricksJob',
        'both',
        jobSpec({
          tasks: [{ task_key: 'load', pipeline_task: { pipeline_id: 'p', pipeline_ref: { name: 'x' } } }],
        }),
      )
      .then(
        () => 'admitted',
        (error: unknown) => String(error),
      );
    expect(refused).toMatch(/pipeline_task: set exactly one of pipeline_id, pipeline_ref/);
  });
});
