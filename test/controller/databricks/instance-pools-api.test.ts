import { InvalidParameterError, NotFoundError } from '../../../controller/databricks/errors.js';
import type { InstancePoolSettings } from '../../../controller/databricks/instance-pools.js';
import { eventually, startClientBed, type ClientBed } from './client-test-bed.js';

const settings: InstancePoolSettings = {
  instance_pool_name: 'etl-pool',
  node_type_id: 'i3.xlarge',
  min_idle_instances: 1,
  max_capacity: 4,
  custom_tags: { 'databricks.operator.dev/owner': 'team-a/etl' },
};

describe('instance pools API against the fake workspace', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed({ timing: { poolInstanceStartMs: 40 } });
  });
  afterEach(async () => bed.close());

  it('creates a pool whose idle instance arrives, with the backend defaults and its tags', async () => {
    const { instance_pool_id } = await bed.client.instancePools.create(settings);
    const pool = await bed.client.instancePools.get(instance_pool_id);
    expect(pool).toMatchObject({
      instance_pool_id,
      state: 'ACTIVE',
      custom_tags: settings.custom_tags,
      idle_instance_autotermination_minutes: 60,
      enable_elastic_disk: true,
    });
    await eventually('the idle instance', async () =>
      (await bed.client.instancePools.get(instance_pool_id)).stats?.idle_count === 1 ? true : undefined,
    );
  });

  it('edits the sizing in place and refuses min_idle_instances above max_capacity or a new node type', async () => {
    const { instance_pool_id } = await bed.client.instancePools.create(settings);
    await bed.client.instancePools.edit(instance_pool_id, {
      instance_pool_name: 'etl-pool',
      node_type_id: 'i3.xlarge',
      min_idle_instances: 2,
      max_capacity: 8,
    });
    expect(await bed.client.instancePools.get(instance_pool_id)).toMatchObject({
      min_idle_instances: 2,
      max_capacity: 8,
    });
    const tooMany = bed.client.instancePools.edit(instance_pool_id, {
      instance_pool_name: 'etl-pool',
      node_type_id: 'i3.xlarge',
      min_idle_instances: 9,
      max_capacity: 8,
    });
    await expect(tooMany).rejects.toBeInstanceOf(InvalidParameterError);
    await expect(tooMany).rejects.toThrow(
      /min_idle_instances \(9\) cannot be greater than max_capacity \(8\)/,
    );
    const newNodeType = bed.client.instancePools.edit(instance_pool_id, {
      instance_pool_name: 'etl-pool',
      node_type_id: 'i3.2xlarge',
    });
    await expect(newNodeType).rejects.toThrow(/node_type_id cannot be changed/);
  });

  it('lists pools in one call, and reports a deleted pool as NotFoundError', async () => {
    const { instance_pool_id } = await bed.client.instancePools.create(settings);
    expect((await bed.client.instancePools.list()).map((pool) => pool.instance_pool_id)).toEqual([
      instance_pool_id,
    ]);
    await bed.client.instancePools.delete(instance_pool_id);
    await expect(bed.client.instancePools.get(instance_pool_id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await bed.client.instancePools.list()).toEqual([]);
  });
});
