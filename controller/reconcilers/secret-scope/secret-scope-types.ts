/**
 * The DatabricksSecretScope object, its resource, and what its reconciles share: the leaf that the
 * scope's modules (the claim, the reconciler) import.
 */
import {
  DATABRICKS_SECRET_SCOPE,
  type DatabricksSecretScopeSpec,
  type DatabricksSecretScopeStatus,
} from '../../../lib/crds/index.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import { type ManagedContext, type ManagedObject } from '../managed/managed.js';
import { SecretHashKey } from './secret-scope-hash-key.js';
import { resourceOf } from '../managed/resources.js';
import { type ListingFreshness } from '../managed/shared-listing.js';
import { StaggeredCycle } from '../managed/staggered-cycle.js';

/** The `databrickssecretscopes` resource. */
export const SECRET_SCOPES: ResourceType = resourceOf(DATABRICKS_SECRET_SCOPE);

/** A DatabricksSecretScope as the informer holds it. */
export type DatabricksSecretScope = ManagedObject<DatabricksSecretScopeSpec, DatabricksSecretScopeStatus>;

/** What `secretScopeKind` needs besides the shared context. */
export interface SecretScopeContext extends ManagedContext {
  /** The DatabricksSecretScope cache: which other object holds a scope name. */
  readonly scopes: Pick<ObjectStore<DatabricksSecretScope>, 'get' | 'keysByIndex'>;
  /**
   * What this process claimed and put, by owner UID. Status says the same once the informer has seen
   * the write, but a reconcile can start before that (a resync just after a change): without this it
   * would take its own scope for someone else's, or put every secret again.
   */
  readonly written: Map<string, WrittenScope>;
  /** The controller's key for `status.secretHashes`. */
  readonly hashKey: Pick<SecretHashKey, 'get'>;
  /** When each scope's keys and ACLs are read to find what was changed in Databricks. */
  readonly contentsCycle: StaggeredCycle;
  /** How fresh the shared scope listing must be. @default one minute, no resync */
  readonly view?: ListingFreshness;
}

/** What this process knows it claimed and put into one object's scope. */
export interface WrittenScope {
  readonly scopeName: string;
  /** The hash of each key's value as put (updated as each put or removal succeeds). */
  readonly secretHashes: Record<string, string>;
}
