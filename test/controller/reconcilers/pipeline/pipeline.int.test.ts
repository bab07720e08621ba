import type { DatabricksPipeline } from '../../../../controller/reconcilers/pipeline/pipeline.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { useOperatorTestBed, type OperatorTestBed } from '../../operator-test-bed.js';
import { eventsAbout } from '../cluster/cluster-fixtures.js';
import {
  PIPELINES,
  QUICK_PIPELINES,
  createReadyPipeline,
  pipelineService,
  pipelineSettings,
  pipelineSpec,
  remotePipeline,
} from './pipeline-fixtures.js';

/** Resyncs this often, so that changes made in Databricks are seen within a second. */
const RESYNC_MS = 400;
/** The slow cycle of the drift tests: each pipeline's settings are read once a period. */
const SLOW_RESYNC_MS = 1_500;
const WRITES = [
  'pipelines/create',
  'pipelines/edit',
  'pipelines/start-update',
  'pipelines/stop',
  'pipelines/delete',
];

async function waitForLooks(bed: OperatorTestBed, count: number): Promise<void> {
  const start = bed.fake.requestCount('pipelines/list');
  await pollUntil(`${count} more pipelines/list`, async () =>
    bed.fake.requestCount('pipelines/list') >= start + count ? true : undefined,
  );
}

describe('DatabricksPipeline reconciler', () => {
  const bed = useOperatorTestBed('pipeline', {
    fake: { timing: QUICK_PIPELINES },
    operator: { config: { resyncPeriodMs: RESYNC_MS } },
  });

  it('creates a triggered pipeline with the ownership marker, starts no update, and writes nothing at steady state', async () => {
    await bed.create(
      PIPELINES,
      'DatabricksPipeline',
      'etl',
      pipelineSpec(pipelineSettings({ tags: { team: 'data' } })),
    );
    const pipeline = await bed.waitForCondition<DatabricksPipeline>(PIPELINES, 'etl', { reason: 'Idle' });
    const pipelineId = pipeline.status?.pipelineId;
    expect(pipeline.status).toMatchObject({
      state: 'IDLE',
      url: `${bed.fake.url}/pipelines/${pipelineId}`,
      settingsHash: expect.any(String),
    });
    const remote = await remotePipeline(bed.fake, pipelineId);
    expect(remote?.spec.name).toBe('etl');
    expect(remote?.spec.tags).toEqual({
      team: 'data',
      'k8s-owner': `${bed.namespace}/etl`,
      'k8s-owner-uid': pipeline.metadata.uid,
    });
    expect(bed.fake.requestCount('pipelines/start-update')).toBe(0);
    expect((await eventsAbout(bed, 'etl')).map((event) => event.reason)).toContain('Created');

    bed.fake.clearRequests();
    // Counted from the first listing after the create: one already under way when the object was written
    // cannot speak for it, so the object's first look may still be a get of its own.
    await waitForLooks(bed, 1);
    const gets = bed.fake.requestCount('pipelines/get');
    await waitForLooks(bed, 3);
    for (const endpoint of WRITES) expect(bed.fake.requestCount(endpoint)).toBe(0);
    // pipelines/list has no settings; they are read on the slow cycle (10 minutes here), not at resyncs.
    expect(bed.fake.requestCount('pipelines/get')).toBe(gets);
  });

  it('edits the pipeline in place on a spec change, with one PUT and no read', async () => {
    const before = await createReadyPipeline(bed, 'edited');
    bed.fake.clearRequests();
    await bed.patchSpec(PIPELINES, 'edited', {
      settings: pipelineSettings({ configuration: { 'etl.source': 's3://bucket/v2' } }),
    });
    await pollUntil('the edit', async () =>
      bed.fake.requestCount('pipelines/edit') === 1 ? true : undefined,
    );
    const after = await bed.waitForCondition<DatabricksPipeline>(PIPELINES, 'edited', { reason: 'Idle' });
    expect(after.status?.pipelineId).toBe(before.status?.pipelineId);
    expect(after.status?.settingsHash).not.toBe(before.status?.settingsHash);
    const remote = await remotePipeline(bed.fake, after.status?.pipelineId);
    expect(remote?.spec.configuration).toMatchObject({ 'etl.source': 's3://bucket/v2' });
    expect(bed.fake.requestCount('pipelines/create')).toBe(0);
  });

  it('keeps a continuous pipeline running: starts an update, and starts one again after a stop in the UI', async () => {
    await bed.create(
      PIPELINES,
      'DatabricksPipeline',
      'stream',
      pipelineSpec(pipelineSettings({ continuous: true })),
    );
    const running = await bed.waitForCondition<DatabricksPipeline>(PIPELINES, 'stream', {
      reason: 'Running',
    });
    expect(running.status?.state).toBe('RUNNING');
    // The pipeline is RUNNING from the moment its update sets up its tables.
    expect(['SETTING_UP_TABLES', 'RUNNING']).toContain(running.status?.latestUpdate?.state);
    expect(bed.fake.requestCount('pipelines/start-update')).toBe(1);
    expect((await eventsAbout(bed, 'stream')).map((event) => event.reason)).toContain('Started');

    pipelineService(bed.fake).stopByUser(running.status?.pipelineId ?? '');
    await pollUntil('a second update', async () =>
      bed.fake.requestCount('pipelines/start-update') === 2 ? true : undefined,
    );
    await pollUntil('the pipeline to run again', async () =>
      (await remotePipeline(bed.fake, running.status?.pipelineId))?.state === 'RUNNING' ? true : undefined,
    );
  });

  it('reports a continuous pipeline that fails as PipelineFailed, with Databricks cause', async () => {
    await bed.create(
      PIPELINES,
      'DatabricksPipeline',
      'broken',
      pipelineSpec(
        pipelineSettings({
          continuous: true,
          development: true,
          libraries: [{ notebook: { path: '/Shared/FAIL' } }],
        }),
      ),
    );
    const failed = await bed.waitForCondition<DatabricksPipeline>(PIPELINES, 'broken', {
      status: 'False',
      reason: 'PipelineFailed',
    });
    const ready = failed.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.message).toMatch(/is FAILED: Update .* failed/);
    expect(failed.status?.cause).toMatch(/failed/);
  });

  it('adopts a pipeline by spec.pipelineId, writing only what differs and the marker', async () => {
    const { pipeline_id: pipelineId } = (await bed.fake.ui.call('pipelines/create', {
      name: 'legacy',
      ...pipelineSettings(),
    })) as { pipeline_id: string };
    bed.fake.clearRequests();
    const adopted = await createReadyPipeline(
      bed,
      'adopted',
      { pipelineId },
      pipelineSettings({ name: 'legacy' }),
    );
    expect(adopted.status?.pipelineId).toBe(pipelineId);
    expect(bed.fake.requestCount('pipelines/create')).toBe(0);
    expect(bed.fake.requestCount('pipelines/edit')).toBe(1);
    expect((await remotePipeline(bed.fake, pipelineId))?.spec.tags?.['k8s-owner-uid']).toBe(
      adopted.metadata.uid,
    );
    expect((await eventsAbout(bed, 'adopted')).map((event) => event.reason)).toEqual(
      expect.arrayContaining(['Adopted', 'Updated']),
    );
  });

  it('refuses a name another pipeline already has, naming the way to adopt it', async () => {
    const { pipeline_id: pipelineId } = (await bed.fake.ui.call('pipelines/create', {
      name: 'taken',
      ...pipelineSettings(),
    })) as { pipeline_id: string };
    await bed.create(PIPELINES, 'DatabricksPipeline', 'taken', pipelineSpec(pipelineSettings()));
    const refused = await bed.waitForCondition<DatabricksPipeline>(PIPELINES, 'taken', {
      status: 'False',
      reason: 'NameInUse',
    });
    const ready = refused.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.message).toContain(`spec.pipelineId: ${pipelineId}`);
    // The UI's create is not in the request log: the operator created nothing.
    expect(bed.fake.requestCount('pipelines/create')).toBe(0);
  });

  it('creates the pipeline again when it was deleted in Databricks', async () => {
    const pipeline = await createReadyPipeline(bed, 'recreated');
    const gone = pipeline.status?.pipelineId ?? '';
    await bed.fake.ui.call('pipelines/delete', { pipeline_id: gone });
    const again = await pollUntil('a new pipeline in status', async () => {
      const current = await bed.get<DatabricksPipeline>(PIPELINES, 'recreated');
      const pipelineId = current?.status?.pipelineId;
      return pipelineId !== undefined && pipelineId !== gone ? pipelineId : undefined;
    });
    expect((await remotePipeline(bed.fake, again))?.spec.tags?.['k8s-owner-uid']).toBe(pipeline.metadata.uid);
    const recreated = (await eventsAbout(bed, 'recreated')).find((event) => event.reason === 'Recreated');
    expect(recreated?.type).toBe('Warning');
  });

  it('deletes the pipeline with deletionPolicy Delete and leaves it with Retain', async () => {
    const deleted = await createReadyPipeline(bed, 'gone');
    const retained = await createReadyPipeline(bed, 'kept', { deletionPolicy: 'Retain' });
    await bed.delete(PIPELINES, 'gone');
    await bed.delete(PIPELINES, 'kept');
    await bed.waitForGone(PIPELINES, 'gone');
    await bed.waitForGone(PIPELINES, 'kept');
    expect(await remotePipeline(bed.fake, deleted.status?.pipelineId)).toBeUndefined();
    expect(await remotePipeline(bed.fake, retained.status?.pipelineId)).toBeDefined();
    // Deleted once: a copy older than the finalizer's removal is not cleaned up again. The retained one
    // sees none.
    const deletesOf = (id: string | undefined) =>
      bed.fake
        .requests({ endpoint: 'pipelines/delete' })
        .filter((entry) => entry.path.endsWith(`/${id ?? ''}`)).length;
    expect(deletesOf(deleted.status?.pipelineId)).toBe(1);
    expect(deletesOf(retained.status?.pipelineId)).toBe(0);
  });

  it('observes a pipeline under managementPolicy Observe, reporting drift and writing nothing', async () => {
    const { pipeline_id: pipelineId } = (await bed.fake.ui.call('pipelines/create', {
      name: 'watched',
      ...pipelineSettings({ development: true }),
    })) as { pipeline_id: string };
    bed.fake.clearRequests();
    await bed.create(
      PIPELINES,
      'DatabricksPipeline',
      'watched',
      pipelineSpec(pipelineSettings(), { pipelineId, managementPolicy: 'Observe' }),
    );
    const observed = await bed.waitForCondition<DatabricksPipeline>(PIPELINES, 'watched', {
      type: 'InSync',
      status: 'False',
    });
    expect(observed.status?.driftedFields).toEqual(['development']);
    for (const endpoint of WRITES) expect(bed.fake.requestCount(endpoint)).toBe(0);
  });

  it('refuses bad settings at admission', async () => {
    const refused = (settings: Record<string, unknown>) =>
      bed.create(PIPELINES, 'DatabricksPipeline', 'bad', pipelineSpec(settings)).then(
        () => 'admitted',
        (error: unknown) => String(error),
      );
    expect(await refused(pipelineSettings({ target: 'legacy' }))).toMatch(
      /set at most one of schema, target/,
    );
    expect(
      await refused(pipelineSettings({ libraries: [{ notebook: { path: '/a' }, file: { path: '/b' } }] })),
    ).toMatch(/library: set exactly one of/);
  });
});

describe('DatabricksPipeline reconciler: settings changed in Databricks, on the slow cycle', () => {
  const bed = useOperatorTestBed('pipeline-drift', {
    fake: { timing: QUICK_PIPELINES },
    operator: { config: { resyncPeriodMs: RESYNC_MS, slowResyncPeriodMs: SLOW_RESYNC_MS } },
  });

  it('edits back a change made in the UI with a DriftCorrected warning, and reads each pipeline once a period', async () => {
    const pipeline = await createReadyPipeline(bed, 'drifted');
    const pipelineId = pipeline.status?.pipelineId ?? '';
    pipelineService(bed.fake).editByUser(pipelineId, { configuration: { 'etl.source': 'elsewhere' } });
    await pollUntil('the drift to be corrected', async () =>
      bed.fake.requestCount('pipelines/edit') === 1 ? true : undefined,
    );
    const remote = await remotePipeline(bed.fake, pipelineId);
    expect(remote?.spec.configuration).toMatchObject({ 'etl.source': 's3://bucket/raw' });
    // Recorded after the write it tells of: the write may show in Databricks before the Event exists.
    const corrected = await pollUntil('a DriftCorrected event', async () =>
      (await eventsAbout(bed, 'drifted')).find((event) => event.reason === 'DriftCorrected'),
    );
    expect(corrected?.type).toBe('Warning');
    expect(corrected?.note).toMatch(/changed in Databricks \(configuration.etl.source\)/);

    // At steady state: no write, and about one read per slow period, whatever the resyncs. The periods
    // are counted from the time the window took: a loaded machine stretches the eight resyncs, and with
    // them the number of slow periods in the window.
    await bed.waitForCondition(PIPELINES, 'drifted', { reason: 'Idle' });
    bed.fake.clearRequests();
    const started = Date.now();
    await waitForLooks(bed, 8);
    const periods = Math.ceil((Date.now() - started) / SLOW_RESYNC_MS);
    for (const endpoint of WRITES) expect(bed.fake.requestCount(endpoint)).toBe(0);
    expect(bed.fake.requestCount('pipelines/get')).toBeLessThanOrEqual(periods + 1);
  });

  it('edits back a rename in the UI at the next resync, seen in the listing', async () => {
    const pipeline = await createReadyPipeline(bed, 'renamed');
    const pipelineId = pipeline.status?.pipelineId ?? '';
    bed.fake.clearRequests();
    pipelineService(bed.fake).editByUser(pipelineId, { name: 'someone-else' });
    await pollUntil('the rename to be undone', async () =>
      (await remotePipeline(bed.fake, pipelineId))?.spec.name === 'renamed' ? true : undefined,
    );
  });
});
