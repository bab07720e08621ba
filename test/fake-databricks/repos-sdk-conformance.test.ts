/**
 * The official SDK (`@databricks/sdk-experimental`) as an independent client of the fake's Git
 * credentials and Git folders (repos), and of the workspace tree they appear in.
 */
import { ApiError, WorkspaceClient } from '@databricks/sdk-experimental';
import { startFakeWorkspace, type FakeWorkspace } from './index.js';

let workspace: FakeWorkspace;
let client: WorkspaceClient;

beforeAll(async () => {
  workspace = await startFakeWorkspace({ rateLimits: false });
  client = new WorkspaceClient({ host: workspace.url, token: workspace.token, authType: 'pat' });
});
afterAll(() => workspace.close());
beforeEach(() => workspace.reset());

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function apiErrorOf(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail with an ApiError');
}

describe('Git credentials through the SDK', () => {
  it('creates, gets, lists and deletes the one credential of the caller', async () => {
    const created = await client.gitCredentials.create({
      git_provider: 'github',
      git_username: 'octo',
      personal_access_token: 'ghp_secret',
      name: 'ci',
    });
    expect(created).toEqual({
      credential_id: expect.any(Number),
      git_provider: 'gitHub',
      git_username: 'octo',
      name: 'ci',
    });
    expect(await client.gitCredentials.get({ credential_id: created.credential_id })).toEqual(created);
    expect(await collect(client.gitCredentials.list())).toEqual([created]);

    const second = await apiErrorOf(
      client.gitCredentials.create({ git_provider: 'gitLab', personal_access_token: 'glpat' }),
    );
    expect(second).toMatchObject({ statusCode: 400, errorCode: 'CREDENTIAL_ALREADY_EXISTS' });

    // sdk-js 0.17 sends no body with PATCH (see sdk-conformance-services.test.ts), so its update arrives
    // without the required git_provider; the fake's PATCH is covered over plain HTTP and by the client.
    await client.gitCredentials.delete({ credential_id: created.credential_id });
    expect(await collect(client.gitCredentials.list())).toEqual([]);
    const gone = await apiErrorOf(client.gitCredentials.get({ credential_id: created.credential_id }));
    expect(gone).toMatchObject({ statusCode: 404, errorCode: 'CREDENTIAL_NOT_FOUND' });
  });
});

describe('Git folders through the SDK', () => {
  it('creates a repo, finds it in the workspace tree, pulls it, pages the list and deletes it', async () => {
    const repo = await client.repos.create({ url: 'https://github.com/acme/etl.git', provider: 'gitHub' });
    expect(repo).toMatchObject({
      path: `/Repos/${workspace.userName}/etl`,
      branch: 'main',
      provider: 'gitHub',
    });
    const status = await client.workspace.getStatus({ path: repo.path as string });
    expect(status).toMatchObject({ object_type: 'REPO', object_id: repo.id });

    // sdk-js 0.17 sends PATCH without a body: to the API that is "pull the current branch".
    await client.repos.update({ repo_id: repo.id as number, branch: 'ignored-by-the-sdk' });
    expect(await client.repos.get({ repo_id: repo.id as number })).toMatchObject({ branch: 'main' });

    for (let i = 0; i < 21; i++)
      await client.repos.create({ url: `https://github.com/acme/r${i}`, provider: 'gitHub' });
    const listed = await collect(client.repos.list({}));
    expect(listed).toHaveLength(22);
    expect(workspace.requestCount('repos/list')).toBe(2);

    await client.repos.delete({ repo_id: repo.id as number });
    const gone = await apiErrorOf(client.repos.get({ repo_id: repo.id as number }));
    expect(gone).toMatchObject({
      statusCode: 404,
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Repo could not be found',
    });
  });

  it('refuses a private repository without a Git credential, and clones it with one', async () => {
    const url = 'https://github.com/acme/PRIVATE-app.git';
    const denied = await apiErrorOf(client.repos.create({ url, provider: 'gitHub' }));
    expect(denied).toMatchObject({ statusCode: 403, errorCode: 'PERMISSION_DENIED' });
    await client.gitCredentials.create({ git_provider: 'gitHub', personal_access_token: 'ghp' });
    expect(await client.repos.create({ url, provider: 'gitHub' })).toMatchObject({ branch: 'main' });
  });

  it('sets and reads repo permissions', async () => {
    const repo = await client.repos.create({ url: 'https://github.com/acme/acl', provider: 'gitHub' });
    const set = await client.repos.setPermissions({
      repo_id: String(repo.id),
      access_control_list: [{ group_name: 'data-eng', permission_level: 'CAN_EDIT' }],
    });
    expect(set).toMatchObject({ object_id: `/repos/${repo.id}`, object_type: 'repo' });
    const levels = await client.repos.getPermissionLevels({ repo_id: String(repo.id) });
    expect(levels.permission_levels?.map((l) => l.permission_level)).toContain('CAN_RUN');
  });
});
