// The API of cdk8s-databricks, written once: CRD schemas (TypeBox, hence JSON Schema) and the static
// wire types the controller and the constructs use.
export { API_CATEGORY, API_GROUP, API_GROUP_VERSION, API_VERSION } from './api-group.js';
export type { CelRule } from './cel-rules.js';
export { CLUSTER_SPEC_REFERENCE_PAIRS, ClusterSpec, InitScriptInfo } from './cluster-spec.js';
export {
  CLUSTER_MOVING_REASONS,
  CLUSTER_WAITING,
  PIPELINE_MOVING_REASONS,
  WAREHOUSE_MOVING_REASONS,
  RUN_JOB_NOT_FOUND,
  WAITING_FOR_DEPENDENCY,
} from './condition-reasons.js';
export { Condition } from './conditions.js';
export { CRD_MANIFEST_FILE, renderCrdManifest } from './crd-manifest.js';
export type {
  CustomResourceDefinition,
  KindDefinition,
  SchemaOf,
  SpecOf,
  StatusOf,
  PrinterColumn,
} from './custom-resource-definition.js';
export {
  AllPurposeClusterSettings,
  CLUSTER_STATES,
  DATABRICKS_CLUSTER,
  DESIRED_CLUSTER_STATES,
  type DesiredClusterState,
  isClusterState,
  type ClusterState,
  DatabricksClusterSpec,
  DatabricksClusterStatus,
} from './databricks-cluster.js';
export {
  DATABRICKS_CLUSTER_POLICY,
  DatabricksClusterPolicySpec,
  DatabricksClusterPolicyStatus,
  POLICY_RULE_TYPES,
  PolicyRule,
  type PolicyRuleType,
} from './databricks-cluster-policy.js';
export {
  DATABRICKS_INSTANCE_POOL,
  DatabricksInstancePoolSpec,
  DatabricksInstancePoolStatus,
  IMMUTABLE_POOL_FIELDS,
  InstancePoolSettings,
} from './databricks-instance-pool.js';
export {
  DATABRICKS_DBFS_FILE,
  DatabricksDbfsFileSpec,
  DatabricksDbfsFileStatus,
  MAX_INLINE_CONTENT_BASE64,
} from './databricks-dbfs-file.js';
export {
  DATABRICKS_GIT_CREDENTIAL,
  DatabricksGitCredentialSpec,
  DatabricksGitCredentialStatus,
} from './databricks-git-credential.js';
export {
  DATABRICKS_REPO,
  DatabricksRepoSpec,
  DatabricksRepoStatus,
  GIT_URL_PATTERN,
} from './databricks-repo.js';
export { GIT_PROVIDERS, KNOWN_GIT_HOSTS, providerOfUrl, type GitProvider } from './git-providers.js';
export { DATABRICKS_JOB, DatabricksJobSpec, DatabricksJobStatus, JobPermissions } from './databricks-job.js';
export {
  DATABRICKS_NOTEBOOK,
  DatabricksNotebookSpec,
  IMPORTED_OBJECT_TYPES,
  NOTEBOOK_FORMATS,
  NOTEBOOK_LANGUAGES,
  type ImportedObjectType,
  type NotebookFormat,
  isNotebookLanguage,
  type NotebookLanguage,
  DatabricksNotebookStatus,
  MAX_INLINE_NOTEBOOK_BASE64,
} from './databricks-notebook.js';
export {
  PERMISSION_LEVELS,
  PERMISSIONS_MODES,
  PermissionsHash,
  accessControlEntry,
  objectPermissions,
  type AnyPermissionsSpec,
  type ObjectPermissionsSpec,
  type PermissionLevelOf,
  type PermissionObjectKind,
  type PermissionsMode,
  type PermissionsWording,
} from './permissions.js';
export {
  DATABRICKS_PIPELINE,
  DatabricksPipelineSpec,
  DatabricksPipelineStatus,
  PIPELINE_STATES,
  isPipelineState,
  type PipelineStateName,
} from './databricks-pipeline.js';
export {
  DATABRICKS_SQL_WAREHOUSE,
  DESIRED_WAREHOUSE_STATES,
  type DesiredWarehouseState,
  DatabricksSqlWarehouseSpec,
  DatabricksSqlWarehouseStatus,
  WAREHOUSE_CLUSTER_SIZES,
  WAREHOUSE_STATES,
  isWarehouseState,
  type WarehouseStateName,
  WarehouseSettings,
} from './databricks-sql-warehouse.js';
export {
  DATABRICKS_RUN,
  DatabricksRunSpec,
  DatabricksRunStatus,
  RUN_LIFE_CYCLE_STATES,
  isRunLifeCycleState,
  type RunLifeCycleState,
  RunNowSettings,
  RunSubmitSettings,
} from './databricks-run.js';
export {
  DATABRICKS_SECRET_SCOPE,
  SECRET_SCOPE_BACKEND_TYPES,
  SECRET_SCOPE_PERMISSIONS,
  isSecretScopePermission,
  type SecretScopeBackendType,
  type SecretScopePermission,
  DatabricksSecretScopeSpec,
  DatabricksSecretScopeStatus,
  SECRET_NAME_PATTERN,
  defaultScopeName,
} from './databricks-secret-scope.js';
export {
  DATABRICKS_WORKSPACE,
  DatabricksWorkspaceSpec,
  DatabricksWorkspaceStatus,
  WORKSPACE_AUTH_TYPES,
  type WorkspaceAuthType,
} from './databricks-workspace.js';
export { DELETION_POLICIES, JOB_DELETION_POLICIES } from './deletion-policy.js';
export { DatabricksCustomResourceDefinitions } from './databricks-custom-resource-definitions.js';
export { HealthRules } from './health-rules.js';
export { CronSchedule, GitSource, JobCluster, JobSettings, TriggerSettings } from './job-settings.js';
export {
  KIND_TABLE,
  KINDS,
  customResourceDefinitions,
  type DatabricksKind,
  type KindDefinitionOf,
  type KindInfo,
} from './kinds.js';
export { Library } from './library.js';
export { PipelineCluster, PipelineLibrary, PipelineSettings } from './pipeline-settings.js';
export {
  DriftedFields,
  IN_SYNC_CONDITION,
  MANAGEMENT_POLICIES,
  ManagementPolicy,
} from './management-policy.js';
export { EmailNotifications, WebhookNotifications } from './notifications.js';
export {
  ConfigMapKeySelector,
  ObjectNameReference,
  RepoPathReference,
  SecretKeySelector,
  SecretReference,
  WorkspaceReference,
} from './object-references.js';
export { ForEachInnerTask, TASK_COMPUTE_FIELDS, TASK_KEY_PATTERN, TASK_TYPE_FIELDS, Task } from './task.js';
