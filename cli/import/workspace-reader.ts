/**
 * Reading what `import` selected from a workspace, with read calls only: the client it is given is typed
 * down to `list`, `get` and `export` methods, so nothing here can write to a workspace.
 *
 * Jobs come from `jobs/list?expand_tasks=true` pages (100 jobs a call, tasks included); only a job
 * whose listing was cut short (more than 100 tasks, `has_more`) or one asked for by ID is read with
 * `jobs/get`. Objects another owner manages are kept apart as skipped, with the reason: a job or
 * cluster carrying the controller's ownership marker (it is some DatabricksJob's or DatabricksCluster's
 * already), a job an Asset Bundle deployed, a cluster Databricks launched for a job or pipeline.
 */
import {
  NotFoundError,
  formatId,
  type ClusterDetails,
  type ClustersApi,
  type DbfsApi,
  type FileInfo,
  type Job,
  type JobsApi,
  type ObjectInfo,
  type SecretsApi,
  type WorkspaceApi,
  type AclItem,
  type SecretScope,
  type ClusterPoliciesApi,
  type ClusterPolicy,
  type InstancePoolAndStats,
  type Pipeline,
  type Repo,
  type Warehouse,
  type GitCredential,
  type GitCredentialsApi,
  type InstancePoolsApi,
  type PipelinesApi,
  type ReposApi,
  type WarehousesApi,
} from '../../controller/databricks/index.js';
import { CONTENT_MAX_BYTES } from '../../lib/index.js';
import { gitFolderPath } from '../../controller/drift/object-paths.js';
import { OWNER_TAG, OWNER_UID_TAG } from '../../controller/drift/ownership-marker.js';

/** The read calls import makes, and nothing else. */
export interface WorkspaceReads {
  readonly host: string;
  readonly jobs: Pick<JobsApi, 'list' | 'get'>;
  readonly clusters: Pick<ClustersApi, 'list' | 'get'>;
  readonly secrets: Pick<SecretsApi, 'listScopes' | 'listSecrets' | 'listAcls'>;
  readonly dbfs: Pick<DbfsApi, 'getStatus' | 'list' | 'download'>;
  readonly workspace: Pick<WorkspaceApi, 'getStatus' | 'list' | 'export'>;
  readonly clusterPolicies: Pick<ClusterPoliciesApi, 'list' | 'get'>;
  readonly instancePools: Pick<InstancePoolsApi, 'list' | 'get'>;
  readonly pipelines: Pick<PipelinesApi, 'list' | 'get'>;
  readonly warehouses: Pick<WarehousesApi, 'list' | 'get'>;
  readonly repos: Pick<ReposApi, 'list' | 'get'>;
  readonly gitCredentials: Pick<GitCredentialsApi, 'list' | 'get'>;
}

/** What to import. */
export interface ImportSelection {
  /** Every job (but those skipped). */
  readonly allJobs: boolean;
  /** Jobs by ID. */
  readonly jobIds: readonly string[];
  /** Jobs whose name contains this text, case-insensitively. */
  readonly nameContains?: string;
  /** Every all-purpose cluster. */
  readonly allClusters: boolean;
  readonly clusterIds: readonly string[];
  /** Every secret scope. */
  readonly allSecretScopes: boolean;
  readonly secretScopes: readonly string[];
  /** DBFS files, and every file below DBFS directories. */
  readonly dbfsPaths: readonly string[];
  /** Notebooks, and every notebook below workspace directories. */
  readonly notebookPaths: readonly string[];
  /** Every cluster policy but Databricks' default ones. */
  readonly allPolicies?: boolean;
  /** Every instance pool. */
  readonly allPools?: boolean;
  /** Every pipeline. */
  readonly allPipelines?: boolean;
  /** Every SQL warehouse. */
  readonly allWarehouses?: boolean;
  /** Every Git folder under `/Repos`. */
  readonly allRepos?: boolean;
  /** Git folders, and every Git folder under workspace paths. */
  readonly repoPaths?: readonly string[];
  /** The Git credential of the principal the import authenticates as. */
  readonly gitCredentials?: boolean;
}

/** A secret scope with what `secrets/list` and `secrets/acls/list` say of it. */
export interface ScopeRead {
  readonly scope: SecretScope;
  /** Its keys (values cannot be read). */
  readonly keys: readonly string[];
  readonly acls: readonly AclItem[];
}

/** A file read from DBFS. */
export interface DbfsFileRead {
  readonly path: string;
  readonly bytes: Buffer;
}

/** A notebook exported as SOURCE. */
export interface NotebookRead {
  readonly info: ObjectInfo & { readonly path: string };
  readonly source: Buffer;
}

/** Something selected that is not imported, and why. */
export interface Skipped {
  /** `job 123 "nightly"`, `cluster 0101-abc`, `/Shared/x`. */
  readonly what: string;
  readonly why: string;
}

/** Everything read. */
export interface WorkspaceRead {
  readonly host: string;
  readonly jobs: readonly Job[];
  readonly clusters: readonly ClusterDetails[];
  readonly scopes: readonly ScopeRead[];
  readonly dbfsFiles: readonly DbfsFileRead[];
  readonly notebooks: readonly NotebookRead[];
  readonly policies: readonly ClusterPolicy[];
  readonly pools: readonly InstancePoolAndStats[];
  /** Read one by one (the list shows no settings). */
  readonly pipelines: readonly Pipeline[];
  readonly warehouses: readonly Warehouse[];
  readonly repos: readonly Repo[];
  /** The principal's Git credentials (Databricks keeps at most one); never their tokens. */
  readonly gitCredentials: readonly GitCredential[];
  readonly skipped: readonly Skipped[];
}

/** A selection that names something the workspace does not have: the message says which and where. */
export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectionError';
  }
}

/** Reads the selected objects. */
export async function readWorkspace(
  reads: WorkspaceReads,
  selection: ImportSelection,
): Promise<WorkspaceRead> {
  const skipped: Skipped[] = [];
  const jobs = await readJobs(reads, selection, skipped);
  const clusters = await readClusters(reads, selection, skipped);
  const scopes = await readScopes(reads, selection);
  const dbfsFiles = await readDbfsFiles(reads, selection.dbfsPaths, skipped);
  const notebooks = await readNotebooks(reads, selection.notebookPaths, skipped);
  const { policies, pools, pipelines, warehouses } = await readComputeKinds(reads, selection, skipped);
  const repos = await readRepos(reads, selection);
  const gitCredentials = selection.gitCredentials ? await reads.gitCredentials.list() : [];
  return {
    host: reads.host,
    jobs,
    clusters,
    scopes,
    dbfsFiles,
    notebooks,
    policies,
    pools,
    pipelines,
    warehouses,
    repos,
    gitCredentials,
    skipped,
  };
}

/** The selected Git folders: one `repos` list walk per path (without a path: those under `/Repos`). */
async function readRepos(reads: WorkspaceReads, selection: ImportSelection): Promise<Repo[]> {
  const prefixes: (string | undefined)[] = [
    ...(selection.allRepos ? [undefined] : []),
    ...(selection.repoPaths ?? []).map((path) => gitFolderPath(path)),
  ];
  const found = new Map<number, Repo>();
  for (const prefix of prefixes) {
    for await (const repo of reads.repos.list(prefix)) {
      const path = gitFolderPath(repo.path ?? '');
      // A prefix lists every path that starts with it: `/Shared/etl` holds `/Shared/etl-old` too.
      const under = prefix === undefined || path === prefix || path.startsWith(`${prefix}/`);
      if (under && repo.path !== undefined && repo.url !== undefined) found.set(repo.id, repo);
    }
  }
  return [...found.values()];
}

/** Why an object carrying `tags` is not imported: another object of `kind` manages it already. */
function managedBy(kind: string, tags: Readonly<Record<string, string>> | undefined): string | undefined {
  return tags?.[OWNER_UID_TAG]
    ? `it is managed by ${kind} ${tags[OWNER_TAG] ?? '(unnamed)'} already (its ${OWNER_TAG} tag)`
    : undefined;
}

/** The selected cluster policies, instance pools, pipelines and SQL warehouses, one list walk each. */
async function readComputeKinds(
  reads: WorkspaceReads,
  selection: ImportSelection,
  skipped: Skipped[],
): Promise<Pick<WorkspaceRead, 'policies' | 'pools' | 'pipelines' | 'warehouses'>> {
  const keep = <T>(items: readonly T[], what: (item: T) => string, why: (item: T) => string | undefined) =>
    items.filter((item) => {
      const reason = why(item);
      if (reason !== undefined) skipped.push({ what: what(item), why: reason });
      return reason === undefined;
    });
  // Databricks' default policies (one per family) come with every workspace: not the user's to import.
  const policies = selection.allPolicies
    ? (await reads.clusterPolicies.list()).filter((policy) => !policy.is_default)
    : [];
  const pools = selection.allPools
    ? keep(
        await reads.instancePools.list(),
        (pool) => `instance pool ${pool.instance_pool_id} ${JSON.stringify(pool.instance_pool_name ?? '')}`,
        (pool) => managedBy('DatabricksInstancePool', pool.custom_tags),
      )
    : [];
  const pipelines: Pipeline[] = [];
  if (selection.allPipelines) {
    for await (const listed of reads.pipelines.list({ max_results: 100 })) {
      const pipeline = await reads.pipelines.get(listed.pipeline_id).catch((error: unknown) => {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      });
      if (pipeline) pipelines.push(pipeline);
    }
  }
  const warehouses: Warehouse[] = [];
  if (selection.allWarehouses)
    for await (const warehouse of reads.warehouses.list(100)) warehouses.push(warehouse);
  return {
    policies,
    pools,
    pipelines: keep(
      pipelines,
      (pipeline) =>
        `pipeline ${pipeline.pipeline_id} ${JSON.stringify(pipeline.spec?.name ?? pipeline.name ?? '')}`,
      (pipeline) => {
        const deployment = (pipeline.spec as { deployment?: { kind?: string; metadata_file_path?: string } })
          ?.deployment;
        if (deployment?.kind === 'BUNDLE') {
          return `an Asset Bundle deployed it (${deployment.metadata_file_path ?? 'no metadata path'}); manage it in the bundle, or remove it from the bundle first`;
        }
        return managedBy('DatabricksPipeline', pipeline.spec?.tags);
      },
    ),
    warehouses: keep(
      warehouses,
      (warehouse) => `SQL warehouse ${warehouse.id} ${JSON.stringify(warehouse.name ?? '')}`,
      (warehouse) =>
        managedBy(
          'DatabricksSqlWarehouse',
          Object.fromEntries((warehouse.tags?.custom_tags ?? []).map((tag) => [tag.key, tag.value ?? ''])),
        ),
    ),
  };
}

function describeJob(job: Job): string {
  const name = job.settings?.name;
  return `job ${formatId(job.job_id)}${name === undefined ? '' : ` ${JSON.stringify(name)}`}`;
}

/** Why a job is not imported, if it is not. */
function jobOwner(job: Job): string | undefined {
  const tags = job.settings?.tags;
  if (tags?.[OWNER_UID_TAG]) {
    return `it is managed by DatabricksJob ${tags[OWNER_TAG] ?? '(unnamed)'} already (its ${OWNER_TAG} tag)`;
  }
  const deployment = job.settings?.['deployment'] as
    { kind?: string; metadata_file_path?: string } | undefined;
  if (deployment?.kind === 'BUNDLE') {
    return `an Asset Bundle deployed it (${deployment.metadata_file_path ?? 'no metadata path'}); manage it in the bundle, or remove it from the bundle first`;
  }
  return undefined;
}

async function readJobs(
  reads: WorkspaceReads,
  selection: ImportSelection,
  skipped: Skipped[],
): Promise<Job[]> {
  const found = new Map<string, Job>();
  if (selection.allJobs || selection.nameContains !== undefined) {
    const needle = selection.nameContains?.toLowerCase();
    for await (const listed of reads.jobs.list({ expand_tasks: true })) {
      if (
        needle !== undefined &&
        !selection.allJobs &&
        !(listed.settings?.name ?? '').toLowerCase().includes(needle)
      )
        continue;
      // The listing holds at most 100 tasks of a job; the rest needs the job itself.
      found.set(formatId(listed.job_id), listed.has_more ? await reads.jobs.get(listed.job_id) : listed);
    }
  }
  for (const id of selection.jobIds) {
    if (found.has(id)) continue;
    try {
      found.set(id, await reads.jobs.get(id));
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new SelectionError(
          `--job-id ${id}: ${reads.host} has no job ${id}; check the ID in the job's URL`,
        );
      }
      throw error;
    }
  }
  const jobs: Job[] = [];
  for (const job of found.values()) {
    const owner = jobOwner(job);
    if (owner === undefined) jobs.push(job);
    else skipped.push({ what: describeJob(job), why: owner });
  }
  return jobs;
}

/** Clusters Databricks starts for users; the others it launches for jobs, pipelines, SQL or models. */
const ALL_PURPOSE_SOURCES = ['UI', 'API'];

function clusterTags(cluster: ClusterDetails): Readonly<Record<string, string>> | undefined {
  return cluster.spec?.custom_tags ?? cluster.custom_tags;
}

async function readClusters(
  reads: WorkspaceReads,
  selection: ImportSelection,
  skipped: Skipped[],
): Promise<ClusterDetails[]> {
  const found = new Map<string, ClusterDetails>();
  if (selection.allClusters) {
    for await (const cluster of reads.clusters.list({
      page_size: 100,
      filter_by: { cluster_sources: ALL_PURPOSE_SOURCES },
    })) {
      found.set(cluster.cluster_id, cluster);
    }
  }
  for (const id of selection.clusterIds) {
    if (found.has(id)) continue;
    try {
      found.set(id, await reads.clusters.get(id));
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new SelectionError(
          `--cluster-id ${id}: ${reads.host} has no cluster ${id}; check the ID on the cluster's page`,
        );
      }
      throw error;
    }
  }
  const clusters: ClusterDetails[] = [];
  for (const cluster of found.values()) {
    const what = `cluster ${cluster.cluster_id}${cluster.cluster_name ? ` ${JSON.stringify(cluster.cluster_name)}` : ''}`;
    const tags = clusterTags(cluster);
    if (tags?.[OWNER_UID_TAG]) {
      skipped.push({
        what,
        why: `it is managed by DatabricksCluster ${tags[OWNER_TAG] ?? '(unnamed)'} already (its ${OWNER_TAG} tag)`,
      });
    } else if (
      cluster.cluster_source !== undefined &&
      !ALL_PURPOSE_SOURCES.includes(cluster.cluster_source)
    ) {
      skipped.push({
        what,
        why: `Databricks launched it for ${cluster.cluster_source.toLowerCase()} (cluster_source ${cluster.cluster_source}); only all-purpose clusters are DatabricksClusters`,
      });
    } else {
      clusters.push(cluster);
    }
  }
  return clusters;
}

async function readScopes(reads: WorkspaceReads, selection: ImportSelection): Promise<ScopeRead[]> {
  if (!selection.allSecretScopes && selection.secretScopes.length === 0) return [];
  const listed = await reads.secrets.listScopes();
  const wanted = selection.allSecretScopes ? listed : [];
  for (const name of selection.secretScopes) {
    const scope = listed.find((candidate) => candidate.name === name);
    if (!scope) {
      throw new SelectionError(
        `--secret-scope ${name}: ${reads.host} has no secret scope ${JSON.stringify(name)}; its scopes are ${listed.map((s) => s.name).join(', ') || 'none'}`,
      );
    }
    if (!wanted.includes(scope)) wanted.push(scope);
  }
  const scopes: ScopeRead[] = [];
  for (const scope of wanted) {
    const keyVault = scope.backend_type === 'AZURE_KEYVAULT';
    const keys = keyVault ? [] : (await reads.secrets.listSecrets(scope.name)).map((secret) => secret.key);
    scopes.push({ scope, keys: keys.sort(), acls: await reads.secrets.listAcls(scope.name) });
  }
  return scopes;
}

async function readDbfsFiles(
  reads: WorkspaceReads,
  paths: readonly string[],
  skipped: Skipped[],
): Promise<DbfsFileRead[]> {
  const files = new Map<string, FileInfo>();
  const walk = async (info: FileInfo): Promise<void> => {
    if (!info.is_dir) {
      files.set(info.path, info);
      return;
    }
    for (const child of await reads.dbfs.list(info.path)) await walk(child);
  };
  for (const path of paths) {
    const normalized = path.replace(/^dbfs:/, '');
    try {
      await walk(await reads.dbfs.getStatus(normalized));
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new SelectionError(
          `--dbfs-path ${path}: ${reads.host} has no DBFS file or directory ${normalized}`,
        );
      }
      throw error;
    }
  }
  const read: DbfsFileRead[] = [];
  for (const info of [...files.values()].sort((a, b) => a.path.localeCompare(b.path))) {
    if ((info.file_size ?? 0) > CONTENT_MAX_BYTES) {
      skipped.push({
        what: `DBFS file ${info.path}`,
        why: `it is ${info.file_size} bytes, above the ${CONTENT_MAX_BYTES} a manifest carries safely; keep large files in a volume or an artifact store`,
      });
      continue;
    }
    read.push({ path: info.path, bytes: await reads.dbfs.download(info.path) });
  }
  return read;
}

async function readNotebooks(
  reads: WorkspaceReads,
  paths: readonly string[],
  skipped: Skipped[],
): Promise<NotebookRead[]> {
  const notebooks = new Map<string, ObjectInfo & { path: string }>();
  const walk = async (info: ObjectInfo): Promise<void> => {
    const path = info.path ?? '';
    switch (info.object_type) {
      case 'NOTEBOOK':
        notebooks.set(path, { ...info, path });
        return;
      case 'DIRECTORY':
        for (const child of await reads.workspace.list(path)) await walk(child);
        return;
      default:
        skipped.push({
          what: `workspace object ${path}`,
          why: `it is a ${(info.object_type ?? 'object of unknown type').toLowerCase()}, not a notebook; import takes notebooks only`,
        });
    }
  };
  for (const path of paths) {
    try {
      await walk(await reads.workspace.getStatus(path));
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new SelectionError(`--notebooks-under ${path}: ${reads.host} has no workspace object ${path}`);
      }
      throw error;
    }
  }
  const read: NotebookRead[] = [];
  for (const info of [...notebooks.values()].sort((a, b) => a.path.localeCompare(b.path))) {
    const { content } = await reads.workspace.export(info.path, 'SOURCE');
    const source = Buffer.from(content ?? '', 'base64');
    if (source.length > CONTENT_MAX_BYTES) {
      skipped.push({
        what: `notebook ${info.path}`,
        why: `its source is ${source.length} bytes, above the ${CONTENT_MAX_BYTES} a manifest carries safely`,
      });
      continue;
    }
    read.push({ info, source });
  }
  return read;
}
