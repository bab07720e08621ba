/**
 * What a reconcile is about to do to one Databricks object, as a small value: each kind's pure decision
 * returns it (with the kind's own details), the reconciler acts on it, and `plan` or an Observe-only
 * mode can print it without acting. Field paths are those the drift code names
 * (`tasks[ingest].timeout_seconds`, `tags.team`).
 */

/** The verbs `plan` starts its lines with. */
export type Action = 'create' | 'update' | 'adopt' | 'refuse' | 'delete' | 'none';

/** One object's decision, without the kind's details. */
export type Decision =
  | { readonly action: 'create' }
  /**
   * Settings written again. `diff` lists the fields that differ; it is absent when the spec changed and the
   * write goes out without a read (the settings hash in status no longer matches).
   */
  | { readonly action: 'update'; readonly diff?: readonly string[] }
  /**
   * An object that exists and is not marked as this object's is taken over. An empty `diff` means its
   * settings already match: only the ownership marker is written.
   */
  | { readonly action: 'adopt'; readonly diff: readonly string[] }
  /** Not taken: owned elsewhere, or not there to adopt. `reason` is the `Ready=False` reason. */
  | { readonly action: 'refuse'; readonly reason: string; readonly message?: string }
  | { readonly action: 'delete' }
  | { readonly action: 'none' };

/**
 * The decision as one `plan` line starts: `create`, `update <diff>`, `adopt (marker only)`,
 * `adopt <diff>`, `refuse (<reason>: <message>)`, `delete`, `none`. For content at a path, which carries
 * no marker, `adopt (marker only)` means what is there is taken as it is.
 */
export function describeDecision(decision: Decision): string {
  switch (decision.action) {
    case 'update':
      return decision.diff ? `update ${decision.diff.join(', ')}` : 'update (spec changed)';
    case 'adopt':
      return decision.diff.length === 0 ? 'adopt (marker only)' : `adopt ${decision.diff.join(', ')}`;
    case 'refuse':
      return `refuse (${decision.reason}${decision.message ? `: ${decision.message}` : ''})`;
    default:
      return decision.action;
  }
}

/** Why settings are edited: the spec asked, someone changed them in Databricks, or a first apply. */
export type EditCause = 'SpecChanged' | 'Drifted' | 'Adopted';

/** What to do with an object's settings once it is this object's: nothing, or an edit of `diff`. */
export type SettingsEdit =
  | { readonly action: 'none' }
  | { readonly action: 'edit'; readonly cause: EditCause; readonly diff: readonly string[] };

/**
 * Edit when a field differs (no write when everything matches, whatever the hashes say); the hashes tell
 * why: none applied yet is a first apply, the applied one still the spec's is drift, else a spec change.
 */
export function settingsEdit(
  diff: readonly string[],
  hashes: { readonly desiredHash: string; readonly appliedHash?: string },
): SettingsEdit {
  if (diff.length === 0) return { action: 'none' };
  if (hashes.appliedHash === undefined) return { action: 'edit', cause: 'Adopted', diff };
  return {
    action: 'edit',
    cause: hashes.appliedHash === hashes.desiredHash ? 'Drifted' : 'SpecChanged',
    diff,
  };
}
