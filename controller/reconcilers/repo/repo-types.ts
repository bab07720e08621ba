/**
 * The DatabricksRepo object, its resource, and what its reconciles share: the leaf that the repo's
 * modules import.
 */
import {
  DATABRICKS_REPO,
  type DatabricksRepoSpec,
  type DatabricksRepoStatus,
} from '../../../lib/crds/index.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import type { DatabricksGitCredential } from '../git-credential/git-credential-types.js';
import type { ManagedContext, ManagedObject } from '../managed/managed.js';
import { resourceOf } from '../managed/resources.js';
import type { ListingFreshness } from '../managed/shared-listing.js';
import type { StaggeredCycle } from '../managed/staggered-cycle.js';

/** The `databricksrepos` resource. */
export const REPOS: ResourceType = resourceOf(DATABRICKS_REPO);

/** A DatabricksRepo as the informer holds it. */
export type DatabricksRepo = ManagedObject<DatabricksRepoSpec, DatabricksRepoStatus>;

/** What `repoKind` needs besides the shared context. */
export interface RepoContext extends ManagedContext {
  /** The DatabricksRepo cache: which other object holds a path. */
  readonly repos: Pick<ObjectStore<DatabricksRepo>, 'get' | 'keysByIndex'>;
  /** The DatabricksGitCredential cache, for `spec.gitCredentialRef`. */
  readonly gitCredentials: Pick<ObjectStore<DatabricksGitCredential>, 'get'>;
  /** When each Git folder's permissions are read again (those with `spec.permissions` only). */
  readonly permissionsCycle: StaggeredCycle;
  /** How fresh the shared repos listings must be. */
  readonly view?: ListingFreshness;
}
