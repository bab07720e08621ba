import type { DatabricksCluster } from '../../../../controller/reconcilers/cluster/cluster.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import type { PermissionsService } from '../../../fake-databricks/permissions.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import { CLUSTERS, QUICK_CLUSTERS, createReadyCluster, eventsAbout } from './cluster-fixtures.js';

describe('DatabricksCluster reconciler: permissions', () => {
  const bed = useOperatorTestBed('cluster-perms', { fake: { timing: QUICK_CLUSTERS } });

  function directGrants(cluster: DatabricksCluster): Record<string, string> {
    const acl = bed.fake
      .service<PermissionsService>('permissions')
      .directAcl('clusters', cluster.status?.clusterId ?? '');
    return Object.fromEntries(acl.map((entry) => [entry.principal, entry.level]));
  }

  const permissionWrites = () => ({
    put: bed.fake.requestCount('permissions/put'),
    patch: bed.fake.requestCount('permissions/patch'),
  });

  it('applies Authoritative permissions once, then puts back a change made in the UI on the slow cycle', async () => {
    await bed.startOperator({ config: { resyncPeriodMs: 1_000, slowResyncPeriodMs: 1_500 } });
    const cluster = await createReadyCluster(bed, 'shared', {
      permissions: {
        mode: 'Authoritative',
        access_control_list: [
          { group_name: 'analysts', permission_level: 'CAN_ATTACH_TO' },
          { group_name: 'ops', permission_level: 'CAN_RESTART' },
        ],
      },
    });
    expect(directGrants(cluster)).toEqual({ analysts: 'CAN_ATTACH_TO', ops: 'CAN_RESTART' });
    expect(cluster.status?.permissionsHash).toEqual(expect.any(String));
    expect(permissionWrites()).toEqual({ put: 1, patch: 0 });
    const applied = (await eventsAbout(bed, 'shared')).find((event) => event.reason === 'PermissionsApplied');
    expect(applied?.note).toBe(
      `applied 2 permission(s) to cluster ${cluster.status?.clusterId} (Authoritative)`,
    );

    // Two slow periods at steady state: reads, no write.
    const readsBefore = bed.fake.requestCount('permissions/get');
    await pollUntil('two reads on the slow cycle', async () =>
      bed.fake.requestCount('permissions/get') >= readsBefore + 2 ? true : undefined,
    );
    expect(permissionWrites()).toEqual({ put: 1, patch: 0 });

    await bed.fake.ui.call('permissions/patch', {
      objectType: 'clusters',
      objectId: cluster.status?.clusterId ?? '',
      access_control_list: [{ user_name: 'intruder@example.com', permission_level: 'CAN_MANAGE' }],
    });
    await pollUntil('the extra grant removed', async () =>
      directGrants(cluster)['intruder@example.com'] === undefined ? true : undefined,
    );
    expect(directGrants(cluster)).toEqual({ analysts: 'CAN_ATTACH_TO', ops: 'CAN_RESTART' });
    const corrected = await pollUntil('a DriftCorrected event', async () =>
      (await eventsAbout(bed, 'shared')).find((event) => event.reason === 'DriftCorrected'),
    );
    expect(corrected.note).toContain('user intruder@example.com');
  });

  it('refuses at admission a level clusters do not have', async () => {
    const create = bed.create(CLUSTERS, 'DatabricksCluster', 'owned', {
      workspaceRef: { name: 'ws' },
      settings: { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 },
      permissions: { access_control_list: [{ user_name: 'a@example.com', permission_level: 'IS_OWNER' }] },
    });
    // The message is JSON inside the client's error: quotes arrive escaped.
    await expect(create).rejects.toThrow(
      /spec\.permissions\.access_control_list\[0\]\.permission_level: Unsupported value: \\+"IS_OWNER/,
    );
  });
});
