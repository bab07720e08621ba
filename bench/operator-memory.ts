/**
 * Controller memory benchmark: the controller's RSS with `--jobs` DatabricksJobs (3 tasks each) cached.
 *
 *   npm run bench:memory -- [--jobs 10000] [--workers N] [--runtime compiled|tsx] [--keep]
 *
 * The jobs name a DatabricksWorkspace that does not exist, so each is reconciled once to
 * `Ready=False` (WaitingForDependency: finalizer and status written, no Databricks call) and then sits
 * in the cache, with its status, as a Ready job would. Prints the controller's RSS and heap empty,
 * once every job has been reconciled, and after a full GC, and its peak RSS. Target: under 256 MiB.
 *
 * The controller runs in its own process: compiled with tsc and run with plain node by default (as the
 * image runs it), or through tsx's loader with `--runtime tsx` (as `npm run controller` does).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { findCondition } from '../controller/runtime/conditions.js';
import { RUNTIME_SETTINGS } from '../controller/runtime/runtime-config.js';
import type { OperatorStats } from './operator-process.js';
import {
  OperatorProcess,
  ReadyTracker,
  applyJobs,
  createBenchNamespace,
  deleteBenchNamespace,
  loadAverage,
  log,
  measuredOn,
  mib,
  startBenchCluster,
} from './operator-bench-bed.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '10000' },
      workers: { type: 'string', default: RUNTIME_SETTINGS.workers.fallback },
      runtime: { type: 'string', default: 'compiled' },
      keep: { type: 'boolean', default: false },
    },
  });
  const jobs = Number(values.jobs);
  const workers = Number(values.workers);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new Error(`--jobs must be a whole number, got "${values.jobs}"`);
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`--workers must be a whole number, got "${values.workers}"`);
  const runtime = values.runtime;
  if (runtime !== 'compiled' && runtime !== 'tsx')
    throw new Error(`--runtime must be compiled or tsx, got "${runtime}"`);

  const cluster = await startBenchCluster(values.keep);
  let operator: OperatorProcess | undefined;
  let tracker: ReadyTracker | undefined;
  let namespace: string | undefined;
  try {
    namespace = await createBenchNamespace(cluster, 'bench-memory');
    const logFile = resolve(`.cache/bench/controller-${namespace}.log`);
    operator = await OperatorProcess.start({
      kubeconfig: cluster.kubeconfig,
      namespaces: [namespace],
      workers,
      logFile,
      runtime,
    });
    log(`controller started (pid ${operator.child.pid}, ${runtime}, logs in ${logFile})`);
    await operator.waitForIdle();
    const empty = await operator.stats(true);

    // Reconciled once: the controller has written its Ready condition (WaitingForDependency).
    tracker = new ReadyTracker(
      cluster,
      namespace,
      (object) => findCondition(object.status?.conditions, 'Ready') !== undefined,
    );
    await tracker.start();
    const names = Array.from({ length: jobs }, (_, i) => `job-${String(i).padStart(5, '0')}`);
    const started = Date.now();
    log(`creating ${jobs} DatabricksJobs`);
    await applyJobs(cluster, namespace, names);
    log(
      `all applied after ${((Date.now() - started) / 1000).toFixed(1)} s; waiting until each is reconciled`,
    );
    const progress = setInterval(() => log(`${tracker?.readyAt.size}/${jobs} reconciled`), 15_000);
    try {
      await tracker.waitForReady(jobs, Math.max(300_000, jobs * 100));
    } finally {
      clearInterval(progress);
    }
    const syncedS = (Date.now() - started) / 1000;
    // Let the status writes' watch events reach the controller's cache before measuring.
    await delay(2_000);
    const synced = await operator.stats();
    const collected = await operator.stats(true);
    const peak = await operator.peakRssBytes();
    const figure = (label: string, stats: OperatorStats) =>
      `  ${label.padEnd(34)} RSS ${mib(stats.rssBytes).padStart(8)}, heap used ${mib(stats.heapUsedBytes).padStart(8)}`;
    const lines = [
      `memory: ${jobs} DatabricksJobs x 3 tasks cached (WaitingForDependency), ${workers} workers, ${runtime === 'compiled' ? 'compiled with tsc, plain node' : 'tsx'}`,
      figure('no objects, after GC', empty),
      figure(`${jobs} cached and reconciled`, synced),
      figure(`${jobs} cached, after GC`, collected),
      `  peak RSS ${mib(peak)} (target < 256 MiB); all reconciled ${syncedS.toFixed(1)} s after the first create`,
      `  per object after GC: ${((collected.rssBytes - empty.rssBytes) / jobs / 1024).toFixed(1)} KiB RSS, ${((collected.heapUsedBytes - empty.heapUsedBytes) / jobs / 1024).toFixed(1)} KiB heap`,
      `  load average ${loadAverage()}`,
    ];
    process.stdout.write(
      [
        '',
        '--- summary (paste into BENCHMARKS.md) ---',
        `npm run bench:memory -- --jobs ${jobs} --workers ${workers} --runtime ${runtime}`,
        `measured on ${measuredOn()}`,
        ...lines,
        '---',
        '',
      ].join('\n'),
    );
  } finally {
    await tracker?.stop();
    await operator?.stop();
    if (namespace) await deleteBenchNamespace(cluster, namespace);
    await cluster.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:memory failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
