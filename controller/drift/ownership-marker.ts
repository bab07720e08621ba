/**
 * The ownership marker's tags, and reading them, with nothing of the controller's runtime: the
 * reconcilers (`reconcilers/managed/ownership.ts`, which writes the marker and judges owners against live
 * objects) and the `import` and `plan` commands read the same tags from here.
 */

/** Tag naming the owner as `namespace/name`. */
export const OWNER_TAG = 'k8s-owner';
/** Tag holding the owner's `metadata.uid`. */
export const OWNER_UID_TAG = 'k8s-owner-uid';

/** `tags` without the marker, as the user wrote them. */
export function withoutOwnerTags(
  tags: Readonly<Record<string, string>> | undefined,
): Record<string, string> | undefined {
  if (!tags) return undefined;
  const { [OWNER_TAG]: _owner, [OWNER_UID_TAG]: _uid, ...rest } = tags;
  return rest;
}
