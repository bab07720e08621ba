/**
 * Controller benchmark: convergence, the cost of a resync, and create latency.
 *
 *   npm run bench:converge -- [--jobs 1000] [--workers N] [--latency-ms 50] [--samples 20]
 *                             [--phases converge,resync,latency] [--rate-limit N] [--keep]
 *
 * 1. converge: `--jobs` DatabricksJobs of 3 tasks are created at once (32 creates in flight against the
 *    API server) while the controller runs in its own process against a fake workspace with Databricks'
 *    default rate limits (jobs/create 20/s) and `--latency-ms` per call. Prints the time until all are
 *    Ready, the Databricks calls by endpoint and status, the 429s, and the controller's peak RSS.
 *    Target: within 1.2x the rate-limit floor (jobs / 20 per s), fewer than 5 % of calls answered 429.
 * 2. resync: with every job Ready and the controller idle, one resync of every informer is forced, and
 *    the calls it causes are counted. Target: at most jobs/100 + 10 reads and no writes.
 * 3. latency: `--samples` new jobs, one at a time on the idle system, fake latency 0: the time from the
 *    create request to the API server until the fake receives jobs/create. Target: under 300 ms.
 *
 * Uses the cluster in KUBECONFIG, or starts the local control plane (and stops it at the end unless
 * `--keep`). Progress goes to stderr; stdout ends with a summary block for BENCHMARKS.md.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { RUNTIME_SETTINGS } from '../controller/runtime/runtime-config.js';
import { pollUntil } from '../test/control-plane/poll-until.js';
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
  jobManifest,
  startBenchCluster,
  summarizeCalls,
  waitForWorkspaceReady,
  type BenchCluster,
} from './operator-bench-bed.js';

const PHASES = ['converge', 'resync', 'latency'] as const;
type Phase = (typeof PHASES)[number];

interface Options {
  readonly jobs: number;
  readonly workers: number;
  readonly latencyMs: number;
  readonly samples: number;
  readonly phases: ReadonlySet<Phase>;
  readonly keep: boolean;
  /** The DatabricksWorkspace's `spec.rateLimit`; undefined leaves it unset (the controller's default). */
  readonly rateLimit: number | undefined;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      jobs: { type: 'string', default: '1000' },
      workers: { type: 'string', default: RUNTIME_SETTINGS.workers.fallback },
      'latency-ms': { type: 'string', default: '50' },
      samples: { type: 'string', default: '20' },
      phases: { type: 'string', default: PHASES.join(',') },
      keep: { type: 'boolean', default: false },
      'rate-limit': { type: 'string' },
    },
  });
  const whole = (name: string, raw: string, min: number): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`--${name} must be a whole number of at least ${min}, got "${raw}"`);
    return value;
  };
  const phases = new Set(values.phases.split(',').map((p) => p.trim()));
  for (const phase of phases) {
    if (!PHASES.includes(phase as Phase))
      throw new Error(`--phases: "${phase}" is not a phase; use some of ${PHASES.join(',')}`);
  }
  if (phases.has('resync') && !phases.has('converge'))
    throw new Error('--phases: resync needs converge (it resyncs the converged jobs)');
  return {
    jobs: whole('jobs', values.jobs, 1),
    workers: whole('workers', values.workers, 1),
    latencyMs: whole('latency-ms', values['latency-ms'], 0),
    samples: whole('samples', values.samples, 1),
    phases: phases as Set<Phase>,
    keep: values.keep,
    rateLimit: values['rate-limit'] === undefined ? undefined : whole('rate-limit', values['rate-limit'], 1),
  };
}

/** Resolves once the fake has answered nothing new for `quietMs`. */
async function fakeQuiet(fake: FakeWorkspace, quietMs = 1_000): Promise<void> {
  const total = () => Object.values(fake.requestCounts()).reduce((sum, n) => sum + n, 0);
  let last = total();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    await delay(100);
    const now = total();
    if (now !== last) [last, since] = [now, Date.now()];
  }
}

interface Bench {
  readonly options: Options;
  readonly cluster: BenchCluster;
  readonly namespace: string;
  readonly fake: FakeWorkspace;
  readonly operator: OperatorProcess;
  readonly tracker: ReadyTracker;
  readonly summary: string[];
}

async function converge({ options, cluster, namespace, fake, operator, tracker, summary }: Bench) {
  const { jobs } = options;
  const names = Array.from({ length: jobs }, (_, i) => `job-${String(i).padStart(5, '0')}`);
  fake.clearRequests();
  const cpuBefore = (await operator.stats()).cpuSeconds;
  log(`converge: creating ${jobs} DatabricksJobs`);
  const started = Date.now();
  await applyJobs(cluster, namespace, names);
  const appliedMs = Date.now() - started;
  log(`converge: all applied after ${(appliedMs / 1000).toFixed(1)} s; waiting for Ready`);
  const progress = setInterval(() => log(`converge: ${tracker.readyAt.size}/${jobs} Ready`), 10_000);
  try {
    await tracker.waitForReady(jobs, Math.max(180_000, jobs * 300));
  } finally {
    clearInterval(progress);
  }
  const readyMs = Math.max(...tracker.readyAt.values()) - started;
  const load = loadAverage();
  const peakRss = await operator.peakRssBytes();
  const stats = await operator.stats();
  const calls = summarizeCalls(fake.requestCounts());
  const floorS = jobs / 20;
  // jobs/create received per 10 s since the first apply: where the time went.
  const perWindow: number[] = [];
  for (const { time } of fake.requests({ endpoint: 'jobs/create', status: 200 })) {
    const window = Math.floor((time - started) / 10_000);
    while (perWindow.length <= window) perWindow.push(0);
    perWindow[window]++;
  }
  const share = (100 * calls.rateLimited) / Math.max(1, calls.total);
  const lines = [
    `converge: ${jobs} DatabricksJobs x 3 tasks, ${options.workers} workers, workspace rateLimit ${options.rateLimit ?? 'default'}, fake latency ${options.latencyMs} ms and default limits`,
    `  all Ready after     ${(readyMs / 1000).toFixed(1)} s (target <= ${(1.2 * floorS).toFixed(0)} s = 1.2 x ${floorS.toFixed(0)} s floor); applied in ${(appliedMs / 1000).toFixed(1)} s`,
    `  Databricks calls    ${calls.total}, answered 429: ${calls.rateLimited} (${share.toFixed(1)} %, target < 5 %)`,
    ...formatCalls(calls, '    '),
    `  jobs/create per 10 s ${perWindow.join(' ')}`,
    `  controller peak RSS ${mib(peakRss)}, CPU ${(stats.cpuSeconds - cpuBefore).toFixed(1)} s, ${stats.reconciles['databricksjob'] ?? 0} job reconciles`,
    `  load average        ${load}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  summary.push(...lines);
}

async function resync({ options, fake, operator, summary }: Bench) {
  log('resync: waiting for the controller and the fake to be idle');
  await operator.waitForIdle();
  await fakeQuiet(fake);
  const before = (await operator.stats()).reconciles['databricksjob'] ?? 0;
  fake.clearRequests();
  const started = Date.now();
  const objects = await operator.resync();
  log(`resync: handed ${objects} cached objects to their controllers`);
  const reconciled = await pollUntil(
    `${options.jobs} DatabricksJob reconciles after the resync`,
    async () => {
      const count = ((await operator.stats()).reconciles['databricksjob'] ?? 0) - before;
      return count >= options.jobs ? count : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 50 },
  );
  await operator.waitForIdle();
  const tookMs = Date.now() - started;
  await fakeQuiet(fake);
  const requests = fake.requests();
  const reads = requests.filter((r) => r.method === 'GET').length;
  const writes = requests.length - reads;
  const budget = Math.ceil(options.jobs / 100) + 10;
  const lines = [
    `resync: one forced resync of ${options.jobs} Ready jobs (${reconciled} job reconciles in ${(tookMs / 1000).toFixed(1)} s)`,
    `  Databricks reads    ${reads} (target <= ${budget}), writes ${writes} (target 0)`,
    ...formatCalls(summarizeCalls(fake.requestCounts()), '    '),
    `  load average        ${loadAverage()}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  summary.push(...lines);
}

async function latency({ options, cluster, namespace, fake, operator, tracker, summary }: Bench) {
  await operator.waitForIdle();
  await fakeQuiet(fake, 500);
  const fakeLatency = fake.latency;
  fake.setLatency({ fixedMs: 0 });
  const samples: number[] = [];
  fake.clearRequests();
  const existing = tracker.readyAt.size;
  for (let i = 0; i < options.samples; i++) {
    const name = `latency-${String(i).padStart(3, '0')}`;
    const creates = fake.requestCount('jobs/create');
    const sent = Date.now();
    await cluster.kube.createCustomObject(JOBS, namespace, jobManifest(name, i));
    const deadline = sent + 30_000;
    while (fake.requestCount('jobs/create') === creates) {
      if (Date.now() > deadline) throw new Error(`no jobs/create for ${name} within 30 s`);
      await delay(1);
    }
    const received = fake
      .requests({ endpoint: 'jobs/create' })
      .find((entry) => (entry.body as { name?: string } | undefined)?.name === name);
    if (!received) throw new Error(`jobs/create for ${name} is not in the fake's request log`);
    samples.push(received.time - sent);
    await tracker.waitForReady(existing + i + 1, 30_000);
    await operator.waitForIdle(30_000, 100);
  }
  fake.setLatency(fakeLatency);
  const sorted = [...samples].sort((a, b) => a - b);
  const calls = summarizeCalls(fake.requestCounts());
  const lines = [
    `latency: ${options.samples} new jobs one at a time on the idle system (fake latency 0), apply -> jobs/create received`,
    `  median ${median(samples).toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms (target < 300 ms); all: ${sorted.join(' ')}`,
    `  Databricks calls for the ${options.samples} jobs:`,
    ...formatCalls(calls, '    '),
    `  load average        ${loadAverage()}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  summary.push(...lines);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const cluster = await startBenchCluster(options.keep);
  const fake = await startFakeWorkspace({ latency: { fixedMs: options.latencyMs } });
  let operator: OperatorProcess | undefined;
  let tracker: ReadyTracker | undefined;
  let namespace: string | undefined;
  try {
    namespace = await createBenchNamespace(cluster, 'bench-converge');
    await createWorkspace(cluster, namespace, fake, options.rateLimit);
    const logFile = resolve(`.cache/bench/controller-${namespace}.log`);
    operator = await OperatorProcess.start({
      kubeconfig: cluster.kubeconfig,
      namespaces: [namespace],
      workers: options.workers,
      logFile,
    });
    log(`controller started (pid ${operator.child.pid}, ${options.workers} workers, logs in ${logFile})`);
    await waitForWorkspaceReady(cluster, namespace);
    tracker = new ReadyTracker(cluster, namespace);
    await tracker.start();
    const bench: Bench = { options, cluster, namespace, fake, operator, tracker, summary: [] };
    for (const phase of PHASES) {
      if (!options.phases.has(phase)) continue;
      await { converge, resync, latency }[phase](bench);
    }
    const rss = await operator.stats(true);
    bench.summary.push(
      `controller RSS at the end ${mib(rss.rssBytes)} (after GC), peak ${mib(await operator.peakRssBytes())}`,
    );
    process.stdout.write(
      [
        '',
        '--- summary (paste into BENCHMARKS.md) ---',
        `npm run bench:converge -- --jobs ${options.jobs} --workers ${options.workers}` +
          ` --latency-ms ${options.latencyMs}` +
          (options.rateLimit === undefined ? '' : ` --rate-limit ${options.rateLimit}`),
        `measured on ${measuredOn()}`,
        ...bench.summary,
        '---',
        '',
      ].join('\n'),
    );
  } finally {
    await tracker?.stop();
    await operator?.stop();
    if (namespace) await deleteBenchNamespace(cluster, namespace);
    await fake.close();
    await cluster.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:converge failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
