import type { V1Secret } from '@kubernetes/client-node';
import { WORKSPACE_INDEX, workspaceKeyOf } from '../../../../controller/reconcilers/managed/managed.js';
import {
  reconcileWorkspace,
  WORKSPACES,
  type DatabricksWorkspace,
} from '../../../../controller/reconcilers/workspace/workspace.js';
import { WorkspaceClients } from '../../../../controller/reconcilers/workspace/workspace-clients.js';
import {
  DEPENDENT_KINDS,
  dependentChanged,
  dependentsNeeding,
  describeDependents,
  needsWorkspace,
  type Dependent,
  type DependentKind,
  type DependentStores,
} from '../../../../controller/reconcilers/workspace/workspace-dependents.js';
import { findCondition, type Condition } from '../../../../controller/runtime/conditions.js';
import type { EventNote } from '../../../../controller/runtime/events.js';
import { DATABRICKS_FINALIZER } from '../../../../controller/runtime/finalizer.js';
import type { JsonPatchOperation } from '../../../../controller/runtime/kube-client.js';
import { silentLogger } from '../../../../controller/runtime/logger.js';
import { ObjectStore, type IndexFunction } from '../../../../controller/runtime/object-store.js';
import { StatusWriter } from '../../../../controller/runtime/status.js';

const DELETED = '2026-01-01T00:00:00Z';

function dependent(
  name: string,
  spec: Partial<Dependent['spec']> = {},
  extra: { deleting?: boolean; workspace?: string; namespace?: string; conditions?: Condition[] } = {},
): Dependent {
  return {
    metadata: {
      namespace: extra.namespace ?? 'team',
      name,
      ...(extra.deleting ? { deletionTimestamp: DELETED, finalizers: [DATABRICKS_FINALIZER] } : {}),
    },
    spec: { workspaceRef: { name: extra.workspace ?? 'ws' }, ...spec },
    ...(extra.conditions ? { status: { conditions: extra.conditions } } : {}),
  };
}

/** Each kind's cache holding the given objects, indexed by workspace as the operator indexes them. */
function stores(objects: Partial<Record<DependentKind, Dependent[]>>): DependentStores {
  return Object.fromEntries(
    DEPENDENT_KINDS.map((kind) => {
      const store = new ObjectStore<Dependent>();
      store.addIndex(WORKSPACE_INDEX, workspaceKeyOf as IndexFunction<Dependent>);
      for (const object of objects[kind] ?? []) store.upsert(object);
      return [kind, store];
    }),
  ) as unknown as DependentStores;
}

const ended: Condition[] = [
  { type: 'Failed', status: 'False', reason: 'RunFinished', message: '', lastTransitionTime: DELETED },
];

describe('what a workspace being deleted waits for', () => {
  it('waits for objects whose deletion reaches Databricks: Delete, Pause, and runs that would be cancelled', () => {
    expect(needsWorkspace('DatabricksJob', dependent('a'))).toBe(true);
    expect(needsWorkspace('DatabricksJob', dependent('a', { deletionPolicy: 'Pause' }))).toBe(true);
    expect(needsWorkspace('DatabricksJob', dependent('a', { deletionPolicy: 'Retain' }))).toBe(false);
    expect(needsWorkspace('DatabricksCluster', dependent('a', { deletionPolicy: 'Delete' }))).toBe(true);
    expect(needsWorkspace('DatabricksRun', dependent('r'))).toBe(true);
    expect(needsWorkspace('DatabricksRun', dependent('r', { cancelOnDelete: false }))).toBe(false);
    expect(needsWorkspace('DatabricksRun', dependent('r', {}, { conditions: ended }))).toBe(false);
  });

  it('lists only its own namespace and workspace, by kind then name', () => {
    const found = dependentsNeeding(
      'team/ws',
      stores({
        DatabricksJob: [
          dependent('b'),
          dependent('a', {}, { deleting: true }),
          dependent('kept', { deletionPolicy: 'Retain' }),
        ],
        DatabricksSecretScope: [
          dependent('creds'),
          dependent('elsewhere', {}, { workspace: 'other' }),
          dependent('next-door', {}, { namespace: 'other-team' }),
        ],
      }),
    );
    expect(found).toEqual([
      { kind: 'DatabricksJob', name: 'a', deleting: true },
      { kind: 'DatabricksJob', name: 'b', deleting: false },
      { kind: 'DatabricksSecretScope', name: 'creds', deleting: false },
    ]);
  });

  it('names those being deleted first, and counts the rest past five', () => {
    const waiting = [
      ...['a', 'b', 'c', 'd', 'e', 'f'].map((name) => ({
        kind: 'DatabricksJob' as const,
        name,
        deleting: false,
      })),
      { kind: 'DatabricksNotebook' as const, name: 'nb', deleting: true },
    ];
    expect(describeDependents(waiting)).toBe(
      'DatabricksNotebook nb (being deleted), DatabricksJob a, DatabricksJob b, DatabricksJob c, DatabricksJob d (2 more)',
    );
  });

  it('counts as a change only what can change the wait: the deletion policy, a run ending, being deleted', () => {
    const job = dependent('a');
    expect(dependentChanged('DatabricksJob', job, dependent('a', { deletionPolicy: 'Retain' }))).toBe(true);
    expect(dependentChanged('DatabricksJob', job, dependent('a', {}, { deleting: true }))).toBe(true);
    expect(dependentChanged('DatabricksRun', dependent('r'), dependent('r', {}, { conditions: ended }))).toBe(
      true,
    );
    expect(dependentChanged('DatabricksJob', job, dependent('a', {}, { conditions: ended }))).toBe(false);
  });
});

describe('reconcileWorkspace of a workspace being deleted', () => {
  /** A deleted workspace, verified a moment ago, whose client this process holds. */
  function setup(dependents: DependentStores) {
    const written: Record<string, unknown>[] = [];
    const events: EventNote[] = [];
    const finalizerPatches: JsonPatchOperation[][] = [];
    const secretPatches: JsonPatchOperation[][] = [];
    const secret: V1Secret = {
      metadata: { resourceVersion: '5', finalizers: ['databricks.operator.dev/workspace-ws'] },
      data: { token: Buffer.from('dapi-unit-test-token').toString('base64') },
    };
    const clients = new WorkspaceClients();
    const workspace: DatabricksWorkspace = {
      metadata: {
        namespace: 'team',
        name: 'ws',
        uid: 'u1',
        generation: 2,
        resourceVersion: '9',
        deletionTimestamp: DELETED,
        finalizers: [DATABRICKS_FINALIZER],
      },
      spec: {
        host: 'https://adb-1.azuredatabricks.net',
        auth: { token: { secretKeyRef: { name: 'pat', key: 'token' } } },
      },
      status: {
        observedGeneration: 2,
        heldSecrets: ['pat'],
        lastVerifiedTime: new Date().toISOString(),
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Authenticated',
            message: 'authenticated as x',
            lastTransitionTime: DELETED,
          },
        ],
      },
    };
    const context = {
      kube: {
        readSecret: async () => structuredClone(secret),
        patchSecret: async (_namespace: string, _name: string, patch: JsonPatchOperation[]) => {
          secretPatches.push(patch);
          return secret;
        },
        patchCustomObject: async <T>(_r: unknown, _n: string, _name: string, patch: unknown) => {
          finalizerPatches.push(patch as JsonPatchOperation[]);
          return {} as T;
        },
      },
      status: new StatusWriter(
        {
          patchCustomObjectStatus: async (_resource, _namespace, _name, patch) => {
            written.push((patch as { status: Record<string, unknown> }).status);
            return {} as never;
          },
        },
        WORKSPACES,
      ),
      clients,
      events: { record: async (_object: unknown, event: EventNote) => void events.push(event) },
      timing: { readyMs: 60_000, minBackoffMs: 200, maxBackoffMs: 1_000, probeRetryBudgetMs: 0 },
      dependents,
      key: 'team/ws',
      reconcileID: 'r1',
      log: silentLogger,
    };
    return { workspace, context, written, events, finalizerPatches, secretPatches, secret, clients };
  }

  it('keeps its finalizer while an object needs it, naming it in Deleting, and does not probe again so soon', async () => {
    const bed = setup(stores({ DatabricksJob: [dependent('etl', {}, { deleting: true })] }));
    // The client this process built: no probe is due.
    await bed.clients.clientFor('team/ws', 'team', bed.workspace.spec, new Map([['pat', bed.secret]]));

    const outcome = await reconcileWorkspace(bed.workspace, bed.context);
    expect(outcome.requeueAfterMs).toBeGreaterThan(50_000);
    expect(bed.finalizerPatches).toEqual([]);
    expect(bed.secretPatches).toEqual([]);
    const deleting = findCondition(bed.written[0]?.conditions as Condition[], 'Deleting');
    expect(deleting).toMatchObject({ status: 'True', reason: 'WaitingForDependents' });
    expect(deleting?.message).toMatch(
      /^waiting for 1 object\(s\) that need this workspace to clean up in Databricks: DatabricksJob etl \(being deleted\)\. /,
    );
    expect(findCondition(bed.written[0]?.conditions as Condition[], 'Ready')?.status).toBe('True');
    expect(bed.events.map((event) => event.reason)).toEqual(['WaitingForDependents']);
    bed.clients.closeAll();
  });

  it('lets its Secrets go, then its own finalizer, once nothing needs it', async () => {
    const bed = setup(
      stores({ DatabricksJob: [dependent('kept', { deletionPolicy: 'Retain' }, { deleting: true })] }),
    );
    const outcome = await reconcileWorkspace(bed.workspace, bed.context);
    expect(outcome.requeueAfterMs ?? 0).toBe(0);
    expect(bed.secretPatches).toEqual([
      [
        { op: 'test', path: '/metadata/finalizers/0', value: 'databricks.operator.dev/workspace-ws' },
        { op: 'remove', path: '/metadata/finalizers/0' },
      ],
    ]);
    expect(bed.finalizerPatches).toEqual([
      [
        { op: 'test', path: '/metadata/finalizers/0', value: DATABRICKS_FINALIZER },
        { op: 'remove', path: '/metadata/finalizers/0' },
      ],
    ]);
    expect(bed.events).toEqual([
      expect.objectContaining({
        reason: 'Released',
        note: 'no object needs this workspace any more; its finalizer is off Secret pat',
      }),
    ]);
  });
});
