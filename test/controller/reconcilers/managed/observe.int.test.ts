import type { DatabricksCluster } from '../../../../controller/reconcilers/cluster/cluster.js';
import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { RESOURCES, useOperatorTestBed } from '../../operator-test-bed.js';
import { CLUSTERS, QUICK_CLUSTERS, clusterSettings, clusterSpec } from '../cluster/cluster-fixtures.js';
import { JOBS, jobSpec, notebookTask, remoteJob } from '../job/job-fixtures.js';

/** Every request that changes something in Databricks. */
const writesTo = (requests: readonly { method: string; endpoint: string }[]) =>
  requests.filter((request) => request.method !== 'GET').map((request) => request.endpoint);

const condition = (
  object: { status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } },
  type: string,
) => object.status?.conditions?.find((c) => c.type === type);

describe('managementPolicy Observe: read and report, never write', () => {
  const bed = useOperatorTestBed('observe', {
    fake: { timing: QUICK_CLUSTERS },
    // Resyncs come quickly, so a change made in the UI is seen within the test.
    operator: { config: { resyncPeriodMs: 500 } },
  });

  it('observes a job made in the UI: its ID and InSync in status, its drift by field, no write, kept on delete', async () => {
    const settings = { name: 'made by hand', tasks: [notebookTask('ingest')], tags: { team: 'data' } };
    const { job_id: jobId } = (await bed.fake.ui.call('jobs/create', settings)) as { job_id: number };
    bed.fake.clearRequests();

    await bed.create(
      JOBS,
      'DatabricksJob',
      'watched',
      jobSpec(settings, { jobId, managementPolicy: 'Observe', deletionPolicy: 'Delete' }),
    );
    const observed = await bed.waitForCondition<DatabricksJob>(JOBS, 'watched', { type: 'InSync' });
    expect(observed.status).toMatchObject({ jobId, driftedFields: [] });
    expect(condition(observed, 'Ready')).toMatchObject({ status: 'True', reason: 'Observed' });

    await bed.fake.ui.call('jobs/update', { job_id: jobId, new_settings: { max_concurrent_runs: 3 } });
    const drifted = await bed.waitForCondition<DatabricksJob>(JOBS, 'watched', {
      type: 'InSync',
      status: 'False',
      reason: 'Drifted',
    });
    expect(drifted.status?.driftedFields).toEqual(['max_concurrent_runs']);
    expect(condition(drifted, 'InSync')).toMatchObject({
      message: `job ${jobId} differs from spec.settings in max_concurrent_runs`,
    });

    await bed.delete(JOBS, 'watched');
    await bed.waitForGone(JOBS, 'watched');
    expect(writesTo(bed.fake.requests())).toEqual([]);
    const remote = await remoteJob(bed.fake, jobId);
    expect(remote?.settings.max_concurrent_runs).toBe(3);
    // Never marked: the job is still nobody's.
    expect(remote?.settings.tags).toEqual({ team: 'data' });
  });

  it('says a job to observe that does not exist is not found, and creates nothing', async () => {
    await bed.create(
      JOBS,
      'DatabricksJob',
      'missing',
      jobSpec(
        { name: 'nowhere', tasks: [notebookTask('a')] },
        { jobId: 424242, managementPolicy: 'Observe' },
      ),
    );
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'missing', {
      status: 'False',
      reason: 'JobNotFound',
    });
    expect(condition(job, 'Ready')).toMatchObject({
      message: expect.stringMatching(
        /^spec\.jobId: job 424242 does not exist in .*; managementPolicy Observe never creates one/,
      ),
    });
    expect(writesTo(bed.fake.requests())).toEqual([]);
  });

  it('takes a job over with a marker-only write once the policy becomes Manage', async () => {
    const settings = { name: 'to manage', tasks: [notebookTask('a')] };
    const { job_id: jobId } = (await bed.fake.ui.call('jobs/create', settings)) as { job_id: number };
    await bed.create(
      JOBS,
      'DatabricksJob',
      'switched',
      jobSpec(settings, { jobId, managementPolicy: 'Observe' }),
    );
    await bed.waitForCondition<DatabricksJob>(JOBS, 'switched', { type: 'InSync' });
    expect(writesTo(bed.fake.requests())).toEqual([]);
    bed.fake.clearRequests();

    await bed.patchSpec(JOBS, 'switched', { managementPolicy: 'Manage' });
    await pollUntil('the job is marked', async () =>
      (await remoteJob(bed.fake, jobId))?.settings.tags?.['k8s-owner'] === `${bed.namespace}/switched`
        ? true
        : undefined,
    );
    const managed = await bed.waitForCondition<DatabricksJob>(JOBS, 'switched');
    expect(condition(managed, 'Ready')?.reason).not.toBe('Observed');
    expect(writesTo(bed.fake.requests())).toEqual(['jobs/update']);
  });

  it('observes a cluster: settings and state compared with the spec, nothing started, edited or terminated', async () => {
    const settings = clusterSettings('observed cluster', { custom_tags: { team: 'data' } });
    const { cluster_id: clusterId } = (await bed.fake.ui.call('clusters/create', settings)) as {
      cluster_id: string;
    };
    bed.fake.clearRequests();
    await bed.create(
      CLUSTERS,
      'DatabricksCluster',
      'watched-cluster',
      clusterSpec(settings, { clusterId, managementPolicy: 'Observe', state: 'Terminated' }),
    );
    // The cluster runs (or is starting), and spec.state asks Terminated: observed, not done.
    const drifted = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'watched-cluster', {
      type: 'InSync',
      status: 'False',
      reason: 'Drifted',
    });
    expect(drifted.status).toMatchObject({ clusterId, driftedFields: ['state'] });
    expect(condition(drifted, 'Ready')).toMatchObject({ status: 'True', reason: 'Observed' });

    await bed.patchSpec(CLUSTERS, 'watched-cluster', { state: 'Running' });
    const inSync = await bed.waitForCondition<DatabricksCluster>(CLUSTERS, 'watched-cluster', {
      type: 'InSync',
    });
    expect(inSync.status?.driftedFields).toEqual([]);
    await bed.delete(CLUSTERS, 'watched-cluster');
    await bed.waitForGone(CLUSTERS, 'watched-cluster');
    expect(writesTo(bed.fake.requests())).toEqual([]);
  });

  it('observes content at a path and a secret scope: drift by field, nothing imported, uploaded or put', async () => {
    const source = '# Databricks notebook source\nprint("observed")\n';
    await bed.fake.ui.call('workspace/mkdirs', { path: '/Shared/watched' });
    await bed.fake.ui.call('workspace/import', {
      path: '/Shared/watched/nb',
      language: 'PYTHON',
      format: 'SOURCE',
      content: Buffer.from(source).toString('base64'),
    });
    await bed.fake.ui.call('dbfs/put', {
      path: '/FileStore/watched.json',
      contents: Buffer.from('{}\n').toString('base64'),
      overwrite: true,
    });
    await bed.fake.ui.call('secrets/scopes/create', { scope: 'watched-scope' });
    await bed.fake.ui.call('secrets/put', { scope: 'watched-scope', key: 'token', string_value: 'v' });
    await bed.fake.ui.call('secrets/acls/put', {
      scope: 'watched-scope',
      principal: 'data',
      permission: 'READ',
    });
    bed.fake.clearRequests();

    const observe = { workspaceRef: { name: 'ws' }, managementPolicy: 'Observe' };
    await bed.create(RESOURCES.DatabricksNotebook, 'DatabricksNotebook', 'nb', {
      ...observe,
      path: '/Shared/watched/nb',
      language: 'PYTHON',
      content: Buffer.from(source).toString('base64'),
    });
    await bed.create(RESOURCES.DatabricksDbfsFile, 'DatabricksDbfsFile', 'file', {
      ...observe,
      path: '/FileStore/watched.json',
      contents: Buffer.from('{"other": true}\n').toString('base64'),
    });
    await bed.create(RESOURCES.DatabricksSecretScope, 'DatabricksSecretScope', 'scope', {
      ...observe,
      scopeName: 'watched-scope',
      secrets: [
        { key: 'token', value: 'v' },
        { key: 'missing', value: 'w' },
      ],
      // Its creator got MANAGE, as Databricks gives it.
      acls: [
        { principal: 'data', permission: 'READ' },
        { principal: bed.fake.userName, permission: 'MANAGE' },
      ],
    });

    const notebook = await bed.waitForCondition(RESOURCES.DatabricksNotebook, 'nb', { type: 'InSync' });
    expect(notebook.status).toMatchObject({ path: '/Shared/watched/nb', driftedFields: [] });
    const file = await bed.waitForCondition(RESOURCES.DatabricksDbfsFile, 'file', {
      type: 'InSync',
      status: 'False',
      reason: 'Drifted',
    });
    expect(file.status).toMatchObject({ driftedFields: ['contents'] });
    const scope = await bed.waitForCondition(RESOURCES.DatabricksSecretScope, 'scope', {
      type: 'InSync',
      status: 'False',
      reason: 'Drifted',
    });
    expect(scope.status).toMatchObject({ driftedFields: ['secrets[missing]'] });
    expect(scope.status).not.toHaveProperty('scopeName');

    await bed.fake.ui.call('workspace/import', {
      path: '/Shared/watched/nb',
      language: 'PYTHON',
      format: 'SOURCE',
      overwrite: true,
      content: Buffer.from('print("changed")\n').toString('base64'),
    });
    const changed = await bed.waitForCondition(RESOURCES.DatabricksNotebook, 'nb', {
      type: 'InSync',
      status: 'False',
      reason: 'Drifted',
    });
    expect(changed.status).toMatchObject({ driftedFields: ['content'] });

    for (const [resource, name] of [
      [RESOURCES.DatabricksNotebook, 'nb'],
      [RESOURCES.DatabricksDbfsFile, 'file'],
      [RESOURCES.DatabricksSecretScope, 'scope'],
    ] as const) {
      await bed.delete(resource, name);
      await bed.waitForGone(resource, name);
    }
    expect(writesTo(bed.fake.requests())).toEqual([]);
    expect(await bed.fake.ui.call('secrets/list', { scope: 'watched-scope' })).toEqual({
      secrets: [expect.objectContaining({ key: 'token' })],
    });
  });
});
