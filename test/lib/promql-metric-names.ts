/**
 * Just enough PromQL and Prometheus text exposition parsing to tell which metrics (and labels) a query
 * reads and which a `/metrics` scrape serves.
 */

/** Functions, aggregations and keywords: names in a query that are not metrics. */
const NOT_METRICS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'stddev',
  'topk',
  'bottomk',
  'quantile',
  'rate',
  'irate',
  'increase',
  'changes',
  'delta',
  'deriv',
  'histogram_quantile',
  'absent',
  'label_values',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
]);

/** A metric a query selects, with the label names its matchers name. */
export interface MetricSelector {
  readonly name: string;
  readonly labels: string[];
}

/** The metrics `expr` selects. */
export function metricSelectors(expr: string): MetricSelector[] {
  const stripped = expr
    // Grouping clauses name labels, not metrics.
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    // Range and subquery durations.
    .replace(/\[[^\]]*\]/g, ' ');
  const selectors: MetricSelector[] = [];
  const token = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?\s*(\()?/g;
  for (const match of stripped.matchAll(token)) {
    const [, name, matchers, call] = match;
    const before = stripped[match.index - 1];
    // Inside a matcher's quoted value or a number's exponent: not a name.
    if (before === '"' || before === '.' || /[0-9]/.test(before ?? '')) continue;
    if (call || NOT_METRICS.has(name)) continue;
    const labels = [...(matchers ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"/g)].map(
      (m) => m[1],
    );
    selectors.push({ name, labels });
  }
  return selectors;
}

/** The labels `expr` groups or matches by (`by (...)`, `on (...)`, ...). */
export function groupingLabels(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)].flatMap((m) =>
    m[1]
      .split(',')
      .map((label) => label.trim())
      .filter(Boolean),
  );
}

/** One sample of a scrape. */
export interface Sample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** What a scrape serves under one name: its samples and every label name they carry. */
export interface ServedMetric {
  readonly samples: Sample[];
  readonly labels: Set<string>;
}

/** The samples of a Prometheus text exposition, by series name (`_bucket`, `_sum`, `_count` apart). */
export function parseExposition(text: string): Map<string, ServedMetric> {
  const metrics = new Map<string, ServedMetric>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const [, name, labelText, value] = match;
    const labels = Object.fromEntries(
      [...(labelText ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    const metric = metrics.get(name) ?? { samples: [], labels: new Set<string>() };
    metric.samples.push({ labels, value: Number(value) });
    for (const label of Object.keys(labels)) metric.labels.add(label);
    metrics.set(name, metric);
  }
  return metrics;
}
