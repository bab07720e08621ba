/** One informer per kind, each holding its objects as the kind's schemas type them. */
import {
  DATABRICKS_CLUSTER,
  DATABRICKS_CLUSTER_POLICY,
  DATABRICKS_DBFS_FILE,
  DATABRICKS_GIT_CREDENTIAL,
  DATABRICKS_INSTANCE_POOL,
  DATABRICKS_JOB,
  DATABRICKS_NOTEBOOK,
  DATABRICKS_SQL_WAREHOUSE,
  DATABRICKS_REPO,
  DATABRICKS_PIPELINE,
  DATABRICKS_RUN,
  DATABRICKS_SECRET_SCOPE,
  DATABRICKS_WORKSPACE,
  type DatabricksKind,
  type KindDefinition,
  type KindDefinitionOf,
} from '../../../lib/crds/index.js';
import type { Informer, InformerOptions } from '../../runtime/informer.js';
import type { KubeObject, ResourceType } from '../../runtime/kube-client.js';
import type { ObjectOfKind } from '../../runtime/kind-object.js';
import type { Manager } from '../../runtime/manager.js';
import { resourceOf } from './resources.js';

/** Every kind's informer, by kind name: `informers.DatabricksJob` holds DatabricksJob objects. */
export type KindInformers = {
  readonly [K in DatabricksKind]: Informer<ObjectOfKind<KindDefinitionOf<K>>>;
};

/** The manager's informer of every kind, all with the same options (namespaces, resync). */
export function kindInformers(manager: Manager, options: Omit<InformerOptions, 'resource'>): KindInformers {
  const informerOf = <D extends KindDefinition>(definition: D): Informer<ObjectOfKind<D>> =>
    manager.informer({ ...options, resource: resourceOf(definition) });
  return {
    DatabricksWorkspace: informerOf(DATABRICKS_WORKSPACE),
    DatabricksJob: informerOf(DATABRICKS_JOB),
    DatabricksRun: informerOf(DATABRICKS_RUN),
    DatabricksCluster: informerOf(DATABRICKS_CLUSTER),
    DatabricksSecretScope: informerOf(DATABRICKS_SECRET_SCOPE),
    DatabricksDbfsFile: informerOf(DATABRICKS_DBFS_FILE),
    DatabricksNotebook: informerOf(DATABRICKS_NOTEBOOK),
    DatabricksGitCredential: informerOf(DATABRICKS_GIT_CREDENTIAL),
    DatabricksSqlWarehouse: informerOf(DATABRICKS_SQL_WAREHOUSE),
    DatabricksRepo: informerOf(DATABRICKS_REPO),
    DatabricksClusterPolicy: informerOf(DATABRICKS_CLUSTER_POLICY),
    DatabricksInstancePool: informerOf(DATABRICKS_INSTANCE_POOL),
    DatabricksPipeline: informerOf(DATABRICKS_PIPELINE),
  };
}

/**
 * The Secrets and ConfigMaps objects read (tokens, secret values, file contents), each watched as
 * metadata only: name, namespace, uid and resourceVersion, never a value. A change wakes the objects
 * that read it (see `source-watches.ts`); the reconcile then gets the one it needs. Each informer is made
 * when first asked for, so an operator with no kind that reads ConfigMaps never lists them.
 */
export interface ReferencedInformers {
  readonly Secret: Informer<KubeObject>;
  readonly ConfigMap: Informer<KubeObject>;
}

export const SECRETS: ResourceType = { group: '', version: 'v1', plural: 'secrets' };
export const CONFIG_MAPS: ResourceType = { group: '', version: 'v1', plural: 'configmaps' };

/** The manager's metadata-only informers of Secrets and ConfigMaps, in the namespaces the kinds are watched in. */
export function referencedInformers(
  manager: Manager,
  options: Pick<InformerOptions, 'namespaces'>,
): ReferencedInformers {
  // The manager shares an informer per resource and options: asking again returns the same one.
  const informerOf = (resource: ResourceType): Informer<KubeObject> =>
    manager.informer({ namespaces: options.namespaces, resource, metadataOnly: true });
  return {
    get Secret() {
      return informerOf(SECRETS);
    },
    get ConfigMap() {
      return informerOf(CONFIG_MAPS);
    },
  };
}
