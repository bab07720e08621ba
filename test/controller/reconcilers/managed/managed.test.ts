/**
 * `reconcileManaged` on its own, against an in-memory context: the finalizer, status and conditions, the
 * error policy, deletion with each deletionPolicy, and Events. The kind here is a stand-in whose
 * "Databricks" is a map; each real kind's behaviour with a real API server stays in its `*.int.test.ts`.
 */
import {
  InvalidParameterError,
  LimitExceededError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitedError,
  DatabricksNetworkError,
  type DatabricksClient,
} from '../../../../controller/databricks/index.js';
import { deleteUnlessGone, leftInPlace } from '../../../../controller/reconcilers/managed/deletion-policy.js';
import { note } from '../../../../controller/reconcilers/managed/event-notes.js';
import {
  CACHE_CATCH_UP_MS,
  NotReadyError,
  reconcileManaged,
  waitingFor,
  type Applied,
  type CleanedUp,
  type ManagedActions,
  type ManagedObject,
  type ManagedStatus,
} from '../../../../controller/reconcilers/managed/managed.js';
import { findCondition } from '../../../../controller/runtime/conditions.js';
import { DATABRICKS_FINALIZER } from '../../../../controller/runtime/finalizer.js';
import type { ResourceType } from '../../../../controller/runtime/kube-client.js';
import { done, requeueAfter, type Outcome } from '../../../../controller/runtime/outcome.js';
import { inMemoryContext, workspaceObject, type InMemoryContext } from './in-memory-context.js';

const GADGETS: ResourceType = { group: 'databricks.operator.dev', version: 'v1alpha1', plural: 'gadgets' };
const DELETED = '2026-02-01T00:00:00Z';
/** Each copy made is a newer one, as the informer would deliver after a write. */
let resourceVersion = 0;

interface GadgetSpec {
  workspaceRef: { name: string };
  content: string;
  deletionPolicy?: 'Delete' | 'Retain';
  /** Shared with a group after it is put: a second step, after a checkpoint. */
  shared?: boolean;
}
interface GadgetStatus extends ManagedStatus {
  gadgetId?: string;
}
type Gadget = ManagedObject<GadgetSpec, GadgetStatus>;

function gadget(
  options: {
    finalizer?: boolean;
    deleting?: boolean;
    status?: GadgetStatus;
    spec?: Partial<GadgetSpec>;
  } = {},
): Gadget {
  return {
    metadata: {
      namespace: 'team',
      name: 'g',
      uid: 'g-uid',
      generation: 3,
      resourceVersion: String(++resourceVersion),
      ...(options.finalizer === false ? {} : { finalizers: [DATABRICKS_FINALIZER] }),
      ...(options.deleting ? { deletionTimestamp: DELETED } : {}),
    },
    spec: { workspaceRef: { name: 'ws' }, content: 'hello', ...options.spec },
    ...(options.status ? { status: options.status } : {}),
  };
}

/**
 * The stand-in kind: "Databricks" is a map of gadget ID to content, and every call to it is journalled.
 * `failWith` makes its next write throw.
 */
function gadgetKind(bed: InMemoryContext) {
  const remote = new Map<string, string>();
  let nextId = 100;
  let failWith: { error: unknown; at?: string } | undefined;
  const call = (what: string): void => {
    bed.journal.push(`databricks ${what}`);
    if (failWith !== undefined && (failWith.at === undefined || failWith.at === what)) {
      const { error } = failWith;
      failWith = undefined;
      throw error;
    }
  };
  const seenClients: DatabricksClient[] = [];
  const actions: ManagedActions<Gadget, GadgetStatus> = {
    async apply(object, client, checkpoint): Promise<Applied<GadgetStatus>> {
      seenClients.push(client);
      if (object.spec.content === '') {
        throw new NotReadyError('InvalidSettings', 'spec.content: empty; write something');
      }
      const known = object.status?.gadgetId;
      const matches = known !== undefined && remote.get(known) === object.spec.content;
      if (known !== undefined && matches && !object.spec.shared) {
        return { status: { gadgetId: known }, message: `gadget ${known} matches spec.content` };
      }
      const id = known ?? String(nextId++);
      if (!matches) {
        call(known === undefined ? 'create' : 'update');
        remote.set(id, object.spec.content);
        const put = note(known === undefined ? 'Created' : 'Updated', 'PutGadget', `put gadget ${id}`);
        if (!object.spec.shared) {
          return { status: { gadgetId: id }, message: `gadget ${id} matches spec.content`, events: [put] };
        }
        // Put: a retry after a failure of the share must find it in status, not put a second one.
        await checkpoint({ gadgetId: id }, [put]);
      }
      call('share');
      return {
        status: { gadgetId: id },
        message: `gadget ${id} matches spec.content and is shared`,
        events: [note('Shared', 'ShareGadget', `shared gadget ${id}`)],
      };
    },
    async cleanup(object, connect): Promise<CleanedUp> {
      const id = object.status?.gadgetId;
      const leftover = id ? { what: `gadget ${id}`, where: 'Databricks', noun: 'Gadget' } : undefined;
      const left = leftInPlace(object, bed.context, leftover);
      if (left) return left;
      await connect();
      if (id === undefined) return done;
      await deleteUnlessGone(async () => {
        call('delete');
        if (!remote.delete(id)) {
          throw new NotFoundError(
            404,
            'RESOURCE_DOES_NOT_EXIST',
            `gadget ${id} does not exist`,
            'gadgets/delete',
          );
        }
      });
      return { events: [note('Deleted', 'DeleteGadget', `deleted gadget ${id}`)] };
    },
  };
  return {
    remote,
    actions,
    seenClients,
    failNextWith: (error: unknown, at?: string) => {
      failWith = { error, ...(at === undefined ? {} : { at }) };
    },
  };
}

async function setup(object: Gadget) {
  let current = object;
  const bed = await inMemoryContext(GADGETS, () => current);
  const kind = gadgetKind(bed);
  const reconcile = (next: Gadget = current): Promise<Outcome> => {
    current = next;
    return reconcileManaged(GADGETS, next, bed.context, kind.actions);
  };
  return { ...bed, ...kind, reconcile };
}

const ready = (status: object | undefined) =>
  findCondition((status as GadgetStatus | undefined)?.conditions, 'Ready');

describe('reconcileManaged: apply', () => {
  it('adds the finalizer before any Databricks call, then writes status once and records the Event', async () => {
    const bed = await setup(gadget({ finalizer: false }));
    const outcome = await bed.reconcile();
    expect(outcome).toEqual(done);
    expect(bed.journal.map((step) => step.split(' ')[0] + ' ' + step.split(' ')[1])).toEqual([
      'finalizer add',
      'databricks create',
      'event Created',
      expect.stringMatching(/^status /),
    ]);
    expect(bed.statusPatches).toHaveLength(1);
    expect(bed.statusPatches[0]).toMatchObject({ gadgetId: '100', observedGeneration: 3 });
    expect(ready(bed.statusPatches[0])).toMatchObject({
      status: 'True',
      reason: 'Reconciled',
      message: 'gadget 100 matches spec.content',
      observedGeneration: 3,
    });
  });

  it("hands apply the workspace's client, built already, without reading a Secret", async () => {
    const bed = await setup(gadget());
    await bed.reconcile();
    expect(bed.seenClients).toEqual([bed.client]);
  });

  it('writes nothing when apply changes nothing and status already says so', async () => {
    const bed = await setup(gadget());
    await bed.reconcile();
    const written = bed.statusPatches[0] as GadgetStatus;
    bed.journal.length = 0;
    // A newer copy: the cache has caught up with the write above.
    expect(await bed.reconcile(gadget({ status: written }))).toEqual(done);
    expect(bed.journal).toEqual([]);
  });

  it('waits for the cache when the object predates its own last status write', async () => {
    const copy = gadget();
    const bed = await setup(copy);
    await bed.reconcile();
    bed.journal.length = 0;
    // The copy written over: the informer has not delivered the write yet.
    expect(await bed.reconcile(copy)).toEqual(requeueAfter(CACHE_CATCH_UP_MS));
    expect(bed.journal).toEqual([]);
  });

  it.each([
    [
      'the workspace is missing',
      (bed: InMemoryContext) => bed.dropWorkspace(),
      /does not exist in namespace team/,
    ],
    [
      'the workspace is not Ready',
      (bed: InMemoryContext) => bed.setWorkspace(workspaceObject({ ready: false })),
      /is not Ready \(InvalidCredentials: the token was rejected\)/,
    ],
  ])(
    'says WaitingForDependency, without an Event or a Databricks call, when %s',
    async (_, change, message) => {
      const bed = await setup(gadget());
      change(bed);
      const outcome = await bed.reconcile();
      expect(outcome.requeueAfterMs).toBe(5_000);
      expect(bed.journal.filter((step) => !step.startsWith('status'))).toEqual([]);
      expect(ready(bed.statusPatches[0])).toMatchObject({
        status: 'False',
        reason: 'WaitingForDependency',
        message: expect.stringMatching(message),
      });
    },
  );
});

describe('reconcileManaged: checkpoints', () => {
  it('writes a checkpoint and its Event before the next step, and Ready after it', async () => {
    const bed = await setup(gadget({ spec: { shared: true } }));
    expect(await bed.reconcile()).toEqual(done);
    expect(bed.journal.map((step) => step.replace(/ \{.*$/, ''))).toEqual([
      'databricks create',
      'event Created',
      'status',
      'databricks share',
      'event Shared',
      'status',
    ]);
    expect(bed.statusPatches[0]).toEqual({ gadgetId: '100' });
    // The second write adds only what the checkpoint did not say.
    expect(Object.keys(bed.statusPatches[1]!).sort()).toEqual(['conditions', 'observedGeneration']);
  });

  it('keeps what a checkpoint wrote when the next step fails, so the retry does not redo it', async () => {
    const bed = await setup(gadget({ spec: { shared: true } }));
    bed.failNextWith(new Error('share failed'), 'share');
    await expect(bed.reconcile()).rejects.toThrow('share failed');
    expect(bed.events.map((event) => event.reason)).toEqual(['Created', 'ReconcileError']);
    const status = { ...bed.statusPatches[0], ...bed.statusPatches[1] } as GadgetStatus;
    expect(status.gadgetId).toBe('100');
    expect(ready(status)).toMatchObject({ status: 'False', reason: 'ReconcileError' });

    bed.journal.length = 0;
    await bed.reconcile(gadget({ spec: { shared: true }, status }));
    expect(bed.journal.filter((step) => step.startsWith('databricks'))).toEqual(['databricks share']);
    expect(bed.remote.size).toBe(1);
  });

  it('records the Events a NotReadyError carries, with its status fields', async () => {
    const bed = await setup(gadget());
    bed.failNextWith(
      new NotReadyError('GadgetMoving', 'gadget 7 is moving', {
        status: { gadgetId: '7' },
        events: [note('Moved', 'MoveGadget', 'moved gadget 7')],
        warn: false,
      }),
    );
    await bed.reconcile();
    const steps = bed.journal.filter((step) => !step.startsWith('databricks'));
    expect(steps.map((step) => step.replace(/ \{.*$/, ''))).toEqual(['event Moved', 'status']);
  });
});

describe('reconcileManaged: errors become conditions', () => {
  const notFound = () => new NotFoundError(404, 'RESOURCE_DOES_NOT_EXIST', 'gone', 'gadgets/put');
  it.each<[string, unknown, { reason: string; message: RegExp; thrown: boolean; warning: boolean }]>([
    [
      'InvalidParameterError',
      new InvalidParameterError(400, 'INVALID_PARAMETER_VALUE', 'content too long', 'gadgets/put'),
      {
        reason: 'InvalidSettings',
        message: /^Databricks rejected the request: gadgets\/put: INVALID_PARAMETER_VALUE content too long$/,
        thrown: false,
        warning: true,
      },
    ],
    [
      'LimitExceededError',
      new LimitExceededError(400, 'RESOURCE_LIMIT_EXCEEDED', 'too many gadgets', 'gadgets/put'),
      { reason: 'InvalidSettings', message: /too many gadgets/, thrown: false, warning: true },
    ],
    [
      'PermissionDeniedError',
      new PermissionDeniedError(403, 'PERMISSION_DENIED', 'no', 'gadgets/put'),
      {
        reason: 'PermissionDenied',
        message: /^the workspace's principal may not do this: gadgets\/put: PERMISSION_DENIED no$/,
        thrown: false,
        warning: true,
      },
    ],
    [
      'NotReadyError(WaitingForDependency)',
      waitingFor('spec.thing: DatabricksThing t is not Ready yet'),
      { reason: 'WaitingForDependency', message: /DatabricksThing t/, thrown: false, warning: false },
    ],
    [
      'an unexplained error',
      notFound(),
      {
        reason: 'ReconcileError',
        message: /NotFoundError: .*gone; retrying with backoff$/,
        thrown: true,
        warning: true,
      },
    ],
    [
      'an error carrying a credential',
      new Error('header Authorization: Bearer dapi0123456789abcdef0123456789abcdef was refused'),
      {
        reason: 'ReconcileError',
        message: /^(?!.*dapi0123456789abcdef).*refused/,
        thrown: true,
        warning: true,
      },
    ],
  ])('%s', async (_, error, expected) => {
    const bed = await setup(gadget());
    bed.failNextWith(error);
    const attempt = bed.reconcile();
    if (expected.thrown) await expect(attempt).rejects.toBe(error);
    else expect((await attempt).requeueAfterMs).toBeGreaterThanOrEqual(5_000);
    expect(bed.statusPatches).toHaveLength(1);
    expect(ready(bed.statusPatches[0])).toMatchObject({
      status: 'False',
      reason: expected.reason,
      message: expect.stringMatching(expected.message),
      observedGeneration: 3,
    });
    expect(bed.events.map((event) => `${event.type} ${event.reason}`)).toEqual(
      expected.warning ? [`Warning ${expected.reason}`] : [],
    );
  });

  it.each([
    [
      'RateLimitedError',
      new RateLimitedError(429, 'TOO_MANY_REQUESTS', 'slow down', 'gadgets/put', undefined),
    ],
    ['DatabricksNetworkError', new DatabricksNetworkError('gadgets/put', 'ECONNRESET', 'socket hang up')],
  ])('throws %s for the work queue to back off, touching neither status nor Events', async (_, error) => {
    const bed = await setup(gadget());
    bed.failNextWith(error);
    await expect(bed.reconcile()).rejects.toBe(error);
    expect(bed.statusPatches).toEqual([]);
    expect(bed.events).toEqual([]);
  });

  it('writes the status fields a NotReadyError carries, and looks again when it says', async () => {
    const bed = await setup(gadget());
    bed.failNextWith(
      new NotReadyError('GadgetMoving', 'gadget 7 is moving', {
        status: { gadgetId: '7' },
        retryAfterMs: 250,
      }),
    );
    expect(await bed.reconcile()).toEqual(requeueAfter(250));
    expect(bed.statusPatches[0]).toMatchObject({ gadgetId: '7', observedGeneration: 3 });
    expect(ready(bed.statusPatches[0])).toMatchObject({ status: 'False', reason: 'GadgetMoving' });
  });

  it('says a ReconcileError only once: a repeat neither changes status nor records another Event', async () => {
    const bed = await setup(gadget());
    bed.failNextWith(new Error('boom'));
    await expect(bed.reconcile()).rejects.toThrow('boom');
    const status = bed.statusPatches[0] as GadgetStatus;
    bed.failNextWith(new Error('boom'));
    await expect(bed.reconcile(gadget({ status }))).rejects.toThrow('boom');
    expect(bed.events).toHaveLength(1);
    expect(bed.statusPatches).toHaveLength(1);
  });

  it('waits as long as the object has been failing, within the backoff bounds', async () => {
    const bed = await setup(gadget({ spec: { content: '' } }));
    const failingSince = (msAgo: number): GadgetStatus => ({
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'InvalidSettings',
          message: 'spec.content: empty; write something',
          observedGeneration: 3,
          lastTransitionTime: new Date(Date.now() - msAgo).toISOString(),
        },
      ],
    });
    const delay = async (msAgo: number) =>
      (await bed.reconcile(gadget({ spec: { content: '' }, status: failingSince(msAgo) }))).requeueAfterMs;
    expect(await delay(0)).toBe(5_000);
    const sixty = (await delay(60_000))!;
    expect(sixty).toBeGreaterThanOrEqual(60_000);
    expect(sixty).toBeLessThan(70_000);
    expect(await delay(3_600_000)).toBe(300_000);
  });
});

describe('reconcileManaged: deletion', () => {
  const created = { gadgetId: '100' };
  async function deleting(
    policy: GadgetSpec['deletionPolicy'],
    workspace?: Parameters<typeof workspaceObject>[0],
  ) {
    const bed = await setup(
      gadget({ deleting: true, status: created, spec: policy ? { deletionPolicy: policy } : {} }),
    );
    bed.remote.set('100', 'hello');
    if (workspace) bed.setWorkspace(workspaceObject(workspace));
    return bed;
  }

  it.each<[string, GadgetSpec['deletionPolicy'], string[], boolean]>([
    ['Delete (the default)', undefined, ['databricks delete', 'event Deleted', 'finalizer remove'], false],
    ['Delete', 'Delete', ['databricks delete', 'event Deleted', 'finalizer remove'], false],
    ['Retain', 'Retain', ['event Retained', 'finalizer remove'], true],
  ])('deletionPolicy %s', async (_, policy, journal, kept) => {
    const bed = await deleting(policy);
    expect(await bed.reconcile()).toEqual(done);
    expect(bed.journal).toEqual(journal);
    expect(bed.remote.has('100')).toBe(kept);
    expect(bed.statusPatches).toEqual([]);
  });

  it('does not clean up a second time from a copy older than its own finalizer removal', async () => {
    const bed = await deleting('Delete');
    expect(await bed.reconcile()).toEqual(done);
    bed.journal.length = 0;
    bed.remote.set('100', 'hello'); // had the delete been sent again, it would show here
    // Queued again meanwhile, the key finds the cached copy, finalizer still in place.
    expect(await bed.reconcile()).toEqual(requeueAfter(CACHE_CATCH_UP_MS));
    expect(bed.journal).toEqual([]);
    expect(bed.remote.has('100')).toBe(true);
  });

  it('counts a gadget already gone from Databricks as deleted', async () => {
    const bed = await deleting('Delete');
    bed.remote.clear();
    expect(await bed.reconcile()).toEqual(done);
    expect(bed.journal).toEqual(['databricks delete', 'event Deleted', 'finalizer remove']);
  });

  it('keeps the finalizer, saying WaitingForDependency, while the workspace is not Ready', async () => {
    const bed = await deleting('Delete', { ready: false });
    const outcome = await bed.reconcile();
    expect(outcome.requeueAfterMs).toBeGreaterThan(0);
    expect(bed.journal.filter((step) => !step.startsWith('status'))).toEqual([]);
    expect(ready(bed.statusPatches[0])).toMatchObject({ status: 'False', reason: 'WaitingForDependency' });
    expect(bed.remote.has('100')).toBe(true);
  });

  it('leaves the gadget, with a Warning, when its workspace is being deleted with its credentials gone', async () => {
    const bed = await deleting('Delete', { ready: false, deleting: true, reason: 'SecretNotFound' });
    expect(await bed.reconcile()).toEqual(done);
    expect(bed.journal).toEqual(['event Orphaned', 'finalizer remove']);
    expect(bed.events[0]).toMatchObject({ type: 'Warning', action: 'DeleteGadget' });
  });

  it('keeps the finalizer when the delete fails, and says why in Ready', async () => {
    const bed = await deleting('Delete');
    bed.failNextWith(new PermissionDeniedError(403, 'PERMISSION_DENIED', 'not yours', 'gadgets/delete'));
    expect((await bed.reconcile()).requeueAfterMs).toBeGreaterThan(0);
    expect(bed.journal.filter((step) => step.startsWith('finalizer'))).toEqual([]);
    expect(ready(bed.statusPatches[0])).toMatchObject({ status: 'False', reason: 'PermissionDenied' });
  });

  it('does nothing for an object being deleted without the finalizer', async () => {
    const bed = await setup(gadget({ deleting: true, finalizer: false, status: created }));
    expect(await bed.reconcile()).toEqual(done);
    expect(bed.journal).toEqual([]);
  });
});
