import { Registry } from 'prom-client';
import { registerReadinessMetrics } from '../../../controller/runtime/readiness-metrics.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

function object(name: string, ready?: { status: string; reason: string; since: string }) {
  return {
    metadata: { name, creationTimestamp: '2026-03-01T11:00:00Z' },
    status: ready
      ? {
          conditions: [
            {
              type: 'Ready',
              status: ready.status as 'True',
              reason: ready.reason,
              message: '',
              lastTransitionTime: ready.since,
            },
          ],
        }
      : undefined,
  };
}

async function samples(registry: Registry, name: string) {
  const metric = await registry.getSingleMetric(name)?.get();
  return Object.fromEntries(
    (metric?.values ?? []).map((v) => [`${v.labels.kind}/${v.labels.reason}`, v.value]),
  );
}

describe('readiness metrics', () => {
  it('count objects not Ready by kind and reason, and how long the longest has waited, at each scrape', async () => {
    const registry = new Registry();
    const jobs = [
      object('ok', { status: 'True', reason: 'Synced', since: '2026-03-01T11:00:00Z' }),
      object('bad', { status: 'False', reason: 'InvalidSettings', since: '2026-03-01T11:50:00Z' }),
      object('worse', { status: 'False', reason: 'InvalidSettings', since: '2026-03-01T11:30:00Z' }),
      object('new'),
    ];
    const runs = [object('failed', { status: 'False', reason: 'RunFailed', since: '2026-03-01T11:59:00Z' })];
    registerReadinessMetrics(
      registry,
      [
        { kind: 'DatabricksJob', store: { list: () => jobs } },
        { kind: 'DatabricksRun', store: { list: () => runs } },
      ],
      () => NOW,
    );
    expect(await samples(registry, 'databricks_objects_not_ready')).toEqual({
      'DatabricksJob/InvalidSettings': 2,
      'DatabricksJob/NotReconciled': 1,
      'DatabricksRun/RunFailed': 1,
    });
    expect(await samples(registry, 'databricks_objects_not_ready_longest_seconds')).toEqual({
      'DatabricksJob/InvalidSettings': 1800,
      'DatabricksJob/NotReconciled': 3600,
      'DatabricksRun/RunFailed': 60,
    });

    // Fixed and deleted objects leave no series behind.
    jobs.splice(1, 3);
    runs.length = 0;
    expect(await samples(registry, 'databricks_objects_not_ready')).toEqual({});
    expect(await registry.metrics()).toContain('# TYPE databricks_objects_not_ready gauge');
  });
});
