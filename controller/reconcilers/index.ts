/**
 * Every kind that has a controller, in the order they are registered: the one list `operator.ts`
 * iterates. A managed kind is one entry, `managedController(itsKind)` (see README.md).
 */
import { clusterKind } from './cluster/cluster.js';
import { policyKind } from './cluster-policy/policy.js';
import { dbfsFileKind } from './dbfs-file/dbfs-file.js';
import { gitCredentialKind } from './git-credential/git-credential.js';
import { poolKind } from './instance-pool/pool.js';
import { jobKind, type JobOptions } from './job/job.js';
import { managedController } from './managed/managed-kind.js';
import type { KindController } from './managed/setup.js';
import { notebookKind } from './notebook/notebook.js';
import { repoKind } from './repo/repo.js';
import { runKind } from './run/run.js';
import { secretScopeKind } from './secret-scope/secret-scope.js';
import { warehouseKind } from './sql-warehouse/warehouse.js';
import { pipelineKind } from './pipeline/pipeline.js';
import { registerWorkspaceController, type WorkspaceOptions } from './workspace/workspace.js';

/** What the operator's options say to the kinds: each kind's own part. */
export type KindOptions = JobOptions & WorkspaceOptions;

export const CONTROLLERS: readonly KindController<KindOptions>[] = [
  // Not a managed kind: a workspace has no workspace of its own and owns nothing in Databricks; it
  // registers itself, watching its dependents instead of being watched.
  { kind: 'DatabricksWorkspace', register: registerWorkspaceController },
  managedController(jobKind),
  managedController(secretScopeKind),
  managedController(runKind),
  managedController(dbfsFileKind),
  managedController(notebookKind),
  managedController(clusterKind),
  managedController(gitCredentialKind),
  managedController(warehouseKind),
  managedController(repoKind),
  managedController(pipelineKind),
  managedController(policyKind),
  managedController(poolKind),
];
