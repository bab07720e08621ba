/**
 * The ownership marker: two tags on every Databricks object the controller creates (job `tags`, cluster
 * `custom_tags`) naming the Kubernetes object that owns it. The UID is the identity (a deleted and
 * recreated object with the same name is a different owner); the name is for people reading the tags.
 *
 * Tag keys avoid `/`, which Azure rejects in cluster tag keys. Two tags count against the 25 tags a job
 * may have (BEHAVIOUR.md §2), which leaves 23 for the user.
 */
import type { KubeObject } from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import { OWNER_TAG, OWNER_UID_TAG } from '../../drift/ownership-marker.js';
import { NotReadyError } from './managed.js';

export { OWNER_TAG, OWNER_UID_TAG, withoutOwnerTags } from '../../drift/ownership-marker.js';

/** Databricks tag values are at most 256 characters; a longer owner name is cut (the UID decides). */
const MAX_TAG_VALUE = 255;

/** The marker tags for `owner`. */
export function ownerTags(owner: KubeObject): Record<string, string> {
  const { namespace = '', name, uid = '' } = owner.metadata;
  return { [OWNER_TAG]: `${namespace}/${name}`.slice(0, MAX_TAG_VALUE), [OWNER_UID_TAG]: uid };
}

/** `tags` with the marker of `owner` added (the marker wins over a user tag of the same key). */
export function withOwnerTags(
  tags: Readonly<Record<string, string>> | undefined,
  owner: KubeObject,
): Record<string, string> {
  return { ...tags, ...ownerTags(owner) };
}

/** Who a Databricks object belongs to, judged by its tags. */
export type Ownership =
  | { readonly kind: 'ours' }
  | { readonly kind: 'unmarked' }
  | { readonly kind: 'other'; readonly owner: string; readonly uid: string };

/** Whether the object carrying `tags` belongs to `owner`, to nobody we know, or to another resource. */
export function ownershipOf(
  tags: Readonly<Record<string, string>> | undefined,
  owner: KubeObject,
): Ownership {
  const uid = tags?.[OWNER_UID_TAG];
  if (uid === undefined || uid === '') return { kind: 'unmarked' };
  if (uid === owner.metadata.uid) return { kind: 'ours' };
  return { kind: 'other', owner: tags?.[OWNER_TAG] ?? '(unnamed)', uid };
}

/**
 * Whether `tags` mark a Databricks object that an earlier object of `owner`'s namespace and name left
 * behind (deleted with deletionPolicy Retain, or orphaned): the marker names exactly this
 * `namespace/name`, with another UID. A name is unique among live objects, so that earlier object is
 * gone, and the new one takes the Databricks object back instead of making a copy. A key longer than
 * the tag holds is never matched: its cut form could be another object's.
 */
export function isLeftBehindFor(
  tags: Readonly<Record<string, string>> | undefined,
  owner: KubeObject,
): boolean {
  const uid = tags?.[OWNER_UID_TAG];
  if (uid === undefined || uid === '' || uid === owner.metadata.uid) return false;
  const key = `${owner.metadata.namespace ?? ''}/${owner.metadata.name}`;
  return key.length <= MAX_TAG_VALUE && tags?.[OWNER_TAG] === key;
}

/** `namespace/name (uid ...)`: the object a marker names, for Events. */
export function describeMarker(tags: Readonly<Record<string, string>> | undefined): string {
  return `${tags?.[OWNER_TAG] ?? '(unnamed)'} (uid ${tags?.[OWNER_UID_TAG] ?? 'unknown'})`;
}

/** Says who owns a Databricks object, for the `OwnedElsewhere` condition message. */
export function describeOtherOwner(ownership: Extract<Ownership, { kind: 'other' }>): string {
  return `${ownership.owner} (uid ${ownership.uid})`;
}

/** The Databricks object a reconcile is about to take, named as the `OwnedElsewhere` message names it. */
export interface MarkedObject {
  /** Its tags, marker included. */
  readonly tags: Readonly<Record<string, string>> | undefined;
  /** What Databricks calls it: `job`, `cluster`. */
  readonly noun: string;
  /** Its ID in Databricks. */
  readonly id: string;
  /** The field that pointed at it: `spec.jobId`, `status.clusterId`. */
  readonly field: string;
}

/** The objects of one kind that may hold a marker: the kind's name and the cache of its live objects. */
export interface Owners {
  /** `DatabricksJob`, `DatabricksCluster`. */
  readonly kind: string;
  readonly store: Pick<ObjectStore<KubeObject>, 'get'>;
}

/**
 * Throws `OwnedElsewhere` when the marker of `marked` names another object of `owners` that still exists
 * (same key and same UID). A marker of an object that is gone (deleted with deletionPolicy Retain) does
 * not block: that object let go of it.
 */
export function refuseIfOwnedElsewhere(marked: MarkedObject, owner: KubeObject, owners: Owners): void {
  const ownership = ownershipOf(marked.tags, owner);
  if (ownership.kind !== 'other') return;
  if (owners.store.get(ownership.owner)?.metadata.uid !== ownership.uid) return;
  const { field, noun, id } = marked;
  throw new NotReadyError(
    'OwnedElsewhere',
    `${field}: ${noun} ${id} belongs to ${owners.kind} ${describeOtherOwner(ownership)}; delete that object (deletionPolicy Retain keeps the ${noun}) before adopting it here`,
  );
}
