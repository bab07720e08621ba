/**
 * What the controller benchmarks share: a Kubernetes API server (the one KUBECONFIG names, or the local
 * control plane, started for the run and stopped after it), the CRDs, a namespace with a DatabricksWorkspace
 * pointing at a fake workspace, the controller in its own process (so its RSS is its own), a watch that
 * notes when each DatabricksJob became Ready, and the figures every benchmark prints.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { RESOURCES } from '../controller/operator.js';
import { findCondition, type Condition } from '../controller/runtime/conditions.js';
import { Informer } from '../controller/runtime/informer.js';
import {
  KubeClient,
  objectKey,
  type KubeObject,
  type ResourceType,
} from '../controller/runtime/kube-client.js';
import { assertClusterReachable, chooseCluster } from '../test/control-plane/cluster-selection.js';
import { startControlPlane, stopControlPlane } from '../test/control-plane/control-plane.js';
import { installCrd, readCrdManifests } from '../test/control-plane/crd-installation.js';
import { pollUntil } from '../test/control-plane/poll-until.js';
import { repositoryRoot } from '../test/control-plane/state-paths.js';
import { defaultFakeToken, type FakeWorkspace } from '../test/fake-databricks/index.js';
import type { OperatorReply, OperatorRequest, OperatorStats } from './operator-process.js';

export const JOBS = RESOURCES.DatabricksJob;
export const WORKSPACES = RESOURCES.DatabricksWorkspace;

/** Progress on stderr, so stdout holds only the figures. */
export function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);
}

/** `uptime`'s load averages, for the line of every figure (the machine is shared). */
export function loadAverage(): string {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
}

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** What a figure was measured on: the commit (with `+` when the tree has changes), Node and cores. */
export function measuredOn(): string {
  let commit = 'unknown commit';
  try {
    const git = (args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: 'pipe' }).trim();
    commit = git(['rev-parse', '--short', 'HEAD']) + (git(['status', '--porcelain']) ? '+' : '');
  } catch {
    // not a git checkout
  }
  return `${commit}, node ${process.versions.node}, ${availableParallelism()} cores, ${new Date().toISOString().slice(0, 16)}Z`;
}

/** The API server the benchmark uses, and how to give it back. */
export interface BenchCluster {
  readonly kubeconfig: string;
  readonly kube: KubeClient;
  readonly core: CoreV1Api;
  /** Whether this run started the control plane (and so stops it, objects and all). */
  readonly startedHere: boolean;
  stop(): Promise<void>;
}

/**
 * KUBECONFIG's cluster when set (as the demo and the tests choose), else the local control plane in
 * `.cache/bench-control-plane` (started unless already running; stopped at the end unless `keep`).
 * Installs the CRDs from `dist/`.
 */
export async function startBenchCluster(keep: boolean): Promise<BenchCluster> {
  const choice = chooseCluster();
  let kubeconfig: string;
  let startedHere = false;
  const stateDir = resolve('.cache/bench-control-plane');
  if (choice.kind === 'existing') {
    await assertClusterReachable(choice.kubeconfig);
    kubeconfig = choice.kubeconfig;
    log(`using the cluster in KUBECONFIG (${kubeconfig})`);
  } else {
    const plane = await startControlPlane({ stateDir, log });
    kubeconfig = plane.kubeconfig;
    startedHere = plane.started;
    log(`local control plane at ${plane.server}${plane.started ? '' : ' (already running)'}`);
  }
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  for (const crd of readCrdManifests(join(repositoryRoot(), 'dist'))) await installCrd(config, crd);
  return {
    kubeconfig,
    kube: new KubeClient(config),
    core: config.makeApiClient(CoreV1Api),
    startedHere,
    async stop() {
      if (!startedHere) return;
      if (keep) {
        log(`left the control plane running: export KUBECONFIG=${kubeconfig}`);
        log(`stop it with: npm run control-plane -- down --dir ${stateDir}`);
        return;
      }
      await stopControlPlane(stateDir);
      log('stopped the local control plane');
    },
  };
}

/** Creates a namespace `<prefix>-<random>` for one benchmark run. */
export async function createBenchNamespace(cluster: BenchCluster, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await cluster.core.createNamespace({
    body: { metadata: { name, labels: { 'cdk8s-databricks.dev/benchmark': 'true' } } },
  });
  return name;
}

/**
 * Removes what a run left on a cluster it did not start: the finalizers of its objects (the controller
 * is gone, so nothing would remove them) and then the namespace.
 */
export async function deleteBenchNamespace(cluster: BenchCluster, namespace: string): Promise<void> {
  if (cluster.startedHere) return;
  const jobs: KubeObject[] = [];
  let continueToken: string | undefined;
  do {
    const page = await cluster.kube.list(JOBS, namespace, { limit: 500, continueToken });
    jobs.push(...page.items);
    continueToken = page.continueToken;
  } while (continueToken);
  await inParallel(jobs, 32, async (job) => {
    if (!job.metadata.finalizers?.length) return;
    await cluster.kube.patchCustomObject(JOBS, namespace, job.metadata.name, {
      metadata: { finalizers: null },
    });
  });
  try {
    await cluster.core.deleteNamespace({ name: namespace });
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 404)) throw error;
  }
}

/** The token Secret and DatabricksWorkspace `ws` pointing at `fake` (`rateLimit` unset: the default). */
export async function createWorkspace(
  cluster: BenchCluster,
  namespace: string,
  fake: FakeWorkspace,
  rateLimit?: number,
): Promise<void> {
  await cluster.core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'databricks-token' }, stringData: { token: defaultFakeToken } },
  });
  await cluster.kube.createCustomObject(WORKSPACES, namespace, {
    apiVersion: `${WORKSPACES.group}/${WORKSPACES.version}`,
    kind: 'DatabricksWorkspace',
    metadata: { name: 'ws' },
    spec: {
      host: fake.url,
      insecureHttp: true,
      auth: { token: { secretKeyRef: { name: 'databricks-token', key: 'token' } } },
      ...(rateLimit === undefined ? {} : { rateLimit }),
    },
  });
}

export type WithConditions = KubeObject & {
  status?: { conditions?: Condition[]; observedGeneration?: number };
};

/** Whether the object's `Ready` is True for its current generation. */
export function isReady(object: WithConditions): boolean {
  const ready = findCondition(object.status?.conditions, 'Ready');
  return (
    ready?.status === 'True' &&
    (ready.observedGeneration ?? object.status?.observedGeneration) === object.metadata.generation
  );
}

export async function waitForWorkspaceReady(cluster: BenchCluster, namespace: string): Promise<void> {
  await pollUntil(
    'DatabricksWorkspace ws to be Ready',
    async () => {
      const workspace = await cluster.kube.getCustomObject<WithConditions>(WORKSPACES, namespace, 'ws');
      return workspace && isReady(workspace) ? true : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

/** A DatabricksJob of three chained notebook tasks on one job cluster, scheduled nightly. */
export function jobManifest(name: string, index: number): KubeObject & { spec: unknown } {
  const task = (step: number) => ({
    task_key: `step-${step}`,
    job_cluster_key: 'main',
    notebook_task: { notebook_path: `/Shared/bench/step-${step}`, base_parameters: { step: String(step) } },
    ...(step > 0 ? { depends_on: [{ task_key: `step-${step - 1}` }] } : {}),
  });
  return {
    apiVersion: `${JOBS.group}/${JOBS.version}`,
    kind: 'DatabricksJob',
    metadata: { name },
    spec: {
      workspaceRef: { name: 'ws' },
      settings: {
        name,
        job_clusters: [
          {
            job_cluster_key: 'main',
            new_cluster: { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 2 },
          },
        ],
        tasks: [task(0), task(1), task(2)],
        schedule: { quartz_cron_expression: `0 ${index % 60} 2 * * ?`, timezone_id: 'UTC' },
        email_notifications: { on_failure: ['oncall@example.com'] },
        tags: { team: 'bench' },
        max_concurrent_runs: 1,
      },
    },
  };
}

/** Runs `action` over `items` with at most `concurrency` at once. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  action: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await action(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Creates `names.length` DatabricksJobs, `concurrency` requests at a time ("applied at once"). */
export async function applyJobs(
  cluster: BenchCluster,
  namespace: string,
  names: readonly string[],
  concurrency = 32,
  manifest: (name: string, index: number) => KubeObject = jobManifest,
): Promise<void> {
  await inParallel(names, concurrency, async (name, index) => {
    await cluster.kube.createCustomObject(JOBS, namespace, manifest(name, index));
  });
}

/**
 * Watches the DatabricksJobs (or the objects of `resource`) of a namespace and notes when each first
 * became Ready (or, with another `done` predicate, first met it).
 */
export class ReadyTracker {
  /** Object key → Date.now() when it was first seen Ready (met `done`). */
  readonly readyAt = new Map<string, number>();
  private readonly informer: Informer<WithConditions>;
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(
    cluster: BenchCluster,
    namespace: string,
    private readonly done: (object: WithConditions) => boolean = isReady,
    resource: ResourceType = JOBS,
  ) {
    this.informer = new Informer<WithConditions>(cluster.kube, { resource, namespaces: [namespace] });
    const note = (object: WithConditions): void => {
      const key = objectKey(object);
      if (this.readyAt.has(key) || !this.done(object)) return;
      this.readyAt.set(key, Date.now());
      this.waiters = this.waiters.filter((waiter) => {
        if (this.readyAt.size < waiter.count) return true;
        waiter.resolve();
        return false;
      });
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

  /** Resolves once `count` objects have been Ready; rejects after `timeoutMs`, saying how many were. */
  waitForReady(count: number, timeoutMs: number): Promise<void> {
    if (this.readyAt.size >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `only ${this.readyAt.size} of ${count} DatabricksJobs were Ready after ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** The cached objects (to count reasons when a run fails). */
  objects(): WithConditions[] {
    return this.informer.store.list();
  }
}

/** Options of {@link startOperatorProcess}: the controller's own flags, and where its logs go. */
export interface OperatorProcessOptions {
  readonly kubeconfig: string;
  readonly namespaces: readonly string[];
  readonly workers: number;
  /** `--resync-period`; the benchmarks force resyncs themselves, so long by default. */
  readonly resyncPeriod?: string;
  readonly logLevel?: string;
  readonly logFile: string;
  /**
   * `compiled` (default): compiled with tsc as the Dockerfile does (tsconfig.build.json) and run with
   * plain node, as the image runs it. `tsx`: the TypeScript run through tsx's loader, as
   * `npm run controller` does (more memory).
   */
  readonly runtime?: 'compiled' | 'tsx';
}

/** The controller process, with the IPC requests of `bench/operator-process.ts`. */
export class OperatorProcess {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (reply: OperatorReply) => void; reject: (error: Error) => void }
  >();
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    private readonly logFile: string,
  ) {
    child.on('message', (reply: OperatorReply) => {
      if ('id' in reply) {
        this.pending.get(reply.id)?.resolve(reply);
        this.pending.delete(reply.id);
      }
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        for (const { reject } of this.pending.values())
          reject(new Error(`the controller exited (code ${code}); see ${logFile}`));
        this.pending.clear();
        resolve(code);
      }),
    );
  }

  /**
   * Starts `bench/operator-process.ts` (the controller plus the benchmark's IPC) with `--expose-gc`,
   * compiled or through tsx (see `runtime`); resolves once it has started its informers and controllers.
   */
  static async start(options: OperatorProcessOptions): Promise<OperatorProcess> {
    const source = join(repositoryRoot(), 'bench/operator-process.ts');
    const tsx = options.runtime === 'tsx';
    const entry = tsx ? source : compileOperatorProcess();
    const logFd = openSync(options.logFile, 'a');
    const args = [
      '--namespaces',
      options.namespaces.join(','),
      '--workers',
      String(options.workers),
      '--resync-period',
      options.resyncPeriod ?? '24h',
      '--metrics-bind-address',
      '127.0.0.1:0',
      '--log-level',
      options.logLevel ?? 'warn',
    ];
    const child = fork(entry, args, {
      execArgv: [...(tsx ? ['--import', 'tsx'] : []), '--expose-gc', '--enable-source-maps'],
      env: { ...process.env, KUBECONFIG: options.kubeconfig },
      stdio: ['ignore', logFd, logFd, 'ipc'],
    });
    closeSync(logFd);
    const operator = new OperatorProcess(child, options.logFile);
    await new Promise<void>((resolveStarted, reject) => {
      child.once('message', (reply: OperatorReply) => {
        if (reply.type === 'started') resolveStarted();
      });
      child.once('exit', (code) =>
        reject(
          new Error(`the controller exited with code ${code} before it started; see ${options.logFile}`),
        ),
      );
    });
    return operator;
  }

  private request<R extends OperatorReply>(
    request: OperatorRequest extends infer Q ? (Q extends unknown ? Omit<Q, 'id'> : never) : never,
  ): Promise<R> {
    const id = this.nextId++;
    if (this.child.exitCode !== null)
      return Promise.reject(new Error(`the controller has exited; see ${this.logFile}`));
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (reply) => resolve(reply as R), reject });
      this.child.send({ ...request, id });
    });
  }

  /** Hands every cached object of every kind to its controller again: one resync period, now. */
  async resync(): Promise<number> {
    return (await this.request<Extract<OperatorReply, { type: 'resynced' }>>({ type: 'resync' })).objects;
  }

  async stats(gc = false): Promise<OperatorStats> {
    return (await this.request<Extract<OperatorReply, { type: 'stats' }>>({ type: 'stats', gc })).stats;
  }

  /** Peak RSS of the process so far, from /proc (VmHWM), or from the process itself elsewhere. */
  async peakRssBytes(): Promise<number> {
    try {
      const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      if (match) return Number(match[1]) * 1024;
    } catch {
      // not Linux: ask the process
    }
    return (await this.stats()).maxRssBytes;
  }

  /** Waits until no reconcile is queued or running in any controller (checked `quietMs` apart). */
  async waitForIdle(timeoutMs = 120_000, quietMs = 500): Promise<void> {
    let quietSince: number | undefined;
    await pollUntil(
      'the controller to be idle',
      async () => {
        const stats = await this.stats();
        const busy =
          Object.values(stats.queueDepth).some((n) => n > 0) ||
          Object.values(stats.activeWorkers).some((n) => n > 0);
        if (busy) quietSince = undefined;
        else quietSince ??= Date.now();
        return quietSince !== undefined && Date.now() - quietSince >= quietMs ? true : undefined;
      },
      { timeoutMs, intervalMs: 50 },
    );
  }

  /** SIGTERM, as Kubernetes stops a pod; SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Compiles `bench/operator-process.ts` and what it imports with tsc, with the settings of the image's
 * build (tsconfig.build.json), into `.cache/bench/build/`; returns the entry point to run with node.
 */
function compileOperatorProcess(): string {
  const root = repositoryRoot();
  const dir = resolve(root, '.cache/bench');
  const outDir = join(dir, 'build');
  const entry = join(outDir, 'bench/operator-process.js');
  mkdirSync(dir, { recursive: true });
  rmSync(outDir, { recursive: true, force: true });
  const config = join(dir, 'tsconfig.operator-process.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(root, 'tsconfig.build.json'),
      compilerOptions: { outDir, rootDir: root },
      files: [join(root, 'bench/operator-process.ts')],
    }),
  );
  log('compiling the controller with tsc (tsconfig.build.json settings)');
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (error) {
    // tsc still emits when some file has a type error (another change in progress in the tree).
    const output = (error as { stdout?: string }).stdout ?? String(error);
    if (!existsSync(entry)) throw new Error(`tsc could not compile the controller:\n${output}`);
    log(`tsc reported errors, but emitted the controller; running it anyway:\n${output}`);
  }
  return entry;
}

/** The fake's request counts (`"jobs/create 200": n`) turned into per-endpoint totals. */
export interface CallSummary {
  readonly total: number;
  readonly rateLimited: number;
  /** endpoint → status → count. */
  readonly byEndpoint: ReadonlyMap<string, ReadonlyMap<number, number>>;
}

export function summarizeCalls(counts: Record<string, number>): CallSummary {
  const byEndpoint = new Map<string, Map<number, number>>();
  let total = 0;
  let rateLimited = 0;
  for (const [key, count] of Object.entries(counts)) {
    const space = key.lastIndexOf(' ');
    const endpoint = key.slice(0, space);
    const status = Number(key.slice(space + 1));
    const statuses = byEndpoint.get(endpoint) ?? new Map<number, number>();
    statuses.set(status, (statuses.get(status) ?? 0) + count);
    byEndpoint.set(endpoint, statuses);
    total += count;
    if (status === 429) rateLimited += count;
  }
  return { total, rateLimited, byEndpoint };
}

/** One line per endpoint: `jobs/create  1000 (200: 1000)`. */
export function formatCalls(summary: CallSummary, indent = '  '): string[] {
  return [...summary.byEndpoint.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([endpoint, statuses]) => {
      const total = [...statuses.values()].reduce((sum, n) => sum + n, 0);
      const detail = [...statuses.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}: ${n}`)
        .join(', ');
      return `${indent}${endpoint.padEnd(30)} ${String(total).padStart(6)}  (${detail})`;
    });
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
