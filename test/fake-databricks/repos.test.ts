import { GitCredentialsService } from './git-credentials.js';
import { ReposService } from './repos.js';
import { RouteTableClient, routeTableContext } from './route-table-client.js';
import { WorkspaceService } from './workspace.js';

const REPOS = '/api/2.0/repos';
const ME = 'tester@example.com';

function workspace() {
  const ctx = routeTableContext();
  const events: string[] = [];
  const services: { repos?: ReposService } = {};
  const tree = new WorkspaceService(ctx, {
    onRepoRemoved: (id) => services.repos?.onRemovedFromWorkspace(id),
  });
  const credentials = new GitCredentialsService();
  const repos = new ReposService(
    { workspace: tree, credentials },
    { onCreated: (id) => events.push(`created ${id}`), onDeleted: (id) => events.push(`deleted ${id}`) },
  );
  services.repos = repos;
  return {
    repos,
    events,
    api: new RouteTableClient(repos),
    tree: new RouteTableClient(tree),
    credentials: new RouteTableClient(credentials),
  };
}

const url = 'https://github.com/acme/etl.git';

describe('Git folders', () => {
  it('clones into /Repos/{caller}/{name} on main by default, with a commit derived from URL and ref', async () => {
    const { api, events } = workspace();
    const repo = await api.ok('POST', REPOS, { url, provider: 'gitHub' });
    expect(repo).toEqual({
      id: expect.any(Number),
      path: `/Repos/${ME}/etl`,
      url,
      provider: 'gitHub',
      branch: 'main',
      head_commit_id: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(events).toEqual([`created ${repo.id}`]);
    expect(await api.ok('GET', `${REPOS}/${repo.id}`)).toEqual(repo);
    // The same URL and branch check out the same commit in another folder.
    const twin = await api.ok('POST', REPOS, { url, provider: 'github', path: '/Shared/etl' });
    expect(twin.head_commit_id).toBe(repo.head_commit_id);
  });

  it('is an object of type REPO in the workspace tree, with the repo id as object id', async () => {
    const { api, tree } = workspace();
    await tree.ok('POST', '/api/2.0/workspace/mkdirs', { path: '/Repos/Production' });
    const repo = await api.ok('POST', REPOS, { url, provider: 'gitHub', path: '/Repos/Production/etl' });
    expect(
      await tree.ok('GET', '/api/2.0/workspace/get-status', { path: '/Repos/Production/etl' }),
    ).toMatchObject({
      object_type: 'REPO',
      object_id: repo.id,
      path: '/Repos/Production/etl',
    });
    const listed = await tree.ok('GET', '/api/2.0/workspace/list', { path: '/Repos/Production' });
    expect(listed.objects).toEqual([
      expect.objectContaining({ object_type: 'REPO', path: '/Repos/Production/etl' }),
    ]);
  });

  it('goes away with the tree node: workspace/delete of the Git folder deletes the repo', async () => {
    const { api, tree, events } = workspace();
    const repo = await api.ok('POST', REPOS, { url, provider: 'gitHub' });
    await tree.ok('POST', '/api/2.0/workspace/delete', { path: repo.path, recursive: true });
    expect(events).toContain(`deleted ${repo.id}`);
    expect(await api.call('GET', `${REPOS}/${repo.id}`)).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Repo could not be found' },
    });
  });

  it('deletes the repo and its tree node', async () => {
    const { api, tree } = workspace();
    const repo = await api.ok('POST', REPOS, { url, provider: 'gitHub' });
    await api.ok('DELETE', `${REPOS}/${repo.id}`);
    expect((await tree.call('GET', '/api/2.0/workspace/get-status', { path: repo.path })).status).toBe(404);
    expect((await api.call('DELETE', `${REPOS}/${repo.id}`)).status).toBe(404);
  });

  it.each([['/Repos/too-short'], ['/Repos/a/b/c'], ['relative/path']])(
    'refuses the path %s with BAD_REQUEST "Invalid repo path specified"',
    async (path) => {
      const { api } = workspace();
      const answer = await api.call('POST', REPOS, { url, provider: 'gitHub', path });
      expect(answer.status).toBe(400);
      expect(answer.body.error_code).toBe('BAD_REQUEST');
      expect(answer.body.message).toMatch(/^Invalid repo path specified/);
    },
  );

  it("needs the parent folder, except the caller's own folder under /Repos", async () => {
    const { api } = workspace();
    expect(await api.call('POST', REPOS, { url, provider: 'gitHub', path: '/Repos/missing/etl' })).toEqual({
      status: 404,
      body: {
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: 'RESOURCE_DOES_NOT_EXIST: Parent directory /Repos/missing does not exist.',
      },
    });
    await api.ok('POST', REPOS, { url, provider: 'gitHub', path: `/Repos/${ME}/mine` });
    // Outside /Repos any folder works, and /Workspace/... names the same path.
    const shared = await api.ok('POST', REPOS, { url, provider: 'gitHub', path: '/Workspace/Shared/etl' });
    expect(shared.path).toBe('/Shared/etl');
    expect(
      (await api.call('POST', REPOS, { url, provider: 'gitHub', path: '/Shared/etl' })).body.error_code,
    ).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('refuses an unknown provider and a URL that is not a Git URL', async () => {
    const { api } = workspace();
    expect((await api.call('POST', REPOS, { url, provider: 'sourceForge' })).body.error_code).toBe(
      'INVALID_GIT_PROVIDER',
    );
    expect((await api.call('POST', REPOS, { url: 'not a url', provider: 'gitHub' })).status).toBe(400);
    expect((await api.call('POST', REPOS, { url })).body.message).toBe('Missing required field: provider');
  });
});

describe('Git folder checkouts', () => {
  it('checks out a branch, then a tag (detached: no branch), recording a commit per ref', async () => {
    const { api } = workspace();
    const repo = await api.ok('POST', REPOS, { url, provider: 'gitHub' });
    expect(await api.ok('PATCH', `${REPOS}/${repo.id}`, { branch: 'release' })).toEqual({});
    const onRelease = await api.ok('GET', `${REPOS}/${repo.id}`);
    expect(onRelease.branch).toBe('release');
    expect(onRelease.head_commit_id).not.toBe(repo.head_commit_id);
    await api.ok('PATCH', `${REPOS}/${repo.id}`, { tag: 'v1.0' });
    const onTag = await api.ok('GET', `${REPOS}/${repo.id}`);
    expect(onTag).not.toHaveProperty('branch');
    expect(onTag.head_commit_id).not.toBe(onRelease.head_commit_id);
    expect((await api.call('PATCH', `${REPOS}/${repo.id}`, { branch: 'a', tag: 'b' })).status).toBe(400);
  });

  it('pulls the current branch on an empty PATCH, picking up commits pushed to the remote', async () => {
    const { api, repos } = workspace();
    const repo = await api.ok('POST', REPOS, { url, provider: 'gitHub' });
    await api.ok('PATCH', `${REPOS}/${repo.id}`, {});
    expect((await api.ok('GET', `${REPOS}/${repo.id}`)).head_commit_id).toBe(repo.head_commit_id);
    repos.pushToRemote(url, 'main');
    expect((await api.ok('GET', `${REPOS}/${repo.id}`)).head_commit_id).toBe(repo.head_commit_id);
    await api.ok('PATCH', `${REPOS}/${repo.id}`, {});
    const pulled = await api.ok('GET', `${REPOS}/${repo.id}`);
    expect(pulled.branch).toBe('main');
    expect(pulled.head_commit_id).not.toBe(repo.head_commit_id);
  });

  it('refuses a ref the remote does not have with GIT_UNKNOWN_REF', async () => {
    const { api } = workspace();
    const repo = await api.ok('POST', REPOS, { url, provider: 'gitHub' });
    expect(await api.call('PATCH', `${REPOS}/${repo.id}`, { branch: 'MISSING-branch' })).toEqual({
      status: 400,
      body: { error_code: 'GIT_UNKNOWN_REF', message: 'Remote branch does not exist' },
    });
    expect((await api.ok('GET', `${REPOS}/${repo.id}`)).branch).toBe('main');
  });

  it('keeps sparse checkout patterns, changeable only on a repo created with sparse checkout', async () => {
    const { api } = workspace();
    const sparse = await api.ok('POST', REPOS, {
      url,
      provider: 'gitHub',
      sparse_checkout: { patterns: ['src'] },
    });
    expect(sparse.sparse_checkout).toEqual({ patterns: ['src'] });
    await api.ok('PATCH', `${REPOS}/${sparse.id}`, { sparse_checkout: { patterns: ['src', 'conf'] } });
    expect((await api.ok('GET', `${REPOS}/${sparse.id}`)).sparse_checkout).toEqual({
      patterns: ['src', 'conf'],
    });
    const plain = await api.ok('POST', REPOS, { url, provider: 'gitHub', path: '/Shared/plain' });
    const refused = await api.call('PATCH', `${REPOS}/${plain.id}`, {
      sparse_checkout: { patterns: ['src'] },
    });
    expect(refused.body.message).toMatch(/created without sparse checkout/);
  });
});

describe('private repositories', () => {
  const privateUrl = 'https://github.com/acme/PRIVATE-etl.git';
  const missingCredentials = {
    status: 403,
    body: {
      error_code: 'PERMISSION_DENIED',
      message:
        'Missing Git provider credentials. Go to User Settings > Git Integration to add your personal access token.',
    },
  };

  it('need a Git credential of the provider for the caller, on create and on checkout', async () => {
    const { api, credentials } = workspace();
    expect(await api.call('POST', REPOS, { url: privateUrl, provider: 'gitHub' })).toEqual(
      missingCredentials,
    );
    // A credential for another provider does not help.
    const gitlab = await credentials.ok('POST', '/api/2.0/git-credentials', {
      git_provider: 'gitLab',
      personal_access_token: 'glpat',
    });
    expect(await api.call('POST', REPOS, { url: privateUrl, provider: 'gitHub' })).toEqual(
      missingCredentials,
    );
    await credentials.ok('PATCH', `/api/2.0/git-credentials/${gitlab.credential_id}`, {
      git_provider: 'gitHub',
    });
    const repo = await api.ok('POST', REPOS, { url: privateUrl, provider: 'gitHub' });

    await credentials.ok('DELETE', `/api/2.0/git-credentials/${gitlab.credential_id}`);
    expect(await api.call('PATCH', `${REPOS}/${repo.id}`, { branch: 'dev' })).toEqual(missingCredentials);
  });

  it("use the credential a request names, which must be the caller's and of the repo's provider", async () => {
    const { api, credentials } = workspace();
    const mine = await credentials.ok('POST', '/api/2.0/git-credentials', {
      git_provider: 'gitHub',
      personal_access_token: 'ghp',
    });
    await api.ok('POST', REPOS, {
      url: privateUrl,
      provider: 'gitHub',
      git_credential_id: mine.credential_id,
    });
    const wrong = await api.call('POST', REPOS, {
      url: privateUrl,
      provider: 'gitLab',
      path: '/Shared/x',
      git_credential_id: mine.credential_id,
    });
    expect(wrong.body.message).toMatch(/is for gitHub, but the repository is on gitLab/);
    const unknown = await api.call('POST', REPOS, {
      url: privateUrl,
      provider: 'gitHub',
      git_credential_id: 1,
    });
    expect(unknown.body.error_code).toBe('CREDENTIAL_NOT_FOUND');
  });
});

describe('listing Git folders', () => {
  it('pages 20 at a time by id, with an opaque next_page_token', async () => {
    const { api } = workspace();
    const ids: number[] = [];
    for (let i = 0; i < 45; i++) {
      const repo = await api.ok('POST', REPOS, { url: `https://github.com/acme/r${i}`, provider: 'gitHub' });
      ids.push(repo.id as number);
    }
    const pages = [];
    let token: string | undefined;
    do {
      const page = await api.ok('GET', REPOS, token ? { next_page_token: token } : {});
      pages.push((page.repos as { id: number }[]).map((repo) => repo.id));
      token = page.next_page_token as string | undefined;
    } while (token);
    expect(pages.map((page) => page.length)).toEqual([20, 20, 5]);
    expect(pages.flat()).toEqual(ids);
  });

  it('lists only repos under /Repos without a prefix, and those under the prefix with one', async () => {
    const { api } = workspace();
    const inRepos = await api.ok('POST', REPOS, { url, provider: 'gitHub' });
    const inShared = await api.ok('POST', REPOS, { url, provider: 'gitHub', path: '/Shared/etl' });
    const ids = async (query: Record<string, unknown>) =>
      (((await api.ok('GET', REPOS, query)).repos as { id: number }[] | undefined) ?? []).map(
        (repo) => repo.id,
      );
    expect(await ids({})).toEqual([inRepos.id]);
    expect(await ids({ path_prefix: '/Workspace' })).toEqual([inRepos.id]);
    expect(await ids({ path_prefix: '/Shared' })).toEqual([inShared.id]);
    expect(await ids({ path_prefix: '/Workspace/Shared/e' })).toEqual([inShared.id]);
    expect(await ids({ path_prefix: '/Users' })).toEqual([]);
  });
});
