/**
 * The operator install: everything a cluster needs to run the controller, as one construct, so that
 * `npm run synth` writes it to dist/operator.k8s.yaml for `kubectl apply` or Argo CD, and an app can
 * put it in its own chart with its own settings.
 *
 * Written with the generated Kubernetes classes of cdk8s-plus-33 (`k8s.Kube*`) rather than its L2
 * Deployment and roles: those add construct-path selector labels and their own security defaults
 * (a pod without its service account token, for one), and here every field of the manifest is
 * chosen on purpose and reviewed in dist/.
 */
import { ApiObject, App, Chart, Duration, JsonPatch } from 'cdk8s';
// The generated classes alone, not the package's index: this module's .d.ts names them, and the index
// would make an app's `tsc` read all of cdk8s-plus' L2 declarations, which do not compile under
// `exactOptionalPropertyTypes`. cdk8s-plus-33 rather than an older line: it is what `cdk8s init` gives
// an app, so installing this library adds no second copy, and cdk8s-plus-27 pulls in an optional
// `backport` dependency of some 130 packages (GitHub and HTTP clients among them).
import * as k8s from 'cdk8s-plus-33/lib/imports/k8s.js';
import { Construct } from 'constructs';
import { OPERATOR_SYNC_WAVE, SYNC_WAVE_ANNOTATION } from './argocd/sync-waves.js';
import { API_GROUP } from './crds/api-group.js';
import { KINDS } from './crds/kinds.js';

/** The version of this package; the default image is tagged with it. */
export const OPERATOR_VERSION = '0.1.0';

/**
 * The image the top-level Dockerfile builds (`docker build -t cdk8s-databricks-controller:0.1.0 .`).
 * No registry publishes it: push it to yours and set `image` to that reference.
 */
export const DEFAULT_OPERATOR_IMAGE = `cdk8s-databricks-controller:${OPERATOR_VERSION}`;

/** The port of `/metrics`, `/healthz` and `/readyz` (the controller's `--metrics-bind-address`). */
export const OPERATOR_METRICS_PORT = 8080;

/** Severity of the controller's log lines. */
export type OperatorLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** CPU and memory of the controller container, as Kubernetes quantities (`100m`, `256Mi`). */
export interface OperatorResourceList {
  /** @default - none */
  readonly cpu?: string;
  /** @default - none */
  readonly memory?: string;
}

/** Requests and limits of the controller container. */
export interface OperatorResources {
  /** @default - none */
  readonly requests?: OperatorResourceList;
  /** @default - none */
  readonly limits?: OperatorResourceList;
}

/** Props of {@link DatabricksOperator}. */
export interface DatabricksOperatorProps {
  /**
   * Name of the ServiceAccount, roles, bindings, Deployment and leader-election Lease. Two installs in
   * one cluster (each watching its own namespaces) need different names: the ClusterRole is cluster-wide.
   *
   * @default 'databricks-operator'
   */
  readonly name?: string;
  /**
   * Namespace the controller runs in (and holds its Lease in).
   *
   * @default - the chart's namespace, else 'databricks-operator'
   */
  readonly namespace?: string;
  /**
   * Synthesize the Namespace object. Turn off when the namespace is managed elsewhere.
   *
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * The controller image.
   *
   * @default DEFAULT_OPERATOR_IMAGE
   */
  readonly image?: string;
  /**
   * Controller replicas. They elect a leader on a Lease, so only one reconciles at a time and a
   * standby, its caches warm, takes over within the lease duration (15 s) if the leader dies.
   *
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Namespaces whose Databricks objects the controller reconciles. When set, it is granted a Role in
   * each of them instead of a ClusterRole, and sees nothing elsewhere.
   *
   * @default - all namespaces, through a ClusterRole
   */
  readonly watchNamespaces?: readonly string[];
  /**
   * Concurrent reconciles per kind (`--workers`).
   *
   * @default 16
   */
  readonly workers?: number;
  /**
   * The longest time between two reconciles of every object, which find and undo changes made in
   * Databricks (`--resync-period`). Each kind reads Databricks through listings shared by its objects,
   * so a resync costs a few reads per workspace, not one per object.
   *
   * @default Duration.seconds(50)
   */
  readonly resyncPeriod?: Duration;
  /**
   * How often what only a read per object can show (job permissions, secret scope keys and ACLs) is
   * read, each object at its own moment of the period (`--slow-resync-period`).
   *
   * @default Duration.minutes(10)
   */
  readonly slowResyncPeriod?: Duration;
  /**
   * Requests and limits of the controller container; replaces the default as a whole.
   *
   * @default - requests cpu 100m and memory 128Mi, limits memory 512Mi
   */
  readonly resources?: OperatorResources;
  /**
   * Lowest severity logged (`--log-level`).
   *
   * @default 'info'
   */
  readonly logLevel?: OperatorLogLevel;
  /**
   * Synthesize a Service in front of the metrics port, annotated `prometheus.io/scrape` for
   * annotation-based Prometheus discovery (a ServiceMonitor can select it by its labels and port `metrics`).
   *
   * @default true
   */
  readonly metricsService?: boolean;
  /**
   * Argo CD sync wave of every object of the install (`argocd.argoproj.io/sync-wave`): after the CRDs
   * (wave -2 in dist/databricks.operator.dev.crds.yaml) and before the Databricks objects (wave 0), so
   * that one app can hold all three. `undefined` leaves the annotation out.
   *
   * @default OPERATOR_SYNC_WAVE (-1)
   */
  readonly syncWave?: number;
}

const DEFAULT_NAME = 'databricks-operator';
const DEFAULT_RESOURCES: OperatorResources = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { memory: '512Mi' },
};
const RBAC_API_GROUP = 'rbac.authorization.k8s.io';
// RFC 1035 label: what a Service name must be (the strictest of the objects named after `name`).
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// Kubernetes' quantity grammar, as the API server's own regular expression has it.
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const LOG_LEVELS: readonly OperatorLogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * What the controller does to the objects it reconciles, in each namespace it watches: read and watch
 * every kind, patch them (finalizers) and their status; read the Secrets and ConfigMaps a spec names,
 * and list and watch them to be woken when one changes (the controller asks for metadata only, as
 * PartialObjectMetadata, and caches name, namespace, uid and resourceVersion: never a value, and little
 * memory however many Secrets a namespace holds); record `events.k8s.io` Events and bump their count.
 *
 * It also patches the Secrets a DatabricksWorkspace's `spec.auth` names, to put that workspace's
 * finalizer on them and take it off again: deleting an app at once deletes its Secret too, and without
 * the finalizer the credentials would be gone before the app's objects had deleted what they made in
 * Databricks. RBAC cannot limit a patch to `metadata.finalizers`, so this grant could change a Secret's
 * data; the controller never does (its only Secret patches are JSON patches of `metadata.finalizers`),
 * and it still cannot create, update or delete Secrets in these namespaces. RBAC cannot limit a list or
 * watch to metadata either: the grant would let the service account read every Secret of these
 * namespaces in full; the controller reads in full only the ones a spec names. Restricting it further
 * takes an admission policy on the controller's service account.
 */
export function watchedNamespaceRules(): k8s.PolicyRule[] {
  const plurals = KINDS.map((kind) => kind.plural);
  return [
    { apiGroups: [API_GROUP], resources: plurals, verbs: ['get', 'list', 'watch', 'patch'] },
    { apiGroups: [API_GROUP], resources: plurals.map((plural) => `${plural}/status`), verbs: ['patch'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'patch'] },
    { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
  ];
}

/**
 * Leader election in the controller's own namespace: create the Lease, then read and renew only that
 * one (create cannot be limited to a name, since the object does not exist yet when it is checked).
 */
export function leaderElectionRules(leaseName: string): k8s.PolicyRule[] {
  return [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: [leaseName],
      verbs: ['get', 'update'],
    },
  ];
}

/**
 * The controller's own key for `status.secretHashes` of DatabricksSecretScopes (see the controller's
 * secret-scope-hash-key.ts): a Secret in its namespace, named after the Lease, that the first controller
 * creates. Read only that one; create cannot be limited to a name, so it is allowed in this namespace.
 */
export function secretHashKeyRules(secretName: string): k8s.PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    { apiGroups: [''], resources: ['secrets'], resourceNames: [secretName], verbs: ['get'] },
  ];
}

/**
 * The Databricks operator installed in a cluster: its Namespace, ServiceAccount, the RBAC it needs
 * and nothing more, the controller Deployment (replicas with leader election, probes, a locked-down
 * security context) and a metrics Service. The CRDs are separate (dist/databricks.operator.dev.crds.yaml).
 *
 * @example
 * new DatabricksOperator(chart, 'operator', {
 *   image: 'registry.example.com/cdk8s-databricks-controller:0.1.0',
 *   watchNamespaces: ['data-eng', 'ml'],
 * });
 */
export class DatabricksOperator extends Construct {
  /** Name of the ServiceAccount, roles, bindings, Deployment and Lease. */
  readonly name: string;
  /** Namespace the controller runs in. */
  readonly namespace: string;
  /** Namespaces it reconciles, or undefined for all. */
  readonly watchNamespaces?: readonly string[];
  /** Name of the leader-election Lease in {@link namespace}. */
  readonly leaseName: string;
  /** Name of the Secret in {@link namespace} holding the controller's key for secret-scope hashes. */
  readonly secretHashKeyName: string;
  readonly serviceAccount: k8s.KubeServiceAccount;
  readonly deployment: k8s.KubeDeployment;
  /** The metrics Service, unless `metricsService` is false. */
  readonly service?: k8s.KubeService;
  /** The controller's command-line arguments, as the Deployment passes them. */
  readonly args: readonly string[];

  private readonly props: DatabricksOperatorProps;

  constructor(scope: Construct, id: string, props: DatabricksOperatorProps = {}) {
    super(scope, id);
    this.props = props;
    const chart = Chart.of(this);
    this.name = props.name ?? DEFAULT_NAME;
    this.namespace = props.namespace ?? chart.namespace ?? DEFAULT_NAME;
    this.watchNamespaces = props.watchNamespaces;
    this.leaseName = this.name;
    // The controller derives the same name from its --leader-election-id.
    this.secretHashKeyName = `${this.leaseName}-secret-hash-key`;
    this.node.addValidation({ validate: () => this.problems() });

    const labels = this.labels();
    const namespaced = { namespace: this.namespace, labels };
    const dependents: ApiObject[] = [];

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, ...namespaced },
    });
    dependents.push(this.serviceAccount, ...this.grantWatchedNamespaces(labels));
    dependents.push(...this.grantLeaderElection(labels));
    dependents.push(...this.grantSecretHashKey(labels));

    this.args = this.controllerArgs();
    this.deployment = this.createDeployment(labels);
    dependents.push(this.deployment);
    if (props.metricsService ?? true) {
      this.service = new k8s.KubeService(this, 'MetricsService', {
        metadata: {
          name: `${this.name}-metrics`,
          ...namespaced,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(OPERATOR_METRICS_PORT),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          type: 'ClusterIP',
          selector: this.selectorLabels(),
          ports: [
            {
              name: 'metrics',
              port: OPERATOR_METRICS_PORT,
              targetPort: k8s.IntOrString.fromString('metrics'),
              protocol: 'TCP',
            },
          ],
        },
      });
      dependents.push(this.service);
    }

    if (props.createNamespace ?? true) {
      const namespace = new k8s.KubeNamespace(this, 'Namespace', {
        metadata: { name: this.namespace, labels },
      });
      clusterScoped(namespace);
      // Listed first in the manifest, so a single `kubectl apply` creates it before what lives in it.
      for (const dependent of dependents) dependent.addDependency(namespace);
    }

    const wave = 'syncWave' in props ? props.syncWave : OPERATOR_SYNC_WAVE;
    if (wave !== undefined) {
      for (const object of this.node.findAll().filter(ApiObject.isApiObject)) {
        object.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(wave));
      }
    }
  }

  /** The ClusterRole and its binding, or a Role and RoleBinding in each watched namespace. */
  private grantWatchedNamespaces(labels: Record<string, string>): ApiObject[] {
    const rules = watchedNamespaceRules();
    const subjects = [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }];
    if (!this.watchNamespaces) {
      const role = new k8s.KubeClusterRole(this, 'ClusterRole', {
        metadata: { name: this.name, labels },
        rules,
      });
      const binding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
        metadata: { name: this.name, labels },
        roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: this.name },
        subjects,
      });
      clusterScoped(role);
      clusterScoped(binding);
      return [role, binding];
    }
    // Unique, so that a name listed twice is reported by validation rather than as a construct clash.
    return [...new Set(this.watchNamespaces)].flatMap((namespace) => {
      const metadata = { name: this.name, namespace, labels };
      const role = new k8s.KubeRole(this, `Role-${namespace}`, { metadata, rules });
      const binding = new k8s.KubeRoleBinding(this, `RoleBinding-${namespace}`, {
        metadata,
        roleRef: { apiGroup: RBAC_API_GROUP, kind: 'Role', name: this.name },
        subjects,
      });
      return [role, binding];
    });
  }

  /** The Role (and binding) for the Lease, in the controller's namespace. */
  private grantLeaderElection(labels: Record<string, string>): ApiObject[] {
    const metadata = { name: `${this.name}-leader-election`, namespace: this.namespace, labels };
    const role = new k8s.KubeRole(this, 'LeaderElectionRole', {
      metadata,
      rules: leaderElectionRules(this.leaseName),
    });
    const binding = new k8s.KubeRoleBinding(this, 'LeaderElectionRoleBinding', {
      metadata,
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'Role', name: metadata.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
    });
    return [role, binding];
  }

  /** The Role (and binding) for the secret-scope hash key, in the controller's namespace. */
  private grantSecretHashKey(labels: Record<string, string>): ApiObject[] {
    const metadata = { name: `${this.name}-secret-hash-key`, namespace: this.namespace, labels };
    const role = new k8s.KubeRole(this, 'SecretHashKeyRole', {
      metadata,
      rules: secretHashKeyRules(this.secretHashKeyName),
    });
    const binding = new k8s.KubeRoleBinding(this, 'SecretHashKeyRoleBinding', {
      metadata,
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'Role', name: metadata.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
    });
    return [role, binding];
  }

  /** The flags of controller/runtime/runtime-config.ts; `$(POD_NAMESPACE)` is expanded by the kubelet. */
  private controllerArgs(): string[] {
    const resync = this.props.resyncPeriod ?? Duration.seconds(50);
    const slowResync = this.props.slowResyncPeriod ?? Duration.minutes(10);
    return [
      '--leader-elect',
      '--leader-election-namespace=$(POD_NAMESPACE)',
      `--leader-election-id=${this.leaseName}`,
      `--metrics-bind-address=:${OPERATOR_METRICS_PORT}`,
      ...(this.watchNamespaces ? [`--namespaces=${this.watchNamespaces.join(',')}`] : []),
      `--workers=${this.props.workers ?? 16}`,
      `--resync-period=${durationFlag(resync.toMilliseconds({ integral: false }))}`,
      `--slow-resync-period=${durationFlag(slowResync.toMilliseconds({ integral: false }))}`,
      `--log-level=${this.props.logLevel ?? 'info'}`,
    ];
  }

  private createDeployment(labels: Record<string, string>): k8s.KubeDeployment {
    const resources = this.props.resources ?? DEFAULT_RESOURCES;
    const probe = (path: string, periodSeconds: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('metrics') },
      periodSeconds,
      timeoutSeconds: 2,
      failureThreshold: 3,
    });
    return new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        replicas: this.props.replicas ?? 2,
        selector: { matchLabels: this.selectorLabels() },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: this.name,
            // The controller authenticates with this token (in-cluster config).
            automountServiceAccountToken: true,
            // Long enough for reconciles in flight to finish and the Lease to be released.
            terminationGracePeriodSeconds: 30,
            securityContext: {
              runAsNonRoot: true,
              // The `node` user of node:20-slim; numeric so the kubelet can check runAsNonRoot.
              runAsUser: 1000,
              runAsGroup: 1000,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'controller',
                image: this.props.image ?? DEFAULT_OPERATOR_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                args: [...this.args],
                env: [
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                ],
                ports: [{ name: 'metrics', containerPort: OPERATOR_METRICS_PORT, protocol: 'TCP' }],
                livenessProbe: probe('/healthz', 20),
                // A standby is ready too (its caches are synced); /readyz fails only while they sync.
                readinessProbe: probe('/readyz', 10),
                resources: {
                  requests: quantities(resources.requests),
                  limits: quantities(resources.limits),
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
          },
        },
      },
    });
  }

  private selectorLabels(): Record<string, string> {
    return { 'app.kubernetes.io/name': 'databricks-operator', 'app.kubernetes.io/instance': this.name };
  }

  private labels(): Record<string, string> {
    return {
      ...this.selectorLabels(),
      'app.kubernetes.io/component': 'controller',
      'app.kubernetes.io/part-of': 'cdk8s-databricks',
      'app.kubernetes.io/version': OPERATOR_VERSION,
    };
  }

  private problems(): string[] {
    const problems: string[] = [];
    const { props } = this;
    if (!DNS_1035_LABEL.test(this.name) || this.name.length > 55) {
      problems.push(
        `name "${this.name}" must be at most 55 lowercase letters, digits and '-', starting with a letter, ` +
          `as it also names the Service "<name>-metrics"; e.g. "databricks-operator"`,
      );
    }
    const namespaceProblem = namespaceNameProblem(this.namespace);
    if (namespaceProblem) problems.push(`namespace "${this.namespace}" ${namespaceProblem}`);
    if (props.image !== undefined && !/^[^\s]+$/.test(props.image)) {
      problems.push(
        `image "${props.image}" is not an image reference; give one without spaces, e.g. ` +
          `"registry.example.com/cdk8s-databricks-controller:${OPERATOR_VERSION}"`,
      );
    }
    for (const [field, value] of [
      ['replicas', props.replicas],
      ['workers', props.workers],
    ] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
        problems.push(
          `${field} ${value} must be a whole number of 1 or more, e.g. ${field === 'replicas' ? 2 : 4}`,
        );
      }
    }
    if (this.watchNamespaces) {
      if (this.watchNamespaces.length === 0) {
        problems.push('watchNamespaces is empty; list at least one namespace, or leave it out to watch all');
      }
      const seen = new Set<string>();
      for (const [index, namespace] of this.watchNamespaces.entries()) {
        const problem = namespaceNameProblem(namespace);
        if (problem) problems.push(`watchNamespaces[${index}] "${namespace}" ${problem}`);
        else if (seen.has(namespace))
          problems.push(`watchNamespaces[${index}] "${namespace}" is listed twice`);
        seen.add(namespace);
      }
    }
    if (props.resyncPeriod !== undefined && props.resyncPeriod.toMilliseconds({ integral: false }) < 1000) {
      problems.push(
        `resyncPeriod of ${props.resyncPeriod.toMilliseconds({ integral: false })} ms is too short to look ` +
          `at every object in Databricks again; use at least Duration.seconds(1), e.g. Duration.seconds(50)`,
      );
    }
    if (
      props.slowResyncPeriod !== undefined &&
      props.slowResyncPeriod.toMilliseconds({ integral: false }) < 1000
    ) {
      problems.push(
        `slowResyncPeriod of ${props.slowResyncPeriod.toMilliseconds({ integral: false })} ms is too short: ` +
          `it paces one read per object; use at least Duration.seconds(1), e.g. Duration.minutes(10)`,
      );
    }
    if (props.syncWave !== undefined && !Number.isInteger(props.syncWave)) {
      problems.push(`syncWave ${props.syncWave} must be a whole number, e.g. -1`);
    }
    if (props.logLevel !== undefined && !LOG_LEVELS.includes(props.logLevel)) {
      problems.push(`logLevel "${String(props.logLevel)}" must be one of ${LOG_LEVELS.join(', ')}`);
    }
    for (const part of ['requests', 'limits'] as const) {
      for (const [resource, quantity] of Object.entries(props.resources?.[part] ?? {})) {
        if (typeof quantity === 'string' && QUANTITY.test(quantity)) continue;
        problems.push(
          `resources.${part}.${resource} "${String(quantity)}" is not a Kubernetes quantity; ` +
            `write e.g. "100m" or "1" for cpu, "256Mi" or "1Gi" for memory`,
        );
      }
    }
    return problems;
  }
}

/** The file under dist/ that holds the operator install with its defaults. */
export const OPERATOR_MANIFEST_FILE = 'operator.k8s.yaml';

/**
 * The operator install as a YAML stream, headed by a note that it is generated: what `npm run synth`
 * writes to dist/operator.k8s.yaml (with no props). Apply it after the CRDs.
 */
export function renderOperatorManifest(props: DatabricksOperatorProps = {}): string {
  const app = new App();
  new DatabricksOperator(new Chart(app, 'operator'), 'operator', props);
  return (
    '# Generated by `npm run synth` from lib/operator-install.ts. Do not edit: change it (or use a\n' +
    '# DatabricksOperator in your own chart) and re-run. Apply after databricks.operator.dev.crds.yaml\n' +
    '# (in one Argo CD app, their sync waves, -2 and -1, put them in that order).\n' +
    app.synthYaml()
  );
}

/** What is wrong with a namespace name, or undefined. */
function namespaceNameProblem(name: string): string | undefined {
  if (DNS_1123_LABEL.test(name) && name.length <= 63) return undefined;
  return 'is not a namespace name: use at most 63 lowercase letters, digits and \'-\', e.g. "data-eng"';
}

/** Cluster-scoped objects take no namespace, even in a chart that has one. */
function clusterScoped(object: ApiObject): void {
  if (object.metadata.namespace !== undefined) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}

function quantities(list: OperatorResourceList | undefined): Record<string, k8s.Quantity> | undefined {
  const entries = Object.entries(list ?? {}).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([resource, value]) => [resource, k8s.Quantity.fromString(value)]));
}

/** A duration in the controller's flag syntax, in the largest whole unit: `10m`, `90s`, `1500ms`. */
function durationFlag(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms)}ms`;
}
