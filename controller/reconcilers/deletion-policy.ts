/**
 * What every kind's cleanup shares: `deletionPolicy` Retain leaves the Databricks object, a workspace
 * that is gone leaves it too, and a delete that finds the object gone already has done its work.
 */
import { unlessMissing } from '../databricks/index.js';
import { note, warning } from './event-notes.js';
import { workspaceKeyOf, type ManagedContext, type ManagedObject, type ManagedStatus } from './managed.js';

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
 * Whether the Databricks object stays where it is: `deletionPolicy` Retain, or the object's workspace is
 * gone (nothing can reach the Databricks object any more, and holding the finalizer would block the
 * namespace's deletion forever). Records why when `leftover` names something; the caller is then done.
 */
export async function leftInPlace(
  object: ManagedObject<{ workspaceRef: { name: string }; deletionPolicy?: string }, ManagedStatus>,
  context: Pick<ManagedContext, 'events' | 'workspaces'>,
  leftover: Leftover | undefined,
): Promise<boolean> {
  if ((object.spec.deletionPolicy ?? 'Delete') === 'Retain') {
    if (leftover) {
      const { what, where, noun } = leftover;
      await context.events.record(
        object,
        note('Retained', `Retain${noun}`, `left ${what} in ${where} (deletionPolicy Retain)`),
      );
    }
    return true;
  }
  if (context.workspaces.get(workspaceKeyOf(object)[0])) return false;
  if (leftover) {
    const { what, where, noun } = leftover;
    await context.events.record(
      object,
      warning(
        'Orphaned',
        `Delete${noun}`,
        `DatabricksWorkspace ${object.spec.workspaceRef.name} is gone, so ${what} was left in ${where}`,
      ),
    );
  }
  return true;
}

/** Runs `remove`; Databricks answering that the object does not exist means it is gone, as asked. */
export async function deleteUnlessGone(remove: () => Promise<unknown>): Promise<void> {
  await unlessMissing(remove());
}
