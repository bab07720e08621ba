import { AlreadyExistsError, NotFoundError } from '../../../controller/databricks/errors.js';
import type { GitCredentialsService } from '../../fake-databricks/git-credentials.js';
import { startClientBed, type ClientBed } from './client-test-bed.js';

describe('Git credentials API against the fake workspace', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed();
  });
  afterEach(async () => bed.close());

  const tokenHash = (id: number) => bed.fake.service<GitCredentialsService>('git-credentials').tokenHash(id);

  it('creates the credential, never reads its token back, and rotates the token with update', async () => {
    const created = await bed.client.gitCredentials.create({
      git_provider: 'gitHub',
      git_username: 'octo',
      personal_access_token: 'ghp_one',
    });
    expect(created).toEqual({
      credential_id: expect.any(Number),
      git_provider: 'gitHub',
      git_username: 'octo',
    });
    expect(await bed.client.gitCredentials.list()).toEqual([created]);
    const before = tokenHash(created.credential_id);
    await bed.client.gitCredentials.update(created.credential_id, {
      git_provider: 'gitHub',
      personal_access_token: 'ghp_two',
    });
    expect(tokenHash(created.credential_id)).not.toBe(before);
    expect(await bed.client.gitCredentials.get(created.credential_id)).toEqual(created);
    expect(bed.fake.requests({ endpoint: 'git-credentials/update' })[0].method).toBe('PATCH');
  });

  it('reports a second credential as AlreadyExistsError and a deleted one as NotFoundError', async () => {
    const { credential_id } = await bed.client.gitCredentials.create({
      git_provider: 'gitHub',
      personal_access_token: 'ghp',
    });
    const second = bed.client.gitCredentials.create({
      git_provider: 'gitLab',
      personal_access_token: 'glpat',
    });
    await expect(second).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(second).rejects.toMatchObject({ errorCode: 'CREDENTIAL_ALREADY_EXISTS' });
    await bed.client.gitCredentials.delete(credential_id);
    await expect(bed.client.gitCredentials.get(credential_id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(bed.client.gitCredentials.delete(credential_id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await bed.client.gitCredentials.list()).toEqual([]);
  });
});
