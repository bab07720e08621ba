/**
 * The synthesized operator install on a real API server that authorizes with RBAC: applied with
 * kubectl (server-side, strict field validation) as a user would, then the controller run in-process
 * as the install's ServiceAccount (a TokenRequest token, the way a pod authenticates) against the
 * fake workspace. That the objects become Ready proves the RBAC is enough; the access reviews and a
 * refused list of Secrets prove it grants nothing more.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  AuthorizationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  EventsV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  type V1ResourceAttributes,
} from '@kubernetes/client-node';
import { Chart, Testing } from 'cdk8s';
import { createOperator, RESOURCES, type Operator } from '../../controller/operator.js';
import { findCondition, type Condition } from '../../controller/runtime/conditions.js';
import { KubeClient, type KubeObject, type ResourceType } from '../../controller/runtime/kube-client.js';
import { Logger } from '../../controller/runtime/logger.js';
import { parseRuntimeConfig } from '../../controller/runtime/runtime-config.js';
import { DatabricksOperator, type DatabricksOperatorProps } from '../../lib/index.js';
import { expectApiFailure } from '../control-plane/api-error.js';
import { cachedBinaries } from '../control-plane/kube-binaries.js';
import { pollUntil } from '../control-plane/poll-until.js';
import {
  createTestNamespace,
  deleteTestNamespace,
  testKubeConfig,
  uniqueName,
} from '../control-plane/test-cluster.js';
import { installAllCrds, testOperatorOptions } from '../controller/operator-test-bed.js';
import { defaultFakeToken, startFakeWorkspace, type FakeWorkspace } from '../fake-databricks/index.js';

interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { template?: { spec?: { containers?: { args?: string[] }[] } } };
}

type Resource = KubeObject & { status?: { conditions?: Condition[] } };

/** An install applied to the cluster, and how to act as its ServiceAccount. */
interface AppliedInstall {
  readonly operator: DatabricksOperator;
  readonly manifests: Manifest[];
  /** Authenticates as the ServiceAccount with a token from the TokenRequest API. */
  readonly serviceAccount: KubeConfig;
}

const admin = testKubeConfig();
const adminKube = new KubeClient(admin);

/** kubectl built with the test control plane (or the one on PATH when tests use another cluster). */
function kubectlPath(): string {
  const built = cachedBinaries().kubectl;
  return existsSync(built) ? built : 'kubectl';
}

/** `kubectl apply --server-side` of a YAML stream; resolves with its output, rejects with it on failure. */
function kubectlApply(yaml: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      kubectlPath(),
      ['apply', '--server-side', '--validate=strict', '--field-manager=operator-install-test', '-f', '-'],
      { env: { ...process.env, KUBECONFIG: process.env.KUBECONFIG }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`kubectl apply exited with ${code}:\n${output}`)),
    );
    child.stdin.end(yaml);
  });
}

/** A kubeconfig that authenticates as `namespace/name` with a short-lived TokenRequest token. */
async function serviceAccountKubeConfig(namespace: string, name: string): Promise<KubeConfig> {
  const token = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  const cluster = admin.getCurrentCluster();
  if (!cluster || !token.status?.token) throw new Error(`no token was issued for ${namespace}/${name}`);
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [cluster],
    users: [{ name, token: token.status.token }],
    contexts: [{ name, cluster: cluster.name, user: name }],
    currentContext: name,
  });
  return config;
}

/** `$(VAR)` references in container args replaced from `env`, as the kubelet does. */
function expandArgs(args: readonly string[], env: Record<string, string>): string[] {
  return args.map((arg) => arg.replace(/\$\(([A-Z_]+)\)/g, (_match, name: string) => env[name] ?? ''));
}

/** Whether the kubeconfig's user may do `attributes`, as `kubectl auth can-i` asks the API server. */
async function canI(config: KubeConfig, attributes: V1ResourceAttributes): Promise<boolean> {
  const review = await config.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
    body: { spec: { resourceAttributes: attributes } },
  });
  return review.status?.allowed === true;
}

/**
 * Waits until the API server's authorizer has seen the install's RBAC: it reads Roles and bindings
 * through its own informers, so a ServiceAccount can be refused for a moment after kubectl returned
 * (longer on a loaded machine), and a controller started then logs "forbidden". One permission of each
 * Role and binding pair the install makes: the watched namespace's, the Lease's and the hash key's.
 */
async function waitForGrants(install: AppliedInstall, namespace: string): Promise<void> {
  const home = install.operator.namespace;
  const granted: V1ResourceAttributes[] = [
    { group: 'databricks.operator.dev', resource: 'databricksjobs', verb: 'list', namespace },
    { group: 'coordination.k8s.io', resource: 'leases', verb: 'create', namespace: home },
    { resource: 'secrets', verb: 'create', namespace: home },
  ];
  await pollUntil("the install's Roles and bindings to take effect", async () => {
    const allowed = await Promise.all(granted.map((attributes) => canI(install.serviceAccount, attributes)));
    return allowed.every(Boolean) ? true : undefined;
  });
}

async function waitForReady(resource: ResourceType, namespace: string, name: string): Promise<Resource> {
  return pollUntil(
    `${resource.plural} ${namespace}/${name} to be Ready`,
    async () => {
      const object = await adminKube.getCustomObject<Resource>(resource, namespace, name);
      return findCondition(object?.status?.conditions, 'Ready')?.status === 'True' ? object : undefined;
    },
    { timeoutMs: 25_000 },
  );
}

describe('DatabricksOperator install on an API server that authorizes with RBAC', () => {
  let fake: FakeWorkspace;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    await installAllCrds();
    fake = await startFakeWorkspace();
  }, 120_000);
  afterAll(async () => {
    await fake?.close();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    fake.reset();
  }, 30_000);

  /** A namespace for the test, deleted after it. */
  async function testNamespace(prefix: string): Promise<string> {
    const name = await createTestNamespace(prefix);
    cleanups.push(() => deleteTestNamespace(name));
    return name;
  }

  /** Synthesizes the install with a unique name and namespace, applies it with kubectl, and mints the token. */
  async function applyInstall(props: DatabricksOperatorProps): Promise<AppliedInstall> {
    const app = Testing.app();
    const operator = new DatabricksOperator(new Chart(app, 'install'), 'operator', {
      name: uniqueName('dbop'),
      namespace: uniqueName('dbop-system'),
      ...props,
    });
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    cleanups.push(() => deleteTestNamespace(operator.namespace));
    cleanups.push(() => rbac.deleteClusterRole({ name: operator.name }));
    cleanups.push(() => rbac.deleteClusterRoleBinding({ name: operator.name }));
    const manifests = Testing.synth(app.charts[0]) as Manifest[];
    const output = await kubectlApply(app.synthYaml());
    for (const manifest of manifests) {
      expect(output).toContain(`${manifest.metadata.name} serverside-applied`);
    }
    const serviceAccount = await serviceAccountKubeConfig(operator.namespace, operator.name);
    return { operator, manifests, serviceAccount };
  }

  /**
   * The controller as the Deployment would run it: its args (with the pod namespace), as the
   * ServiceAccount. Only the metrics port is moved to a free one; `namespaces` narrows a cluster-wide
   * install to the test's namespace so it leaves other test files' objects alone.
   */
  async function runController(
    install: AppliedInstall,
    namespace: string,
    logLines: string[],
  ): Promise<Operator> {
    const deployment = install.manifests.find((manifest) => manifest.kind === 'Deployment');
    const args = deployment?.spec?.template?.spec?.containers?.[0]?.args ?? [];
    const config = parseRuntimeConfig(expandArgs(args, { POD_NAMESPACE: install.operator.namespace }), {});
    expect(config.leaderElection).toBe(true);
    const operator = createOperator({
      ...testOperatorOptions(namespace),
      kube: new KubeClient(install.serviceAccount),
      logger: new Logger({ level: 'warn', sink: (line) => logLines.push(line) }),
      config: { ...config, metricsAddress: '127.0.0.1:0', namespaces: config.namespaces ?? [namespace] },
    });
    cleanups.push(() => operator.stop());
    await operator.start();
    return operator;
  }

  describe.each([
    ['a ClusterRole (all namespaces)', false],
    ['a Role in each watched namespace', true],
  ])('with %s', (_mode, scoped) => {
    it('lets the controller make a workspace, a job, a secret scope (with its hash key) and a ConfigMap-fed DBFS file Ready, record Events, hold the Lease and remove finalizers', async () => {
      const namespace = await testNamespace('opi');
      const install = await applyInstall(scoped ? { watchNamespaces: [namespace] } : {});
      await waitForGrants(install, namespace);
      const core = admin.makeApiClient(CoreV1Api);
      await core.createNamespacedSecret({
        namespace,
        body: { metadata: { name: 'databricks-token' }, stringData: { token: defaultFakeToken } },
      });
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'settings' }, data: { 'config.json': '{"env":"prod"}' } },
      });
      const create = (resource: ResourceType, kind: string, name: string, spec: unknown) =>
        adminKube.createCustomObject(resource, namespace, {
          apiVersion: `${resource.group}/${resource.version}`,
          kind,
          metadata: { name },
          spec,
        } as KubeObject);
      await create(RESOURCES.DatabricksWorkspace, 'DatabricksWorkspace', 'ws', {
        host: fake.url,
        insecureHttp: true,
        auth: { token: { secretKeyRef: { name: 'databricks-token', key: 'token' } } },
      });
      await create(RESOURCES.DatabricksJob, 'DatabricksJob', 'etl', {
        workspaceRef: { name: 'ws' },
        settings: {
          name: 'etl',
          tasks: [
            {
              task_key: 'ingest',
              notebook_task: { notebook_path: '/Shared/ingest' },
              new_cluster: { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 },
            },
          ],
        },
      });
      await create(RESOURCES.DatabricksSecretScope, 'DatabricksSecretScope', 'creds', {
        workspaceRef: { name: 'ws' },
        secrets: [
          { key: 'password', valueFrom: { secretKeyRef: { name: 'databricks-token', key: 'token' } } },
        ],
      });
      await create(RESOURCES.DatabricksDbfsFile, 'DatabricksDbfsFile', 'config', {
        workspaceRef: { name: 'ws' },
        path: '/FileStore/install/config.json',
        contentsFrom: { configMapKeyRef: { name: 'settings', key: 'config.json' } },
      });

      const logLines: string[] = [];
      const operator = await runController(install, namespace, logLines);

      await waitForReady(RESOURCES.DatabricksWorkspace, namespace, 'ws');
      const job = await waitForReady(RESOURCES.DatabricksJob, namespace, 'etl');
      expect(job.metadata.finalizers).toContain('databricks.operator.dev/finalizer');
      await waitForReady(RESOURCES.DatabricksDbfsFile, namespace, 'config');
      // The scope's hashes need the controller's key: created in its own namespace, under the name its Role names.
      await waitForReady(RESOURCES.DatabricksSecretScope, namespace, 'creds');
      const key = await core.readNamespacedSecret({
        namespace: install.operator.namespace,
        name: install.operator.secretHashKeyName,
      });
      expect(Object.keys(key.data ?? {})).toEqual(['hmac-sha256-key']);
      expect(fake.requestCount('jobs/create', 200)).toBe(1);
      expect(fake.requestCount('dbfs/put', 200)).toBe(1);

      const events = await admin.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace });
      const aboutJob = events.items.filter((event) => event.regarding?.name === 'etl');
      expect(aboutJob.map((event) => [event.reason, event.reportingController])).toContainEqual([
        'Created',
        'databricks.operator.dev/controller',
      ]);

      const leases = admin.makeApiClient(CoordinationV1Api);
      const lease = await leases.readNamespacedLease({
        namespace: install.operator.namespace,
        name: install.operator.leaseName,
      });
      expect(lease.spec?.holderIdentity).toBeTruthy();
      expect(operator.manager.isLeader).toBe(true);

      // The workspace holds the Secret its credentials come from with a finalizer of its own.
      const held = await core.readNamespacedSecret({ namespace, name: 'databricks-token' });
      expect(held.metadata?.finalizers).toEqual(['databricks.operator.dev/workspace-ws']);

      await adminKube.deleteCustomObject(RESOURCES.DatabricksJob, namespace, 'etl');
      await pollUntil('the job to be deleted', async () =>
        (await adminKube.getCustomObject(RESOURCES.DatabricksJob, namespace, 'etl')) ? undefined : true,
      );
      expect(fake.requestCount('jobs/delete', 200)).toBe(1);

      // The rest at once, Secret included: the workspace lets go of the Secret once nothing needs it.
      await core.deleteNamespacedSecret({ namespace, name: 'databricks-token' });
      for (const [resource, name] of [
        [RESOURCES.DatabricksWorkspace, 'ws'],
        [RESOURCES.DatabricksSecretScope, 'creds'],
        [RESOURCES.DatabricksDbfsFile, 'config'],
      ] as const) {
        await adminKube.deleteCustomObject(resource, namespace, name);
      }
      await pollUntil('the workspace, the scope, the file and the Secret to be deleted', async () => {
        const left = await Promise.all([
          adminKube.getCustomObject(RESOURCES.DatabricksWorkspace, namespace, 'ws'),
          adminKube.getCustomObject(RESOURCES.DatabricksSecretScope, namespace, 'creds'),
          adminKube.getCustomObject(RESOURCES.DatabricksDbfsFile, namespace, 'config'),
          adminKube.readSecret(namespace, 'databricks-token'),
        ]);
        return left.every((object) => object === undefined) ? true : undefined;
      });
      expect(fake.requestCount('secrets/scopes/delete', 200)).toBe(1);
      expect(fake.requestCount('dbfs/delete', 200)).toBe(1);

      // A clean stop writes the Lease as free, so a standby takes over at once.
      await operator.stop();
      const released = await leases.readNamespacedLease({
        namespace: install.operator.namespace,
        name: install.operator.leaseName,
      });
      expect(released.spec?.holderIdentity).toBeUndefined();
      expect(
        logLines.filter((line) => /forbidden|cannot (get|list|watch|create|update|patch)/i.test(line)),
      ).toEqual([]);
    }, 90_000);

    it('grants nothing beyond that: no Secret writes, no writes to specs, no other Leases', async () => {
      const namespace = await testNamespace('opi-deny');
      const install = await applyInstall(scoped ? { watchNamespaces: [namespace] } : {});
      await waitForGrants(install, namespace);
      const { name, namespace: home } = install.operator;
      const db = 'databricks.operator.dev';
      const leases = { group: 'coordination.k8s.io', resource: 'leases', namespace: home };
      const events = { group: 'events.k8s.io', resource: 'events', namespace };
      const expectations: [V1ResourceAttributes, boolean][] = [
        [{ group: db, resource: 'databricksjobs', verb: 'list', namespace }, true],
        [{ group: db, resource: 'databricksnotebooks', verb: 'watch', namespace }, true],
        [{ group: db, resource: 'databricksruns', verb: 'patch', namespace }, true],
        [
          { group: db, resource: 'databricksclusters', subresource: 'status', verb: 'patch', namespace },
          true,
        ],
        [{ resource: 'secrets', verb: 'get', namespace, name: 'databricks-token' }, true],
        // A workspace's finalizer on its credentials' Secret (the controller patches nothing else there).
        [{ resource: 'secrets', verb: 'patch', namespace, name: 'databricks-token' }, true],
        [{ resource: 'configmaps', verb: 'get', namespace }, true],
        // Listed and watched (the controller asks for metadata only) to wake the objects that read them.
        [{ resource: 'secrets', verb: 'list', namespace }, true],
        [{ resource: 'secrets', verb: 'watch', namespace }, true],
        [{ resource: 'configmaps', verb: 'list', namespace }, true],
        [{ resource: 'configmaps', verb: 'watch', namespace }, true],
        [{ ...events, verb: 'create' }, true],
        [{ ...events, verb: 'patch' }, true],
        [{ ...leases, verb: 'create' }, true],
        [{ ...leases, verb: 'get', name }, true],
        [{ ...leases, verb: 'update', name }, true],
        // Its secret-scope hash key: created in its own namespace, and only that Secret read there.
        [{ resource: 'secrets', verb: 'create', namespace: home }, true],
        [
          { resource: 'secrets', verb: 'get', namespace: home, name: install.operator.secretHashKeyName },
          true,
        ],
        // All namespaces: only the cluster-wide install may.
        [{ group: db, resource: 'databricksjobs', verb: 'list' }, !scoped],
        [{ group: db, resource: 'databricksjobs', verb: 'watch', namespace: 'default' }, !scoped],
        [{ resource: 'secrets', verb: 'list' }, !scoped],
        [{ resource: 'configmaps', verb: 'watch' }, !scoped],
        // Never: Secret writes, spec writes, status update, other Leases, anything else.
        [{ resource: 'secrets', verb: 'get', namespace: home }, !scoped],
        [{ resource: 'secrets', verb: 'get', namespace: home, name: 'someone-elses' }, !scoped],
        [{ resource: 'secrets', verb: 'create', namespace }, false],
        [{ resource: 'secrets', verb: 'update', namespace, name: 'databricks-token' }, false],
        [{ resource: 'secrets', verb: 'delete', namespace, name: 'databricks-token' }, false],
        [
          { resource: 'secrets', verb: 'update', namespace: home, name: install.operator.secretHashKeyName },
          false,
        ],
        [
          { resource: 'secrets', verb: 'delete', namespace: home, name: install.operator.secretHashKeyName },
          false,
        ],
        [{ group: db, resource: 'databricksjobs', verb: 'create', namespace }, false],
        [{ group: db, resource: 'databricksjobs', verb: 'update', namespace }, false],
        [{ group: db, resource: 'databricksjobs', verb: 'delete', namespace }, false],
        [{ group: db, resource: 'databricksjobs', subresource: 'status', verb: 'update', namespace }, false],
        [{ ...events, verb: 'delete' }, false],
        [{ resource: 'events', verb: 'create', namespace }, false],
        [{ ...leases, verb: 'get', name: 'someone-else' }, false],
        [{ ...leases, verb: 'update', name: 'someone-else' }, false],
        [{ ...leases, verb: 'delete', name }, false],
        [{ ...leases, verb: 'list' }, false],
        [{ ...leases, verb: 'create', namespace }, false],
        [{ resource: 'pods', verb: 'list', namespace }, false],
        [{ group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', verb: 'get' }, false],
      ];
      const answers = await Promise.all(
        expectations.map(async ([attributes]) => [
          attributes,
          await canI(install.serviceAccount, attributes),
        ]),
      );
      expect(answers).toEqual(expectations);

      const core = install.serviceAccount.makeApiClient(CoreV1Api);
      const refused = await expectApiFailure(() =>
        core.createNamespacedSecret({ namespace, body: { metadata: { name: 'planted' } } }),
      );
      expect(refused.code).toBe(403);
      expect(refused.message).toContain(
        `User "system:serviceaccount:${home}:${name}" cannot create resource "secrets"`,
      );
    });
  });
});
