/**
 * The objects that need a DatabricksWorkspace to clean up after themselves, as Crossplane's
 * ProviderConfigUsage counts the users of a ProviderConfig. A workspace being deleted keeps its
 * finalizer while any of them exists, so deleting a whole app (or namespace) at once never leaves an
 * object unable to delete, pause or cancel what it made in Databricks.
 *
 * Who needs it: every object of its namespace whose `spec.workspaceRef` names it and whose deletion must
 * reach Databricks: `deletionPolicy` Delete (the default) or Pause, and a DatabricksRun that has not
 * ended and would be cancelled (`cancelOnDelete`, the default). Retain objects, ended runs and runs left
 * running leave Databricks alone, so they do not hold it.
 */
import { findCondition, type Condition } from '../../runtime/conditions.js';
import type { KubeObject } from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import { WORKSPACE_INDEX } from '../managed/managed.js';

/** The kinds that live in a DatabricksWorkspace, in the order a waiting workspace names them. */
export const DEPENDENT_KINDS = [
  'DatabricksJob',
  'DatabricksRun',
  'DatabricksCluster',
  'DatabricksSecretScope',
  'DatabricksNotebook',
  'DatabricksDbfsFile',
  'DatabricksGitCredential',
  'DatabricksSqlWarehouse',
  'DatabricksRepo',
  'DatabricksPipeline',
  'DatabricksClusterPolicy',
  'DatabricksInstancePool',
] as const;

export type DependentKind = (typeof DEPENDENT_KINDS)[number];

/** What the workspace reads of a dependent: the fields of every kind that decide whether it needs it. */
export type Dependent = KubeObject & {
  spec: { workspaceRef: { name: string }; deletionPolicy?: string; cancelOnDelete?: boolean };
  status?: { conditions?: Condition[] };
};

/** Each dependent kind's cache, indexed by workspace key under {@link WORKSPACE_INDEX}. */
export type DependentStores = Readonly<
  Record<DependentKind, Pick<ObjectStore<Dependent>, 'get' | 'keysByIndex'>>
>;

/** One object a workspace being deleted waits for. */
export interface WaitingDependent {
  readonly kind: DependentKind;
  readonly name: string;
  /** Deleted already, and cleaning up now. */
  readonly deleting: boolean;
}

/** Whether deleting `object` has to reach Databricks through its workspace. */
export function needsWorkspace(kind: DependentKind, object: Dependent): boolean {
  if (kind === 'DatabricksRun') {
    // A run whose end is in status has nothing to cancel (run.ts never looks at it again).
    const ended = findCondition(object.status?.conditions, 'Failed') !== undefined;
    return (object.spec.cancelOnDelete ?? true) && !ended;
  }
  return (object.spec.deletionPolicy ?? 'Delete') !== 'Retain';
}

/** Whether a change to a dependent can change what its workspace waits for. */
export function dependentChanged(kind: DependentKind, previous: Dependent, current: Dependent): boolean {
  return (
    needsWorkspace(kind, previous) !== needsWorkspace(kind, current) ||
    previous.metadata.deletionTimestamp !== current.metadata.deletionTimestamp
  );
}

/** The objects that still need the workspace `workspaceKey` (`namespace/name`), by kind, then name. */
export function dependentsNeeding(workspaceKey: string, stores: DependentStores): WaitingDependent[] {
  const waiting: WaitingDependent[] = [];
  for (const kind of DEPENDENT_KINDS) {
    const store = stores[kind];
    const objects = store
      .keysByIndex(WORKSPACE_INDEX, workspaceKey)
      .map((key) => store.get(key))
      .filter((object): object is Dependent => object !== undefined && needsWorkspace(kind, object))
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    for (const object of objects) {
      waiting.push({ kind, name: object.metadata.name, deleting: !!object.metadata.deletionTimestamp });
    }
  }
  return waiting;
}

/** How many dependents a message names before it says how many more there are. */
const SHOWN_DEPENDENTS = 5;

/**
 * `DatabricksJob etl (being deleted), DatabricksSecretScope creds, ... (3 more)`: the dependents a
 * condition names, those being deleted first (they are the ones moving).
 */
export function describeDependents(dependents: readonly WaitingDependent[]): string {
  const ordered = [...dependents.filter((d) => d.deleting), ...dependents.filter((d) => !d.deleting)];
  const shown = ordered
    .slice(0, SHOWN_DEPENDENTS)
    .map(({ kind, name, deleting }) => `${kind} ${name}${deleting ? ' (being deleted)' : ''}`);
  const more = ordered.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` (${more} more)` : ''}`;
}
