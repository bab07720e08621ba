/**
 * Applying an app again after its objects were deleted with deletionPolicy Retain or Pause (or orphaned):
 * what an earlier object of the same namespace and name left in Databricks is taken back by the new
 * object, with an Event saying so, instead of a second copy being made next to it.
 */
import type { DatabricksCluster } from '../../../../controller/reconcilers/cluster/cluster.js';
import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import type { DatabricksSecretScope } from '../../../../controller/reconcilers/secret-scope/secret-scope.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { RESOURCES, useOperatorTestBed } from '../../operator-test-bed.js';
import { namespaceEvents } from './app-fixtures.js';
import {
  QUICK_CLUSTERS,
  clusterService,
  clusterSettings,
  clusterSpec,
  remoteCluster,
} from '../cluster/cluster-fixtures.js';
import { JOBS, allRemoteJobs, jobSpec, notebookTask, remoteJob } from '../job/job-fixtures.js';
import { fakeScope, sha256 } from '../secret-scope/secret-scope-fixtures.js';

const SCHEDULE = { quartz_cron_expression: '0 0 2 * * ?', timezone_id: 'UTC', pause_status: 'UNPAUSED' };

describe('Applying an object again after an earlier one of its name left its Databricks object behind', () => {
  const bed = useOperatorTestBed('reclaim', { fake: { timing: QUICK_CLUSTERS } });

  beforeEach(() => bed.fake.setTiming(QUICK_CLUSTERS));

  /** Creates the object, waits for Ready, deletes it and waits until it is gone; returns it as it was. */
  async function createThenDelete<T extends { metadata: { uid?: string } }>(
    resource: (typeof RESOURCES)[keyof typeof RESOURCES],
    kind: Parameters<typeof bed.create>[1],
    name: string,
    spec: unknown,
  ): Promise<T> {
    await bed.create(resource, kind, name, spec);
    const object = await bed.waitForCondition<T & { metadata: { name: string } }>(resource, name);
    await bed.delete(resource, name);
    await bed.waitForGone(resource, name);
    return object;
  }

  it('takes back the job a Retain delete left, keeping its ID, with a Reclaimed Event and its marker moved to the new object', async () => {
    const spec = jobSpec(
      { name: 'etl', schedule: SCHEDULE, tasks: [notebookTask('a')] },
      { deletionPolicy: 'Retain' },
    );
    const first = await createThenDelete<DatabricksJob>(JOBS, 'DatabricksJob', 'etl', spec);
    const jobId = first.status?.jobId;

    await bed.create(JOBS, 'DatabricksJob', 'etl', spec);
    const second = await bed.waitForCondition<DatabricksJob>(JOBS, 'etl');
    expect(second.status?.jobId).toBe(jobId);
    expect(await allRemoteJobs(bed.fake)).toHaveLength(1);
    expect(bed.fake.requestCount('jobs/create')).toBe(1);
    expect((await remoteJob(bed.fake, jobId))?.settings.tags).toEqual({
      'k8s-owner': `${bed.namespace}/etl`,
      'k8s-owner-uid': second.metadata.uid,
    });
    expect(await namespaceEvents(bed)).toContain(
      `DatabricksJob/etl Reclaimed: took back job ${jobId}, left in Databricks by an earlier DatabricksJob ` +
        `${bed.namespace}/etl (uid ${first.metadata.uid}), instead of creating a copy; reset it to spec.settings ` +
        `and marked it as this object's`,
    );
  });

  it('takes back a job that a Pause delete paused, and runs it on its schedule again', async () => {
    const spec = jobSpec({ schedule: SCHEDULE, tasks: [notebookTask('a')] }, { deletionPolicy: 'Pause' });
    const first = await createThenDelete<DatabricksJob>(JOBS, 'DatabricksJob', 'nightly', spec);
    const jobId = first.status?.jobId;
    expect((await remoteJob(bed.fake, jobId))?.settings['schedule']).toMatchObject({
      pause_status: 'PAUSED',
    });

    await bed.create(JOBS, 'DatabricksJob', 'nightly', spec);
    const second = await bed.waitForCondition<DatabricksJob>(JOBS, 'nightly');
    expect(second.status?.jobId).toBe(jobId);
    expect((await remoteJob(bed.fake, jobId))?.settings['schedule']).toEqual(SCHEDULE);
    expect(await allRemoteJobs(bed.fake)).toHaveLength(1);
  });

  it('does not take a job left by an object of another name: that one gets a job of its own', async () => {
    const spec = (extra = {}) => jobSpec({ name: 'shared-name', tasks: [notebookTask('a')] }, extra);
    const first = await createThenDelete<DatabricksJob>(
      JOBS,
      'DatabricksJob',
      'old',
      spec({ deletionPolicy: 'Retain' }),
    );

    await bed.create(JOBS, 'DatabricksJob', 'new', spec());
    const other = await bed.waitForCondition<DatabricksJob>(JOBS, 'new');
    expect(other.status?.jobId).not.toBe(first.status?.jobId);
    expect(await allRemoteJobs(bed.fake)).toHaveLength(2);
    expect((await remoteJob(bed.fake, first.status?.jobId))?.settings.tags?.['k8s-owner-uid']).toBe(
      first.metadata.uid,
    );
  });

  it('takes back the cluster a Retain delete left, and moves its marker to the new object', async () => {
    const spec = clusterSpec(clusterSettings('shared'), { deletionPolicy: 'Retain' });
    const first = await createThenDelete<DatabricksCluster>(
      RESOURCES.DatabricksCluster,
      'DatabricksCluster',
      'shared',
      spec,
    );
    const clusterId = first.status?.clusterId;

    await bed.create(RESOURCES.DatabricksCluster, 'DatabricksCluster', 'shared', spec);
    const second = await bed.waitForCondition<DatabricksCluster>(RESOURCES.DatabricksCluster, 'shared');
    expect(second.status?.clusterId).toBe(clusterId);
    const clusters = clusterService(bed.fake).snapshot() as { cluster_id: string }[];
    expect(clusters.map((cluster) => cluster.cluster_id)).toEqual([clusterId]);
    await pollUntil('the cluster to carry the new marker', async () =>
      (await remoteCluster(bed.fake, clusterId))?.custom_tags?.['k8s-owner-uid'] === second.metadata.uid
        ? true
        : undefined,
    );
    expect(await namespaceEvents(bed)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^DatabricksCluster/shared Reclaimed: took back cluster ${clusterId}, left in Databricks by an earlier DatabricksCluster ${bed.namespace}/shared \\(uid ${first.metadata.uid}\\)`,
        ),
      ),
    );
  });

  it('takes back a secret scope of its default name that a Retain delete left, but not one of a name given in spec.scopeName', async () => {
    const spec = (extra = {}) => ({
      workspaceRef: { name: 'ws' },
      deletionPolicy: 'Retain',
      secrets: [{ key: 'password', value: 'v1' }],
      ...extra,
    });
    const SCOPES = RESOURCES.DatabricksSecretScope;
    const first = await createThenDelete<DatabricksSecretScope>(
      SCOPES,
      'DatabricksSecretScope',
      'creds',
      spec(),
    );
    const scopeName = first.status?.scopeName ?? '';
    expect(scopeName).toBe(`${bed.namespace}.creds`);

    await bed.create(
      SCOPES,
      'DatabricksSecretScope',
      'creds',
      spec({ secrets: [{ key: 'password', value: 'v2' }] }),
    );
    const second = await bed.waitForCondition<DatabricksSecretScope>(SCOPES, 'creds');
    expect(second.status?.scopeName).toBe(scopeName);
    expect(fakeScope(bed, scopeName)?.secrets).toEqual({ password: sha256('v2') });
    expect(bed.fake.requestCount('secrets/scopes/create')).toBe(1);
    expect(await namespaceEvents(bed)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^DatabricksSecretScope/creds Reclaimed: took back secret scope ${scopeName.replace('.', '\\.')},`,
        ),
      ),
    );

    // A name chosen in the spec could be anyone's: it still takes spec.adopt.
    await createThenDelete(SCOPES, 'DatabricksSecretScope', 'named', spec({ scopeName: 'team-named' }));
    await bed.create(SCOPES, 'DatabricksSecretScope', 'named', spec({ scopeName: 'team-named' }));
    await bed.waitForCondition(SCOPES, 'named', { status: 'False', reason: 'ScopeExists' });
  });
});
