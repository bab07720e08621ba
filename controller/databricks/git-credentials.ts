/**
 * Git Credentials API (`/api/2.0/git-credentials`): the Git token Databricks uses for the calling
 * principal's Git folders. One credential per principal: a second create is an AlreadyExistsError
 * (`CREDENTIAL_ALREADY_EXISTS`); change it with `update`. The token is write-only: no answer carries it.
 * Providers are case-insensitive.
 */
import type { ApiCaller } from './api-caller.js';
import type { Open } from './open-enum.js';

const CREDENTIALS = '/api/2.0/git-credentials';

export type GitProvider = Open<
  | 'gitHub'
  | 'bitbucketCloud'
  | 'gitLab'
  | 'azureDevOpsServices'
  | 'gitHubEnterprise'
  | 'bitbucketServer'
  | 'gitLabEnterpriseEdition'
  | 'awsCodeCommit'
>;

/** The body of create (and of update, where `git_provider` is required too). */
export interface GitCredentialSettings {
  readonly git_provider: GitProvider;
  /** Required on create. Never returned. */
  readonly personal_access_token?: string;
  /** Required for AWS CodeCommit. */
  readonly git_username?: string;
  readonly git_email?: string;
  readonly name?: string;
  readonly is_default_for_provider?: boolean;
}

/** A credential as Databricks returns it: everything but the token. */
export interface GitCredential {
  /** int64; these ids stay below 2^53. */
  readonly credential_id: number;
  readonly git_provider?: GitProvider;
  readonly git_username?: string;
  readonly git_email?: string;
  readonly name?: string;
  readonly is_default_for_provider?: boolean;
}

export class GitCredentialsApi {
  constructor(private readonly api: ApiCaller) {}

  /** `POST /git-credentials`. */
  create(
    settings: GitCredentialSettings & { readonly personal_access_token: string },
  ): Promise<GitCredential> {
    return this.api.call({
      method: 'POST',
      path: CREDENTIALS,
      endpoint: 'git-credentials/create',
      body: settings,
    });
  }

  /** `GET /git-credentials/{id}`. Another principal's credential is as missing as one that never was. */
  get(credentialId: number): Promise<GitCredential> {
    return this.api.call({ method: 'GET', path: pathOf(credentialId), endpoint: 'git-credentials/get' });
  }

  /** `GET /git-credentials`: the caller's credentials (at most one). */
  async list(): Promise<GitCredential[]> {
    const page = await this.api.call<{ credentials?: GitCredential[] }>({
      method: 'GET',
      path: CREDENTIALS,
      endpoint: 'git-credentials/list',
    });
    return page.credentials ?? [];
  }

  /** `PATCH /git-credentials/{id}`: changes the fields given; rotate the token by giving a new one. */
  async update(credentialId: number, settings: GitCredentialSettings): Promise<void> {
    await this.api.call({
      method: 'PATCH',
      path: pathOf(credentialId),
      endpoint: 'git-credentials/update',
      body: settings,
    });
  }

  /** `DELETE /git-credentials/{id}`. */
  async delete(credentialId: number): Promise<void> {
    await this.api.call({ method: 'DELETE', path: pathOf(credentialId), endpoint: 'git-credentials/delete' });
  }
}

function pathOf(credentialId: number): string {
  return `${CREDENTIALS}/${encodeURIComponent(String(credentialId))}`;
}
