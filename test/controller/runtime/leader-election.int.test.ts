import { V1MicroTime } from '@kubernetes/client-node';
import { KubeClient } from '../../../controller/runtime/kube-client.js';
import { silentLogger } from '../../../controller/runtime/logger.js';
import { Manager } from '../../../controller/runtime/manager.js';
import { done } from '../../../controller/runtime/outcome.js';
import { testKubeConfig, useTestNamespace } from '../../control-plane/test-cluster.js';
import { GADGETS, gadget, installGadgetCrd, type Gadget } from './gadget-crd.js';
import { waitFor } from './wait-for.js';

// Short timings so failover fits in a test, but a lease several times longer than a slow API call on a
// loaded 2-core machine (some hundreds of ms): the bounds below then separate "waited for the lease"
// from "did not wait" and "waited twice as long" by seconds, not by the noise of a few requests.
const LEASE_MS = 6000;
const RENEW_DEADLINE_MS = 4500;
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
    await waitFor(() => a.manager.isLeader || b.manager.isLeader, 15_000, 'a leader');
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
    await waitFor(() => follower.manager.isLeader, 3 * LEASE_MS, 'the follower to lead');
    const takeoverMs = performance.now() - killedAt;
    // It had to wait for the lease to expire (it cannot know the leader is dead), counted from when it
    // last saw the lease renewed, and then notices on its next attempt: about LEASE_MS, give or take a
    // retry period and a few slow requests. Far below would mean it ignored a live lease; far above, that
    // it waited for more than one lease.
    expect(takeoverMs).toBeGreaterThanOrEqual(LEASE_MS - RENEW_DEADLINE_MS);
    expect(takeoverMs).toBeLessThan(LEASE_MS + 3000);
    await create('after-failover');
    await waitFor(
      () => follower.reconciled.includes('after-failover'),
      10_000,
      'the new leader to reconcile',
    );
    expect(leader.reconciled).not.toContain('after-failover');
  }, 60_000);

  it('hands over at once when the leader stops gracefully and releases the lease', async () => {
    const { leader, follower } = await startPair();
    const stoppingAt = performance.now();
    await leader.manager.stop();
    await waitFor(() => follower.manager.isLeader, 2 * LEASE_MS, 'the follower to lead');
    // Released: the follower takes it on its next attempt, a retry period and a few requests after the
    // stop. Not released, it would have had to wait out the lease from the leader's last renewal (at
    // most a retry period and a request before the stop began): more than LEASE_MS - 1 s.
    expect(performance.now() - stoppingAt).toBeLessThan(LEASE_MS / 2);
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
