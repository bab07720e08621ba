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
