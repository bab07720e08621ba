/**
 * Repos API 2.0 (`/api/2.0/repos`): Git folders. A repo is created from a Git URL (checked out on the
 * default branch) and `update` checks out a branch or a tag (a tag leaves `branch` unset), or pulls the
 * current branch when given neither. Under `/Repos` a path must be `/Repos/{folder}/{name}`. Private
 * repositories need the caller's Git credential: without one Databricks answers PermissionDeniedError
 * "Missing Git provider credentials".
 */
import type { ApiCaller } from './api-caller.js';
import type { GitProvider } from './git-credentials.js';
import { paginate } from './pagination.js';

const REPOS = '/api/2.0/repos';

export interface SparseCheckout {
  /** Cone patterns. */
  readonly patterns?: readonly string[];
}

/** The body of `POST /repos`. */
export interface CreateRepoRequest {
  readonly url: string;
  /** Case-insensitive. */
  readonly provider: GitProvider;
  /** Default `/Repos/{caller}/{repository name}`. */
  readonly path?: string;
  /** Only at creation: a repo without sparse checkout cannot get it later. */
  readonly sparse_checkout?: SparseCheckout;
  /** The caller's credential to use, instead of the one for the provider. */
  readonly git_credential_id?: number;
}

/** The body of `PATCH /repos/{id}`: a branch or a tag (not both), or neither to pull. */
export type UpdateRepoRequest = (
  | { readonly branch: string; readonly tag?: never }
  | { readonly tag: string; readonly branch?: never }
  | { readonly branch?: never; readonly tag?: never }
) & {
  readonly sparse_checkout?: SparseCheckout;
  readonly git_credential_id?: number;
};

/** A Git folder as Databricks returns it. */
export interface Repo {
  /** The Git folder's workspace object id (int64; below 2^53). */
  readonly id: number;
  readonly path?: string;
  readonly url?: string;
  readonly provider?: GitProvider;
  /** Absent while checked out to a tag. */
  readonly branch?: string;
  readonly head_commit_id?: string;
  readonly sparse_checkout?: SparseCheckout;
}

interface ReposPage {
  readonly repos?: readonly Repo[];
  readonly next_page_token?: string;
}

export class ReposApi {
  constructor(private readonly api: ApiCaller) {}

  /** `POST /repos`: clones the repository into a new Git folder. */
  create(request: CreateRepoRequest): Promise<Repo> {
    return this.api.call({ method: 'POST', path: REPOS, endpoint: 'repos/create', body: request });
  }

  /** `GET /repos/{id}`. A missing repo is a NotFoundError. */
  get(repoId: number): Promise<Repo> {
    return this.api.call({ method: 'GET', path: pathOf(repoId), endpoint: 'repos/get' });
  }

  /** `PATCH /repos/{id}`: checks out and pulls. An unknown branch or tag is an InvalidParameterError (`GIT_UNKNOWN_REF`). */
  async update(repoId: number, request: UpdateRepoRequest): Promise<void> {
    await this.api.call({ method: 'PATCH', path: pathOf(repoId), endpoint: 'repos/update', body: request });
  }

  /** `DELETE /repos/{id}`: deletes the Git folder and what is in it. */
  async delete(repoId: number): Promise<void> {
    await this.api.call({ method: 'DELETE', path: pathOf(repoId), endpoint: 'repos/delete' });
  }

  /**
   * `GET /repos` over all pages (20 a page). Without `pathPrefix` Databricks lists only the Git folders
   * under `/Repos`; give a prefix to see those elsewhere.
   */
  list(pathPrefix?: string): AsyncGenerator<Repo, void, undefined> {
    return paginate<ReposPage, Repo>(
      (next_page_token) =>
        this.api.call({
          method: 'GET',
          path: REPOS,
          endpoint: 'repos/list',
          query: { path_prefix: pathPrefix, next_page_token },
        }),
      (page) => page.repos,
    );
  }
}

function pathOf(repoId: number): string {
  return `${REPOS}/${encodeURIComponent(String(repoId))}`;
}
