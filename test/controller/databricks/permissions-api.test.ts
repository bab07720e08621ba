import { InvalidParameterError } from '../../../controller/databricks/errors.js';
import type { ObjectPermissions } from '../../../controller/databricks/permissions.js';
import { startClientBed, type ClientBed } from './client-test-bed.js';

const job = {
  name: 'acl',
  tasks: [
    {
      task_key: 't',
      notebook_task: { notebook_path: '/x' },
      new_cluster: { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 },
    },
  ],
};

/** Direct (not inherited) grants as `principal → level`. */
function directGrants(permissions: ObjectPermissions): Record<string, string> {
  const grants: Record<string, string> = {};
  for (const entry of permissions.access_control_list ?? []) {
    const principal = entry.user_name ?? entry.group_name ?? entry.service_principal_name ?? '?';
    for (const p of entry.all_permissions ?? []) if (!p.inherited) grants[principal] = p.permission_level;
  }
  return grants;
}

describe('permissions API against the fake workspace', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed();
  });
  afterEach(async () => bed.close());

  it('adds grants with update and leaves the others alone', async () => {
    const { job_id } = await bed.client.jobs.create(job);
    const before = directGrants(await bed.client.permissions.get('jobs', job_id));
    expect(before[bed.fake.userName]).toBe('IS_OWNER');
    await bed.client.permissions.update('jobs', job_id, [
      { group_name: 'data-eng', permission_level: 'CAN_MANAGE_RUN' },
    ]);
    const after = directGrants(await bed.client.permissions.get('jobs', job_id));
    expect(after).toEqual({ ...before, 'data-eng': 'CAN_MANAGE_RUN' });
    expect(bed.fake.requestCount('permissions/patch')).toBe(1);
  });

  it('replaces all direct grants with set, and rejects a job ACL without exactly one owner', async () => {
    const { job_id } = await bed.client.jobs.create(job);
    await bed.client.permissions.update('jobs', job_id, [
      { group_name: 'old', permission_level: 'CAN_VIEW' },
    ]);
    await bed.client.permissions.set('jobs', job_id, [
      { user_name: bed.fake.userName, permission_level: 'IS_OWNER' },
      { group_name: 'new', permission_level: 'CAN_VIEW' },
    ]);
    expect(directGrants(await bed.client.permissions.get('jobs', job_id))).toEqual({
      [bed.fake.userName]: 'IS_OWNER',
      new: 'CAN_VIEW',
    });
    const twoOwners = bed.client.permissions.set('jobs', job_id, [
      { user_name: 'a@example.com', permission_level: 'IS_OWNER' },
      { user_name: 'b@example.com', permission_level: 'IS_OWNER' },
    ]);
    await expect(twoOwners).rejects.toBeInstanceOf(InvalidParameterError);
    await expect(twoOwners).rejects.toThrow(/exactly one owner/);
  });
});
