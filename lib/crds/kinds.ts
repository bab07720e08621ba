import { API_GROUP_VERSION } from './api-group.js';
import {
  customResourceDefinition,
  type CustomResourceDefinition,
  type KindDefinition,
} from './custom-resource-definition.js';
import { DATABRICKS_CLUSTER } from './databricks-cluster.js';
import { DATABRICKS_CLUSTER_POLICY } from './databricks-cluster-policy.js';
import { DATABRICKS_DBFS_FILE } from './databricks-dbfs-file.js';
import { DATABRICKS_GIT_CREDENTIAL } from './databricks-git-credential.js';
import { DATABRICKS_INSTANCE_POOL } from './databricks-instance-pool.js';
import { DATABRICKS_JOB } from './databricks-job.js';
import { DATABRICKS_NOTEBOOK } from './databricks-notebook.js';
import { DATABRICKS_REPO } from './databricks-repo.js';
import { DATABRICKS_PIPELINE } from './databricks-pipeline.js';
import { DATABRICKS_RUN } from './databricks-run.js';
import { DATABRICKS_SECRET_SCOPE } from './databricks-secret-scope.js';
import { DATABRICKS_SQL_WAREHOUSE } from './databricks-sql-warehouse.js';
import { DATABRICKS_WORKSPACE } from './databricks-workspace.js';

/** Every kind of the API, in the order they are documented and synthesized. */
export const KINDS = [
  DATABRICKS_WORKSPACE,
  DATABRICKS_JOB,
  DATABRICKS_RUN,
  DATABRICKS_CLUSTER,
  DATABRICKS_SECRET_SCOPE,
  DATABRICKS_DBFS_FILE,
  DATABRICKS_NOTEBOOK,
  DATABRICKS_GIT_CREDENTIAL,
  DATABRICKS_SQL_WAREHOUSE,
  DATABRICKS_REPO,
  DATABRICKS_CLUSTER_POLICY,
  DATABRICKS_INSTANCE_POOL,
  DATABRICKS_PIPELINE,
] as const satisfies readonly KindDefinition[];

/** A kind's name. */
export type DatabricksKind = (typeof KINDS)[number]['kind'];

/** What a client needs to address a kind: apiVersion, kind, plural (for REST paths), short name. */
export interface KindInfo {
  readonly apiVersion: string;
  readonly kind: DatabricksKind;
  readonly plural: string;
  readonly shortName: string;
}

/** The kind table, by kind name: e.g. `KIND_TABLE.DatabricksJob.plural === 'databricksjobs'`. */
export const KIND_TABLE = Object.fromEntries(
  KINDS.map((definition) => [
    definition.kind,
    {
      apiVersion: API_GROUP_VERSION,
      kind: definition.kind,
      plural: definition.plural,
      shortName: definition.shortName,
    },
  ]),
) as Record<DatabricksKind, KindInfo>;

/** Every kind's CustomResourceDefinition, ready to apply. */
export function customResourceDefinitions(): CustomResourceDefinition[] {
  return KINDS.map((definition) => customResourceDefinition(definition));
}

/** The definition of the kind named `K`, with the static types of its spec and status. */
export type KindDefinitionOf<K extends DatabricksKind> = Extract<(typeof KINDS)[number], { kind: K }>;
