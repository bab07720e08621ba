import { decidePoolSettings } from '../../../../controller/reconcilers/instance-pool/pool-decision.js';

const desired = {
  instance_pool_name: 'etl',
  node_type_id: 'i3.xlarge',
  max_capacity: 4,
  custom_tags: { team: 'data' },
};

/** The pool as instance-pools/list reports one created from `desired`: backend defaults filled in. */
const observed = (changes: Record<string, unknown> = {}) => ({
  instance_pool_id: 'pool-1',
  ...desired,
  enable_elastic_disk: true,
  idle_instance_autotermination_minutes: 60,
  min_idle_instances: 0,
  aws_attributes: { availability: 'SPOT', zone_id: 'auto', spot_bid_price_percent: 100 },
  default_tags: { Vendor: 'Databricks' },
  state: 'ACTIVE',
  stats: { idle_count: 0 },
  ...changes,
});

describe('decidePoolSettings', () => {
  it.each<[string, Record<string, unknown>, string | undefined, string, unknown]>([
    ['a pool with only backend defaults added matches', {}, 'h', 'none', undefined],
    ['a sizing change made in Databricks is drift', { max_capacity: 9 }, 'h', 'edit', { cause: 'Drifted' }],
    ['a changed spec is edited in', { max_capacity: 9 }, 'other', 'edit', { cause: 'SpecChanged' }],
    [
      'a first apply (adopted, reclaimed) edits',
      { custom_tags: {} },
      undefined,
      'edit',
      { cause: 'Adopted' },
    ],
    [
      'a fixed setting that differs is refused, naming it',
      { preloaded_spark_versions: ['14.3.x-scala2.12'], max_capacity: 9 },
      'h',
      'refuse',
      { fields: ['preloaded_spark_versions'] },
    ],
    [
      'another node type is refused',
      { node_type_id: 'm5.large' },
      'h',
      'refuse',
      { fields: ['node_type_id'] },
    ],
  ])('%s', (_why, changes, appliedHash, action, detail) => {
    const decision = decidePoolSettings({
      desired,
      desiredHash: 'h',
      ...(appliedHash === undefined ? {} : { appliedHash }),
      observed: observed(changes),
    });
    expect(decision.action).toBe(action);
    if (detail) expect(decision).toMatchObject(detail as object);
  });
});
