/**
 * An operator running in-process against the test control plane and a fake workspace over HTTP, with
 * a fresh namespace holding a Ready DatabricksWorkspace `ws`. Reconciler integration tests use it:
 *
 * ```ts
 * const bed = useOperatorTestBed('jobs');
 * it('creates', async () => {
 *   await bed.create(JOBS, 'DatabricksJob', 'etl', { workspaceRef: { name: 'ws' }, settings: { name: 'etl' } });
 *   const job = await bed.waitForReady(JOBS, 'etl');
 * });
 * ```
 */
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import type { DatabricksKind } from '../../lib/crds/index.js';
import { createOperator, RESOURCES, type Operator, type OperatorOptions } from '../../controller/operator.js';
import { findCondition, type Condition } from '../../controller/runtime/conditions.js';
import { KubeClient, type KubeObject, type ResourceType } from '../../controller/runtime/kube-client.js';
import { Logger, silentLogger } from '../../controller/runtime/logger.js';
import { installCrd, readCrdManifests } from '../control-plane/crd-installation.js';
import { pollUntil } from '../control-plane/poll-until.js';
import { repositoryRoot } from '../control-plane/state-paths.js';
import { createTestNamespace, deleteTestNamespace, testKubeConfig } from '../control-plane/test-cluster.js';
import {
  defaultFakeToken,
  startFakeWorkspace,
  type FakeWorkspace,
  type FakeWorkspaceOptions,
} from '../fake-databricks/index.js';

export { RESOURCES };

/** Options of {@link useOperatorTestBed}. */
export interface OperatorTestBedOptions {
  readonly fake?: FakeWorkspaceOptions;
  /** Operator options over the test defaults (short backoffs, quick retries). */
  readonly operator?: Partial<Omit<OperatorOptions, 'config'>> & {
    readonly config?: Partial<OperatorOptions['config']>;
  };
  /** Start the operator before each test. @default true */
  readonly startOperator?: boolean;
  /** Create the Secret and DatabricksWorkspace `ws` (and wait for it to be Ready). @default true */
  readonly workspace?: boolean;
}

/** What a test reaches through {@link useOperatorTestBed}. */
export interface OperatorTestBed {
  readonly namespace: string;
  readonly kube: KubeClient;
  readonly fake: FakeWorkspace;
  readonly operator: Operator;
  /** Starts a (new) operator, e.g. after `stopOperator` to simulate a restart. */
  startOperator(options?: OperatorTestBedOptions['operator']): Promise<Operator>;
  stopOperator(): Promise<void>;
  /** Creates a custom object of `kind` in the test namespace. */
  create<T extends KubeObject>(
    resource: ResourceType,
    kind: DatabricksKind,
    name: string,
    spec: unknown,
    metadata?: Partial<T['metadata']>,
  ): Promise<T>;
  get<T extends KubeObject>(resource: ResourceType, name: string): Promise<T | undefined>;
  /** Merge-patches `spec` (fields given replace those there). */
  patchSpec(resource: ResourceType, name: string, spec: Record<string, unknown>): Promise<void>;
  delete(resource: ResourceType, name: string): Promise<void>;
  /** Waits until the object's condition `type` (default Ready) has `status` (default True) for its current generation. */
  waitForCondition<T extends KubeObject & { status?: { conditions?: Condition[] } }>(
    resource: ResourceType,
    name: string,
    expected?: { type?: string; status?: Condition['status']; reason?: string },
    timeoutMs?: number,
  ): Promise<T>;
  /** Waits until the object is gone from the API server (its finalizer was removed). */
  waitForGone(resource: ResourceType, name: string, timeoutMs?: number): Promise<void>;
}

/** Test defaults: quick backoffs and retries, so fault tests finish in seconds. */
export function testOperatorOptions(
  namespace: string,
  overrides: OperatorTestBedOptions['operator'] = {},
): OperatorOptions {
  return {
    logger: process.env.TEST_LOG ? new Logger({ level: 'debug' }) : silentLogger,
    notReadyBackoff: { minMs: 200, maxMs: 2_000 },
    workspaceTiming: { readyMs: 60_000, minBackoffMs: 200, maxBackoffMs: 1_000 },
    ...overrides,
    clientOptions: {
      retry: { budgetMs: 20_000, initialBackoffMs: 50, maxBackoffMs: 500, jitterMs: [0, 50] },
      ...overrides.clientOptions,
    },
    config: {
      namespaces: [namespace],
      workers: 4,
      resyncPeriodMs: 600_000,
      slowResyncPeriodMs: 600_000,
      metricsAddress: '127.0.0.1:0',
      leaderElection: false,
      leaderElectionNamespace: namespace,
      leaderElectionId: 'databricks-operator',
      logLevel: 'info',
      ...overrides.config,
    },
  };
}

let crdsInstalled: Promise<void> | undefined;

/** Installs every CRD from dist/ once per test file. */
export function installAllCrds(): Promise<void> {
  crdsInstalled ??= (async () => {
    const config = testKubeConfig();
    for (const crd of readCrdManifests(join(repositoryRoot(), 'dist'))) await installCrd(config, crd);
  })();
  return crdsInstalled;
}

/** Sets up hooks: CRDs and a fake per file; a namespace, workspace and operator per test. */
export function useOperatorTestBed(prefix: string, options: OperatorTestBedOptions = {}): OperatorTestBed {
  const config = testKubeConfig();
  const kube = new KubeClient(config);
  const core = config.makeApiClient(CoreV1Api);
  let fake: FakeWorkspace | undefined;
  let namespace: string | undefined;
  let operator: Operator | undefined;

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is only available inside a test`);
    return value;
  };

  beforeAll(async () => {
    await installAllCrds();
    fake = await startFakeWorkspace(options.fake);
  }, 120_000);
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    namespace = await createTestNamespace(prefix);
    if (options.workspace !== false) {
      await core.createNamespacedSecret({
        namespace,
        body: { metadata: { name: 'databricks-token' }, stringData: { token: defaultFakeToken } },
      });
      await bed.create(RESOURCES.DatabricksWorkspace, 'DatabricksWorkspace', 'ws', {
        host: need(fake, 'fake').url,
        insecureHttp: true,
        auth: { token: { secretKeyRef: { name: 'databricks-token', key: 'token' } } },
      });
    }
    if (options.startOperator !== false) await bed.startOperator();
    if (options.workspace !== false && options.startOperator !== false) {
      await bed.waitForCondition(RESOURCES.DatabricksWorkspace, 'ws');
    }
    // A namespace, a Secret, a workspace, an operator whose informers sync for every kind, and the
    // workspace's first probe: a few seconds idle; a loaded 2-core machine stretches it toward 30 s.
  }, 60_000);
  afterEach(async () => {
    await bed.stopOperator();
    if (namespace) await deleteTestNamespace(namespace);
    namespace = undefined;
    fake?.reset();
    // The operator drains the reconciles in flight (a Databricks call may be mid-retry) before the
    // namespace goes: the same room as the setup.
  }, 60_000);

  const bed: OperatorTestBed = {
    get namespace() {
      return need(namespace, 'namespace');
    },
    kube,
    get fake() {
      return need(fake, 'fake');
    },
    get operator() {
      return need(operator, 'operator');
    },
    async startOperator(overrides = options.operator) {
      await bed.stopOperator();
      operator = createOperator({ kube, ...testOperatorOptions(bed.namespace, overrides) });
      await operator.start();
      return operator;
    },
    async stopOperator() {
      const running = operator;
      operator = undefined;
      await running?.stop();
    },
    async create<T extends KubeObject>(
      resource: ResourceType,
      kind: DatabricksKind,
      name: string,
      spec: unknown,
      metadata: Partial<T['metadata']> = {},
    ) {
      return kube.createCustomObject<T>(resource, bed.namespace, {
        apiVersion: `${resource.group}/${resource.version}`,
        kind,
        metadata: { ...metadata, name },
        spec,
      } as unknown as T);
    },
    get: <T extends KubeObject>(resource: ResourceType, name: string) =>
      kube.getCustomObject<T>(resource, bed.namespace, name),
    async patchSpec(resource, name, spec) {
      await kube.patchCustomObject(resource, bed.namespace, name, { spec });
    },
    delete: (resource, name) => kube.deleteCustomObject(resource, bed.namespace, name),
    waitForCondition<T extends KubeObject & { status?: { conditions?: Condition[] } }>(
      resource: ResourceType,
      name: string,
      expected: { type?: string; status?: Condition['status']; reason?: string } = {},
      timeoutMs?: number,
    ): Promise<T> {
      const { type = 'Ready', status = 'True', reason } = expected;
      const what = `${resource.plural} ${name} to have ${type}=${status}${reason ? ` (${reason})` : ''}`;
      return pollUntil(
        what,
        async () => {
          const object = await kube.getCustomObject<T>(resource, bed.namespace, name);
          const condition = findCondition(object?.status?.conditions, type);
          const current =
            condition?.observedGeneration === undefined ||
            condition.observedGeneration === object?.metadata.generation;
          return condition?.status === status &&
            current &&
            (reason === undefined || condition.reason === reason)
            ? object
            : undefined;
        },
        timeoutMs === undefined ? undefined : { timeoutMs },
      );
    },
    async waitForGone(resource, name, timeoutMs) {
      await pollUntil(
        `${resource.plural} ${name} to be deleted`,
        async () => ((await kube.getCustomObject(resource, bed.namespace, name)) ? undefined : true),
        timeoutMs === undefined ? undefined : { timeoutMs },
      );
    },
  };
  return bed;
}
