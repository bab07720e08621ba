/**
 * `cdk8s-databricks plan`: what the controller would do to a workspace for synthesized manifests, one
 * line per object, then a summary; with reads only, and without a Kubernetes cluster. The exit status
 * tells no change (0) from changes (2), as `terraform plan -detailed-exitcode` does, so CI can gate on it.
 */
import { readFileSync } from 'node:fs';
import { CommandError, EXIT_OK, parseCommandLine, type CommandIo } from './command-line.js';
import { readManifestFiles } from './manifest-files.js';
import { planWorkspace, type Plan, type PlannedChange } from './plan/planner.js';
import { isKind, plannedObjects, type PlannedObjects } from './plan/planned-objects.js';
import { connectToWorkspace, describeWorkspaceFailure } from './workspace-connection.js';

/** Exit status of a plan with changes. */
export const EXIT_CHANGES = 2;

export const PLAN_HELP = `Usage: cdk8s-databricks plan PATH... [--json] [--namespace NS] [--workspace NAME] [--host URL]

Prints what the controller would do to a Databricks workspace for the custom resources in PATH (YAML or
JSON files, directories of them such as cdk8s's dist/, or - for standard input): one line per object,
starting with the action, then a summary line. It reads the workspace and writes nothing, and it needs no
Kubernetes cluster.

Actions:
  create   the object does not exist in Databricks yet
  update   it exists and differs; the fields that differ follow, named as the drift rules name them
  adopt    spec.jobId / spec.clusterId / spec.pipelineId / spec.warehouseId / spec.adopt take over an
           object nobody manages: "marker only" when its settings already match, else the fields
           that differ
  refuse   it belongs to another object (its k8s-owner tag) or an Asset Bundle, its name is taken
           (PoolExists, NameInUse, ...), or spec names an ID that does not exist: the controller
           will not touch it
  delete   a job, cluster, instance pool, pipeline or SQL warehouse marked as an object of these
           namespaces that the files no longer hold
  none     nothing to do

Without a cluster plan sees no UIDs and no status: an object's job, cluster, instance pool, pipeline or
SQL warehouse is the one its spec names by ID, or the one whose k8s-owner tag names its namespace/name.
A cluster policy is the policy of its name. Secret scopes, Git folders and Git credentials have no
marker: an existing scope, a Git folder at spec.path of spec.url, and the principal's credential for
spec.git_provider are planned as the object's own. Secret values and tokens are never compared
(Databricks never returns them); a DatabricksRun is planned as a run to start. References (_ref fields)
resolve to what was found, or "(known after apply)"; one naming an object not in these files is told.

Reads: one list walk per kind (jobs 100 a page with their tasks, clusters, cluster policies, instance
pools, SQL warehouses, pipelines, Git credentials); pipelines/list shows no tags or settings, so each
listed pipeline is also read once. Per secret scope its keys and ACLs, per notebook, DBFS file and Git
folder its path's status and content.

Options:
  --json              the plan as JSON: {host, changes: [{action, kind, namespace, name, target, changes,
                      note}], summary}
  --namespace NS      namespace of objects without metadata.namespace (default: default)
  --workspace NAME    plan only the objects of the DatabricksWorkspace NAME
  --host URL          the workspace (default: DATABRICKS_HOST)

Workspace: DATABRICKS_HOST (or --host URL) with DATABRICKS_TOKEN, or with DATABRICKS_CLIENT_ID and
DATABRICKS_CLIENT_SECRET (OAuth M2M). When the files hold DatabricksWorkspaces of other hosts, their
objects are left out and said so on standard error.

Exit status: 0 no changes, 2 changes, 1 error.
`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  namespace: { type: 'string' },
  workspace: { type: 'string' },
  host: { type: 'string' },
} as const;

/** `https://adb-1.azuredatabricks.net/` and `https://ADB-1.azuredatabricks.net` are one workspace. */
function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).host.toLowerCase() === new URL(b).host.toLowerCase();
  } catch {
    return a === b;
  }
}

/** The objects of `manifests` that live in the workspace at `host` (or in the DatabricksWorkspace `only`). */
function inWorkspace(
  manifests: PlannedObjects,
  host: string,
  only: string | undefined,
  io: CommandIo,
): PlannedObjects {
  const workspaces = new Map(
    manifests.objects
      .filter((object) => isKind(object, 'DatabricksWorkspace'))
      .map((object) => [`${object.namespace}/${object.name}`, object]),
  );
  const left = new Map<string, number>();
  const objects = manifests.objects.filter((object) => {
    if (!('workspaceRef' in object.spec)) return false;
    const name = object.spec.workspaceRef.name;
    const ref = `${object.namespace}/${name}`;
    const workspace = workspaces.get(ref);
    const other =
      only !== undefined
        ? name !== only
        : workspace !== undefined &&
          isKind(workspace, 'DatabricksWorkspace') &&
          !sameHost(workspace.spec.host, host);
    if (other) left.set(ref, (left.get(ref) ?? 0) + 1);
    return !other;
  });
  for (const [ref, count] of left) {
    const workspace = workspaces.get(ref);
    const where = workspace && isKind(workspace, 'DatabricksWorkspace') ? ` (${workspace.spec.host})` : '';
    io.stderr.write(
      `left out ${count} object(s) of DatabricksWorkspace ${ref}${where}: not the workspace planned\n`,
    );
  }
  return { ...manifests, objects };
}

/** One line of the plan: the action, the object, its Databricks object, what changes. */
export function planLine(change: PlannedChange): string {
  const target = change.target === undefined ? '' : ` (${change.target})`;
  const details = [change.changes.join(', '), change.note ?? ''].filter((part) => part !== '').join('; ');
  return `${change.action.padEnd(6)} ${change.kind} ${change.namespace}/${change.name}${target}${details ? `: ${details}` : ''}`;
}

/** The summary line. */
export function planSummary(plan: Plan): string {
  const { create, update, adopt, refuse, delete: remove, none } = plan.summary;
  return `Plan for ${plan.host}: ${create} to create, ${update} to update, ${adopt} to adopt, ${refuse} refused, ${remove} to delete, ${none} unchanged.`;
}

/** Runs `plan` with `args` (the words after `plan`); resolves with the exit status. */
export async function runPlan(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandLine('plan', args, OPTIONS);
  if (values.help) {
    io.stdout.write(PLAN_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) {
    throw new CommandError(
      'give the synthesized YAML to plan: files or directories (e.g. dist/); see --help',
    );
  }
  const namespace = values.namespace ?? 'default';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) {
    throw new CommandError(
      `--namespace ${namespace}: not a Kubernetes namespace name (lowercase letters, digits, '-')`,
    );
  }
  const manifests = plannedObjects(
    readManifestFiles(positionals, io.cwd, () => readFileSync(0, 'utf8')),
    namespace,
  );
  if (manifests.objects.length === 0) {
    throw new CommandError(
      `${positionals.join(' ')}: no databricks.operator.dev objects (read ${manifests.others} other object(s)); give the YAML cdk8s synth wrote with this library (dist/)`,
    );
  }
  const connection = await connectToWorkspace(values.host, io.env);
  let plan: Plan;
  try {
    plan = await planWorkspace(
      connection.client,
      inWorkspace(manifests, connection.host, values.workspace, io),
    );
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError(describeWorkspaceFailure(connection.host, error));
  } finally {
    connection.client.close();
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
  } else {
    for (const change of plan.changes) io.stdout.write(`${planLine(change)}\n`);
    io.stdout.write(`${planSummary(plan)}\n`);
  }
  return plan.changes.every((change) => change.action === 'none') ? EXIT_OK : EXIT_CHANGES;
}
