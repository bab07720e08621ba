/**
 * `spec.permissions` on object types other than jobs (whose owner rule the job integration tests cover):
 * types without an owner, and SQL warehouses, which keep theirs. Against the fake workspace over HTTP.
 */
import type { AnyPermissionsSpec } from '../../../../lib/crds/permissions.js';
import {
  applyObjectPermissions,
  type PermissionsTarget,
  type WithPermissions,
} from '../../../../controller/reconcilers/managed/permissions.js';
import { NotReadyError } from '../../../../controller/reconcilers/managed/managed.js';
import { StaggeredCycle } from '../../../../controller/reconcilers/managed/staggered-cycle.js';
import type { EventNote } from '../../../../controller/runtime/events.js';
import type { PermissionsService } from '../../../fake-databricks/permissions.js';
import { startClientBed, type ClientBed } from '../../databricks/client-test-bed.js';

const PERIOD_MS = 600_000;

describe('applyObjectPermissions', () => {
  let bed: ClientBed;
  let now: number;
  let cycle: StaggeredCycle;
  beforeEach(async () => {
    bed = await startClientBed();
    now = 1_000_000;
    cycle = new StaggeredCycle(PERIOD_MS, () => now);
  });
  afterEach(async () => bed.close());

  function grants(objectType: string, id: string): Record<string, string> {
    const acl = bed.fake.service<PermissionsService>('permissions').directAcl(objectType, id);
    return Object.fromEntries(acl.map((entry) => [entry.principal, entry.level]));
  }

  function calls(): Record<string, number> {
    const counted: Record<string, number> = {};
    for (const endpoint of ['permissions/get', 'permissions/put', 'permissions/patch']) {
      const count = bed.fake.requestCount(endpoint);
      if (count > 0) counted[endpoint] = count;
    }
    return counted;
  }

  /** Applies `permissions` as a reconcile would, keeping the returned hash in the object's status. */
  function reconciler(target: PermissionsTarget) {
    const object: { -readonly [K in keyof WithPermissions]: WithPermissions[K] } = {
      metadata: { uid: `uid-${target.objectId}` },
      spec: {},
    };
    return async (permissions: AnyPermissionsSpec): Promise<EventNote[]> => {
      const events: EventNote[] = [];
      object.spec = { permissions };
      const hash = await applyObjectPermissions(object, target, bed.client, events, cycle);
      object.status = { permissionsHash: hash };
      return events;
    };
  }

  async function newCluster(): Promise<PermissionsTarget> {
    const { cluster_id } = await bed.client.clusters.create({
      cluster_name: 'c',
      spark_version: '15.4.x-scala2.12',
      node_type_id: 'i3.xlarge',
      num_workers: 1,
    });
    return { objectType: 'clusters', objectId: cluster_id, noun: 'cluster' };
  }

  async function newWarehouse(): Promise<PermissionsTarget> {
    const { id } = await bed.client.warehouses.create({ name: 'w', cluster_size: 'Small' });
    return { objectType: 'sql/warehouses', objectId: id, noun: 'SQL warehouse' };
  }

  describe('a type without an owner (clusters)', () => {
    it('Additive is one PATCH of the list, with no read first', async () => {
      const target = await newCluster();
      const apply = reconciler(target);
      const before = grants('clusters', target.objectId);
      const events = await apply({
        access_control_list: [{ group_name: 'data-eng', permission_level: 'CAN_RESTART' }],
      });
      expect(calls()).toEqual({ 'permissions/patch': 1 });
      expect(grants('clusters', target.objectId)).toEqual({ ...before, 'data-eng': 'CAN_RESTART' });
      expect(events.map((event) => event.note)).toEqual([
        `applied 1 permission(s) to cluster ${target.objectId} (Additive)`,
      ]);
    });

    it('Authoritative is one PUT of exactly the list, with no read first', async () => {
      const target = await newCluster();
      await bed.client.permissions.update('clusters', target.objectId, [
        { user_name: 'someone@example.com', permission_level: 'CAN_MANAGE' },
      ]);
      const apply = reconciler(target);
      await apply({
        mode: 'Authoritative',
        access_control_list: [{ group_name: 'data-eng', permission_level: 'CAN_ATTACH_TO' }],
      });
      expect(calls()).toEqual({ 'permissions/patch': 1, 'permissions/put': 1 });
      expect(grants('clusters', target.objectId)).toEqual({ 'data-eng': 'CAN_ATTACH_TO' });
    });

    it('writes nothing at steady state, reads once at its moment, and puts back what the UI changed', async () => {
      const target = await newCluster();
      const apply = reconciler(target);
      const spec: AnyPermissionsSpec = {
        mode: 'Authoritative',
        access_control_list: [{ group_name: 'data-eng', permission_level: 'CAN_ATTACH_TO' }],
      };
      await apply(spec);
      expect(await apply(spec)).toEqual([]);
      expect(calls()).toEqual({ 'permissions/put': 1 });

      await bed.client.permissions.update('clusters', target.objectId, [
        { group_name: 'data-eng', permission_level: 'CAN_MANAGE' },
        { user_name: 'extra@example.com', permission_level: 'CAN_RESTART' },
      ]);
      now += PERIOD_MS;
      const events = await apply(spec);
      expect(grants('clusters', target.objectId)).toEqual({ 'data-eng': 'CAN_ATTACH_TO' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ reason: 'DriftCorrected', type: 'Warning' });
      expect(events[0].note).toContain('group data-eng, user extra@example.com');
      expect(calls()).toEqual({ 'permissions/put': 2, 'permissions/patch': 1, 'permissions/get': 1 });

      // Read again only at the next moment, and nothing written when it matches.
      expect(await apply(spec)).toEqual([]);
      now += PERIOD_MS;
      expect(await apply(spec)).toEqual([]);
      expect(calls()).toEqual({ 'permissions/put': 2, 'permissions/patch': 1, 'permissions/get': 2 });
    });
  });

  describe('a type that keeps its owner (SQL warehouses)', () => {
    it('Authoritative without an owner keeps the current one', async () => {
      const target = await newWarehouse();
      const apply = reconciler(target);
      await apply({
        mode: 'Authoritative',
        access_control_list: [{ group_name: 'analysts', permission_level: 'CAN_USE' }],
      });
      expect(grants('sql/warehouses', target.objectId)).toEqual({
        [bed.fake.userName]: 'IS_OWNER',
        analysts: 'CAN_USE',
      });
    });

    it('Additive naming another owner hands ownership over and leaves the previous owner CAN_MANAGE', async () => {
      const target = await newWarehouse();
      const apply = reconciler(target);
      const events = await apply({
        access_control_list: [{ user_name: 'new-owner@example.com', permission_level: 'IS_OWNER' }],
      });
      expect(grants('sql/warehouses', target.objectId)).toEqual({
        [bed.fake.userName]: 'CAN_MANAGE',
        'new-owner@example.com': 'IS_OWNER',
      });
      expect(events[0].note).toContain(`the previous owner user ${bed.fake.userName} now has CAN_MANAGE`);
    });

    it('refuses a list that lowers the owner without naming another, before writing anything', async () => {
      const target = await newWarehouse();
      const apply = reconciler(target);
      const refused = apply({
        access_control_list: [{ user_name: bed.fake.userName, permission_level: 'CAN_USE' }],
      });
      await expect(refused).rejects.toBeInstanceOf(NotReadyError);
      await expect(refused).rejects.toThrow(
        `spec.permissions.access_control_list[0] gives user ${bed.fake.userName}, the owner of SQL warehouse ${target.objectId}, CAN_USE and no entry is IS_OWNER`,
      );
      expect(calls()).toEqual({ 'permissions/get': 1 });
    });
  });
});
