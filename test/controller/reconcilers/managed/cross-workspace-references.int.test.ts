/**
 * References across workspaces: an ID from one workspace means nothing in another, or names something
 * unrelated there. Here both DatabricksWorkspaces point at the same fake, so IDs do collide, as in the
 * report where a run started another workspace's job: the controller must refuse such a reference
 * (`InvalidReference`, naming both workspaces) before it calls Databricks at all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ARGOCD_HEALTH_MANIFEST_FILE, healthCheckKey } from '../../../../lib/argocd/health-checks.js';
import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import type { DatabricksRun } from '../../../../controller/reconcilers/run/run.js';
import { repositoryRoot } from '../../../control-plane/state-paths.js';
import { defaultFakeToken } from '../../../fake-databricks/index.js';
import { runHealthCheck } from '../../../lib/argocd-lua.js';
import { RESOURCES, useOperatorTestBed } from '../../operator-test-bed.js';
import { QUICK_CLUSTERS, clusterSettings } from '../cluster/cluster-fixtures.js';
import { JOBS, notebookTask } from '../job/job-fixtures.js';

const shipped = parse(readFileSync(join(repositoryRoot(), 'dist', ARGOCD_HEALTH_MANIFEST_FILE), 'utf8')) as {
  data: Record<string, string>;
};

describe('References across DatabricksWorkspaces', () => {
  const bed = useOperatorTestBed('cross-ws', { fake: { timing: QUICK_CLUSTERS } });

  /** A second workspace, `other`, over the same fake as `ws`. */
  beforeEach(async () => {
    bed.fake.setTiming(QUICK_CLUSTERS);
    await bed.kube.core.createNamespacedSecret({
      namespace: bed.namespace,
      body: { metadata: { name: 'other-token' }, stringData: { token: defaultFakeToken } },
    });
    await bed.create(RESOURCES.DatabricksWorkspace, 'DatabricksWorkspace', 'other', {
      host: bed.fake.url,
      insecureHttp: true,
      auth: { token: { secretKeyRef: { name: 'other-token', key: 'token' } } },
    });
    await bed.waitForCondition(RESOURCES.DatabricksWorkspace, 'other');
  });

  it('refuses a job whose task runs on a cluster of another workspace, and creates nothing', async () => {
    await bed.create(RESOURCES.DatabricksCluster, 'DatabricksCluster', 'theirs', {
      workspaceRef: { name: 'other' },
      settings: clusterSettings('theirs'),
    });
    await bed.waitForCondition(RESOURCES.DatabricksCluster, 'theirs');
    const { task_key, notebook_task } = notebookTask('a');
    await bed.create(JOBS, 'DatabricksJob', 'etl', {
      workspaceRef: { name: 'ws' },
      settings: { tasks: [{ task_key, notebook_task, existing_cluster_ref: { name: 'theirs' } }] },
    });

    const refused = await bed.waitForCondition<DatabricksJob>(JOBS, 'etl', {
      status: 'False',
      reason: 'InvalidReference',
    });
    expect(refused.status?.conditions?.find((c) => c.type === 'Ready')?.message).toBe(
      'spec.settings.tasks[a].existing_cluster_ref: DatabricksCluster theirs is in DatabricksWorkspace other, ' +
        'but this DatabricksJob is in DatabricksWorkspace ws; a reference must stay inside one workspace ' +
        '(an ID of other means nothing, or something else, in ws): refer to a DatabricksCluster of ws, ' +
        'or move this DatabricksJob to other',
    );
    expect(bed.fake.requestCount('jobs/create')).toBe(0);
    expect(runHealthCheck(shipped.data[healthCheckKey('DatabricksJob')], refused)).toEqual({
      status: 'Degraded',
      message: expect.stringMatching(/^InvalidReference: spec\.settings\.tasks\[a\]\.existing_cluster_ref: /),
    });
  });

  it('refuses a run of a job of another workspace, and never calls run-now (that ID is another job there)', async () => {
    await bed.create(JOBS, 'DatabricksJob', 'etl', {
      workspaceRef: { name: 'ws' },
      settings: { tasks: [notebookTask('a')] },
    });
    await bed.waitForCondition(JOBS, 'etl');
    bed.fake.clearRequests();

    await bed.create(RESOURCES.DatabricksRun, 'DatabricksRun', 'now', {
      workspaceRef: { name: 'other' },
      jobRef: { name: 'etl' },
    });
    const refused = await bed.waitForCondition<DatabricksRun>(RESOURCES.DatabricksRun, 'now', {
      status: 'False',
      reason: 'InvalidReference',
    });
    expect(refused.status?.conditions?.find((c) => c.type === 'Ready')?.message).toContain(
      'spec.jobRef: DatabricksJob etl is in DatabricksWorkspace ws, but this DatabricksRun is in DatabricksWorkspace other',
    );
    expect(refused.status?.runId).toBeUndefined();
    expect(bed.fake.requests({ endpoint: 'jobs/run-now' })).toEqual([]);
    expect(runHealthCheck(shipped.data[healthCheckKey('DatabricksRun')], refused).status).toBe('Degraded');
  });
});
