import { DATABRICKS_FINALIZER, withFinalizer } from '../../../controller/runtime/finalizer.js';
import type {
  JsonPatchOperation,
  KubeClient,
  KubeObject,
  ResourceType,
} from '../../../controller/runtime/kube-client.js';
import { done, requeueAfter, type Outcome } from '../../../controller/runtime/outcome.js';

const resource: ResourceType = { group: 'test.dev', version: 'v1', plural: 'widgets' };

function object(finalizers: string[] | undefined, deleting = false): KubeObject {
  return {
    metadata: {
      namespace: 'ns',
      name: 'w',
      resourceVersion: '42',
      ...(finalizers ? { finalizers } : {}),
      ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
  };
}

/** A client that records JSON patches and answers with the object as the server would store it. */
function patchRecorder(): { patches: JsonPatchOperation[][]; client: Pick<KubeClient, 'patchCustomObject'> } {
  const patches: JsonPatchOperation[][] = [];
  const client: Pick<KubeClient, 'patchCustomObject'> = {
    async patchCustomObject<T extends KubeObject>(
      _resource: ResourceType,
      _namespace: string,
      _name: string,
      patch: Record<string, unknown> | JsonPatchOperation[],
    ): Promise<T> {
      const operations = patch as JsonPatchOperation[];
      patches.push(operations);
      const added = operations.find((op) => op.op === 'add');
      return object(added && 'value' in added ? (added.value as string[]) : []) as T;
    },
  };
  return { patches, client };
}

function actions(cleanupOutcome: Outcome = done) {
  const calls: string[] = [];
  return {
    calls,
    apply: async (o: KubeObject) => (calls.push(`apply ${(o.metadata.finalizers ?? []).join(',')}`), done),
    cleanup: async () => (calls.push('cleanup'), cleanupOutcome),
  };
}

describe('withFinalizer', () => {
  it('adds the finalizer, guarded by the resourceVersion, before apply sees the object', async () => {
    const { patches, client } = patchRecorder();
    const act = actions();
    await withFinalizer(client, resource, object(['other.dev/keep']), act);
    expect(patches).toEqual([
      [
        { op: 'test', path: '/metadata/resourceVersion', value: '42' },
        { op: 'add', path: '/metadata/finalizers', value: ['other.dev/keep', DATABRICKS_FINALIZER] },
      ],
    ]);
    expect(act.calls).toEqual([`apply other.dev/keep,${DATABRICKS_FINALIZER}`]);
  });

  it('only applies when the finalizer is already there', async () => {
    const { patches, client } = patchRecorder();
    const act = actions();
    await withFinalizer(client, resource, object([DATABRICKS_FINALIZER]), act);
    expect(patches).toEqual([]);
    expect(act.calls).toEqual([`apply ${DATABRICKS_FINALIZER}`]);
  });

  it('removes exactly its own entry after cleanup is done, guarded by a test of that entry', async () => {
    const { patches, client } = patchRecorder();
    const act = actions(done);
    await withFinalizer(client, resource, object(['a.dev/x', DATABRICKS_FINALIZER, 'b.dev/y'], true), act);
    expect(act.calls).toEqual(['cleanup']);
    expect(patches).toEqual([
      [
        { op: 'test', path: '/metadata/finalizers/1', value: DATABRICKS_FINALIZER },
        { op: 'remove', path: '/metadata/finalizers/1' },
      ],
    ]);
  });

  it('keeps the finalizer and passes the requeue on while cleanup is not confirmed', async () => {
    const { patches, client } = patchRecorder();
    const outcome = await withFinalizer(
      client,
      resource,
      object([DATABRICKS_FINALIZER], true),
      actions(requeueAfter(5000)),
    );
    expect(outcome).toEqual({ requeueAfterMs: 5000 });
    expect(patches).toEqual([]);
  });

  it('does nothing for an object being deleted that no longer has its finalizer', async () => {
    const { patches, client } = patchRecorder();
    const act = actions();
    expect(await withFinalizer(client, resource, object(['other.dev/keep'], true), act)).toBe(done);
    expect(act.calls).toEqual([]);
    expect(patches).toEqual([]);
  });

  it('leaves the finalizer in place when cleanup throws', async () => {
    const { patches, client } = patchRecorder();
    const failing = {
      apply: async () => done,
      cleanup: async (): Promise<Outcome> => {
        throw new Error('Databricks is down');
      },
    };
    await expect(
      withFinalizer(client, resource, object([DATABRICKS_FINALIZER], true), failing),
    ).rejects.toThrow('Databricks is down');
    expect(patches).toEqual([]);
  });
});
