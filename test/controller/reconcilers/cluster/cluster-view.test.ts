import { ClusterView } from '../../../../controller/reconcilers/cluster/cluster-view.js';
import { isLeftBehindFor } from '../../../../controller/reconcilers/managed/ownership.js';
import { ManualClock } from '../../../fake-databricks/index.js';
import { startClientBed, type ClientBed } from '../../databricks/client-test-bed.js';

/** 150 clusters: a listing of them takes two pages of 100. */
const CLUSTERS = 150;

describe('ClusterView: one listing of the workspace clusters per resync', () => {
  const clock = new ManualClock();
  let bed: ClientBed;
  let ids: string[];
  let resyncedAt = 0;

  beforeAll(async () => {
    bed = await startClientBed({ clock, timing: { clusterStartMs: 1_000, clusterTerminateMs: 1_000 } });
    ids = [];
    for (let i = 0; i < CLUSTERS; i++) {
      const { cluster_id } = (await bed.fake.ui.call('clusters/create', {
        cluster_name: `c-${i}`,
        spark_version: '15.4.x-scala2.12',
        num_workers: 1,
        custom_tags: { 'k8s-owner-uid': `uid-${i}` },
      })) as { cluster_id: string };
      ids.push(cluster_id);
    }
    clock.advance(1_000);
  });
  afterAll(() => bed.close());
  beforeEach(() => bed.fake.clearRequests());

  const view = () => new ClusterView(bed.client, { maxAgeMs: 600_000, resyncedAt: () => resyncedAt });
  const resync = async () => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    resyncedAt = Date.now();
  };

  it('answers every running cluster from one listing of two pages, and reads it again after a resync', async () => {
    const clusters = view();
    for (const id of ids) expect((await clusters.cluster(id))?.state).toBe('RUNNING');
    expect(bed.fake.requestCounts()).toEqual({ 'clusters/list 200': 2 });
    const [listed] = bed.fake.requests({ endpoint: 'clusters/list' });
    expect(listed?.query).toContain('filter_by.cluster_sources=UI');
    expect(listed?.query).toContain('filter_by.cluster_sources=API');

    await resync();
    for (const id of ids) await clusters.cluster(id);
    expect(bed.fake.requestCounts()).toEqual({ 'clusters/list 200': 4 });
  });

  it('reads with clusters/get a cluster moving between states, one it changed, and one gone', async () => {
    const clusters = view();
    await clusters.cluster(ids[0]);
    await bed.fake.ui.call('clusters/restart', { cluster_id: ids[1] });
    await bed.fake.ui.call('clusters/permanent-delete', { cluster_id: ids[2] });
    await resync();
    bed.fake.clearRequests();

    expect((await clusters.cluster(ids[1]))?.state).toBe('RESTARTING');
    expect(await clusters.cluster(ids[2])).toBeUndefined();
    clusters.wrote(ids[3]);
    expect((await clusters.cluster(ids[3]))?.state).toBe('RUNNING');
    expect((await clusters.cluster(ids[4]))?.state).toBe('RUNNING');
    expect(bed.fake.requestCounts()).toEqual({
      'clusters/list 200': 2,
      'clusters/get 200': 2,
      'clusters/get 400': 1,
    });
    clock.advance(1_000);
  });

  it('finds a cluster by its owner UID in the shared listing, and one it created without a listing', async () => {
    const clusters = view();
    expect((await clusters.findOwned('uid-42'))?.cluster_name).toBe('c-42');
    expect(await clusters.findOwned('uid-nobody')).toBeUndefined();
    expect(bed.fake.requestCounts()).toEqual({ 'clusters/list 200': 2 });

    const { cluster_id } = (await bed.fake.ui.call('clusters/create', {
      cluster_name: 'new',
      spark_version: '15.4.x-scala2.12',
      num_workers: 1,
    })) as { cluster_id: string };
    clusters.created('uid-new', cluster_id);
    expect((await clusters.findOwned('uid-new'))?.cluster_id).toBe(cluster_id);
    expect(bed.fake.requestCount('clusters/list')).toBe(2);
  });

  it('finds a cluster left behind by an earlier object of the name, the one it created after the listing too', async () => {
    const clusters = view();
    await clusters.cluster(ids[0]);
    const tags = { 'k8s-owner': 'team/shared', 'k8s-owner-uid': 'uid-retained' };
    const { cluster_id } = (await bed.fake.ui.call('clusters/create', {
      cluster_name: 'shared',
      spark_version: '15.4.x-scala2.12',
      num_workers: 1,
      custom_tags: tags,
    })) as { cluster_id: string };
    clusters.created('uid-retained', cluster_id, tags);
    bed.fake.clearRequests();

    const again = { metadata: { namespace: 'team', name: 'shared', uid: 'uid-again' } };
    const left = await clusters.findLeftBehind((marker) => isLeftBehindFor(marker, again));
    expect(left.map((cluster) => cluster.cluster_id)).toEqual([cluster_id]);
    expect(bed.fake.requestCounts()).toEqual({ 'clusters/get 200': 1 });
  });
});
