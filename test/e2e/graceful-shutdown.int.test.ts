/**
 * SIGTERM while reconciles are in flight: the controller takes no new work, lets the reconciles it has
 * started finish (every job it created has its ID in status), releases its Lease and exits 0.
 */
import { pollUntil } from '../control-plane/poll-until.js';
import { envCount, isReady, useProcessTestBed, WORKSPACES } from './process-test-bed.js';

const jobCount = envCount('E2E_SHUTDOWN_JOBS', 40);

describe('graceful shutdown of the controller process', () => {
  // Slow Databricks answers keep every worker busy, so the signal lands mid-reconcile.
  const e2e = useProcessTestBed('shutdown', { latency: { fixedMs: 300, jitterMs: 100 } });

  it('finishes the reconciles in flight on SIGTERM, then releases the Lease and exits 0', async () => {
    const { bed } = e2e;
    const controller = e2e.startController('controller', [
      '--workers',
      '4',
      '--leader-elect',
      '--leader-election-namespace',
      bed.namespace,
    ]);
    await bed.waitForCondition(WORKSPACES, 'ws', {}, 30_000);
    await e2e.createJobs(Array.from({ length: jobCount }, (_, i) => `job-${i}`));

    const creates = (): number => bed.fake.requestCount('jobs/create', 200);
    let beforeSignal = 0;
    // The signal goes while a reconcile waits on its jobs/create (the fake holds it for its latency), so
    // at least one reconcile is mid-way and must finish: its job is created after the signal, and its
    // ID must still reach status before the process exits.
    await pollUntil(
      'a DatabricksJob reconcile waiting on jobs/create after the first creates',
      async () => {
        if (creates() < 2 || bed.fake.requestsInProgress('jobs/create') === 0) return undefined;
        controller.signal('SIGTERM');
        beforeSignal = creates();
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 5 },
    );
    const signalledAt = Date.now();
    const exit = await controller.exited;
    const exitMs = Date.now() - signalledAt;

    const jobs = await e2e.listJobs();
    const remote = e2e.remoteJobs();
    process.stderr.write(
      `e2e shutdown: SIGTERM while a jobs/create was waiting, after ${beforeSignal} creates; ` +
        `${remote.length - beforeSignal} creates finished after it; exit ${exit.code} after ${exitMs} ms\n`,
    );

    expect(exit).toEqual({ code: 0, signal: null });
    expect(controller.logs.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['shutting down', 'released the lease', 'controller stopped']),
    );
    // Reconciles that had started went on to create their job after the signal...
    expect(remote.length).toBeGreaterThan(beforeSignal);
    // ...but the queue was not drained: keys not yet started were left for the next process.
    expect(remote.length).toBeLessThan(jobCount);
    // No half-done reconcile: every job created in Databricks is recorded in its object's status.
    const byUid = new Map(jobs.map((job) => [job.metadata.uid, job]));
    for (const job of remote) {
      const owner = byUid.get(job.ownerUid);
      expect({
        jobId: job.jobId,
        ownerStatusJobId: owner?.status?.jobId,
        ready: owner && isReady(owner),
      }).toEqual({
        jobId: job.jobId,
        ownerStatusJobId: job.jobId,
        ready: true,
      });
    }
    const lease = await bed.kube.readLease(bed.namespace, 'databricks-operator');
    expect(lease?.spec?.holderIdentity).toBeUndefined();
  }, 90_000);
});
