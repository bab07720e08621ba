/**
 * A Grafana dashboard for the controller, over the metrics it serves on `/metrics`: objects not Ready,
 * reconciles and their errors, the work queues, the Databricks API by workspace (calls, 429s, latency),
 * and the leader. `npm run synth` writes it to dist/monitoring/grafana-dashboard.json for import (or a
 * dashboard provider); its data source is a variable, chosen on import.
 */

/** One query of a panel. */
interface Target {
  readonly expr: string;
  readonly legendFormat: string;
}

/** A panel as this file builds it: a time series, or a stat of the last value. */
interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly targets: readonly Target[];
  readonly unit: string;
  readonly type?: 'timeseries' | 'stat';
  /** Width in grid units (of 24). @default 12 */
  readonly width?: number;
}

const CONTROLLERS = 'controller=~"databricks.+"';
const QUEUES = 'name=~"databricks.+"';

/** The panels, row by row. */
const ROWS: readonly (readonly PanelSpec[])[] = [
  [
    {
      title: 'Objects not Ready',
      description:
        'Objects whose Ready condition is not True, by kind and reason (max over replicas: each serves it from its own cache).',
      targets: [
        { expr: 'max by (kind, reason) (databricks_objects_not_ready)', legendFormat: '{{kind}} {{reason}}' },
      ],
      unit: 'short',
      type: 'stat',
      width: 12,
    },
    {
      title: 'Longest not Ready',
      description: 'How long the longest-waiting not-Ready object of each kind and reason has been so.',
      targets: [
        {
          expr: 'max by (kind, reason) (databricks_objects_not_ready_longest_seconds)',
          legendFormat: '{{kind}} {{reason}}',
        },
      ],
      unit: 's',
    },
  ],
  [
    {
      title: 'Reconciles by result',
      description: 'Reconciles a second, by controller and result (success, requeue, requeue_after, error).',
      targets: [
        {
          expr: `sum by (controller, result) (rate(controller_runtime_reconcile_total{${CONTROLLERS}}[5m]))`,
          legendFormat: '{{controller}} {{result}}',
        },
      ],
      unit: 'ops',
    },
    {
      title: 'Reconcile errors',
      description: 'Reconciles that ended in an error (not a Ready reason) a second; the queue retries them.',
      targets: [
        {
          expr: `sum by (controller) (rate(controller_runtime_reconcile_errors_total{${CONTROLLERS}}[5m]))`,
          legendFormat: '{{controller}}',
        },
      ],
      unit: 'ops',
    },
  ],
  [
    {
      title: 'Reconcile duration (p95)',
      description: '95th percentile of reconcile time, by controller.',
      targets: [
        {
          expr: `histogram_quantile(0.95, sum by (controller, le) (rate(controller_runtime_reconcile_time_seconds_bucket{${CONTROLLERS}}[5m])))`,
          legendFormat: '{{controller}}',
        },
      ],
      unit: 's',
    },
    {
      title: 'Work queue depth',
      description: 'Keys waiting in each controller’s work queue.',
      targets: [{ expr: `max by (name) (workqueue_depth{${QUEUES}})`, legendFormat: '{{name}}' }],
      unit: 'short',
    },
  ],
  [
    {
      title: 'Databricks API calls by status',
      description: 'Calls (every attempt, retries included) a second, by workspace and HTTP status.',
      targets: [
        {
          expr: 'sum by (workspace, code) (rate(databricks_api_requests_total[5m]))',
          legendFormat: '{{workspace}} {{code}}',
        },
      ],
      unit: 'reqps',
    },
    {
      title: 'Databricks 429s',
      description: 'Calls Databricks answered 429 (rate limited) a second, by workspace and endpoint.',
      targets: [
        {
          expr: 'sum by (workspace, endpoint) (rate(databricks_api_requests_total{code="429"}[5m]))',
          legendFormat: '{{workspace}} {{endpoint}}',
        },
      ],
      unit: 'reqps',
    },
  ],
  [
    {
      title: 'Databricks API latency (p95)',
      description: '95th percentile of one attempt’s duration, by workspace and endpoint.',
      targets: [
        {
          expr: 'histogram_quantile(0.95, sum by (workspace, endpoint, le) (rate(databricks_api_request_duration_seconds_bucket[5m])))',
          legendFormat: '{{workspace}} {{endpoint}}',
        },
      ],
      unit: 's',
    },
    {
      title: 'Leader',
      description: 'Which replica runs the controllers (1); a change of leader pauses reconciles briefly.',
      targets: [
        { expr: 'max by (instance, name) (leader_election_master_status)', legendFormat: '{{instance}}' },
      ],
      unit: 'short',
    },
  ],
  [
    {
      title: 'Controller memory',
      description: 'Resident memory of each replica.',
      targets: [{ expr: 'process_resident_memory_bytes{job=~"$job"}', legendFormat: '{{instance}}' }],
      unit: 'bytes',
    },
    {
      title: 'Controller CPU',
      description: 'CPU seconds a second used by each replica.',
      targets: [{ expr: 'rate(process_cpu_seconds_total{job=~"$job"}[5m])', legendFormat: '{{instance}}' }],
      unit: 'percentunit',
    },
  ],
];

const PANEL_HEIGHT = 8;

/** The dashboard model, as Grafana imports it. */
export function grafanaDashboard(): Record<string, unknown> {
  const datasource = { type: 'prometheus', uid: '${datasource}' };
  let id = 0;
  const panels = ROWS.flatMap((row, rowIndex) => {
    let x = 0;
    return row.map((spec) => {
      const width = spec.width ?? 12;
      const panel = {
        id: ++id,
        type: spec.type ?? 'timeseries',
        title: spec.title,
        description: spec.description,
        datasource,
        gridPos: { x, y: rowIndex * PANEL_HEIGHT, w: width, h: PANEL_HEIGHT },
        fieldConfig: { defaults: { unit: spec.unit }, overrides: [] },
        options: {},
        targets: spec.targets.map((target, index) => ({
          refId: String.fromCharCode(65 + index),
          datasource,
          expr: target.expr,
          legendFormat: target.legendFormat,
        })),
      };
      x += width;
      return panel;
    });
  });
  return {
    uid: 'cdk8s-databricks',
    title: 'cdk8s-databricks controller',
    description:
      'The Databricks controller of cdk8s-databricks: readiness, reconciles, Databricks API, leader.',
    tags: ['cdk8s-databricks', 'databricks', 'kubernetes'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus' },
        {
          name: 'job',
          label: 'Scrape job of the controller',
          type: 'query',
          datasource,
          query: `label_values(controller_runtime_reconcile_total{${CONTROLLERS}}, job)`,
          includeAll: true,
          multi: true,
          current: { text: 'All', value: '$__all' },
        },
      ],
    },
    panels,
  };
}

/** The dashboard as the JSON file `npm run synth` writes (JSON has no comments: `description` says it is generated). */
export function renderGrafanaDashboard(): string {
  return `${JSON.stringify(grafanaDashboard(), null, 2)}\n`;
}
