import type { ClusterSpec } from '../../../controller/databricks/settings-payloads.js';
import { InvalidStateError, NotFoundError } from '../../../controller/databricks/errors.js';
import { collect } from '../../../controller/databricks/pagination.js';
import { ManualClock } from '../../fake-databricks/index.js';
import { eventually, startClientBed, type ClientBed } from './client-test-bed.js';

const spec: ClusterSpec = {
  cluster_name: 'etl',
  spark_version: '15.4.x-scala2.12',
  node_type_id: 'i3.xlarge',
  num_workers: 1,
  custom_tags: { 'databricks.operator.dev/owner': 'team-a/etl' },
};

describe('clusters API against the fake workspace', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed({ timing: { clusterStartMs: 60, clusterTerminateMs: 60 } });
  });
  afterEach(async () => bed.close());

  const stateOf = async (id: string) => (await bed.client.clusters.get(id)).state;
  const until = (id: string, state: string) =>
    eventually(`cluster ${id} to be ${state}`, async () =>
      (await stateOf(id)) === state ? true : undefined,
    );

  it('maps the 400 "Cluster ... does not exist" of a removed cluster to NotFoundError', async () => {
    const { cluster_id } = await bed.client.clusters.create(spec);
    await bed.client.clusters.permanentDelete(cluster_id);
    const error = await bed.client.clusters.get(cluster_id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).status).toBe(400);
    expect((error as NotFoundError).errorCode).toBe('INVALID_PARAMETER_VALUE');
    expect(bed.fake.requestCount('clusters/get', 400)).toBe(1);
  });

  // The states between calls are read on a clock the test moves, so a slow machine cannot skip one.
  describe('on a clock the test moves', () => {
    const clock = new ManualClock();
    const startMs = 60;
    beforeEach(async () => {
      await bed.close();
      bed = await startClientBed({ clock, timing: { clusterStartMs: startMs, clusterTerminateMs: startMs } });
    });

    it('creates a cluster that starts PENDING, becomes RUNNING and keeps its tags', async () => {
      const { cluster_id } = await bed.client.clusters.create(spec);
      const created = await bed.client.clusters.get(cluster_id);
      expect(created.state).toBe('PENDING');
      expect(created.custom_tags).toEqual(spec.custom_tags);
      clock.advance(startMs);
      expect(await stateOf(cluster_id)).toBe('RUNNING');
    });

    it('refuses to edit a PENDING cluster with InvalidStateError, and restarts a RUNNING one on edit', async () => {
      const { cluster_id } = await bed.client.clusters.create(spec);
      await expect(bed.client.clusters.edit(cluster_id, { ...spec, num_workers: 2 })).rejects.toBeInstanceOf(
        InvalidStateError,
      );
      clock.advance(startMs);
      expect(await stateOf(cluster_id)).toBe('RUNNING');
      await bed.client.clusters.edit(cluster_id, { ...spec, num_workers: 2 });
      expect(await stateOf(cluster_id)).toBe('RESTARTING');
      clock.advance(startMs);
      expect(await stateOf(cluster_id)).toBe('RUNNING');
      expect((await bed.client.clusters.get(cluster_id)).num_workers).toBe(2);
    });

    it('resizes and restarts a running cluster', async () => {
      const { cluster_id } = await bed.client.clusters.create(spec);
      clock.advance(startMs);
      expect(await stateOf(cluster_id)).toBe('RUNNING');
      await bed.client.clusters.resize(cluster_id, { num_workers: 3 });
      expect(await stateOf(cluster_id)).toBe('RESIZING');
      clock.advance(startMs);
      expect(await stateOf(cluster_id)).toBe('RUNNING');
      expect((await bed.client.clusters.get(cluster_id)).num_workers).toBe(3);
      await bed.client.clusters.restart(cluster_id);
      expect(await stateOf(cluster_id)).toBe('RESTARTING');
    });
  });

  it('terminates on delete, stays listed, and starts again from TERMINATED', async () => {
    const { cluster_id } = await bed.client.clusters.create(spec);
    await until(cluster_id, 'RUNNING');
    await bed.client.clusters.delete(cluster_id);
    await until(cluster_id, 'TERMINATED');
    const listed = await collect(bed.client.clusters.list());
    expect(listed.map((c) => c.cluster_id)).toContain(cluster_id);
    await bed.client.clusters.start(cluster_id);
    await until(cluster_id, 'RUNNING');
  });

  it('lists every cluster across pages', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++)
      ids.push((await bed.client.clusters.create({ ...spec, cluster_name: `c${i}` })).cluster_id);
    const listed = await collect(bed.client.clusters.list({ page_size: 2 }));
    expect(listed.map((c) => c.cluster_id).sort()).toEqual([...ids].sort());
    expect(bed.fake.requestCount('clusters/list')).toBe(3);
  });

  it('pages through cluster events with a POST', async () => {
    const { cluster_id } = await bed.client.clusters.create(spec);
    await until(cluster_id, 'RUNNING');
    await bed.client.clusters.delete(cluster_id);
    await until(cluster_id, 'TERMINATED');
    const events = await collect(bed.client.clusters.events(cluster_id, { page_size: 1, order: 'ASC' }));
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.every((e) => e.cluster_id === cluster_id)).toBe(true);
    expect(events[0].type).toBe('CREATING');
    expect(bed.fake.requests({ endpoint: 'clusters/events' }).every((e) => e.method === 'POST')).toBe(true);
    expect(bed.fake.requestCount('clusters/events')).toBe(events.length);
  });
});
