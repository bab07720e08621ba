/**
 * Pipelines and SQL warehouses benchmark: convergence under rate limits, and the cost of a resync.
 *
 *   npm run bench:pipelines -- [--pipelines 100] [--warehouses 100] [--limit 10] [--latency-ms 20] [--keep]
 *
 * 1. converge: `--pipelines` DatabricksPipelines (triggered) and `--warehouses` DatabricksSqlWarehouses
 *    (Running, auto_stop_mins 0) are created at once while the controller runs in its own process against
 *    a fake workspace with its default rate limits on, plus `--limit` requests per second on each of the
 *    pipelines and sql/warehouses endpoint families. Databricks publishes no limit for those APIs
 *    (BEHAVIOUR.md §3 lists none), so that limit is an assumption made to see 429s absorbed; `--limit 0`
 *    leaves them unlimited. Prints the time until all are Ready, the calls by endpoint and status, the 429s
 *    the client retried, and how many objects ever showed a rate-limit error in Ready (429s reaching the user).
 * 2. resync: with everything Ready and the controller idle, one resync of every informer is forced and the
 *    calls it causes are counted. Target: list calls only (pipelines/list, sql/warehouses/list), no get per
 *    object and no write. A pipeline's settings, which pipelines/list does not return, are read on the slow
 *    cycle (one get per pipeline per --slow-resync-period, 10 minutes by default), not at resyncs.
 *
 * Uses the cluster in KUBECONFIG, or starts the local control plane (stopped at the end unless `--keep`).
 */
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { RESOURCES } from '../controller/operator.js';
import { findCondition } from '../controller/runtime/conditions.js';
import { Informer } from '../controller/runtime/informer.js';
import { objectKey, type ResourceType } from '../controller/runtime/kube-client.js';
import { pollUntil } from '../test/control-plane/poll-until.js';
import { defaultRateLimits, startFakeWorkspace, type FakeWorkspace } from '../test/fake-databricks/index.js';
import {
  OperatorProcess,
  ReadyTracker,
  createBenchNamespace,
  createWorkspace,
  deleteBenchNamespace,
  formatCalls,
  inParallel,
  isReady,
  loadAverage,
  log,
  measuredOn,
  mib,
  startBenchCluster,
  summarizeCalls,
  waitForWorkspaceReady,
  type BenchCluster,
  type WithConditions,
} from './operator-bench-bed.js';

const PIPELINES = RESOURCES.DatabricksPipeline;
const WAREHOUSES = RESOURCES.DatabricksSqlWarehouse;
/** A Ready=False message that says Databricks refused for the rate: a 429 that reached the user. */
const RATE_LIMITED = /429|rate.?limit|REQUEST_LIMIT_EXCEEDED|RESOURCE_EXHAUSTED/i;

interface Options {
  readonly pipelines: number;
  readonly warehouses: number;
  readonly limit: number;
  readonly latencyMs: number;
  readonly workers: number;
  readonly keep: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      pipelines: { type: 'string', default: '100' },
      warehouses: { type: 'string', default: '100' },
      limit: { type: 'string', default: '10' },
      'latency-ms': { type: 'string', default: '20' },
      workers: { type: 'string', default: '8' },
      keep: { type: 'boolean', default: false },
    },
  });
  const whole = (name: string, raw: string, min: number): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`--${name} must be a whole number of at least ${min}, got "${raw}"`);
    return value;
  };
  return {
    pipelines: whole('pipelines', values.pipelines, 0),
    warehouses: whole('warehouses', values.warehouses, 0),
    limit: whole('limit', values.limit, 0),
    latencyMs: whole('latency-ms', values['latency-ms'], 0),
    workers: whole('workers', values.workers, 1),
    keep: values.keep,
  };
}

function manifest(resource: ResourceType, kind: string, name: string, spec: unknown) {
  return { apiVersion: `${resource.group}/${resource.version}`, kind, metadata: { name }, spec };
}

const pipelineManifest = (name: string) =>
  manifest(PIPELINES, 'DatabricksPipeline', name, {
    workspaceRef: { name: 'ws' },
    settings: {
      catalog: 'main',
      schema: name.replace(/-/g, '_'),
      libraries: [{ notebook: { path: `/Shared/bench/${name}` } }],
      configuration: { 'bench.source': `s3://bench/${name}` },
    },
  });

const warehouseManifest = (name: string) =>
  manifest(WAREHOUSES, 'DatabricksSqlWarehouse', name, {
    workspaceRef: { name: 'ws' },
    settings: { cluster_size: '2X-Small', max_num_clusters: 1, auto_stop_mins: 0 },
  });

/** Notes every object of `resource` whose Ready ever said it was rate limited. */
class RateLimitWatch {
  readonly seen = new Set<string>();
  private readonly informer: Informer<WithConditions>;

  constructor(cluster: BenchCluster, namespace: string, resource: ResourceType) {
    this.informer = new Informer<WithConditions>(cluster.kube, { resource, namespaces: [namespace] });
    const note = (object: WithConditions) => {
      const ready = findCondition(object.status?.conditions, 'Ready');
      if (ready?.status === 'False' && RATE_LIMITED.test(`${ready.reason} ${ready.message}`)) {
        this.seen.add(objectKey(object));
      }
    };
    this.informer.addEventHandler({ onAdd: note, onUpdate: (_, current) => note(current) });
  }

  async start(): Promise<void> {
    this.informer.start();
    await this.informer.waitForSync();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }
}

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

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const limits =
    options.limit > 0
      ? { ...defaultRateLimits, 'pipelines/*': options.limit, 'sql/warehouses/*': options.limit }
      : defaultRateLimits;
  const cluster = await startBenchCluster(options.keep);
  const fake = await startFakeWorkspace({
    latency: { fixedMs: options.latencyMs },
    rateLimits: limits,
    timing: { warehouseStartMs: 1_500, warehouseStopMs: 500 },
  });
  let operator: OperatorProcess | undefined;
  const watches: { stop(): Promise<void> }[] = [];
  let namespace: string | undefined;
  const summary: string[] = [];
  try {
    namespace = await createBenchNamespace(cluster, 'bench-data');
    await createWorkspace(cluster, namespace, fake);
    const logFile = resolve(`.cache/bench/controller-${namespace}.log`);
    operator = await OperatorProcess.start({
      kubeconfig: cluster.kubeconfig,
      namespaces: [namespace],
      workers: options.workers,
      logFile,
    });
    log(`controller started (pid ${operator.child.pid}, logs in ${logFile})`);
    await waitForWorkspaceReady(cluster, namespace);
    const pipelinesReady = new ReadyTracker(cluster, namespace, isReady, PIPELINES);
    const warehousesReady = new ReadyTracker(cluster, namespace, isReady, WAREHOUSES);
    const pipelinesLimited = new RateLimitWatch(cluster, namespace, PIPELINES);
    const warehousesLimited = new RateLimitWatch(cluster, namespace, WAREHOUSES);
    for (const watch of [pipelinesReady, warehousesReady, pipelinesLimited, warehousesLimited]) {
      await watch.start();
      watches.push(watch);
    }

    // 1. converge
    fake.clearRequests();
    const names = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
    const objects = [
      ...names('pipeline', options.pipelines).map((name) => [PIPELINES, pipelineManifest(name)] as const),
      ...names('warehouse', options.warehouses).map((name) => [WAREHOUSES, warehouseManifest(name)] as const),
    ];
    log(`converge: creating ${options.pipelines} pipelines and ${options.warehouses} warehouses`);
    const started = Date.now();
    await inParallel(objects, 32, async ([resource, object]) => {
      await cluster.kube.createCustomObject(resource, namespace ?? '', object);
    });
    const progress = setInterval(
      () =>
        log(
          `converge: ${pipelinesReady.readyAt.size}/${options.pipelines} pipelines, ${warehousesReady.readyAt.size}/${options.warehouses} warehouses Ready`,
        ),
      10_000,
    );
    try {
      await pipelinesReady.waitForReady(options.pipelines, 600_000);
      await warehousesReady.waitForReady(options.warehouses, 600_000);
    } finally {
      clearInterval(progress);
    }
    const lastReady = (tracker: ReadyTracker) => Math.max(started, ...tracker.readyAt.values()) - started;
    const calls = summarizeCalls(fake.requestCounts());
    const converged = [
      `converge: ${options.pipelines} DatabricksPipelines + ${options.warehouses} DatabricksSqlWarehouses, ${options.workers} workers, fake latency ${options.latencyMs} ms, default limits + ${options.limit > 0 ? `${options.limit}/s on pipelines/* and on sql/warehouses/* (assumed)` : 'no limit on pipelines and warehouses'}`,
      `  all pipelines Ready after  ${(lastReady(pipelinesReady) / 1000).toFixed(1)} s; all warehouses Ready after ${(lastReady(warehousesReady) / 1000).toFixed(1)} s (each warehouse takes 1.5 s to start)`,
      `  Databricks calls    ${calls.total}, answered 429 and retried by the client: ${calls.rateLimited}`,
      `  objects whose Ready ever showed a rate limit (429s reaching the user): ${pipelinesLimited.seen.size + warehousesLimited.seen.size}`,
      ...formatCalls(calls, '    '),
      `  controller peak RSS ${mib(await operator.peakRssBytes())}`,
      `  load average        ${loadAverage()}`,
    ];
    process.stdout.write(converged.join('\n') + '\n');
    summary.push(...converged);

    // 2. resync
    log('resync: waiting for the controller and the fake to be idle');
    await operator.waitForIdle();
    await fakeQuiet(fake);
    const reconcilesOf = async () => {
      const { reconciles } = await operator!.stats();
      return (reconciles['databrickspipeline'] ?? 0) + (reconciles['databrickssqlwarehouse'] ?? 0);
    };
    const before = await reconcilesOf();
    fake.clearRequests();
    const resyncStarted = Date.now();
    await operator.resync();
    const expected = options.pipelines + options.warehouses;
    await pollUntil(
      `${expected} reconciles after the resync`,
      async () => ((await reconcilesOf()) - before >= expected ? true : undefined),
      { timeoutMs: 120_000, intervalMs: 50 },
    );
    await operator.waitForIdle();
    const tookMs = Date.now() - resyncStarted;
    await fakeQuiet(fake);
    const requests = fake.requests();
    const reads = requests.filter((r) => r.method === 'GET').length;
    const resynced = [
      `resync: one forced resync of ${options.pipelines} pipelines and ${options.warehouses} warehouses, all Ready (${(tookMs / 1000).toFixed(1)} s)`,
      `  Databricks reads ${reads}, writes ${requests.length - reads} (target: list pages only, 0 writes)`,
      ...formatCalls(summarizeCalls(fake.requestCounts()), '    '),
      `  load average        ${loadAverage()}`,
    ];
    process.stdout.write(resynced.join('\n') + '\n');
    summary.push(...resynced);
    process.stdout.write(
      [
        '',
        '--- summary (paste into BENCHMARKS.md) ---',
        `npm run bench:pipelines -- --pipelines ${options.pipelines} --warehouses ${options.warehouses} --limit ${options.limit} --latency-ms ${options.latencyMs} --workers ${options.workers}`,
        `measured on ${measuredOn()}`,
        ...summary,
        '---',
        '',
      ].join('\n'),
    );
  } finally {
    for (const watch of watches) await watch.stop();
    await operator?.stop();
    if (namespace) await deleteBenchNamespace(cluster, namespace);
    await fake.close();
    await cluster.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:pipelines failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
