import { V1MicroTime } from '@kubernetes/client-node';
import { KubeClient } from '../../../controller/runtime/kube-client.js';
import { silentLogger } from '../../../controller/runtime/logger.js';
import { Manager } from '../../../controller/runtime/manager.js';
import { done } from '../../../controller/runtime/outcome.js';
import { testKubeConfig, useTestNamespace } from '../../control-plane/test-cluster.js';
import { GADGETS, gadget, installGadgetCrd, type Gadget } from './gadget-crd.js';
import { waitFor } from './wait-for.js';

// Short timings so failover fits in a test; the ratios are those of the 15 s / 10 s / 2 s defaults.
const LEASE_MS = 2000;
const RENEW_DEADLINE_MS = 1500;
const RETRY_MS = 200;

describe('leader election between two managers', () => {
  const namespace = useTestNamespace('leader');
  const kube = new KubeClient(testKubeConfig());
  let replicas: { manager: Manager; reconciled: string[] }[] = [];

  beforeAll(() => installGadgetCrd(kube.config), 60_000);
  afterEach(async () => {
    await Promise.all(replicas.map(({ manager }) => manager.stop()));
    replicas = [];
  });

  function replica(identity: string): { manager: Manager; reconciled: string[] } {
    const manager = new Manager({
      kube,
      metricsAddress: '127.0.0.1:0',
      logger: silentLogger,
      leaderElection: {
        namespace: namespace.name,
        name: 'runtime-test',
        identity,
        leaseDurationMs: LEASE_MS,
        renewDeadlineMs: RENEW_DEADLINE_MS,
        retryPeriodMs: RETRY_MS,
      },
    });
    const reconciled: string[] = [];
    const informer = manager.informer<Gadget>({ resource: GADGETS, namespaces: [namespace.name] });
    manager.controller({
      name: 'gadgets',
      informer,
      context: {},
      reconcile: async (object) => (reconciled.push(object.metadata.name), done),
    });
    const created = { manager, reconciled };
    replicas.push(created);
    return created;
  }

  async function startPair(): Promise<{
    leader: ReturnType<typeof replica>;
    follower: ReturnType<typeof replica>;
  }> {
    const a = replica('replica-a');
    const b = replica('replica-b');
    await Promise.all([a.manager.start(), b.manager.start()]);
    await waitFor(() => a.manager.isLeader || b.manager.isLeader, 5000, 'a leader');
    return a.manager.isLeader ? { leader: a, follower: b } : { leader: b, follower: a };
  }

  async function create(name: string): Promise<void> {
    await kube.createCustomObject(GADGETS, namespace.name, gadget(namespace.name, name, { size: 1 }));
  }

  it('lets exactly one replica reconcile', async () => {
    const { leader, follower } = await startPair();
    for (let i = 0; i < 5; i++) await create(`g${i}`);
    await waitFor(() => new Set(leader.reconciled).size === 5, 10_000, 'the leader to reconcile all five');
    // Several renew periods later, still one leader and the follower has done nothing.
    await new Promise((resolve) => setTimeout(resolve, 4 * RETRY_MS));
    expect(follower.manager.isLeader).toBe(false);
    expect(follower.reconciled).toEqual([]);
    const lease = await kube.readLease(namespace.name, 'runtime-test');
    expect(lease?.spec?.holderIdentity).toBe(leader === replicas[0] ? 'replica-a' : 'replica-b');
  }, 30_000);

  it('fails over within the lease duration when the leader dies without releasing', async () => {
    const { leader, follower } = await startPair();
    const killedAt = performance.now();
    await leader.manager.abandon();
    await waitFor(() => follower.manager.isLeader, LEASE_MS + 5 * RETRY_MS + 1000, 'the follower to lead');
    const takeoverMs = performance.now() - killedAt;
    // It had to wait for the lease to expire (it cannot know the leader is dead), but no longer.
    expect(takeoverMs).toBeGreaterThanOrEqual(LEASE_MS - RENEW_DEADLINE_MS);
    expect(takeoverMs).toBeLessThan(LEASE_MS + 3 * RETRY_MS + 500);
    await create('after-failover');
    await waitFor(
      () => follower.reconciled.includes('after-failover'),
      10_000,
      'the new leader to reconcile',
    );
    expect(leader.reconciled).not.toContain('after-failover');
  }, 30_000);

  it('hands over at once when the leader stops gracefully and releases the lease', async () => {
    const { leader, follower } = await startPair();
    await leader.manager.stop();
    const releasedAt = performance.now();
    await waitFor(() => follower.manager.isLeader, LEASE_MS, 'the follower to lead');
    expect(performance.now() - releasedAt).toBeLessThan(RETRY_MS + 500);
  }, 30_000);

  it('stops reconciling and reports leadership-lost when another holder takes the lease', async () => {
    const { leader, follower } = await startPair();
    await follower.manager.abandon();
    const lease = (await kube.readLease(namespace.name, 'runtime-test'))!;
    lease.spec = {
      ...lease.spec,
      holderIdentity: 'intruder',
      renewTime: new V1MicroTime(),
      leaseDurationSeconds: 60,
    };
    await kube.replaceLease(namespace.name, lease);
    expect(await leader.manager.done).toBe('leadership-lost');
    expect(leader.manager.isLeader).toBe(false);
    await create('unattended');
    await new Promise((resolve) => setTimeout(resolve, 3 * RETRY_MS));
    expect(leader.reconciled).not.toContain('unattended');
  }, 30_000);
});
