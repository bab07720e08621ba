import { NotFoundError, ResourceConflictError } from '../../../controller/databricks/errors.js';
import { collect } from '../../../controller/databricks/pagination.js';
import { TERMINAL_UPDATE_STATES, type PipelineSettings } from '../../../controller/databricks/pipelines.js';
import { ManualClock } from '../../fake-databricks/index.js';
import { eventually, startClientBed, type ClientBed } from './client-test-bed.js';

const settings: PipelineSettings = {
  name: 'sales',
  catalog: 'main',
  schema: 'sales',
  libraries: [{ notebook: { path: '/Shared/sales_dlt' } }],
  tags: { 'databricks.operator.dev/owner': 'team-a/sales' },
};

describe('pipelines API against the fake workspace', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed({
      timing: { pipelineStepMs: 10, pipelineRunningMs: 40, pipelineStopMs: 20 },
    });
  });
  afterEach(async () => bed.close());

  it('creates a pipeline, runs an update to COMPLETED and lists its updates', async () => {
    const { pipeline_id } = await bed.client.pipelines.create(settings);
    expect(await bed.client.pipelines.get(pipeline_id)).toMatchObject({
      state: 'IDLE',
      spec: { id: pipeline_id, name: 'sales', tags: settings.tags },
    });
    const { update_id } = await bed.client.pipelines.startUpdate(pipeline_id, { full_refresh: true });
    const update = await eventually('the update to end', async () => {
      const current = await bed.client.pipelines.getUpdate(pipeline_id, update_id);
      return TERMINAL_UPDATE_STATES.includes(current.state ?? '') ? current : undefined;
    });
    expect(update).toMatchObject({ state: 'COMPLETED', full_refresh: true, config: { name: 'sales' } });
    expect((await collect(bed.client.pipelines.listUpdates(pipeline_id))).map((u) => u.update_id)).toEqual([
      update_id,
    ]);
  });

  it('reports a second active update and a stale edit as ResourceConflictError', async () => {
    const { pipeline_id } = await bed.client.pipelines.create({ ...settings, continuous: true });
    await bed.client.pipelines.startUpdate(pipeline_id);
    await expect(bed.client.pipelines.startUpdate(pipeline_id)).rejects.toBeInstanceOf(ResourceConflictError);
    const { last_modified } = await bed.client.pipelines.get(pipeline_id);
    await bed.client.pipelines.edit(
      pipeline_id,
      { ...settings, continuous: true, development: true },
      last_modified,
    );
    const stale = bed.client.pipelines.edit(
      pipeline_id,
      { ...settings, continuous: true },
      (last_modified ?? 0) - 1,
    );
    await expect(stale).rejects.toBeInstanceOf(ResourceConflictError);
    await expect(bed.client.pipelines.create(settings)).rejects.toBeInstanceOf(ResourceConflictError);
  });

  it('stops a continuous pipeline to IDLE', async () => {
    const { pipeline_id } = await bed.client.pipelines.create({ ...settings, continuous: true });
    await bed.client.pipelines.startUpdate(pipeline_id);
    await eventually('the pipeline to run', async () =>
      (await bed.client.pipelines.get(pipeline_id)).state === 'RUNNING' ? true : undefined,
    );
    await bed.client.pipelines.stop(pipeline_id);
    await eventually('the pipeline to stop', async () =>
      (await bed.client.pipelines.get(pipeline_id)).state === 'IDLE' ? true : undefined,
    );
  });

  it('lists pipelines across pages with a filter, and forgets a deleted one', async () => {
    // A deleted pipeline answers DELETED for pipelineStopMs, then 404: read on a clock the test moves,
    // so a slow get cannot land after the window.
    const clock = new ManualClock();
    await bed.close();
    bed = await startClientBed({ clock, timing: { pipelineStopMs: 20 } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await bed.client.pipelines.create({ ...settings, name: `sales-${i}` })).pipeline_id);
    await bed.client.pipelines.create({ ...settings, name: 'marketing' });
    const sales = await collect(bed.client.pipelines.list({ filter: "name LIKE 'sales-%'", max_results: 2 }));
    expect(sales.map((p) => p.pipeline_id).sort()).toEqual([...ids].sort());
    expect(bed.fake.requestCount('pipelines/list')).toBe(3);
    await bed.client.pipelines.delete(ids[0]);
    expect((await bed.client.pipelines.get(ids[0])).state).toBe('DELETED');
    clock.advance(19);
    expect((await bed.client.pipelines.get(ids[0])).state).toBe('DELETED');
    clock.advance(1);
    await expect(bed.client.pipelines.get(ids[0])).rejects.toBeInstanceOf(NotFoundError);
  });
});
