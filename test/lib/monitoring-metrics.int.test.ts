/**
 * The dashboard and alert rules of dist/monitoring/ query only metrics the controller really serves:
 * the PromQL of every panel and rule is parsed for metric names and label matchers, and each must
 * appear in a scrape of `/metrics` of a controller that has just worked on the test bed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { pollUntil } from '../control-plane/poll-until.js';
import { repositoryRoot } from '../control-plane/state-paths.js';
import { RESOURCES, useOperatorTestBed } from '../controller/operator-test-bed.js';
import { jobSpec, notebookTask } from '../controller/reconcilers/job/job-fixtures.js';
import { groupingLabels, metricSelectors, parseExposition } from './promql-metric-names.js';

const monitoring = join(repositoryRoot(), 'dist', 'monitoring');
const dashboard = JSON.parse(readFileSync(join(monitoring, 'grafana-dashboard.json'), 'utf8')) as {
  panels: { title: string; targets: { expr: string }[] }[];
};
const rules = parse(readFileSync(join(monitoring, 'prometheus-rules.yaml'), 'utf8')) as {
  groups: { rules: { alert: string; expr: string }[] }[];
};
const queries = [
  ...dashboard.panels.flatMap((panel) =>
    panel.targets.map((target) => [`panel "${panel.title}"`, target.expr]),
  ),
  ...rules.groups.flatMap((group) => group.rules.map((rule) => [`rule ${rule.alert}`, rule.expr])),
];

describe('the metrics the shipped dashboard and alert rules query', () => {
  const bed = useOperatorTestBed('monitoring', { operator: { config: { leaderElection: true } } });

  it('all appear, with the labels they match on, in a real scrape of the controller', async () => {
    bed.fake.setTiming({ runPendingMs: 50, taskRunningMs: 100, runTerminatingMs: 50 });
    // One 429 (retried) and one 500 (a reconcile error the queue retries) on the way to a Ready job,
    // a run that fails and one that waits: every series the rules look at gets a sample.
    bed.fake.setFaults([
      { endpoint: 'jobs/create', kind: 'rate-limit', times: 1 },
      { endpoint: 'jobs/create', kind: 'internal-error', times: 1 },
    ]);
    await bed.create(
      RESOURCES.DatabricksJob,
      'DatabricksJob',
      'etl',
      jobSpec({ tasks: [notebookTask('a')] }),
    );
    await bed.create(RESOURCES.DatabricksRun, 'DatabricksRun', 'broken', {
      workspaceRef: { name: 'ws' },
      submit: { tasks: [notebookTask('load', '/Shared/load_FAIL')] },
    });
    await bed.create(RESOURCES.DatabricksRun, 'DatabricksRun', 'waiting', {
      workspaceRef: { name: 'ws' },
      jobRef: { name: 'absent' },
    });
    await bed.waitForCondition(RESOURCES.DatabricksJob, 'etl');
    await bed.waitForCondition(RESOURCES.DatabricksRun, 'broken', { type: 'Failed' });
    await bed.waitForCondition(RESOURCES.DatabricksRun, 'waiting', {
      status: 'False',
      reason: 'WaitingForDependency',
    });

    const { port } = bed.operator.manager.address;
    // The readiness gauges are counted from the controller's informer caches at scrape time, and a
    // cache can still hold a run's previous status for a moment after the API server answered the new
    // one above (longer on a loaded machine): scrape until it has caught up.
    const scrape = await pollUntil("the controller's caches to hold the runs' verdicts", async () => {
      const scraped = parseExposition(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
      const samples = scraped.get('databricks_objects_not_ready')?.samples ?? [];
      const caughtUp = ['RunFailed', 'WaitingForDependency'].every((reason) =>
        samples.some((sample) => sample.labels.kind === 'DatabricksRun' && sample.labels.reason === reason),
      );
      return caughtUp ? scraped : undefined;
    });

    expect(queries.length).toBeGreaterThan(10);
    const missing: string[] = [];
    // job and instance are the scrape's own labels, added by Prometheus.
    const own = (label: string) => !['job', 'instance'].includes(label);
    for (const [where, expr] of queries) {
      const selectors = metricSelectors(expr);
      for (const { name, labels } of selectors) {
        const served = scrape.get(name);
        if (!served) missing.push(`${where}: ${name} is not served`);
        for (const label of labels.filter(own)) {
          if (served && !served.labels.has(label)) missing.push(`${where}: ${name} has no label ${label}`);
        }
      }
      for (const label of groupingLabels(expr).filter(own)) {
        if (!selectors.some(({ name }) => scrape.get(name)?.labels.has(label))) {
          missing.push(`${where}: groups by ${label}, which no metric it reads has`);
        }
      }
    }
    expect(missing).toEqual([]);

    // The samples behind the rules, as the test made them happen.
    const workspace = `${bed.namespace}/ws`;
    expect(scrape.get('databricks_api_requests_total')?.samples).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          labels: expect.objectContaining({ workspace, endpoint: 'jobs/create', code: '429' }),
        }),
      ]),
    );
    expect(scrape.get('databricks_objects_not_ready')?.samples).toEqual(
      expect.arrayContaining([
        { labels: { kind: 'DatabricksRun', reason: 'RunFailed' }, value: 1 },
        { labels: { kind: 'DatabricksRun', reason: 'WaitingForDependency' }, value: 1 },
      ]),
    );
    expect(scrape.get('leader_election_master_status')?.samples).toEqual([
      { labels: { name: 'databricks-operator' }, value: 1 },
    ]);
    const errors = scrape.get('controller_runtime_reconcile_errors_total')?.samples ?? [];
    expect(
      errors.find((sample) => sample.labels.controller === 'databricksjob')?.value,
    ).toBeGreaterThanOrEqual(1);
    // A job through a 429 and a 500, two runs to their verdicts, and scrapes, which a loaded machine
    // stretches toward the 30 s default.
  }, 60_000);
});
