/**
 * Benchmark of the DatabricksRun controller: N runs submitted at once against the fake workspace, each
 * 5–20 s long, followed to the end. Prints what polling cost (runs/list and runs/get calls), the total
 * time, and how long after Databricks finished a run (the fake's `end_time`) its `Succeeded` condition
 * appeared in status.
 *
 *   npm run bench:runs -- [--runs 200] [--min-seconds 5] [--max-seconds 20] [--rate-limit <req/s>]
 *                         [--workers 16] [--seed 1] [--keep]
 *
 * Uses the cluster in KUBECONFIG when set, else the local control plane (started for the run in
 * `.cache/bench-runs-control-plane` and stopped after, unless `--keep`). The operator runs in this
 * process with its default run-polling cadence; progress goes to stderr, figures to stdout.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createOperator, RESOURCES } from '../controller/operator.js';
import type { DatabricksRun } from '../controller/reconcilers/run/run.js';
import { RUNTIME_SETTINGS } from '../controller/runtime/runtime-config.js';
import { findCondition, isConditionTrue, type Condition } from '../controller/runtime/conditions.js';
import { Informer } from '../controller/runtime/informer.js';
import { KubeClient, objectKey, type KubeObject } from '../controller/runtime/kube-client.js';
import { silentLogger } from '../controller/runtime/logger.js';
import { assertClusterReachable, chooseCluster } from '../test/control-plane/cluster-selection.js';
import { startControlPlane, stopControlPlane } from '../test/control-plane/control-plane.js';
import { installCrd, readCrdManifests } from '../test/control-plane/crd-installation.js';
import { pollUntil } from '../test/control-plane/poll-until.js';
import { repositoryRoot } from '../test/control-plane/state-paths.js';
import { seededRandom } from '../test/fake-databricks/faults.js';
import { defaultFakeToken, startFakeWorkspace } from '../test/fake-databricks/index.js';

const RUNS = RESOURCES.DatabricksRun;
const WORKSPACES = RESOURCES.DatabricksWorkspace;

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '200' },
      'min-seconds': { type: 'string', default: '5' },
      'max-seconds': { type: 'string', default: '20' },
      'rate-limit': { type: 'string' },
      workers: { type: 'string', default: RUNTIME_SETTINGS.workers.fallback },
      seed: { type: 'string', default: '1' },
      keep: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.runs);
  const minMs = Number(values['min-seconds']) * 1000;
  const maxMs = Number(values['max-seconds']) * 1000;
  const rateLimit = values['rate-limit'] === undefined ? undefined : Number(values['rate-limit']);
  const random = seededRandom(Number(values.seed));

  const choice = chooseCluster();
  const stateDir = resolve('.cache/bench-runs-control-plane');
  let kubeconfig: string;
  let startedHere = false;
  if (choice.kind === 'existing') {
    await assertClusterReachable(choice.kubeconfig);
    kubeconfig = choice.kubeconfig;
  } else {
    const plane = await startControlPlane({ stateDir, log });
    kubeconfig = plane.kubeconfig;
    startedHere = plane.started;
  }
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  for (const crd of readCrdManifests(join(repositoryRoot(), 'dist'))) await installCrd(config, crd);
  const kube = new KubeClient(config);
  const core = config.makeApiClient(CoreV1Api);

  // Setup and cleanup are short; each run sleeps 5–20 s (its task's SLEEP_<ms> marker).
  const fake = await startFakeWorkspace({ timing: { runPendingMs: 500, runTerminatingMs: 300 } });
  const namespace = `bench-runs-${randomBytes(3).toString('hex')}`;
  await core.createNamespace({
    body: { metadata: { name: namespace, labels: { 'cdk8s-databricks.dev/benchmark': 'true' } } },
  });
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'databricks-token' }, stringData: { token: defaultFakeToken } },
  });
  await kube.createCustomObject(WORKSPACES, namespace, {
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

  const operator = createOperator({
    kube,
    logger: silentLogger,
    config: {
      namespaces: [namespace],
      workers: Number(values.workers),
      resyncPeriodMs: 600_000,
      slowResyncPeriodMs: 600_000,
      metricsAddress: '127.0.0.1:0',
      leaderElection: false,
      leaderElectionNamespace: namespace,
      leaderElectionId: 'databricks-operator',
      logLevel: 'info',
    },
  });
  await operator.start();
  await pollUntil('DatabricksWorkspace ws to be Ready', async () => {
    const ws = await kube.getCustomObject<KubeObject & { status?: { conditions?: Condition[] } }>(
      WORKSPACES,
      namespace,
      'ws',
    );
    return isConditionTrue(ws?.status?.conditions, 'Ready') ? true : undefined;
  });

  // When each run's Succeeded (or Failed) condition was first seen.
  const endedSeenAt = new Map<string, number>();
  const watcher = new Informer<DatabricksRun>(kube, { resource: RUNS, namespaces: [namespace] });
  const note = (run: DatabricksRun): void => {
    const key = objectKey(run);
    if (endedSeenAt.has(key)) return;
    if (findCondition(run.status?.conditions, 'Failed')) endedSeenAt.set(key, Date.now());
  };
  watcher.addEventHandler({ onAdd: note, onUpdate: (_, current) => note(current) });
  watcher.start();

  log(`creating ${count} DatabricksRuns in ${namespace}`);
  fake.clearRequests();
  const started = Date.now();
  const names = Array.from({ length: count }, (_, i) => `run-${String(i).padStart(4, '0')}`);
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < count; i = next++) {
        const sleepMs = Math.round(minMs + random() * (maxMs - minMs));
        await kube.createCustomObject(RUNS, namespace, {
          apiVersion: `${RUNS.group}/${RUNS.version}`,
          kind: 'DatabricksRun',
          metadata: { name: names[i] },
          spec: {
            workspaceRef: { name: 'ws' },
            submit: {
              tasks: [
                { task_key: 'work', notebook_task: { notebook_path: `/Shared/bench/work_SLEEP_${sleepMs}` } },
              ],
            },
          },
        });
      }
    }),
  );
  log(`created in ${seconds(Date.now() - started)}; waiting for every run to end`);
  await pollUntil(
    `all ${count} runs to end`,
    async () => {
      if (endedSeenAt.size < count) return undefined;
      return true;
    },
    { timeoutMs: 600_000, intervalMs: 200 },
  );
  const totalMs = Math.max(...endedSeenAt.values()) - started;
  const counts = fake.requestCounts();
  const calls = (endpoint: string): number =>
    Object.entries(counts)
      .filter(([key]) => key.startsWith(`${endpoint} `))
      .reduce((sum, [, n]) => sum + n, 0);

  const delays: number[] = [];
  let succeeded = 0;
  for (const run of watcher.store.list()) {
    if (isConditionTrue(run.status?.conditions, 'Succeeded')) succeeded++;
    const remote = (await fake.ui.call('jobs/runs/get', { run_id: run.status?.runId })) as {
      end_time: number;
    };
    delays.push(endedSeenAt.get(objectKey(run))! - remote.end_time);
  }
  delays.sort((a, b) => a - b);

  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(
    `${count} DatabricksRuns of ${values['min-seconds']}–${values['max-seconds']} s, workers ${values.workers}, workspace rateLimit ${rateLimit ?? 'default'}, load average ${load}`,
  );
  console.log(
    `succeeded: ${succeeded}/${count}; total time (first create to last Succeeded): ${seconds(totalMs)}`,
  );
  console.log(
    `calls: runs/list ${calls('jobs/runs/list')}, runs/get ${calls('jobs/runs/get')}, runs/submit ${calls('jobs/runs/submit')}, runs/get-output ${calls('jobs/runs/get-output')}, all ${Object.values(counts).reduce((a, b) => a + b, 0)} (429s: ${Object.entries(
      counts,
    )
      .filter(([key]) => key.endsWith(' 429'))
      .reduce((sum, [, n]) => sum + n, 0)})`,
  );
  console.log(
    `Databricks end_time to Succeeded in status: p50 ${seconds(percentile(delays, 50))}, p95 ${seconds(percentile(delays, 95))}, max ${seconds(delays[delays.length - 1])}, min ${seconds(delays[0])}`,
  );

  if (startedHere && !values.keep) {
    await watcher.stop();
    await operator.stop();
    await stopControlPlane(stateDir);
  } else {
    // Finished runs let go of their finalizer at once, without calling Databricks.
    await Promise.all(names.map((name) => kube.deleteCustomObject(RUNS, namespace, name)));
    await pollUntil('the DatabricksRuns to be deleted', async () =>
      watcher.store.list().length === 0 ? true : undefined,
    );
    await watcher.stop();
    await operator.stop();
    await core.deleteNamespace({ name: namespace });
    if (startedHere) log(`left the control plane running: export KUBECONFIG=${kubeconfig}`);
  }
  await fake.close();
}

main().catch((error: unknown) => {
  console.error(
    `bench:runs failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
