/**
 * The ownership marker the controller puts on every job and cluster it manages (controller/reconcilers/
 * ownership.ts): `import` skips an object that carries it, as it is some object's already. Written again
 * here rather than imported, as the reconcilers' module loads the controller's runtime; a test holds the
 * two equal.
 */

/** Tag naming the owner as `namespace/name`. */
export const OWNER_TAG = 'k8s-owner';
/** Tag holding the owner's `metadata.uid`. */
export const OWNER_UID_TAG = 'k8s-owner-uid';
