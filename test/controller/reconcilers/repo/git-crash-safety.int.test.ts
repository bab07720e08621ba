import type { DatabricksGitCredential } from '../../../../controller/reconcilers/git-credential/git-credential.js';
import type { DatabricksRepo } from '../../../../controller/reconcilers/repo/repo.js';
import type { DatabricksKind } from '../../../../lib/crds/index.js';
import { RESOURCES, useOperatorTestBed, type OperatorTestBed } from '../../operator-test-bed.js';
import { namespaceEvents, putKubeSecret } from '../secret-scope/secret-scope-fixtures.js';

const KINDS: readonly DatabricksKind[] = ['DatabricksWorkspace', 'DatabricksGitCredential', 'DatabricksRepo'];
const FINALIZER = 'databricks.operator.dev/finalizer';

/**
 * With the controller stopped: the principal's credential as the interrupted create made it, and the
 * DatabricksGitCredential `git` whose status still says the create is pending.
 */
async function pendingCredential(bed: OperatorTestBed): Promise<{ credential_id?: number }> {
  await bed.stopOperator();
  await putKubeSecret(bed, 'git-token', { token: 'ghp_crash' });
  const created = await bed.fake.ui.call('git-credentials/create', {
    git_provider: 'gitHub',
    git_username: 'etl-bot',
    personal_access_token: 'ghp_crash',
  });
  await bed.create(
    RESOURCES.DatabricksGitCredential,
    'DatabricksGitCredential',
    'git',
    {
      workspaceRef: { name: 'ws' },
      git_provider: 'gitHub',
      git_username: 'etl-bot',
      personal_access_token: { secretKeyRef: { name: 'git-token', key: 'token' } },
    },
    { finalizers: [FINALIZER] },
  );
  await bed.kube.patchCustomObjectStatus(RESOURCES.DatabricksGitCredential, bed.namespace, 'git', {
    status: { credentialCreatePending: true },
  });
  return created;
}

// As after a crash between the create Databricks carried out and the status write confirming it: status
// says the create is pending, and the object is there. It is taken as this object's, not created again.
describe('Git credentials and Git folders: a create interrupted by a crash', () => {
  const bed = useOperatorTestBed('git-crash', { operator: { kinds: KINDS } });

  it('confirms the credential the interrupted create made, without a second create', async () => {
    const created = await pendingCredential(bed);
    await bed.startOperator({ kinds: KINDS });
    const ready = await bed.waitForCondition<DatabricksGitCredential>(
      RESOURCES.DatabricksGitCredential,
      'git',
    );
    expect(ready.status?.credentialId).toBe(created.credential_id);
    expect(ready.status?.credentialCreatePending).toBeUndefined();
    expect(bed.fake.requestCount('git-credentials/create')).toBe(0);
    // No hash of the token sent was recorded, so the token is sent once to be sure.
    expect(bed.fake.requestCount('git-credentials/update')).toBe(1);
    expect((await namespaceEvents(bed)).filter((event) => event.startsWith('Recreated'))).toEqual([]);
  });

  it('confirms the Git folder the interrupted create made, without a second create', async () => {
    await bed.stopOperator();
    const path = `/Repos/${bed.fake.userName}/etl`;
    const url = 'https://github.com/acme/etl.git';
    const created = await bed.fake.ui.call('repos/create', { url, provider: 'gitHub', path });
    await bed.create(
      RESOURCES.DatabricksRepo,
      'DatabricksRepo',
      'etl',
      { workspaceRef: { name: 'ws' }, path, url },
      { finalizers: [FINALIZER] },
    );
    await bed.kube.patchCustomObjectStatus(RESOURCES.DatabricksRepo, bed.namespace, 'etl', {
      status: { repoCreatePending: true, path },
    });
    await bed.startOperator({ kinds: KINDS });
    const ready = await bed.waitForCondition<DatabricksRepo>(RESOURCES.DatabricksRepo, 'etl');
    expect(ready.status?.repoId).toBe(created.id);
    expect(ready.status?.repoCreatePending).toBeUndefined();
    expect(bed.fake.requestCount('repos/create')).toBe(0);
    expect(await namespaceEvents(bed)).toContain(
      `Created: created Git folder ${path} from ${url} (sent before the controller stopped, confirmed now)`,
    );
  });
});

// As after a crash between the create and its status write, then a delete of the object while the
// controller was down: what the create made is this object's to delete.
describe('Git credentials and Git folders: deleted after a create interrupted by a crash', () => {
  const bed = useOperatorTestBed('git-crash-delete', { operator: { kinds: KINDS } });

  it('deletes the credential the interrupted create made', async () => {
    const created = await pendingCredential(bed);
    await bed.delete(RESOURCES.DatabricksGitCredential, 'git');
    await bed.startOperator({ kinds: KINDS });
    await bed.waitForGone(RESOURCES.DatabricksGitCredential, 'git');
    expect(bed.fake.requests({ endpoint: 'git-credentials/delete' }).map((r) => r.path)).toEqual([
      `/api/2.0/git-credentials/${String(created.credential_id)}`,
    ]);
    expect(bed.fake.requestCount('git-credentials/create')).toBe(0);
    expect(await namespaceEvents(bed)).toContain(
      `Deleted: deleted Git credential ${String(created.credential_id)}`,
    );
  });

  it('deletes the Git folder the interrupted create made, and leaves one of another repository', async () => {
    await bed.stopOperator();
    const mine = `/Repos/${bed.fake.userName}/etl`;
    const theirs = `/Repos/${bed.fake.userName}/other`;
    const url = 'https://github.com/acme/etl.git';
    const made = await bed.fake.ui.call('repos/create', { url, provider: 'gitHub', path: mine });
    const stranger = await bed.fake.ui.call('repos/create', {
      url: 'https://github.com/acme/stranger.git',
      provider: 'gitHub',
      path: theirs,
    });
    for (const [name, path] of [
      ['etl', mine],
      ['other', theirs],
    ] as const) {
      await bed.create(
        RESOURCES.DatabricksRepo,
        'DatabricksRepo',
        name,
        { workspaceRef: { name: 'ws' }, path, url },
        { finalizers: [FINALIZER] },
      );
      await bed.kube.patchCustomObjectStatus(RESOURCES.DatabricksRepo, bed.namespace, name, {
        status: { repoCreatePending: true, path },
      });
      await bed.delete(RESOURCES.DatabricksRepo, name);
    }
    await bed.startOperator({ kinds: KINDS });
    await bed.waitForGone(RESOURCES.DatabricksRepo, 'etl');
    await bed.waitForGone(RESOURCES.DatabricksRepo, 'other');
    expect(bed.fake.requests({ endpoint: 'repos/delete' }).map((r) => r.path)).toEqual([
      `/api/2.0/repos/${String(made.id)}`,
    ]);
    expect(stranger.id).toBeDefined();
    expect(bed.fake.requestCount('repos/create')).toBe(0);
  });
});
