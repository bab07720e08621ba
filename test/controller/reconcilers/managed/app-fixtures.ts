/**
 * An app as a user deploys it (`kubectl apply -f app.yaml`): the test bed's DatabricksWorkspace `ws` and
 * its Secret, and around them a scheduled job for each deletion policy, a run of the Delete job still
 * going, a secret scope, a notebook, an all-purpose cluster and a DBFS file. The lifecycle tests delete
 * it in the ways an app goes away and look at what is left in Databricks and on the API server.
 */
import type { EventsV1Event } from '@kubernetes/client-node';
import type { DatabricksKind } from '../../../../lib/crds/index.js';
import type { DatabricksRun } from '../../../../controller/reconcilers/run/run.js';
import { isNotFound, type ResourceType } from '../../../../controller/runtime/kube-client.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import type { DbfsService } from '../../../fake-databricks/dbfs.js';
import type { WorkspaceService } from '../../../fake-databricks/workspace.js';
import { RESOURCES, type OperatorTestBed } from '../../operator-test-bed.js';
import { QUICK_CLUSTERS, clusterService, clusterSettings } from '../cluster/cluster-fixtures.js';
import { allRemoteJobs, notebookTask, type RemoteJob } from '../job/job-fixtures.js';
import { fakeScope } from '../secret-scope/secret-scope-fixtures.js';

/** The Secret the test bed's workspace `ws` reads its token from. */
export const WORKSPACE_SECRET = 'databricks-token';

/** A schedule that starts runs on its own until something pauses it. */
export const SCHEDULE = {
  quartz_cron_expression: '0 0 2 * * ?',
  timezone_id: 'UTC',
  pause_status: 'UNPAUSED',
};

export const NOTEBOOK_PATH = '/Shared/app/ingest';
export const DBFS_PATH = '/FileStore/app/config.json';

/** Runs, clusters and cancels quick enough that a whole app comes and goes in seconds. */
export const QUICK_TIMING = {
  runPendingMs: 50,
  taskRunningMs: 150,
  runTerminatingMs: 200,
  ...QUICK_CLUSTERS,
};

/** Every object of the app but the workspace, by kind and name, in the order `kubectl apply` would list them. */
export const APP_OBJECTS: readonly (readonly [DatabricksKind, string])[] = [
  ['DatabricksJob', 'etl'],
  ['DatabricksJob', 'nightly'],
  ['DatabricksJob', 'archive'],
  ['DatabricksRun', 'backfill'],
  ['DatabricksSecretScope', 'creds'],
  ['DatabricksNotebook', 'ingest'],
  ['DatabricksCluster', 'shared'],
  ['DatabricksDbfsFile', 'config'],
];

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** A scheduled job: `etl` runs a long task, so a run of it is still going when the app is deleted. */
function scheduledJob(name: string, deletionPolicy: string) {
  return {
    workspaceRef: { name: 'ws' },
    deletionPolicy,
    settings: {
      name,
      schedule: SCHEDULE,
      tasks: [notebookTask('main', name === 'etl' ? '/Shared/app/etl_SLEEP_60000' : `/Shared/app/${name}`)],
    },
  };
}

/** Creates the app and waits until every object is Ready and the run is RUNNING. */
export async function deployApp(bed: OperatorTestBed): Promise<void> {
  const ws = { workspaceRef: { name: 'ws' } };
  await bed.create(RESOURCES.DatabricksJob, 'DatabricksJob', 'etl', scheduledJob('etl', 'Delete'));
  await bed.create(RESOURCES.DatabricksJob, 'DatabricksJob', 'nightly', scheduledJob('nightly', 'Pause'));
  await bed.create(RESOURCES.DatabricksJob, 'DatabricksJob', 'archive', scheduledJob('archive', 'Retain'));
  await bed.create(RESOURCES.DatabricksRun, 'DatabricksRun', 'backfill', { ...ws, jobRef: { name: 'etl' } });
  await bed.create(RESOURCES.DatabricksSecretScope, 'DatabricksSecretScope', 'creds', {
    ...ws,
    secrets: [{ key: 'password', value: 'hunter2' }],
  });
  await bed.create(RESOURCES.DatabricksNotebook, 'DatabricksNotebook', 'ingest', {
    ...ws,
    path: NOTEBOOK_PATH,
    language: 'PYTHON',
    content: base64('print("ingest")'),
  });
  await bed.create(RESOURCES.DatabricksCluster, 'DatabricksCluster', 'shared', {
    ...ws,
    settings: clusterSettings('shared'),
  });
  await bed.create(RESOURCES.DatabricksDbfsFile, 'DatabricksDbfsFile', 'config', {
    ...ws,
    path: DBFS_PATH,
    contents: base64('{"env":"prod"}'),
  });
  for (const [kind, name] of APP_OBJECTS) {
    if (kind !== 'DatabricksRun') await bed.waitForCondition(RESOURCES[kind], name);
  }
  await pollUntil('the backfill run to be RUNNING', async () => {
    const run = await bed.get<DatabricksRun>(RESOURCES.DatabricksRun, 'backfill');
    return run?.status?.lifeCycleState === 'RUNNING' ? run : undefined;
  });
}

/** What the app made in Databricks, read from the fake (IDs from status, so read before deleting). */
export interface AppInDatabricks {
  readonly jobs: Record<'etl' | 'nightly' | 'archive', number>;
  readonly runId: number;
  readonly clusterId: string;
  readonly scopeName: string;
}

/** The IDs the app's objects recorded in status. */
export async function appIds(bed: OperatorTestBed): Promise<AppInDatabricks> {
  const status = async (resource: ResourceType, name: string) =>
    (await bed.get<{ metadata: { name: string }; status?: Record<string, unknown> }>(resource, name))
      ?.status ?? {};
  const jobId = async (name: string) => (await status(RESOURCES.DatabricksJob, name)).jobId as number;
  return {
    jobs: { etl: await jobId('etl'), nightly: await jobId('nightly'), archive: await jobId('archive') },
    runId: (await status(RESOURCES.DatabricksRun, 'backfill')).runId as number,
    clusterId: (await status(RESOURCES.DatabricksCluster, 'shared')).clusterId as string,
    scopeName: (await status(RESOURCES.DatabricksSecretScope, 'creds')).scopeName as string,
  };
}

/**
 * Deletes the workspace, its Secret and every object of the app at once, as `kubectl delete -f app.yaml
 * --wait=false` does (a Secret already gone is skipped, as kubectl goes on past a NotFound).
 */
export async function deleteApp(bed: OperatorTestBed): Promise<void> {
  await Promise.all([
    bed.delete(RESOURCES.DatabricksWorkspace, 'ws'),
    bed.kube.core
      .deleteNamespacedSecret({ namespace: bed.namespace, name: WORKSPACE_SECRET })
      .catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      }),
    ...APP_OBJECTS.map(([kind, name]) => bed.delete(RESOURCES[kind], name)),
  ]);
}

/** Waits until the workspace, its Secret and every object of the app are gone from the API server. */
export async function waitForAppGone(bed: OperatorTestBed, timeoutMs = 30_000): Promise<void> {
  await pollUntil(
    'the app, its workspace and its Secret to be gone from the API server',
    async () => {
      const left: string[] = [];
      for (const [kind, name] of [['DatabricksWorkspace', 'ws'] as const, ...APP_OBJECTS]) {
        if (await bed.get(RESOURCES[kind], name)) left.push(`${kind} ${name}`);
      }
      if (await bed.kube.readSecret(bed.namespace, WORKSPACE_SECRET)) left.push(`Secret ${WORKSPACE_SECRET}`);
      if (left.length > 0) throw new Error(`still there: ${left.join(', ')}`);
      return true;
    },
    { timeoutMs },
  );
}

/** What is left of the app in Databricks. */
export async function leftInDatabricks(bed: OperatorTestBed, ids: AppInDatabricks) {
  const jobs = await allRemoteJobs(bed.fake);
  const job = (id: number): RemoteJob | undefined => jobs.find((candidate) => candidate.job_id === id);
  const run = (await bed.fake.ui.call('jobs/runs/get', { run_id: ids.runId })) as {
    state: { life_cycle_state: string; result_state?: string };
  };
  return {
    jobs: { etl: job(ids.jobs.etl), nightly: job(ids.jobs.nightly), archive: job(ids.jobs.archive) },
    run: run.state,
    cluster: clusterService(bed.fake).exists(ids.clusterId),
    scope: fakeScope(bed, ids.scopeName),
    notebook: bed.fake.service<WorkspaceService>('workspace').notebookSource(NOTEBOOK_PATH),
    file: bed.fake.service<DbfsService>('dbfs').fileContent(DBFS_PATH),
  };
}

/** The Events of the test namespace, as `kind/name reason: note`. */
export async function namespaceEvents(bed: OperatorTestBed): Promise<string[]> {
  const { items } = await bed.kube.events.listNamespacedEvent({ namespace: bed.namespace });
  return items.map(
    (event: EventsV1Event) =>
      `${event.regarding?.kind}/${event.regarding?.name} ${event.reason}: ${event.note ?? ''}`,
  );
}
