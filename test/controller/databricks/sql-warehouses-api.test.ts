import {
  AlreadyExistsError,
  InvalidParameterError,
  InvalidStateError,
  NotFoundError,
} from '../../../controller/databricks/errors.js';
import { collect } from '../../../controller/databricks/pagination.js';
import { ManualClock } from '../../fake-databricks/index.js';
import { eventually, startClientBed, type ClientBed } from './client-test-bed.js';

describe('SQL warehouses API against the fake workspace', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed({ timing: { warehouseStartMs: 40, warehouseStopMs: 20 } });
  });
  afterEach(async () => bed.close());

  const until = (id: string, state: string) =>
    eventually(`warehouse ${id} to be ${state}`, async () =>
      (await bed.client.warehouses.get(id)).state === state ? true : undefined,
    );

  // The states between calls are read on a clock the test moves, so a slow machine cannot skip one.
  it('creates a warehouse that starts, stops it, starts it again and edits it', async () => {
    const clock = new ManualClock();
    await bed.close();
    bed = await startClientBed({ clock, timing: { warehouseStartMs: 40, warehouseStopMs: 20 } });
    const stateOf = async (id: string) => (await bed.client.warehouses.get(id)).state;
    const { id } = await bed.client.warehouses.create({
      name: 'bi',
      cluster_size: 'Small',
      auto_stop_mins: 30,
      tags: { custom_tags: [{ key: 'databricks.operator.dev/owner', value: 'team-a/bi' }] },
    });
    expect(await stateOf(id)).toBe('STARTING');
    clock.advance(40);
    expect(await stateOf(id)).toBe('RUNNING');
    await bed.client.warehouses.stop(id);
    expect(await stateOf(id)).toBe('STOPPING');
    clock.advance(20);
    expect(await stateOf(id)).toBe('STOPPED');
    await bed.client.warehouses.start(id);
    clock.advance(40);
    expect(await stateOf(id)).toBe('RUNNING');
    await bed.client.warehouses.edit(id, { max_num_clusters: 2 });
    expect(await bed.client.warehouses.get(id)).toMatchObject({
      state: 'STARTING',
      max_num_clusters: 2,
      auto_stop_mins: 30,
      tags: { custom_tags: [{ key: 'databricks.operator.dev/owner', value: 'team-a/bi' }] },
    });
  });

  it('maps a bad size, a name in use, a deleted warehouse and a missing one to typed errors', async () => {
    await expect(bed.client.warehouses.create({ name: 'x', cluster_size: 'Huge' })).rejects.toBeInstanceOf(
      InvalidParameterError,
    );
    const { id } = await bed.client.warehouses.create({ name: 'bi', cluster_size: 'Small' });
    await expect(bed.client.warehouses.create({ name: 'bi', cluster_size: 'Small' })).rejects.toBeInstanceOf(
      AlreadyExistsError,
    );
    await bed.client.warehouses.delete(id);
    await until(id, 'DELETED');
    await expect(bed.client.warehouses.start(id)).rejects.toBeInstanceOf(InvalidStateError);
    await expect(bed.client.warehouses.get('0123456789abcdef')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists every warehouse across pages', async () => {
    for (let i = 0; i < 5; i++) await bed.client.warehouses.create({ name: `w${i}`, cluster_size: 'Small' });
    const listed = await collect(bed.client.warehouses.list(2));
    expect(listed.map((w) => w.name)).toEqual(['w0', 'w1', 'w2', 'w3', 'w4']);
    expect(bed.fake.requestCount('sql/warehouses/list')).toBe(3);
  });
});
