/**
 * The DatabricksGitCredential object, its resource, and what its reconciles share: the leaf that the
 * credential's modules import.
 */
import {
  DATABRICKS_GIT_CREDENTIAL,
  type DatabricksGitCredentialSpec,
  type DatabricksGitCredentialStatus,
} from '../../../lib/crds/index.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import type { ManagedContext, ManagedObject } from '../managed/managed.js';
import { resourceOf } from '../managed/resources.js';
import type { ListingFreshness } from '../managed/shared-listing.js';
import type { SecretHashKey } from '../secret-scope/secret-scope-hash-key.js';

/** The `databricksgitcredentials` resource. */
export const GIT_CREDENTIALS: ResourceType = resourceOf(DATABRICKS_GIT_CREDENTIAL);

/** A DatabricksGitCredential as the informer holds it. */
export type DatabricksGitCredential = ManagedObject<
  DatabricksGitCredentialSpec,
  DatabricksGitCredentialStatus
>;

/** What `gitCredentialKind` needs besides the shared context. */
export interface GitCredentialContext extends ManagedContext {
  /** The DatabricksGitCredential cache: which other object holds the principal's credential. */
  readonly credentials: Pick<ObjectStore<DatabricksGitCredential>, 'get' | 'list'>;
  /** The controller's key for `status.tokenHash` (the one secret scopes hash their values with). */
  readonly hashKey: Pick<SecretHashKey, 'get'>;
  /** How fresh the shared credential listing must be. */
  readonly view?: ListingFreshness;
}
