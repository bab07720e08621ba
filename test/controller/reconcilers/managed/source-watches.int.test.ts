/**
 * The Secrets and ConfigMaps objects read wake them when they change. Resyncs are 10 minutes apart here
 * (the test bed's default), so only the watch can explain a change reaching Databricks within seconds.
 */
import { createHash } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import type { DatabricksGitCredential } from '../../../../controller/reconcilers/git-credential/git-credential.js';
import { NOTEBOOKS, type DatabricksNotebook } from '../../../../controller/reconcilers/notebook/notebook.js';
import { SECRETS, CONFIG_MAPS } from '../../../../controller/reconcilers/managed/kind-informers.js';
import type { Informer } from '../../../../controller/runtime/informer.js';
import type { KubeObject, ResourceType } from '../../../../controller/runtime/kube-client.js';
import type { Condition } from '../../../../controller/runtime/conditions.js';
import type { DatabricksKind } from '../../../../lib/crds/index.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { testKubeConfig } from '../../../control-plane/test-cluster.js';
import { defaultFakeToken } from '../../../fake-databricks/index.js';
import type { DbfsService } from '../../../fake-databricks/dbfs.js';
import type { WorkspaceService } from '../../../fake-databricks/workspace.js';
import { RESOURCES, useOperatorTestBed, type OperatorTestBed } from '../../operator-test-bed.js';
import { base64, putConfigMap } from '../content/content-source-fixtures.js';
import { fakeScope, putKubeSecret, sha256 } from '../secret-scope/secret-scope-fixtures.js';

const CREDENTIALS = RESOURCES.DatabricksGitCredential;
const SCOPES = RESOURCES.DatabricksSecretScope;
const KINDS: readonly DatabricksKind[] = [
  'DatabricksWorkspace',
  'DatabricksGitCredential',
  'DatabricksNotebook',
  'DatabricksSecretScope',
  'DatabricksDbfsFile',
];
/** Long enough for any Kubernetes write to reach the controller's watch on a loaded machine; far below a resync. */
const WITHIN = { timeoutMs: 15_000 };
const RESYNC_MS = 600_000;

const core = () => testKubeConfig().makeApiClient(CoreV1Api);
const hex = (text: string) => createHash('sha256').update(text).digest('hex');

function gitCredentialWrites(bed: OperatorTestBed): Record<string, number> {
  return Object.fromEntries(
    ['create', 'update', 'delete'].map((verb) => [verb, bed.fake.requestCount(`git-credentials/${verb}`)]),
  );
}

function fakeTokenHash(bed: OperatorTestBed): string | undefined {
  const [credential] = bed.fake.snapshot()['git-credentials'] as { token_sha256?: string }[];
  return credential?.token_sha256;
}

/** A counter of the operator's metrics for one label value (`controller` or `name`). */
async function counter(bed: OperatorTestBed, metric: string, label: string, value: string): Promise<number> {
  const found = bed.operator.manager.registry.getSingleMetric(metric);
  if (!found) throw new Error(`no metric ${metric}`);
  const { values } = await found.get();
  return values
    .filter((sample) => sample.labels[label] === value)
    .reduce((sum, sample) => sum + sample.value, 0);
}

const reconciles = (bed: OperatorTestBed, controller: string) =>
  counter(bed, 'controller_runtime_reconcile_total', 'controller', controller);
const queueAdds = (bed: OperatorTestBed, controller: string) =>
  counter(bed, 'workqueue_adds_total', 'name', controller);

/** The operator's metadata informer of `resource` (the manager hands out the one it made). */
function referenced(bed: OperatorTestBed, resource: ResourceType): Informer<KubeObject> {
  return bed.operator.manager.informer({ resource, namespaces: [bed.namespace], metadataOnly: true });
}

/** Waits until the operator's informer has seen the object at its current resourceVersion (its handlers ran then). */
async function seenByOperator(
  bed: OperatorTestBed,
  resource: ResourceType,
  name: string,
  resourceVersion: string | undefined,
): Promise<void> {
  await pollUntil(
    `the operator to see ${resource.plural} ${name} at ${resourceVersion}`,
    async () =>
      referenced(bed, resource).store.get(`${bed.namespace}/${name}`)?.metadata.resourceVersion ===
      resourceVersion
        ? true
        : undefined,
    WITHIN,
  );
}

/**
 * Waits until the controller of `resource` has seen object `name` as the API server has it now and has
 * nothing queued or running: the watch events of its own writes (the finalizer's among them, which queue
 * it again) can reach it after the test has read Ready from the API server.
 */
async function settled(bed: OperatorTestBed, resource: ResourceType, name: string, controller: string) {
  const current = await bed.get<KubeObject>(resource, name);
  const informer = bed.operator.manager.informer<KubeObject>({ resource, namespaces: [bed.namespace] });
  await pollUntil(
    `the ${controller} controller to have seen ${name} and finished with it`,
    async () =>
      informer.store.get(`${bed.namespace}/${name}`)?.metadata.resourceVersion ===
        current?.metadata.resourceVersion &&
      (await counter(bed, 'workqueue_depth', 'name', controller)) === 0 &&
      (await counter(bed, 'controller_runtime_active_workers', 'controller', controller)) === 0
        ? true
        : undefined,
    WITHIN,
  );
}

describe('Secrets and ConfigMaps wake the objects that read them', () => {
  const bed = useOperatorTestBed('source-watch', {
    operator: { kinds: KINDS, config: { resyncPeriodMs: RESYNC_MS, slowResyncPeriodMs: RESYNC_MS } },
  });

  it('sends a rotated Git token within seconds, once, and nothing for a rewrite that keeps the value', async () => {
    await putKubeSecret(bed, 'git-token', { token: 'ghp_before' });
    await bed.create(CREDENTIALS, 'DatabricksGitCredential', 'git', {
      workspaceRef: { name: 'ws' },
      git_provider: 'gitHub',
      git_username: 'etl-bot',
      personal_access_token: { secretKeyRef: { name: 'git-token', key: 'token' } },
    });
    await bed.waitForCondition<DatabricksGitCredential>(CREDENTIALS, 'git');
    expect(fakeTokenHash(bed)).toBe(hex('ghp_before'));
    expect(gitCredentialWrites(bed)).toEqual({ create: 1, update: 0, delete: 0 });

    await putKubeSecret(bed, 'git-token', { token: 'ghp_after' });
    await pollUntil(
      'the rotated token in Databricks',
      async () => (fakeTokenHash(bed) === hex('ghp_after') ? true : undefined),
      WITHIN,
    );
    await pollUntil(
      'the rotation recorded in status',
      async () => {
        const object = await bed.get<DatabricksGitCredential>(CREDENTIALS, 'git');
        return object?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
          ? object
          : undefined;
      },
      WITHIN,
    );

    // A new resourceVersion, the same value: the credential is woken, compares hashes, writes nothing.
    const before = await reconciles(bed, 'databricksgitcredential');
    const relabelled = await bed.kube.patchSecret(bed.namespace, 'git-token', [
      { op: 'add', path: '/metadata/labels', value: { rotated: 'yes' } },
    ]);
    await seenByOperator(bed, SECRETS, 'git-token', relabelled.metadata?.resourceVersion);
    await pollUntil(
      'the credential reconciled after the rewrite',
      async () => ((await reconciles(bed, 'databricksgitcredential')) > before ? true : undefined),
      WITHIN,
    );
    expect(gitCredentialWrites(bed)).toEqual({ create: 1, update: 1, delete: 0 });
    expect(fakeTokenHash(bed)).toBe(hex('ghp_after'));
  });

  it('re-imports a notebook within seconds of an edit to its ConfigMap', async () => {
    const workspace = () => bed.fake.service<WorkspaceService>('workspace');
    await putConfigMap(bed, 'notebooks', { data: { 'ingest.py': 'print("v1")\n' } });
    await bed.create(NOTEBOOKS, 'DatabricksNotebook', 'ingest', {
      workspaceRef: { name: 'ws' },
      path: '/Shared/ingest',
      language: 'PYTHON',
      contentFrom: { configMapKeyRef: { name: 'notebooks', key: 'ingest.py' } },
    });
    await bed.waitForCondition<DatabricksNotebook>(NOTEBOOKS, 'ingest');
    expect(workspace().notebookSource('/Shared/ingest')).toBe('print("v1")\n');
    expect(bed.fake.requestCount('workspace/import')).toBe(1);

    await putConfigMap(bed, 'notebooks', { data: { 'ingest.py': 'print("v2")\n' } });
    await pollUntil(
      'the edited source in the workspace',
      async () => (workspace().notebookSource('/Shared/ingest') === 'print("v2")\n' ? true : undefined),
      WITHIN,
    );
    expect(bed.fake.requestCount('workspace/import')).toBe(2);

    // Rewritten with the same source: the notebook is woken, and its content hash says there is nothing to import.
    const before = await reconciles(bed, 'databricksnotebook');
    const relabelled = await core().replaceNamespacedConfigMap({
      namespace: bed.namespace,
      name: 'notebooks',
      body: {
        metadata: { name: 'notebooks', labels: { edited: 'no' } },
        data: { 'ingest.py': 'print("v2")\n' },
      },
    });
    await seenByOperator(bed, CONFIG_MAPS, 'notebooks', relabelled.metadata?.resourceVersion);
    await pollUntil(
      'the notebook reconciled after the rewrite',
      async () => ((await reconciles(bed, 'databricksnotebook')) > before ? true : undefined),
      WITHIN,
    );
    expect(bed.fake.requestCount('workspace/import')).toBe(2);
  });

  it('uploads a DBFS file again within seconds of an edit to the Secret key it comes from', async () => {
    const content = () =>
      bed.fake.service<DbfsService>('dbfs').fileContent('/FileStore/etl/conf.json')?.toString();
    await putKubeSecret(bed, 'etl-conf', { 'conf.json': '{"env":"one"}' });
    await bed.create(RESOURCES.DatabricksDbfsFile, 'DatabricksDbfsFile', 'conf', {
      workspaceRef: { name: 'ws' },
      path: '/FileStore/etl/conf.json',
      contentsFrom: { secretKeyRef: { name: 'etl-conf', key: 'conf.json' } },
    });
    await bed.waitForCondition(RESOURCES.DatabricksDbfsFile, 'conf');
    expect(content()).toBe('{"env":"one"}');

    await putKubeSecret(bed, 'etl-conf', { 'conf.json': '{"env":"two"}' });
    await pollUntil(
      'the edited file in DBFS',
      async () => (content() === '{"env":"two"}' ? true : undefined),
      WITHIN,
    );
  });

  it('puts a secret scope value again within seconds of an edit to its Secret', async () => {
    await putKubeSecret(bed, 'db-password', { password: 'first' });
    await bed.create(SCOPES, 'DatabricksSecretScope', 'etl', {
      workspaceRef: { name: 'ws' },
      scopeName: 'etl',
      secrets: [
        { key: 'db-password', valueFrom: { secretKeyRef: { name: 'db-password', key: 'password' } } },
      ],
    });
    await bed.waitForCondition(SCOPES, 'etl');
    expect(fakeScope(bed, 'etl')?.secrets).toEqual({ 'db-password': sha256('first') });
    const puts = bed.fake.requestCount('secrets/put');

    await putKubeSecret(bed, 'db-password', { password: 'second' });
    await pollUntil(
      'the edited value in the scope',
      async () => (fakeScope(bed, 'etl')?.secrets['db-password'] === sha256('second') ? true : undefined),
      WITHIN,
    );
    expect(bed.fake.requestCount('secrets/put')).toBe(puts + 1);

    // Relabelled, the same value: the scope is woken, and its hashes say there is nothing to put.
    const before = await reconciles(bed, 'databrickssecretscope');
    const relabelled = await bed.kube.patchSecret(bed.namespace, 'db-password', [
      { op: 'add', path: '/metadata/labels', value: { edited: 'no' } },
    ]);
    await seenByOperator(bed, SECRETS, 'db-password', relabelled.metadata?.resourceVersion);
    await pollUntil(
      'the scope reconciled after the rewrite',
      async () => ((await reconciles(bed, 'databrickssecretscope')) > before ? true : undefined),
      WITHIN,
    );
    expect(bed.fake.requestCount('secrets/put')).toBe(puts + 1);
  });

  it('wakes nothing, and calls Databricks for nothing, when a Secret or ConfigMap nobody reads changes', async () => {
    await putKubeSecret(bed, 'git-token', { token: 'ghp_quiet' });
    await putConfigMap(bed, 'notebooks', { data: { 'ingest.py': 'print("quiet")\n' } });
    await putKubeSecret(bed, 'unrelated', { password: 'one' });
    await putConfigMap(bed, 'unrelated', { data: { 'a.txt': 'one' } });
    await bed.create(CREDENTIALS, 'DatabricksGitCredential', 'git', {
      workspaceRef: { name: 'ws' },
      git_provider: 'gitHub',
      personal_access_token: { secretKeyRef: { name: 'git-token', key: 'token' } },
    });
    await bed.create(NOTEBOOKS, 'DatabricksNotebook', 'ingest', {
      workspaceRef: { name: 'ws' },
      path: '/Shared/quiet',
      language: 'PYTHON',
      contentFrom: { configMapKeyRef: { name: 'notebooks', key: 'ingest.py' } },
    });
    await bed.waitForCondition(CREDENTIALS, 'git');
    await bed.waitForCondition(NOTEBOOKS, 'ingest');
    // Neither kind has anything queued once Ready and settled (no timers: resyncs are 10 minutes away).
    await settled(bed, CREDENTIALS, 'git', 'databricksgitcredential');
    await settled(bed, NOTEBOOKS, 'ingest', 'databricksnotebook');
    const controllers = ['databricksgitcredential', 'databricksnotebook'];
    const before = await Promise.all(controllers.map((name) => queueAdds(bed, name)));
    const calls = Object.values(bed.fake.requestCounts()).reduce((sum, count) => sum + count, 0);

    const secret = await core().replaceNamespacedSecret({
      namespace: bed.namespace,
      name: 'unrelated',
      body: { metadata: { name: 'unrelated' }, stringData: { password: 'two' } },
    });
    const configMap = await core().replaceNamespacedConfigMap({
      namespace: bed.namespace,
      name: 'unrelated',
      body: { metadata: { name: 'unrelated' }, data: { 'a.txt': 'two' } },
    });
    await seenByOperator(bed, SECRETS, 'unrelated', secret.metadata?.resourceVersion);
    await seenByOperator(bed, CONFIG_MAPS, 'unrelated', configMap.metadata?.resourceVersion);

    expect(await Promise.all(controllers.map((name) => queueAdds(bed, name)))).toEqual(before);
    expect(Object.values(bed.fake.requestCounts()).reduce((sum, count) => sum + count, 0)).toBe(calls);

    // And the same informers do wake a reader: the ConfigMap the notebook reads, edited.
    await putConfigMap(bed, 'notebooks', { data: { 'ingest.py': 'print("loud")\n' } });
    await pollUntil(
      'the notebook woken',
      async () => ((await queueAdds(bed, 'databricksnotebook')) > before[1] ? true : undefined),
      WITHIN,
    );
  });

  it("takes a workspace's rotated credential within seconds: a wrong token makes it not Ready, the right one Ready again", async () => {
    await putKubeSecret(bed, 'databricks-token', { token: 'dapi-revoked' });
    const refused = await bed.waitForCondition<KubeObject & { status?: { conditions?: Condition[] } }>(
      RESOURCES.DatabricksWorkspace,
      'ws',
      { status: 'False', reason: 'InvalidCredentials' },
      WITHIN.timeoutMs,
    );
    expect(JSON.stringify(refused.status)).not.toContain('dapi-revoked');
    await putKubeSecret(bed, 'databricks-token', { token: defaultFakeToken });
    await bed.waitForCondition(RESOURCES.DatabricksWorkspace, 'ws', {}, WITHIN.timeoutMs);

    // Relabelled, the same token: the workspace is woken, keeps its client and verdict, and asks Databricks nothing.
    const probes = bed.fake.requestCount('scim/me');
    const before = await reconciles(bed, 'databricksworkspace');
    const relabelled = await bed.kube.patchSecret(bed.namespace, 'databricks-token', [
      { op: 'add', path: '/metadata/labels', value: { edited: 'no' } },
    ]);
    await seenByOperator(bed, SECRETS, 'databricks-token', relabelled.metadata?.resourceVersion);
    await pollUntil(
      'the workspace reconciled after the rewrite',
      async () => ((await reconciles(bed, 'databricksworkspace')) > before ? true : undefined),
      WITHIN,
    );
    expect(bed.fake.requestCount('scim/me')).toBe(probes);
  });

  it('caches the Secrets it watches without their values', async () => {
    await putKubeSecret(bed, 'git-token', { token: 'ghp_never_cached' });
    await bed.create(CREDENTIALS, 'DatabricksGitCredential', 'git', {
      workspaceRef: { name: 'ws' },
      git_provider: 'gitHub',
      personal_access_token: { secretKeyRef: { name: 'git-token', key: 'token' } },
    });
    await bed.waitForCondition(CREDENTIALS, 'git');
    const cached = referenced(bed, SECRETS).store.list();
    expect(cached.map((object) => object.metadata.name)).toEqual(
      expect.arrayContaining(['databricks-token', 'git-token']),
    );
    for (const object of cached) {
      expect(Object.keys(object)).toEqual(['metadata']);
      expect(Object.keys(object.metadata).sort()).toEqual(['name', 'namespace', 'resourceVersion', 'uid']);
    }
    expect(JSON.stringify(cached)).not.toContain(base64('ghp_never_cached'));
  });
});
