/**
 * A DatabricksCluster's `policy_ref`, `instance_pool_ref` and `driver_instance_pool_ref`, resolved to the
 * IDs in their targets' status (apply and observe both compare the resolved settings).
 */
import { clusterSpecSites, referencesAt } from '../../drift/task-references.js';
import { resolveReferences, type ReferenceStores } from '../managed/references.js';
import type { DatabricksCluster } from './cluster-types.js';

/** `spec.settings` with its policy and pool references replaced by their targets' IDs. */
export function resolvedClusterSettings(
  cluster: DatabricksCluster,
  references: ReferenceStores | undefined,
): DatabricksCluster['spec']['settings'] {
  const { settings } = cluster.spec;
  const sitesOf = (copy: typeof settings) => clusterSpecSites(copy, 'spec.settings');
  if (!references) {
    if (referencesAt(sitesOf(settings)).length > 0) {
      throw new Error('spec.settings holds references, and no reference stores were given to resolve them');
    }
    return settings;
  }
  return resolveReferences(settings, sitesOf, cluster.metadata.namespace ?? '', references, {
    kind: 'DatabricksCluster',
    workspace: cluster.spec.workspaceRef.name,
  });
}
