/**
 * An {@link AppModel} as TypeScript: one file with a `Chart` class per chart, each object a construct of
 * the library (`new DatabricksJob(...)`, `job.addTask(...)`), references between objects as variables,
 * formatted as Prettier would (typescript-source.ts). The same calls as chart-constructs.ts makes, so
 * `cdk8s synth` of this file gives the YAML the command writes with `--format yaml`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import {
  referencedObject,
  type AppModel,
  type ChartModel,
  type ComputeModel,
  type FileContent,
  type JobModel,
  type ObjectModel,
  type ObjectReference,
  type TaskModel,
  type TaskTypeModel,
  type WorkspaceModel,
} from './app-model.js';
import { TASK_TYPE_FACTORIES } from './chart-constructs.js';
import { identifier, UniqueNames } from './object-names.js';
import {
  array,
  call,
  code,
  comment,
  importStatement,
  newCall,
  object,
  statement,
  stringLiteral,
  value,
  type Expression,
} from './typescript-source.js';

/** Where file and notebook content goes. */
export type ContentPlacement =
  /** Into files beside the code, read with `fromFile` at synth time from `root` (relative to the app). */
  | { readonly files: { readonly root: string } }
  /** Into the code itself. */
  | { readonly inline: true };

/** A TypeScript file and the content files it reads. */
export interface TypeScriptApp {
  readonly source: string;
  /** Content files, by path relative to the output directory. */
  readonly files: readonly FileContent[];
}

/** The package apps import the library from. */
export const LIBRARY_PACKAGE = 'cdk8s-databricks';

const BODY = 4;

/** Writes `app` as one TypeScript module. */
export function typescriptApp(app: AppModel, placement: ContentPlacement): TypeScriptApp {
  const used = new Set<string>();
  const files: FileContent[] = [];
  const classes = app.charts.map((chart) => chartClass(chart, placement, used, files));
  const imports = [
    importStatement(['Chart', 'type ChartProps'], 'cdk8s'),
    importStatement(['Construct'], 'constructs', true),
    importStatement([...used].sort(), LIBRARY_PACKAGE),
  ];
  const source = `${comment(app.origin, 0)}\n${imports.join('\n')}\n\n${classes.join('\n\n')}\n`;
  return { source, files };
}

function chartClass(
  chart: ChartModel,
  placement: ContentPlacement,
  used: Set<string>,
  files: FileContent[],
): string {
  const writer = new ChartWriter(chart, placement, used, files);
  const namespace = chart.namespace ? `{ namespace: ${stringLiteral(chart.namespace)}, ...props }` : 'props';
  return [
    '/**',
    ...comment(chart.description, 0)
      .split('\n')
      .map((line) => line.replace(/^\/\//, ' *')),
    ' */',
    `export class ${chart.className} extends Chart {`,
    '  constructor(scope: Construct, id: string, props: ChartProps = {}) {',
    `    super(scope, id, ${namespace});`,
    ...writer.body(),
    '  }',
    '}',
  ].join('\n');
}

/** The statements of one chart's constructor. */
class ChartWriter {
  private readonly variables = new UniqueNames(['scope', 'id', 'props', 'this']);
  private readonly variableOf = new Map<ObjectModel | WorkspaceModel, string>();
  /** Objects some later statement refers to, so that only those get a variable (noUnusedLocals). */
  private readonly referenced = new Set<ObjectModel>();

  constructor(
    private readonly chart: ChartModel,
    private readonly placement: ContentPlacement,
    private readonly used: Set<string>,
    private readonly files: FileContent[],
  ) {
    for (const object of chart.objects) {
      for (const target of referencesOf(object)) {
        const found = referencedObject(chart, target);
        if (found) this.referenced.add(found);
      }
    }
  }

  body(): string[] {
    const workspace = this.chart.workspace;
    const lines = ['', ...this.notes(workspace.notes)];
    const workspaceVariable = this.variables.claim(identifier(workspace.id), ['workspace'], '');
    this.variableOf.set(workspace, workspaceVariable);
    lines.push(statement(`const ${workspaceVariable} = `, this.workspace(workspace), BODY));
    for (const object of this.chart.objects) lines.push('', ...this.object(object, workspaceVariable));
    return lines;
  }

  private notes(notes: readonly string[]): string[] {
    return notes.map((note) => comment(note, BODY));
  }

  private library(name: string): string {
    this.used.add(name);
    return name;
  }

  private workspace(model: WorkspaceModel): Expression {
    const auth =
      'token' in model.auth
        ? call(`${this.library('WorkspaceAuth')}.token`, value(model.auth.token))
        : call(
            `${this.library('WorkspaceAuth')}.oauthM2M`,
            value({ clientId: model.auth.oauthM2M.clientId, clientSecret: model.auth.oauthM2M.clientSecret }),
          );
    return newCall(
      this.library('DatabricksWorkspace'),
      code('this'),
      value(model.id),
      object({
        metadata: this.metadata(model),
        host: value(model.host),
        auth,
        insecureHttp: model.host.startsWith('http://') ? value(true) : undefined,
      }),
    );
  }

  private metadata(model: { name: string; labels?: Readonly<Record<string, string>> }): Expression {
    return value({ name: model.name, labels: model.labels });
  }

  /** `const x = ` when something later refers to the object, else nothing. */
  private declaration(model: ObjectModel, always = false): string {
    if (!always && !this.referenced.has(model)) return '';
    const name = this.variables.claim(identifier(model.id), [], '');
    this.variableOf.set(model, name);
    return `const ${name} = `;
  }

  private reference(target: ObjectReference): Expression {
    const found = referencedObject(this.chart, target);
    const variable = found && this.variableOf.get(found);
    if (variable) return code(variable);
    const workspace =
      target.kind === 'DatabricksCluster' || target.kind === 'DatabricksNotebook'
        ? ''
        : `, ${this.variableOf.get(this.chart.workspace)}`;
    return code(`${this.library(target.kind)}.fromName(${stringLiteral(target.name)}${workspace})`);
  }

  private object(model: ObjectModel, workspace: string): string[] {
    const lines = this.notes(model.notes);
    const props = (fields: Record<string, Expression | undefined>) =>
      object({ metadata: this.metadata(model), workspace: code(workspace), ...fields });
    const construct = (kind: string, fields: Record<string, Expression | undefined>, always = false) =>
      statement(
        this.declaration(model, always),
        newCall(this.library(kind), code('this'), value(model.id), props(fields)),
        BODY,
      );
    switch (model.kind) {
      case 'DatabricksCluster':
        lines.push(
          construct(
            'DatabricksCluster',
            {
              clusterId: optional(model.clusterId),
              settings: value(model.settings),
              state: optional(model.state),
            },
            model.compute !== undefined,
          ),
        );
        if (model.compute) lines.push(...this.compute(this.variableOf.get(model)!, model.compute));
        break;
      case 'DatabricksJob':
        lines.push(...this.job(model, workspace));
        break;
      case 'DatabricksSecretScope':
        lines.push(
          construct('DatabricksSecretScope', {
            scopeName: value(model.scopeName),
            adopt: optional(model.adopt),
            backend: optional(model.backend),
            secrets: model.secrets.length > 0 ? value(model.secrets) : undefined,
            acls: optional(model.acls),
          }),
        );
        break;
      case 'DatabricksDbfsFile':
        lines.push(
          this.withContent(model, 'DatabricksDbfsFile', {
            path: value(model.path),
            overwrite: optional(model.overwrite),
          }),
        );
        break;
      case 'DatabricksNotebook':
        lines.push(
          this.withContent(model, 'DatabricksNotebook', {
            path: value(model.path),
            language: optional(model.language),
            format: optional(model.format),
            overwrite: optional(model.overwrite),
          }),
        );
        break;
      case 'DatabricksRun':
        lines.push(
          construct('DatabricksRun', {
            job: model.job && this.reference(model.job),
            runNow: optional(model.runNow),
            submit: optional(model.submit),
          }),
        );
        break;
      case 'DatabricksClusterPolicy':
        lines.push(
          construct('DatabricksClusterPolicy', {
            policyName: value(model.policyName),
            description: optional(model.description),
            definition: optional(model.definition),
            policyFamilyId: optional(model.policyFamilyId),
            policyFamilyDefinitionOverrides: optional(model.policyFamilyDefinitionOverrides),
            maxClustersPerUser: optional(model.maxClustersPerUser),
            libraries: optional(model.libraries),
            adopt: value(model.adopt),
          }),
        );
        break;
      case 'DatabricksInstancePool':
        lines.push(
          construct('DatabricksInstancePool', { settings: value(model.settings), adopt: value(model.adopt) }),
        );
        break;
      case 'DatabricksPipeline':
        lines.push(
          construct('DatabricksPipeline', {
            pipelineId: value(model.pipelineId),
            settings: value(model.settings),
          }),
        );
        break;
      case 'DatabricksRepo':
        lines.push(
          construct('DatabricksRepo', {
            path: value(model.path),
            url: value(model.url),
            provider: optional(model.provider),
            branch: optional(model.branch),
            sparseCheckout: optional(model.sparseCheckout),
            adopt: value(model.adopt),
          }),
        );
        break;
      case 'DatabricksGitCredential':
        lines.push(
          construct('DatabricksGitCredential', {
            provider: value(model.provider),
            username: optional(model.username),
            email: optional(model.email),
            token: value(model.token),
            adopt: value(model.adopt),
          }),
        );
        break;
      case 'DatabricksSqlWarehouse':
        lines.push(
          construct('DatabricksSqlWarehouse', {
            warehouseId: value(model.warehouseId),
            settings: value(model.settings),
            state: optional(model.state),
          }),
        );
        break;
    }
    return lines;
  }

  /** `x.withPolicy(policy);` and `x.withPool(pool, { driver });` as `compute` says. */
  private compute(target: string, compute: ComputeModel): string[] {
    const lines: string[] = [];
    if (compute.policy) {
      lines.push(statement('', call(`${target}.withPolicy`, this.reference(compute.policy)), BODY));
    }
    if (compute.pool) {
      const driver = compute.driverPool ? [object({ driver: this.reference(compute.driverPool) })] : [];
      lines.push(statement('', call(`${target}.withPool`, this.reference(compute.pool), ...driver), BODY));
    }
    return lines;
  }

  private withContent(
    model: Extract<ObjectModel, { kind: 'DatabricksDbfsFile' | 'DatabricksNotebook' }>,
    kind: 'DatabricksDbfsFile' | 'DatabricksNotebook',
    fields: Record<string, Expression | undefined>,
  ): string {
    const metadata = this.metadata(model);
    const workspace = code(this.variableOf.get(this.chart.workspace)!);
    if ('files' in this.placement) {
      this.files.push(model.content);
      const localPath = posix.join(this.placement.files.root, model.content.localPath);
      return statement(
        this.declaration(model),
        call(
          `${this.library(kind)}.fromFile`,
          code('this'),
          value(model.id),
          object({ metadata, workspace, localPath: value(localPath), ...fields }),
        ),
        BODY,
      );
    }
    const bytes = model.content.bytes;
    const content = isPlainText(bytes)
      ? value(bytes.toString('utf8'))
      : call('Buffer.from', value(bytes.toString('base64')), value('base64'));
    const contentField = kind === 'DatabricksDbfsFile' ? object({ contents: content }) : content;
    return statement(
      this.declaration(model),
      newCall(
        this.library(kind),
        code('this'),
        value(model.id),
        object({ metadata, workspace, ...fields, content: contentField }),
      ),
      BODY,
    );
  }

  private job(model: JobModel, workspace: string): string[] {
    const lines: string[] = [];
    const hasParts = model.jobClusters.length > 0 || model.tasks.length > 0;
    const declaration = this.declaration(model, hasParts);
    lines.push(
      statement(
        declaration,
        newCall(
          this.library('DatabricksJob'),
          code('this'),
          value(model.id),
          object({
            metadata: this.metadata(model),
            workspace: code(workspace),
            jobId: optional(model.jobId),
            jobName: value(model.jobName),
            description: optional(model.description),
            maxConcurrentRuns: optional(model.maxConcurrentRuns),
            tags: optional(model.tags),
            deletionPolicy: optional(model.deletionPolicy),
            settings: Object.keys(model.settings).length > 0 ? value(model.settings) : undefined,
          }),
        ),
        BODY,
      ),
    );
    const job = this.variableOf.get(model);
    if (!job) return lines;
    const taskVariables = new Map<string, string>();
    const clusterVariables = new Map<string, string>();
    const runOnKeys = new Set(
      model.tasks.flatMap((task) =>
        task.runOn && 'jobCluster' in task.runOn ? [task.runOn.jobCluster] : [],
      ),
    );
    for (const { key, spec, compute } of model.jobClusters) {
      let prefix = '';
      if (runOnKeys.has(key) || compute !== undefined) {
        const name = this.variables.claim(
          identifier(`${key}-cluster`),
          [identifier(`${model.id}-${key}-cluster`)],
          '',
        );
        clusterVariables.set(key, name);
        prefix = `const ${name} = `;
      }
      lines.push(statement(prefix, call(`${job}.addJobCluster`, value(key), value(spec)), BODY));
      if (compute) lines.push(...this.compute(clusterVariables.get(key)!, compute));
    }
    // A task needs a variable when another depends on it, or when it depends on a condition's outcome
    // (`task.dependsOnOutcome(condition, true)` follows it).
    const named = new Set(model.tasks.flatMap((task) => task.dependsOn.map((d) => d.key)));
    for (const task of model.tasks)
      if (task.dependsOn.some((d) => d.outcome !== undefined)) named.add(task.key);
    for (const task of model.tasks) {
      let prefix = '';
      if (named.has(task.key)) {
        const name = this.variables.claim(identifier(task.key), [identifier(`${model.id}-${task.key}`)], '');
        taskVariables.set(task.key, name);
        prefix = `const ${name} = `;
      }
      lines.push(statement(prefix, this.addTask(job, task, taskVariables, clusterVariables), BODY));
      for (const { key, outcome } of task.dependsOn) {
        if (outcome === undefined) continue;
        const variable = taskVariables.get(task.key)!;
        lines.push(
          statement(
            '',
            call(`${variable}.dependsOnOutcome`, code(taskVariables.get(key)!), value(outcome === 'true')),
            BODY,
          ),
        );
      }
    }
    return lines;
  }

  private addTask(
    job: string,
    task: TaskModel,
    taskVariables: ReadonlyMap<string, string>,
    clusterVariables: ReadonlyMap<string, string>,
  ): Expression {
    const dependsOn = task.dependsOn.filter((d) => d.outcome === undefined);
    const runOn = task.runOn
      ? 'jobCluster' in task.runOn
        ? code(clusterVariables.get(task.runOn.jobCluster)!)
        : this.reference(task.runOn.cluster)
      : undefined;
    const props = object({
      type: task.type && this.taskType(task.type),
      runOn,
      dependsOn:
        dependsOn.length > 0 ? array(dependsOn.map((d) => code(taskVariables.get(d.key)!))) : undefined,
      runIf: optional(task.runIf),
      description: optional(task.description),
      maxRetries: optional(task.maxRetries),
      libraries: optional(task.libraries),
      settings: Object.keys(task.settings).length > 0 ? value(task.settings) : undefined,
    });
    return call(`${job}.addTask`, value(task.key), props);
  }

  /** A task type's options argument: the payload's fields and the warehouse it runs on; none when empty. */
  private taskOptions(payload: Readonly<Record<string, unknown>>, warehouse?: ObjectReference): Expression[] {
    const entries: Record<string, Expression> = {};
    for (const [key, field] of Object.entries(payload)) entries[key] = value(field);
    if (warehouse !== undefined) entries.warehouse = this.reference(warehouse);
    return Object.keys(entries).length > 0 ? [object(entries)] : [];
  }

  private taskType(type: TaskTypeModel): Expression {
    const factory = TASK_TYPE_FACTORIES[type.field];
    const taskType = this.library('TaskType');
    if (
      type.target?.kind === 'DatabricksRepo' &&
      type.targetPath !== undefined &&
      (type.field === 'notebook_task' || type.field === 'spark_python_task')
    ) {
      // `repo.notebook('etl/ingest')`, `repo.pythonFile('etl/main.py')`.
      const found = referencedObject(this.chart, type.target);
      const repo =
        (found && this.variableOf.get(found)) ??
        `${this.library('DatabricksRepo')}.fromName(${stringLiteral(type.target.name)}, ${this.variableOf.get(this.chart.workspace)})`;
      const method = type.field === 'notebook_task' ? 'notebook' : 'pythonFile';
      const options = this.taskOptions(type.payload, type.warehouse);
      return call(`${taskType}.${factory}`, call(`${repo}.${method}`, value(type.targetPath)), ...options);
    }
    if (type.warehouse !== undefined && type.field !== 'notebook_task') {
      // `TaskType.dbt(bi, {...})`, `TaskType.dashboard('id', { warehouse: bi })`, `TaskType.alert({...})`.
      const warehouse = this.reference(type.warehouse);
      if (type.field === 'dbt_task')
        return call(`${taskType}.dbt`, warehouse, ...this.taskOptions(type.payload));
      if (type.field === 'dashboard_task') {
        const { dashboard_id: id, ...rest } = type.payload;
        return call(`${taskType}.dashboard`, value(id), ...this.taskOptions(rest, type.warehouse));
      }
      return call(`${taskType}.${factory}`, ...this.taskOptions(type.payload, type.warehouse));
    }
    const targetFields: Partial<Record<TaskTypeModel['field'], string>> = {
      notebook_task: 'notebook_path',
      run_job_task: 'job_id',
      pipeline_task: 'pipeline_id',
      sql_task: 'warehouse_id',
    };
    const targetField = targetFields[type.field];
    const byTarget = type.field === 'notebook_task' || type.field === 'run_job_task' || type.target;
    if (targetField !== undefined && byTarget) {
      const { [targetField]: id, ...rest } = type.payload;
      const target = type.target ? this.reference(type.target) : value(id);
      return call(`${taskType}.${factory}`, target, ...this.taskOptions(rest, type.warehouse));
    }
    if (factory !== undefined) return call(`${taskType}.${factory}`, value(type.payload));
    return call(`${taskType}.of`, value(type.field), value(type.payload));
  }
}

function optional(field: unknown): Expression | undefined {
  return field === undefined ? undefined : value(field);
}

/** The objects `model` refers to. */
function referencesOf(model: ObjectModel): ObjectReference[] {
  if (model.kind === 'DatabricksRun') return model.job ? [model.job] : [];
  const computeTargets = (compute: ComputeModel | undefined) =>
    [compute?.policy, compute?.pool, compute?.driverPool].filter((target) => target !== undefined);
  if (model.kind === 'DatabricksCluster') return computeTargets(model.compute);
  if (model.kind !== 'DatabricksJob') return [];
  return [
    ...model.jobClusters.flatMap((jobCluster) => computeTargets(jobCluster.compute)),
    ...model.tasks.flatMap((task) => [
      ...(task.type?.target ? [task.type.target] : []),
      ...(task.type?.warehouse ? [task.type.warehouse] : []),
      ...(task.runOn && 'cluster' in task.runOn ? [task.runOn.cluster] : []),
    ]),
  ];
}

/** UTF-8 text without control characters other than tabs and line breaks: readable as a string literal. */
function isPlainText(bytes: Buffer): boolean {
  const text = bytes.toString('utf8');
  const control = [...text].some((char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 && char !== '\t' && char !== '\n' && char !== '\r';
  });
  return Buffer.from(text, 'utf8').equals(bytes) && !control;
}

/**
 * Writes `app` as `<out>/<basename>.ts` with the content files it reads beside it; returns the .ts path.
 * `fromFile` reads relative to where `cdk8s synth` runs, which is, as a rule, where the command ran
 * (`cwd`): the paths in the code are relative to it.
 */
export function writeTypeScriptApp(app: AppModel, out: string, cwd: string, basename: string): string {
  const root = relative(cwd, out).split(sep).join('/') || '.';
  const { source, files } = typescriptApp(app, { files: { root } });
  const write = (path: string, content: string | Buffer) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  };
  const path = join(out, `${basename}.ts`);
  write(path, source);
  for (const file of files) {
    const segments = file.localPath.split('/');
    // Paths come from Databricks or old manifests: none may climb out of the output directory.
    if (segments.some((segment) => segment === '..' || segment === '')) {
      throw new Error(`${file.localPath}: a content path with an empty or ".." segment; not written`);
    }
    write(join(out, ...segments), file.bytes);
  }
  return path;
}
