import { ApiException, type V1Secret } from '@kubernetes/client-node';
import {
  reconcileWorkspace,
  WORKSPACES,
  type DatabricksWorkspace,
  type WorkspaceContext,
} from '../../../../controller/reconcilers/workspace/workspace.js';
import { WorkspaceClients } from '../../../../controller/reconcilers/workspace/workspace-clients.js';
import {
  DEPENDENT_KINDS,
  type DependentStores,
} from '../../../../controller/reconcilers/workspace/workspace-dependents.js';
import { DATABRICKS_FINALIZER } from '../../../../controller/runtime/finalizer.js';
import { findCondition, type Condition } from '../../../../controller/runtime/conditions.js';
import type { EventNote } from '../../../../controller/runtime/events.js';
import { silentLogger } from '../../../../controller/runtime/logger.js';
import { StatusWriter } from '../../../../controller/runtime/status.js';
import { knownCredentials } from '../../../../controller/databricks/credential-redaction.js';

// The workspace reconciler without an API server or a workspace: what it writes and records for hosts it
// will not talk to and for errors nobody classified. Nothing here reaches the network.

/** An error as the Kubernetes client throws it. */
function kubeError(code: number, message: string): Error {
  return new ApiException(code, message, { message }, {});
}

function setup(options: { readSecret?: () => Promise<V1Secret | undefined> } = {}) {
  const patches: Record<string, unknown>[] = [];
  const events: EventNote[] = [];
  const clients = new WorkspaceClients();
  const context: WorkspaceContext & { key: string; reconcileID: string; log: typeof silentLogger } = {
    kube: {
      readSecret:
        options.readSecret ??
        (async () => ({
          metadata: { finalizers: ['databricks.operator.dev/workspace-ws'] },
          data: { token: Buffer.from('dapi-unit-test-token').toString('base64') },
        })),
      patchSecret: async () => {
        throw new Error('the Secret holds the finalizer already');
      },
      patchCustomObject: async () => {
        throw new Error('the workspace holds the finalizer already');
      },
    },
    status: new StatusWriter(
      {
        patchCustomObjectStatus: async (_resource, _namespace, _name, patch) => {
          patches.push((patch as { status: Record<string, unknown> }).status);
          return {} as never;
        },
      },
      WORKSPACES,
    ),
    clients,
    events: { record: async (_object, event) => void events.push(event) },
    timing: { readyMs: 60_000, minBackoffMs: 200, maxBackoffMs: 1_000, probeRetryBudgetMs: 0 },
    dependents: Object.fromEntries(
      DEPENDENT_KINDS.map((kind) => [kind, { get: () => undefined, keysByIndex: () => [] }]),
    ) as unknown as DependentStores,
    key: 'team/ws',
    reconcileID: 'r1',
    log: silentLogger,
  };
  return { context, patches, events, close: () => clients.closeAll() };
}

function workspace(
  spec: Partial<DatabricksWorkspace['spec']>,
  conditions?: Condition[],
): DatabricksWorkspace {
  return {
    apiVersion: `${WORKSPACES.group}/${WORKSPACES.version}`,
    kind: 'DatabricksWorkspace',
    // Past its first reconcile: it holds its finalizer and its Secret already.
    metadata: {
      name: 'ws',
      namespace: 'team',
      uid: 'u1',
      generation: 2,
      resourceVersion: '7',
      finalizers: [DATABRICKS_FINALIZER],
    },
    spec: {
      host: 'https://adb-1.azuredatabricks.net',
      auth: { token: { secretKeyRef: { name: 'pat', key: 'token' } } },
      ...spec,
    },
    status: { heldSecrets: ['pat'], ...(conditions ? { conditions } : {}) },
  };
}

function readyOf(patch: Record<string, unknown> | undefined): Condition | undefined {
  return findCondition(patch?.conditions as Condition[] | undefined, 'Ready');
}

describe('reconcileWorkspace', () => {
  afterEach(() => knownCredentials.clear());

  it('will not send credentials to a host with user:password@, and does not repeat the password', async () => {
    const bed = setup();
    await reconcileWorkspace(
      workspace({ host: 'https://admin:hunter2@adb-1.azuredatabricks.net' }),
      bed.context,
    );
    const ready = readyOf(bed.patches[0]);
    expect(ready).toMatchObject({ status: 'False', reason: 'BadHost', observedGeneration: 2 });
    expect(ready?.message).toContain(
      'spec.host "https://[REDACTED]@adb-1.azuredatabricks.net" contains user:password@',
    );
    expect(JSON.stringify([bed.patches, bed.events])).not.toContain('hunter2');
    expect(bed.events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'BadHost' })]);
    bed.close();
  });

  it('will not send credentials over plain http unless spec.insecureHttp says so', async () => {
    const bed = setup();
    await reconcileWorkspace(workspace({ host: 'http://adb-1.azuredatabricks.net' }), bed.context);
    expect(readyOf(bed.patches[0])).toMatchObject({
      status: 'False',
      reason: 'BadHost',
      message:
        'spec.host http://adb-1.azuredatabricks.net uses plain http://, which would send the credentials unencrypted: use https://, or set spec.insecureHttp: true for a local test workspace',
    });
    bed.close();
  });

  it('records the Warning for a reason only when the condition changes to it', async () => {
    const bed = setup();
    const already = workspace({ host: 'http://adb-1.azuredatabricks.net' }, [
      {
        type: 'Ready',
        status: 'False',
        reason: 'BadHost',
        message: 'an older message',
        lastTransitionTime: '2024-01-01T00:00:00Z',
      },
    ]);
    await reconcileWorkspace(already, bed.context);
    expect(bed.events).toEqual([]);
    expect(readyOf(bed.patches[0])?.lastTransitionTime).toBe('2024-01-01T00:00:00Z');
    bed.close();
  });

  it('ends an error nobody classified in Ready=False ReconcileError, redacted, and still throws it for the backoff', async () => {
    knownCredentials.add('dapi-leaked-in-an-odd-error');
    const bed = setup({
      readSecret: async () => {
        throw kubeError(403, 'secrets "pat" is forbidden (while holding dapi-leaked-in-an-odd-error)');
      },
    });
    await expect(reconcileWorkspace(workspace({}), bed.context)).rejects.toThrow('forbidden');
    expect(readyOf(bed.patches[0])).toMatchObject({
      status: 'False',
      reason: 'ReconcileError',
      message:
        'the Kubernetes API answered 403: secrets "pat" is forbidden (while holding [REDACTED]); retrying with backoff',
    });
    expect(bed.events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'ReconcileError' })]);
    bed.close();
  });

  it('leaves a transient error (the API server busy or unavailable) to the work queue alone', async () => {
    for (const code of [409, 429, 503]) {
      const bed = setup({
        readSecret: async () => {
          throw kubeError(code, `HTTP ${code}`);
        },
      });
      await expect(reconcileWorkspace(workspace({}), bed.context)).rejects.toThrow(`HTTP ${code}`);
      expect(bed.patches).toEqual([]);
      expect(bed.events).toEqual([]);
      bed.close();
    }
  });
});
