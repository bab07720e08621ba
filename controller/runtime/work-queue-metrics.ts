import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What a queue reports to the gauges that are computed when Prometheus scrapes. */
export interface WorkQueueProbe {
  readonly name: string;
  /** Seconds of work in progress that has not called `done` yet, summed over all items. */
  unfinishedWorkSeconds(): number;
  /** Seconds the longest-running item has been in progress. */
  longestRunningProcessorSeconds(): number;
}

/** client-go's `workqueue_*` metrics, labelled by queue `name`, registered once per Registry. */
export interface WorkQueueMetrics {
  readonly depth: Gauge<'name'>;
  readonly adds: Counter<'name'>;
  readonly queueDuration: Histogram<'name'>;
  readonly workDuration: Histogram<'name'>;
  readonly retries: Counter<'name'>;
  readonly probes: Set<WorkQueueProbe>;
}

// Same buckets as client-go: 1 µs to 10 s by factors of 10.
const durationBuckets = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10];

const perRegistry = new WeakMap<Registry, WorkQueueMetrics>();

/** The work queue metrics of `registry`, created on first use so several queues share them. */
export function workQueueMetrics(registry: Registry): WorkQueueMetrics {
  const existing = perRegistry.get(registry);
  if (existing) return existing;
  const probes = new Set<WorkQueueProbe>();
  const registers = [registry];
  const metrics: WorkQueueMetrics = {
    probes,
    depth: new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of workqueue',
      labelNames: ['name'],
      registers,
    }),
    adds: new Counter({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by workqueue',
      labelNames: ['name'],
      registers,
    }),
    queueDuration: new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames: ['name'],
      buckets: durationBuckets,
      registers,
    }),
    workDuration: new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes',
      labelNames: ['name'],
      buckets: durationBuckets,
      registers,
    }),
    retries: new Counter({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by workqueue',
      labelNames: ['name'],
      registers,
    }),
  };
  new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help: 'Seconds of work in progress not yet observed by work_duration; large values mean stuck workers',
    labelNames: ['name'],
    registers,
    collect() {
      for (const probe of probes) this.set({ name: probe.name }, probe.unfinishedWorkSeconds());
    },
  });
  new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds the longest running processor for workqueue has been running',
    labelNames: ['name'],
    registers,
    collect() {
      for (const probe of probes) this.set({ name: probe.name }, probe.longestRunningProcessorSeconds());
    },
  });
  perRegistry.set(registry, metrics);
  return metrics;
}
