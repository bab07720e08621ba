/**
 * What a plan is made of, and the small readings every kind's planning shares: whose a marked Databricks
 * object is, and a read that may find nothing. The planner (jobs, clusters, content, scopes) and the
 * planning of the kinds with their own placement rules (managed-kinds.ts) both build on these.
 */
import { NotFoundError } from '../../controller/databricks/index.js';
import { OWNER_TAG, OWNER_UID_TAG } from '../../controller/drift/ownership-marker.js';
import type { PlannedObject } from './planned-objects.js';

/** What the controller would do with one object. */
export type PlanAction = 'create' | 'update' | 'adopt' | 'refuse' | 'delete' | 'none';

/** The plan of one object. */
export interface PlannedChange {
  readonly action: PlanAction;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** The Databricks object it concerns, when there is one: `job 123`, `cluster 0101-abc`, `scope team.etl`. */
  readonly target?: string;
  /** The fields that differ, as the drift rules name them (`tasks[ingest].timeout_seconds`, `state`). */
  readonly changes: readonly string[];
  /** What else to know: a marker-only adoption, who owns a refused object, what plan could not compare. */
  readonly note?: string;
}

/** A plan line before the object it is about is named. */
export type Planned = Omit<PlannedChange, 'kind' | 'namespace' | 'name'>;

/** The value a reference to an object that does not exist yet stands for. */
export const KNOWN_AFTER_APPLY = '(known after apply)';

export type Tags = Readonly<Record<string, string>> | undefined;

export const keyOf = (object: { namespace: string; name: string }): string =>
  `${object.namespace}/${object.name}`;

/** Whose a Databricks object is, by its marker, seen from `object`. */
export function ownerOf(tags: Tags, object: PlannedObject): 'ours' | 'unmarked' | { other: string } {
  if (!tags?.[OWNER_UID_TAG]) return 'unmarked';
  const owner = tags[OWNER_TAG] ?? '(unnamed)';
  return owner === keyOf(object) ? 'ours' : { other: owner };
}

export async function unlessMissing<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
