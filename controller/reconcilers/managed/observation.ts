/**
 * What every kind reports under `managementPolicy: Observe`: Ready with reason `Observed`, and the `InSync`
 * condition saying whether the Databricks object matches the spec, with the differing fields named as the
 * drift check names them (also in `status.driftedFields`).
 */
import { IN_SYNC_CONDITION } from '../../../lib/crds/index.js';
import type { ConditionUpdate } from '../../runtime/conditions.js';
import { shortList } from './event-notes.js';

/** The `Ready=True` reason of an observed object. */
export const OBSERVED_REASON = 'Observed';

/**
 * The `InSync` condition of `subject` (`job 123`, `notebook /Shared/etl`) observed against `what` of the
 * spec (`spec.settings`): True when `drifted` is empty, False (`Drifted`) naming the fields otherwise, and
 * Unknown (`NotComparable`) with `unknown` saying why when the comparison could not be made.
 */
export function inSyncCondition(
  subject: string,
  what: string,
  drifted: readonly string[],
  generation: number | undefined,
  unknown?: string,
): ConditionUpdate {
  const base = { type: IN_SYNC_CONDITION, observedGeneration: generation };
  if (drifted.length > 0) {
    return {
      ...base,
      status: 'False',
      reason: 'Drifted',
      message: `${subject} differs from ${what} in ${shortList(drifted)}`,
    };
  }
  if (unknown !== undefined) {
    return { ...base, status: 'Unknown', reason: 'NotComparable', message: `${subject}: ${unknown}` };
  }
  return { ...base, status: 'True', reason: 'InSync', message: `${subject} matches ${what}` };
}

/** The Ready message of an observed object. */
export function observedMessage(subject: string): string {
  return `${subject} is observed (managementPolicy Observe): nothing is written to Databricks`;
}
