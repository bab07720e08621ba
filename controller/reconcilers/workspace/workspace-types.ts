/**
 * The DatabricksWorkspace object and its resource: what the managed kinds and the workspace's own
 * modules import, apart from the workspace reconciler (which imports them).
 */
import { DATABRICKS_WORKSPACE } from '../../../lib/crds/index.js';
import { type ResourceType } from '../../runtime/kube-client.js';
import type { ObjectOfKind } from '../../runtime/kind-object.js';
import { resourceOf } from '../managed/resources.js';

/** The `databricksworkspaces` resource. */
export const WORKSPACES: ResourceType = resourceOf(DATABRICKS_WORKSPACE);

/** A DatabricksWorkspace as the informer holds it. */
export type DatabricksWorkspace = ObjectOfKind<typeof DATABRICKS_WORKSPACE>;
