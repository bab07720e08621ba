import { CoreV1Api } from '@kubernetes/client-node';
import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { testKubeConfig } from '../../../control-plane/test-cluster.js';
import { defaultFakeToken } from '../../../fake-databricks/index.js';
import type { PermissionsService } from '../../../fake-databricks/permissions.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import { JOBS, allRemoteJobs, createReadyJob, jobSpec, notebookTask, remoteJob } from './job-fixtures.js';

/** `count` user tags: with the two marker tags the controller adds, more than 25 once count > 23. */
const manyTags = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`tag${i}`, `value${i}`]));

describe('DatabricksJob reconciler: settings Databricks rejects, faults and rotated credentials', () => {
  const bed = useOperatorTestBed('job-faults');
  const ready = (job: DatabricksJob) => job.status?.conditions?.find((c) => c.type === 'Ready');

  it('says InvalidSettings with Databricks’ message and backs off instead of retrying in a loop', async () => {
    // The API server accepts 24 tags (the CRD allows 25); with the marker the job would have 26.
    await bed.create(
      JOBS,
      'DatabricksJob',
      'tagged',
      jobSpec({ tasks: [notebookTask('a')], tags: manyTags(24) }),
    );
    const rejected = await bed.waitForCondition<DatabricksJob>(JOBS, 'tagged', {
      status: 'False',
      reason: 'InvalidSettings',
    });
    expect(ready(rejected)?.message).toBe(
      'Databricks rejected the request: jobs/create: INVALID_PARAMETER_VALUE The job has 26 tags; at most 25 are allowed. ' +
        "spec.settings.tags has 24 tags and the controller adds 2 (k8s-owner, k8s-owner-uid) to mark the job as this object's: keep at most 23",
    );

    // The test bed's backoff starts at 200 ms and doubles with the time spent failing, up to 2 s: within
    // 4 s of the rejection, a handful of attempts. The window is read from the fake's log once an attempt
    // after its end has arrived, so a slow machine (which only spaces attempts out) cannot empty it.
    const from = Date.now();
    const until = from + 4_000;
    const creates = () => bed.fake.requests({ endpoint: 'jobs/create' });
    await pollUntil('an attempt after the 4 s window', async () =>
      creates().some((request) => request.time > until) ? true : undefined,
    );
    const attempts = creates().filter((request) => request.time >= from && request.time <= until).length;
    expect(attempts).toBeLessThanOrEqual(6);
    expect(await allRemoteJobs(bed.fake)).toHaveLength(0);
  });

  it('tries again at once when a rejected spec is fixed, not after the backoff', async () => {
    await bed.startOperator({ notReadyBackoff: { minMs: 60_000, maxMs: 60_000 } });
    const job = await createReadyJob(bed, 'fixable', { tasks: [notebookTask('a')] });
    bed.fake.clearRequests();

    const broken = [notebookTask('a'), { ...notebookTask('b'), depends_on: [{ task_key: 'nope' }] }];
    await bed.patchSpec(JOBS, 'fixable', { settings: { tasks: broken } });
    const rejected = await bed.waitForCondition<DatabricksJob>(JOBS, 'fixable', {
      status: 'False',
      reason: 'InvalidSettings',
    });
    expect(ready(rejected)?.message).toContain(
      "jobs/reset: INVALID_PARAMETER_VALUE Task b depends on 'nope'",
    );
    expect((await remoteJob(bed.fake, job.status?.jobId))?.settings.tasks).toHaveLength(1);

    const fixedAt = Date.now();
    const fixed = [notebookTask('a'), { ...notebookTask('b'), depends_on: [{ task_key: 'a' }] }];
    await bed.patchSpec(JOBS, 'fixable', { settings: { tasks: fixed } });
    // Half the minute of backoff: time enough for a loaded machine, too little for the backoff's retry.
    const updated = await bed.waitForCondition<DatabricksJob>(JOBS, 'fixable', {}, 30_000);
    expect(Date.now() - fixedAt).toBeLessThan(30_000);
    expect(updated.status?.jobId).toBe(job.status?.jobId);
    expect(bed.fake.requestCount('jobs/reset')).toBe(2);
    expect((await remoteJob(bed.fake, job.status?.jobId))?.settings.tasks).toHaveLength(2);
  }, 60_000);

  it('converges through storms of 429s and 503s without making a job twice', async () => {
    // The first creates are refused for certain, so each run sees a create that failed and was retried
    // (the random storm alone may leave every create untouched, as it did once in CI); the storm after
    // them hits lists, gets and the permission calls as well.
    bed.fake.setFaults([
      { endpoint: 'jobs/create', kind: 'rate-limit', times: 2 },
      { endpoint: 'jobs/create', kind: 'unavailable', times: 2 },
      { endpoint: 'jobs/*', kind: 'rate-limit', probability: 0.3 },
      { endpoint: 'jobs/*', kind: 'unavailable', probability: 0.2 },
      { endpoint: 'permissions/*', kind: 'rate-limit', probability: 0.3 },
    ]);
    const names = ['storm-a', 'storm-b', 'storm-c', 'storm-d', 'storm-e'];
    for (const name of names) {
      await bed.create(
        JOBS,
        'DatabricksJob',
        name,
        jobSpec(
          { tasks: [notebookTask('a')] },
          {
            permissions: {
              access_control_list: [{ group_name: 'data-eng', permission_level: 'CAN_VIEW' }],
            },
          },
        ),
      );
    }
    // Up to 40 s under load: the test has its own timeout, above the project's 30 s.
    const jobs = await Promise.all(
      names.map((name) => bed.waitForCondition<DatabricksJob>(JOBS, name, {}, 40_000)),
    );

    expect(bed.fake.requestCount('jobs/create', 429)).toBeGreaterThanOrEqual(2);
    expect(bed.fake.requestCount('jobs/create', 503)).toBeGreaterThanOrEqual(2);
    const remote = await allRemoteJobs(bed.fake);
    expect(remote).toHaveLength(names.length);
    expect(new Set(remote.map((job) => job.settings.tags?.['k8s-owner-uid']))).toEqual(
      new Set(jobs.map((job) => job.metadata.uid)),
    );
    expect(bed.fake.requestCount('jobs/create', 200)).toBe(names.length);
    for (const job of jobs) {
      const acl = bed.fake
        .service<PermissionsService>('permissions')
        .directAcl('jobs', String(job.status?.jobId))
        .map((entry) => entry.principal);
      expect(acl).toContain('data-eng');
    }
    bed.fake.setFaults([]);
  }, 60_000);

  it('keeps working after the token is rotated in its Secret and the old one revoked', async () => {
    const core = testKubeConfig().makeApiClient(CoreV1Api);
    await bed.startOperator({ workspaceTiming: { readyMs: 1_000, minBackoffMs: 200, maxBackoffMs: 1_000 } });
    const job = await createReadyJob(bed, 'rotated', { tasks: [notebookTask('a')] });
    const rotatedToken = 'dapi11111111111111111111111111rotated';
    try {
      bed.fake.configureAuth({ tokens: { [rotatedToken]: bed.fake.userName } });
      await core.replaceNamespacedSecret({
        name: 'databricks-token',
        namespace: bed.namespace,
        body: { metadata: { name: 'databricks-token' }, stringData: { token: rotatedToken } },
      });
      bed.fake.clearRequests();

      await bed.patchSpec(JOBS, 'rotated', {
        settings: { tasks: [notebookTask('a')], max_concurrent_runs: 2 },
      });
      const updated = await bed.waitForCondition<DatabricksJob>(JOBS, 'rotated', {}, 15_000);
      expect(updated.status?.jobId).toBe(job.status?.jobId);
      expect((await remoteJob(bed.fake, job.status?.jobId))?.settings.max_concurrent_runs).toBe(2);
      const created = await createReadyJob(bed, 'after-rotation', { tasks: [notebookTask('a')] });
      expect(created.status?.jobId).not.toBe(job.status?.jobId);
      // Once the new token is in use, every call succeeds: one reset, one create, nothing repeated.
      expect(bed.fake.requestCount('jobs/reset', 200)).toBe(1);
      expect(bed.fake.requestCount('jobs/create', 200)).toBe(1);
    } finally {
      bed.fake.configureAuth({ tokens: { [defaultFakeToken]: bed.fake.userName } });
    }
  });
});
