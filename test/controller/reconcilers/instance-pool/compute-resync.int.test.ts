import { pollUntil } from '../../../control-plane/poll-until.js';
import { RESOURCES, useOperatorTestBed, type OperatorTestBed } from '../../operator-test-bed.js';

/** How many of each kind: enough that one read per object would show. */
const COUNT = 20;
const RESYNC_MS = 500;

async function listingsAfter(bed: OperatorTestBed, endpoint: string, count: number): Promise<void> {
  const start = bed.fake.requestCount(endpoint);
  await pollUntil(`${count} more ${endpoint}`, async () =>
    bed.fake.requestCount(endpoint) >= start + count ? true : undefined,
  );
}

describe('cluster policies and instance pools at resync', () => {
  const bed = useOperatorTestBed('compute-resync', { operator: { config: { resyncPeriodMs: RESYNC_MS } } });

  it(`costs one list call per kind and workspace for ${COUNT} policies and ${COUNT} pools: no get, no write`, async () => {
    const names = Array.from({ length: COUNT }, (_, index) => `n${index}`);
    for (const name of names) {
      await bed.create(RESOURCES.DatabricksClusterPolicy, 'DatabricksClusterPolicy', name, {
        workspaceRef: { name: 'ws' },
        definition: { autotermination_minutes: { type: 'fixed', value: 30 } },
      });
      await bed.create(RESOURCES.DatabricksInstancePool, 'DatabricksInstancePool', name, {
        workspaceRef: { name: 'ws' },
        settings: { node_type_id: 'i3.xlarge' },
      });
    }
    for (const name of names) {
      await bed.waitForCondition(RESOURCES.DatabricksClusterPolicy, name);
      await bed.waitForCondition(RESOURCES.DatabricksInstancePool, name);
    }
    // Two full resyncs, counted from a listing that started after the last write.
    await listingsAfter(bed, 'policies/clusters/list', 1);
    await listingsAfter(bed, 'instance-pools/list', 1);
    bed.fake.clearRequests();
    await listingsAfter(bed, 'policies/clusters/list', 2);
    await listingsAfter(bed, 'instance-pools/list', 2);
    for (const endpoint of [
      'policies/clusters/get',
      'policies/clusters/create',
      'policies/clusters/edit',
      'instance-pools/get',
      'instance-pools/create',
      'instance-pools/edit',
    ]) {
      expect(bed.fake.requestCount(endpoint)).toBe(0);
    }
  });
});
