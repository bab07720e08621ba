import {
  decideCredential,
  differingFields,
  type CredentialFacts,
} from '../../../../controller/reconcilers/git-credential/git-credential-decision.js';

const desired = { git_provider: 'gitHub', git_username: 'bot' };
const theirs = { credential_id: 7, git_provider: 'gitHub', git_username: 'bot' };
const base: CredentialFacts = {
  createPending: false,
  desired,
  tokenChanged: false,
  adopt: false,
  host: 'https://ws.example.com',
};

describe('decideCredential', () => {
  it.each<[string, Partial<CredentialFacts>, boolean, string]>([
    ['an unclaimed principal without a credential: create', {}, false, 'create'],
    ['a credential someone else made, without adopt: refuse', { existing: theirs }, false, 'refuse'],
    ['a credential someone else made, with adopt: adopt', { existing: theirs, adopt: true }, false, 'adopt'],
    [
      'another object holds the principal: refuse, adopt or not',
      { heldBy: 'ns/first', adopt: true },
      false,
      'refuse',
    ],
    [
      'a pending create that went through: confirm',
      { createPending: true, existing: theirs },
      false,
      'confirm',
    ],
    ['a pending create that did not: create', { createPending: true }, false, 'create'],
    ['claimed and unchanged: none', { claimedId: 7, existing: theirs }, false, 'none'],
    [
      'claimed, token rotated: update',
      { claimedId: 7, existing: theirs, tokenChanged: true },
      false,
      'update',
    ],
    ['claimed, deleted in Databricks: create', { claimedId: 7 }, false, 'create'],
    ['claimed, replaced by a stranger: refuse', { claimedId: 6, existing: theirs }, false, 'refuse'],
    [
      'claimed, replaced by a stranger, adopt: adopt',
      { claimedId: 6, existing: theirs, adopt: true },
      false,
      'adopt',
    ],
    [
      'claimed, user name changed in Databricks: update',
      { claimedId: 7, existing: { ...theirs, git_username: 'someone' } },
      false,
      'update',
    ],
  ])('%s', (_, facts, specChanged, action) => {
    expect(decideCredential({ ...base, ...facts }, specChanged).action).toBe(action);
  });

  it('names the holder when another object holds the principal', () => {
    expect(decideCredential({ ...base, heldBy: 'ns/first' }, false)).toMatchObject({
      reason: 'OwnedElsewhere',
      message: expect.stringContaining('DatabricksGitCredential ns/first holds it'),
    });
  });

  it('tells drift from a spec change, and a rotation from both', () => {
    const drifted = { ...base, claimedId: 7, existing: { ...theirs, git_username: 'x' } };
    expect(decideCredential(drifted, false)).toMatchObject({ cause: 'drifted', diff: ['git_username'] });
    expect(decideCredential(drifted, true)).toMatchObject({ cause: 'changed', diff: ['git_username'] });
    expect(
      decideCredential({ ...base, claimedId: 7, existing: theirs, tokenChanged: true }, false),
    ).toMatchObject({
      cause: 'rotated',
      diff: [],
    });
  });

  it('says how to take over a credential it refuses', () => {
    expect(decideCredential({ ...base, existing: theirs }, false)).toMatchObject({
      reason: 'CredentialExists',
      message: expect.stringContaining('set spec.adopt to take it over'),
    });
  });
});

describe('differingFields', () => {
  it('matches the provider case-insensitively and ignores fields the spec leaves out', () => {
    expect(
      differingFields({ git_provider: 'github' }, { git_provider: 'gitHub', git_username: 'x' }),
    ).toEqual([]);
    expect(differingFields({ git_provider: 'gitLab', git_email: 'a@b' }, { git_provider: 'gitHub' })).toEqual(
      ['git_provider', 'git_email'],
    );
  });
});
