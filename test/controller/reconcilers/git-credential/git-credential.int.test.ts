import { createHash } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import type { DatabricksGitCredential } from '../../../../controller/reconcilers/git-credential/git-credential.js';
import type { DatabricksKind } from '../../../../lib/crds/index.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { testKubeConfig } from '../../../control-plane/test-cluster.js';
import { RESOURCES, useOperatorTestBed, type OperatorTestBed } from '../../operator-test-bed.js';
import { namespaceEvents, putKubeSecret } from '../secret-scope/secret-scope-fixtures.js';

const CREDENTIALS = RESOURCES.DatabricksGitCredential;
const KINDS: readonly DatabricksKind[] = ['DatabricksWorkspace', 'DatabricksGitCredential'];
const RESYNC_MS = 500;
const WRITES = ['git-credentials/create', 'git-credentials/update', 'git-credentials/delete'];

interface FakeCredential {
  credential_id: number;
  git_provider: string;
  git_username?: string;
  token_sha256?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const core = () => testKubeConfig().makeApiClient(CoreV1Api);

function fakeCredentials(bed: OperatorTestBed): FakeCredential[] {
  return bed.fake.snapshot()['git-credentials'] as FakeCredential[];
}

function writes(bed: OperatorTestBed): Record<string, number> {
  return Object.fromEntries(WRITES.map((endpoint) => [endpoint, bed.fake.requestCount(endpoint)]));
}

function credentialSpec(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    workspaceRef: { name: 'ws' },
    git_provider: 'gitHub',
    git_username: 'etl-bot',
    personal_access_token: { secretKeyRef: { name: 'git-token', key: 'token' } },
    ...extra,
  };
}

/** Waits until the operator has listed the credentials `count` more times (resyncs). */
async function waitForLooks(bed: OperatorTestBed, count: number): Promise<void> {
  const start = bed.fake.requestCount('git-credentials/list');
  await pollUntil(`${count} more git-credentials/list`, async () =>
    bed.fake.requestCount('git-credentials/list') >= start + count ? true : undefined,
  );
}

describe('DatabricksGitCredential reconciler', () => {
  const bed = useOperatorTestBed('git-credential', {
    operator: { kinds: KINDS, config: { resyncPeriodMs: RESYNC_MS } },
  });

  it('creates the credential with the token of the Secret, keeps only an HMAC of it, and sends a rotated token once', async () => {
    await putKubeSecret(bed, 'git-token', { token: 'ghp_first' });
    await bed.create(CREDENTIALS, 'DatabricksGitCredential', 'git', credentialSpec());
    const ready = await bed.waitForCondition<DatabricksGitCredential>(CREDENTIALS, 'git');
    const [created] = fakeCredentials(bed);
    expect(created).toMatchObject({
      git_provider: 'gitHub',
      git_username: 'etl-bot',
      token_sha256: sha256('ghp_first'),
    });
    expect(ready.status).toMatchObject({ credentialId: created.credential_id, gitProvider: 'gitHub' });
    expect(ready.status?.tokenHash).toMatch(/^[0-9a-f]{8}:[0-9a-f]{16}$/);
    expect(JSON.stringify(ready)).not.toContain('ghp_first');
    expect(ready.status?.credentialCreatePending).toBeUndefined();

    // Steady state: resyncs list, and write nothing.
    await waitForLooks(bed, 3);
    expect(writes(bed)).toEqual({
      'git-credentials/create': 1,
      'git-credentials/update': 0,
      'git-credentials/delete': 0,
    });

    await putKubeSecret(bed, 'git-token', { token: 'ghp_second' });
    await pollUntil('the rotated token in Databricks', async () =>
      fakeCredentials(bed)[0]?.token_sha256 === sha256('ghp_second') ? true : undefined,
    );
    await waitForLooks(bed, 3);
    expect(writes(bed)).toEqual({
      'git-credentials/create': 1,
      'git-credentials/update': 1,
      'git-credentials/delete': 0,
    });
    const events = await namespaceEvents(bed);
    expect(events).toContain(
      `TokenRotated: sent the rotated token of Secret git-token key token to Git credential ${created.credential_id}`,
    );
    expect(events.join('\n')).not.toContain('ghp_');

    // Deleted with the default policy: the credential goes too.
    await bed.delete(CREDENTIALS, 'git');
    await bed.waitForGone(CREDENTIALS, 'git');
    expect(fakeCredentials(bed)).toEqual([]);
  });

  it('puts back a user name changed in Databricks, and creates a credential deleted there again', async () => {
    await putKubeSecret(bed, 'git-token', { token: 'ghp_drift' });
    await bed.create(CREDENTIALS, 'DatabricksGitCredential', 'git', credentialSpec());
    await bed.waitForCondition(CREDENTIALS, 'git');
    const [created] = fakeCredentials(bed);
    await bed.fake.ui.call('git-credentials/update', {
      credential_id: created.credential_id,
      git_provider: 'gitHub',
      git_username: 'someone-else',
    });
    await pollUntil('the user name put back', async () =>
      fakeCredentials(bed)[0]?.git_username === 'etl-bot' ? true : undefined,
    );
    // Recorded after the update it tells of: the update may show in Databricks before the Event exists.
    const drift = `DriftCorrected: Git credential ${created.credential_id} was changed in Databricks (git_username); set it back to the spec`;
    await pollUntil('the DriftCorrected event', async () =>
      (await namespaceEvents(bed)).includes(drift) ? true : undefined,
    );

    await bed.fake.ui.deleteGitCredential(created.credential_id);
    const again = await pollUntil('the credential created again', async () => {
      const [found] = fakeCredentials(bed);
      return found && found.credential_id !== created.credential_id ? found : undefined;
    });
    expect(again.token_sha256).toBe(sha256('ghp_drift'));
    await pollUntil('status naming the new credential', async () => {
      const object = await bed.get<DatabricksGitCredential>(CREDENTIALS, 'git');
      return object?.status?.credentialId === again.credential_id ? true : undefined;
    });
    expect(await namespaceEvents(bed)).toContain(
      `Recreated: Git credential ${created.credential_id} was deleted in Databricks; created it again as credential ${again.credential_id}`,
    );
  });

  it("refuses the principal's credential it did not create until spec.adopt, then takes it over with one update; Retain leaves it", async () => {
    await bed.fake.ui.call('git-credentials/create', {
      git_provider: 'gitLab',
      personal_access_token: 'glpat_theirs',
    });
    await putKubeSecret(bed, 'git-token', { token: 'ghp_adopt' });
    await bed.create(
      CREDENTIALS,
      'DatabricksGitCredential',
      'git',
      credentialSpec({ deletionPolicy: 'Retain' }),
    );
    const refused = await bed.waitForCondition<DatabricksGitCredential>(CREDENTIALS, 'git', {
      status: 'False',
      reason: 'CredentialExists',
    });
    const [theirs] = fakeCredentials(bed);
    expect(refused.status?.conditions?.[0]?.message).toContain(
      `already has Git credential ${theirs.credential_id} (gitLab)`,
    );
    expect(writes(bed)['git-credentials/update']).toBe(0);

    await bed.patchSpec(CREDENTIALS, 'git', { adopt: true });
    const adopted = await bed.waitForCondition<DatabricksGitCredential>(CREDENTIALS, 'git');
    expect(adopted.status?.credentialId).toBe(theirs.credential_id);
    expect(fakeCredentials(bed)).toEqual([
      expect.objectContaining({
        credential_id: theirs.credential_id,
        git_provider: 'gitHub',
        git_username: 'etl-bot',
        token_sha256: sha256('ghp_adopt'),
      }),
    ]);
    expect(writes(bed)).toEqual({
      'git-credentials/create': 0,
      'git-credentials/update': 1,
      'git-credentials/delete': 0,
    });

    await bed.delete(CREDENTIALS, 'git');
    await bed.waitForGone(CREDENTIALS, 'git');
    expect(fakeCredentials(bed)).toHaveLength(1);
    expect(await namespaceEvents(bed)).toContain(
      `Retained: left Git credential ${theirs.credential_id} in Databricks (deletionPolicy Retain)`,
    );
  });

  it('refuses a second DatabricksGitCredential of the same workspace, naming the first', async () => {
    await putKubeSecret(bed, 'git-token', { token: 'ghp_one' });
    await bed.create(CREDENTIALS, 'DatabricksGitCredential', 'first', credentialSpec());
    await bed.waitForCondition(CREDENTIALS, 'first');
    await bed.create(CREDENTIALS, 'DatabricksGitCredential', 'second', credentialSpec({ adopt: true }));
    const refused = await bed.waitForCondition<DatabricksGitCredential>(CREDENTIALS, 'second', {
      status: 'False',
      reason: 'OwnedElsewhere',
    });
    expect(refused.status?.conditions?.[0]?.message).toContain(
      `DatabricksGitCredential ${bed.namespace}/first holds it`,
    );
    expect(refused.status?.credentialId).toBeUndefined();
    // Deleting the refused one leaves the first one's credential alone.
    await bed.delete(CREDENTIALS, 'second');
    await bed.waitForGone(CREDENTIALS, 'second');
    expect(fakeCredentials(bed)).toHaveLength(1);
  });

  it('says which Secret or key is missing, naming the field, and goes on once the Secret has it', async () => {
    await bed.create(CREDENTIALS, 'DatabricksGitCredential', 'git', credentialSpec());
    const noSecret = await bed.waitForCondition<DatabricksGitCredential>(CREDENTIALS, 'git', {
      status: 'False',
      reason: 'SecretNotFound',
    });
    expect(noSecret.status?.conditions?.[0]?.message).toBe(
      `spec.personal_access_token.secretKeyRef: Secret git-token does not exist in namespace ${bed.namespace}; create it with the token under key token`,
    );
    await core().createNamespacedSecret({
      namespace: bed.namespace,
      body: { metadata: { name: 'git-token' }, stringData: { other: 'x' } },
    });
    const noKey = await bed.waitForCondition<DatabricksGitCredential>(CREDENTIALS, 'git', {
      status: 'False',
      reason: 'SecretKeyMissing',
    });
    expect(noKey.status?.conditions?.[0]?.message).toContain('has no key token');
    expect(bed.fake.requestCount('git-credentials/create')).toBe(0);
    await putKubeSecret(bed, 'git-token', { token: 'ghp_late' });
    await bed.waitForCondition(CREDENTIALS, 'git');
    expect(fakeCredentials(bed)[0]?.token_sha256).toBe(sha256('ghp_late'));
  });

  it('observes the credential without writing (managementPolicy Observe), reporting drift', async () => {
    await bed.fake.ui.call('git-credentials/create', {
      git_provider: 'gitHub',
      git_username: 'human',
      personal_access_token: 'ghp_human',
    });
    await putKubeSecret(bed, 'git-token', { token: 'ghp_observe' });
    await bed.create(
      CREDENTIALS,
      'DatabricksGitCredential',
      'git',
      credentialSpec({ managementPolicy: 'Observe' }),
    );
    const observed = await bed.waitForCondition<DatabricksGitCredential>(CREDENTIALS, 'git', {
      type: 'InSync',
      status: 'False',
    });
    expect(observed.status?.driftedFields).toEqual(['git_username']);
    await bed.delete(CREDENTIALS, 'git');
    await bed.waitForGone(CREDENTIALS, 'git');
    expect(writes(bed)).toEqual({
      'git-credentials/create': 0,
      'git-credentials/update': 0,
      'git-credentials/delete': 0,
    });
    expect(fakeCredentials(bed)).toHaveLength(1);
  });
});
