/**
 * The controller as the controller benchmarks run it: what `controller/main.ts` does (runtime flags in,
 * the operator running), plus an IPC channel through which the benchmark asks for a resync of every
 * informer (one resync period, on demand) and for counters and memory figures. The benchmark compiles
 * this file with tsc, as the image's build does, and runs it with plain `node`, so the RSS it reports is
 * the controller's own, without tsx's loader.
 */
import type { Gauge, Counter } from 'prom-client';
import { createOperator, RESOURCES } from '../controller/operator.js';
import { Logger } from '../controller/runtime/logger.js';
import { parseRuntimeConfig } from '../controller/runtime/runtime-config.js';
import { KINDS } from '../lib/crds/index.js';

/** What the benchmark sends. */
export type OperatorRequest =
  | { readonly id: number; readonly type: 'resync' }
  | { readonly id: number; readonly type: 'stats'; readonly gc?: boolean };

/** What the controller answers to `stats`. */
export interface OperatorStats {
  /** `controller_runtime_reconcile_total` summed over results, by controller. */
  readonly reconciles: Record<string, number>;
  /** `workqueue_depth` by queue. */
  readonly queueDepth: Record<string, number>;
  /** `controller_runtime_active_workers` by controller. */
  readonly activeWorkers: Record<string, number>;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Peak RSS of this process so far (`getrusage` maxrss). */
  readonly maxRssBytes: number;
  /** CPU time used by the process so far (user + system). */
  readonly cpuSeconds: number;
  /** Whether a full GC ran before the figures were taken (needs `--expose-gc`). */
  readonly collected: boolean;
}

/** An answer over IPC. */
export type OperatorReply =
  | { readonly type: 'started' }
  | { readonly id: number; readonly type: 'resynced'; readonly objects: number }
  | { readonly id: number; readonly type: 'stats'; readonly stats: OperatorStats };

async function main(argv: readonly string[]): Promise<void> {
  const config = parseRuntimeConfig(argv);
  const logger = new Logger({ level: config.logLevel });
  const operator = createOperator({ config, logger });
  const { manager } = operator;
  // The manager hands out the informer it already made for the same resource and namespaces.
  const informers = KINDS.map((kind) =>
    manager.informer({
      resource: RESOURCES[kind.kind],
      namespaces: config.namespaces,
      resyncPeriodMs: config.resyncPeriodMs,
    }),
  );
  manager.handleSignals();
  await operator.start();

  const sumBy = async (metric: Counter | Gauge | undefined, label: string) => {
    const totals: Record<string, number> = {};
    for (const { labels, value } of (await metric?.get())?.values ?? []) {
      const key = String(labels[label] ?? '');
      totals[key] = (totals[key] ?? 0) + value;
    }
    return totals;
  };
  const metric = (name: string) => manager.registry.getSingleMetric(name) as Counter | Gauge | undefined;

  process.on('message', (request: OperatorRequest) => {
    void (async () => {
      if (request.type === 'resync') {
        for (const informer of informers) informer.resync();
        const objects = informers.reduce((total, informer) => total + informer.store.list().length, 0);
        process.send?.({ id: request.id, type: 'resynced', objects } satisfies OperatorReply);
        return;
      }
      const gc = (globalThis as { gc?: () => void }).gc;
      const collected = request.gc === true && gc !== undefined;
      if (collected) gc();
      const memory = process.memoryUsage();
      const cpu = process.cpuUsage();
      const stats: OperatorStats = {
        reconciles: await sumBy(metric('controller_runtime_reconcile_total'), 'controller'),
        queueDepth: await sumBy(metric('workqueue_depth'), 'name'),
        activeWorkers: await sumBy(metric('controller_runtime_active_workers'), 'controller'),
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        collected,
      };
      process.send?.({ id: request.id, type: 'stats', stats } satisfies OperatorReply);
    })();
  });
  process.on('disconnect', () => void manager.stop());
  process.send?.({ type: 'started' } satisfies OperatorReply);
  await manager.done;
  operator.clients.closeAll();
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`operator-process: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
