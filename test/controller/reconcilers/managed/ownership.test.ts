import type { KubeObject } from '../../../../controller/runtime/kube-client.js';
import {
  OWNER_TAG,
  OWNER_UID_TAG,
  describeOtherOwner,
  ownerTags,
  ownershipOf,
  withOwnerTags,
  withoutOwnerTags,
} from '../../../../controller/reconcilers/managed/ownership.js';

const owner: KubeObject = { metadata: { namespace: 'team-a', name: 'nightly', uid: 'uid-1' } };

describe('ownership marker', () => {
  it('names the owner by namespace/name and by UID, with keys Azure accepts in cluster tags', () => {
    expect(ownerTags(owner)).toEqual({ 'k8s-owner': 'team-a/nightly', 'k8s-owner-uid': 'uid-1' });
    expect(OWNER_TAG).not.toContain('/');
    expect(OWNER_UID_TAG).not.toContain('/');
  });

  it('cuts a long owner name to fit a tag value; the UID still identifies the owner', () => {
    const long: KubeObject = { metadata: { namespace: 'n'.repeat(63), name: 'x'.repeat(253), uid: 'uid-2' } };
    expect(ownerTags(long)[OWNER_TAG]).toHaveLength(255);
    expect(ownerTags(long)[OWNER_UID_TAG]).toBe('uid-2');
  });

  it('adds the marker to the user tags, overriding a user tag of the same key, and takes it off again', () => {
    const tags = withOwnerTags({ team: 'data', 'k8s-owner-uid': 'forged' }, owner);
    expect(tags).toEqual({ team: 'data', 'k8s-owner': 'team-a/nightly', 'k8s-owner-uid': 'uid-1' });
    expect(withoutOwnerTags(tags)).toEqual({ team: 'data' });
    expect(withOwnerTags(undefined, owner)).toEqual(ownerTags(owner));
    expect(withoutOwnerTags(undefined)).toBeUndefined();
  });

  it('tells ours, unmarked and someone else’s apart by UID, not by name', () => {
    expect(ownershipOf(ownerTags(owner), owner)).toEqual({ kind: 'ours' });
    expect(ownershipOf({ team: 'data' }, owner)).toEqual({ kind: 'unmarked' });
    expect(ownershipOf(undefined, owner)).toEqual({ kind: 'unmarked' });
    expect(ownershipOf({ [OWNER_UID_TAG]: '' }, owner)).toEqual({ kind: 'unmarked' });
    // Same namespace and name, other UID: the object was deleted and created again.
    const recreated = ownershipOf({ [OWNER_TAG]: 'team-a/nightly', [OWNER_UID_TAG]: 'uid-0' }, owner);
    expect(recreated).toEqual({ kind: 'other', owner: 'team-a/nightly', uid: 'uid-0' });
    if (recreated.kind === 'other') expect(describeOtherOwner(recreated)).toBe('team-a/nightly (uid uid-0)');
    expect(ownershipOf({ [OWNER_UID_TAG]: 'uid-9' }, owner)).toEqual({
      kind: 'other',
      owner: '(unnamed)',
      uid: 'uid-9',
    });
  });
});
