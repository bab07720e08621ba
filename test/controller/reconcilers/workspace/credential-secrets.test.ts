import { ApiException, type V1Secret } from '@kubernetes/client-node';
import {
  CredentialSecrets,
  credentialsFinalizer,
} from '../../../../controller/reconcilers/workspace/credential-secrets.js';
import {
  WORKSPACES,
  type DatabricksWorkspace,
} from '../../../../controller/reconcilers/workspace/workspace.js';
import type { JsonPatchOperation, KubeClient } from '../../../../controller/runtime/kube-client.js';
import { StatusWriter } from '../../../../controller/runtime/status.js';

// The workspace's hold on its Secrets without an API server: a fake Secret store that applies the JSON
// patches it is sent (test operations included), so what is checked is what the API server would do.

const FINALIZER = 'databricks.operator.dev/workspace-ws';

/** Secrets by name, patched as the API server patches them: a failed `test` is a 422. */
function secretStore(initial: Record<string, V1Secret>) {
  const secrets = new Map(Object.entries(structuredClone(initial)));
  const patches: { name: string; patch: JsonPatchOperation[] }[] = [];
  let version = 1;
  /** Runs before a patch is applied: a concurrent writer, or a refusal. */
  let beforePatch: (name: string) => void = () => undefined;
  const kube: Pick<KubeClient, 'readSecret' | 'patchSecret'> = {
    readSecret: async (_namespace, name) => structuredClone(secrets.get(name)),
    patchSecret: async (_namespace, name, patch) => {
      patches.push({ name, patch });
      beforePatch(name);
      const secret = secrets.get(name);
      if (!secret) throw new ApiException(404, 'not found', {}, {});
      const metadata = (secret.metadata ??= {});
      for (const op of patch) {
        const finalizers = metadata.finalizers ?? [];
        if (op.op === 'test') {
          const actual =
            op.path === '/metadata/resourceVersion'
              ? metadata.resourceVersion
              : finalizers[Number(op.path.split('/').pop())];
          if (actual !== op.value) throw new ApiException(422, 'test failed', {}, {});
        } else if (op.op === 'add') {
          metadata.finalizers = op.value as string[];
        } else if (op.op === 'remove') {
          metadata.finalizers = finalizers.filter((_, i) => i !== Number(op.path.split('/').pop()));
        }
      }
      metadata.resourceVersion = String(++version);
      return structuredClone(secret);
    },
  };
  return {
    kube,
    secrets,
    patches,
    set beforePatch(hook: (name: string) => void) {
      beforePatch = hook;
    },
  };
}

function secret(finalizers: string[] = [], deleting = false): V1Secret {
  return {
    metadata: {
      resourceVersion: '1',
      finalizers,
      ...(deleting ? { deletionTimestamp: new Date('2026-01-01T00:00:00Z') } : {}),
    },
    data: { token: Buffer.from('dapi-x').toString('base64') },
  };
}

function workspace(secretName: string, heldSecrets?: string[]): DatabricksWorkspace {
  return {
    metadata: { namespace: 'team', name: 'ws', uid: 'u1', resourceVersion: '3' },
    spec: { host: 'https://h', auth: { token: { secretKeyRef: { name: secretName, key: 'token' } } } },
    ...(heldSecrets ? { status: { heldSecrets } } : {}),
  };
}

function statusRecorder() {
  const written: Record<string, unknown>[] = [];
  const status = new StatusWriter(
    {
      patchCustomObjectStatus: async (_resource, _namespace, _name, patch) => {
        written.push((patch as { status: Record<string, unknown> }).status);
        return {} as never;
      },
    },
    WORKSPACES,
  );
  return { status, written };
}

describe('CredentialSecrets', () => {
  it('records the Secret in status before it puts its finalizer on it, keeping finalizers others put there', async () => {
    const store = secretStore({ pat: secret(['someone.else/keep']) });
    const { status, written } = statusRecorder();
    const order: string[] = [];
    store.beforePatch = () => order.push(`patch after ${written.length} status write(s)`);

    const held = await new CredentialSecrets(store.kube, status).hold(workspace('pat'));
    expect(written).toEqual([{ heldSecrets: ['pat'] }]);
    expect(order).toEqual(['patch after 1 status write(s)']);
    expect(store.secrets.get('pat')?.metadata?.finalizers).toEqual(['someone.else/keep', FINALIZER]);
    expect(held.workspace.status?.heldSecrets).toEqual(['pat']);
    expect(held.secrets.get('pat')?.data?.['token']).toBeDefined();
    expect(held.problems).toEqual([]);
  });

  it('writes nothing when the Secret is held already', async () => {
    const store = secretStore({ pat: secret([FINALIZER]) });
    const { status, written } = statusRecorder();
    const held = await new CredentialSecrets(store.kube, status).hold(workspace('pat', ['pat']));
    expect(written).toEqual([]);
    expect(store.patches).toEqual([]);
    expect(held.secrets.has('pat')).toBe(true);
  });

  it('reads a Secret changed meanwhile again and patches that version, losing nothing written in between', async () => {
    const store = secretStore({ pat: secret() });
    const { status } = statusRecorder();
    let raced = false;
    store.beforePatch = (name) => {
      if (raced) return;
      raced = true;
      // Someone rotates the value and adds a finalizer between our read and our patch.
      const current = store.secrets.get(name)!;
      current.data = { token: Buffer.from('dapi-rotated').toString('base64') };
      current.metadata = { ...current.metadata, resourceVersion: '77', finalizers: ['late.dev/x'] };
    };
    await new CredentialSecrets(store.kube, status).hold(workspace('pat', ['pat']));
    expect(store.patches).toHaveLength(2);
    expect(store.secrets.get('pat')?.metadata?.finalizers).toEqual(['late.dev/x', FINALIZER]);
    expect(Buffer.from(store.secrets.get('pat')?.data?.['token'] ?? '', 'base64').toString()).toBe(
      'dapi-rotated',
    );
  });

  it('does not try to hold a Secret that is being deleted already, and skips one that does not exist', async () => {
    const store = secretStore({ pat: secret([], true) });
    const { status } = statusRecorder();
    const held = await new CredentialSecrets(store.kube, status).hold(workspace('pat', ['pat']));
    expect(store.patches).toEqual([]);
    expect(held.secrets.has('pat')).toBe(true);

    const missing = await new CredentialSecrets(store.kube, status).hold(workspace('gone', ['gone']));
    expect(missing.secrets.size).toBe(0);
    expect(missing.problems).toEqual([]);
  });

  it('reports a Secret it may not patch as a problem, and still hands the Secret to the probe', async () => {
    const store = secretStore({ pat: secret() });
    store.beforePatch = () => {
      throw new ApiException(403, 'secrets "pat" is forbidden', {}, {});
    };
    const { status } = statusRecorder();
    const held = await new CredentialSecrets(store.kube, status).hold(workspace('pat', ['pat']));
    expect(held.secrets.has('pat')).toBe(true);
    expect(held.problems).toEqual([
      expect.stringMatching(
        /^could not add finalizer databricks\.operator\.dev\/workspace-ws to Secret team\/pat: the Kubernetes API answered 403/,
      ),
    ]);
  });

  it('lets go of a Secret the spec no longer names, then drops it from status', async () => {
    const store = secretStore({ old: secret([FINALIZER, 'other/keep']), pat: secret() });
    const { status, written } = statusRecorder();
    const held = await new CredentialSecrets(store.kube, status).hold(workspace('pat', ['old']));
    expect(written).toEqual([{ heldSecrets: ['old', 'pat'] }, { heldSecrets: ['pat'] }]);
    expect(store.secrets.get('old')?.metadata?.finalizers).toEqual(['other/keep']);
    expect(store.secrets.get('pat')?.metadata?.finalizers).toEqual([FINALIZER]);
    expect(held.workspace.status?.heldSecrets).toEqual(['pat']);
  });

  it('releases every Secret it holds or names, removing only its own entry', async () => {
    const store = secretStore({ old: secret([FINALIZER]), pat: secret(['a/b', FINALIZER]) });
    const { status } = statusRecorder();
    const released = await new CredentialSecrets(store.kube, status).releaseAll(workspace('pat', ['old']));
    expect(released).toEqual(['old', 'pat']);
    expect(store.secrets.get('old')?.metadata?.finalizers).toEqual([]);
    expect(store.secrets.get('pat')?.metadata?.finalizers).toEqual(['a/b']);
    expect(store.patches.map(({ patch }) => patch)).toContainEqual([
      { op: 'test', path: '/metadata/finalizers/1', value: FINALIZER },
      { op: 'remove', path: '/metadata/finalizers/1' },
    ]);
  });
});

describe('credentialsFinalizer', () => {
  it('names the workspace, one finalizer per workspace', () => {
    expect(credentialsFinalizer('prod')).toBe('databricks.operator.dev/workspace-prod');
  });

  it('cuts a name too long for a finalizer and adds a hash of it, so it stays a valid and unique name', () => {
    const long = `team.${'a'.repeat(80)}`;
    const finalizer = credentialsFinalizer(long);
    const [, name] = finalizer.split('/');
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/);
    expect(credentialsFinalizer(`${long}b`)).not.toBe(finalizer);
  });
});
