import type { KubeClient, KubeObject, ResourceType } from '../../../controller/runtime/kube-client.js';
import { mergePatchBetween } from '../../../controller/runtime/merge-patch.js';
import { StatusWriter } from '../../../controller/runtime/status.js';

describe('mergePatchBetween', () => {
  it('is undefined when the values are equal, whatever the key order', () => {
    expect(mergePatchBetween({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBeUndefined();
  });

  it('contains only what changed, nested', () => {
    expect(mergePatchBetween({ a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 2, d: 4 } })).toEqual({
      b: { d: 4 },
    });
  });

  it('sets fields missing from the desired value to null so the server removes them', () => {
    expect(mergePatchBetween({ a: 1, url: 'x' }, { a: 1 })).toEqual({ url: null });
  });

  it('replaces arrays whole', () => {
    expect(mergePatchBetween({ list: [1, 2, 3] }, { list: [1, 2] })).toEqual({ list: [1, 2] });
  });

  it('ignores undefined values in the desired object', () => {
    expect(mergePatchBetween({ a: 1 }, { a: 1, b: undefined })).toBeUndefined();
  });
});

describe('StatusWriter', () => {
  const resource: ResourceType = { group: 'test.dev', version: 'v1', plural: 'widgets' };
  const object = (status?: Record<string, unknown>): KubeObject & { status?: Record<string, unknown> } => ({
    metadata: { namespace: 'ns', name: 'w' },
    ...(status ? { status } : {}),
  });

  function recordingClient(): {
    patches: Record<string, unknown>[];
    client: Pick<KubeClient, 'patchCustomObjectStatus'>;
  } {
    const patches: Record<string, unknown>[] = [];
    const client: Pick<KubeClient, 'patchCustomObjectStatus'> = {
      async patchCustomObjectStatus<T extends KubeObject>(
        _resource: ResourceType,
        _namespace: string,
        _name: string,
        patch: Record<string, unknown>,
      ): Promise<T> {
        patches.push(patch);
        return object() as T;
      },
    };
    return { patches, client };
  }

  it('writes nothing when the status is already as desired', async () => {
    const client = recordingClient();
    const writer = new StatusWriter(client.client, resource);
    expect(await writer.update(object({ jobId: 1, url: 'u' }), { url: 'u', jobId: 1 })).toBe(false);
    expect(client.patches).toEqual([]);
    expect(writer.writes).toBe(0);
  });

  it('merge-patches only the changed fields of status', async () => {
    const client = recordingClient();
    const writer = new StatusWriter(client.client, resource);
    expect(await writer.update(object({ jobId: 1, url: 'u' }), { jobId: 2, url: 'u' })).toBe(true);
    expect(client.patches).toEqual([{ status: { jobId: 2 } }]);
    expect(writer.writes).toBe(1);
  });

  it('writes the whole status when the object has none yet', async () => {
    const client = recordingClient();
    const writer = new StatusWriter(client.client, resource);
    await writer.update(object(), { jobId: 7 });
    expect(client.patches).toEqual([{ status: { jobId: 7 } }]);
  });

  it('knows a cached copy from before its own write, and nothing else, as stale', async () => {
    const client = recordingClient();
    const writer = new StatusWriter(client.client, resource);
    const at = (resourceVersion: string, uid = 'u-1') => ({
      ...object({ jobId: 1 }),
      metadata: { namespace: 'ns', name: 'w', uid, resourceVersion },
    });
    expect(writer.precedesOwnWrite(at('5'))).toBe(false);
    await writer.update(at('5'), { jobId: 2 });
    expect(writer.precedesOwnWrite(at('5'))).toBe(true);
    expect(writer.precedesOwnWrite(at('6'))).toBe(false);
    expect(writer.precedesOwnWrite(at('5', 'another-object'))).toBe(false);
    // An unchanged status is no write, so the copy it was compared with is current.
    await writer.update(at('6'), { jobId: 1 });
    expect(writer.precedesOwnWrite(at('6'))).toBe(false);
  });

  it('knows the version its own first write produced as stale once a second write went over it', async () => {
    // The API server numbers each write: the patch of a copy at 5 produces 6, the next one 7.
    let version = 5;
    const writer = new StatusWriter(
      {
        async patchCustomObjectStatus<T extends KubeObject>(): Promise<T> {
          version++;
          return { metadata: { name: 'w', resourceVersion: String(version) } } as T;
        },
      },
      resource,
    );
    const at = (resourceVersion: string, status: Record<string, unknown>) => ({
      ...object(status),
      metadata: { namespace: 'ns', name: 'w', uid: 'u-1', resourceVersion },
    });
    // A checkpoint and then the result, both written from the copy the reconcile read (5).
    await writer.update(at('5', { step: 0 }), { step: 1 });
    await writer.update(at('5', { step: 1 }), { step: 2 });
    // The cache may still hold what the checkpoint produced (6): a reconcile from it would redo step 2.
    expect(writer.precedesOwnWrite(at('6', { step: 1 }))).toBe(true);
    expect(writer.precedesOwnWrite(at('5', { step: 0 }))).toBe(true);
    expect(writer.precedesOwnWrite(at('7', { step: 2 }))).toBe(false);
  });
});
