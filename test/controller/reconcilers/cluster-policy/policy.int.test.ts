import type { DatabricksClusterPolicy } from '../../../../controller/reconcilers/cluster-policy/policy.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import type { ClusterPoliciesService } from '../../../fake-databricks/cluster-policies.js';
import type { FakeWorkspace } from '../../../fake-databricks/index.js';
import type { PermissionsService } from '../../../fake-databricks/permissions.js';
import { RESOURCES, useOperatorTestBed, type OperatorTestBed } from '../../operator-test-bed.js';
import { eventsAbout } from '../cluster/cluster-fixtures.js';

const POLICIES = RESOURCES.DatabricksClusterPolicy;
/** Resyncs this often, so that changes made in Databricks are seen within a second. */
const RESYNC_MS = 400;
const WRITES = ['policies/clusters/create', 'policies/clusters/edit', 'policies/clusters/delete'];

const DEFINITION = {
  autotermination_minutes: { type: 'fixed', value: 30, hidden: true },
  'autoscale.max_workers': { type: 'range', maxValue: 10, defaultValue: 4 },
  spark_version: { type: 'allowlist', values: ['15.4.x-scala2.12'] },
};

const policySpec = (extra: Record<string, unknown> = {}) => ({
  workspaceRef: { name: 'ws' },
  definition: DEFINITION,
  ...extra,
});

interface RemotePolicy {
  readonly policy_id: string;
  readonly name: string;
  readonly definition?: string;
  readonly max_clusters_per_user?: number;
}

const service = (fake: FakeWorkspace) => fake.service<ClusterPoliciesService>('cluster-policies');

async function remotePolicy(
  fake: FakeWorkspace,
  policyId: string | undefined,
): Promise<RemotePolicy | undefined> {
  if (policyId === undefined || !service(fake).exists(policyId)) return undefined;
  return (await fake.ui.call('policies/clusters/get', { policy_id: policyId })) as unknown as RemotePolicy;
}

async function createReadyPolicy(
  bed: OperatorTestBed,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<DatabricksClusterPolicy> {
  await bed.create(POLICIES, 'DatabricksClusterPolicy', name, policySpec(extra));
  return bed.waitForCondition<DatabricksClusterPolicy>(POLICIES, name);
}

async function waitForLooks(bed: OperatorTestBed, count: number): Promise<void> {
  const start = bed.fake.requestCount('policies/clusters/list');
  await pollUntil(`${count} more policies/clusters/list`, async () =>
    bed.fake.requestCount('policies/clusters/list') >= start + count ? true : undefined,
  );
}

const readyOf = (policy: DatabricksClusterPolicy) =>
  policy.status?.conditions?.find((condition) => condition.type === 'Ready');

describe('DatabricksClusterPolicy reconciler', () => {
  const bed = useOperatorTestBed('policy', { operator: { config: { resyncPeriodMs: RESYNC_MS } } });

  it('creates the policy from the typed definition, and at resync reads one listing and writes nothing', async () => {
    const policy = await createReadyPolicy(bed, 'etl', { max_clusters_per_user: 3 });
    const policyId = policy.status?.policyId;
    expect(policy.status).toMatchObject({ policyName: 'etl', settingsHash: expect.any(String) });
    expect(policy.status?.createPending).toBeUndefined();
    const remote = await remotePolicy(bed.fake, policyId);
    expect(remote?.name).toBe('etl');
    expect(remote?.max_clusters_per_user).toBe(3);
    expect(JSON.parse(remote?.definition ?? '{}')).toEqual(DEFINITION);
    expect((await eventsAbout(bed, 'etl')).map((event) => event.reason)).toContain('Created');

    bed.fake.clearRequests();
    // Counted from the first listing after the create: one already under way when the object was written
    // cannot speak for it, so the object's first look may still be a get of its own.
    await waitForLooks(bed, 1);
    const gets = bed.fake.requestCount('policies/clusters/get');
    await waitForLooks(bed, 3);
    for (const endpoint of WRITES) expect(bed.fake.requestCount(endpoint)).toBe(0);
    expect(bed.fake.requestCount('policies/clusters/get')).toBe(gets);
  });

  it('edits the policy in place on a spec change, keeping its ID', async () => {
    const before = await createReadyPolicy(bed, 'changing');
    await bed.patchSpec(POLICIES, 'changing', {
      definition: { ...DEFINITION, autotermination_minutes: { type: 'fixed', value: 60 } },
      description: 'longer idle time',
    });
    await pollUntil('the edit', async () =>
      bed.fake.requestCount('policies/clusters/edit') === 1 ? true : undefined,
    );
    const after = await bed.waitForCondition<DatabricksClusterPolicy>(POLICIES, 'changing');
    expect(after.status?.policyId).toBe(before.status?.policyId);
    const remote = await remotePolicy(bed.fake, after.status?.policyId);
    // A merge patch keeps the rule's other keys (hidden).
    expect(JSON.parse(remote?.definition ?? '{}').autotermination_minutes).toEqual({
      type: 'fixed',
      value: 60,
      hidden: true,
    });
    expect(bed.fake.requestCount('policies/clusters/create')).toBe(1);
  });

  it('edits back a change made in Databricks, with a DriftCorrected warning', async () => {
    const policy = await createReadyPolicy(bed, 'drifted');
    const policyId = policy.status?.policyId ?? '';
    service(bed.fake).editByUser(policyId, {
      definition: JSON.stringify({ autotermination_minutes: { type: 'fixed', value: 999 } }),
    });
    await pollUntil('the drift to be corrected', async () =>
      bed.fake.requestCount('policies/clusters/edit') === 1 ? true : undefined,
    );
    expect(JSON.parse((await remotePolicy(bed.fake, policyId))?.definition ?? '{}')).toEqual(DEFINITION);
    // Recorded after the write it tells of: the write may show in Databricks before the Event exists.
    const corrected = await pollUntil('a DriftCorrected event', async () =>
      (await eventsAbout(bed, 'drifted')).find((event) => event.reason === 'DriftCorrected'),
    );
    expect(corrected?.type).toBe('Warning');
    expect(corrected?.note).toMatch(/changed in Databricks \(definition\)/);
  });

  it('refuses a policy of its name made elsewhere unless spec.adopt, then adopts it', async () => {
    const { policy_id: policyId } = (await bed.fake.ui.call('policies/clusters/create', {
      name: 'legacy',
      definition: JSON.stringify({ num_workers: { type: 'fixed', value: 1 } }),
    })) as { policy_id: string };
    await bed.create(POLICIES, 'DatabricksClusterPolicy', 'legacy', policySpec());
    const refused = await bed.waitForCondition<DatabricksClusterPolicy>(POLICIES, 'legacy', {
      status: 'False',
      reason: 'PolicyExists',
    });
    expect(readyOf(refused)?.message).toContain(`cluster policy ${policyId}`);
    expect(readyOf(refused)?.message).toContain('spec.adopt');
    expect(bed.fake.requestCount('policies/clusters/create')).toBe(0);

    await bed.patchSpec(POLICIES, 'legacy', { adopt: true });
    const adopted = await bed.waitForCondition<DatabricksClusterPolicy>(POLICIES, 'legacy');
    expect(adopted.status?.policyId).toBe(policyId);
    expect(JSON.parse((await remotePolicy(bed.fake, policyId))?.definition ?? '{}')).toEqual(DEFINITION);
    expect(bed.fake.requestCount('policies/clusters/create')).toBe(0);
  });

  it('refuses a policy another DatabricksClusterPolicy holds, even with spec.adopt', async () => {
    const first = await createReadyPolicy(bed, 'first', { name: 'shared-name' });
    await bed.create(
      POLICIES,
      'DatabricksClusterPolicy',
      'second',
      policySpec({ name: 'shared-name', adopt: true }),
    );
    const refused = await bed.waitForCondition<DatabricksClusterPolicy>(POLICIES, 'second', {
      status: 'False',
      reason: 'OwnedElsewhere',
    });
    expect(readyOf(refused)?.message).toContain(`${bed.namespace}/first`);
    expect(first.status?.policyId).toBeDefined();
  });

  it('takes the policy it created before a crash (name claimed in status), instead of refusing or copying it', async () => {
    await bed.stopOperator();
    await bed.create(POLICIES, 'DatabricksClusterPolicy', 'crashed', policySpec());
    // The state a crash after policies/clusters/create leaves: the claim in status, the policy made.
    await bed.kube.patchCustomObjectStatus(POLICIES, bed.namespace, 'crashed', {
      status: { policyName: 'crashed', createPending: true },
    });
    const { policy_id: policyId } = (await bed.fake.ui.call('policies/clusters/create', {
      name: 'crashed',
      definition: JSON.stringify(DEFINITION),
    })) as { policy_id: string };
    bed.fake.clearRequests();
    await bed.startOperator();
    const found = await bed.waitForCondition<DatabricksClusterPolicy>(POLICIES, 'crashed');
    expect(found.status?.policyId).toBe(policyId);
    expect(found.status?.createPending).toBeUndefined();
    for (const endpoint of WRITES) expect(bed.fake.requestCount(endpoint)).toBe(0);
    expect((await eventsAbout(bed, 'crashed')).map((event) => event.reason)).toContain('Found');
  });

  it('applies spec.permissions (CAN_USE) once', async () => {
    const policy = await createReadyPolicy(bed, 'shared-use', {
      permissions: { access_control_list: [{ group_name: 'data-engineers', permission_level: 'CAN_USE' }] },
    });
    const acl = bed.fake
      .service<PermissionsService>('permissions')
      .directAcl('cluster-policies', policy.status?.policyId ?? '');
    expect(acl.map((entry) => [entry.principal, entry.level])).toContainEqual(['data-engineers', 'CAN_USE']);
    expect(policy.status?.permissionsHash).toEqual(expect.any(String));
  });

  it('deletes the policy with deletionPolicy Delete and leaves it with Retain', async () => {
    const deleted = await createReadyPolicy(bed, 'gone');
    const retained = await createReadyPolicy(bed, 'kept', { deletionPolicy: 'Retain' });
    await bed.delete(POLICIES, 'gone');
    await bed.delete(POLICIES, 'kept');
    await bed.waitForGone(POLICIES, 'gone');
    await bed.waitForGone(POLICIES, 'kept');
    expect(await remotePolicy(bed.fake, deleted.status?.policyId)).toBeUndefined();
    expect(await remotePolicy(bed.fake, retained.status?.policyId)).toBeDefined();
    // Only the Delete one is deleted, once: a copy older than the finalizer's removal is not cleaned up again.
    const deletes = bed.fake.requests({ endpoint: 'policies/clusters/delete' });
    expect(deletes).toHaveLength(1);
    for (const request of deletes)
      expect(request.body).toMatchObject({ policy_id: deleted.status?.policyId });
  });

  it('observes a policy under managementPolicy Observe, reporting drift and writing nothing', async () => {
    await bed.fake.ui.call('policies/clusters/create', {
      name: 'watched',
      definition: JSON.stringify(DEFINITION),
      max_clusters_per_user: 2,
    });
    bed.fake.clearRequests();
    await bed.create(
      POLICIES,
      'DatabricksClusterPolicy',
      'watched',
      policySpec({ managementPolicy: 'Observe', max_clusters_per_user: 5 }),
    );
    const observed = await bed.waitForCondition<DatabricksClusterPolicy>(POLICIES, 'watched', {
      reason: 'Observed',
    });
    expect(observed.status?.driftedFields).toEqual(['max_clusters_per_user']);
    for (const endpoint of WRITES) expect(bed.fake.requestCount(endpoint)).toBe(0);
  });
});

describe('DatabricksClusterPolicy reconciler: bad input', () => {
  // A minute of not-Ready backoff: a second attempt within the test would be a hot loop.
  const bed = useOperatorTestBed('policy-bad', {
    operator: { notReadyBackoff: { minMs: 60_000, maxMs: 60_000 } },
  });

  it('reports a definition Databricks refuses as InvalidSettings naming the rule, without a hot loop', async () => {
    // A path with a rule whose type the fake does not know cannot be written through the schema; a value on
    // an allowlist rule is caught by the controller before Databricks sees it.
    await bed.create(
      POLICIES,
      'DatabricksClusterPolicy',
      'bad',
      policySpec({ definition: { spark_version: { type: 'allowlist', values: ['x'], value: 'y' } } }),
    );
    const refused = await bed.waitForCondition<DatabricksClusterPolicy>(POLICIES, 'bad', {
      status: 'False',
      reason: 'InvalidSettings',
    });
    expect(readyOf(refused)?.message).toBe(
      'spec.definition[spark_version].value: value is only for rules of type fixed, not allowlist',
    );
    expect(bed.fake.requestCount('policies/clusters/create')).toBe(0);

    // A family Databricks does not know: its INVALID_PARAMETER_VALUE message names the field.
    await bed.create(POLICIES, 'DatabricksClusterPolicy', 'no-family', {
      workspaceRef: { name: 'ws' },
      policy_family_id: 'no-such-family',
    });
    const rejected = await bed.waitForCondition<DatabricksClusterPolicy>(POLICIES, 'no-family', {
      status: 'False',
      reason: 'InvalidSettings',
    });
    expect(readyOf(rejected)?.message).toMatch(
      /INVALID_PARAMETER_VALUE Policy family 'no-such-family' does not exist/,
    );
    expect(bed.fake.requestCount('policies/clusters/create')).toBe(1);

    // While a good policy is created and becomes Ready, the refused one is not tried again: it waits out
    // the not-Ready backoff (a minute here) instead of looping.
    await createReadyPolicy(bed, 'good');
    expect(bed.fake.requestCount('policies/clusters/create')).toBe(2);
  });
});
