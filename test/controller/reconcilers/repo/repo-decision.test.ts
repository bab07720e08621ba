import {
  checkoutNeeded,
  decideRepo,
  sameRepository,
  type RepoFacts,
} from '../../../../controller/reconcilers/repo/repo-decision.js';

const URL = 'https://github.com/acme/etl.git';
const folder = { id: 5, url: URL, branch: 'main', head_commit_id: 'aaa' };
const base: RepoFacts = {
  path: '/Repos/ci/etl',
  createPending: false,
  desired: { url: URL, branch: 'main' },
  recorded: {},
  adopt: false,
  host: 'https://ws.example.com',
};

describe('decideRepo', () => {
  it.each<[string, Partial<RepoFacts>, string, string]>([
    ['nothing at the path: create', { atPath: { kind: 'nothing' } }, 'create', ''],
    [
      'a folder of the URL, without adopt: refuse',
      { atPath: { kind: 'repo', repo: folder } },
      'refuse',
      'RepoExists',
    ],
    [
      'a folder of the URL, with adopt: adopt',
      { atPath: { kind: 'repo', repo: folder }, adopt: true },
      'adopt',
      '',
    ],
    [
      'a folder of another repository, with adopt: refuse',
      { atPath: { kind: 'repo', repo: { ...folder, url: 'https://github.com/x/y' } }, adopt: true },
      'refuse',
      'RepoExists',
    ],
    [
      'a notebook at the path: refuse',
      { atPath: { kind: 'other', objectType: 'NOTEBOOK' } },
      'refuse',
      'PathTaken',
    ],
    [
      'another object holds the path: refuse',
      { heldBy: 'ns/first', adopt: true },
      'refuse',
      'OwnedElsewhere',
    ],
    [
      'a pending create found: confirm',
      { createPending: true, claimedId: 5, atPath: { kind: 'repo', repo: folder } },
      'confirm',
      '',
    ],
    [
      'a pending create not found: create',
      { createPending: true, atPath: { kind: 'nothing' } },
      'create',
      '',
    ],
    [
      'claimed and on its branch: none',
      { claimedId: 5, actual: folder, recorded: { branch: 'main' } },
      'none',
      '',
    ],
    ['claimed and gone: create', { claimedId: 5 }, 'create', ''],
    [
      'claimed and switched away: update',
      { claimedId: 5, actual: { ...folder, branch: 'dev' }, recorded: { branch: 'main' } },
      'update',
      '',
    ],
  ])('%s', (_, facts, action, reason) => {
    const decision = decideRepo({ ...base, ...facts });
    expect(decision.action).toBe(action);
    if (reason) expect(decision).toMatchObject({ reason });
  });
});

describe('checkoutNeeded', () => {
  it('tells a branch the spec changed from one someone switched', () => {
    expect(
      checkoutNeeded({ ...folder, branch: 'dev' }, { url: URL, branch: 'main' }, { branch: 'main' }),
    ).toEqual({
      ref: { branch: 'main' },
      diff: ['branch'],
      cause: 'drifted',
    });
    expect(checkoutNeeded(folder, { url: URL, branch: 'release' }, { branch: 'main' })).toEqual({
      ref: { branch: 'release' },
      diff: ['branch'],
      cause: 'changed',
    });
  });

  it('sees a tag only through the recorded tag and commit, since Databricks does not return it', () => {
    const onTag = { id: 5, url: URL, head_commit_id: 'ccc' };
    expect(
      checkoutNeeded(onTag, { url: URL, tag: 'v1' }, { tag: 'v1', headCommitId: 'ccc' }),
    ).toBeUndefined();
    expect(checkoutNeeded(onTag, { url: URL, tag: 'v1' }, { tag: 'v1', headCommitId: 'bbb' })).toMatchObject({
      ref: { tag: 'v1' },
      cause: 'drifted',
    });
    expect(checkoutNeeded(folder, { url: URL, tag: 'v1' }, { tag: 'v1', headCommitId: 'ccc' })).toMatchObject(
      {
        ref: { tag: 'v1' },
        cause: 'drifted',
      },
    );
    expect(checkoutNeeded(onTag, { url: URL, tag: 'v2' }, { tag: 'v1', headCommitId: 'ccc' })).toMatchObject({
      ref: { tag: 'v2' },
      cause: 'changed',
    });
  });

  it('leaves a folder without branch or tag in the spec where it is, and compares sparse patterns as sets', () => {
    expect(checkoutNeeded({ ...folder, branch: 'dev' }, { url: URL }, {})).toBeUndefined();
    const sparse = { ...folder, sparse_checkout: { patterns: ['b', 'a'] } };
    expect(checkoutNeeded(sparse, { url: URL, patterns: ['a', 'b'] }, {})).toBeUndefined();
    expect(checkoutNeeded(sparse, { url: URL, patterns: ['a'] }, {})).toEqual({
      patterns: ['a'],
      diff: ['sparse_checkout.patterns'],
      cause: 'changed',
    });
  });
});

describe('sameRepository', () => {
  it('ignores case, a trailing .git and slashes', () => {
    expect(sameRepository('https://github.com/Acme/ETL.git', 'https://github.com/acme/etl/')).toBe(true);
    expect(sameRepository('https://github.com/acme/etl', 'https://github.com/acme/other')).toBe(false);
  });
});
