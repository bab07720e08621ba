import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { KubeClient } from '../../../../controller/runtime/kube-client.js';
import { silentLogger } from '../../../../controller/runtime/logger.js';
import { Manager } from '../../../../controller/runtime/manager.js';
import { StatusWriter } from '../../../../controller/runtime/status.js';
import {
  reconcileWorkspace,
  WORKSPACES,
  type DatabricksWorkspace,
  type WorkspaceContext,
} from '../../../../controller/reconcilers/workspace/workspace.js';
import { WorkspaceClients } from '../../../../controller/reconcilers/workspace/workspace-clients.js';
import {
  DEPENDENT_KINDS,
  type DependentStores,
} from '../../../../controller/reconcilers/workspace/workspace-dependents.js';
import { installCrd, readCrdManifests } from '../../../control-plane/crd-installation.js';
import { freeLoopbackPort } from '../../../control-plane/free-port.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { repositoryRoot } from '../../../control-plane/state-paths.js';
import { testKubeConfig, useTestNamespace } from '../../../control-plane/test-cluster.js';
import { defaultFakeToken, startFakeWorkspace, type FakeWorkspace } from '../../../fake-databricks/index.js';

const SECRET = 'databricks-pat';
const KEY = 'token';

/** No object lives in these workspaces: only the workspace kind is installed here. */
const noDependents = Object.fromEntries(
  DEPENDENT_KINDS.map((kind) => [kind, { get: () => undefined, keysByIndex: () => [] }]),
) as unknown as DependentStores;

describe('DatabricksWorkspace reconciler against the API server and the fake workspace', () => {
  const namespace = useTestNamespace('workspace');
  const config = testKubeConfig();
  const kube = new KubeClient(config);
  const core = config.makeApiClient(CoreV1Api);
  let fake: FakeWorkspace;
  let manager: Manager | undefined;
  let clients: WorkspaceClients | undefined;
  const recordedEvents: string[] = [];

  beforeAll(async () => {
    const crds = readCrdManifests(join(repositoryRoot(), 'dist')).filter(
      (crd) => crd.spec.names.plural === WORKSPACES.plural,
    );
    expect(crds).toHaveLength(1);
    for (const crd of crds) await installCrd(config, crd);
    fake = await startFakeWorkspace();
  }, 60_000);
  afterAll(() => fake.close());
  afterEach(async () => {
    fake.setFaults([]);
    await manager?.stop();
    clients?.closeAll();
    manager = undefined;
    clients = undefined;
  });

  /** Starts the workspace controller; `resyncPeriodMs` 0 never resyncs. */
  async function startController(resyncPeriodMs = 0): Promise<void> {
    manager = new Manager({
      kube,
      metricsAddress: '127.0.0.1:0',
      leaderElection: false,
      logger: silentLogger,
    });
    clients = new WorkspaceClients({
      // Short retries so a closed port turns into BadHost within the test's wait.
      retry: { budgetMs: 1_000, initialBackoffMs: 50, maxBackoffMs: 100, jitterMs: [0, 0] },
      endpointRateLimits: false,
    });
    const informer = manager.informer<DatabricksWorkspace>({
      resource: WORKSPACES,
      namespaces: [namespace.name],
      resyncPeriodMs,
    });
    manager.controller<DatabricksWorkspace, WorkspaceContext>({
      name: 'databricksworkspace',
      informer,
      reconcile: reconcileWorkspace,
      context: {
        kube,
        status: new StatusWriter(kube, WORKSPACES),
        clients,
        // Every Event the reconciler asks for: the recorder would fold repeats into one object anyway,
        // and what is checked here is that it does not ask at every retry.
        events: {
          record: (object, event) => {
            recordedEvents.push(`${object.metadata.name} ${event.type} ${event.reason}`);
            return manager!.events.record(object, event);
          },
        },
        timing: { readyMs: 60_000, minBackoffMs: 200, maxBackoffMs: 1_000 },
        dependents: noDependents,
      },
    });
    await manager.start();
  }

  async function createSecret(token: string): Promise<void> {
    await core.createNamespacedSecret({
      namespace: namespace.name,
      body: { metadata: { name: SECRET }, stringData: { [KEY]: token } },
    });
  }

  async function createWorkspace(name: string, host: string): Promise<void> {
    await kube.createCustomObject<DatabricksWorkspace>(WORKSPACES, namespace.name, {
      apiVersion: `${WORKSPACES.group}/${WORKSPACES.version}`,
      kind: 'DatabricksWorkspace',
      metadata: { name },
      // The fake (and the closed port of the BadHost test) are plain http on this machine.
      spec: { host, insecureHttp: true, auth: { token: { secretKeyRef: { name: SECRET, key: KEY } } } },
    });
  }

  /** The Events about workspace `name`, as `type reason: note`, oldest first. */
  async function eventsAbout(name: string): Promise<string[]> {
    const events = await core.listNamespacedEvent({ namespace: namespace.name });
    return events.items
      .filter((event) => event.involvedObject.name === name)
      .sort((a, b) =>
        (a.eventTime ?? a.firstTimestamp ?? 0) < (b.eventTime ?? b.firstTimestamp ?? 0) ? -1 : 1,
      )
      .map((event) => `${event.type} ${event.reason}: ${event.message}`);
  }

  /** Reconciles of the workspace controller so far, from its metrics. */
  async function reconciles(): Promise<number> {
    const metric = await manager!.registry.getSingleMetric('controller_runtime_reconcile_total')?.get();
    return (metric?.values ?? []).reduce((sum, value) => sum + value.value, 0);
  }

  /** The workspace once its Ready condition has this reason. */
  function readyReason(name: string, reason: string, timeoutMs?: number): Promise<DatabricksWorkspace> {
    return pollUntil(
      `workspace ${name} to have Ready reason ${reason}`,
      async () => {
        const workspace = await kube.getCustomObject<DatabricksWorkspace>(WORKSPACES, namespace.name, name);
        const ready = workspace?.status?.conditions?.find((condition) => condition.type === 'Ready');
        return ready?.reason === reason ? workspace : undefined;
      },
      timeoutMs === undefined ? undefined : { timeoutMs },
    );
  }

  it('is Ready with a valid token, showing who it authenticated as, the workspace id and auth type', async () => {
    await createSecret(defaultFakeToken);
    await startController();
    await createWorkspace('prod', fake.url);

    const workspace = await readyReason('prod', 'Authenticated');
    const ready = workspace.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.status).toBe('True');
    expect(ready?.message).toContain(fake.userName);
    expect(ready?.observedGeneration).toBe(workspace.metadata.generation);
    expect(workspace.status).toMatchObject({
      observedGeneration: workspace.metadata.generation,
      authType: 'pat',
      workspaceId: fake.workspaceId,
    });
    expect(workspace.status?.lastVerifiedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(JSON.stringify(workspace.status)).not.toContain(defaultFakeToken);
  });

  it('is InvalidCredentials with a wrong token, and the token is not in status', async () => {
    const wrongToken = 'dapi-not-a-real-token-0000000000';
    await createSecret(wrongToken);
    await startController();
    await createWorkspace('wrong-token', fake.url);

    const workspace = await readyReason('wrong-token', 'InvalidCredentials');
    const ready = workspace.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.status).toBe('False');
    expect(ready?.message).toContain(`Secret ${SECRET} key "${KEY}"`);
    expect(JSON.stringify(workspace.status)).not.toContain(wrongToken);
    expect(workspace.status?.authType).toBeUndefined();
  });

  it('uses the new token once the Secret is updated, without a change to the workspace', async () => {
    await createSecret('dapi-revoked-token-000000000000');
    await startController();
    await createWorkspace('rotated', fake.url);
    await readyReason('rotated', 'InvalidCredentials');

    await core.replaceNamespacedSecret({
      name: SECRET,
      namespace: namespace.name,
      body: { metadata: { name: SECRET }, stringData: { [KEY]: defaultFakeToken } },
    });
    const workspace = await readyReason('rotated', 'Authenticated');
    expect(workspace.metadata.generation).toBe(1);
  });

  it('reads its Secret at every resync, but asks Databricks again only when it changed or the probe interval passed', async () => {
    await createSecret(defaultFakeToken);
    await startController(200);
    await createWorkspace('steady', fake.url);
    const ready = await readyReason('steady', 'Authenticated');
    const probes = fake.requestCount('scim/me');
    const before = await reconciles();
    await pollUntil('five resyncs', async () => ((await reconciles()) >= before + 5 ? true : undefined));
    expect(fake.requestCount('scim/me')).toBe(probes);
    const after = await kube.getCustomObject<DatabricksWorkspace>(WORKSPACES, namespace.name, 'steady');
    expect(after?.metadata.resourceVersion).toBe(ready.metadata.resourceVersion);

    // A token rotated while Ready is tried at the next resync (200 ms), not after the 60 s probe interval:
    // half of that is time enough for a loaded machine, and too little for the probe interval.
    const rotatedAt = Date.now();
    await core.replaceNamespacedSecret({
      name: SECRET,
      namespace: namespace.name,
      body: { metadata: { name: SECRET }, stringData: { [KEY]: 'dapi-rotated-but-revoked-0000000000' } },
    });
    await readyReason('steady', 'InvalidCredentials', 30_000);
    expect(Date.now() - rotatedAt).toBeLessThan(30_000);
    // At least the one probe with the rotated token; a rejected workspace is probed again after its backoff
    // (200 ms here), which a loaded machine may reach before this line.
    expect(fake.requestCount('scim/me')).toBeGreaterThanOrEqual(probes + 1);
  }, 60_000);

  it('is SecretNotFound, naming the Secret and key, until the Secret is created, then Ready', async () => {
    await startController();
    await createWorkspace('later', fake.url);

    const missing = await readyReason('later', 'SecretNotFound');
    const notReady = missing.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(notReady?.status).toBe('False');
    expect(notReady?.message).toContain(`${namespace.name}/${SECRET}`);
    expect(notReady?.message).toContain(`"${KEY}"`);

    await createSecret(defaultFakeToken);
    const workspace = await readyReason('later', 'Authenticated');
    expect(workspace.status?.conditions?.find((condition) => condition.type === 'Ready')?.status).toBe(
      'True',
    );
  });

  it('is SecretKeyMissing when the Secret lacks the key', async () => {
    await core.createNamespacedSecret({
      namespace: namespace.name,
      body: { metadata: { name: SECRET }, stringData: { other: defaultFakeToken } },
    });
    await startController();
    await createWorkspace('no-key', fake.url);

    const workspace = await readyReason('no-key', 'SecretKeyMissing');
    const ready = workspace.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.message).toContain(`${namespace.name}/${SECRET}`);
    expect(ready?.message).toContain(`"${KEY}"`);
  });

  it('is BadHost when nothing listens at the host', async () => {
    const closedPort = await freeLoopbackPort();
    await createSecret(defaultFakeToken);
    await startController();
    await createWorkspace('nowhere', `http://127.0.0.1:${closedPort}`);

    const workspace = await readyReason('nowhere', 'BadHost');
    const ready = workspace.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.status).toBe('False');
    expect(ready?.message).toContain(`127.0.0.1:${closedPort}`);
    expect(ready?.message).toContain('ECONNREFUSED');
  });

  it('is PermissionDenied when the workspace admits the token but refuses the principal, then Ready once it is let in', async () => {
    fake.setFaults([{ endpoint: 'scim/me', kind: 'permission-denied' }]);
    await createSecret(defaultFakeToken);
    await startController();
    await createWorkspace('refused', fake.url);

    const refused = await readyReason('refused', 'PermissionDenied');
    const ready = refused.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.status).toBe('False');
    expect(ready?.message).toContain('denied access');
    expect(ready?.message).toContain('grant the principal workspace access');
    fake.setFaults([]);
    const admitted = await readyReason('refused', 'Authenticated');
    expect(admitted.status?.conditions?.find((condition) => condition.type === 'Ready')?.status).toBe('True');
  });

  it('is InvalidCredentials for a token pasted with a line break, saying where, with one Warning however often it retries', async () => {
    const token = 'dapi4c1f9e27\nb8a3d05e6f1a9b2c7e48';
    const probesBefore = fake.requestCount('scim/me');
    await createSecret(token);
    await startController();
    await createWorkspace('pasted', fake.url);

    const workspace = await readyReason('pasted', 'InvalidCredentials');
    const ready = workspace.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.status).toBe('False');
    expect(ready?.message).toContain(
      `the value of Secret ${namespace.name}/${SECRET} key "${KEY}" contains a line break (U+000A) at character 13`,
    );
    const seen = await reconciles();
    await pollUntil('the workspace to be retried three more times', async () =>
      (await reconciles()) >= seen + 3 ? true : undefined,
    );
    // Refused before anything is sent.
    expect(fake.requestCount('scim/me')).toBe(probesBefore);
    expect(await eventsAbout('pasted')).toEqual([
      expect.stringMatching(/^Warning InsecureHttp: /),
      `Warning InvalidCredentials: ${ready?.message}`,
    ]);
    expect(recordedEvents.filter((event) => event.startsWith('pasted '))).toEqual([
      'pasted Warning InsecureHttp',
      'pasted Warning InvalidCredentials',
    ]);
    for (const text of [JSON.stringify(workspace), ...(await eventsAbout('pasted'))]) {
      expect(text).not.toMatch(/dapi4c1f9e27|b8a3d05e6f1a9b2c7e48/);
    }

    await core.replaceNamespacedSecret({
      name: SECRET,
      namespace: namespace.name,
      body: { metadata: { name: SECRET }, stringData: { [KEY]: defaultFakeToken } },
    });
    await readyReason('pasted', 'Authenticated');
    const events = await eventsAbout('pasted');
    expect(events).toHaveLength(3);
    expect(events[2]).toMatch(new RegExp(`^Normal Authenticated: authenticated as ${fake.userName}`));
  });

  it('records a Warning for plain http once per spec generation, since the credentials travel unencrypted', async () => {
    await createSecret(defaultFakeToken);
    await startController();
    await createWorkspace('local', fake.url);
    await readyReason('local', 'Authenticated');
    expect(await eventsAbout('local')).toEqual([
      `Warning InsecureHttp: spec.insecureHttp: the credentials are sent to ${fake.url} unencrypted; use it only for a local test workspace`,
      expect.stringMatching(/^Normal Authenticated: /),
    ]);
  });
});
