import { createHash } from 'node:crypto';
import {
  ApiError,
  errors,
  type FakeRequest,
  type FakeResponseBody,
  type FakeService,
  type Route,
} from './api.js';
import { gitProviderOf, type GitProvider } from './git-providers.js';
import type { GitCredentialsService } from './git-credentials.js';
import { RequestFields } from './request-fields.js';
import type { WorkspaceService } from './workspace.js';

/**
 * A repository URL containing this marker is private: cloning or pulling it needs the caller's Git
 * credential for the provider. Other URLs are public and need none.
 */
export const PRIVATE_REPO_MARKER = 'PRIVATE';
/** A branch or tag name containing this marker does not exist on the remote (400 `GIT_UNKNOWN_REF`). */
export const MISSING_REF_MARKER = 'MISSING';

/** The list's page size (the 2023 spec: "each page containing twenty repos"). */
const PAGE_SIZE = 20;
const DEFAULT_BRANCH = 'main';

/** What the repos service needs from its neighbours. */
export interface RepoDependencies {
  readonly workspace: WorkspaceService;
  readonly credentials: GitCredentialsService;
}

/** Callbacks the workspace wires so that permissions learn about repos. */
export interface RepoHooks {
  readonly onCreated?: (repoId: string, creator: string) => void;
  readonly onDeleted?: (repoId: string) => void;
}

interface StoredRepo {
  readonly id: number;
  readonly path: string;
  readonly url: string;
  readonly provider: GitProvider;
  readonly creator: string;
  /** Absent while the repo is on a tag (detached HEAD). */
  branch?: string;
  tag?: string;
  headCommitId: string;
  sparseCheckout?: { patterns: string[] };
}

const repoNotFound = () => errors.notFound('Repo could not be found');

/**
 * The Repos API (`/api/2.0/repos`): Git folders in the workspace, checked out from a Git URL with no real
 * Git behind them. A checkout records the branch or tag and a `head_commit_id` derived from the URL, the
 * ref and how often the ref was pushed to (`pushToRemote`), so the same checkout always gives the same
 * commit. A repo is an object of type REPO in the workspace tree at its path, with the repo's id as its
 * object id; deleting it through the Workspace API deletes the repo.
 *
 * Rules (BEHAVIOUR.md §1.8 and the 2023 spec):
 * - `url` and `provider` are required; the provider is case-insensitive and answered in its documented
 *   spelling; an unknown one is 400 `INVALID_GIT_PROVIDER`.
 * - A path under `/Repos` must be `/Repos/{folder}/{name}` (400 `BAD_REQUEST` "Invalid repo path
 *   specified"); elsewhere any path whose parent folder exists. The parent must exist (404 "Parent
 *   directory ... does not exist."), except the caller's own `/Repos/{caller}`, which always does.
 *   Without a path the repo goes to `/Repos/{caller}/{repository name}`. `/Workspace/...` paths mean
 *   the same as the path without that prefix.
 * - A new repo is on `main`. PATCH checks out `branch` or `tag` (a tag leaves `branch` unset), or pulls
 *   the current branch when given neither; `sparse_checkout` can only be changed on a repo created with
 *   one. A ref containing {@link MISSING_REF_MARKER} is 400 `GIT_UNKNOWN_REF`.
 * - **Private repositories** (URL containing {@link PRIVATE_REPO_MARKER}): create and PATCH need a Git
 *   credential of the repo's provider for the caller (or a `git_credential_id` of the caller's); without
 *   one they fail as Databricks does, 403 `PERMISSION_DENIED` "Missing Git provider credentials. Go to
 *   User Settings > Git Integration to add your personal access token."
 * - The list is 20 repos a page by id, with `next_page_token`; without `path_prefix` (or with `/` or
 *   `/Workspace`) it holds only repos under `/Repos`, as the SDK documents.
 */
export class ReposService implements FakeService {
  readonly name = 'repos';
  private repos = new Map<number, StoredRepo>();
  /** How often each `url ref` was pushed to since the fake started. */
  private pushes = new Map<string, number>();

  constructor(
    private readonly deps: RepoDependencies,
    private readonly hooks: RepoHooks = {},
  ) {}

  routes(): Route[] {
    const base = '/api/2.0/repos';
    return [
      { method: 'POST', path: base, endpoint: 'repos/create', handler: (req) => this.create(req) },
      { method: 'GET', path: base, endpoint: 'repos/list', handler: (req) => this.list(req) },
      {
        method: 'GET',
        path: `${base}/:repo_id`,
        endpoint: 'repos/get',
        handler: (req) => this.describe(this.find(req.params.repo_id)),
      },
      {
        method: 'PATCH',
        path: `${base}/:repo_id`,
        endpoint: 'repos/update',
        handler: (req) => this.update(req),
      },
      {
        method: 'DELETE',
        path: `${base}/:repo_id`,
        endpoint: 'repos/delete',
        handler: (req) => this.delete(req),
      },
    ];
  }

  snapshot(): unknown {
    return [...this.repos.values()].map((repo) => ({
      ...this.describe(repo),
      ...(repo.tag !== undefined && { tag: repo.tag }),
      creator: repo.creator,
    }));
  }

  reset(): void {
    this.repos.clear();
    this.pushes.clear();
  }

  exists(repoId: string): boolean {
    return /^\d+$/.test(repoId) && this.repos.has(Number(repoId));
  }

  /** The workspace deleted a Git folder (`workspace/delete`): forget the repo. */
  onRemovedFromWorkspace(objectId: number): void {
    if (this.repos.delete(objectId)) this.hooks.onDeleted?.(String(objectId));
  }

  /** Act as someone pushing a commit to `branch` of `url`: the next checkout or pull of it moves on. */
  pushToRemote(url: string, branch: string): void {
    const key = refKey(url, `refs/heads/${branch}`);
    this.pushes.set(key, (this.pushes.get(key) ?? 0) + 1);
  }

  /** Act as a user switching the Git folder to another branch or tag in the UI. */
  checkoutByUser(repoId: number, ref: { branch: string } | { tag: string }): void {
    this.checkout(this.find(String(repoId)), ref);
  }

  /** Act as a user deleting the Git folder in the UI. */
  deleteByUser(repoId: number): void {
    this.remove(this.find(String(repoId)));
  }

  private create(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const url = fields.requiredString('url');
    if (!/^(https?|ssh|git):\/\/[^/\s]+\/\S+$/.test(url) && !/^git@[^:\s]+:\S+$/.test(url)) {
      throw errors.invalidParameter(`Invalid Git URL '${url}': give the repository's HTTPS clone URL.`);
    }
    const provider = gitProviderOf(fields.requiredString('provider'));
    const ownFolder = `/Repos/${req.principal}`;
    const requested = fields.string('path');
    const path = requested ? repoPath(requested) : `${ownFolder}/${repositoryName(url)}`;
    const sparse = sparseCheckoutOf(fields.object('sparse_checkout'));
    this.requireAccess(req.principal, url, provider, fields.number('git_credential_id'));
    if (path.startsWith(`${ownFolder}/`)) this.deps.workspace.ensureDirectory(ownFolder);
    const id = this.deps.workspace.addRepo(path);
    const repo: StoredRepo = {
      id,
      path,
      url,
      provider,
      creator: req.principal,
      branch: DEFAULT_BRANCH,
      headCommitId: this.headOf(url, `refs/heads/${DEFAULT_BRANCH}`),
      ...(sparse && { sparseCheckout: sparse }),
    };
    this.repos.set(id, repo);
    this.hooks.onCreated?.(String(id), req.principal);
    return this.describe(repo);
  }

  private update(req: FakeRequest): FakeResponseBody {
    const repo = this.find(req.params.repo_id);
    const fields = RequestFields.of(req);
    const branch = fields.string('branch') || undefined;
    const tag = fields.string('tag') || undefined;
    if (branch !== undefined && tag !== undefined) {
      throw errors.invalidParameter(
        'Give either branch or tag, not both: a Git folder is checked out to one ref.',
      );
    }
    const sparse = fields.object('sparse_checkout');
    if (sparse !== undefined && !repo.sparseCheckout) {
      throw errors.invalidParameter(
        `Repo ${repo.id} was created without sparse checkout, so its sparse_checkout cannot be updated; sparse checkout can only be enabled when the repo is created.`,
      );
    }
    this.requireAccess(req.principal, repo.url, repo.provider, fields.number('git_credential_id'));
    if (branch !== undefined) this.checkout(repo, { branch });
    else if (tag !== undefined) this.checkout(repo, { tag });
    else if (repo.branch !== undefined) this.checkout(repo, { branch: repo.branch });
    if (sparse !== undefined) repo.sparseCheckout = sparseCheckoutOf(sparse);
    return {};
  }

  private delete(req: FakeRequest): FakeResponseBody {
    this.remove(this.find(req.params.repo_id));
    return {};
  }

  private list(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const rawPrefix = fields.string('path_prefix');
    const prefix =
      rawPrefix === undefined || rawPrefix === '' ? '/' : withoutWorkspacePrefix(rawPrefix) || '/';
    const matches = (path: string) => (prefix === '/' ? path.startsWith('/Repos/') : path.startsWith(prefix));
    const after = afterIdOf(fields.string('next_page_token'));
    const all = [...this.repos.values()].filter((repo) => matches(repo.path)).sort((a, b) => a.id - b.id);
    const remaining = all.filter((repo) => repo.id > after);
    const page = remaining.slice(0, PAGE_SIZE);
    return {
      ...(page.length > 0 && { repos: page.map((repo) => this.describe(repo)) }),
      ...(remaining.length > PAGE_SIZE && {
        next_page_token: Buffer.from(JSON.stringify({ repo_treenode_id: page[page.length - 1].id })).toString(
          'base64',
        ),
      }),
    };
  }

  private checkout(repo: StoredRepo, ref: { branch: string } | { tag: string }): void {
    const [kind, name] = 'branch' in ref ? (['branch', ref.branch] as const) : (['tag', ref.tag] as const);
    if (name.includes(MISSING_REF_MARKER)) {
      throw new ApiError(400, 'GIT_UNKNOWN_REF', `Remote ${kind} does not exist`);
    }
    const fullRef = kind === 'branch' ? `refs/heads/${name}` : `refs/tags/${name}`;
    repo.branch = kind === 'branch' ? name : undefined;
    repo.tag = kind === 'tag' ? name : undefined;
    repo.headCommitId = this.headOf(repo.url, fullRef);
  }

  private remove(repo: StoredRepo): void {
    this.deps.workspace.removeRepo(repo.path);
    this.repos.delete(repo.id);
    this.hooks.onDeleted?.(String(repo.id));
  }

  /** A private repository needs a Git credential of its provider for the caller. */
  private requireAccess(
    principal: string,
    url: string,
    provider: GitProvider,
    credentialId: number | undefined,
  ): void {
    if (credentialId !== undefined) {
      const owned = this.deps.credentials.ownedBy(principal, credentialId);
      if (!owned) {
        throw new ApiError(
          404,
          'CREDENTIAL_NOT_FOUND',
          `Credential with the specified ID (${credentialId}) not found.`,
        );
      }
      if (owned.provider !== provider) {
        throw errors.invalidParameter(
          `Git credential ${credentialId} is for ${owned.provider}, but the repository is on ${provider}.`,
        );
      }
      return;
    }
    if (!url.includes(PRIVATE_REPO_MARKER)) return;
    if (!this.deps.credentials.credentialFor(principal, provider)) {
      throw errors.permissionDenied(
        'Missing Git provider credentials. Go to User Settings > Git Integration to add your personal access token.',
      );
    }
  }

  private headOf(url: string, ref: string): string {
    const pushes = this.pushes.get(refKey(url, ref)) ?? 0;
    return createHash('sha1')
      .update(`${refKey(url, ref)}\n${pushes}`)
      .digest('hex');
  }

  private find(rawId: string | undefined): StoredRepo {
    const repo = rawId !== undefined && /^\d+$/.test(rawId) ? this.repos.get(Number(rawId)) : undefined;
    if (!repo) throw repoNotFound();
    return repo;
  }

  /** `RepoInfo` as create, get and list return it. */
  private describe(repo: StoredRepo): FakeResponseBody {
    return {
      id: repo.id,
      path: repo.path,
      url: repo.url,
      provider: repo.provider,
      ...(repo.branch !== undefined && { branch: repo.branch }),
      head_commit_id: repo.headCommitId,
      ...(repo.sparseCheckout && { sparse_checkout: structuredClone(repo.sparseCheckout) }),
    };
  }
}

function refKey(url: string, ref: string): string {
  return `${url
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')
    .toLowerCase()} ${ref}`;
}

function withoutWorkspacePrefix(path: string): string {
  return path.replace(/^\/Workspace(?=\/|$)/, '').replace(/\/+$/, '');
}

/** A requested repo path, normalized and checked against the `/Repos/{folder}/{name}` rule. */
function repoPath(raw: string): string {
  if (!raw.startsWith('/')) {
    throw new ApiError(400, 'BAD_REQUEST', `Invalid repo path specified: ${raw} is not an absolute path.`);
  }
  const path = withoutWorkspacePrefix(raw);
  const segments = path.split('/').filter(Boolean);
  if (segments.length === 0 || (segments[0] === 'Repos' && segments.length !== 3)) {
    throw new ApiError(
      400,
      'BAD_REQUEST',
      `Invalid repo path specified: ${raw}. A repo under /Repos must be at /Repos/{folder}/{repo-name}.`,
    );
  }
  return `/${segments.join('/')}`;
}

/** The repository's name from its URL: the last path segment without `.git`. */
function repositoryName(url: string): string {
  const last = url.replace(/\/+$/, '').split(/[/:]/).pop() ?? 'repo';
  return last.replace(/\.git$/, '') || 'repo';
}

function sparseCheckoutOf(value: Record<string, unknown> | undefined): { patterns: string[] } | undefined {
  if (value === undefined) return undefined;
  const patterns = RequestFields.from(value).array('patterns') ?? [];
  if (!patterns.every((pattern) => typeof pattern === 'string' && pattern !== '')) {
    throw errors.invalidParameter('sparse_checkout.patterns must be a list of non-empty cone patterns.');
  }
  return { patterns: patterns as string[] };
}

function afterIdOf(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      repo_treenode_id?: unknown;
    };
    if (typeof decoded.repo_treenode_id === 'number') return decoded.repo_treenode_id;
  } catch {
    // Not a token this API handed out: refused below.
  }
  throw errors.invalidParameter(`next_page_token '${token}' is not a token this API returned.`);
}
