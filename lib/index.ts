// The public API of cdk8s-databricks: the L2 constructs, and the CRD schemas with their static types.
export * from './databricks-api-object.js';
export * from './databricks-cluster.js';
export * from './databricks-dbfs-file.js';
export * from './databricks-job.js';
export * from './databricks-notebook.js';
export * from './databricks-run.js';
export * from './databricks-secret-scope.js';
export * from './databricks-workspace.js';
export * from './deletion-policy.js';
export { CONTENT_MAX_BYTES, type ConfigMapContent, INLINE_CONTENT_MAX_BYTES } from './file-content.js';
export * from './job-cluster.js';
export * from './job-schedule.js';
export * from './operator-install.js';
export * from './quartz-cron.js';
export * from './task.js';
export * as crds from './crds/index.js';
export * from './argocd/health-checks.js';
export * from './argocd/sync-waves.js';
