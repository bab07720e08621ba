/**
 * `cdk8s-databricks import`: reads what the flags select from a workspace and writes it as TypeScript
 * (constructs) or YAML (custom resources), each object set to adopt what it came from. Reads only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { AppModel } from './app-model.js';
import { CommandError, EXIT_OK, parseCommandLine, type CommandIo } from './command-line.js';
import { importedApp } from './import/imported-app.js';
import { readWorkspace, SelectionError, type ImportSelection } from './import/workspace-reader.js';
import { typescriptApp, writeTypeScriptApp } from './typescript-app.js';
import { connectToWorkspace, describeWorkspaceFailure } from './workspace-connection.js';
import { yamlApp } from './yaml-app.js';

export const IMPORT_HELP = `Usage: cdk8s-databricks import SELECTION... [--format ts|yaml] [--out DIR] [--namespace NS] [--host URL]

Reads jobs, clusters, secret scopes, DBFS files, notebooks, cluster policies, instance pools, pipelines,
SQL warehouses, Git folders and the Git credential from a Databricks workspace and writes them as cdk8s code (the library's constructs)
or as the custom resources it synthesizes. Every object is set to adopt what it came from (spec.jobId,
spec.clusterId, spec.pipelineId, spec.warehouseId, spec.adopt; files and notebooks by path and content),
so applying the output takes the workspace's objects over rather than creating copies. Nothing is written
to the workspace.

Selection (at least one):
  --all                   every job, all-purpose cluster, secret scope, cluster policy, instance pool,
                          pipeline and SQL warehouse, every Git folder under /Repos, and the Git
                          credential
  --job-id N              a job by ID (repeat for more)
  --name-contains TEXT    every job whose name contains TEXT (any case)
  --clusters              every all-purpose cluster
  --cluster-id ID         an all-purpose cluster by ID (repeat for more)
  --secret-scopes         every secret scope (keys and ACLs; values cannot be read)
  --secret-scope NAME     a secret scope by name (repeat for more)
  --dbfs-path PATH        a DBFS file, or every file under a DBFS directory (repeat for more)
  --notebooks-under PATH  a notebook, or every notebook under a workspace directory (repeat for more)
  --cluster-policies      every cluster policy (not Databricks' default ones), adopted by name
  --instance-pools        every instance pool, adopted by name
  --pipelines             every pipeline (read one by one: the list shows no settings)
  --sql-warehouses        every SQL warehouse
  --repos-under PATH      a Git folder, or every Git folder under a workspace path, adopted at its path
                          (repeat for more); tasks running its notebooks and files name it (repo_ref)
  --git-credentials       the Git credential of the principal this import authenticates as, adopted;
                          its token cannot be read: create the Secret it names before applying

Skipped, and said so on standard error: jobs, clusters, pools, pipelines and warehouses another object
of this library manages (their k8s-owner tags), jobs and pipelines an Asset Bundle deployed, clusters
Databricks launched for jobs.

Output:
  --format ts|yaml        TypeScript (default), or YAML of the custom resources
  --out DIR               write DIR/imported.ts, with notebooks and DBFS files beside it under
                          DIR/notebooks/ and DIR/dbfs/ (read with fromFile), or DIR/imported.yaml;
                          default: standard output, content inline
  --namespace NS          put the objects in namespace NS

Workspace: DATABRICKS_HOST (or --host URL) with DATABRICKS_TOKEN, or with DATABRICKS_CLIENT_ID and
DATABRICKS_CLIENT_SECRET (OAuth M2M). DATABRICKS_AUTH_TYPE=pat|oauth-m2m picks one when both are set;
DATABRICKS_RATE_LIMIT caps requests per second (default 25).

Exit status: 0 done, 1 error.
`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  all: { type: 'boolean' },
  'job-id': { type: 'string', multiple: true },
  'name-contains': { type: 'string' },
  clusters: { type: 'boolean' },
  'cluster-id': { type: 'string', multiple: true },
  'secret-scopes': { type: 'boolean' },
  'secret-scope': { type: 'string', multiple: true },
  'dbfs-path': { type: 'string', multiple: true },
  'notebooks-under': { type: 'string', multiple: true },
  'cluster-policies': { type: 'boolean' },
  'instance-pools': { type: 'boolean' },
  pipelines: { type: 'boolean' },
  'sql-warehouses': { type: 'boolean' },
  'git-credentials': { type: 'boolean' },
  'repos-under': { type: 'string', multiple: true },
  format: { type: 'string' },
  out: { type: 'string' },
  namespace: { type: 'string' },
  host: { type: 'string' },
} as const;

/** The output file name, under `--out`. */
export const IMPORTED_BASENAME = 'imported';

/** Runs `import` with `args` (the words after `import`); resolves with the exit status. */
export async function runImport(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandLine('import', args, OPTIONS);
  if (values.help) {
    io.stdout.write(IMPORT_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0) {
    throw new CommandError(
      `unexpected argument ${JSON.stringify(positionals[0])}; see cdk8s-databricks import --help`,
    );
  }
  const format = values.format ?? 'ts';
  if (format !== 'ts' && format !== 'yaml') {
    throw new CommandError(`--format ${format}: choose ts or yaml`);
  }
  const selection = selectionOf(values);
  if (values.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(values.namespace)) {
    throw new CommandError(
      `--namespace ${values.namespace}: not a Kubernetes namespace name (lowercase letters, digits, '-')`,
    );
  }

  const connection = await connectToWorkspace(values.host, io.env);
  let app: AppModel;
  try {
    const read = await readWorkspace(connection.client, selection);
    const imported = importedApp(read, { auth: connection.auth, namespace: values.namespace });
    for (const { what, why } of imported.skipped) io.stderr.write(`skipped ${what}: ${why}\n`);
    app = imported.app;
  } catch (error) {
    if (error instanceof SelectionError) throw new CommandError(error.message);
    throw new CommandError(describeWorkspaceFailure(connection.host, error));
  } finally {
    connection.client.close();
  }

  const summary = app.origin.replace(/^Generated by `cdk8s-databricks import` from /, '');
  if (values.out === undefined) {
    io.stdout.write(format === 'ts' ? typescriptApp(app, { inline: true }).source : yamlApp(app));
    io.stderr.write(`imported from ${summary}\n`);
    return EXIT_OK;
  }
  const out = resolve(io.cwd, values.out);
  const written =
    format === 'ts' ? writeTypeScriptApp(app, out, io.cwd, IMPORTED_BASENAME) : writeYaml(app, out);
  io.stderr.write(`imported from ${summary}\nwrote ${relative(io.cwd, written) || written}\n`);
  return EXIT_OK;
}

function selectionOf(values: {
  all?: boolean;
  'job-id'?: string[];
  'name-contains'?: string;
  clusters?: boolean;
  'cluster-id'?: string[];
  'secret-scopes'?: boolean;
  'secret-scope'?: string[];
  'dbfs-path'?: string[];
  'notebooks-under'?: string[];
  'cluster-policies'?: boolean;
  'instance-pools'?: boolean;
  pipelines?: boolean;
  'sql-warehouses'?: boolean;
  'git-credentials'?: boolean;
  'repos-under'?: string[];
}): ImportSelection {
  const jobIds = values['job-id'] ?? [];
  for (const id of jobIds) {
    if (!/^[1-9][0-9]*$/.test(id))
      throw new CommandError(`--job-id ${id}: a job ID is a positive whole number`);
  }
  if (values['name-contains'] === '') throw new CommandError('--name-contains needs some text to look for');
  for (const path of [
    ...(values['dbfs-path'] ?? []),
    ...(values['notebooks-under'] ?? []),
    ...(values['repos-under'] ?? []),
  ]) {
    if (!/^(dbfs:)?\//.test(path)) throw new CommandError(`${path}: give an absolute path, starting with /`);
  }
  const selection: ImportSelection = {
    allJobs: values.all ?? false,
    jobIds,
    nameContains: values['name-contains'],
    allClusters: (values.all ?? false) || (values.clusters ?? false),
    clusterIds: values['cluster-id'] ?? [],
    allSecretScopes: (values.all ?? false) || (values['secret-scopes'] ?? false),
    secretScopes: values['secret-scope'] ?? [],
    dbfsPaths: values['dbfs-path'] ?? [],
    notebookPaths: values['notebooks-under'] ?? [],
    allPolicies: (values.all ?? false) || (values['cluster-policies'] ?? false),
    allPools: (values.all ?? false) || (values['instance-pools'] ?? false),
    allPipelines: (values.all ?? false) || (values.pipelines ?? false),
    allWarehouses: (values.all ?? false) || (values['sql-warehouses'] ?? false),
    allRepos: values.all ?? false,
    repoPaths: values['repos-under'] ?? [],
    gitCredentials: (values.all ?? false) || (values['git-credentials'] ?? false),
  };
  const nothing =
    !selection.allJobs &&
    selection.jobIds.length === 0 &&
    selection.nameContains === undefined &&
    !selection.allClusters &&
    selection.clusterIds.length === 0 &&
    !selection.allSecretScopes &&
    selection.secretScopes.length === 0 &&
    selection.dbfsPaths.length === 0 &&
    selection.notebookPaths.length === 0 &&
    !selection.allPolicies &&
    !selection.allPools &&
    !selection.allPipelines &&
    !selection.allWarehouses &&
    !selection.gitCredentials &&
    (selection.repoPaths ?? []).length === 0;
  if (nothing) {
    throw new CommandError(
      'nothing selected: give --all, --job-id N, --name-contains TEXT, --clusters, --secret-scopes, --dbfs-path PATH, --notebooks-under PATH, --cluster-policies, --instance-pools, --pipelines, --sql-warehouses, --repos-under PATH or --git-credentials (see --help)',
    );
  }
  return selection;
}

function writeYaml(app: AppModel, out: string): string {
  const path = join(out, `${IMPORTED_BASENAME}.yaml`);
  mkdirSync(out, { recursive: true });
  writeFileSync(path, yamlApp(app));
  return path;
}
