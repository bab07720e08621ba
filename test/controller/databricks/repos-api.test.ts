import {
  InvalidParameterError,
  NotFoundError,
  PermissionDeniedError,
} from '../../../controller/databricks/errors.js';
import { collect } from '../../../controller/databricks/pagination.js';
import { startClientBed, type ClientBed } from './client-test-bed.js';

const url = 'https://github.com/acme/etl.git';

describe('repos API against the fake workspace', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed();
  });
  afterEach(async () => bed.close());

  it('clones a Git folder, checks out a branch then a tag, and deletes it', async () => {
    const repo = await bed.client.repos.create({ url, provider: 'gitHub', path: '/Shared/etl' });
    expect(repo).toMatchObject({ path: '/Shared/etl', branch: 'main' });
    await bed.client.repos.update(repo.id, { branch: 'release' });
    const onBranch = await bed.client.repos.get(repo.id);
    expect(onBranch.branch).toBe('release');
    await bed.client.repos.update(repo.id, { tag: 'v1.2.0' });
    const onTag = await bed.client.repos.get(repo.id);
    expect(onTag.branch).toBeUndefined();
    expect(onTag.head_commit_id).not.toBe(onBranch.head_commit_id);
    expect((await bed.client.workspace.getStatus('/Shared/etl')).object_type).toBe('REPO');
    await bed.client.repos.delete(repo.id);
    await expect(bed.client.repos.get(repo.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reports an unknown ref as InvalidParameterError and a private repository without credential as PermissionDeniedError', async () => {
    const repo = await bed.client.repos.create({ url, provider: 'gitHub' });
    const unknownRef = bed.client.repos.update(repo.id, { branch: 'MISSING' });
    await expect(unknownRef).rejects.toBeInstanceOf(InvalidParameterError);
    await expect(unknownRef).rejects.toMatchObject({ errorCode: 'GIT_UNKNOWN_REF' });
    const privateRepo = bed.client.repos.create({
      url: 'https://github.com/acme/PRIVATE.git',
      provider: 'gitHub',
    });
    await expect(privateRepo).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(privateRepo).rejects.toThrow(/Missing Git provider credentials/);
  });

  it('lists every Git folder under a prefix across pages of 20', async () => {
    for (let i = 0; i < 25; i++)
      await bed.client.repos.create({ url: `https://github.com/acme/r${i}`, provider: 'gitHub' });
    await bed.client.repos.create({ url, provider: 'gitHub', path: '/Shared/outside' });
    const underRepos = await collect(bed.client.repos.list());
    expect(underRepos).toHaveLength(25);
    expect(bed.fake.requestCount('repos/list')).toBe(2);
    expect((await collect(bed.client.repos.list('/Shared'))).map((repo) => repo.path)).toEqual([
      '/Shared/outside',
    ]);
  });
});
