import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import type { PermissionsService } from '../../../fake-databricks/permissions.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import { JOBS, createReadyJob, eventsAbout, jobSpec, notebookTask, writes } from './job-fixtures.js';

type Grant = Record<string, string>;

describe('DatabricksJob reconciler: permissions', () => {
  const bed = useOperatorTestBed('job-perms');

  /** The job's direct grants as `principal → level`. */
  function directGrants(job: DatabricksJob): Record<string, string> {
    const acl = bed.fake
      .service<PermissionsService>('permissions')
      .directAcl('jobs', String(job.status?.jobId));
    return Object.fromEntries(acl.map((entry) => [entry.principal, entry.level]));
  }

  async function grantInTheUi(job: DatabricksJob, grant: Grant): Promise<void> {
    await bed.fake.ui.call('permissions/patch', {
      objectType: 'jobs',
      objectId: String(job.status?.jobId),
      access_control_list: [grant],
    });
  }

  async function changePermissions(name: string, mode: string, acl: Grant[]): Promise<DatabricksJob> {
    await bed.patchSpec(JOBS, name, { permissions: { mode, access_control_list: acl } });
    return bed.waitForCondition<DatabricksJob>(JOBS, name);
  }

  const owner = () => bed.fake.userName;

  /** A Ready job of one notebook task whose spec.permissions hold `acl` in `mode` (the CRD default when unset). */
  function createWithPermissions(name: string, acl: Grant[], mode?: string): Promise<DatabricksJob> {
    return createReadyJob(
      bed,
      name,
      { tasks: [notebookTask('a')] },
      { permissions: { ...(mode ? { mode } : {}), access_control_list: acl } },
    );
  }

  /** Waits until the job's direct grants are `expected` again, then for the DriftCorrected Event. */
  async function driftCorrected(job: DatabricksJob, expected: Record<string, string>) {
    const sorted = (grants: Record<string, string>) => JSON.stringify(Object.entries(grants).sort());
    await pollUntil('the grants restored', async () =>
      sorted(directGrants(job)) === sorted(expected) ? true : undefined,
    );
    return pollUntil('a DriftCorrected event', async () =>
      (await eventsAbout(bed, job.metadata.name)).find((event) => event.reason === 'DriftCorrected'),
    );
  }

  it('Additive adds the listed grants and leaves the others as they are', async () => {
    const job = await createWithPermissions('additive', [
      { group_name: 'data-eng', permission_level: 'CAN_MANAGE_RUN' },
    ]);
    expect(directGrants(job)).toEqual({ [owner()]: 'IS_OWNER', 'data-eng': 'CAN_MANAGE_RUN' });

    await grantInTheUi(job, { user_name: 'bob@example.com', permission_level: 'CAN_VIEW' });
    const changed = await changePermissions('additive', 'Additive', [
      { group_name: 'data-eng', permission_level: 'CAN_MANAGE_RUN' },
      { group_name: 'analysts', permission_level: 'CAN_VIEW' },
    ]);
    expect(directGrants(changed)).toEqual({
      [owner()]: 'IS_OWNER',
      'data-eng': 'CAN_MANAGE_RUN',
      analysts: 'CAN_VIEW',
      'bob@example.com': 'CAN_VIEW',
    });
    expect(bed.fake.requestCount('permissions/put')).toBe(0);
  });

  it('Authoritative makes the list the only direct grants, keeping the one owner', async () => {
    const job = await createReadyJob(bed, 'authoritative', { tasks: [notebookTask('a')] });
    await grantInTheUi(job, { user_name: 'bob@example.com', permission_level: 'CAN_MANAGE' });

    const changed = await changePermissions('authoritative', 'Authoritative', [
      { group_name: 'data-eng', permission_level: 'CAN_MANAGE' },
    ]);
    expect(directGrants(changed)).toEqual({ [owner()]: 'IS_OWNER', 'data-eng': 'CAN_MANAGE' });
  });

  it('hands ownership over with exactly one IS_OWNER, in either mode', async () => {
    const authoritative = await createWithPermissions(
      'new-owner',
      [
        { user_name: 'alice@example.com', permission_level: 'IS_OWNER' },
        { group_name: 'data-eng', permission_level: 'CAN_VIEW' },
      ],
      'Authoritative',
    );
    expect(directGrants(authoritative)).toEqual({ 'alice@example.com': 'IS_OWNER', 'data-eng': 'CAN_VIEW' });

    const additive = await createWithPermissions('handed-over', [
      { user_name: 'alice@example.com', permission_level: 'IS_OWNER' },
    ]);
    // The previous owner keeps access, one level down: a job has exactly one IS_OWNER.
    expect(directGrants(additive)).toEqual({ 'alice@example.com': 'IS_OWNER', [owner()]: 'CAN_MANAGE' });
  });

  it('Additive puts back a listed grant changed in the UI on the slow cycle, leaving extra grants', async () => {
    await bed.startOperator({ config: { resyncPeriodMs: 1_000, slowResyncPeriodMs: 1_500 } });
    const job = await createWithPermissions('additive-drift', [
      { group_name: 'data-eng', permission_level: 'CAN_MANAGE_RUN' },
      { group_name: 'analysts', permission_level: 'CAN_VIEW' },
    ]);
    bed.fake.clearRequests();

    await grantInTheUi(job, { group_name: 'data-eng', permission_level: 'CAN_VIEW' });
    await grantInTheUi(job, { user_name: 'bob@example.com', permission_level: 'CAN_MANAGE' });

    const drift = await driftCorrected(job, {
      [owner()]: 'IS_OWNER',
      'data-eng': 'CAN_MANAGE_RUN',
      analysts: 'CAN_VIEW',
      'bob@example.com': 'CAN_MANAGE',
    });
    expect(drift.type).toBe('Warning');
    expect(drift.action).toBe('SetPermissions');
    expect(drift.note).toContain('group data-eng');
    expect(drift.note).not.toContain('analysts');
    expect(drift.note).not.toContain('bob@example.com');
    expect(writes(bed.fake)).toEqual({ 'permissions/patch': 1 });
  });

  it('Authoritative puts back a removed grant and removes one added in the UI, keeping the owner', async () => {
    await bed.startOperator({ config: { resyncPeriodMs: 1_000, slowResyncPeriodMs: 1_500 } });
    const job = await createWithPermissions(
      'authoritative-drift',
      [{ group_name: 'data-eng', permission_level: 'CAN_MANAGE' }],
      'Authoritative',
    );
    bed.fake.clearRequests();

    await bed.fake.ui.call('permissions/put', {
      objectType: 'jobs',
      objectId: String(job.status?.jobId),
      access_control_list: [
        { user_name: owner(), permission_level: 'IS_OWNER' },
        { user_name: 'bob@example.com', permission_level: 'CAN_MANAGE' },
      ],
    });

    const drift = await driftCorrected(job, { [owner()]: 'IS_OWNER', 'data-eng': 'CAN_MANAGE' });
    expect(drift.note).toContain('group data-eng');
    expect(drift.note).toContain('user bob@example.com');
    expect(drift.note).not.toContain(owner());
    expect(writes(bed.fake)).toEqual({ 'permissions/put': 1 });
  });

  it('reads permissions once per slow period, not at every resync, and writes none when they are as the spec says', async () => {
    const slowResyncPeriodMs = 1_200;
    await bed.startOperator({ config: { resyncPeriodMs: 300, slowResyncPeriodMs } });
    const additive = await createWithPermissions('steady-additive', [
      { user_name: 'alice@example.com', permission_level: 'IS_OWNER' },
      { group_name: 'admins', permission_level: 'CAN_MANAGE' },
    ]);
    const authoritative = await createWithPermissions(
      'steady-authoritative',
      [{ group_name: 'data-eng', permission_level: 'CAN_VIEW' }],
      'Authoritative',
    );
    bed.fake.clearRequests();
    const started = Date.now();

    // One read per job and slow period, at its own moment: six are at least two periods of each.
    await pollUntil('slow periods that read the permissions', async () =>
      bed.fake.requestCount('permissions/get') >= 6 ? true : undefined,
    );
    const periods = Math.ceil((Date.now() - started) / slowResyncPeriodMs);
    // A read may come up to a second before its moment, so a window holds one read more than periods of
    // each job (three each after 2.1 s, say). Four resyncs a period would have read each job four times.
    expect(bed.fake.requestCount('permissions/get')).toBeLessThanOrEqual(2 * (periods + 1));
    expect(writes(bed.fake)).toEqual({});
    for (const job of [additive, authoritative]) {
      const after = await bed.get<DatabricksJob>(JOBS, job.metadata.name);
      expect(after?.metadata.resourceVersion).toBe(job.metadata.resourceVersion);
      const reasons = (await eventsAbout(bed, job.metadata.name)).map((event) => event.reason);
      expect(reasons).not.toContain('DriftCorrected');
    }
  });

  it('says InvalidSettings with Databricks’ message for permissions it refuses', async () => {
    await bed.create(
      JOBS,
      'DatabricksJob',
      'group-owner',
      jobSpec(
        { tasks: [notebookTask('a')] },
        {
          permissions: {
            mode: 'Authoritative',
            access_control_list: [{ group_name: 'data-eng', permission_level: 'IS_OWNER' }],
          },
        },
      ),
    );
    const rejected = await bed.waitForCondition<DatabricksJob>(JOBS, 'group-owner', {
      status: 'False',
      reason: 'InvalidSettings',
    });
    expect(rejected.status?.conditions?.find((c) => c.type === 'Ready')?.message).toContain(
      'permissions/put: INVALID_PARAMETER_VALUE Group data-eng cannot be the owner of a job',
    );
    // The job itself was made, and status says which: retries apply the permissions again, nothing else.
    expect(rejected.status?.jobId).toBeDefined();
    await pollUntil('two more attempts', async () =>
      bed.fake.requestCount('permissions/put') >= 3 ? true : undefined,
    );
    expect(bed.fake.requestCount('jobs/create')).toBe(1);
    expect(bed.fake.requestCount('jobs/reset')).toBe(0);
  });

  it('refuses a list that gives the owner a lower level and names no other owner, in either mode', async () => {
    for (const mode of ['Additive', 'Authoritative']) {
      const name = `demote-${mode.toLowerCase()}`;
      const job = await createReadyJob(bed, name, { tasks: [notebookTask('a')] });
      const putsBefore = bed.fake.requestCount('permissions/put');
      const patchesBefore = bed.fake.requestCount('permissions/patch');
      await bed.patchSpec(JOBS, name, {
        permissions: {
          mode,
          access_control_list: [
            { group_name: 'data-eng', permission_level: 'CAN_VIEW' },
            { user_name: owner(), permission_level: 'CAN_MANAGE' },
          ],
        },
      });
      const refused = await bed.waitForCondition<DatabricksJob>(JOBS, name, {
        status: 'False',
        reason: 'InvalidSettings',
      });
      expect(refused.status?.conditions?.find((c) => c.type === 'Ready')?.message).toBe(
        `spec.permissions.access_control_list[1] gives user ${owner()}, the owner of job ${job.status?.jobId}, CAN_MANAGE and no entry is IS_OWNER; a job keeps its one owner: list user ${owner()} as IS_OWNER, or add an IS_OWNER entry for the principal that should own the job`,
      );
      // Nothing was sent: the job keeps its owner and no other grant is half applied.
      expect(bed.fake.requestCount('permissions/put')).toBe(putsBefore);
      expect(bed.fake.requestCount('permissions/patch')).toBe(patchesBefore);
      expect(directGrants(job)).toEqual({ [owner()]: 'IS_OWNER' });
    }
  });
});
