/**
 * A cdk8s app described as data: charts of construct calls (`new DatabricksJob(...)`, `addTask`, ...)
 * with their props. `import` (from a workspace) and `migrate` (from old manifests) build one; the
 * TypeScript writer prints it as code and the YAML writer builds the same constructs and synthesizes
 * them, so the two outputs cannot tell different stories.
 */
import type { Static } from '@sinclair/typebox';
import type { ReferencedKind } from '../controller/drift/task-references.js';
import type {
  AllPurposeClusterSettings,
  ClusterSpec,
  DatabricksSecretScopeSpec,
  DesiredClusterState,
  GitProvider,
  JobSettings,
  Library,
  RunNowSettings,
  RunSubmitSettings,
} from '../lib/crds/index.js';
import type {
  DatabricksClusterPolicyProps,
  InstancePoolSettingsProps,
  JobDeletionPolicy,
  NotebookFormat,
  NotebookLanguage,
  PipelineSettingsProps,
  TaskPayload,
  TaskTypeField,
  WarehouseSettingsProps,
  WarehouseState,
} from '../lib/index.js';

/** A Kubernetes object of another kind in the same chart (or, when no such object is there, by name). */
export interface ObjectReference {
  readonly kind: ReferencedKind;
  /** Its `metadata.name`. */
  readonly name: string;
}

/** What every object of a chart has. */
interface ChartObject {
  /** The construct id, unique in the chart. */
  readonly id: string;
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.labels`, when the source had some. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Said above the object in TypeScript, and in YAML before it: where it came from, what to do. */
  readonly notes: readonly string[];
}

/** A key of a Kubernetes Secret. */
export interface SecretKey {
  readonly name: string;
  readonly key: string;
}

/** The `DatabricksWorkspace` every other object of a chart names. */
export interface WorkspaceModel extends ChartObject {
  readonly kind: 'DatabricksWorkspace';
  readonly host: string;
  readonly auth:
    | { readonly token: SecretKey }
    | { readonly oauthM2M: { readonly clientId: string; readonly clientSecret: SecretKey } };
}

/** The policy and pools a cluster spec names by reference (`withPolicy`, `withPool`), in place of their IDs. */
export interface ComputeModel {
  readonly policy?: ObjectReference;
  readonly pool?: ObjectReference;
  readonly driverPool?: ObjectReference;
}

/** A `DatabricksCluster`. */
export interface ClusterModel extends ChartObject {
  readonly kind: 'DatabricksCluster';
  readonly settings: Static<typeof AllPurposeClusterSettings>;
  readonly state?: DesiredClusterState;
  /** The cluster to adopt (`spec.clusterId`). */
  readonly clusterId?: string;
  readonly compute?: ComputeModel;
}

/** What a task does: a task type with its payload, the object it runs given apart as a reference. */
export interface TaskTypeModel {
  readonly field: TaskTypeField;
  /** The payload, without `notebook_path`/`job_id` when `target` stands for it. */
  readonly payload: Readonly<Record<string, unknown>>;
  /**
   * The object the task runs, as an object of the chart: the notebook of a notebook task, the job of a
   * run-job task, the pipeline of a pipeline task, the warehouse of a SQL task.
   */
  readonly target?: ObjectReference;
  /** With a Git folder for target: the notebook's or file's path inside it (`etl/ingest`). */
  readonly targetPath?: string;
  /**
   * The SQL warehouse a notebook, dbt, dashboard, Power BI or alert task runs on, as an object of the
   * chart; the payload then has no `warehouse_id`. (A SQL task's warehouse is its `target`.)
   */
  readonly warehouse?: ObjectReference;
}

/** One `addTask` of a job. */
export interface TaskModel {
  readonly key: string;
  readonly type?: TaskTypeModel;
  /** A job cluster of the same job (by key), or an all-purpose cluster (`existing_cluster_ref`). */
  readonly runOn?: { readonly jobCluster: string } | { readonly cluster: ObjectReference };
  /** Tasks of the same job it waits for; `outcome` for the branches of a condition task. */
  readonly dependsOn: readonly { readonly key: string; readonly outcome?: 'true' | 'false' }[];
  readonly description?: string;
  readonly maxRetries?: number;
  readonly runIf?: NonNullable<TaskPayload['run_if']>;
  readonly libraries?: readonly Library[];
  /** Every other field of the task, verbatim. */
  readonly settings: Readonly<Partial<TaskPayload>>;
}

/** A `DatabricksJob` with its job clusters and tasks, in the order they are added. */
export interface JobModel extends ChartObject {
  readonly kind: 'DatabricksJob';
  /** The job to adopt (`spec.jobId`). */
  readonly jobId?: number;
  readonly jobName: string;
  readonly description?: string;
  readonly maxConcurrentRuns?: number;
  readonly tags?: Readonly<Record<string, string>>;
  readonly deletionPolicy?: JobDeletionPolicy;
  /** Every other field of the settings, verbatim (no tasks or job clusters: those are below). */
  readonly settings: Readonly<Partial<JobSettings>>;
  readonly jobClusters: readonly {
    readonly key: string;
    readonly spec: ClusterSpec;
    readonly compute?: ComputeModel;
  }[];
  /** In an order where every task comes after the tasks it depends on. */
  readonly tasks: readonly TaskModel[];
}

/** A `DatabricksSecretScope`. Values are never part of it: secrets come from Kubernetes Secrets. */
export interface SecretScopeModel extends ChartObject {
  readonly kind: 'DatabricksSecretScope';
  readonly scopeName: string;
  readonly adopt?: boolean;
  readonly backend?: DatabricksSecretScopeSpec['backend'];
  readonly secrets: readonly NonNullable<DatabricksSecretScopeSpec['secrets']>[number][];
  readonly acls?: NonNullable<DatabricksSecretScopeSpec['acls']>;
}

/** Content of a file or notebook: its bytes, and the file name to write them to beside the code. */
export interface FileContent {
  readonly bytes: Buffer;
  /** Relative to the output directory, with `/` separators, e.g. `notebooks/Shared/etl/ingest.py`. */
  readonly localPath: string;
}

/** A `DatabricksDbfsFile`. */
export interface DbfsFileModel extends ChartObject {
  readonly kind: 'DatabricksDbfsFile';
  readonly path: string;
  readonly content: FileContent;
  readonly overwrite?: boolean;
}

/** A `DatabricksNotebook`. */
export interface NotebookModel extends ChartObject {
  readonly kind: 'DatabricksNotebook';
  readonly path: string;
  readonly language?: NotebookLanguage;
  readonly format?: NotebookFormat;
  readonly content: FileContent;
  readonly overwrite?: boolean;
}

/** A `DatabricksRun`: a run of a job of the chart, or a one-time run. */
export interface RunModel extends ChartObject {
  readonly kind: 'DatabricksRun';
  readonly job?: ObjectReference;
  readonly runNow?: RunNowSettings;
  readonly submit?: RunSubmitSettings;
}

/** A `DatabricksClusterPolicy`, adopting the policy of its name. */
export interface PolicyModel
  extends
    ChartObject,
    Pick<
      DatabricksClusterPolicyProps,
      | 'description'
      | 'definition'
      | 'policyFamilyId'
      | 'policyFamilyDefinitionOverrides'
      | 'maxClustersPerUser'
      | 'libraries'
    > {
  readonly kind: 'DatabricksClusterPolicy';
  readonly policyName: string;
  readonly adopt: true;
}

/** A `DatabricksInstancePool`, adopting the pool of its name. */
export interface PoolModel extends ChartObject {
  readonly kind: 'DatabricksInstancePool';
  readonly settings: InstancePoolSettingsProps;
  readonly adopt: true;
}

/** A `DatabricksPipeline`, adopting the pipeline `pipelineId` names. */
export interface PipelineModel extends ChartObject {
  readonly kind: 'DatabricksPipeline';
  readonly settings: PipelineSettingsProps;
  readonly pipelineId: string;
}

/** A `DatabricksSqlWarehouse`, adopting the warehouse `warehouseId` names. */
export interface WarehouseModel extends ChartObject {
  readonly kind: 'DatabricksSqlWarehouse';
  readonly settings: WarehouseSettingsProps;
  readonly warehouseId: string;
  readonly state?: WarehouseState;
}

/** A `DatabricksRepo`, adopting the Git folder at its path. */
export interface RepoModel extends ChartObject {
  readonly kind: 'DatabricksRepo';
  readonly path: string;
  readonly url: string;
  /** Only when the URL's host does not say it. */
  readonly provider?: GitProvider;
  readonly branch?: string;
  readonly sparseCheckout?: readonly string[];
  readonly adopt: true;
}

/**
 * A `DatabricksGitCredential`, adopting the credential of the principal the import authenticated as. Its
 * token cannot be read, so it names a Secret the user creates.
 */
export interface GitCredentialModel extends ChartObject {
  readonly kind: 'DatabricksGitCredential';
  readonly provider: GitProvider;
  readonly username?: string;
  readonly email?: string;
  readonly token: { readonly name: string; readonly key: string };
  readonly adopt: true;
}

/** An object of a chart besides its workspace. */
export type ObjectModel =
  | JobModel
  | ClusterModel
  | SecretScopeModel
  | DbfsFileModel
  | NotebookModel
  | RunModel
  | PolicyModel
  | PoolModel
  | PipelineModel
  | WarehouseModel
  | RepoModel
  | GitCredentialModel;

/** One chart: a workspace and the objects in it, in an order where referenced objects come first. */
export interface ChartModel {
  /** The TypeScript class name, e.g. `ImportedWorkspace`. */
  readonly className: string;
  /** What the chart holds, for the class's doc comment. */
  readonly description: string;
  /** The chart's namespace, when the objects had one. */
  readonly namespace?: string;
  readonly workspace: WorkspaceModel;
  readonly objects: readonly ObjectModel[];
}

/** What a command writes. */
export interface AppModel {
  /** The first line of a generated file: what made it. */
  readonly origin: string;
  readonly charts: readonly ChartModel[];
}

/** The object of `chart` a reference names, if the chart holds it. */
export function referencedObject(chart: ChartModel, reference: ObjectReference): ObjectModel | undefined {
  return chart.objects.find((object) => object.kind === reference.kind && object.name === reference.name);
}
