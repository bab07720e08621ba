/**
 * What to do with a DatabricksRepo's Git folder, decided without any I/O. A Git folder has no tags for an
 * ownership marker, so the claim is `status.repoId` (the adopt rule of secret scopes): a Git folder at
 * the path that this object did not create is taken over only with `spec.adopt`, and one another
 * DatabricksRepo holds is refused. A claimed folder is checked out again when it is not on the branch or
 * tag of the spec: because the spec changed, or because someone switched it (drift).
 */

/** The ref and sparse checkout the spec asks for. */
export interface DesiredCheckout {
  readonly url: string;
  readonly branch?: string;
  readonly tag?: string;
  /** `spec.sparse_checkout.patterns`. */
  readonly patterns?: readonly string[];
}

/** A Git folder as Databricks shows it. */
export interface RepoState {
  readonly id: number;
  readonly url?: string;
  /** Absent while on a tag. */
  readonly branch?: string;
  readonly head_commit_id?: string;
  readonly sparse_checkout?: { readonly patterns?: readonly string[] };
}

/** What is at the spec's path, for an object that holds no Git folder yet. */
export type AtPath =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'repo'; readonly repo: RepoState }
  | { readonly kind: 'other'; readonly objectType: string };

/** What the decision looks at. */
export interface RepoFacts {
  readonly path: string;
  /** The Git folder status (or this process) claims. */
  readonly claimedId?: number;
  /** A create was sent and not confirmed. */
  readonly createPending: boolean;
  /** Another live DatabricksRepo of the same workspace that holds the path. */
  readonly heldBy?: string;
  /** Unclaimed (or pending): what is at the path. */
  readonly atPath?: AtPath;
  /** Claimed: the folder as read, or undefined when it is gone. */
  readonly actual?: RepoState;
  readonly desired: DesiredCheckout;
  /** The branch and tag status recorded as checked out, and the commit then. */
  readonly recorded: { readonly branch?: string; readonly tag?: string; readonly headCommitId?: string };
  readonly adopt: boolean;
  readonly host: string;
}

/** A checkout to send (`repos/update`): the ref, the sparse patterns, or both. */
export interface Checkout {
  readonly ref?: { readonly branch: string } | { readonly tag: string };
  readonly patterns?: readonly string[];
  /** What differs: `branch`, `tag`, `sparse_checkout.patterns`. */
  readonly diff: readonly string[];
  /** The spec asked for it, or someone changed the folder in Databricks. */
  readonly cause: 'changed' | 'drifted';
}

/** What {@link decideRepo} decided. */
export type RepoDecision =
  | { readonly action: 'none'; readonly repoId: number }
  | { readonly action: 'create'; readonly cause: 'new' | 'recreate' }
  /** The create before a crash went through: the folder at the path is this object's. */
  | { readonly action: 'confirm'; readonly repoId: number }
  | { readonly action: 'adopt'; readonly repoId: number }
  | { readonly action: 'update'; readonly repoId: number; readonly checkout: Checkout }
  | {
      readonly action: 'refuse';
      readonly reason: 'OwnedElsewhere' | 'RepoExists' | 'PathTaken';
      readonly message: string;
    };

/** Two repository URLs name the same repository (case, a trailing `.git` or `/` aside). */
export function sameRepository(a: string | undefined, b: string | undefined): boolean {
  const canonical = (url: string | undefined) =>
    (url ?? '')
      .replace(/\/+$/, '')
      .replace(/\.git$/, '')
      .toLowerCase();
  return canonical(a) === canonical(b);
}

/** Decides what to do with the Git folder. */
export function decideRepo(facts: RepoFacts): RepoDecision {
  const { path, host } = facts;
  if (facts.claimedId === undefined || facts.createPending) {
    if (facts.heldBy !== undefined) {
      return {
        action: 'refuse',
        reason: 'OwnedElsewhere',
        message: `Git folder ${path} belongs to DatabricksRepo ${facts.heldBy}; delete that object (deletionPolicy Retain keeps the folder) or choose another spec.path`,
      };
    }
    const at = facts.atPath ?? { kind: 'nothing' };
    if (at.kind === 'nothing')
      return { action: 'create', cause: facts.claimedId === undefined ? 'new' : 'recreate' };
    if (at.kind === 'other') {
      return {
        action: 'refuse',
        reason: 'PathTaken',
        message: `spec.path: ${path} in ${host} is a ${at.objectType}, not a Git folder; move it away, or choose another spec.path`,
      };
    }
    if (facts.createPending) return { action: 'confirm', repoId: at.repo.id };
    if (!sameRepository(at.repo.url, facts.desired.url)) {
      return {
        action: 'refuse',
        reason: 'RepoExists',
        message: `spec.path: Git folder ${path} in ${host} is a checkout of ${at.repo.url ?? 'another repository'}, not of spec.url; delete it in Databricks, or choose another spec.path`,
      };
    }
    if (!facts.adopt) {
      return {
        action: 'refuse',
        reason: 'RepoExists',
        message: `Git folder ${path} already exists in ${host} and this object did not create it; set spec.adopt to take it over, choose another spec.path, or delete it in Databricks to let this object create it`,
      };
    }
    return { action: 'adopt', repoId: at.repo.id };
  }
  const actual = facts.actual;
  if (!actual) return { action: 'create', cause: 'recreate' };
  const checkout = checkoutNeeded(actual, facts.desired, facts.recorded);
  return checkout ? { action: 'update', repoId: actual.id, checkout } : { action: 'none', repoId: actual.id };
}

/**
 * The checkout that puts `actual` on the spec's ref and patterns, or undefined when it is there. A tag
 * leaves no trace in what Databricks returns (no `branch`), so a folder is on the spec's tag when it
 * has no branch, status recorded that tag, and the commit is the one recorded then.
 */
export function checkoutNeeded(
  actual: RepoState,
  desired: DesiredCheckout,
  recorded: RepoFacts['recorded'],
): Checkout | undefined {
  const diff: string[] = [];
  let ref: Checkout['ref'];
  let changed = false;
  if (desired.branch !== undefined && actual.branch !== desired.branch) {
    ref = { branch: desired.branch };
    diff.push('branch');
    changed = recorded.branch !== desired.branch;
  } else if (desired.tag !== undefined) {
    const onTag =
      actual.branch === undefined &&
      recorded.tag === desired.tag &&
      (recorded.headCommitId === undefined || recorded.headCommitId === actual.head_commit_id);
    if (!onTag) {
      ref = { tag: desired.tag };
      diff.push('tag');
      changed = recorded.tag !== desired.tag;
    }
  }
  const want = desired.patterns;
  const have = actual.sparse_checkout?.patterns ?? [];
  const patternsDiffer = want !== undefined && [...want].sort().join('\n') !== [...have].sort().join('\n');
  if (patternsDiffer) {
    diff.push('sparse_checkout.patterns');
    changed = true;
  }
  if (diff.length === 0) return undefined;
  return {
    ...(ref && { ref }),
    ...(patternsDiffer && { patterns: want }),
    diff,
    cause: changed ? 'changed' : 'drifted',
  };
}
