import { createHash } from 'node:crypto';
import { ApiError, type FakeRequest, type FakeResponseBody, type FakeService, type Route } from './api.js';
import { gitProviderOf, type GitProvider } from './git-providers.js';
import { RequestFields } from './request-fields.js';

/** Credential ids are int64; these stay below 2^53 so JSON numbers are exact. */
const FIRST_CREDENTIAL_ID = 93_488_329_053_511;

interface StoredCredential {
  readonly credentialId: number;
  readonly principal: string;
  provider: GitProvider;
  username?: string;
  email?: string;
  name?: string;
  isDefaultForProvider?: boolean;
  /** SHA-256 of the token: enough to see a rotation, never the token itself. */
  tokenSha256?: string;
}

const notFound = (credentialId: string) =>
  new ApiError(404, 'CREDENTIAL_NOT_FOUND', `Credential with the specified ID (${credentialId}) not found.`);

/**
 * The Git Credentials API (`/api/2.0/git-credentials`): the Git token Databricks uses on behalf of the
 * calling principal (BEHAVIOUR.md §1.8). Each principal sees and changes only its own credentials.
 *
 * **One credential per principal.** The 2023 spec and the current SDK documentation both say so: a
 * second create fails with 400 `CREDENTIAL_ALREADY_EXISTS`, whatever `name`, `git_provider` or
 * `is_default_for_provider` it carries. Newer SDKs added `name` and `is_default_for_provider`; the fake
 * stores and returns them but lets them change nothing: the one credential serves Git folders of its
 * provider. Change it with PATCH, or delete it and create another.
 *
 * Create needs `git_provider` (case-insensitive, answered in its documented spelling) and
 * `personal_access_token` (400 `TOKEN_MISSING`); `git_username` only for AWS CodeCommit
 * (400 `GIT_USERNAME_MISSING`), the one provider whose documentation requires it. PATCH needs
 * `git_provider`, as the SDK model marks it, and changes the fields it carries. The token is write-only:
 * no answer contains it; tests see a rotation through {@link GitCredentialsService.tokenHash}.
 */
export class GitCredentialsService implements FakeService {
  readonly name = 'git-credentials';
  private credentials = new Map<number, StoredCredential>();
  private nextId = FIRST_CREDENTIAL_ID;

  routes(): Route[] {
    const base = '/api/2.0/git-credentials';
    return [
      { method: 'POST', path: base, endpoint: 'git-credentials/create', handler: (req) => this.create(req) },
      { method: 'GET', path: base, endpoint: 'git-credentials/list', handler: (req) => this.list(req) },
      {
        method: 'GET',
        path: `${base}/:credential_id`,
        endpoint: 'git-credentials/get',
        handler: (req) => this.describe(this.find(req)),
      },
      {
        method: 'PATCH',
        path: `${base}/:credential_id`,
        endpoint: 'git-credentials/update',
        handler: (req) => this.update(req),
      },
      {
        method: 'DELETE',
        path: `${base}/:credential_id`,
        endpoint: 'git-credentials/delete',
        handler: (req) => this.delete(req),
      },
    ];
  }

  snapshot(): unknown {
    return [...this.credentials.values()].map((credential) => ({
      ...this.describe(credential),
      principal: credential.principal,
      ...(credential.tokenSha256 && { token_sha256: credential.tokenSha256 }),
    }));
  }

  reset(): void {
    this.credentials.clear();
    this.nextId = FIRST_CREDENTIAL_ID;
  }

  /** The credential `principal` has for `provider`, if any: what a Git folder operation authenticates with. */
  credentialFor(principal: string, provider: GitProvider): { credentialId: number } | undefined {
    const credential = [...this.credentials.values()].find(
      (candidate) => candidate.principal === principal && candidate.provider === provider,
    );
    return credential && { credentialId: credential.credentialId };
  }

  /** The credential with this id if it belongs to `principal`. */
  ownedBy(principal: string, credentialId: number): { provider: GitProvider } | undefined {
    const credential = this.credentials.get(credentialId);
    return credential?.principal === principal ? { provider: credential.provider } : undefined;
  }

  /** SHA-256 (hex) of a credential's token, or undefined: lets tests see that a token was rotated. */
  tokenHash(credentialId: number): string | undefined {
    return this.credentials.get(credentialId)?.tokenSha256;
  }

  /** Act as the owner deleting the credential in User Settings, whoever owns it. */
  deleteByUser(credentialId: number): void {
    if (!this.credentials.delete(credentialId)) throw notFound(String(credentialId));
  }

  private create(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const provider = gitProviderOf(fields.requiredString('git_provider'));
    const token = fields.string('personal_access_token');
    if (!token) {
      throw new ApiError(
        400,
        'TOKEN_MISSING',
        'Personal access token is a required field for all Git providers.',
      );
    }
    const username = fields.string('git_username') || undefined;
    if (provider === 'awsCodeCommit' && !username) {
      throw new ApiError(400, 'GIT_USERNAME_MISSING', 'Git username is a required field for AWS CodeCommit.');
    }
    const existing = [...this.credentials.values()].find(
      (credential) => credential.principal === req.principal,
    );
    if (existing) {
      throw new ApiError(
        400,
        'CREDENTIAL_ALREADY_EXISTS',
        'Only one Git credential is supported. To update your credential, use the PATCH endpoint.',
      );
    }
    const credential: StoredCredential = {
      credentialId: this.nextId++,
      principal: req.principal,
      provider,
      username,
      email: fields.string('git_email') || undefined,
      name: fields.string('name') || undefined,
      isDefaultForProvider: fields.boolean('is_default_for_provider'),
      tokenSha256: sha256(token),
    };
    this.credentials.set(credential.credentialId, credential);
    return this.describe(credential);
  }

  private list(req: FakeRequest): FakeResponseBody {
    const own = [...this.credentials.values()].filter((credential) => credential.principal === req.principal);
    return own.length === 0 ? {} : { credentials: own.map((credential) => this.describe(credential)) };
  }

  private update(req: FakeRequest): FakeResponseBody {
    const credential = this.find(req);
    const fields = RequestFields.of(req);
    credential.provider = gitProviderOf(fields.requiredString('git_provider'));
    const token = fields.string('personal_access_token');
    if (token) credential.tokenSha256 = sha256(token);
    if (fields.has('git_username')) credential.username = fields.string('git_username') || undefined;
    if (fields.has('git_email')) credential.email = fields.string('git_email') || undefined;
    if (fields.has('name')) credential.name = fields.string('name') || undefined;
    if (fields.has('is_default_for_provider')) {
      credential.isDefaultForProvider = fields.boolean('is_default_for_provider');
    }
    if (credential.provider === 'awsCodeCommit' && !credential.username) {
      throw new ApiError(400, 'GIT_USERNAME_MISSING', 'Git username is a required field for AWS CodeCommit.');
    }
    return {};
  }

  private delete(req: FakeRequest): FakeResponseBody {
    this.credentials.delete(this.find(req).credentialId);
    return {};
  }

  /** The caller's credential named by the path; another principal's is as absent as a missing one. */
  private find(req: FakeRequest): StoredCredential {
    const raw = req.params.credential_id ?? '';
    const credential = /^\d+$/.test(raw) ? this.credentials.get(Number(raw)) : undefined;
    if (!credential || credential.principal !== req.principal) throw notFound(raw);
    return credential;
  }

  /** `CredentialInfo`: everything but the token. */
  private describe(credential: StoredCredential): FakeResponseBody {
    return {
      credential_id: credential.credentialId,
      git_provider: credential.provider,
      ...(credential.username !== undefined && { git_username: credential.username }),
      ...(credential.email !== undefined && { git_email: credential.email }),
      ...(credential.name !== undefined && { name: credential.name }),
      ...(credential.isDefaultForProvider !== undefined && {
        is_default_for_provider: credential.isDefaultForProvider,
      }),
    };
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
