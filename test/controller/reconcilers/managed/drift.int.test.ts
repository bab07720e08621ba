/**
 * Drift made in Databricks (and in the Kubernetes objects a spec names) is put back within a resync,
 * for every kind, at no cost beyond the shared listings. With a 2 s resync and every other timer of the
 * controller (not-ready backoff, workspace probe, slow cycle, run polls) minutes long, a change put back
 * within a few seconds was put back by the resync; the last test does it with the default resync period.
 */
import type { DatabricksCluster } from '../../../../controller/reconcilers/cluster/cluster.js';
import type { DatabricksDbfsFile } from '../../../../controller/reconcilers/dbfs-file/dbfs-file.js';
import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import type { DatabricksNotebook } from '../../../../controller/reconcilers/notebook/notebook.js';
import type { DatabricksSecretScope } from '../../../../controller/reconcilers/secret-scope/secret-scope.js';
import type { KubeObject, ResourceType } from '../../../../controller/runtime/kube-client.js';
import { parseRuntimeConfig } from '../../../../controller/runtime/runtime-config.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import type { DbfsService } from '../../../fake-databricks/dbfs.js';
import { defaultFakeToken } from '../../../fake-databricks/index.js';
import type { WorkspaceService } from '../../../fake-databricks/workspace.js';
import { RESOURCES, useOperatorTestBed, type OperatorTestBed } from '../../operator-test-bed.js';
import { CLUSTERS, clusterSettings, clusterSpec } from '../cluster/cluster-fixtures.js';
import { base64, putConfigMap, sha256 } from '../content/content-source-fixtures.js';
import { JOBS, eventsAbout, jobSpec, notebookTask, remoteJob } from '../job/job-fixtures.js';
import { SCOPES, fakeScope, putKubeSecret } from '../secret-scope/secret-scope-fixtures.js';

const NOTEBOOKS = RESOURCES.DatabricksNotebook;
const DBFS_FILES = RESOURCES.DatabricksDbfsFile;
const WORKSPACES = RESOURCES.DatabricksWorkspace;

const RESYNC_MS = 2_000;
/** A change is put back within this: a resync (at most 2 s away) and the work it starts, on a busy machine. */
const WITHIN_MS = RESYNC_MS + 10_000;
/** Longer than any test: a timer this long never fires within one. */
const NEVER_MS = 3_600_000;
const ROTATED_TOKEN = 'dapi000000000000000000000000rotated';
/** What the controller may read at a resync: only listings shared by all objects of a kind. */
const SHARED_LISTINGS = [
  'jobs/list',
  'jobs/runs/list',
  'clusters/list',
  'workspace/list',
  'dbfs/list',
  'secrets/scopes/list',
];

describe('Drift made in Databricks, with a 2 s resync', () => {
  const bed = useOperatorTestBed('drift', {
    fake: {
      tokens: { [defaultFakeToken]: 'controller@example.com', [ROTATED_TOKEN]: 'rotated@example.com' },
      // Runs go on for the whole test; clusters start at once.
      timing: { taskRunningMs: NEVER_MS, clusterStartMs: 100, clusterTerminateMs: 100 },
    },
    operator: {
      config: { resyncPeriodMs: RESYNC_MS, slowResyncPeriodMs: NEVER_MS },
      notReadyBackoff: { minMs: NEVER_MS, maxMs: NEVER_MS },
      workspaceTiming: { readyMs: NEVER_MS, minBackoffMs: 200, maxBackoffMs: 1_000 },
      jobTiming: { activeRunPollMs: NEVER_MS },
    },
  });
  const workspace = (): WorkspaceService => bed.fake.service<WorkspaceService>('workspace');
  const within = <T>(what: string, check: () => Promise<T | undefined>) =>
    pollUntil(what, check, { timeoutMs: WITHIN_MS, intervalMs: 50 });

  const createJobs = async (count: number): Promise<DatabricksJob[]> => {
    const names = Array.from({ length: count }, (_, i) => `job-${i}`);
    for (const name of names) {
      await bed.create(
        JOBS,
        'DatabricksJob',
        name,
        jobSpec({ tasks: [notebookTask('a')], max_concurrent_runs: 1 }),
      );
    }
    return Promise.all(names.map((name) => bed.waitForCondition<DatabricksJob>(JOBS, name)));
  };
  const createNotebook = async (name: string, spec: Record<string, unknown>) => {
    await bed.create(NOTEBOOKS, 'DatabricksNotebook', name, {
      workspaceRef: { name: 'ws' },
      path: `/Shared/drift/${name}`,
      language: 'PYTHON',
      ...spec,
    });
  };
  const createFile = async (name: string, spec: Record<string, unknown>) => {
    await bed.create(DBFS_FILES, 'DatabricksDbfsFile', name, {
      workspaceRef: { name: 'ws' },
      path: `/FileStore/drift/${name}.conf`,
      ...spec,
    });
  };

  it('writes nothing to the API server or Databricks at steady state, and reads only shared listings', async () => {
    await putConfigMap(bed, 'sources', {
      data: { 'nb.py': 'print("from a ConfigMap")\n', 'app.conf': 'a=1' },
    });
    await putKubeSecret(bed, 'values', { password: 'p1' });
    await createJobs(3);
    await bed.create(CLUSTERS, 'DatabricksCluster', 'cluster', clusterSpec(clusterSettings('cluster')));
    await createNotebook('inline', { content: base64('print("inline")\n') });
    await createNotebook('mapped', { contentFrom: { configMapKeyRef: { name: 'sources', key: 'nb.py' } } });
    await createFile('inline', { contents: base64('b=2') });
    await createFile('mapped', { contentsFrom: { configMapKeyRef: { name: 'sources', key: 'app.conf' } } });
    await bed.create(SCOPES, 'DatabricksSecretScope', 'scope', {
      workspaceRef: { name: 'ws' },
      secrets: [{ key: 'password', valueFrom: { secretKeyRef: { name: 'values', key: 'password' } } }],
      acls: [{ principal: 'alice@example.com', permission: 'READ' }],
    });
    const objects: [ResourceType, string][] = [
      [JOBS, 'job-0'],
      [JOBS, 'job-1'],
      [JOBS, 'job-2'],
      [CLUSTERS, 'cluster'],
      [NOTEBOOKS, 'inline'],
      [NOTEBOOKS, 'mapped'],
      [DBFS_FILES, 'inline'],
      [DBFS_FILES, 'mapped'],
      [SCOPES, 'scope'],
      [WORKSPACES, 'ws'],
    ];
    for (const [resource, name] of objects) await bed.waitForCondition(resource, name);
    await resyncs(bed, 1);
    const versions = async () =>
      Promise.all(
        objects.map(
          async ([resource, name]) => (await bed.get<KubeObject>(resource, name))?.metadata.resourceVersion,
        ),
      );
    const before = await versions();
    bed.fake.clearRequests();

    const count = 3;
    await resyncs(bed, count);

    expect(await versions()).toEqual(before);
    const requests = bed.fake.requests();
    expect(requests.filter((request) => request.method !== 'GET')).toEqual([]);
    const perEndpoint = bed.fake.requestCounts();
    for (const [key, calls] of Object.entries(perEndpoint)) {
      const endpoint = key.slice(0, key.lastIndexOf(' '));
      expect(SHARED_LISTINGS).toContain(endpoint);
      // One listing per resync (a resync may be under way as the count is taken).
      expect(calls).toBeLessThanOrEqual(count + 1);
    }
    // Ten objects made Ready and four resyncs took 12.5 s on a loaded machine: its own timeout.
  }, 60_000);

  it('puts back a job edited in the UI, and creates again one deleted while it ran, saying so in Ready', async () => {
    const [edited, deleted] = await createJobs(3);
    const editedId = edited.status?.jobId ?? 0;
    const deletedId = deleted.status?.jobId ?? 0;
    await bed.fake.ui.call('jobs/run-now', { job_id: deletedId });
    await within('the run to show in status.lastRun', async () => {
      const job = await bed.get<DatabricksJob>(JOBS, deleted.metadata.name);
      return ['QUEUED', 'PENDING', 'RUNNING'].includes(job?.status?.lastRun?.state ?? '') ? true : undefined;
    });

    await bed.fake.ui.updateJob(editedId, { max_concurrent_runs: 7, tags: { edited: 'in the UI' } });
    await bed.fake.ui.deleteJob(deletedId);

    await within('the edited job put back', async () => {
      const settings = (await remoteJob(bed.fake, editedId))?.settings;
      return settings?.max_concurrent_runs === 1 && settings.tags?.['edited'] === undefined
        ? true
        : undefined;
    });
    const recreated = await within('the deleted job created again, and Ready saying so', async () => {
      const job = await bed.get<DatabricksJob>(JOBS, deleted.metadata.name);
      const jobId = job?.status?.jobId;
      const ready = job?.status?.conditions?.find((condition) => condition.type === 'Ready');
      return jobId !== undefined &&
        jobId !== deletedId &&
        ready?.message === `job ${jobId} matches spec.settings`
        ? job
        : undefined;
    });
    expect(await remoteJob(bed.fake, recreated.status?.jobId)).toBeDefined();
    expect(recreated.status?.lastRun).toBeUndefined();
    const reasons = async (name: string) => (await eventsAbout(bed, name)).map((event) => event.reason);
    // The edited job's Event is recorded after its reset, which the first wait saw in Databricks.
    await pollUntil('a DriftCorrected event', async () =>
      (await reasons(edited.metadata.name)).includes('DriftCorrected') ? true : undefined,
    );
    expect(await reasons(deleted.metadata.name)).toContain('Recreated');
  });

  it('creates again a cluster deleted in the UI', async () => {
    await bed.create(CLUSTERS, 'DatabricksCluster', 'deleted', clusterSpec(clusterSettings('deleted')));
    const cluster = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'deleted');
    const gone = cluster.status?.clusterId ?? '';
    await bed.fake.ui.deleteCluster(gone);
    await within('a new cluster in status', async () => {
      const clusterId = (await bed.get<DatabricksCluster>(CLUSTERS, 'deleted'))?.status?.clusterId;
      return clusterId !== undefined && clusterId !== gone ? true : undefined;
    });
    expect(bed.fake.requestCount('clusters/create')).toBe(2);
  });

  it('imports again a notebook and uploads again a DBFS file replaced in the UI', async () => {
    const source = 'print("ours")\n';
    await createNotebook('replaced', { content: base64(source) });
    await createFile('replaced', { contents: base64('ours=1') });
    const notebook = await bed.waitForCondition<DatabricksNotebook>(NOTEBOOKS, 'replaced');
    await bed.waitForCondition(DBFS_FILES, 'replaced');

    // Deleted and imported anew: another object at the path, with another object ID.
    const path = '/Shared/drift/replaced';
    await bed.fake.ui.call('workspace/delete', { path });
    await bed.fake.ui.call('workspace/import', {
      path,
      format: 'SOURCE',
      language: 'PYTHON',
      content: base64('print("theirs")\n'),
    });
    await bed.fake.ui.call('dbfs/put', {
      path: '/FileStore/drift/replaced.conf',
      contents: base64('theirs=2'),
      overwrite: true,
    });

    await within('the notebook holding the spec source again', async () =>
      workspace().notebookSource(path) === source ? true : undefined,
    );
    const dbfs = bed.fake.service<DbfsService>('dbfs');
    await within('the DBFS file holding the spec contents again', async () =>
      dbfs.fileContent('/FileStore/drift/replaced.conf')?.toString() === 'ours=1' ? true : undefined,
    );
    // Status names the object now at the path, not the one that was replaced.
    await within('status naming the object now at the path', async () => {
      const after = await bed.get<DatabricksNotebook>(NOTEBOOKS, 'replaced');
      return after?.status?.objectId !== notebook.status?.objectId ? true : undefined;
    });
  });

  it('takes a ConfigMap key added or changed, and a rotated Secret value, from the next resync', async () => {
    await putConfigMap(bed, 'sources', { data: { 'app.conf': 'level=info' } });
    await putKubeSecret(bed, 'values', { password: 'before' });
    await createNotebook('later', { contentFrom: { configMapKeyRef: { name: 'sources', key: 'later.py' } } });
    await createFile('settings', { contentsFrom: { configMapKeyRef: { name: 'sources', key: 'app.conf' } } });
    await bed.create(SCOPES, 'DatabricksSecretScope', 'rotating', {
      workspaceRef: { name: 'ws' },
      secrets: [{ key: 'password', valueFrom: { secretKeyRef: { name: 'values', key: 'password' } } }],
    });
    await bed.waitForCondition(NOTEBOOKS, 'later', { status: 'False', reason: 'WaitingForDependency' });
    await bed.waitForCondition(DBFS_FILES, 'settings');
    const scope = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'rotating');
    const scopeName = scope.status?.scopeName ?? '';

    // The not-ready backoff is an hour: only the resync can pick up the key.
    await putConfigMap(bed, 'sources', {
      data: { 'app.conf': 'level=debug', 'later.py': 'print("later")\n' },
    });
    await putKubeSecret(bed, 'values', { password: 'after' });

    await within('the notebook imported from the key added', async () =>
      workspace().notebookSource('/Shared/drift/later') === 'print("later")\n' ? true : undefined,
    );
    await within('the DBFS file with the changed value', async () => {
      const file = await bed.get<DatabricksDbfsFile>(DBFS_FILES, 'settings');
      return file?.status?.contentHash === sha256('level=debug') ? true : undefined;
    });
    await within('the rotated value in the secret scope', async () =>
      fakeScope(bed, scopeName)?.secrets.password === sha256('after') ? true : undefined,
    );
  });

  it('uses a workspace token rotated in its Secret from the next resync, before the old one is revoked', async () => {
    const [job] = await createJobs(1);
    await putKubeSecret(bed, 'databricks-token', { token: ROTATED_TOKEN });
    await within('the workspace verified with the rotated token', async () => {
      const workspace = await bed.get<KubeObject & { status?: { conditions?: { message?: string }[] } }>(
        WORKSPACES,
        'ws',
      );
      return workspace?.status?.conditions?.[0]?.message?.startsWith('authenticated as rotated@example.com')
        ? true
        : undefined;
    });
    bed.fake.configureAuth({ tokens: { [ROTATED_TOKEN]: 'rotated@example.com' } });
    bed.fake.clearRequests();

    await bed.fake.ui.updateJob(job.status?.jobId ?? 0, { max_concurrent_runs: 3 });
    await within('the job put back with the rotated token', async () =>
      (await remoteJob(bed.fake, job.status?.jobId))?.settings.max_concurrent_runs === 1 ? true : undefined,
    );
    const refused = Object.entries(bed.fake.requestCounts()).filter(([key]) => key.endsWith(' 401'));
    expect(refused).toEqual([]);
    expect(bed.fake.requests({ endpoint: 'jobs/reset' }).map((request) => request.principal)).toEqual([
      'rotated@example.com',
    ]);
  });
});

describe('Drift made in Databricks, with the default resync period', () => {
  const defaults = parseRuntimeConfig([], {});
  const bed = useOperatorTestBed('drift-default', {
    operator: {
      config: { resyncPeriodMs: defaults.resyncPeriodMs, slowResyncPeriodMs: defaults.slowResyncPeriodMs },
    },
  });

  it('puts back a job edited in the UI at the next resync, which is under a minute away', async () => {
    await bed.create(
      JOBS,
      'DatabricksJob',
      'nightly',
      jobSpec({ tasks: [notebookTask('a')], max_concurrent_runs: 1 }),
    );
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'nightly');
    await bed.fake.ui.updateJob(job.status?.jobId ?? 0, { max_concurrent_runs: 4 });
    const editedAt = Date.now();
    const seen = bed.fake.requests().length;
    // The resync comes 45 to 50 s after the operator started; a loaded machine may take a while more to
    // put the job back, which the wait allows: what is asserted is that the first look was enough.
    await pollUntil(
      'the edit put back',
      async () =>
        (await remoteJob(bed.fake, job.status?.jobId))?.settings.max_concurrent_runs === 1 ? true : undefined,
      { timeoutMs: 75_000, intervalMs: 200 },
    );
    if (process.env.TEST_FIGURES) console.log(`put back after ${Date.now() - editedAt} ms`);
    const since = bed.fake.requests().slice(seen);
    const reset = since.findIndex((request) => request.endpoint === 'jobs/reset');
    const looks = since
      .slice(0, reset)
      .filter((request) => request.endpoint === 'jobs/get' || request.endpoint === 'jobs/list');
    expect(reset).toBeGreaterThanOrEqual(0);
    // One read of the job at most between the edit and the reset (none when it came just before `seen`).
    expect(looks.length).toBeLessThanOrEqual(1);
  }, 100_000);
});

/** Waits for `count` more resyncs of the DatabricksJob informer, seen by the jobs listing each one reads. */
async function resyncs(bed: OperatorTestBed, count: number): Promise<void> {
  const start = bed.fake.requestCount('jobs/list');
  await pollUntil(`${count} more resyncs`, async () =>
    bed.fake.requestCount('jobs/list') >= start + count ? true : undefined,
  );
}
