/**
 * What was read from a workspace, as an app of the library's constructs: a `DatabricksWorkspace` and, for
 * each object, the construct that adopts it.
 *
 * - Jobs adopt through `jobId`, clusters through `clusterId`, secret scopes through `adopt: true` with
 *   their `scopeName`. DBFS files and notebooks have no adopt field: the controller takes a file or
 *   notebook already at the path as its own when the content is the same, which it is, as it was just
 *   read from there.
 * - Settings are written as a person would (written-settings.ts): what Databricks fills in is left out.
 * - References between imported objects become construct references: a task on an imported cluster
 *   `runOn`s it (`existing_cluster_ref`), a notebook task of an imported notebook names it
 *   (`notebook_ref`), a run-job task of an imported job names it (`job_ref`). The controller resolves
 *   them to the same IDs and paths, so the settings stay equal to Databricks'. A cycle of run-job tasks
 *   keeps its IDs: references in a cycle would wait for each other forever.
 * - Secret values cannot be read: a scope's keys are written as references to a Kubernetes Secret the
 *   user fills.
 */
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import {
  formatId,
  type ClusterDetails,
  type ClusterPolicy,
  type GitCredential,
  type InstancePoolAndStats,
  type Job,
  type Pipeline,
  type Repo,
  type Warehouse,
} from '../../controller/databricks/index.js';
import { gitFolderPath } from '../../controller/drift/object-paths.js';
import { TASK_TYPE_REFERENCE_PAIRS } from '../../lib/crds/task.js';
import { pipelineDriftRules, warehouseDriftRules } from '../../controller/drift/drift-rules.js';
import { poolDriftRules } from '../../controller/reconcilers/instance-pool/pool-decision.js';
import { BACKEND_CONFIGURATION } from '../../controller/reconcilers/pipeline/pipeline-decision.js';
import {
  AllPurposeClusterSettings,
  DatabricksClusterPolicySpec,
  DatabricksGitCredentialSpec,
  DatabricksRepoSpec,
  InstancePoolSettings,
  JobSettings as JobSettingsSchema,
  PipelineSettings,
  TASK_TYPE_FIELDS,
  WarehouseSettings,
  providerOfUrl,
  type ClusterSpec,
  type JobSettings,
  type Library,
} from '../../lib/crds/index.js';
import type { NotebookLanguage, TaskPayload, TaskTypeField } from '../../lib/index.js';
import type {
  AppModel,
  ChartModel,
  ClusterModel,
  ComputeModel,
  DbfsFileModel,
  GitCredentialModel,
  JobModel,
  NotebookModel,
  ObjectModel,
  ObjectReference,
  PipelineModel,
  PolicyModel,
  PoolModel,
  RepoModel,
  SecretScopeModel,
  WarehouseModel,
  TaskModel,
  WorkspaceModel,
} from '../app-model.js';
import { kubernetesName, UniqueNames } from '../object-names.js';
import type { NotebookRead, ScopeRead, Skipped, WorkspaceRead } from './workspace-reader.js';
import { writtenClusterSettings, writtenJobSettings, writtenSettings } from './written-settings.js';

/** How the generated workspace authenticates: the method the command itself used. */
export type ImportedAuth = { readonly token: true } | { readonly oauthM2M: { readonly clientId: string } };

/** Options of {@link importedApp}. */
export interface ImportedAppOptions {
  readonly auth: ImportedAuth;
  /** The namespace of the chart. @default - none: the namespace kubectl applies to */
  readonly namespace?: string;
}

/** The app, and what was read but is not in it. */
export interface ImportedApp {
  readonly app: AppModel;
  readonly skipped: readonly Skipped[];
}

type Json = Record<string, unknown>;

const NOTEBOOK_EXTENSIONS: Record<NotebookLanguage, string> = {
  PYTHON: '.py',
  SCALA: '.scala',
  SQL: '.sql',
  R: '.r',
};

/** The first problem the CRD schema finds in `value`, as `path: message`; undefined if none. */
function schemaProblem(schema: TSchema, value: unknown, prefix: string): string | undefined {
  const [first] = Value.Errors(schema, value);
  if (first === undefined) return undefined;
  const path = first.path.replace(/^\//, '').replace(/\//g, '.');
  const shown = JSON.stringify(first.value);
  return `${prefix}${path}: ${first.message}${shown === undefined ? '' : ` (Databricks has ${shown.slice(0, 80)})`}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Builds the app of everything `read` holds. */
export function importedApp(read: WorkspaceRead, options: ImportedAppOptions): ImportedApp {
  const skipped = [...read.skipped];
  const names = new UniqueNames();
  const workspace = workspaceModel(read.host, options.auth, names.claim('workspace'));

  const objects: ObjectModel[] = [];
  // What clusters and jobs may name comes first.
  const imported = <T>(
    items: readonly T[],
    what: (item: T) => string,
    model: (item: T) => ObjectModel | string,
  ) => {
    for (const item of items) {
      const built = model(item);
      if (typeof built === 'string') skipped.push({ what: what(item), why: built });
      else objects.push(built);
    }
  };
  const policyNames = new Map<string, string>();
  const poolNames = new Map<string, string>();
  const pipelineNames = new Map<string, string>();
  const warehouseNames = new Map<string, string>();
  imported(
    read.policies,
    (policy) => `cluster policy ${policy.policy_id}`,
    (policy) => named(policyModel(policy, names), policyNames, policy.policy_id),
  );
  imported(
    read.pools,
    (pool) => `instance pool ${pool.instance_pool_id}`,
    (pool) => named(poolModel(pool, names), poolNames, pool.instance_pool_id),
  );
  imported(
    read.pipelines,
    (pipeline) => `pipeline ${pipeline.pipeline_id}`,
    (pipeline) => named(pipelineModel(pipeline, names), pipelineNames, pipeline.pipeline_id),
  );
  imported(
    read.warehouses,
    (warehouse) => `SQL warehouse ${warehouse.id}`,
    (warehouse) => named(warehouseModel(warehouse, names), warehouseNames, warehouse.id),
  );
  const compute = { policyNames, poolNames };
  /** Object names of imported Git folders, by their paths. */
  const repoNames = new Map<string, string>();
  imported(
    read.repos,
    (repo) => `Git folder ${repo.path ?? repo.id}`,
    (repo) => named(repoModel(repo, names), repoNames, gitFolderPath(repo.path ?? '')),
  );
  imported(
    read.gitCredentials,
    (credential) => `Git credential ${credential.credential_id}`,
    (credential) => gitCredentialModel(credential, names),
  );
  const clusterNames = new Map<string, string>();
  for (const cluster of read.clusters) {
    const model = clusterModel(cluster, names, compute);
    if (typeof model === 'string') skipped.push({ what: `cluster ${cluster.cluster_id}`, why: model });
    else {
      objects.push(model);
      clusterNames.set(cluster.cluster_id, model.name);
    }
  }
  const notebookNames = new Map<string, string>();
  for (const notebook of read.notebooks) {
    const model = notebookModel(notebook, names);
    if (typeof model === 'string') skipped.push({ what: `notebook ${notebook.info.path}`, why: model });
    else {
      objects.push(model);
      notebookNames.set(notebook.info.path, model.name);
    }
  }
  for (const file of read.dbfsFiles) {
    const name = names.claim(kubernetesName(`dbfs-${file.path}`) || 'dbfs-file');
    const model: DbfsFileModel = {
      kind: 'DatabricksDbfsFile',
      id: name,
      name,
      path: file.path,
      content: { bytes: file.bytes, localPath: `dbfs${file.path}` },
      notes: [`DBFS file ${file.path} (${file.bytes.length} bytes), imported with its content.`],
    };
    objects.push(model);
  }
  for (const scope of read.scopes) {
    const model = scopeModel(scope, names);
    if (typeof model === 'string') skipped.push({ what: `secret scope ${scope.scope.name}`, why: model });
    else objects.push(model);
  }
  objects.push(
    ...jobModels(
      read.jobs,
      names,
      { clusterNames, notebookNames, pipelineNames, warehouseNames, repoNames, ...compute },
      skipped,
    ),
  );

  const counts = [
    plural(objects.filter((o) => o.kind === 'DatabricksJob').length, 'job'),
    plural(objects.filter((o) => o.kind === 'DatabricksCluster').length, 'cluster'),
    plural(objects.filter((o) => o.kind === 'DatabricksSecretScope').length, 'secret scope'),
    plural(objects.filter((o) => o.kind === 'DatabricksDbfsFile').length, 'DBFS file'),
    plural(objects.filter((o) => o.kind === 'DatabricksNotebook').length, 'notebook'),
    ...(
      [
        ['DatabricksClusterPolicy', 'cluster policy', 'cluster policies'],
        ['DatabricksInstancePool', 'instance pool', 'instance pools'],
        ['DatabricksPipeline', 'pipeline', 'pipelines'],
        ['DatabricksSqlWarehouse', 'SQL warehouse', 'SQL warehouses'],
        ['DatabricksRepo', 'Git folder', 'Git folders'],
        ['DatabricksGitCredential', 'Git credential', 'Git credentials'],
      ] as const
    ).flatMap(([kind, one, many]) => {
      const count = objects.filter((o) => o.kind === kind).length;
      return count === 0 ? [] : [`${count} ${count === 1 ? one : many}`];
    }),
  ];
  const chart: ChartModel = {
    className: 'ImportedWorkspace',
    description: `What \`cdk8s-databricks import\` read from ${read.host}, each object set to adopt what it came from. Add it to an app with \`new ImportedWorkspace(app, 'imported')\`.`,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    workspace,
    objects,
  };
  return {
    app: {
      origin: `Generated by \`cdk8s-databricks import\` from ${read.host}: ${counts.join(', ')}.`,
      charts: [chart],
    },
    skipped,
  };
}

function workspaceModel(host: string, auth: ImportedAuth, name: string): WorkspaceModel {
  if ('token' in auth) {
    return {
      kind: 'DatabricksWorkspace',
      id: name,
      name,
      host,
      auth: { token: { name: 'databricks-token', key: 'token' } },
      notes: [
        `Before applying, create Secret databricks-token with a token for ${host} in key token (kubectl create secret generic databricks-token --from-literal=token=...).`,
      ],
    };
  }
  return {
    kind: 'DatabricksWorkspace',
    id: name,
    name,
    host,
    auth: {
      oauthM2M: {
        clientId: auth.oauthM2M.clientId,
        clientSecret: { name: 'databricks-oauth', key: 'client-secret' },
      },
    },
    notes: [
      `Before applying, create Secret databricks-oauth with the OAuth secret of service principal ${auth.oauthM2M.clientId} in key client-secret.`,
    ],
  };
}

/** `model` (when it is one), with its name recorded in `table` under `id`. */
function named<T extends ObjectModel>(model: T | string, table: Map<string, string>, id: string): T | string {
  if (typeof model !== 'string') table.set(id, model.name);
  return model;
}

/** Object names of imported policies and pools, by their IDs. */
interface ComputeNames {
  readonly policyNames: ReadonlyMap<string, string>;
  readonly poolNames: ReadonlyMap<string, string>;
}

/**
 * `spec` without the IDs of imported policies and pools, and the references that stand for them
 * (`withPolicy`, `withPool`): the controller resolves them to the same IDs.
 */
function computeOf<S extends Json>(spec: S, known: ComputeNames): { spec: S; compute?: ComputeModel } {
  const policy = known.policyNames.get(String(spec.policy_id));
  const pool = known.poolNames.get(String(spec.instance_pool_id));
  const driverPool = pool ? known.poolNames.get(String(spec.driver_instance_pool_id)) : undefined;
  if (!policy && !pool) return { spec };
  const rest: Json = { ...spec };
  if (policy) delete rest.policy_id;
  if (pool) delete rest.instance_pool_id;
  if (driverPool) delete rest.driver_instance_pool_id;
  return {
    spec: rest as S,
    compute: {
      ...(policy ? { policy: { kind: 'DatabricksClusterPolicy' as const, name: policy } } : {}),
      ...(pool ? { pool: { kind: 'DatabricksInstancePool' as const, name: pool } } : {}),
      ...(driverPool ? { driverPool: { kind: 'DatabricksInstancePool' as const, name: driverPool } } : {}),
    },
  };
}

function clusterModel(
  cluster: ClusterDetails,
  names: UniqueNames,
  known: ComputeNames,
): ClusterModel | string {
  const written = writtenClusterSettings(cluster as Json, AllPurposeClusterSettings);
  const problem = schemaProblem(AllPurposeClusterSettings, written, 'settings.');
  if (problem !== undefined) return `${problem}; the CRD cannot hold it`;
  const { spec: settings, compute } = computeOf(written, known);
  const base = kubernetesName(cluster.cluster_name ?? '') || `cluster-${kubernetesName(cluster.cluster_id)}`;
  const name = names.claim(base, [`${base}-cluster`]);
  const terminated = cluster.state === 'TERMINATED' || cluster.state === 'TERMINATING';
  return {
    kind: 'DatabricksCluster',
    id: name,
    name,
    clusterId: cluster.cluster_id,
    settings: settings as ClusterModel['settings'],
    ...(terminated ? { state: 'Terminated' as const } : {}),
    ...(compute ? { compute } : {}),
    notes: [
      `Cluster ${cluster.cluster_id}${cluster.creator_user_name ? `, created by ${cluster.creator_user_name}` : ''}: adopted through clusterId.` +
        (terminated ? ' It was terminated, so state says Terminated: the controller leaves it so.' : ''),
    ],
  };
}

/** A policy's JSON document, parsed; undefined when absent or empty. */
function policyDocument(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function policyModel(policy: ClusterPolicy, names: UniqueNames): PolicyModel | string {
  const name = policy.name ?? policy.policy_id;
  // A family-based policy reports the family's rules merged with its overrides as its definition.
  const familyBased = policy.policy_family_id !== undefined;
  const spec = {
    workspaceRef: { name: 'workspace' },
    name,
    ...(policy.description ? { description: policy.description } : {}),
    ...(familyBased
      ? {
          policy_family_id: policy.policy_family_id,
          policy_family_definition_overrides: policyDocument(policy.policy_family_definition_overrides),
        }
      : { definition: policyDocument(policy.definition) }),
    ...(policy.max_clusters_per_user !== undefined
      ? { max_clusters_per_user: policy.max_clusters_per_user }
      : {}),
    ...(policy.libraries?.length ? { libraries: policy.libraries } : {}),
  } as DatabricksClusterPolicySpec;
  const problem = schemaProblem(DatabricksClusterPolicySpec, JSON.parse(JSON.stringify(spec)), 'spec.');
  if (problem !== undefined) return `${problem}; the CRD cannot hold it`;
  const base = kubernetesName(name) || `policy-${kubernetesName(policy.policy_id)}`;
  const objectName = names.claim(base, [`${base}-policy`]);
  return {
    kind: 'DatabricksClusterPolicy',
    id: objectName,
    name: objectName,
    policyName: name,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(spec.definition !== undefined ? { definition: spec.definition } : {}),
    ...(spec.policy_family_id !== undefined ? { policyFamilyId: spec.policy_family_id } : {}),
    ...(spec.policy_family_definition_overrides !== undefined
      ? { policyFamilyDefinitionOverrides: spec.policy_family_definition_overrides }
      : {}),
    ...(spec.max_clusters_per_user !== undefined ? { maxClustersPerUser: spec.max_clusters_per_user } : {}),
    ...(spec.libraries !== undefined ? { libraries: spec.libraries } : {}),
    adopt: true,
    notes: [
      `Cluster policy ${policy.policy_id}${policy.creator_user_name ? `, created by ${policy.creator_user_name}` : ''}: adopted by its name (adopt: true).`,
    ],
  };
}

function poolModel(pool: InstancePoolAndStats, names: UniqueNames): PoolModel | string {
  const settings = writtenSettings(pool as Json, InstancePoolSettings, poolDriftRules);
  const problem = schemaProblem(InstancePoolSettings, settings, 'settings.');
  if (problem !== undefined) return `${problem}; the CRD cannot hold it`;
  const base =
    kubernetesName(pool.instance_pool_name ?? '') || `pool-${kubernetesName(pool.instance_pool_id)}`;
  const name = names.claim(base, [`${base}-pool`]);
  return {
    kind: 'DatabricksInstancePool',
    id: name,
    name,
    settings: settings as PoolModel['settings'],
    adopt: true,
    notes: [`Instance pool ${pool.instance_pool_id}: adopted by its name (adopt: true).`],
  };
}

function pipelineModel(pipeline: Pipeline, names: UniqueNames): PipelineModel | string {
  const settings = writtenSettings((pipeline.spec ?? {}) as Json, PipelineSettings, pipelineDriftRules);
  // Configuration the backend adds to every pipeline is not the writer's (the controller ignores it too).
  const configuration = { ...(settings.configuration as Record<string, string> | undefined) };
  for (const [key, value] of Object.entries(BACKEND_CONFIGURATION)) {
    if (configuration[key] === value) delete configuration[key];
  }
  if (Object.keys(configuration).length > 0) settings.configuration = configuration;
  else delete settings.configuration;
  const problem = schemaProblem(PipelineSettings, settings, 'settings.');
  if (problem !== undefined) return `${problem}; the CRD cannot hold it`;
  const pipelineName = pipeline.spec?.name ?? pipeline.name ?? '';
  const base = kubernetesName(pipelineName) || `pipeline-${kubernetesName(pipeline.pipeline_id)}`;
  const name = names.claim(base, [`${base}-pipeline`]);
  return {
    kind: 'DatabricksPipeline',
    id: name,
    name,
    pipelineId: pipeline.pipeline_id,
    settings: settings as PipelineModel['settings'],
    notes: [
      `Pipeline ${pipeline.pipeline_id}${pipeline.creator_user_name ? `, created by ${pipeline.creator_user_name}` : ''}: adopted through pipelineId.`,
    ],
  };
}

function warehouseModel(warehouse: Warehouse, names: UniqueNames): WarehouseModel | string {
  const settings = writtenSettings(warehouse as unknown as Json, WarehouseSettings, warehouseDriftRules);
  const problem = schemaProblem(WarehouseSettings, settings, 'settings.');
  if (problem !== undefined) return `${problem}; the CRD cannot hold it`;
  const base = kubernetesName(warehouse.name ?? '') || `warehouse-${kubernetesName(warehouse.id)}`;
  const name = names.claim(base, [`${base}-warehouse`]);
  const stopped = warehouse.state === 'STOPPED' || warehouse.state === 'STOPPING';
  return {
    kind: 'DatabricksSqlWarehouse',
    id: name,
    name,
    warehouseId: warehouse.id,
    settings: settings as WarehouseModel['settings'],
    ...(stopped ? { state: 'Stopped' as const } : {}),
    notes: [
      `SQL warehouse ${warehouse.id}: adopted through warehouseId.` +
        (stopped ? ' It was stopped, so state says Stopped: the controller leaves it so.' : ''),
    ],
  };
}

function repoModel(repo: Repo, names: UniqueNames): RepoModel | string {
  const path = gitFolderPath(repo.path ?? '');
  const url = repo.url ?? '';
  // Checked against the schema below: an open enum from Databricks, a closed one in the CRD.
  const provider = (
    repo.provider && repo.provider !== providerOfUrl(url) ? repo.provider : undefined
  ) as RepoModel['provider'];
  const spec = {
    workspaceRef: { name: 'workspace' },
    path,
    url,
    ...(provider ? { provider } : {}),
    ...(repo.branch ? { branch: repo.branch } : {}),
    ...(repo.sparse_checkout?.patterns?.length
      ? { sparse_checkout: { patterns: repo.sparse_checkout.patterns } }
      : {}),
    adopt: true,
  };
  const problem = schemaProblem(DatabricksRepoSpec, spec, 'spec.');
  if (problem !== undefined) return `${problem}; the CRD cannot hold it`;
  const base = kubernetesName(path) || `repo-${repo.id}`;
  const name = names.claim(base, [`${base}-repo`]);
  const notes = [`Git folder ${path} (${url}): adopted at its path (adopt: true).`];
  if (!repo.branch) {
    notes.push(
      `It is on a tag or a detached commit (Databricks names no branch): no branch is set, so the controller leaves it where it is; set tag to keep it on one.`,
    );
  }
  return {
    kind: 'DatabricksRepo',
    id: name,
    name,
    path,
    url,
    ...(provider ? { provider } : {}),
    ...(repo.branch ? { branch: repo.branch } : {}),
    ...(spec.sparse_checkout ? { sparseCheckout: spec.sparse_checkout.patterns } : {}),
    adopt: true,
    notes,
  };
}

function gitCredentialModel(credential: GitCredential, names: UniqueNames): GitCredentialModel | string {
  const provider = credential.git_provider;
  const spec = {
    workspaceRef: { name: 'workspace' },
    git_provider: provider,
    ...(credential.git_username ? { git_username: credential.git_username } : {}),
    ...(credential.git_email ? { git_email: credential.git_email } : {}),
    personal_access_token: { secretKeyRef: { name: 'token', key: 'token' } },
    adopt: true,
  };
  const problem = schemaProblem(DatabricksGitCredentialSpec, spec, 'spec.');
  if (problem !== undefined) return `${problem}; the CRD cannot hold it`;
  const name = names.claim(kubernetesName(`git-${provider}`) || 'git-credential');
  const token = { name: `${name}-token`, key: 'token' };
  const as = credential.git_username ? ` as ${credential.git_username}` : '';
  return {
    kind: 'DatabricksGitCredential',
    id: name,
    name,
    provider: spec.git_provider as GitCredentialModel['provider'],
    ...(credential.git_username ? { username: credential.git_username } : {}),
    ...(credential.git_email ? { email: credential.git_email } : {}),
    token,
    adopt: true,
    notes: [
      `Git credential ${credential.credential_id} (${provider}${as}) of the principal this import authenticated as: adopted (adopt: true); Databricks keeps one per principal.`,
      `Databricks never returns the token. Before applying, create Secret ${token.name} with a personal access token for ${provider} in key token (kubectl create secret generic ${token.name} --from-literal=token=...): the controller sends it to Databricks, replacing the one there.`,
    ],
  };
}

function notebookModel(notebook: NotebookRead, names: UniqueNames): NotebookModel | string {
  const language = notebook.info.language as NotebookLanguage | undefined;
  const extension = language && NOTEBOOK_EXTENSIONS[language];
  if (!language || !extension) {
    return `its language is ${language ?? 'not reported'}; a SOURCE notebook needs PYTHON, SCALA, SQL or R`;
  }
  const name = names.claim(kubernetesName(notebook.info.path) || 'notebook', [
    `${kubernetesName(notebook.info.path)}-notebook`,
  ]);
  return {
    kind: 'DatabricksNotebook',
    id: name,
    name,
    path: notebook.info.path,
    language,
    format: 'SOURCE',
    content: { bytes: notebook.source, localPath: `notebooks${notebook.info.path}${extension}` },
    notes: [`Notebook ${notebook.info.path}, exported as SOURCE.`],
  };
}

function scopeModel(read: ScopeRead, names: UniqueNames): SecretScopeModel | string {
  const { scope, keys, acls } = read;
  const base = kubernetesName(scope.name) || 'secret-scope';
  const name = names.claim(base, [`${base}-scope`]);
  const secretName = `${name}-secrets`;
  const keyVault = scope.backend_type === 'AZURE_KEYVAULT';
  if (keyVault && !scope.keyvault_metadata) {
    return 'it is backed by Azure Key Vault, and Databricks did not say which vault';
  }
  const notes = [
    `Secret scope ${scope.name}: adopted (adopt: true); keys it holds that secrets does not list are left alone.`,
  ];
  if (keys.length > 0) {
    notes.push(
      `Databricks never returns secret values. Before applying, create Secret ${secretName} with keys ${keys.join(', ')} holding the values the scope should have: the controller writes each of them into the scope (secrets/put).`,
    );
  }
  return {
    kind: 'DatabricksSecretScope',
    id: name,
    name,
    scopeName: scope.name,
    adopt: true,
    ...(keyVault
      ? {
          backend: {
            type: 'AzureKeyVault' as const,
            azureKeyVault: {
              resourceId: scope.keyvault_metadata!.resource_id,
              dnsName: scope.keyvault_metadata!.dns_name,
            },
          },
        }
      : {}),
    secrets: keys.map((key) => ({ key, valueFrom: { secretKeyRef: { name: secretName, key } } })),
    ...(acls.length > 0
      ? {
          acls: [...acls]
            .sort((a, b) => a.principal.localeCompare(b.principal))
            .map((acl) => ({ principal: acl.principal, permission: acl.permission })),
        }
      : {}),
    notes,
  };
}

interface KnownNames extends ComputeNames {
  /** Object names of imported clusters, by cluster ID. */
  readonly clusterNames: ReadonlyMap<string, string>;
  /** Object names of imported notebooks, by workspace path. */
  readonly notebookNames: ReadonlyMap<string, string>;
  /** Object names of imported pipelines and warehouses, by ID. */
  readonly pipelineNames: ReadonlyMap<string, string>;
  readonly warehouseNames: ReadonlyMap<string, string>;
  /** Object names of imported Git folders, by path. */
  readonly repoNames: ReadonlyMap<string, string>;
}

/** The imported Git folder `path` lies in, and the path inside it. */
function inGitFolder(
  path: unknown,
  repoNames: ReadonlyMap<string, string>,
): { target: ObjectReference; targetPath: string } | undefined {
  if (typeof path !== 'string') return undefined;
  const normalized = gitFolderPath(path);
  for (const [folder, name] of repoNames) {
    if (normalized.startsWith(`${folder}/`)) {
      return {
        target: { kind: 'DatabricksRepo', name },
        targetPath: normalized.slice(folder.length + 1),
      };
    }
  }
  return undefined;
}

function runJobTarget(task: Json): string | undefined {
  const runJob = task.run_job_task as Json | undefined;
  return runJob?.job_id === undefined ? undefined : formatId(runJob.job_id as number);
}

/**
 * The jobs in an order where a job comes after the jobs its run-job tasks run, with the run-job edges
 * that close a cycle (or point at the job itself) marked to keep their IDs.
 */
function orderJobs(jobs: readonly { id: string; settings: Json }[]): {
  order: string[];
  keepIds: Set<string>;
} {
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const order: string[] = [];
  const keepIds = new Set<string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string) => {
    state.set(id, 'visiting');
    for (const task of (byId.get(id)!.settings.tasks as Json[] | undefined) ?? []) {
      const target = runJobTarget(task);
      if (target === undefined || !byId.has(target)) continue;
      if (state.get(target) === 'visiting' || target === id) keepIds.add(`${id}/${String(task.task_key)}`);
      else if (!state.has(target)) visit(target);
    }
    state.set(id, 'done');
    order.push(id);
  };
  for (const job of jobs) if (!state.has(job.id)) visit(job.id);
  return { order, keepIds };
}

/** Tasks in their order, moved only as far as needed to come after what they depend on. */
function orderTasks(tasks: readonly Json[]): Json[] {
  const byKey = new Map(tasks.map((task) => [String(task.task_key), task]));
  const ordered: Json[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (task: Json) => {
    const key = String(task.task_key);
    if (placed.has(key) || visiting.has(key)) return;
    visiting.add(key);
    for (const dependency of (task.depends_on as { task_key: string }[] | undefined) ?? []) {
      const before = byKey.get(dependency.task_key);
      if (before) place(before);
    }
    visiting.delete(key);
    placed.add(key);
    ordered.push(task);
  };
  tasks.forEach(place);
  return ordered;
}

function jobModels(
  jobs: readonly Job[],
  names: UniqueNames,
  known: KnownNames,
  skipped: Skipped[],
): JobModel[] {
  const candidates: { job: Job; id: string; settings: Json }[] = [];
  for (const job of jobs) {
    const id = formatId(job.job_id);
    const what = `job ${id}${job.settings?.name ? ` ${JSON.stringify(job.settings.name)}` : ''}`;
    if (!Number.isSafeInteger(Number(id))) {
      skipped.push({ what, why: `its ID is beyond 2^53, which jobId (a number) cannot hold exactly` });
      continue;
    }
    const settings = writtenJobSettings(
      (job.settings ?? {}) as Json,
      JobSettingsSchema,
      job.creator_user_name,
    );
    const problem = schemaProblem(JobSettingsSchema, settings, 'settings.');
    if (problem !== undefined) {
      skipped.push({ what, why: `${problem}; the CRD cannot hold it` });
      continue;
    }
    candidates.push({ job, id, settings });
  }
  const jobNames = new Map<string, string>();
  for (const { id, settings } of candidates) {
    const base = kubernetesName(String(settings.name ?? '')) || `job-${id}`;
    jobNames.set(id, names.claim(base, [`${base}-${id}`]));
  }
  const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));
  const { order, keepIds } = orderJobs(candidates);
  return order.map((id) => {
    const { job, settings } = byId.get(id)!;
    return jobModel(job, id, settings, jobNames.get(id)!, { ...known, jobNames, keepIds });
  });
}

function jobModel(
  job: Job,
  id: string,
  settings: Json,
  name: string,
  known: KnownNames & { jobNames: ReadonlyMap<string, string>; keepIds: ReadonlySet<string> },
): JobModel {
  const {
    name: jobName,
    description,
    max_concurrent_runs: maxConcurrentRuns,
    tags,
    tasks = [],
    job_clusters: jobClusters = [],
    ...rest
  } = settings as Partial<JobSettings> & Json;
  const creator = job.creator_user_name ? `, created by ${job.creator_user_name}` : '';
  const notes = [`Job ${id}${creator}: adopted through jobId.`];
  if (jobName === undefined) {
    notes.push('It has no name in Databricks; the controller names it after the object (metadata.name).');
  }
  const hasGitSource = settings.git_source !== undefined;
  return {
    kind: 'DatabricksJob',
    id: name,
    name,
    jobId: Number(id),
    jobName: jobName ?? name,
    ...(description !== undefined ? { description } : {}),
    ...(maxConcurrentRuns !== undefined ? { maxConcurrentRuns } : {}),
    ...(tags !== undefined ? { tags } : {}),
    settings: rest as Partial<JobSettings>,
    jobClusters: (jobClusters as { job_cluster_key: string; new_cluster: ClusterSpec }[]).map((cluster) => {
      const { spec, compute } = computeOf(cluster.new_cluster as Json, known);
      return { key: cluster.job_cluster_key, spec: spec as ClusterSpec, ...(compute ? { compute } : {}) };
    }),
    tasks: orderTasks(tasks as Json[]).map((task) => taskModel(task, id, hasGitSource, known)),
    notes,
  };
}

function taskModel(
  task: Json,
  jobId: string,
  hasGitSource: boolean,
  known: KnownNames & { jobNames: ReadonlyMap<string, string>; keepIds: ReadonlySet<string> },
): TaskModel {
  const {
    task_key: key,
    depends_on: dependsOn = [],
    description,
    max_retries: maxRetries,
    run_if: runIf,
    libraries,
    job_cluster_key: jobClusterKey,
    existing_cluster_id: existingClusterId,
    ...rest
  } = task as Partial<TaskPayload> & Json;
  const settings: Json = { ...rest };
  const field = TASK_TYPE_FIELDS.find((candidate) => settings[candidate] !== undefined) as
    TaskTypeField | undefined;
  let type: TaskModel['type'];
  if (field !== undefined) {
    const payload = settings[field] as Json;
    delete settings[field];
    const typed = typeTarget(field, payload, String(key), jobId, hasGitSource, known);
    type = { field, ...typed, ...taskWarehouse(field, typed.payload, known.warehouseNames) };
  }
  let runOn: TaskModel['runOn'];
  if (jobClusterKey !== undefined) runOn = { jobCluster: jobClusterKey };
  else if (existingClusterId !== undefined) {
    const cluster = known.clusterNames.get(existingClusterId);
    if (cluster) runOn = { cluster: { kind: 'DatabricksCluster', name: cluster } };
    else settings.existing_cluster_id = existingClusterId;
  }
  return {
    key: String(key),
    ...(type ? { type } : {}),
    ...(runOn ? { runOn } : {}),
    dependsOn: (dependsOn as { task_key: string; outcome?: string }[]).map((d) => ({
      key: d.task_key,
      ...(d.outcome === 'true' || d.outcome === 'false' ? { outcome: d.outcome } : {}),
    })),
    ...(description !== undefined ? { description } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    ...(runIf !== undefined ? { runIf } : {}),
    ...(libraries !== undefined ? { libraries: libraries as Library[] } : {}),
    settings: settings as Partial<TaskPayload>,
  };
}

/**
 * The task types whose SQL warehouse is a second object beside their target, as the reference table has
 * them (a SQL task's warehouse is its target).
 */
const WAREHOUSE_TASKS: ReadonlySet<string> = new Set(
  TASK_TYPE_REFERENCE_PAIRS.filter((pair) => pair.ref === 'warehouse_ref' && pair.holder !== 'sql_task').map(
    (pair) => pair.holder,
  ),
);

/**
 * The payload without `warehouse_id`, and the warehouse as a reference, when the task runs on an imported
 * SQL warehouse (a SQL notebook, dbt, a dashboard refresh, Power BI, an alert).
 */
function taskWarehouse(
  field: TaskTypeField,
  payload: Json,
  warehouseNames: ReadonlyMap<string, string>,
): { payload?: Json; warehouse?: ObjectReference } {
  if (!WAREHOUSE_TASKS.has(field) || typeof payload.warehouse_id !== 'string') return {};
  // TaskType.dashboard takes the dashboard's ID first; a payload without one stays verbatim.
  if (field === 'dashboard_task' && typeof payload.dashboard_id !== 'string') return {};
  const name = warehouseNames.get(payload.warehouse_id);
  if (name === undefined) return {};
  const { warehouse_id: _id, ...rest } = payload;
  return { payload: rest, warehouse: { kind: 'DatabricksSqlWarehouse', name } };
}

/** The payload of a notebook or run-job task with its target as a reference, when the target is imported. */
function typeTarget(
  field: TaskTypeField,
  payload: Json,
  taskKey: string,
  jobId: string,
  hasGitSource: boolean,
  known: KnownNames & { jobNames: ReadonlyMap<string, string>; keepIds: ReadonlySet<string> },
): { payload: Json; target?: ObjectReference; targetPath?: string } {
  // A path in a Git repository is not a workspace path, whatever its name.
  const fromGit = payload.source === 'GIT' || (payload.source === undefined && hasGitSource);
  if ((field === 'notebook_task' || field === 'spark_python_task') && !fromGit) {
    const pathField = field === 'notebook_task' ? 'notebook_path' : 'python_file';
    const inFolder = inGitFolder(payload[pathField], known.repoNames);
    if (inFolder) {
      // The reference puts `source: WORKSPACE` back beside the path it resolves to.
      const { [pathField]: _path, source: _source, ...rest } = payload;
      return { payload: rest, ...inFolder };
    }
  }
  if (field === 'notebook_task') {
    const notebook = fromGit ? undefined : known.notebookNames.get(String(payload.notebook_path));
    if (notebook) {
      const { notebook_path: _path, ...rest } = payload;
      return { payload: rest, target: { kind: 'DatabricksNotebook', name: notebook } };
    }
  }
  const byId = {
    pipeline_task: ['pipeline_id', 'DatabricksPipeline', known.pipelineNames],
    sql_task: ['warehouse_id', 'DatabricksSqlWarehouse', known.warehouseNames],
  } as const;
  if (field === 'pipeline_task' || field === 'sql_task') {
    const [idField, kind, table] = byId[field];
    const target = payload[idField] === undefined ? undefined : table.get(String(payload[idField]));
    if (target) {
      const { [idField]: _id, ...rest } = payload;
      return { payload: rest, target: { kind, name: target } };
    }
  }
  if (field === 'run_job_task' && payload.job_id !== undefined) {
    const target = formatId(payload.job_id as number);
    const job = known.jobNames.get(target);
    if (job && !known.keepIds.has(`${jobId}/${taskKey}`)) {
      const { job_id: _id, ...rest } = payload;
      return { payload: rest, target: { kind: 'DatabricksJob', name: job } };
    }
  }
  return { payload };
}
