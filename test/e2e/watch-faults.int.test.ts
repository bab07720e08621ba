/**
 * The API server's watches broken under a running operator: connections dropped, reconnects refused,
 * and resumes answered 410 Gone. Changes made to DatabricksJobs meanwhile must all reach Databricks:
 * the informers resume from the last resourceVersion they saw, or relist when it has expired. The
 * resync period is ten minutes, so nothing but the watch machinery can rescue a missed change.
 */
import type { DatabricksJob } from '../../controller/reconcilers/job/job.js';
import { Logger } from '../../controller/runtime/logger.js';
import { pollUntil } from '../control-plane/poll-until.js';
import { testKubeConfig } from '../control-plane/test-cluster.js';
import { RESOURCES, useOperatorTestBed, type OperatorTestBed } from '../controller/operator-test-bed.js';
import { envCount } from './process-test-bed.js';
import { WatchBreakingKubeClient } from './watch-breaking-kube-client.js';

const JOBS = RESOURCES.DatabricksJob;
/** One informer per kind, and one each of the Secrets and ConfigMaps objects read, all watching the test namespace. */
const WATCH_SCOPES = Object.keys(RESOURCES).length + 2;
const dropRounds = envCount('E2E_WATCH_DROP_ROUNDS', 9);

const jobSpec = (name: string, settings: Record<string, unknown> = {}) => ({
  workspaceRef: { name: 'ws' },
  settings: {
    name,
    tasks: [{ task_key: 'main', notebook_task: { notebook_path: `/Shared/${name}` } }],
    ...settings,
  },
});

/** The fake's jobs by name, with the settings the tests change. */
function remoteJobs(bed: OperatorTestBed): Map<string, { jobId: number; maxConcurrentRuns: unknown }> {
  const { jobs } = bed.fake.snapshot().jobs as {
    jobs: { job_id: number; settings: { name: string; max_concurrent_runs?: number } }[];
  };
  return new Map(
    jobs.map((job) => [
      job.settings.name,
      { jobId: job.job_id, maxConcurrentRuns: job.settings.max_concurrent_runs },
    ]),
  );
}

describe('informers under broken watches', () => {
  const kube = new WatchBreakingKubeClient(testKubeConfig());
  const logs: { msg: string; reflector?: string }[] = [];
  const logger = new Logger({
    level: 'info',
    sink: (line) => {
      logs.push(JSON.parse(line) as { msg: string });
      if (process.env.TEST_LOG) process.stderr.write(`${line}\n`);
    },
  });
  const bed = useOperatorTestBed('watch', { operator: { kube, logger } });

  beforeEach(() => {
    logs.length = 0;
  });

  it('applies every change made while watches were refused, relisting after 410 Gone', async () => {
    for (const name of ['updated', 'deleted', 'twice'])
      await bed.create(JOBS, 'DatabricksJob', name, jobSpec(name));
    for (const name of ['updated', 'deleted', 'twice']) await bed.waitForCondition(JOBS, name);
    const deletedJobId = remoteJobs(bed).get('deleted')!.jobId;

    kube.breakWatches();
    await pollUntil('every informer to find its watch refused', async () =>
      kube.brokenScopes.length >= WATCH_SCOPES ? true : undefined,
    );
    await bed.create(JOBS, 'DatabricksJob', 'added', jobSpec('added'));
    await bed.patchSpec(JOBS, 'updated', jobSpec('updated', { max_concurrent_runs: 5 }));
    await bed.delete(JOBS, 'deleted');
    await bed.patchSpec(JOBS, 'twice', jobSpec('twice', { max_concurrent_runs: 2 }));
    await bed.patchSpec(JOBS, 'twice', jobSpec('twice', { max_concurrent_runs: 3 }));
    // The outage outlasts the changes: every informer tried again after them and was refused.
    const refusedAfterChanges = kube.stats.refused;
    await pollUntil(
      'every informer to retry its watch after the changes',
      async () => (kube.stats.refused >= refusedAfterChanges + WATCH_SCOPES ? true : undefined),
      { timeoutMs: 15_000 },
    );
    // Blind meanwhile: nothing reached Databricks.
    expect(bed.fake.requestCount('jobs/create', 200)).toBe(3);
    expect(bed.fake.requestCount('jobs/reset')).toBe(0);
    expect(bed.fake.requestCount('jobs/delete')).toBe(0);

    kube.restore({ expired: true });
    const added = await bed.waitForCondition<DatabricksJob>(JOBS, 'added');
    await bed.waitForCondition(JOBS, 'updated');
    await bed.waitForCondition(JOBS, 'twice');
    await bed.waitForGone(JOBS, 'deleted');

    const remote = remoteJobs(bed);
    expect([...remote.keys()].sort()).toEqual(['added', 'twice', 'updated']);
    expect(remote.get('added')?.jobId).toBe(added.status?.jobId);
    expect(remote.get('updated')?.maxConcurrentRuns).toBe(5);
    expect(remote.get('twice')?.maxConcurrentRuns).toBe(3);
    expect(
      bed.fake.requests({ endpoint: 'jobs/delete' }).map((r) => (r.body as { job_id?: number }).job_id),
    ).toEqual([deletedJobId]);
    expect(bed.fake.requestCount('jobs/create', 200)).toBe(4);
    // The faults really hit: every informer's resumed watch was answered 410 Gone and it relisted.
    expect(kube.stats.expired).toBeGreaterThanOrEqual(WATCH_SCOPES);
    // Every kind's: the API server may resume a Secret or ConfigMap watch from that resourceVersion instead.
    const relisted = new Set(logs.filter((l) => l.msg.includes('410 Gone')).map((l) => l.reflector));
    expect([...relisted].sort()).toEqual(
      expect.arrayContaining(Object.values(RESOURCES).map(({ plural, group }) => `${plural}.${group}`)),
    );
  }, 60_000);

  it('resumes dropped watches where they ended, missing none of the changes made while they were down', async () => {
    await bed.create(JOBS, 'DatabricksJob', 'steady', jobSpec('steady'));
    await bed.waitForCondition(JOBS, 'steady');
    await pollUntil('every informer to watch', async () =>
      kube.openWatches() >= WATCH_SCOPES ? true : undefined,
    );

    const expected = new Map<string, number>([['steady', 1]]);
    const created: string[] = [];
    let creates = 1;
    let dropped = 0;
    for (let round = 0; round < dropRounds; round++) {
      dropped += kube.dropWatches();
      // Each change is made while the watches are down: a reflector waits out a backoff before resuming.
      if (round % 3 === 2 && created.length > 0) {
        const name = created.shift()!;
        await bed.delete(JOBS, name);
        expected.delete(name);
      } else if (round % 3 === 1) {
        await bed.patchSpec(JOBS, 'steady', jobSpec('steady', { max_concurrent_runs: round + 1 }));
        expected.set('steady', round + 1);
      } else {
        const name = `round-${round}`;
        await bed.create(JOBS, 'DatabricksJob', name, jobSpec(name));
        created.push(name);
        creates++;
        expected.set(name, 1);
      }
      // A watch dropped within a second of opening, with nothing in it, counts as a failure and the
      // reflector backs off longer each time; a connection that lasted longer resumes after 200 ms.
      await pollUntil('every informer to resume its watch for a second', async () =>
        kube.openWatches(1_000) >= WATCH_SCOPES ? true : undefined,
      );
    }

    for (const name of expected.keys()) await bed.waitForCondition(JOBS, name);
    await pollUntil('the deleted DatabricksJobs to be gone and their jobs deleted', async () => {
      const names = (await bed.kube.list(JOBS, bed.namespace)).items.map((job) => job.metadata.name);
      return names.length === expected.size && remoteJobs(bed).size === expected.size ? true : undefined;
    });
    const remote = remoteJobs(bed);
    expect(Object.fromEntries([...remote].map(([name, job]) => [name, job.maxConcurrentRuns]))).toEqual(
      Object.fromEntries(expected),
    );
    expect(dropped).toBeGreaterThanOrEqual(dropRounds * WATCH_SCOPES);
    expect(bed.fake.requestCount('jobs/create', 200)).toBe(creates);
  }, 60_000);
});
