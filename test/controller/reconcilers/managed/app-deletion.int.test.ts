/**
 * Deleting a whole app at once: the DatabricksWorkspace and its Secret go with everything else (what
 * `kubectl delete -f app.yaml --wait=false`, an Argo CD app deletion or a prune, and a namespace deletion
 * do). The workspace and the Secret must outlast the objects that need them, so that Databricks ends up
 * holding nothing for deletionPolicy Delete, a paused job for Pause, and Retain's job untouched; and the
 * API server must end up holding nothing at all.
 */
import { RESOURCES, useOperatorTestBed } from '../../operator-test-bed.js';
import {
  APP_OBJECTS,
  QUICK_TIMING,
  SCHEDULE,
  WORKSPACE_SECRET,
  appIds,
  deleteApp,
  deployApp,
  leftInDatabricks,
  namespaceEvents,
  waitForAppGone,
  type AppInDatabricks,
} from './app-fixtures.js';

describe('Deleting an app, its workspace and its Secret at once', () => {
  const bed = useOperatorTestBed('app-delete', { fake: { timing: QUICK_TIMING } });

  beforeEach(() => bed.fake.setTiming(QUICK_TIMING));

  /** What every way of deleting the app must leave in Databricks. */
  async function expectCleanedUp(ids: AppInDatabricks): Promise<void> {
    const left = await leftInDatabricks(bed, ids);
    expect(left.jobs.etl).toBeUndefined();
    // Pause: the job and its history stay, and nothing starts it any more.
    expect(left.jobs.nightly?.settings['schedule']).toEqual({ ...SCHEDULE, pause_status: 'PAUSED' });
    // Retain: not touched at all, its schedule still running.
    expect(left.jobs.archive?.settings['schedule']).toEqual(SCHEDULE);
    expect(left.run).toMatchObject({ life_cycle_state: 'TERMINATED', result_state: 'CANCELED' });
    expect(left.cluster).toBe(false);
    expect(left.scope).toBeUndefined();
    expect(left.notebook).toBeUndefined();
    expect(left.file).toBeUndefined();
  }

  it('with the controller running: cleans up everything in Databricks, then lets the workspace and the Secret go', async () => {
    await deployApp(bed);
    const ids = await appIds(bed);
    const secret = await bed.kube.readSecret(bed.namespace, WORKSPACE_SECRET);
    expect(secret?.metadata?.finalizers).toEqual(['databricks.operator.dev/workspace-ws']);

    await deleteApp(bed);
    await waitForAppGone(bed);

    await expectCleanedUp(ids);
    const events = await namespaceEvents(bed);
    expect(events.filter((event) => event.includes(' Orphaned: '))).toEqual([]);
    expect(events).toContainEqual(
      expect.stringMatching(/^DatabricksWorkspace\/ws Released: no object needs this workspace any more/),
    );
    expect(bed.fake.requestCount('jobs/update', 200)).toBe(1);
    // The run (of job etl) ended CANCELED, as expectCleanedUp checked: cancelled by its own cleanup, or
    // by the deletion of etl when that came first (Databricks cancels a deleted job's runs), never twice.
    expect(bed.fake.requestCount('jobs/runs/cancel', 200)).toBeLessThanOrEqual(1);
  });

  it('with the controller stopped before the delete and started after: the same, with no client left in memory', async () => {
    await deployApp(bed);
    const ids = await appIds(bed);
    await bed.stopOperator();

    await deleteApp(bed);
    // Nothing runs: the finalizers hold every object, the workspace and its Secret.
    const secret = await bed.kube.readSecret(bed.namespace, WORKSPACE_SECRET);
    expect(secret?.metadata?.deletionTimestamp).toBeDefined();
    expect(secret?.data?.['token']).toBeDefined();
    expect(await bed.get(RESOURCES.DatabricksWorkspace, 'ws')).toBeDefined();

    await bed.startOperator();
    await waitForAppGone(bed);
    await expectCleanedUp(ids);
    const events = await namespaceEvents(bed);
    expect(events.filter((event) => event.includes(' Orphaned: '))).toEqual([]);
  });

  it('when its namespace is deleted: every object of the namespace deleted at once, as the namespace controller does', async () => {
    await deployApp(bed);
    const ids = await appIds(bed);
    const { namespace } = bed;

    // The local control plane has no namespace controller: mark the namespace terminating (no new
    // objects, no Events, from then on), then delete every object in it, kind by kind, at once.
    await bed.kube.core.deleteNamespace({ name: namespace });
    await Promise.all([
      ...[...new Set(['DatabricksWorkspace', ...APP_OBJECTS.map(([kind]) => kind)] as const)].map((kind) =>
        bed.kube.custom.deleteCollectionNamespacedCustomObject({ ...RESOURCES[kind], namespace }),
      ),
      bed.kube.core.deleteCollectionNamespacedSecret({ namespace }),
      bed.kube.core.deleteCollectionNamespacedConfigMap({ namespace }),
    ]);

    await waitForAppGone(bed);
    await expectCleanedUp(ids);
  });
});
