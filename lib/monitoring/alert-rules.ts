/**
 * Prometheus alert rules for the controller, from the metrics it serves on `/metrics`: reconciles that
 * keep failing, objects not Ready for long, runs that failed, Databricks throttling a workspace, and
 * leader changes. `npm run synth` writes them to dist/monitoring/ both as a plain rules file and as a
 * Prometheus Operator `PrometheusRule`.
 *
 * Every replica serves the not-Ready gauges from its own (warm) caches, so the rules take `max` over
 * replicas where a `sum` would count each object once per replica. Selectors name this controller
 * (`controller=~"databricks.+"`, the lease name), as other controllers export the same metric names.
 */
import { stringify } from 'yaml';

/** One alerting rule, as Prometheus reads it. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** How long `expr` must hold before the alert fires. */
  readonly for?: string;
  readonly labels: { readonly severity: 'warning' | 'critical' };
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** Options of {@link alertRules}. */
export interface AlertRuleOptions {
  /** The leader-election Lease (`DatabricksOperator` `name`). @default 'databricks-operator' */
  readonly leaseName?: string;
  /** Seconds an object may stay not Ready before `DatabricksObjectsNotReady` fires. @default 900 */
  readonly notReadySeconds?: number;
}

/** The reasons a finished run is not Ready for: an outcome to look at, not a reconcile stuck. */
const RUN_OUTCOMES = 'RunFailed|RunNotFound';
const CONTROLLERS = 'controller=~"databricks.+"';

/** The rules, with the lease name and thresholds of this install. */
export function alertRules(options: AlertRuleOptions = {}): AlertRule[] {
  const lease = `name="${options.leaseName ?? 'databricks-operator'}"`;
  const notReadySeconds = options.notReadySeconds ?? 900;
  return [
    {
      alert: 'DatabricksReconcileErrors',
      expr: `sum by (controller) (rate(controller_runtime_reconcile_errors_total{${CONTROLLERS}}[10m])) > 0.05`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'The {{ $labels.controller }} controller keeps failing reconciles.',
        description:
          'Reconciles of {{ $labels.controller }} end in errors that no Ready reason explains (the API server or ' +
          'Databricks unreachable, 5xx answers after retries), {{ $value | humanize }} a second; the work queue ' +
          'retries them with backoff. The controller logs say which objects and why.',
      },
    },
    {
      alert: 'DatabricksObjectsNotReady',
      expr:
        `max by (kind, reason) (databricks_objects_not_ready_longest_seconds{reason!~"${RUN_OUTCOMES}"}) ` +
        `> ${notReadySeconds}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: '{{ $labels.kind }} objects have been not Ready ({{ $labels.reason }}) for long.',
        description:
          'A {{ $labels.kind }} has been Ready=False with reason {{ $labels.reason }} for ' +
          '{{ $value | humanizeDuration }}. `kubectl get databricks -A` lists them; the Ready message and the ' +
          'Warning Events of each say what to fix.',
      },
    },
    {
      alert: 'DatabricksRunsFailed',
      expr: `max by (reason) (databricks_objects_not_ready{kind="DatabricksRun", reason=~"${RUN_OUTCOMES}"}) > 0`,
      labels: { severity: 'warning' },
      annotations: {
        summary: '{{ $value }} DatabricksRuns ended without success ({{ $labels.reason }}).',
        description:
          'DatabricksRuns whose run failed (RunFailed) or vanished from Databricks (RunNotFound). Their ' +
          'Failed condition and status.tasks say why; the alert clears once those objects are deleted.',
      },
    },
    {
      alert: 'DatabricksApiRateLimited',
      expr:
        'sum by (workspace) (rate(databricks_api_requests_total{code="429"}[10m])) / ' +
        'sum by (workspace) (rate(databricks_api_requests_total[10m])) > 0.05',
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Databricks throttles the calls to workspace {{ $labels.workspace }}.',
        description:
          '{{ $value | humanizePercentage }} of the calls to {{ $labels.workspace }} are answered 429. Calls are ' +
          'retried, so objects converge more slowly; lower the DatabricksWorkspace spec.rateLimit, or find ' +
          'what else calls this workspace.',
      },
    },
    {
      alert: 'DatabricksOperatorLeaderChanges',
      expr: `sum by (name) (changes(leader_election_master_status{${lease}}[1h])) > 6`,
      labels: { severity: 'warning' },
      annotations: {
        summary: 'The controller changed leader more than three times in an hour.',
        description:
          'Replicas of {{ $labels.name }} keep losing the leader Lease: crashes, OOM kills, or an API server ' +
          'too slow to renew it in time. Each change pauses reconciles for up to the lease duration (15 s).',
      },
    },
    {
      alert: 'DatabricksOperatorNoLeader',
      expr: `max by (name) (leader_election_master_status{${lease}}) < 1`,
      for: '5m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'No replica of the controller leads: nothing is reconciled.',
        description:
          'Every replica of {{ $labels.name }} serves metrics but none holds the leader Lease, so no object is ' +
          'reconciled. Look at the replicas’ logs and at the Lease.',
      },
    },
  ];
}

/** The rules as a Prometheus rule file (`rule_files:`). */
export function renderPrometheusRules(options: AlertRuleOptions = {}): string {
  return (
    '# Generated by `npm run synth` from lib/monitoring/alert-rules.ts. Do not edit.\n' +
    '# Prometheus alert rules for the cdk8s-databricks controller: list this file under rule_files.\n' +
    stringify({ groups: [{ name: 'cdk8s-databricks', rules: alertRules(options) }] }, { lineWidth: 0 })
  );
}

/** The rules as a Prometheus Operator PrometheusRule in `namespace`. */
export function renderPrometheusRule(
  namespace = 'databricks-operator',
  options: AlertRuleOptions = {},
): string {
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'cdk8s-databricks',
      namespace,
      labels: {
        'app.kubernetes.io/name': 'databricks-operator',
        'app.kubernetes.io/part-of': 'cdk8s-databricks',
      },
    },
    spec: { groups: [{ name: 'cdk8s-databricks', rules: alertRules(options) }] },
  };
  return (
    '# Generated by `npm run synth` from lib/monitoring/alert-rules.ts. Do not edit.\n' +
    "# The alert rules as a Prometheus Operator PrometheusRule; add the labels your Prometheus's ruleSelector\n" +
    '# picks (kube-prometheus-stack: release=<its release>).\n' +
    stringify(rule, { lineWidth: 0 })
  );
}
