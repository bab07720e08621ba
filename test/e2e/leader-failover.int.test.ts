/**
 * Two controller processes with leader election on one Lease: only the leader reconciles; when it is
 * SIGKILLed (so it cannot release the Lease), the standby takes over once the Lease expires and
 * reconciles what changed meanwhile.
 */
import type { DatabricksJob } from '../../controller/reconcilers/job/job.js';
import { pollUntil } from '../control-plane/poll-until.js';
import type { ControllerProcess, LogLine } from './controller-process.js';
import { JOBS, useProcessTestBed, WORKSPACES } from './process-test-bed.js';

/** controller-runtime's defaults, which the controller uses: lease 15 s, retry every 2 s. */
const LEASE_DURATION_MS = 15_000;
const RETRY_PERIOD_MS = 2_000;

const becameLeader = (line: LogLine): boolean => line.msg === 'became leader';

/** Reconciles this process has run, of both controllers, from its /metrics. */
async function reconciles(controller: ControllerProcess): Promise<number> {
  return controller.metricValue('controller_runtime_reconcile_total');
}

describe('leader election across two controller processes', () => {
  const e2e = useProcessTestBed('failover');

  it('lets only the leader reconcile, and the standby take over within the lease time once the leader is killed', async () => {
    const { bed } = e2e;
    const args = ['--leader-elect', '--leader-election-namespace', bed.namespace];
    const first = e2e.startController('first', args);
    const second = e2e.startController('second', args);
    await Promise.all([first.metricsUrl(), second.metricsUrl()]);
    const leader = await Promise.any([
      first.waitForLog('"became leader"', becameLeader).then(() => first),
      second.waitForLog('"became leader"', becameLeader).then(() => second),
    ]);
    const standby = leader === first ? second : first;

    await bed.waitForCondition(WORKSPACES, 'ws', {}, 30_000);
    await e2e.createJobs(['before-1', 'before-2', 'before-3']);
    await e2e.waitForReadyJobs(3, 30_000);
    // The standby has a warm, synced cache (ready to serve) and has reconciled nothing. Its informers
    // started with the leader's, but nothing waited for them: on a loaded machine they may still be
    // listing when the leader's jobs are Ready.
    await pollUntil('the standby to be ready', async () =>
      (await standby.scrape('/readyz')).status === 200 ? true : undefined,
    );
    expect(await reconciles(leader)).toBeGreaterThanOrEqual(4);
    expect(await reconciles(standby)).toBe(0);
    expect(standby.logs.some(becameLeader)).toBe(false);
    const lease = await bed.kube.readLease(bed.namespace, 'databricks-operator');
    const leaderIdentity = leader.logs.find(becameLeader)?.identity;
    expect(lease?.spec?.holderIdentity).toBe(leaderIdentity);

    const killedAt = Date.now();
    await leader.kill('SIGKILL');
    await bed.create(JOBS, 'DatabricksJob', 'after-kill', e2e.jobSpec('after-kill'));

    const tookOver = await standby.waitForLog('"became leader"', becameLeader, 30_000);
    const takeoverMs = Date.parse(tookOver.ts) - killedAt;
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'after-kill', {}, 30_000);
    const reconciledAfterMs = Date.now() - killedAt;
    process.stderr.write(
      `e2e failover: standby became leader ${(takeoverMs / 1000).toFixed(1)} s after the leader was SIGKILLed ` +
        `(lease ${LEASE_DURATION_MS / 1000} s, retry ${RETRY_PERIOD_MS / 1000} s); the job created after the kill was Ready ` +
        `${(reconciledAfterMs / 1000).toFixed(1)} s after it\n`,
    );

    // The standby waits out the Lease from when it last saw it renewed (at most one retry period before
    // the kill, seen at most one retry period late) and notices expiry on its next attempt: so between
    // lease - retry and lease + 2 retries after the kill, give or take slow API calls on a busy machine.
    // Much earlier would mean it ignored a live Lease.
    const slackMs = 3_000;
    expect(takeoverMs).toBeGreaterThan(LEASE_DURATION_MS - RETRY_PERIOD_MS - slackMs);
    expect(takeoverMs).toBeLessThanOrEqual(LEASE_DURATION_MS + 2 * RETRY_PERIOD_MS + slackMs);
    expect(await reconciles(standby)).toBeGreaterThan(0);
    const remote = e2e.remoteJobs().filter((remoteJob) => remoteJob.ownerUid === job.metadata.uid);
    expect(remote.map((remoteJob) => remoteJob.jobId)).toEqual([job.status?.jobId]);
    expect(e2e.remoteJobs()).toHaveLength(4);
    const renewed = await bed.kube.readLease(bed.namespace, 'databricks-operator');
    expect(renewed?.spec?.holderIdentity).toBe(tookOver.identity);
  }, 90_000);
});
