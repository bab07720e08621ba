/**
 * Drift benchmark: how soon changes made in Databricks are put back, and what watching for them costs.
 *
 *   npm run bench:drift -- [--jobs 1000] [--edited 20] [--deleted 5] [--rounds 3] [--steady-s 180]
 *                          [--latency-ms 50] [--workers 16] [--resync-period 50s] [--seed 1] [--keep]
 *
 * The controller runs in its own process with its default resync period (`--resync-period` to try
 * another) against the local control plane and a fake workspace answering in `--latency-ms`.
 *
 * 1. `--jobs` DatabricksJobs of 3 tasks are created and converge (as in bench:converge).
 * 2. Steady state, for `--steady-s`: the Databricks reads per minute (target: at most jobs/100 + 10), the
 *    calls that write (target 0), and the updates of DatabricksJob objects in the API server (target 0).
 * 3. `--rounds` times, at a random moment of the resync cycle: `--edited` jobs are edited and
 *    `--deleted` others are deleted in the fake's "UI" (its state, not through the controller), the
 *    deleted ones while a run of theirs is going. Measured: from the change to the job put back (settings
 *    equal the spec again; for a deleted one, a new job in status and a Ready message naming it), and the
 *    reads during the minute from the change on. Target: every job put back within 60 s.
 *
 * Uses the cluster in KUBECONFIG, or starts the local control plane (and stops it at the end unless
 * `--keep`). Progress goes to stderr; stdout ends with a summary block for BENCHMARKS.md.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { DatabricksJob } from '../controller/reconcilers/job/job.js';
import { findCondition } from '../controller/runtime/conditions.js';
import { Informer } from '../controller/runtime/informer.js';
import { RUNTIME_SETTINGS, parseRuntimeConfig } from '../controller/runtime/runtime-config.js';
import { seededRandom } from '../test/fake-databricks/faults.js';
import { startFakeWorkspace, type FakeWorkspace } from '../test/fake-databricks/index.js';
import {
  JOBS,
  OperatorProcess,
  ReadyTracker,
  applyJobs,
  createBenchNamespace,
  createWorkspace,
  deleteBenchNamespace,
  formatCalls,
  loadAverage,
  log,
  measuredOn,
  median,
  mib,
  startBenchCluster,
  summarizeCalls,
  waitForWorkspaceReady,
  type BenchCluster,
} from './operator-bench-bed.js';

interface Options {
  readonly jobs: number;
  readonly edited: number;
  readonly deleted: number;
  readonly rounds: number;
  readonly steadyMs: number;
  readonly latencyMs: number;
  readonly workers: number;
  readonly resyncPeriod: string;
  readonly seed: number;
  readonly keep: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      jobs: { type: 'string', default: '1000' },
      edited: { type: 'string', default: '20' },
      deleted: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      'steady-s': { type: 'string', default: '180' },
      'latency-ms': { type: 'string', default: '50' },
      workers: { type: 'string', default: RUNTIME_SETTINGS.workers.fallback },
      'resync-period': { type: 'string', default: RUNTIME_SETTINGS.resyncPeriod.fallback },
      seed: { type: 'string', default: '1' },
      keep: { type: 'boolean', default: false },
    },
  });
  const whole = (name: string, raw: string, min: number): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`--${name} must be a whole number of at least ${min}, got "${raw}"`);
    return value;
  };
  const options = {
    jobs: whole('jobs', values.jobs, 1),
    edited: whole('edited', values.edited, 0),
    deleted: whole('deleted', values.deleted, 0),
    rounds: whole('rounds', values.rounds, 0),
    steadyMs: whole('steady-s', values['steady-s'], 1) * 1000,
    latencyMs: whole('latency-ms', values['latency-ms'], 0),
    workers: whole('workers', values.workers, 1),
    resyncPeriod: values['resync-period'],
    seed: whole('seed', values.seed, 0),
    keep: values.keep,
  };
  if (options.rounds * (options.edited + options.deleted) > options.jobs) {
    throw new Error(
      `--rounds x (--edited + --deleted) = ${options.rounds * (options.edited + options.deleted)} jobs to change, but there are only --jobs ${options.jobs}`,
    );
  }
  return options;
}

/** Watches the benchmark's DatabricksJobs: their status, and how often the API server changed them. */
class JobWatch {
  /** Updates that changed an object (a new resourceVersion), counted since `reset`. */
  updates = 0;
  private readonly informer: Informer<DatabricksJob>;

  constructor(
    cluster: BenchCluster,
    private readonly namespace: string,
  ) {
    this.informer = new Informer<DatabricksJob>(cluster.kube, { resource: JOBS, namespaces: [namespace] });
    this.informer.addEventHandler({
      onUpdate: (previous, current) => {
        if (previous.metadata.resourceVersion !== current.metadata.resourceVersion) this.updates++;
      },
    });
  }

  async start(): Promise<void> {
    this.informer.start();
    await this.informer.waitForSync();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  get(name: string): DatabricksJob | undefined {
    return this.informer.store.get(`${this.namespace}/${name}`);
  }
}

/** What every resync reads, whatever changed: the shared jobs listing and the runs walk. */
const RESYNC_READS = new Set(['jobs/list', 'jobs/runs/list']);

/**
 * Reads (GETs) and writes the fake answered in [from, to), by its request log: all reads, those beyond
 * the resyncs' own listings, and the most reads in any 60 s within it.
 */
function callsBetween(fake: FakeWorkspace, from: number, to: number) {
  const requests = fake.requests().filter((request) => request.time >= from && request.time < to);
  const reads = requests.filter((request) => request.method === 'GET');
  const counts: Record<string, number> = {};
  for (const request of requests) {
    const key = `${request.endpoint} ${request.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  const times = reads.map((request) => request.time).sort((a, b) => a - b);
  let busiestMinute = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last] - times[first] >= 60_000) first++;
    busiestMinute = Math.max(busiestMinute, last - first + 1);
  }
  return {
    reads: reads.length,
    ownReads: reads.filter((request) => !RESYNC_READS.has(request.endpoint)).length,
    busiestMinute,
    writes: requests.length - reads.length,
    counts,
  };
}

interface Change {
  readonly name: string;
  readonly jobId: number;
  readonly kind: 'edited' | 'deleted';
  readonly at: number;
  putBackAt?: number;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const random = seededRandom(options.seed);
  const cluster = await startBenchCluster(options.keep);
  // Runs go on for the whole benchmark, so a job is deleted while it runs.
  const fake = await startFakeWorkspace({
    latency: { fixedMs: options.latencyMs },
    timing: { taskRunningMs: 3_600_000 },
    requestLogCapacity: 200_000,
  });
  let operator: OperatorProcess | undefined;
  let tracker: ReadyTracker | undefined;
  let watch: JobWatch | undefined;
  let namespace: string | undefined;
  const summary: string[] = [];
  const print = (lines: string[]) => {
    process.stdout.write(lines.join('\n') + '\n');
    summary.push(...lines);
  };
  try {
    namespace = await createBenchNamespace(cluster, 'bench-drift');
    await createWorkspace(cluster, namespace, fake);
    const logFile = resolve(`.cache/bench/controller-${namespace}.log`);
    operator = await OperatorProcess.start({
      kubeconfig: cluster.kubeconfig,
      namespaces: [namespace],
      workers: options.workers,
      resyncPeriod: options.resyncPeriod,
      logFile,
    });
    log(
      `controller started (pid ${operator.child.pid}, resync period ${options.resyncPeriod}, logs in ${logFile})`,
    );
    await waitForWorkspaceReady(cluster, namespace);
    tracker = new ReadyTracker(cluster, namespace);
    await tracker.start();
    watch = new JobWatch(cluster, namespace);
    await watch.start();

    // 1. Converge.
    const names = Array.from({ length: options.jobs }, (_, i) => `job-${String(i).padStart(5, '0')}`);
    log(`creating ${options.jobs} DatabricksJobs`);
    const started = Date.now();
    await applyJobs(cluster, namespace, names);
    await tracker.waitForReady(options.jobs, Math.max(180_000, options.jobs * 300));
    print([
      `converge: ${options.jobs} DatabricksJobs Ready after ${((Date.now() - started) / 1000).toFixed(1)} s with resyncs every ${options.resyncPeriod} going on (load ${loadAverage()})`,
    ]);
    log('letting the controller settle');
    await operator.waitForIdle(300_000, 2_000);

    // 2. Steady state.
    log(`steady state: counting for ${options.steadyMs / 1000} s`);
    fake.clearRequests();
    watch.updates = 0;
    const cpuBefore = (await operator.stats()).cpuSeconds;
    const reconcilesBefore = (await operator.stats()).reconciles['databricksjob'] ?? 0;
    const steadyFrom = Date.now();
    await delay(options.steadyMs);
    const steadyTo = Date.now();
    const after = await operator.stats();
    const cpuShare = (100 * (after.cpuSeconds - cpuBefore)) / ((steadyTo - steadyFrom) / 1000);
    const reconciled = (after.reconciles['databricksjob'] ?? 0) - reconcilesBefore;
    const steady = callsBetween(fake, steadyFrom, steadyTo);
    const minutes = (steadyTo - steadyFrom) / 60_000;
    const budget = options.jobs / 100 + 10;
    print([
      `steady state: ${options.jobs} Ready DatabricksJobs, resync period ${options.resyncPeriod}, fake latency ${options.latencyMs} ms, ${(minutes * 60).toFixed(0)} s`,
      `  Databricks reads    ${steady.reads} = ${(steady.reads / minutes).toFixed(1)}/min (target <= ${budget.toFixed(0)}/min), at most ${steady.busiestMinute} in any 60 s; writes ${steady.writes} (target 0)`,
      ...formatCalls(summarizeCalls(steady.counts), '    '),
      `  DatabricksJob updates in the API server: ${watch.updates} (target 0)`,
      `  controller          ${reconciled} job reconciles, CPU ${cpuShare.toFixed(1)} % of a core`,
      `  load average        ${loadAverage()}`,
    ]);

    // 3. Rounds of changes made in the UI.
    const changes: Change[] = [];
    const shuffled = [...names].sort(() => random() - 0.5);
    const { resyncPeriodMs } = parseRuntimeConfig(['--resync-period', options.resyncPeriod], {});
    for (let round = 1; round <= options.rounds; round++) {
      // A random moment of the resync cycle: the worst case is a change just after a listing read it.
      await delay(Math.floor(random() * resyncPeriodMs));
      const picked = shuffled.splice(0, options.edited + options.deleted);
      const toDelete = picked.slice(0, options.deleted);
      const toEdit = picked.slice(options.deleted);
      for (const name of toDelete) {
        const jobId = watch.get(name)?.status?.jobId ?? 0;
        await fake.ui.call('jobs/run-now', { job_id: jobId });
      }
      fake.clearRequests();
      const roundFrom = Date.now();
      const roundChanges: Change[] = [];
      for (const name of toEdit) {
        const jobId = watch.get(name)?.status?.jobId ?? 0;
        await fake.ui.updateJob(jobId, { max_concurrent_runs: 5, timeout_seconds: 600 });
        roundChanges.push({ name, jobId, kind: 'edited', at: Date.now() });
      }
      for (const name of toDelete) {
        const jobId = watch.get(name)?.status?.jobId ?? 0;
        await fake.ui.deleteJob(jobId);
        roundChanges.push({ name, jobId, kind: 'deleted', at: Date.now() });
      }
      log(`round ${round}: edited ${toEdit.length} and deleted ${toDelete.length} jobs in the UI`);
      const deadline = roundFrom + 180_000;
      while (roundChanges.some((change) => change.putBackAt === undefined)) {
        if (Date.now() > deadline)
          throw new Error(`round ${round}: not everything was put back within 180 s`);
        for (const change of roundChanges) {
          if (change.putBackAt === undefined && (await isPutBack(fake, watch, change)))
            change.putBackAt = Date.now();
        }
        await delay(100);
      }
      const doneAt = Math.max(...roundChanges.map((change) => change.putBackAt ?? 0));
      // The minute from the change on: what correcting it cost on top of the resyncs.
      await delay(Math.max(0, roundFrom + 60_000 - Date.now()));
      const minute = callsBetween(fake, roundFrom, roundFrom + 60_000);
      const times = roundChanges.map((change) => (change.putBackAt ?? 0) - change.at);
      print([
        `round ${round}: ${toEdit.length} edited + ${toDelete.length} deleted (while running) in the UI, all put back after ${((doneAt - roundFrom) / 1000).toFixed(1)} s`,
        `  put back after      median ${(median(times) / 1000).toFixed(1)} s, max ${(Math.max(...times) / 1000).toFixed(1)} s (target <= 60 s)`,
        `  the minute from the change: Databricks reads ${minute.reads} (${minute.reads - minute.ownReads} by the resyncs in it, ${minute.ownReads} besides), writes ${minute.writes}`,
        ...formatCalls(summarizeCalls(minute.counts), '    '),
        `  load average        ${loadAverage()}`,
      ]);
      changes.push(...roundChanges);
    }
    if (changes.length > 0) {
      const times = changes.map((change) => (change.putBackAt ?? 0) - change.at);
      const deleted = changes.filter((change) => change.kind === 'deleted');
      print([
        `all rounds: ${changes.length} changes, put back after median ${(median(times) / 1000).toFixed(1)} s, max ${(Math.max(...times) / 1000).toFixed(1)} s; deleted jobs' Ready named the new job after max ${(Math.max(...deleted.map((change) => (change.putBackAt ?? 0) - change.at), 0) / 1000).toFixed(1)} s`,
      ]);
    }
    const rss = await operator.stats(true);
    summary.push(
      `controller RSS at the end ${mib(rss.rssBytes)} (after GC), peak ${mib(await operator.peakRssBytes())}`,
    );
    process.stdout.write(
      [
        '',
        '--- summary (paste into BENCHMARKS.md) ---',
        `npm run bench:drift -- --jobs ${options.jobs} --edited ${options.edited} --deleted ${options.deleted}` +
          ` --rounds ${options.rounds} --steady-s ${options.steadyMs / 1000} --latency-ms ${options.latencyMs}` +
          ` --resync-period ${options.resyncPeriod}`,
        `measured on ${measuredOn()}`,
        ...summary,
        '---',
        '',
      ].join('\n'),
    );
  } finally {
    await watch?.stop();
    await tracker?.stop();
    await operator?.stop();
    if (namespace) await deleteBenchNamespace(cluster, namespace);
    await fake.close();
    await cluster.stop();
  }
}

/**
 * Whether a change is undone: an edited job holds its spec's settings again; a deleted job's object
 * names a new job that exists, and its Ready condition says that one matches.
 */
async function isPutBack(fake: FakeWorkspace, watch: JobWatch, change: Change): Promise<boolean> {
  if (change.kind === 'edited') {
    const job = (await fake.ui.call('jobs/get', { job_id: change.jobId })) as {
      settings?: { max_concurrent_runs?: number };
    };
    return job.settings?.max_concurrent_runs === 1;
  }
  const object = watch.get(change.name);
  const jobId = object?.status?.jobId;
  if (jobId === undefined || jobId === change.jobId) return false;
  const ready = findCondition(object?.status?.conditions, 'Ready');
  return ready?.status === 'True' && ready.message === `job ${jobId} matches spec.settings`;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:drift failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
