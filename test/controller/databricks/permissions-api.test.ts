import { InvalidParameterError } from '../../../controller/databricks/errors.js';
import {
  PERMISSION_OBJECT_TYPES,
  ownerRuleOf,
  type KnownPermissionObjectType,
  type ObjectPermissions,
} from '../../../controller/databricks/permissions.js';
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

  it('reaches a warehouse under sql/warehouses and under the SDK path warehouses, one ACL either way', async () => {
    const { id } = await bed.client.warehouses.create({ name: 'acl', cluster_size: 'Small' });
    await bed.client.permissions.update('warehouses', id, [
      { group_name: 'analysts', permission_level: 'CAN_USE' },
    ]);
    const read = await bed.client.permissions.get('sql/warehouses', id);
    expect(read.object_id).toBe(`/sql/warehouses/${id}`);
    expect(directGrants(read)).toEqual({ [bed.fake.userName]: 'IS_OWNER', analysts: 'CAN_USE' });
    expect(bed.fake.requests({ endpoint: 'permissions/get' }).map((r) => r.path)).toEqual([
      `/api/2.0/permissions/sql/warehouses/${id}`,
    ]);
    expect(ownerRuleOf('warehouses')).toBe('kept');
  });

  it('knows the levels each object type accepts, as the workspace lists them', async () => {
    const objects: Partial<Record<KnownPermissionObjectType, string>> = {
      'cluster-policies': (await bed.client.clusterPolicies.create({ name: 'p', definition: '{}' }))
        .policy_id,
      'instance-pools': (
        await bed.client.instancePools.create({ instance_pool_name: 'pool', node_type_id: 'i3.xlarge' })
      ).instance_pool_id,
      repos: String(
        (await bed.client.repos.create({ url: 'https://github.com/a/b', provider: 'gitHub' })).id,
      ),
      pipelines: (await bed.client.pipelines.create({ name: 'levels' })).pipeline_id,
      'sql/warehouses': (await bed.client.warehouses.create({ name: 'levels', cluster_size: 'Small' })).id,
      jobs: String((await bed.client.jobs.create(job)).job_id),
    };
    for (const [objectType, id] of Object.entries(objects) as [KnownPermissionObjectType, string][]) {
      const levels = await bed.client.permissions.getPermissionLevels(objectType, id);
      expect([objectType, levels.map((level) => level.permission_level).sort()]).toEqual([
        objectType,
        [...PERMISSION_OBJECT_TYPES[objectType].levels].sort(),
      ]);
    }
  });

  it('refuses a pipeline ACL without exactly one owner', async () => {
    const { pipeline_id } = await bed.client.pipelines.create({ name: 'owned' });
    expect(ownerRuleOf('pipelines')).toBe('exactly-one');
    const noOwner = bed.client.permissions.set('pipelines', pipeline_id, [
      { group_name: 'data-eng', permission_level: 'CAN_RUN' },
    ]);
    await expect(noOwner).rejects.toBeInstanceOf(InvalidParameterError);
    await expect(noOwner).rejects.toThrow('The pipeline must have exactly one owner.');
  });
});
