/**
 * The DatabricksRepo reconciler: a Git folder at `spec.path`, cloned from `spec.url` and kept on
 * `spec.branch` or `spec.tag`.
 *
 * - Ownership: a Git folder has no tags for a marker, so the claim is `status.repoId` (the adopt rule of
 *   secret scopes): a folder at the path this object did not create is refused (`RepoExists`) unless
 *   `spec.adopt`, one another DatabricksRepo holds is refused (`OwnedElsewhere`), and anything else at
 *   the path is `PathTaken`. Crash-safe create: status says `repoCreatePending` before the create, and a
 *   Git folder found at the path while it is pending is the one that create made.
 * - Checkout: when the folder is not on the spec's branch or tag (the spec changed, or someone switched
 *   it in the UI), `repos/update` checks it out again; the sparse checkout patterns likewise. A folder is
 *   not pulled at every resync: that would write at steady state. A changed spec pulls as it checks out.
 * - Reads: the folder's branch and commit come from the Repos list, which returns them: one listing per
 *   workspace and top folder (`/Repos`, which the list shows without a prefix, or `/Users`, `/Shared`...)
 *   per resync, shared by every DatabricksRepo there, 20 folders a page. The list is incomplete (only
 *   folders the caller can manage, and deprecated for that): a claimed folder it does not show is read
 *   with a get of its own, which also tells a deleted folder (created again, `Recreated`) from one the
 *   list left out. A tag is not in what Databricks returns, so a folder is on the spec's tag when it has
 *   no branch and the commit is the one recorded when the tag was checked out.
 * - `spec.gitCredentialRef`: waits (`WaitingForDependency`) until the DatabricksGitCredential is Ready, and
 *   clones with its credential.
 * - `spec.permissions` (object type `repos`), applied when changed and read again on the slow cycle.
 * - Deleted: `deletionPolicy` Delete (default) deletes the Git folder, Retain leaves it.
 */
import {
  GIT_PROVIDERS,
  providerOfUrl,
  type DatabricksRepoStatus,
  type GitProvider,
} from '../../../lib/crds/index.js';
import {
  AlreadyExistsError,
  unlessMissing,
  type DatabricksClient,
  type Repo,
  type UpdateRepoRequest,
} from '../../databricks/index.js';
import { gitFolderPath } from '../../drift/object-paths.js';
import type { EventNote } from '../../runtime/events.js';
import { done } from '../../runtime/outcome.js';
import { deleteUnlessGone, leftInPlace } from '../managed/deletion-policy.js';
import { note, shortList, warning } from '../managed/event-notes.js';
import { watchOf, type ManagedKind } from '../managed/managed-kind.js';
import {
  NotReadyError,
  resolveReference,
  workspaceKeyOf,
  type Applied,
  type Checkpoint,
  type CleanedUp,
} from '../managed/managed.js';
import { OBSERVED_REASON, inSyncCondition, observedMessage } from '../managed/observation.js';
import { applyObjectPermissions } from '../managed/permissions.js';
import { referenceTargetChanged } from '../managed/references.js';
import { SharedListing, defaultListingFreshness, freshUntilResync } from '../managed/shared-listing.js';
import { StaggeredCycle } from '../managed/staggered-cycle.js';
import {
  checkoutNeeded,
  decideRepo,
  sameRepository,
  type AtPath,
  type Checkout,
  type RepoDecision,
  type RepoFacts,
} from './repo-decision.js';
import { REPOS, type DatabricksRepo, type RepoContext } from './repo-types.js';

export { REPOS, type DatabricksRepo, type RepoContext } from './repo-types.js';

type RepoStatusFields = Omit<DatabricksRepoStatus, 'conditions' | 'observedGeneration'>;

/** Index of DatabricksRepos by `<workspace key> <path>`: who holds a path. */
export const REPO_PATH_INDEX = 'repoPath';
/** Index of DatabricksRepos by the DatabricksGitCredential they wait for. */
export const GIT_CREDENTIAL_REF_INDEX = 'gitCredentialRef';

/** A workspace path as Databricks answers it (`plan` spells Git folder paths the same way). */
export const normalizedPath = gitFolderPath;

function pathIndexOf(repo: DatabricksRepo): string[] {
  return [`${workspaceKeyOf(repo)[0]} ${normalizedPath(repo.spec.path)}`];
}

/** The list prefix a folder at `path` is listed under: none for `/Repos` (the list's default), else its top folder. */
function listingPrefix(path: string): string | undefined {
  const top = normalizedPath(path).split('/')[1] ?? '';
  return top === 'Repos' ? undefined : `/${top}`;
}

const listings = new WeakMap<DatabricksClient, Map<string, SharedListing<Repo>>>();

/** The Git folders under one top folder, by ID: one listing (20 a page) per resync per workspace and prefix. */
function repoListing(
  client: DatabricksClient,
  path: string,
  context: Pick<RepoContext, 'view'>,
): SharedListing<Repo> {
  const prefix = listingPrefix(path);
  let byPrefix = listings.get(client);
  if (!byPrefix) listings.set(client, (byPrefix = new Map()));
  let listing = byPrefix.get(prefix ?? '');
  if (!listing) {
    listing = new SharedListing(async () => {
      const items = new Map<string, Repo>();
      for await (const repo of client.repos.list(prefix)) items.set(String(repo.id), repo);
      return { items, pages: Math.ceil(items.size / 20) };
    }, context.view ?? defaultListingFreshness);
    byPrefix.set(prefix ?? '', listing);
  }
  return listing;
}

/** The claimed Git folder: from the shared listing, else a get of its own; undefined when it is gone. */
async function readClaimed(
  client: DatabricksClient,
  path: string,
  repoId: number,
  context: Pick<RepoContext, 'view'>,
): Promise<Repo | undefined> {
  return (
    (await repoListing(client, path, context).find(String(repoId))) ??
    (await unlessMissing(client.repos.get(repoId)))
  );
}

/** What is at `path`: nothing, a Git folder (read), or another workspace object. */
async function whatIsAt(client: DatabricksClient, path: string): Promise<AtPath> {
  const info = await unlessMissing(client.workspace.getStatus(path));
  if (!info) return { kind: 'nothing' };
  if (info.object_type !== 'REPO')
    return { kind: 'other', objectType: info.object_type ?? 'workspace object' };
  const repo = await unlessMissing(client.repos.get(Number(info.object_id)));
  return repo ? { kind: 'repo', repo } : { kind: 'nothing' };
}

/** The provider of `spec.provider`, or of the URL's host; `InvalidSettings` naming spec.url when neither says. */
export function providerOf(repo: DatabricksRepo): GitProvider {
  const provider = repo.spec.provider ?? providerOfUrl(repo.spec.url);
  if (provider) return provider;
  throw new NotReadyError(
    'InvalidSettings',
    `spec.url: ${repo.spec.url} is not on a host whose Git provider is known; set spec.provider to one of ${GIT_PROVIDERS.join(', ')}`,
  );
}

/** The key of another live DatabricksRepo of the same workspace that holds the path, if any. */
function heldElsewhere(repo: DatabricksRepo, context: RepoContext): string | undefined {
  for (const key of context.repos.keysByIndex(REPO_PATH_INDEX, pathIndexOf(repo)[0])) {
    const other = context.repos.get(key);
    if (!other || other.metadata.uid === repo.metadata.uid || other.status?.repoId === undefined) continue;
    return key;
  }
  return undefined;
}

/** The credential ID of `spec.gitCredentialRef`, waiting while it is missing or not Ready. */
function gitCredentialOf(repo: DatabricksRepo, context: RepoContext): number | undefined {
  const reference = repo.spec.gitCredentialRef;
  if (!reference) return undefined;
  return resolveReference(
    context.gitCredentials,
    repo.metadata.namespace ?? '',
    reference,
    {
      kind: 'DatabricksGitCredential',
      field: 'spec.gitCredentialRef',
      valueOf: (credential) => credential.status?.credentialId,
    },
    { kind: 'DatabricksRepo', workspace: repo.spec.workspaceRef.name },
  );
}

function refOf(checkout: Checkout): string {
  const ref = checkout.ref;
  if (!ref) return 'its sparse checkout patterns';
  return 'branch' in ref ? `branch ${ref.branch}` : `tag ${ref.tag}`;
}

async function applyRepo(
  repo: DatabricksRepo,
  client: DatabricksClient,
  context: RepoContext,
  checkpoint: Checkpoint<DatabricksRepoStatus>,
): Promise<Applied<DatabricksRepoStatus>> {
  const uid = repo.metadata.uid ?? '';
  const previous = repo.status ?? {};
  const { path, url, branch, tag } = repo.spec;
  const provider = providerOf(repo);
  const credentialId = gitCredentialOf(repo, context);
  const listing = repoListing(client, path, context);
  const events: EventNote[] = [];
  const claimedId = previous.repoId;
  const createPending = previous.repoCreatePending === true;
  const unclaimed = claimedId === undefined || createPending;
  const heldBy = unclaimed ? heldElsewhere(repo, context) : undefined;
  const atPath = unclaimed && heldBy === undefined ? await whatIsAt(client, path) : undefined;
  let current =
    claimedId !== undefined && !createPending
      ? await readClaimed(client, path, claimedId, context)
      : undefined;
  const base: RepoFacts = {
    path,
    ...(claimedId !== undefined && { claimedId }),
    createPending,
    ...(heldBy !== undefined && { heldBy }),
    desired: {
      url,
      branch,
      tag,
      ...(repo.spec.sparse_checkout && { patterns: repo.spec.sparse_checkout.patterns }),
    },
    recorded: { branch: previous.branch, tag: previous.tag, headCommitId: previous.headCommitId },
    adopt: repo.spec.adopt ?? false,
    host: client.host,
    ...(atPath && { atPath }),
    ...(current && { actual: current }),
  };
  let decision: RepoDecision = decideRepo(base);

  const claim = async (repoId: number, notes: EventNote[]) => {
    await checkpoint({ repoId, repoCreatePending: undefined, path: normalizedPath(path) }, notes);
  };
  /** Decides again about a folder just claimed: it may still need its checkout. */
  const claimed = (found: Repo): RepoDecision =>
    decideRepo({ ...base, claimedId: found.id, createPending: false, actual: found, recorded: {} });

  if (decision.action === 'confirm' || decision.action === 'adopt') {
    const found = atPath?.kind === 'repo' ? (atPath.repo as Repo) : undefined;
    if (!found) throw new Error('a Git folder is confirmed or adopted only once found at the path');
    await claim(
      found.id,
      decision.action === 'confirm'
        ? [
            note(
              'Created',
              'CreateRepo',
              `created Git folder ${path} from ${url} (sent before the controller stopped, confirmed now)`,
            ),
          ]
        : [
            note(
              'Adopted',
              'AdoptRepo',
              `adopted Git folder ${path} (spec.adopt): it is checked out as the spec says from now on`,
            ),
          ],
    );
    current = found;
    decision = claimed(found);
  } else if (decision.action === 'create') {
    const cause = decision.cause;
    // Write-ahead: status says a create is on its way, so a crash finds the folder this object made.
    await checkpoint({ repoCreatePending: true, path: normalizedPath(path) });
    let created: Repo;
    try {
      created = await client.repos.create({
        url,
        provider,
        path,
        ...(repo.spec.sparse_checkout && {
          sparse_checkout: { patterns: repo.spec.sparse_checkout.patterns },
        }),
        ...(credentialId !== undefined && { git_credential_id: credentialId }),
      });
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
      // Someone made something at the path a moment ago: looked at again (and refused or adopted) next time.
      await checkpoint({ repoCreatePending: previous.repoCreatePending });
      throw new NotReadyError(
        'PathTaken',
        `spec.path: ${path} was created in ${client.host} by someone else while this object was creating its Git folder there; set spec.adopt to take it over if it is a Git folder of spec.url, or choose another spec.path`,
      );
    }
    listing.wrote(String(created.id));
    await claim(created.id, [
      cause === 'recreate' && !createPending
        ? warning(
            'Recreated',
            'CreateRepo',
            `Git folder ${path} was deleted in Databricks; created it again from ${url}`,
          )
        : note('Created', 'CreateRepo', `created Git folder ${path} from ${url}`),
    ]);
    current = created;
    decision = claimed(created);
  }

  if (decision.action === 'refuse') throw new NotReadyError(decision.reason, decision.message);
  if (decision.action === 'update') {
    const { checkout, repoId } = decision;
    const request = {
      ...checkout.ref,
      ...(checkout.patterns && { sparse_checkout: { patterns: checkout.patterns } }),
      ...(credentialId !== undefined && { git_credential_id: credentialId }),
    } as UpdateRepoRequest;
    try {
      await client.repos.update(repoId, request);
    } finally {
      listing.wrote(String(repoId));
    }
    const from = current?.branch !== undefined ? `branch ${current.branch}` : 'a tag or commit';
    events.push(
      checkout.cause === 'drifted'
        ? warning(
            'DriftCorrected',
            'CheckoutRepo',
            `Git folder ${path} was switched to ${from} in Databricks; checked out ${refOf(checkout)} again`,
          )
        : note(
            'CheckedOut',
            'CheckoutRepo',
            `checked out ${refOf(checkout)} in Git folder ${path} (${shortList(checkout.diff)})`,
          ),
    );
    current = await client.repos.get(repoId);
  }
  if (!current) throw new Error('a Git folder is read, created or adopted before its status is written');
  const repoId = current.id;
  const permissionsHash = await applyObjectPermissions(
    repo,
    { objectType: 'repos', objectId: String(repoId), noun: 'Git folder' },
    client,
    events,
    context.permissionsCycle,
  );
  const onTag = current.branch === undefined && tag !== undefined;
  const status: RepoStatusFields = {
    repoId,
    path: current.path ?? normalizedPath(path),
    provider: current.provider ?? provider,
    ...(current.branch !== undefined && { branch: current.branch }),
    ...(onTag && { tag }),
    ...(current.head_commit_id !== undefined && { headCommitId: current.head_commit_id }),
    ...(permissionsHash !== undefined && { permissionsHash }),
  };
  const at =
    current.branch !== undefined ? `branch ${current.branch}` : onTag ? `tag ${tag}` : 'a detached commit';
  return {
    status,
    reason: 'Synced',
    message: `Git folder ${status.path} is on ${at} of ${url}${current.head_commit_id ? ` at ${current.head_commit_id.slice(0, 12)}` : ''}`,
    events,
    ...(permissionsHash !== undefined && { requeueAfterMs: context.permissionsCycle.untilNext(uid) }),
  };
}

/**
 * `managementPolicy: Observe`: finds the Git folder (the one status recorded, or the one at the path) and
 * says where its repository, ref or sparse patterns differ from the spec; nothing is written.
 */
async function observeRepo(
  repo: DatabricksRepo,
  client: DatabricksClient,
  context: RepoContext,
): Promise<Applied<DatabricksRepoStatus>> {
  const { path } = repo.spec;
  const recordedId = repo.status?.repoId;
  let actual = recordedId === undefined ? undefined : await readClaimed(client, path, recordedId, context);
  if (!actual) {
    const at = await whatIsAt(client, path);
    if (at.kind === 'repo') actual = at.repo as Repo;
  }
  if (!actual) {
    throw new NotReadyError(
      'NotFound',
      `there is no Git folder at ${path} in ${client.host}; managementPolicy Observe never creates one`,
    );
  }
  const desired = {
    url: repo.spec.url,
    branch: repo.spec.branch,
    tag: repo.spec.tag,
    ...(repo.spec.sparse_checkout && { patterns: repo.spec.sparse_checkout.patterns }),
  };
  const drifted = [
    ...(sameRepository(actual.url, repo.spec.url) ? [] : ['url']),
    ...(checkoutNeeded(actual, desired, { tag: repo.spec.tag })?.diff ?? []),
  ];
  const subject = `Git folder ${actual.path ?? path}`;
  return {
    status: {
      repoId: actual.id,
      path: actual.path ?? normalizedPath(path),
      ...(actual.provider !== undefined && { provider: actual.provider }),
      ...(actual.branch !== undefined && { branch: actual.branch }),
      ...(actual.head_commit_id !== undefined && { headCommitId: actual.head_commit_id }),
      driftedFields: drifted,
    },
    reason: OBSERVED_REASON,
    message: observedMessage(subject),
    conditions: [
      inSyncCondition(
        subject,
        'the url, branch or tag and sparse checkout of the spec',
        drifted,
        repo.metadata.generation,
      ),
    ],
  };
}

/** Honours `deletionPolicy`; the finalizer goes only once Databricks confirmed. */
async function cleanupRepo(
  repo: DatabricksRepo,
  connect: () => Promise<DatabricksClient>,
  context: RepoContext,
): Promise<CleanedUp> {
  const uid = repo.metadata.uid ?? '';
  context.permissionsCycle.forget(uid);
  let repoId = repo.status?.repoId;
  // A create interrupted before its result was recorded may have made the folder at the path; apply
  // would confirm it as this object's, so its deletion takes it too (unless another object holds it).
  const interrupted =
    repoId === undefined &&
    repo.status?.repoCreatePending === true &&
    heldElsewhere(repo, context) === undefined;
  // Only a folder this object claimed or made; a refused one was never its to delete.
  if (repoId === undefined && !interrupted) return done;
  const path = repo.status?.path ?? repo.spec.path;
  const left = leftInPlace(repo, context, {
    what: `Git folder ${path}`,
    where: 'the workspace',
    noun: 'Repo',
  });
  if (left) return left;
  const client = await connect();
  if (repoId === undefined) {
    const made = await whatIsAt(client, path);
    // A checkout of another repository there now is someone else's.
    if (made.kind !== 'repo' || !sameRepository(made.repo.url, repo.spec.url)) return done;
    repoId = made.repo.id;
  }
  try {
    await deleteUnlessGone(() => client.repos.delete(repoId));
  } finally {
    repoListing(client, path, context).wrote(String(repoId));
  }
  return { events: [note('Deleted', 'DeleteRepo', `deleted Git folder ${path}`)] };
}

/** The DatabricksRepo kind, for `managedController`: woken by its workspace and its Git credential. */
export const repoKind: ManagedKind<DatabricksRepo, DatabricksRepoStatus, RepoContext> = {
  kind: 'DatabricksRepo',
  informer: ({ DatabricksRepo }) => DatabricksRepo,
  resource: REPOS,
  indexes: [{ name: REPO_PATH_INDEX, indexFunction: pathIndexOf }],
  watches: [
    watchOf(
      ({ DatabricksGitCredential }) => DatabricksGitCredential,
      GIT_CREDENTIAL_REF_INDEX,
      (repo: DatabricksRepo) =>
        repo.spec.gitCredentialRef
          ? [`${repo.metadata.namespace ?? ''}/${repo.spec.gitCredentialRef.name}`]
          : [],
      referenceTargetChanged,
    ),
  ],
  context: ({ informer, informers, config }, base) => ({
    ...base,
    repos: informer.store,
    gitCredentials: informers.DatabricksGitCredential.store,
    permissionsCycle: new StaggeredCycle(config.slowResyncPeriodMs),
    view: freshUntilResync(informer, config.resyncPeriodMs),
  }),
  apply: applyRepo,
  cleanup: cleanupRepo,
  observe: observeRepo,
};
