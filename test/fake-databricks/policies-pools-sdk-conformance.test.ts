/**
 * The official SDK (`@databricks/sdk-experimental`) as an independent client of the fake's cluster
 * policies, policy families and instance pools: it knows the real paths, verbs, parameter placement and
 * response shapes, so any mismatch it trips on is a bug in the fake.
 */
import { ApiError, WorkspaceClient } from '@databricks/sdk-experimental';
import { startFakeWorkspace, type FakeWorkspace } from './index.js';

let workspace: FakeWorkspace;
let client: WorkspaceClient;

beforeAll(async () => {
  workspace = await startFakeWorkspace({ rateLimits: false, timing: { poolInstanceStartMs: 50 } });
  client = new WorkspaceClient({ host: workspace.url, token: workspace.token, authType: 'pat' });
});
afterAll(() => workspace.close());
beforeEach(() => workspace.reset());

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function apiErrorOf(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail with an ApiError');
}

const definition = JSON.stringify({ spark_version: { type: 'fixed', value: '15.4.x-scala2.12' } });

describe('cluster policies through the SDK', () => {
  it('creates, gets, edits, lists and deletes a policy', async () => {
    const { policy_id } = await client.clusterPolicies.create({
      name: 'sdk-policy',
      definition,
      max_clusters_per_user: 3,
    });
    const policy = await client.clusterPolicies.get({ policy_id: policy_id as string });
    expect(policy).toMatchObject({ policy_id, name: 'sdk-policy', definition, max_clusters_per_user: 3 });
    expect(policy.created_at_timestamp).toEqual(expect.any(Number));

    await client.clusterPolicies.edit({
      policy_id: policy_id as string,
      name: 'sdk-policy',
      definition: '{}',
    });
    expect((await client.clusterPolicies.get({ policy_id: policy_id as string })).definition).toBe('{}');

    const listed = await collect(
      client.clusterPolicies.list({ sort_column: 'POLICY_NAME', sort_order: 'ASC' }),
    );
    expect(listed.map((p) => p.name)).toContain('sdk-policy');
    expect(listed.filter((p) => p.is_default).map((p) => p.name)).toHaveLength(4);

    await client.clusterPolicies.delete({ policy_id: policy_id as string });
    const gone = await apiErrorOf(client.clusterPolicies.get({ policy_id: policy_id as string }));
    expect(gone).toMatchObject({ statusCode: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('reports a malformed definition as a 400 INVALID_PARAMETER_VALUE ApiError', async () => {
    const error = await apiErrorOf(client.clusterPolicies.create({ name: 'broken', definition: '{' }));
    expect(error).toMatchObject({ statusCode: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
  });

  it('builds a policy on a family listed by the policy-families API', async () => {
    const families = await collect(client.policyFamilies.list({ max_results: 2 }));
    expect(families.map((f) => f.policy_family_id)).toEqual(
      expect.arrayContaining(['job-cluster', 'personal-vm', 'power-user', 'shared-compute']),
    );
    const family = await client.policyFamilies.get({ policy_family_id: 'job-cluster' });
    const { policy_id } = await client.clusterPolicies.create({
      name: 'from-family',
      policy_family_id: family.policy_family_id,
      policy_family_definition_overrides: JSON.stringify({ num_workers: { type: 'fixed', value: 1 } }),
    });
    const policy = await client.clusterPolicies.get({ policy_id: policy_id as string });
    expect(JSON.parse(policy.definition as string)).toMatchObject({
      num_workers: { type: 'fixed', value: 1 },
    });
  });

  it('sets and reads policy permissions', async () => {
    const { policy_id } = await client.clusterPolicies.create({ name: 'acl', definition });
    const set = await client.clusterPolicies.setPermissions({
      cluster_policy_id: policy_id as string,
      access_control_list: [{ group_name: 'users', permission_level: 'CAN_USE' }],
    });
    expect(set).toMatchObject({ object_id: `/cluster-policies/${policy_id}`, object_type: 'cluster-policy' });
    const levels = await client.clusterPolicies.getPermissionLevels({
      cluster_policy_id: policy_id as string,
    });
    expect(levels.permission_levels?.map((l) => l.permission_level)).toEqual(['CAN_USE']);
  });
});

describe('instance pools through the SDK', () => {
  it('creates a pool, sees its idle instances arrive, edits, lists and deletes it', async () => {
    const { instance_pool_id } = await client.instancePools.create({
      instance_pool_name: 'sdk-pool',
      node_type_id: 'i3.xlarge',
      min_idle_instances: 2,
      max_capacity: 10,
    });
    const poolId = instance_pool_id as string;
    const created = await client.instancePools.get({ instance_pool_id: poolId });
    expect(created).toMatchObject({
      state: 'ACTIVE',
      idle_instance_autotermination_minutes: 60,
      enable_elastic_disk: true,
    });
    // Both instances were acquired at the create; how many are still pending depends on how long the get
    // took (instance-pools.test.ts pins the pending-then-idle timing on the fake's clock).
    const acquired = (created.stats?.pending_idle_count ?? 0) + (created.stats?.idle_count ?? 0);
    expect(acquired).toBe(2);
    const deadline = Date.now() + 15_000;
    while ((await client.instancePools.get({ instance_pool_id: poolId })).stats?.idle_count !== 2) {
      if (Date.now() > deadline) throw new Error('the pool never had its 2 idle instances');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    await client.instancePools.edit({
      instance_pool_id: poolId,
      instance_pool_name: 'sdk-pool',
      node_type_id: 'i3.xlarge',
      min_idle_instances: 3,
      max_capacity: 10,
    });
    expect((await client.instancePools.get({ instance_pool_id: poolId })).min_idle_instances).toBe(3);
    expect((await collect(client.instancePools.list())).map((p) => p.instance_pool_id)).toEqual([poolId]);

    const refused = await apiErrorOf(
      client.instancePools.edit({
        instance_pool_id: poolId,
        instance_pool_name: 'sdk-pool',
        node_type_id: 'i3.xlarge',
        min_idle_instances: 11,
        max_capacity: 10,
      }),
    );
    expect(refused).toMatchObject({ statusCode: 400, errorCode: 'INVALID_PARAMETER_VALUE' });

    await client.instancePools.delete({ instance_pool_id: poolId });
    expect(await collect(client.instancePools.list())).toEqual([]);
    const gone = await apiErrorOf(client.instancePools.get({ instance_pool_id: poolId }));
    expect(gone.message).toBe(`Can't find an instance pool with id: ${poolId}.`);
  });

  it('sets and reads pool permissions', async () => {
    const { instance_pool_id } = await client.instancePools.create({
      instance_pool_name: 'acl-pool',
      node_type_id: 'i3.xlarge',
    });
    await client.instancePools.setPermissions({
      instance_pool_id: instance_pool_id as string,
      access_control_list: [{ group_name: 'users', permission_level: 'CAN_ATTACH_TO' }],
    });
    const read = await client.instancePools.getPermissions({ instance_pool_id: instance_pool_id as string });
    expect(read.access_control_list?.map((e) => e.group_name)).toEqual(['users', 'admins']);
  });
});
