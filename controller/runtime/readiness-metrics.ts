/**
 * How many objects are not Ready, and for how long, by kind and `Ready` reason: read from the informer
 * caches when Prometheus scrapes, so nothing is counted twice or left behind when an object goes.
 *
 * - `databricks_objects_not_ready{kind, reason}`: objects whose `Ready` is not `True` (reason
 *   `NotReconciled` for one the controller has not written `Ready` on yet).
 * - `databricks_objects_not_ready_longest_seconds{kind, reason}`: how long the longest-waiting of them
 *   has been so, from `Ready`'s `lastTransitionTime` (or the object's creation), for "not Ready for long".
 *
 * Both are labelled by kind and reason only: a handful of each, whatever the number of objects.
 */
import { Gauge, type Registry } from 'prom-client';
import { findCondition, type Condition } from './conditions.js';
import type { KubeObject } from './kube-client.js';
import type { ObjectStore } from './object-store.js';

export const OBJECTS_NOT_READY = 'databricks_objects_not_ready';
export const OBJECTS_NOT_READY_LONGEST_SECONDS = 'databricks_objects_not_ready_longest_seconds';

/** The reason given to objects with no `Ready` condition yet. */
export const NOT_RECONCILED = 'NotReconciled';

/** One kind's cache. */
export interface ReadinessSource {
  readonly kind: string;
  readonly store: Pick<ObjectStore<KubeObject & { status?: { conditions?: Condition[] } }>, 'list'>;
}

interface NotReadyTally {
  readonly kind: string;
  readonly reason: string;
  count: number;
  longestMs: number;
}

/** Registers the two gauges in `registry`, computed from `sources` at each scrape. */
export function registerReadinessMetrics(
  registry: Registry,
  sources: readonly ReadinessSource[],
  now: () => number = Date.now,
): void {
  // Each gauge walks the caches itself (a few thousand objects, at scrape intervals), so neither
  // depends on the other having been collected first.
  const tally = (): NotReadyTally[] => {
    const byKindAndReason = new Map<string, NotReadyTally>();
    const at = now();
    for (const { kind, store } of sources) {
      for (const object of store.list()) {
        const ready = findCondition(object.status?.conditions, 'Ready');
        if (ready?.status === 'True') continue;
        const reason = ready?.reason ?? NOT_RECONCILED;
        const since = Date.parse(
          ready?.lastTransitionTime ?? String(object.metadata['creationTimestamp'] ?? ''),
        );
        const key = `${kind}\u0000${reason}`;
        const entry = byKindAndReason.get(key) ?? { kind, reason, count: 0, longestMs: 0 };
        entry.count++;
        if (!Number.isNaN(since)) entry.longestMs = Math.max(entry.longestMs, at - since);
        byKindAndReason.set(key, entry);
      }
    }
    return [...byKindAndReason.values()];
  };
  new Gauge({
    name: OBJECTS_NOT_READY,
    help: 'Objects whose Ready condition is not True, by kind and Ready reason (NotReconciled: no Ready yet).',
    labelNames: ['kind', 'reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { kind, reason, count } of tally()) this.set({ kind, reason }, count);
    },
  });
  new Gauge({
    name: OBJECTS_NOT_READY_LONGEST_SECONDS,
    help: 'How long the longest not-Ready object of each kind and Ready reason has been not Ready, in seconds.',
    labelNames: ['kind', 'reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { kind, reason, longestMs } of tally()) {
        this.set({ kind, reason }, Math.round(longestMs / 1000));
      }
    },
  });
}
