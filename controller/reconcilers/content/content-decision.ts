/**
 * What to do with content at a path (a notebook or workspace file, a DBFS file), decided without any I/O:
 * write it (first time, again after a deletion, on a spec change or drift), take what is there as it
 * is, replace it (`spec.overwrite`), refuse (something else is there), or leave it. A path carries no
 * ownership marker: status recording the path and its content hash is what makes it this object's.
 */

/** Whether what is at the path may have been written by someone else since status recorded it. */
export type ChangedSince =
  | 'no'
  /** Its modification time (or size, or object ID) moved. */
  | 'yes'
  /** Databricks reports no modification time: only a comparison of the content can tell. */
  | 'unknown';

/** What the content decision looks at. */
export interface ContentFacts {
  /** Status records this path with a content hash: what is there was written by this object. */
  readonly ours: boolean;
  /** The spec's content (or format) differs from what status recorded. */
  readonly specChanged: boolean;
  /** Something is at the path. */
  readonly present: boolean;
  /** For a path of ours that is present: whether it changed since. */
  readonly changed: ChangedSince;
  /** For a path of ours: fields seen to differ without reading the content (a notebook's `language`). */
  readonly drifted: readonly string[];
  /** Whether drift of a path of ours is confirmed by comparing the content before writing it again. */
  readonly compares: boolean;
  /** Whether what is there holds the spec's content; absent when not compared or not comparable. */
  readonly holds?: boolean;
  /** `spec.overwrite`: replace what someone else put at the path. */
  readonly overwrite: boolean;
}

/** What {@link decideContent} decided. */
export type ContentDecision =
  /** Write it: nothing is there; `recreate` when what this object wrote was deleted. */
  | { readonly action: 'create'; readonly recreate: boolean }
  | {
      readonly action: 'update';
      readonly cause: 'SpecChanged' | 'Drifted';
      readonly diff?: readonly string[];
    }
  /** Take what someone else put there: as it is (empty diff), or replaced (`spec.overwrite`). */
  | { readonly action: 'adopt'; readonly diff: readonly [] | readonly ['content'] }
  | { readonly action: 'refuse'; readonly reason: 'PathExists' }
  | { readonly action: 'none' };

/** Whether the decision needs the content read back (an export or download) to compare it. */
export function needsComparison(facts: Omit<ContentFacts, 'holds'>): boolean {
  if (!facts.present) return false;
  if (!facts.ours) return true;
  return facts.compares && !facts.specChanged && facts.drifted.length === 0 && facts.changed !== 'no';
}

/** Decides what to do with the content at the path. */
export function decideContent(facts: ContentFacts): ContentDecision {
  const { ours, present, holds } = facts;
  if (!ours) {
    if (!present) return { action: 'create', recreate: false };
    if (holds === true) return { action: 'adopt', diff: [] };
    return facts.overwrite
      ? { action: 'adopt', diff: ['content'] }
      : { action: 'refuse', reason: 'PathExists' };
  }
  if (facts.specChanged) return { action: 'update', cause: 'SpecChanged' };
  if (!present) return { action: 'create', recreate: true };
  if (facts.drifted.length > 0) return { action: 'update', cause: 'Drifted', diff: facts.drifted };
  if (facts.changed === 'no') return { action: 'none' };
  // Changed, or no way to tell without a look: a comparison that cannot be made counts only a known change.
  const drifted = facts.compares ? holds === false || (holds === undefined && facts.changed === 'yes') : true;
  return drifted ? { action: 'update', cause: 'Drifted', diff: ['content'] } : { action: 'none' };
}
