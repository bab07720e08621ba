/**
 * A {@link ManagedContext} held in memory, for unit tests of `reconcileManaged` and of a kind's apply and
 * cleanup: no API server, no HTTP. Every step that would leave the process is appended to one journal,
 * in order (`finalizer add`, `status {...}`, `event Created`, and whatever the test's Databricks stand-in
 * appends), so a test can say what happened before what.
 */
import type { V1Secret } from '@kubernetes/client-node';
import type {
  ManagedContext,
  ManagedObject,
  ManagedStatus,
} from '../../../../controller/reconcilers/managed/managed.js';
import type { DatabricksWorkspace } from '../../../../controller/reconcilers/workspace/workspace.js';
import { WorkspaceClients } from '../../../../controller/reconcilers/workspace/workspace-clients.js';
import type { ReconcileContext } from '../../../../controller/runtime/controller.js';
import type { EventNote } from '../../../../controller/runtime/events.js';
import type {
  JsonPatchOperation,
  KubeObject,
  ResourceType,
} from '../../../../controller/runtime/kube-client.js';
import { silentLogger } from '../../../../controller/runtime/logger.js';
import { StatusWriter } from '../../../../controller/runtime/status.js';
import type { DatabricksClient } from '../../../../controller/databricks/index.js';

export const WORKSPACE_KEY = 'team/ws';
const DAY_ONE = '2026-01-01T00:00:00Z';

/** The DatabricksWorkspace `ws` of namespace `team`, Ready unless told otherwise. */
export function workspaceObject(
  options: { ready?: boolean; deleting?: boolean; reason?: string } = {},
): DatabricksWorkspace {
  const ready = options.ready ?? true;
  return {
    metadata: {
      namespace: 'team',
      name: 'ws',
      uid: 'ws-uid',
      generation: 1,
      ...(options.deleting ? { deletionTimestamp: DAY_ONE } : {}),
    },
    spec: {
      host: 'https://adb-1.azuredatabricks.net',
      auth: { token: { secretKeyRef: { name: 'pat', key: 'token' } } },
    },
    status: {
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: options.reason ?? (ready ? 'Authenticated' : 'InvalidCredentials'),
          message: ready ? 'authenticated as unit-test' : 'the token was rejected',
          lastTransitionTime: DAY_ONE,
        },
      ],
    },
  };
}

const PAT: V1Secret = {
  metadata: { name: 'pat', resourceVersion: '1' },
  data: { token: Buffer.from('dapi-in-memory-context-token').toString('base64') },
};

/** What {@link inMemoryContext} returns: the context and everything it saw. */
export interface InMemoryContext {
  readonly context: ManagedContext & ReconcileContext;
  /** Every step in order: `finalizer add`, `finalizer remove`, `status <json>`, `event <reason>`, ... */
  readonly journal: string[];
  /** Status merge patches as sent. */
  readonly statusPatches: Record<string, unknown>[];
  /** Events as recorded. */
  readonly events: EventNote[];
  /** The workspace's client, as the managed machinery hands it to apply (never used for HTTP here). */
  readonly client: DatabricksClient;
  /** Removes the workspace from the cache, as when it was deleted. */
  dropWorkspace(): void;
  /** Replaces the workspace in the cache. */
  setWorkspace(workspace: DatabricksWorkspace): void;
}

/**
 * A context whose API server is a recorder: finalizer patches answer with the object as the server would
 * store it, status patches are journalled, the workspace cache holds {@link workspaceObject} and its
 * client is built in advance, as the workspace reconciler would have.
 */
export async function inMemoryContext<
  T extends ManagedObject<{ workspaceRef: { name: string } }, ManagedStatus>,
>(resource: ResourceType, object: () => T): Promise<InMemoryContext> {
  const journal: string[] = [];
  const statusPatches: Record<string, unknown>[] = [];
  const events: EventNote[] = [];
  let workspace: DatabricksWorkspace | undefined = workspaceObject();
  const clients = new WorkspaceClients();
  const client = await clients.clientFor(WORKSPACE_KEY, 'team', workspace.spec, new Map([['pat', PAT]]));
  const context: ManagedContext & ReconcileContext = {
    kube: {
      async patchCustomObject<U extends KubeObject>(
        _resource: ResourceType,
        _namespace: string,
        _name: string,
        patch: Record<string, unknown> | JsonPatchOperation[],
      ): Promise<U> {
        const operations = patch as JsonPatchOperation[];
        const added = operations.find((operation) => operation.op === 'add');
        journal.push(added ? 'finalizer add' : 'finalizer remove');
        const current = object();
        const finalizers =
          added && 'value' in added ? (added.value as string[]) : current.metadata.finalizers;
        return {
          ...current,
          metadata: { ...current.metadata, resourceVersion: '2', finalizers },
        } as unknown as U;
      },
      readSecret: async () => structuredClone(PAT),
    },
    status: new StatusWriter(
      {
        patchCustomObjectStatus: async (_resource, _namespace, _name, patch) => {
          const status = (patch as { status: Record<string, unknown> }).status;
          statusPatches.push(status);
          journal.push(`status ${JSON.stringify(status)}`);
          return {} as never;
        },
      },
      resource,
    ),
    events: {
      record: async (_object: KubeObject, event: EventNote) => {
        events.push(event);
        journal.push(`event ${event.reason}`);
      },
    },
    workspaces: { get: (key) => (key === WORKSPACE_KEY ? workspace : undefined) },
    clients,
    notReadyBackoff: { minMs: 5_000, maxMs: 300_000 },
    key: 'team/object',
    reconcileID: 'unit',
    log: silentLogger,
  };
  return {
    context,
    journal,
    statusPatches,
    events,
    client,
    dropWorkspace: () => {
      workspace = undefined;
    },
    setWorkspace: (replacement) => {
      workspace = replacement;
    },
  };
}
