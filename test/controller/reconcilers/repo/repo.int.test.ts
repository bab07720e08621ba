import type { DatabricksRepo } from '../../../../controller/reconcilers/repo/repo.js';
import type { DatabricksKind } from '../../../../lib/crds/index.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import type { PermissionsService } from '../../../fake-databricks/permissions.js';
import { RESOURCES, useOperatorTestBed, type OperatorTestBed } from '../../operator-test-bed.js';
import { namespaceEvents, putKubeSecret } from '../secret-scope/secret-scope-fixtures.js';

const REPOS = RESOURCES.DatabricksRepo;
const KINDS: readonly DatabricksKind[] = ['DatabricksWorkspace', 'DatabricksGitCredential', 'DatabricksRepo'];
const RESYNC_MS = 500;
const URL = 'https://github.com/acme/etl.git';
const WRITES = ['repos/create', 'repos/update', 'repos/delete'];

interface FakeRepo {
  id: number;
  path: string;
  url: string;
  branch?: string;
  tag?: string;
  head_commit_id: string;
  sparse_checkout?: { patterns: string[] };
}

function fakeRepos(bed: OperatorTestBed): FakeRepo[] {
  return bed.fake.snapshot().repos as FakeRepo[];
}

function writes(bed: OperatorTestBed): Record<string, number> {
  return Object.fromEntries(WRITES.map((endpoint) => [endpoint, bed.fake.requestCount(endpoint)]));
}

/** Waits until the operator has listed the Git folders `count` more times (resyncs). */
async function waitForLooks(bed: OperatorTestBed, count: number): Promise<void> {
  const start = bed.fake.requestCount('repos/list');
  await pollUntil(`${count} more repos/list`, async () =>
    bed.fake.requestCount('repos/list') >= start + count ? true : undefined,
  );
}

describe('DatabricksRepo reconciler', () => {
  const bed = useOperatorTestBed('repo', {
    operator: { kinds: KINDS, config: { resyncPeriodMs: RESYNC_MS } },
  });
  const path = () => `/Repos/${bed.fake.userName}/etl`;
  const repoSpec = (extra: Record<string, unknown> = {}) => ({
    workspaceRef: { name: 'ws' },
    path: path(),
    url: URL,
    ...extra,
  });

  it('clones, checks out the branch, keeps it there without writes, follows a spec change, and puts back a branch switched in the UI', async () => {
    await bed.create(REPOS, 'DatabricksRepo', 'etl', repoSpec({ branch: 'dev' }));
    const ready = await bed.waitForCondition<DatabricksRepo>(REPOS, 'etl');
    const [created] = fakeRepos(bed);
    expect(created).toMatchObject({ path: path(), url: URL, branch: 'dev' });
    expect(ready.status).toMatchObject({
      repoId: created.id,
      path: path(),
      provider: 'gitHub',
      branch: 'dev',
      headCommitId: created.head_commit_id,
    });
    expect(writes(bed)).toEqual({ 'repos/create': 1, 'repos/update': 1, 'repos/delete': 0 });

    // Steady state: each resync lists the folders, and nothing is written or read one by one (once a
    // listing that started after this process's own writes speaks for the folder).
    await waitForLooks(bed, 1);
    const gets = bed.fake.requestCount('repos/get');
    await waitForLooks(bed, 3);
    expect(writes(bed)).toEqual({ 'repos/create': 1, 'repos/update': 1, 'repos/delete': 0 });
    expect(bed.fake.requestCount('repos/get')).toBe(gets);

    await bed.patchSpec(REPOS, 'etl', { branch: 'release' });
    const moved = await bed.waitForCondition<DatabricksRepo>(REPOS, 'etl');
    expect(moved.status?.branch).toBe('release');
    expect(fakeRepos(bed)[0].branch).toBe('release');
    expect(writes(bed)['repos/update']).toBe(2);

    await bed.fake.ui.checkoutRepo(created.id, { branch: 'experiment' });
    await pollUntil('the branch put back', async () =>
      fakeRepos(bed)[0]?.branch === 'release' ? true : undefined,
    );
    // Recorded after the checkout it tells of: the branch may show in Databricks before the Event exists.
    const drift = `DriftCorrected: Git folder ${path()} was switched to branch experiment in Databricks; checked out branch release again`;
    await pollUntil('the DriftCorrected event', async () =>
      (await namespaceEvents(bed)).includes(drift) ? true : undefined,
    );
    expect(writes(bed)['repos/update']).toBe(3);

    await bed.delete(REPOS, 'etl');
    await bed.waitForGone(REPOS, 'etl');
    expect(fakeRepos(bed)).toEqual([]);
  });

  it('reads 25 Git folders at each resync from the shared listing (20 a page), with no get or write', async () => {
    const names = Array.from({ length: 25 }, (_, i) => `code-${i}`);
    for (const name of names) {
      await bed.create(
        REPOS,
        'DatabricksRepo',
        name,
        repoSpec({ path: `/Repos/${bed.fake.userName}/${name}`, branch: 'main' }),
      );
    }
    await Promise.all(names.map((name) => bed.waitForCondition(REPOS, name)));
    await waitForLooks(bed, 2);
    const gets = bed.fake.requestCount('repos/get');
    await waitForLooks(bed, 6);
    expect(bed.fake.requestCount('repos/get')).toBe(gets);
    expect(writes(bed)).toEqual({ 'repos/create': 25, 'repos/update': 0, 'repos/delete': 0 });
    // 25 creates and eight resyncs took 17 s on a loaded machine: more than half the project's 30 s.
  }, 60_000);

  it('keeps a folder on a tag, which Databricks does not report, and puts it back when switched to another tag', async () => {
    await bed.create(REPOS, 'DatabricksRepo', 'etl', repoSpec({ tag: 'v1' }));
    const ready = await bed.waitForCondition<DatabricksRepo>(REPOS, 'etl');
    const [created] = fakeRepos(bed);
    expect(created).toMatchObject({ tag: 'v1' });
    expect(created.branch).toBeUndefined();
    expect(ready.status).toMatchObject({ tag: 'v1', headCommitId: created.head_commit_id });
    expect(ready.status?.branch).toBeUndefined();

    await waitForLooks(bed, 2);
    const updates = writes(bed)['repos/update'];
    await bed.fake.ui.checkoutRepo(created.id, { tag: 'v2' });
    await pollUntil('the tag put back', async () => (fakeRepos(bed)[0]?.tag === 'v1' ? true : undefined));
    expect(writes(bed)['repos/update']).toBe(updates + 1);
  });

  it('refuses a Git folder it did not create until spec.adopt, then keeps it on the branch; Retain leaves it', async () => {
    await bed.fake.ui.call('repos/create', { url: URL, provider: 'gitHub', path: path() });
    await bed.create(REPOS, 'DatabricksRepo', 'etl', repoSpec({ branch: 'main', deletionPolicy: 'Retain' }));
    const refused = await bed.waitForCondition<DatabricksRepo>(REPOS, 'etl', {
      status: 'False',
      reason: 'RepoExists',
    });
    expect(refused.status?.conditions?.[0]?.message).toContain('set spec.adopt to take it over');
    await bed.patchSpec(REPOS, 'etl', { adopt: true });
    const adopted = await bed.waitForCondition<DatabricksRepo>(REPOS, 'etl');
    expect(adopted.status?.repoId).toBe(fakeRepos(bed)[0].id);
    expect(writes(bed)).toEqual({ 'repos/create': 0, 'repos/update': 0, 'repos/delete': 0 });
    expect(await namespaceEvents(bed)).toContain(
      `Adopted: adopted Git folder ${path()} (spec.adopt): it is checked out as the spec says from now on`,
    );

    await bed.delete(REPOS, 'etl');
    await bed.waitForGone(REPOS, 'etl');
    expect(fakeRepos(bed)).toHaveLength(1);
  });

  it('refuses a second DatabricksRepo at the same path, naming the first, and a path that holds something else', async () => {
    await bed.create(REPOS, 'DatabricksRepo', 'first', repoSpec());
    await bed.waitForCondition(REPOS, 'first');
    await bed.create(REPOS, 'DatabricksRepo', 'second', repoSpec({ adopt: true }));
    const refused = await bed.waitForCondition<DatabricksRepo>(REPOS, 'second', {
      status: 'False',
      reason: 'OwnedElsewhere',
    });
    expect(refused.status?.conditions?.[0]?.message).toContain(
      `belongs to DatabricksRepo ${bed.namespace}/first`,
    );

    await bed.fake.ui.call('workspace/mkdirs', { path: '/Shared/not-a-repo' });
    await bed.create(REPOS, 'DatabricksRepo', 'third', repoSpec({ path: '/Shared/not-a-repo' }));
    const taken = await bed.waitForCondition<DatabricksRepo>(REPOS, 'third', {
      status: 'False',
      reason: 'PathTaken',
    });
    expect(taken.status?.conditions?.[0]?.message).toContain('is a DIRECTORY, not a Git folder');
  });

  it('waits for its Git credential to be Ready before cloning a private repository with it', async () => {
    const privateUrl = 'https://github.com/acme/PRIVATE-etl.git';
    await bed.create(
      REPOS,
      'DatabricksRepo',
      'etl',
      repoSpec({ url: privateUrl, gitCredentialRef: { name: 'git' } }),
    );
    const waiting = await bed.waitForCondition<DatabricksRepo>(REPOS, 'etl', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(waiting.status?.conditions?.[0]?.message).toBe(
      'spec.gitCredentialRef: DatabricksGitCredential git does not exist yet',
    );
    await putKubeSecret(bed, 'git-token', { token: 'ghp_private' });
    await bed.create(RESOURCES.DatabricksGitCredential, 'DatabricksGitCredential', 'git', {
      workspaceRef: { name: 'ws' },
      git_provider: 'gitHub',
      personal_access_token: { secretKeyRef: { name: 'git-token', key: 'token' } },
    });
    await bed.waitForCondition(REPOS, 'etl');
    expect(fakeRepos(bed)[0]).toMatchObject({ url: privateUrl, path: path() });
  });

  it('grants spec.permissions on the Git folder once, with no write at steady state', async () => {
    await bed.create(
      REPOS,
      'DatabricksRepo',
      'etl',
      repoSpec({
        permissions: {
          mode: 'Additive',
          access_control_list: [{ group_name: 'analysts', permission_level: 'CAN_RUN' }],
        },
      }),
    );
    const ready = await bed.waitForCondition<DatabricksRepo>(REPOS, 'etl');
    const acl = bed.fake
      .service<PermissionsService>('permissions')
      .directAcl('repos', String(ready.status?.repoId ?? ''));
    expect(Object.fromEntries(acl.map((entry) => [entry.principal, entry.level]))).toMatchObject({
      analysts: 'CAN_RUN',
    });
    expect(ready.status?.permissionsHash).toEqual(expect.any(String));
    await waitForLooks(bed, 2);
    expect(bed.fake.requestCount('permissions/patch') + bed.fake.requestCount('permissions/put')).toBe(1);
  });

  it('observes a Git folder without writing (managementPolicy Observe), reporting a branch that differs', async () => {
    await bed.fake.ui.call('repos/create', { url: URL, provider: 'gitHub', path: path() });
    await bed.create(
      REPOS,
      'DatabricksRepo',
      'etl',
      repoSpec({ branch: 'dev', managementPolicy: 'Observe' }),
    );
    const observed = await bed.waitForCondition<DatabricksRepo>(REPOS, 'etl', {
      type: 'InSync',
      status: 'False',
    });
    expect(observed.status?.driftedFields).toEqual(['branch']);
    await bed.delete(REPOS, 'etl');
    await bed.waitForGone(REPOS, 'etl');
    expect(writes(bed)).toEqual({ 'repos/create': 0, 'repos/update': 0, 'repos/delete': 0 });
  });
});
