import type { V1Lease } from '@kubernetes/client-node';
import type { KubeClient } from '../../../controller/runtime/kube-client.js';
import { LeaderElector } from '../../../controller/runtime/leader-election.js';
import { waitFor } from './wait-for.js';

type LeaseClient = Pick<KubeClient, 'readLease' | 'createLease' | 'replaceLease'>;

/** An in-memory Lease store with resourceVersion checks, which can be made to hang like a dead API server. */
function leaseStore(): { client: LeaseClient; hang(): void } {
  let stored: V1Lease | undefined;
  let version = 0;
  let hanging = false;
  const never = new Promise<never>(() => undefined);
  const write = (lease: V1Lease): V1Lease => {
    stored = structuredClone({
      ...lease,
      metadata: { ...lease.metadata, resourceVersion: String(++version) },
    });
    return structuredClone(stored);
  };
  const client: LeaseClient = {
    async readLease() {
      if (hanging) return never;
      return stored && structuredClone(stored);
    },
    async createLease(_namespace, body) {
      if (hanging) return never;
      if (stored) throw Object.assign(new Error('exists'), { statusCode: 409 });
      return write(body);
    },
    async replaceLease(_namespace, body) {
      if (hanging) return never;
      if (body.metadata?.resourceVersion !== stored?.metadata?.resourceVersion) {
        throw Object.assign(new Error('conflict'), { statusCode: 409 });
      }
      return write(body);
    },
  };
  return { client, hang: () => (hanging = true) };
}

describe('LeaderElector', () => {
  it('steps down within the renew deadline when the API server stops answering', async () => {
    const store = leaseStore();
    const events: string[] = [];
    const elector = new LeaderElector(
      store.client,
      { namespace: 'ns', identity: 'a', leaseDurationMs: 5000, renewDeadlineMs: 300, retryPeriodMs: 50 },
      { onStartedLeading: () => events.push('started'), onStoppedLeading: () => events.push('stopped') },
    );
    elector.start();
    await waitFor(() => elector.isLeader, 10_000, 'leadership');
    store.hang();
    const hungAt = performance.now();
    await waitFor(() => !elector.isLeader, 10_000, 'stepping down');
    // The hung request never returns, so only the 300 ms renew deadline can end the leadership: well
    // before the 5 s lease runs out elsewhere. (A loaded machine delays the deadline's timer by some
    // hundreds of ms at most; waiting for the lease instead would take 5 s.)
    expect(performance.now() - hungAt).toBeLessThan(2_500);
    expect(events).toEqual(['started', 'stopped']);
    void elector.abandon();
  });

  it('keeps one holder when two candidates race for a new lease', async () => {
    const store = leaseStore();
    const options = { namespace: 'ns', leaseDurationMs: 1000, renewDeadlineMs: 500, retryPeriodMs: 20 };
    const noop = { onStartedLeading: () => undefined, onStoppedLeading: () => undefined };
    const a = new LeaderElector(store.client, { ...options, identity: 'a' }, noop);
    const b = new LeaderElector(store.client, { ...options, identity: 'b' }, noop);
    a.start();
    b.start();
    await waitFor(() => a.isLeader || b.isLeader, 10_000, 'a leader');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
    await Promise.all([a.release(), b.release()]);
  });

  it('refuses a renew deadline that is not shorter than the lease', () => {
    const noop = { onStartedLeading: () => undefined, onStoppedLeading: () => undefined };
    expect(
      () =>
        new LeaderElector(
          leaseStore().client,
          { namespace: 'ns', leaseDurationMs: 1000, renewDeadlineMs: 1000 },
          noop,
        ),
    ).toThrow('renewDeadlineMs (1000) must be shorter than leaseDurationMs (1000)');
  });
});
