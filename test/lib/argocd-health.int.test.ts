/**
 * The Argo CD health checks shipped in dist/argocd-cm.health.yaml, run in Lua 5.1 as Argo CD runs them,
 * on objects as the controller really left them on the test bed: each test makes the controller reach
 * a state (success, failure, waiting, invalid settings, bad credentials, paused, terminated on purpose,
 * stale) and then reads the object back and asks its kind's script for a verdict.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { ARGOCD_HEALTH_MANIFEST_FILE, healthCheckKey } from '../../lib/argocd/health-checks.js';
import { KINDS, type DatabricksKind } from '../../lib/crds/index.js';
import type { KubeObject } from '../../controller/runtime/kube-client.js';
import { cachedBinaries } from '../control-plane/kube-binaries.js';
import { pollUntil } from '../control-plane/poll-until.js';
import { repositoryRoot } from '../control-plane/state-paths.js';
import { testKubeConfig } from '../control-plane/test-cluster.js';
import { RESOURCES, useOperatorTestBed } from '../controller/operator-test-bed.js';
import {
  QUICK_CLUSTERS,
  clusterSettings,
  clusterSpec,
} from '../controller/reconcilers/cluster/cluster-fixtures.js';
import { jobSpec, notebookTask } from '../controller/reconcilers/job/job-fixtures.js';
import { runHealthCheck, type HealthStatus } from './argocd-lua.js';

const manifestPath = join(repositoryRoot(), 'dist', ARGOCD_HEALTH_MANIFEST_FILE);
const shipped = parse(readFileSync(manifestPath, 'utf8')) as { data: Record<string, string> };

/** What the shipped health check of the object's kind says of it. */
function healthOf(object: KubeObject | undefined): HealthStatus {
  if (!object?.kind) throw new Error('no object to judge');
  const script = shipped.data[healthCheckKey(object.kind as DatabricksKind)];
  if (!script) throw new Error(`${ARGOCD_HEALTH_MANIFEST_FILE} has no health check for ${object.kind}`);
  return runHealthCheck(script, object);
}

const spec = (extra: Record<string, unknown>) => ({ workspaceRef: { name: 'ws' }, ...extra });
const base64 = (text: string) => Buffer.from(text).toString('base64');
const manyTags = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`tag${i}`, `value${i}`]));

describe('Argo CD health checks on the status the controller wrote', () => {
  const bed = useOperatorTestBed('argocd-health', { fake: { timing: QUICK_CLUSTERS } });
  const core = () => testKubeConfig().makeApiClient(CoreV1Api);

  beforeEach(() => {
    bed.fake.setTiming({ runPendingMs: 50, taskRunningMs: 150, runTerminatingMs: 50, ...QUICK_CLUSTERS });
  });

  it('ship one check per kind, under the argocd-cm key Argo CD looks up', () => {
    expect(Object.keys(shipped.data).sort()).toEqual(
      KINDS.map(({ kind }) => `resource.customizations.health.databricks.operator.dev_${kind}`).sort(),
    );
  });

  it('call every kind Healthy once Ready, and a run once it succeeded', async () => {
    await bed.create(RESOURCES.DatabricksJob, 'DatabricksJob', 'nightly', {
      ...jobSpec({
        tasks: [notebookTask('a')],
        schedule: { quartz_cron_expression: '0 0 1 * * ?', timezone_id: 'UTC', pause_status: 'UNPAUSED' },
      }),
    });
    await bed.create(
      RESOURCES.DatabricksRun,
      'DatabricksRun',
      'once',
      spec({ submit: { tasks: [notebookTask('b')] } }),
    );
    await bed.create(
      RESOURCES.DatabricksCluster,
      'DatabricksCluster',
      'shared',
      clusterSpec(clusterSettings('shared')),
    );
    await bed.create(
      RESOURCES.DatabricksSecretScope,
      'DatabricksSecretScope',
      'creds',
      spec({
        secrets: [{ key: 'greeting', value: 'hello' }],
      }),
    );
    await bed.create(
      RESOURCES.DatabricksDbfsFile,
      'DatabricksDbfsFile',
      'config',
      spec({
        path: '/FileStore/health/config.json',
        contents: base64('{}'),
      }),
    );
    await bed.create(
      RESOURCES.DatabricksNotebook,
      'DatabricksNotebook',
      'ingest',
      spec({
        path: '/Shared/health/ingest',
        language: 'PYTHON',
        content: base64('print(1)\n'),
      }),
    );
    await core().createNamespacedSecret({
      namespace: bed.namespace,
      body: { metadata: { name: 'git-token' }, stringData: { token: 'ghp_health' } },
    });
    await bed.create(
      RESOURCES.DatabricksGitCredential,
      'DatabricksGitCredential',
      'git',
      spec({
        git_provider: 'gitHub',
        git_username: 'etl-bot',
        personal_access_token: { secretKeyRef: { name: 'git-token', key: 'token' } },
      }),
    );
    await bed.create(
      RESOURCES.DatabricksSqlWarehouse,
      'DatabricksSqlWarehouse',
      'bi',
      spec({ settings: { cluster_size: '2X-Small', auto_stop_mins: 0 } }),
    );
    await bed.create(
      RESOURCES.DatabricksRepo,
      'DatabricksRepo',
      'code',
      spec({ path: '/Shared/health-code', url: 'https://github.com/acme/etl.git', branch: 'main' }),
    );
    await bed.create(
      RESOURCES.DatabricksPipeline,
      'DatabricksPipeline',
      'dlt',
      spec({
        settings: { catalog: 'main', schema: 'etl', libraries: [{ notebook: { path: '/Shared/dlt' } }] },
      }),
    );
    await bed.create(
      RESOURCES.DatabricksClusterPolicy,
      'DatabricksClusterPolicy',
      'policy',
      spec({ definition: { autotermination_minutes: { type: 'fixed', value: 30 } } }),
    );
    await bed.create(
      RESOURCES.DatabricksInstancePool,
      'DatabricksInstancePool',
      'pool',
      spec({ settings: { node_type_id: 'i3.xlarge' } }),
    );

    const healthy = {
      DatabricksWorkspace: await bed.waitForCondition(RESOURCES.DatabricksWorkspace, 'ws'),
      DatabricksJob: await bed.waitForCondition(RESOURCES.DatabricksJob, 'nightly'),
      DatabricksRun: await bed.waitForCondition(RESOURCES.DatabricksRun, 'once', { type: 'Succeeded' }),
      DatabricksCluster: await bed.waitForCondition(RESOURCES.DatabricksCluster, 'shared'),
      DatabricksSecretScope: await bed.waitForCondition(RESOURCES.DatabricksSecretScope, 'creds'),
      DatabricksDbfsFile: await bed.waitForCondition(RESOURCES.DatabricksDbfsFile, 'config'),
      DatabricksNotebook: await bed.waitForCondition(RESOURCES.DatabricksNotebook, 'ingest'),
      DatabricksGitCredential: await bed.waitForCondition(RESOURCES.DatabricksGitCredential, 'git'),
      DatabricksSqlWarehouse: await bed.waitForCondition(RESOURCES.DatabricksSqlWarehouse, 'bi'),
      DatabricksRepo: await bed.waitForCondition(RESOURCES.DatabricksRepo, 'code'),
      DatabricksPipeline: await bed.waitForCondition(RESOURCES.DatabricksPipeline, 'dlt'),
      DatabricksClusterPolicy: await bed.waitForCondition(RESOURCES.DatabricksClusterPolicy, 'policy'),
      DatabricksInstancePool: await bed.waitForCondition(RESOURCES.DatabricksInstancePool, 'pool'),
    };
    const verdicts = Object.fromEntries(
      Object.entries(healthy).map(([kind, object]) => [kind, healthOf(object).status]),
    );
    expect(verdicts).toEqual(Object.fromEntries(KINDS.map(({ kind }) => [kind, 'Healthy'])));
    expect(healthOf(healthy.DatabricksRun).message).toMatch(/^Success: /);
    expect(healthOf(healthy.DatabricksJob).message).toMatch(/^Synced: job \d+ matches spec.settings$/);
    // Thirteen objects of every kind brought to Ready one after another: seconds on an idle machine,
    // a loaded one stretches that toward the 30 s default.
  }, 90_000);

  it('call a failed run, settings Databricks refuses, rejected credentials and a missing Secret Degraded', async () => {
    await bed.create(
      RESOURCES.DatabricksRun,
      'DatabricksRun',
      'broken',
      spec({
        submit: { tasks: [notebookTask('load', '/Shared/load_FAIL')] },
      }),
    );
    // The CRD allows 25 tags; with the controller's 2 ownership tags Databricks refuses 24.
    await bed.create(
      RESOURCES.DatabricksJob,
      'DatabricksJob',
      'tagged',
      jobSpec({
        tasks: [notebookTask('a')],
        tags: manyTags(24),
      }),
    );
    await core().createNamespacedSecret({
      namespace: bed.namespace,
      body: { metadata: { name: 'stale-token' }, stringData: { token: 'dapi-not-a-valid-token' } },
    });
    await bed.create(RESOURCES.DatabricksWorkspace, 'DatabricksWorkspace', 'rejected', {
      host: bed.fake.url,
      insecureHttp: true,
      auth: { token: { secretKeyRef: { name: 'stale-token', key: 'token' } } },
    });
    await bed.create(RESOURCES.DatabricksWorkspace, 'DatabricksWorkspace', 'unset', {
      host: bed.fake.url,
      insecureHttp: true,
      auth: { token: { secretKeyRef: { name: 'not-created', key: 'token' } } },
    });

    const failed = await bed.waitForCondition(RESOURCES.DatabricksRun, 'broken', { type: 'Failed' });
    expect(healthOf(failed)).toEqual({ status: 'Degraded', message: expect.stringMatching(/^Failed: /) });
    const invalid = await bed.waitForCondition(RESOURCES.DatabricksJob, 'tagged', {
      status: 'False',
      reason: 'InvalidSettings',
    });
    expect(healthOf(invalid)).toEqual({
      status: 'Degraded',
      message: expect.stringMatching(/^InvalidSettings: Databricks rejected the request: jobs\/create: /),
    });
    const rejected = await bed.waitForCondition(RESOURCES.DatabricksWorkspace, 'rejected', {
      status: 'False',
      reason: 'InvalidCredentials',
    });
    expect(healthOf(rejected)).toEqual({
      status: 'Degraded',
      message: expect.stringMatching(/^InvalidCredentials: .*rejected the credentials/),
    });
    const unset = await bed.waitForCondition(RESOURCES.DatabricksWorkspace, 'unset', {
      status: 'False',
      reason: 'SecretNotFound',
    });
    expect(healthOf(unset)).toEqual({
      status: 'Degraded',
      message: expect.stringMatching(/^SecretNotFound: Secret .*\/not-created does not exist/),
    });
  }, 60_000);

  it('call a run waiting for its job, a run still going and a cluster starting Progressing', async () => {
    await bed.create(
      RESOURCES.DatabricksRun,
      'DatabricksRun',
      'after-etl',
      spec({ jobRef: { name: 'etl' } }),
    );
    await bed.create(
      RESOURCES.DatabricksRun,
      'DatabricksRun',
      'long',
      spec({
        submit: { tasks: [notebookTask('long', '/Shared/long_SLEEP_60000')] },
      }),
    );
    bed.fake.setTiming({ clusterStartMs: 60_000 });
    await bed.create(
      RESOURCES.DatabricksCluster,
      'DatabricksCluster',
      'slow',
      clusterSpec(clusterSettings('slow')),
    );

    const waiting = await bed.waitForCondition(RESOURCES.DatabricksRun, 'after-etl', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(healthOf(waiting)).toEqual({
      status: 'Progressing',
      message: 'WaitingForDependency: spec.jobRef: DatabricksJob etl does not exist yet',
    });
    const running = await pollUntil('the run to be RUNNING', async () => {
      const run = await bed.get<KubeObject & { status?: { lifeCycleState?: string } }>(
        RESOURCES.DatabricksRun,
        'long',
      );
      return run?.status?.lifeCycleState === 'RUNNING' ? run : undefined;
    });
    expect(healthOf(running)).toEqual({
      status: 'Progressing',
      message: expect.stringMatching(/^RunActive: run \d+ is RUNNING/),
    });
    const starting = await bed.waitForCondition(RESOURCES.DatabricksCluster, 'slow', {
      status: 'False',
      reason: 'Starting',
    });
    expect(healthOf(starting)).toEqual({
      status: 'Progressing',
      message: expect.stringMatching(/^Starting: cluster .* is PENDING/),
    });
  });

  it('call an object the controller has not seen yet, or not since its spec changed, Progressing', async () => {
    const job = await bed.create(
      RESOURCES.DatabricksJob,
      'DatabricksJob',
      'edited',
      jobSpec({ tasks: [notebookTask('a')] }),
    );
    const ready = await bed.waitForCondition(RESOURCES.DatabricksJob, 'edited');
    expect(healthOf(ready).status).toBe('Healthy');

    await bed.stopOperator();
    await bed.patchSpec(RESOURCES.DatabricksJob, 'edited', {
      settings: { name: 'edited', tasks: [notebookTask('b')] },
    });
    await bed.create(
      RESOURCES.DatabricksNotebook,
      'DatabricksNotebook',
      'unseen',
      spec({
        path: '/Shared/health/unseen',
        language: 'PYTHON',
        content: base64('print(2)\n'),
      }),
    );
    const stale = await bed.get(RESOURCES.DatabricksJob, 'edited');
    expect(stale?.metadata.generation).toBe((job.metadata.generation ?? 0) + 1);
    expect(healthOf(stale)).toEqual({
      status: 'Progressing',
      message: 'waiting for the controller to reconcile generation 2 (status is of generation 1)',
    });
    expect(healthOf(await bed.get(RESOURCES.DatabricksNotebook, 'unseen'))).toEqual({
      status: 'Progressing',
      message: 'waiting for the controller to reconcile it',
    });
  });

  it('call a job whose schedule is paused and a cluster terminated because spec.state asks it Suspended', async () => {
    await bed.create(
      RESOURCES.DatabricksJob,
      'DatabricksJob',
      'paused',
      jobSpec({
        tasks: [notebookTask('a')],
        schedule: { quartz_cron_expression: '0 0 1 * * ?', timezone_id: 'UTC', pause_status: 'PAUSED' },
      }),
    );
    await bed.create(
      RESOURCES.DatabricksCluster,
      'DatabricksCluster',
      'parked',
      clusterSpec(clusterSettings('parked'), {
        state: 'Terminated',
      }),
    );
    const paused = await bed.waitForCondition(RESOURCES.DatabricksJob, 'paused');
    expect(healthOf(paused)).toEqual({
      status: 'Suspended',
      message: expect.stringMatching(/^schedule and triggers are PAUSED in spec.settings; Synced: /),
    });
    const parked = await bed.waitForCondition(RESOURCES.DatabricksCluster, 'parked', {
      reason: 'Terminated',
    });
    expect(healthOf(parked)).toEqual({
      status: 'Suspended',
      message: expect.stringMatching(/^Terminated: cluster .* is TERMINATED, as spec.state asks$/),
    });
  });

  it('merge into an existing argocd-cm with kubectl apply --server-side, keeping its other keys', async () => {
    const api = core();
    await api
      .createNamespace({ body: { metadata: { name: 'argocd' } } })
      .catch((error: { code?: number }) => {
        if (error.code !== 409) throw error;
      });
    await api.createNamespacedConfigMap({
      namespace: 'argocd',
      body: { metadata: { name: 'argocd-cm' }, data: { url: 'https://argocd.example.com' } },
    });
    try {
      const built = cachedBinaries().kubectl;
      await promisify(execFile)(existsSync(built) ? built : 'kubectl', [
        'apply',
        '--server-side',
        '--field-manager=cdk8s-databricks',
        '-f',
        manifestPath,
      ]);
      const merged = await api.readNamespacedConfigMap({ namespace: 'argocd', name: 'argocd-cm' });
      expect(merged.data).toEqual({ url: 'https://argocd.example.com', ...shipped.data });
    } finally {
      await api.deleteNamespacedConfigMap({ namespace: 'argocd', name: 'argocd-cm' });
    }
  });
});
