/**
 * What watching Secrets costs, and how soon a change is seen: `--secrets` Secrets of `--kib` KiB each
 * (Helm release Secrets are of this kind) cached by an informer that asks for metadata only, as the
 * controller's does, and by one that takes whole objects, for comparison. Then `--rotations` rewrites of
 * one Secret, each timed from the write's answer to the metadata informer's update.
 *
 *   npm run bench:secret-watch -- [--secrets 500] [--kib 64] [--rotations 20] [--keep]
 *
 * Prints, per informer: the time to the first full listing, the bytes of JSON it holds, and the heap it
 * added (after a full GC: run through `node --expose-gc --import tsx`, as the npm script does).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Informer } from '../controller/runtime/informer.js';
import type { KubeObject } from '../controller/runtime/kube-client.js';
import { SECRETS } from '../controller/reconcilers/managed/kind-informers.js';
import {
  createBenchNamespace,
  deleteBenchNamespace,
  inParallel,
  loadAverage,
  log,
  measuredOn,
  median,
  percentile,
  startBenchCluster,
  type BenchCluster,
} from './operator-bench-bed.js';

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

function heapAfterGc(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

interface Cached {
  readonly syncMs: number;
  readonly jsonBytes: number;
  readonly heapBytes: number | undefined;
}

/** Lists every Secret of the namespace into a fresh informer and measures what it holds. */
async function cache(cluster: BenchCluster, namespace: string, metadataOnly: boolean): Promise<Cached> {
  const before = heapAfterGc();
  const informer = new Informer<KubeObject>(cluster.kube, {
    resource: SECRETS,
    namespaces: [namespace],
    metadataOnly,
  });
  const started = performance.now();
  informer.start();
  await informer.waitForSync(120_000);
  const syncMs = performance.now() - started;
  const after = heapAfterGc();
  const jsonBytes = Buffer.byteLength(JSON.stringify(informer.store.list()));
  await informer.stop();
  return {
    syncMs,
    jsonBytes,
    heapBytes: before === undefined || after === undefined ? undefined : after - before,
  };
}

/**
 * Rewrites one Secret `rotations` times and times each write's arrival at a metadata informer, from the
 * write's answer (0 when the event came first).
 */
async function wakeLatencies(cluster: BenchCluster, namespace: string, rotations: number): Promise<number[]> {
  const informer = new Informer<KubeObject>(cluster.kube, {
    resource: SECRETS,
    namespaces: [namespace],
    metadataOnly: true,
  });
  const arrivals = new Map<string, number>();
  let arrived: (() => void) | undefined;
  informer.addEventHandler({
    onUpdate: (_previous, current) => {
      arrivals.set(current.metadata.resourceVersion ?? '', performance.now());
      arrived?.();
    },
  });
  informer.start();
  await informer.waitForSync(120_000);
  const latencies: number[] = [];
  try {
    for (let i = 0; i < rotations; i++) {
      const written = await cluster.core.replaceNamespacedSecret({
        namespace,
        name: 'rotated',
        body: { metadata: { name: 'rotated' }, stringData: { token: randomBytes(16).toString('hex') } },
      });
      const answeredAt = performance.now();
      const version = written.metadata?.resourceVersion ?? '';
      while (!arrivals.has(version)) await new Promise<void>((resolve) => (arrived = resolve));
      latencies.push(Math.max(0, arrivals.get(version)! - answeredAt));
    }
  } finally {
    await informer.stop();
  }
  return latencies;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      secrets: { type: 'string', default: '500' },
      kib: { type: 'string', default: '64' },
      rotations: { type: 'string', default: '20' },
      keep: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.secrets);
  const size = Number(values.kib);
  const rotations = Number(values.rotations);
  for (const [name, value] of [
    ['--secrets', count],
    ['--kib', size],
    ['--rotations', rotations],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number above 0`);
  }

  const cluster = await startBenchCluster(values.keep);
  let namespace: string | undefined;
  try {
    namespace = await createBenchNamespace(cluster, 'bench-secrets');
    const ns = namespace;
    log(`creating ${count} Secrets of ${size} KiB`);
    const names = Array.from({ length: count }, (_, i) => `release-${String(i).padStart(5, '0')}`);
    await inParallel(names, 16, async (name) => {
      await cluster.core.createNamespacedSecret({
        namespace: ns,
        body: {
          metadata: { name, labels: { owner: 'helm' } },
          data: { release: randomBytes(size * 768).toString('base64') },
        },
      });
    });
    await cluster.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'rotated' }, stringData: { token: 'first' } },
    });
    log('listing with metadata only, then whole objects (after a listing that warms the code up)');
    await cache(cluster, ns, true);
    const metadata = await cache(cluster, ns, true);
    const full = await cache(cluster, ns, false);
    const latencies = (await wakeLatencies(cluster, ns, rotations)).sort((a, b) => a - b);

    const heap = (cached: Cached) =>
      cached.heapBytes === undefined ? 'n/a (no --expose-gc)' : kib(cached.heapBytes);
    console.log(
      `Secrets: ${count + 1} in one namespace, ${size} KiB of data each (${measuredOn()}, load ${loadAverage()})`,
    );
    for (const [label, cached] of [
      ['metadata only (the controller)', metadata],
      ['whole objects (for comparison)', full],
    ] as const) {
      console.log(
        `  ${label}: synced in ${cached.syncMs.toFixed(0)} ms, holds ${kib(cached.jsonBytes)} of JSON (${(cached.jsonBytes / (count + 1)).toFixed(0)} B a Secret), heap +${heap(cached)}`,
      );
    }
    console.log(
      `  a rewrite seen by the metadata informer, after the write's answer (${rotations} rewrites): median ${median(latencies).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms`,
    );
  } finally {
    if (namespace) await deleteBenchNamespace(cluster, namespace).catch(() => undefined);
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
