import { GitCredentialsService } from './git-credentials.js';
import { RouteTableClient } from './route-table-client.js';

const CREDENTIALS = '/api/2.0/git-credentials';

function workspace() {
  const service = new GitCredentialsService();
  return { service, api: new RouteTableClient(service, 'me@example.com') };
}

const github = { git_provider: 'gitHub', git_username: 'octo', personal_access_token: 'ghp_first' };

describe('Git credentials', () => {
  it('creates a credential and never returns its token', async () => {
    const { api, service } = workspace();
    const created = await api.ok('POST', CREDENTIALS, { ...github, git_email: 'octo@example.com' });
    expect(created).toEqual({
      credential_id: expect.any(Number),
      git_provider: 'gitHub',
      git_username: 'octo',
      git_email: 'octo@example.com',
    });
    const id = created.credential_id as number;
    expect(await api.ok('GET', `${CREDENTIALS}/${id}`)).toEqual(created);
    expect(await api.ok('GET', CREDENTIALS)).toEqual({ credentials: [created] });
    expect(JSON.stringify(service.snapshot())).not.toContain('ghp_first');
    expect(service.tokenHash(id)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('matches the provider case-insensitively and answers it in its documented spelling', async () => {
    const { api } = workspace();
    const created = await api.ok('POST', CREDENTIALS, { ...github, git_provider: 'GITLABENTERPRISEEDITION' });
    expect(created.git_provider).toBe('gitLabEnterpriseEdition');
  });

  it('refuses an unknown provider with INVALID_GIT_PROVIDER listing the providers', async () => {
    const { api } = workspace();
    const answer = await api.call('POST', CREDENTIALS, { ...github, git_provider: 'sourceForge' });
    expect(answer.status).toBe(400);
    expect(answer.body.error_code).toBe('INVALID_GIT_PROVIDER');
    expect(answer.body.message).toContain('awsCodeCommit, azureDevOpsServices, bitbucketCloud');
  });

  it('allows one credential per principal: a second create fails with CREDENTIAL_ALREADY_EXISTS, whatever its name or provider', async () => {
    const { api } = workspace();
    await api.ok('POST', CREDENTIALS, { ...github, name: 'first', is_default_for_provider: true });
    const second = await api.call('POST', CREDENTIALS, {
      git_provider: 'gitLab',
      personal_access_token: 'glpat',
      name: 'second',
      is_default_for_provider: true,
    });
    expect(second).toEqual({
      status: 400,
      body: {
        error_code: 'CREDENTIAL_ALREADY_EXISTS',
        message: 'Only one Git credential is supported. To update your credential, use the PATCH endpoint.',
      },
    });
    // Another principal has a credential of its own.
    const other = await api.call('POST', CREDENTIALS, github, 'other@example.com');
    expect(other.status).toBe(200);
  });

  it('needs a token always, and a username for AWS CodeCommit only', async () => {
    const { api } = workspace();
    expect((await api.call('POST', CREDENTIALS, { git_provider: 'gitHub' })).body).toEqual({
      error_code: 'TOKEN_MISSING',
      message: 'Personal access token is a required field for all Git providers.',
    });
    const codeCommit = await api.call('POST', CREDENTIALS, {
      git_provider: 'awsCodeCommit',
      personal_access_token: 'x',
    });
    expect(codeCommit.body.error_code).toBe('GIT_USERNAME_MISSING');
    await api.ok('POST', CREDENTIALS, { git_provider: 'gitHub', personal_access_token: 'x' });
  });

  it('rotates the token with PATCH and changes only the fields the request carries', async () => {
    const { api, service } = workspace();
    const { credential_id: id } = await api.ok('POST', CREDENTIALS, github);
    const before = service.tokenHash(id as number);
    await api.ok('PATCH', `${CREDENTIALS}/${id}`, {
      git_provider: 'github',
      personal_access_token: 'ghp_second',
    });
    expect(service.tokenHash(id as number)).not.toBe(before);
    expect(await api.ok('GET', `${CREDENTIALS}/${id}`)).toEqual({
      credential_id: id,
      git_provider: 'gitHub',
      git_username: 'octo',
    });
    // git_provider is required on PATCH, as the SDK model marks it.
    expect(
      (await api.call('PATCH', `${CREDENTIALS}/${id}`, { personal_access_token: 'x' })).body.message,
    ).toBe('Missing required field: git_provider');
  });

  it("answers a missing or another principal's credential with 404 CREDENTIAL_NOT_FOUND", async () => {
    const { api } = workspace();
    const { credential_id: id } = await api.ok('POST', CREDENTIALS, github);
    const theirs = await api.call('GET', `${CREDENTIALS}/${id}`, {}, 'other@example.com');
    expect(theirs).toEqual({
      status: 404,
      body: {
        error_code: 'CREDENTIAL_NOT_FOUND',
        message: `Credential with the specified ID (${id}) not found.`,
      },
    });
    expect(await api.ok('GET', CREDENTIALS, {})).toHaveProperty('credentials');
    expect((await api.call('DELETE', `${CREDENTIALS}/${id}`, {}, 'other@example.com')).status).toBe(404);
    await api.ok('DELETE', `${CREDENTIALS}/${id}`);
    expect((await api.call('GET', `${CREDENTIALS}/${id}`)).status).toBe(404);
    expect(await api.ok('GET', CREDENTIALS)).toEqual({});
  });
});
