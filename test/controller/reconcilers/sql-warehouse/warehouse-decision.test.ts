import {
  decideWarehouseSettings,
  decideWarehouseState,
  warehouseSettingsDifferences,
  type WarehouseStateFacts,
} from '../../../../controller/reconcilers/sql-warehouse/warehouse-decision.js';
import type { Warehouse, WarehouseSettings } from '../../../../controller/databricks/index.js';

const desired: WarehouseSettings = {
  name: 'bi',
  cluster_size: 'Small',
  auto_stop_mins: 0,
  channel: { name: 'CHANNEL_NAME_CURRENT' },
  tags: {
    custom_tags: [
      { key: 'team', value: 'data' },
      { key: 'k8s-owner-uid', value: 'u1' },
    ],
  },
};
const remote: Warehouse = {
  id: 'w1',
  state: 'RUNNING',
  name: 'bi',
  cluster_size: 'Small',
  auto_stop_mins: 0,
  min_num_clusters: 1,
  max_num_clusters: 1,
  enable_photon: false,
  channel: { name: 'CHANNEL_NAME_CURRENT', dbsql_version: '2025.35' },
  // The same tags in another order.
  tags: {
    custom_tags: [
      { key: 'k8s-owner-uid', value: 'u1' },
      { key: 'team', value: 'data' },
    ],
  },
};

describe('warehouseSettingsDifferences', () => {
  it('compares only what the spec sets: defaults, the DBSQL version and tag order are no drift', () => {
    expect(warehouseSettingsDifferences(desired, remote)).toEqual([]);
  });

  it('names the fields that differ, tags by key', () => {
    const changed: Warehouse = {
      ...remote,
      cluster_size: 'Large',
      auto_stop_mins: 120,
      tags: {
        custom_tags: [
          { key: 'team', value: 'ops' },
          { key: 'extra', value: 'x' },
        ],
      },
    };
    expect(warehouseSettingsDifferences(desired, changed)).toEqual([
      'auto_stop_mins',
      'cluster_size',
      'tags.custom_tags[extra]',
      'tags.custom_tags[k8s-owner-uid]',
      'tags.custom_tags[team].value',
    ]);
  });
});

describe('decideWarehouseSettings', () => {
  it('writes nothing when the warehouse matches, whatever the hashes say', () => {
    expect(
      decideWarehouseSettings({ desired, desiredHash: 'b', appliedHash: 'a', observed: remote }),
    ).toEqual({
      action: 'none',
    });
  });

  it('tells a spec change from drift from adoption', () => {
    const observed = { ...remote, cluster_size: 'Large' };
    const base = { desired, desiredHash: 'h', observed };
    expect(decideWarehouseSettings({ ...base, appliedHash: 'old' })).toMatchObject({ cause: 'SpecChanged' });
    expect(decideWarehouseSettings({ ...base, appliedHash: 'h' })).toMatchObject({ cause: 'Drifted' });
    expect(decideWarehouseSettings(base)).toMatchObject({ cause: 'Adopted', diff: ['cluster_size'] });
  });
});

describe('decideWarehouseState', () => {
  const facts = (over: Partial<WarehouseStateFacts>): WarehouseStateFacts => ({
    wanted: 'Running',
    state: 'RUNNING',
    autoStopMins: 0,
    ranForThisSpec: true,
    failureReported: false,
    ...over,
  });

  it.each([
    [{ state: 'RUNNING' }, { step: 'ready', reason: 'Running' }],
    [{ state: 'STARTING' }, { step: 'wait', until: 'RUNNING' }],
    [{ state: 'STOPPING' }, { step: 'wait', until: 'STOPPED' }],
    [{ state: 'STOPPED' }, { step: 'start' }],
    [
      { state: 'STOPPED', autoStopMins: 10 },
      { step: 'ready', reason: 'Idle' },
    ],
    [{ state: 'STOPPED', autoStopMins: 10, ranForThisSpec: false }, { step: 'start' }],
    [{ state: 'STOPPED', health: 'FAILED' }, { step: 'failed' }],
    [{ state: 'STOPPED', health: 'FAILED', failureReported: true }, { step: 'start' }],
    [{ wanted: 'Stopped', state: 'RUNNING' }, { step: 'stop' }],
    [{ wanted: 'Stopped', state: 'STARTING' }, { step: 'stop' }],
    [
      { wanted: 'Stopped', state: 'STOPPING' },
      { step: 'wait', until: 'STOPPED' },
    ],
    [
      { wanted: 'Stopped', state: 'STOPPED' },
      { step: 'ready', reason: 'Stopped' },
    ],
  ] as const)('%j → %j', (over, expected) => {
    expect(decideWarehouseState(facts(over))).toEqual(expected);
  });
});
