import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Chart, Duration, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { parseRuntimeConfig } from '../../controller/runtime/runtime-config.js';
import {
  DEFAULT_OPERATOR_IMAGE,
  DatabricksOperator,
  OPERATOR_MANIFEST_FILE,
  OPERATOR_VERSION,
  renderOperatorManifest,
  type DatabricksOperatorProps,
} from '../../lib/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: object };
  [field: string]: unknown;
}

interface Container {
  name: string;
  image: string;
  args: string[];
  env: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  resources: object;
  securityContext: object;
}

interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  securityContext: object;
  containers: Container[];
}

function synth(props: DatabricksOperatorProps = {}, chartNamespace?: string): Manifest[] {
  const chart = new Chart(Testing.app(), 'install', { namespace: chartNamespace });
  new DatabricksOperator(chart, 'operator', props);
  return Testing.synth(chart) as Manifest[];
}

function only(manifests: Manifest[], kind: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

function deploymentOf(manifests: Manifest[]): { replicas: number; pod: PodSpec; container: Container } {
  const spec = only(manifests, 'Deployment').spec as { replicas: number; template: { spec: PodSpec } };
  return { replicas: spec.replicas, pod: spec.template.spec, container: spec.template.spec.containers[0] };
}

/** `$(VAR)` references in args replaced from `env`, as the kubelet does. */
function expandArgs(args: readonly string[], env: Record<string, string>): string[] {
  return args.map((arg) => arg.replace(/\$\(([A-Z_]+)\)/g, (_match, name: string) => env[name] ?? ''));
}

const KIND_PLURALS = [
  'databricksworkspaces',
  'databricksjobs',
  'databricksruns',
  'databricksclusters',
  'databrickssecretscopes',
  'databricksdbfsfiles',
  'databricksnotebooks',
  'databricksgitcredentials',
  'databrickssqlwarehouses',
  'databricksrepos',
  'databricksclusterpolicies',
  'databricksinstancepools',
  'databrickspipelines',
];

/** The rules of the watched namespaces, written out so that any widening shows up here. */
const WATCHED_RULES = [
  {
    apiGroups: ['databricks.operator.dev'],
    resources: KIND_PLURALS,
    verbs: ['get', 'list', 'watch', 'patch'],
  },
  {
    apiGroups: ['databricks.operator.dev'],
    resources: KIND_PLURALS.map((plural) => `${plural}/status`),
    verbs: ['patch'],
  },
  // list, watch: as metadata only, to wake the objects that read them; patch: a workspace's finalizer on
  // the Secrets its credentials come from (never their data).
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
];

describe('DatabricksOperator', () => {
  it('synthesizes, in the order a single kubectl apply needs, the Namespace, ServiceAccount, RBAC, Deployment and metrics Service', () => {
    const manifests = synth();
    expect(manifests.map((manifest) => `${manifest.kind}/${manifest.metadata.name}`)).toEqual([
      'Namespace/databricks-operator',
      'ServiceAccount/databricks-operator',
      'ClusterRole/databricks-operator',
      'ClusterRoleBinding/databricks-operator',
      'Role/databricks-operator-leader-election',
      'RoleBinding/databricks-operator-leader-election',
      'Role/databricks-operator-secret-hash-key',
      'RoleBinding/databricks-operator-secret-hash-key',
      'Deployment/databricks-operator',
      'Service/databricks-operator-metrics',
    ]);
    for (const manifest of manifests) {
      const clusterScoped = ['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(manifest.kind);
      expect(manifest.metadata.namespace).toBe(clusterScoped ? undefined : 'databricks-operator');
      expect(manifest.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'databricks-operator',
        'app.kubernetes.io/part-of': 'cdk8s-databricks',
      });
    }
  });

  it('grants, cluster-wide, only what the controller does: every kind and its status, Secrets (read, watched, and patched for finalizers) and ConfigMaps, Events', () => {
    const manifests = synth();
    expect(only(manifests, 'ClusterRole').rules).toEqual(WATCHED_RULES);
    expect(only(manifests, 'ClusterRoleBinding')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'databricks-operator' },
      subjects: [{ kind: 'ServiceAccount', name: 'databricks-operator', namespace: 'databricks-operator' }],
    });
    const verbsOnSecrets = WATCHED_RULES.filter((rule) => rule.resources.includes('secrets')).flatMap(
      (rule) => rule.verbs,
    );
    // Read, listed and watched (metadata only), patched for a workspace's finalizer; never created,
    // updated or deleted.
    expect(verbsOnSecrets).toEqual(['get', 'list', 'watch', 'patch']);
  });

  it('lets the controller create its Lease, and read and renew only that one, in its own namespace', () => {
    const manifests = synth({ name: 'dbop' });
    const role = manifests.find((manifest) => manifest.metadata.name === 'dbop-leader-election');
    expect(role).toMatchObject({
      kind: 'Role',
      metadata: { namespace: 'databricks-operator' },
      rules: [
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          resourceNames: ['dbop'],
          verbs: ['get', 'update'],
        },
      ],
    });
    expect(deploymentOf(manifests).container.args).toContain('--leader-election-id=dbop');
  });

  it('lets the controller create Secrets in its own namespace, and read only its secret-scope hash key there', () => {
    const manifests = synth({ name: 'dbop' });
    const role = manifests.find((manifest) => manifest.metadata.name === 'dbop-secret-hash-key');
    expect(role).toMatchObject({
      kind: 'Role',
      metadata: { namespace: 'databricks-operator' },
      rules: [
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        { apiGroups: [''], resources: ['secrets'], resourceNames: ['dbop-secret-hash-key'], verbs: ['get'] },
      ],
    });
    expect(
      manifests.find(
        (manifest) => manifest.kind === 'RoleBinding' && manifest.metadata.name === 'dbop-secret-hash-key',
      ),
    ).toMatchObject({
      roleRef: { kind: 'Role', name: 'dbop-secret-hash-key' },
      subjects: [{ kind: 'ServiceAccount', name: 'dbop', namespace: 'databricks-operator' }],
    });
  });

  it('with watchNamespaces, grants a Role in each of them and nothing cluster-wide, and tells the controller to watch only them', () => {
    const manifests = synth({ watchNamespaces: ['data-eng', 'ml'] });
    expect(manifests.filter((manifest) => manifest.kind.startsWith('Cluster'))).toEqual([]);
    const roles = manifests.filter(
      (manifest) => manifest.kind === 'Role' && manifest.metadata.name === 'databricks-operator',
    );
    expect(roles.map((role) => role.metadata.namespace)).toEqual(['data-eng', 'ml']);
    for (const role of roles) expect(role.rules).toEqual(WATCHED_RULES);
    const bindings = manifests.filter(
      (manifest) => manifest.kind === 'RoleBinding' && manifest.metadata.name === 'databricks-operator',
    );
    expect(
      bindings.map((binding) => [binding.metadata.namespace, binding.roleRef, binding.subjects]),
    ).toEqual(
      ['data-eng', 'ml'].map((namespace) => [
        namespace,
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'databricks-operator' },
        [{ kind: 'ServiceAccount', name: 'databricks-operator', namespace: 'databricks-operator' }],
      ]),
    );
    expect(deploymentOf(manifests).container.args).toContain('--namespaces=data-eng,ml');
  });

  it('runs two replicas with leader election in the pod namespace, with flags the controller parses', () => {
    const { replicas, pod, container } = deploymentOf(synth());
    expect(replicas).toBe(2);
    expect(pod.serviceAccountName).toBe('databricks-operator');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(container.image).toBe(DEFAULT_OPERATOR_IMAGE);
    expect(container.env).toEqual([
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
    const config = parseRuntimeConfig(
      expandArgs(container.args, { POD_NAMESPACE: 'databricks-operator' }),
      {},
    );
    expect(config).toEqual({
      namespaces: undefined,
      workers: 16,
      resyncPeriodMs: 50_000,
      slowResyncPeriodMs: 600_000,
      metricsAddress: ':8080',
      leaderElection: true,
      leaderElectionNamespace: 'databricks-operator',
      leaderElectionId: 'databricks-operator',
      logLevel: 'info',
    });
  });

  it('probes /healthz and /readyz on the metrics port, and runs as non-root with a read-only root filesystem and no capabilities', () => {
    const { pod, container } = deploymentOf(synth());
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { memory: '512Mi' },
    });
  });

  it('puts a metrics Service, annotated for Prometheus, in front of the controller pods', () => {
    const manifests = synth();
    const service = only(manifests, 'Service');
    expect(service.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8080',
      'prometheus.io/path': '/metrics',
    });
    const selector = (service.spec as { selector: Record<string, string> }).selector;
    const deployment = only(manifests, 'Deployment').spec as {
      selector: { matchLabels: Record<string, string> };
      template: { metadata: { labels: Record<string, string> } };
    };
    expect(selector).toEqual(deployment.selector.matchLabels);
    expect(deployment.template.metadata.labels).toMatchObject(selector);
    expect(service.spec).toMatchObject({ ports: [{ name: 'metrics', port: 8080, targetPort: 'metrics' }] });
  });

  it('takes the image, replicas, workers, resync periods, resources and log level', () => {
    const manifests = synth({
      image: 'registry.example.com/dbop:1.2.3',
      replicas: 3,
      workers: 8,
      resyncPeriod: Duration.seconds(90),
      slowResyncPeriod: Duration.minutes(30),
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      logLevel: 'debug',
    });
    const { replicas, container } = deploymentOf(manifests);
    expect(replicas).toBe(3);
    expect(container.image).toBe('registry.example.com/dbop:1.2.3');
    expect(container.resources).toEqual({
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '1', memory: '1Gi' },
    });
    const config = parseRuntimeConfig(expandArgs(container.args, { POD_NAMESPACE: 'x' }), {});
    expect(config).toMatchObject({
      workers: 8,
      resyncPeriodMs: 90_000,
      slowResyncPeriodMs: 1_800_000,
      logLevel: 'debug',
    });
  });

  it('writes a sub-second resync period in milliseconds', () => {
    const { container } = deploymentOf(synth({ resyncPeriod: Duration.millis(1500) }));
    expect(container.args).toContain('--resync-period=1500ms');
  });

  it('leaves out the Namespace and the metrics Service when asked', () => {
    const kinds = synth({ createNamespace: false, metricsService: false }).map((manifest) => manifest.kind);
    expect(kinds).not.toContain('Namespace');
    expect(kinds).not.toContain('Service');
    expect(kinds).toContain('Deployment');
  });

  it("runs in the chart's namespace when none is given, and keeps cluster-scoped objects out of it", () => {
    const manifests = synth({}, 'platform');
    for (const manifest of manifests) {
      const clusterScoped = ['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(manifest.kind);
      expect([manifest.kind, manifest.metadata.namespace]).toEqual([
        manifest.kind,
        clusterScoped ? undefined : 'platform',
      ]);
    }
    expect(only(manifests, 'Namespace').metadata.name).toBe('platform');
    expect(only(manifests, 'ClusterRoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'databricks-operator', namespace: 'platform' },
    ]);
  });

  it.each<[string, DatabricksOperatorProps, string]>([
    ['a name that is not a DNS label', { name: 'Databricks_Operator' }, 'name "Databricks_Operator" must be'],
    [
      'a name too long for the Service',
      { name: 'x'.repeat(56) },
      `name "${'x'.repeat(56)}" must be at most 55 lowercase letters`,
    ],
    ['a bad namespace', { namespace: 'Data Eng' }, 'namespace "Data Eng" is not a namespace name'],
    ['an image with spaces', { image: 'my image' }, 'image "my image" is not an image reference'],
    ['zero replicas', { replicas: 0 }, 'replicas 0 must be a whole number of 1 or more'],
    ['fractional workers', { workers: 2.5 }, 'workers 2.5 must be a whole number of 1 or more'],
    ['no watched namespaces', { watchNamespaces: [] }, 'watchNamespaces is empty'],
    [
      'a bad watched namespace',
      { watchNamespaces: ['ok', 'Not_OK'] },
      'watchNamespaces[1] "Not_OK" is not a',
    ],
    ['a watched namespace twice', { watchNamespaces: ['a', 'a'] }, 'watchNamespaces[1] "a" is listed twice'],
    ['a resync period under a second', { resyncPeriod: Duration.millis(500) }, 'resyncPeriod of 500 ms'],
    [
      'a slow resync period under a second',
      { slowResyncPeriod: Duration.millis(0) },
      'slowResyncPeriod of 0 ms is too short',
    ],
    [
      'an unknown log level',
      { logLevel: 'verbose' as DatabricksOperatorProps['logLevel'] },
      'logLevel "verbose" must be one of debug, info, warn, error',
    ],
    [
      'a memory request that is not a quantity',
      { resources: { requests: { memory: '128 MB' } } },
      'resources.requests.memory "128 MB" is not a Kubernetes quantity',
    ],
  ])('refuses %s, naming the construct and the field', (_case, props, message) => {
    expect(() => synth(props)).toThrow(`[install/operator] ${message}`);
  });
});

describe('dist/operator.k8s.yaml', () => {
  const rendered = renderOperatorManifest();

  it('is the default install, as npm run synth writes it, so dist/ is in sync with lib/operator-install.ts', () => {
    expect(readFileSync(join(root, 'dist', OPERATOR_MANIFEST_FILE), 'utf8')).toBe(rendered);
  });

  it('says it is generated, and holds the same objects as the construct with no props', () => {
    expect(rendered.split('\n')[0]).toMatch(/^# Generated by `npm run synth`.*Do not edit/);
    const documents = parseAllDocuments(rendered).map((document) => document.toJS() as Manifest);
    expect(documents).toEqual(synth());
  });

  it('tags the default image with the package version', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(OPERATOR_VERSION).toBe(version);
    expect(DEFAULT_OPERATOR_IMAGE).toBe(`cdk8s-databricks-controller:${version}`);
  });
});
