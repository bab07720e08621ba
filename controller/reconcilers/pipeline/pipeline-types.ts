/**
 * The DatabricksPipeline object, its resource, and what its reconciles share: the leaf that the
 * pipeline's modules (view, placement, observation, the reconciler) all import.
 */
import {
  DATABRICKS_PIPELINE,
  type DatabricksPipelineSpec,
  type DatabricksPipelineStatus,
} from '../../../lib/crds/index.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import { type ManagedContext, type ManagedObject } from '../managed/managed.js';
import { resourceOf } from '../managed/resources.js';
import { type ListingFreshness } from '../managed/shared-listing.js';
import type { StaggeredCycle } from '../managed/staggered-cycle.js';

/** The `databrickspipelines` resource. */
export const PIPELINES: ResourceType = resourceOf(DATABRICKS_PIPELINE);

/** A DatabricksPipeline as the informer holds it. */
export type DatabricksPipeline = ManagedObject<DatabricksPipelineSpec, DatabricksPipelineStatus>;

/** What `pipelineKind` needs besides the shared context. */
export interface PipelineContext extends ManagedContext {
  /** The DatabricksPipeline cache: tells a live owner of a pipeline from one that is gone. */
  readonly pipelines: Pick<ObjectStore<DatabricksPipeline>, 'get'>;
  /** How often a pipeline whose update is starting, stopping or running (triggered) is looked at. @default notReadyBackoff.minMs */
  readonly transitionPollMs?: number;
  /** How fresh the shared pipelines listing must be. @default defaultListingFreshness */
  readonly view?: ListingFreshness;
  /**
   * When each pipeline's settings are read to find changes made in Databricks: `pipelines/list` gives no
   * settings, so a read of its own per pipeline, once per slow period at its own moment.
   */
  readonly settingsCycle: StaggeredCycle;
  /** When each pipeline's permissions are read again. */
  readonly permissionsCycle: StaggeredCycle;
}
