/**
 * What every kind's cleanup shares: `deletionPolicy` Retain leaves the Databricks object, a workspace
 * that can no longer reach it leaves it too (with a Warning naming it), and a delete that finds the
 * object gone already has done its work.
 */
import { unlessMissing } from '../../databricks/index.js';
import { findCondition } from '../../runtime/conditions.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import { done } from '../../runtime/outcome.js';
import { note, warning } from './event-notes.js';
import {
  workspaceKeyOf,
  type CleanedUp,
  type ManagedContext,
  type ManagedObject,
  type ManagedStatus,
} from './managed.js';
import type { DatabricksWorkspace } from '../workspace/workspace-types.js';

/** How a cleanup's Events name the Databricks object it leaves or deletes. */
export interface Leftover {
  /** What it is: `job 123`, `secret scope etl`, `/Shared/etl.py`. */
  readonly what: string;
  /** Where it stays: `Databricks`, `the workspace`, `DBFS`. */
  readonly where: string;
  /** The end of the Events' actions: `Job` gives `RetainJob` and `DeleteJob`. */
  readonly noun: string;
}

/**
 * Ready=False reasons of a workspace that mean its credentials are gone or no longer work: the Secret was
 * deleted by hand (its finalizer stripped), emptied, or holds a credential Databricks rejects.
 */
const CREDENTIALS_GONE: ReadonlySet<string> = new Set([
  'SecretNotFound',
  'SecretKeyMissing',
  'InvalidAuthSpec',
  'InvalidCredentials',
]);

/**
 * Why the object's workspace can no longer clean up in Databricks, or undefined while it still may:
 * - the DatabricksWorkspace is gone (deleted before this controller held it with a finalizer, or that
 *   finalizer was removed by hand);
 * - it is being deleted itself and its credentials are gone. Waiting would hold both objects forever:
 *   the workspace waits for this object, and this object for credentials nobody will restore.
 * A workspace that is not being deleted may still get its credentials back, so its objects wait.
 */
export function unreachableWorkspace(
  object: ManagedObject<{ workspaceRef: { name: string } }, ManagedStatus>,
  workspaces: Pick<ObjectStore<DatabricksWorkspace>, 'get'>,
): string | undefined {
  const name = object.spec.workspaceRef.name;
  const workspace = workspaces.get(workspaceKeyOf(object)[0]);
  if (!workspace) return `DatabricksWorkspace ${name} is gone`;
  if (!workspace.metadata.deletionTimestamp) return undefined;
  const ready = findCondition(workspace.status?.conditions, 'Ready');
  if (ready?.status !== 'False' || !CREDENTIALS_GONE.has(ready.reason)) return undefined;
  return `DatabricksWorkspace ${name} is being deleted and its credentials no longer work (${ready.reason}: ${ready.message})`;
}

/**
 * The cleanup's result when the Databricks object stays where it is: `deletionPolicy` Retain, or the
 * object's workspace can no longer reach it ({@link unreachableWorkspace}: holding the finalizer would
 * block the app's or namespace's deletion forever), with an Event saying why when `leftover` names
 * something. Undefined when the cleanup must go on and delete it.
 */
export function leftInPlace(
  object: ManagedObject<{ workspaceRef: { name: string }; deletionPolicy?: string }, ManagedStatus>,
  context: Pick<ManagedContext, 'workspaces'>,
  leftover: Leftover | undefined,
): CleanedUp | undefined {
  if ((object.spec.deletionPolicy ?? 'Delete') === 'Retain') {
    if (!leftover) return done;
    const { what, where, noun } = leftover;
    return {
      events: [note('Retained', `Retain${noun}`, `left ${what} in ${where} (deletionPolicy Retain)`)],
    };
  }
  const unreachable = unreachableWorkspace(object, context.workspaces);
  if (unreachable === undefined) return undefined;
  if (!leftover) return done;
  const { what, where, noun } = leftover;
  return {
    events: [warning('Orphaned', `Delete${noun}`, `${unreachable}, so ${what} was left in ${where}`)],
  };
}

/** Runs `remove`; Databricks answering that the object does not exist means it is gone, as asked. */
export async function deleteUnlessGone(remove: () => Promise<unknown>): Promise<void> {
  await unlessMissing(remove());
}
