/**
 * The one case where Databricks cannot be cleaned up: the workspace's credentials were deleted by hand
 * (the Secret deleted with the workspace's finalizer stripped from it). While the workspace is being
 * deleted as well, nobody will bring them back: its objects let go, each with a Warning naming what it
 * left in Databricks, so that the app's deletion finishes and nothing is left behind silently. While the
 * workspace stays, the Secret may come back, so they wait for it.
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import { DATABRICKS_FINALIZER } from '../../../../controller/runtime/finalizer.js';
import { defaultFakeToken } from '../../../fake-databricks/index.js';
import { RESOURCES, useOperatorTestBed } from '../../operator-test-bed.js';
import {
  QUICK_TIMING,
  WORKSPACE_SECRET,
  appIds,
  deleteApp,
  deployApp,
  leftInDatabricks,
  namespaceEvents,
  waitForAppGone,
} from './app-fixtures.js';
import { JOBS, remoteJob } from '../job/job-fixtures.js';

describe('Deleting objects whose workspace credentials were deleted by hand', () => {
  const bed = useOperatorTestBed('lost-creds', { fake: { timing: QUICK_TIMING } });

  beforeEach(() => bed.fake.setTiming(QUICK_TIMING));

  /** Deletes the workspace's Secret for good: its finalizer stripped first, as someone forcing it would. */
  async function deleteSecretByHand(): Promise<void> {
    await bed.kube.core.patchNamespacedSecret(
      { namespace: bed.namespace, name: WORKSPACE_SECRET, body: { metadata: { finalizers: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await bed.kube.core.deleteNamespacedSecret({ namespace: bed.namespace, name: WORKSPACE_SECRET });
  }

  it('lets every object go once the workspace is deleted too, each with a Warning naming what it left in Databricks', async () => {
    await deployApp(bed);
    const ids = await appIds(bed);
    // Stopped, so no client built from the old credentials survives in memory.
    await bed.stopOperator();
    await deleteSecretByHand();
    await deleteApp(bed);
    await bed.startOperator();

    await waitForAppGone(bed);
    const events = await namespaceEvents(bed);
    const why =
      `DatabricksWorkspace ws is being deleted and its credentials no longer work ` +
      `(SecretNotFound: Secret ${bed.namespace}/${WORKSPACE_SECRET} does not exist; create it with key "token" holding the credential)`;
    expect(events).toEqual(
      expect.arrayContaining([
        `DatabricksJob/etl Orphaned: ${why}, so job ${ids.jobs.etl} was left in Databricks`,
        `DatabricksJob/nightly Orphaned: ${why}, so job ${ids.jobs.nightly} was left in Databricks`,
        `DatabricksRun/backfill Orphaned: ${why}, so run ${ids.runId} could not be cancelled`,
        `DatabricksCluster/shared Orphaned: ${why}, so cluster ${ids.clusterId} was left in Databricks`,
        `DatabricksSecretScope/creds Orphaned: ${why}, so secret scope ${ids.scopeName} was left in Databricks`,
        `DatabricksNotebook/ingest Orphaned: ${why}, so /Shared/app/ingest was left in the workspace`,
        `DatabricksDbfsFile/config Orphaned: ${why}, so /FileStore/app/config.json was left in DBFS`,
      ]),
    );
    // The Retain job was to stay anyway: no Warning about it.
    expect(events.filter((event) => event.startsWith('DatabricksJob/archive Orphaned'))).toEqual([]);
    const left = await leftInDatabricks(bed, ids);
    expect(left.jobs.etl).toBeDefined();
    expect(left.scope).toBeDefined();
  });

  it('keeps an object waiting while its workspace is not being deleted, and cleans up once the Secret is back', async () => {
    await bed.create(JOBS, 'DatabricksJob', 'etl', {
      workspaceRef: { name: 'ws' },
      settings: { name: 'etl', tasks: [{ task_key: 'a', notebook_task: { notebook_path: '/Shared/a' } }] },
    });
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'etl');
    const jobId = job.status?.jobId;
    await bed.stopOperator();
    await deleteSecretByHand();
    await bed.delete(JOBS, 'etl');
    await bed.startOperator();

    await bed.waitForCondition(RESOURCES.DatabricksWorkspace, 'ws', {
      status: 'False',
      reason: 'SecretNotFound',
    });
    const waiting = await bed.waitForCondition<DatabricksJob>(JOBS, 'etl', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(waiting.metadata.finalizers).toContain(DATABRICKS_FINALIZER);
    expect(await remoteJob(bed.fake, jobId)).toBeDefined();

    await bed.kube.core.createNamespacedSecret({
      namespace: bed.namespace,
      body: { metadata: { name: WORKSPACE_SECRET }, stringData: { token: defaultFakeToken } },
    });
    await bed.waitForGone(JOBS, 'etl');
    expect(await remoteJob(bed.fake, jobId)).toBeUndefined();
    expect((await namespaceEvents(bed)).filter((event) => event.includes(' Orphaned: '))).toEqual([]);
  });
});
