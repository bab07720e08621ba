import type { DatabricksGitCredential } from '../../../../controller/reconcilers/git-credential/git-credential.js';
import type { DatabricksRepo } from '../../../../controller/reconcilers/repo/repo.js';
import type { DatabricksKind } from '../../../../lib/crds/index.js';
import { RESOURCES, useOperatorTestBed } from '../../operator-test-bed.js';
import { namespaceEvents, putKubeSecret } from '../secret-scope/secret-scope-fixtures.js';

const KINDS: readonly DatabricksKind[] = ['DatabricksWorkspace', 'DatabricksGitCredential', 'DatabricksRepo'];
const FINALIZER = 'databricks.operator.dev/finalizer';

// As after a crash between the create Databricks carried out and the status write confirming it: status
// says the create is pending, and the object is there. It is taken as this object's, not created again.
describe('Git credentials and Git folders: a create interrupted by a crash', () => {
  const bed = useOperatorTestBed('git-crash', { operator: { kinds: KINDS } });

  it('confirms the credential the interrupted create made, without a second create', async () => {
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
