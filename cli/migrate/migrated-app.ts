/**
 * azure-databricks-operator objects as an app of this library's constructs, one chart per namespace,
 * each with one DatabricksWorkspace standing for the old operator's single workspace.
 *
 * What maps how (KINDS.md says what the old controllers did):
 * - Djob → DatabricksJob with one task (the old single-task job, in the Jobs API 2.2 shape); the job is
 *   named after the object, as the old controller named it. `existing_cluster_name` becomes a reference
 *   to the DatabricksCluster migrated from that Dcluster.
 * - Run → DatabricksRun: a run of a job (`job_name` → the DatabricksJob) or a one-time run. A run the old
 *   controller already started is left out: a DatabricksRun starts a run when it is created, and has no
 *   field to adopt one.
 * - Dcluster → DatabricksCluster, `custom_tags` from the old list of key/value pairs to a map.
 * - SecretScope → DatabricksSecretScope named as before (metadata.name), with its secrets and ACLs.
 * - DbfsBlock → DatabricksDbfsFile; WorkspaceItem → DatabricksNotebook, replacing what is at the path
 *   as the old controller did.
 * Whatever exists in Databricks already (its ID in the old status) is adopted, not created again: jobs
 * by `jobId`, clusters by `clusterId`, scopes by `adopt`; files and notebooks by path, which the
 * controller takes over when the content is the same.
 */
import { kubernetesName, UniqueNames } from '../object-names.js';
import type {
  AppModel,
  ChartModel,
  ClusterModel,
  DbfsFileModel,
  JobModel,
  NotebookModel,
  ObjectModel,
  RunModel,
  SecretScopeModel,
  TaskModel,
  TaskTypeModel,
  WorkspaceModel,
} from '../app-model.js';
import { CommandError } from '../command-line.js';
import type { TaskTypeField } from '../../lib/index.js';
import { isSecretScopePermission } from '../../lib/crds/index.js';
import { FieldLog, type ObjectReport } from './migration-report.js';
import { describeOld, type OldObject } from './old-manifests.js';

type Json = Record<string, unknown>;

/** Where the old operator's workspace credentials were (KINDS.md: the global settings Secret). */
export const OLD_SETTINGS_SECRET = 'dbrickssettings';
export const OLD_TOKEN_KEY = 'DatabricksToken';
export const OLD_HOST_KEY = 'DatabricksHost';
/** The old operator's own namespace, where that Secret was. */
export const OLD_OPERATOR_NAMESPACE = 'azure-databricks-operator-system';
/** Stands for the host when none was given: `.invalid` never resolves, so nothing is ever sent there. */
export const PLACEHOLDER_HOST = 'https://set-the-workspace-host.invalid';

/** Options of {@link migratedApp}. */
export interface MigrationOptions {
  /** The workspace URL (`--host` or DATABRICKS_HOST); the old one lived in a Secret. */
  readonly host?: string;
}

/** The app, and the report of every object. */
export interface Migration {
  readonly app: AppModel;
  readonly reports: readonly ObjectReport[];
  /** What the user must do besides applying (copy the Secret, set the host). */
  readonly notes: readonly string[];
}

const TASK_TYPES = ['notebook_task', 'spark_jar_task', 'spark_python_task', 'spark_submit_task'] as const;
const METADATA_SKIPPED =
  'the old object’s own bookkeeping (kubectl, the old controller); add back any you need';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A task key from an object name: task keys take letters, digits, `_` and `-`. */
function taskKeyOf(name: string): string {
  return name.replace(/[^\w-]/g, '-').slice(0, 100);
}

/** The old NewCluster as a Clusters API spec: only `custom_tags` changed shape (a list of pairs then). */
function clusterSpec(old: Json, log: FieldLog, at: string, target: string): Json {
  const spec: Json = {};
  for (const [field, value] of Object.entries(old)) {
    if (value === undefined || value === null) continue;
    if (field === 'custom_tags') {
      spec.custom_tags = Object.fromEntries(
        (value as { key: string; value: string }[]).map((tag) => [tag.key, String(tag.value ?? '')]),
      );
      log.mapped(`${at}.custom_tags`, `${target}.custom_tags`, 'a list of {key, value} then, a map now');
    } else {
      spec[field] = value;
    }
  }
  return spec;
}

/** The single task of an old Djob or direct Run, as a task of the new job (or run). */
function singleTask(object: OldObject, log: FieldLog, target: string): { task: TaskModel; payload: Json } {
  const spec = object.spec;
  const types = TASK_TYPES.filter((field) => spec[field] !== undefined);
  if (types.length !== 1) {
    throw new CommandError(
      `${object.file}: ${describeOld(object)}: ${types.length === 0 ? 'has no task: set one of' : `sets ${types.join(' and ')}; keep one of`} ${TASK_TYPES.join(', ')}`,
    );
  }
  const field = types[0]!;
  const key = taskKeyOf(object.name);
  const where = `${target}.tasks[${key}]`;
  const payload: Json = { task_key: key, [field]: spec[field] };
  log.mapped(`spec.${field}`, `${where}.${field}`);
  const settings: Json = {};
  let runOn: TaskModel['runOn'];
  if (spec.existing_cluster_name !== undefined) {
    const name = String(spec.existing_cluster_name);
    runOn = { cluster: { kind: 'DatabricksCluster', name } };
    payload.existing_cluster_ref = { name };
    log.mapped(
      'spec.existing_cluster_name',
      `${where}.existing_cluster_ref.name`,
      'names the DatabricksCluster migrated from that Dcluster; the controller fills in its cluster ID',
    );
    if (spec.existing_cluster_id !== undefined) {
      log.notCarried(
        'spec.existing_cluster_id',
        'existing_cluster_name decided the cluster (the old controller preferred it too)',
      );
    }
  } else if (spec.existing_cluster_id !== undefined) {
    settings.existing_cluster_id = spec.existing_cluster_id;
    payload.existing_cluster_id = spec.existing_cluster_id;
    log.mapped('spec.existing_cluster_id', `${where}.existing_cluster_id`);
  }
  if (isObject(spec.new_cluster)) {
    const cluster = clusterSpec(spec.new_cluster, log, 'spec.new_cluster', `${where}.new_cluster`);
    if (runOn !== undefined || settings.existing_cluster_id !== undefined) {
      log.notCarried(
        'spec.new_cluster',
        'the task runs on the existing cluster named beside it (a task has one compute)',
      );
    } else {
      settings.new_cluster = cluster;
      payload.new_cluster = cluster;
      log.mapped('spec.new_cluster', `${where}.new_cluster`);
    }
  }
  for (const field of ['max_retries', 'min_retry_interval_millis', 'retry_on_timeout', 'timeout_seconds']) {
    if (spec[field] === undefined) continue;
    if (field !== 'max_retries') settings[field] = spec[field];
    payload[field] = spec[field];
    log.mapped(
      `spec.${field}`,
      `${where}.${field}`,
      field === 'timeout_seconds' ? 'a single-task job’s timeout was its one task’s' : undefined,
    );
  }
  if (Array.isArray(spec.libraries)) {
    payload.libraries = spec.libraries;
    log.mapped('spec.libraries', `${where}.libraries`);
  }
  const type: TaskTypeModel = { field: field as TaskTypeField, payload: spec[field] as Json };
  return {
    task: {
      key,
      type,
      ...(runOn ? { runOn } : {}),
      dependsOn: [],
      ...(spec.max_retries !== undefined ? { maxRetries: Number(spec.max_retries) } : {}),
      ...(Array.isArray(spec.libraries) ? { libraries: spec.libraries as TaskModel['libraries'] } : {}),
      settings,
    },
    payload,
  };
}

function jobIdOf(object: OldObject): number | undefined {
  const id = (object.status.job_status as Json | undefined)?.job_id;
  return typeof id === 'number' && id > 0
    ? id
    : typeof id === 'string' && /^[1-9]\d*$/.test(id)
      ? Number(id)
      : undefined;
}

function migrateDjob(object: OldObject, id: string): { model: JobModel; report: ObjectReport } {
  const log = new FieldLog(object);
  const spec = object.spec;
  const { task } = singleTask(object, log, 'spec.settings');
  if (spec.name !== undefined) {
    log.notCarried(
      'spec.name',
      `the old controller replaced it with metadata.name; the job is named ${JSON.stringify(object.name)} (spec.settings.name), as in Databricks`,
    );
  }
  const settings: Json = {};
  for (const field of ['email_notifications', 'schedule']) {
    if (spec[field] !== undefined) {
      settings[field] = spec[field];
      log.mapped(`spec.${field}`, `spec.settings.${field}`);
    }
  }
  if (spec.max_concurrent_runs !== undefined)
    log.mapped('spec.max_concurrent_runs', 'spec.settings.max_concurrent_runs');
  const jobId = jobIdOf(object);
  noteStatus(log, object, jobId === undefined ? undefined : 'status.job_status.job_id', 'spec.jobId');
  const model: JobModel = {
    kind: 'DatabricksJob',
    id,
    name: object.name,
    ...(object.labels ? { labels: object.labels } : {}),
    ...(jobId !== undefined ? { jobId } : {}),
    jobName: object.name,
    ...(spec.max_concurrent_runs !== undefined
      ? { maxConcurrentRuns: Number(spec.max_concurrent_runs) }
      : {}),
    settings,
    jobClusters: [],
    tasks: [task],
    notes: [
      `From ${object.file}: ${describeOld(object)}${jobId !== undefined ? `, adopting job ${jobId} (spec.jobId)` : ''}.`,
    ],
  };
  return {
    model,
    report: log.report(
      `DatabricksJob ${qualified(object)}${jobId !== undefined ? `, adopting job ${jobId}` : ', a new job'}`,
    ),
  };
}

function migrateRun(object: OldObject, id: string): { model?: RunModel; report: ObjectReport } {
  const log = new FieldLog(object);
  const spec = object.spec;
  const metadata = object.status.metadata as Json | undefined;
  const runId = metadata?.run_id;
  const started = (typeof metadata?.job_id === 'number' && metadata.job_id > 0) || runId !== undefined;
  if (started) {
    for (const field of Object.keys(spec)) {
      log.notCarried(`spec.${field}`, 'the run is left out');
    }
    log.notCarried('status', 'the run is left out');
    return {
      report: log.report(
        `left out: the old controller started it already${runId !== undefined ? ` (run ${String(runId)})` : ''}; a DatabricksRun starts a run when it is created and has no field to adopt one, so migrating it would run it again. The run stays in Databricks' history`,
      ),
    };
  }
  if (spec.run_name !== undefined) {
    log.notCarried(
      'spec.run_name',
      `the old controller replaced it with metadata.name; the run is named ${JSON.stringify(object.name)}`,
    );
  }
  let model: RunModel;
  if (spec.job_name !== undefined) {
    const runNow: Json = {};
    for (const field of ['jar_params', 'notebook_params', 'python_params', 'spark_submit_params']) {
      if (spec[field] === undefined) continue;
      runNow[field] = spec[field];
      log.mapped(`spec.${field}`, `spec.runNow.${field}`);
    }
    log.mapped('spec.job_name', 'spec.jobRef.name', 'names the DatabricksJob migrated from that Djob');
    for (const field of [
      ...TASK_TYPES,
      'existing_cluster_id',
      'existing_cluster_name',
      'new_cluster',
      'libraries',
      'timeout_seconds',
    ]) {
      if (spec[field] !== undefined)
        log.notCarried(
          `spec.${field}`,
          'a run of a job runs the job’s own task; the old controller ignored it too',
        );
    }
    model = {
      kind: 'DatabricksRun',
      id,
      name: object.name,
      ...(object.labels ? { labels: object.labels } : {}),
      job: { kind: 'DatabricksJob', name: String(spec.job_name) },
      ...(Object.keys(runNow).length > 0 ? { runNow } : {}),
      notes: [
        `From ${object.file}: ${describeOld(object)}: a run of job ${String(spec.job_name)}, started when applied.`,
      ],
    };
  } else {
    for (const field of ['jar_params', 'notebook_params', 'python_params', 'spark_submit_params']) {
      if (spec[field] !== undefined)
        log.notCarried(
          `spec.${field}`,
          'parameters of a run of a job, and this run has no job_name; the old controller ignored them too',
        );
    }
    const { payload } = singleTask(object, log, 'spec.submit');
    const submit: Json = { run_name: object.name, tasks: [payload] };
    model = {
      kind: 'DatabricksRun',
      id,
      name: object.name,
      ...(object.labels ? { labels: object.labels } : {}),
      submit: submit as RunModel['submit'],
      notes: [`From ${object.file}: ${describeOld(object)}: a one-time run, started when applied.`],
    };
  }
  noteStatus(log, object, undefined, '');
  return { model, report: log.report(`DatabricksRun ${qualified(object)}, started when applied`) };
}

function migrateDcluster(object: OldObject, id: string): { model: ClusterModel; report: ObjectReport } {
  const log = new FieldLog(object);
  if (typeof object.spec.spark_version !== 'string') {
    throw new CommandError(
      `${object.file}: ${describeOld(object)}: spec.spark_version is missing; the Clusters API requires it, so add the runtime the cluster uses (e.g. 15.4.x-scala2.12)`,
    );
  }
  const settings = clusterSpec(object.spec, log, 'spec', 'spec.settings');
  if (object.spec.cluster_name !== undefined) {
    log.notCarried(
      'spec.cluster_name',
      `the old controller replaced it with metadata.name; spec.settings.cluster_name is ${JSON.stringify(object.name)}, as in Databricks`,
    );
  }
  settings.cluster_name = object.name;
  for (const field of Object.keys(object.spec)) {
    if (field !== 'custom_tags' && field !== 'cluster_name')
      log.mapped(`spec.${field}`, `spec.settings.${field}`);
  }
  const info = object.status.cluster_info as Json | undefined;
  const clusterId =
    typeof info?.cluster_id === 'string' && info.cluster_id !== '' ? info.cluster_id : undefined;
  const terminated = info?.state === 'TERMINATED';
  noteStatus(
    log,
    object,
    clusterId === undefined ? undefined : 'status.cluster_info.cluster_id',
    'spec.clusterId',
  );
  const notes = [
    `From ${object.file}: ${describeOld(object)}${clusterId ? `, adopting cluster ${clusterId} (spec.clusterId)` : ''}.`,
  ];
  if (terminated)
    notes.push(
      'It was terminated: state Terminated keeps it so (the old controller never started a cluster); say Running to have it started.',
    );
  return {
    model: {
      kind: 'DatabricksCluster',
      id,
      name: object.name,
      ...(object.labels ? { labels: object.labels } : {}),
      settings: settings as ClusterModel['settings'],
      ...(clusterId ? { clusterId } : {}),
      ...(terminated ? { state: 'Terminated' as const } : {}),
      notes,
    },
    report: log.report(
      `DatabricksCluster ${qualified(object)}${clusterId ? `, adopting cluster ${clusterId}` : ', a new cluster'}`,
    ),
  };
}

function migrateSecretScope(
  object: OldObject,
  id: string,
): { model: SecretScopeModel; report: ObjectReport } {
  const log = new FieldLog(object);
  const spec = object.spec;
  const secrets: SecretScopeModel['secrets'][number][] = [];
  if (spec.secrets !== undefined) log.mapped('spec.secrets', 'spec.secrets', 'entry by entry, below');
  ((spec.secrets as Json[] | undefined) ?? []).forEach((secret, index) => {
    const at = `spec.secrets[${index}]`;
    const key = String(secret.key ?? '');
    const from = (secret.value_from as Json | undefined)?.secret_key_ref as Json | undefined;
    if (typeof secret.string_value === 'string' && secret.string_value !== '') {
      secrets.push({ key, value: secret.string_value });
      log.mapped(
        `${at}.string_value`,
        `spec.secrets[${index}].value`,
        'inline as before; better in a Kubernetes Secret, with valueFrom',
      );
    } else if (typeof secret.byte_value === 'string' && secret.byte_value !== '') {
      const bytes = Buffer.from(secret.byte_value, 'base64');
      const text = bytes.toString('utf8');
      if (!Buffer.from(text, 'utf8').equals(bytes)) {
        throw new CommandError(
          `${object.file}: ${describeOld(object)}: ${at}.byte_value is not UTF-8 text, and a DatabricksSecretScope value is text; put the value in a Kubernetes Secret and use value_from`,
        );
      }
      secrets.push({ key, value: text });
      log.mapped(
        `${at}.byte_value`,
        `spec.secrets[${index}].value`,
        'decoded from base64; inline as before, better in a Kubernetes Secret',
      );
    } else if (from) {
      secrets.push({ key, valueFrom: { secretKeyRef: { name: String(from.name), key: String(from.key) } } });
      log.mapped(`${at}.value_from.secret_key_ref`, `spec.secrets[${index}].valueFrom.secretKeyRef`);
    } else {
      throw new CommandError(
        `${object.file}: ${describeOld(object)}: ${at} (key ${key}) has no string_value, byte_value or value_from; give it one`,
      );
    }
    log.mapped(`${at}.key`, `spec.secrets[${index}].key`);
  });
  const acls = ((spec.acls as Json[] | undefined) ?? []).map((acl) => {
    const principal = String(acl.principal);
    const permission = String(acl.permission);
    if (!isSecretScopePermission(permission)) {
      throw new CommandError(
        `${object.file}: ${describeOld(object)}: spec.acls: permission ${permission} of ${principal} is not READ, WRITE or MANAGE (the old controller failed on it too); fix it`,
      );
    }
    return { principal, permission };
  });
  if (spec.acls !== undefined)
    log.mapped(
      'spec.acls',
      'spec.acls',
      'now the complete list: ACLs not listed are removed, the controller’s own kept',
    );
  const manager = spec.initial_manage_permission;
  if (typeof manager === 'string' && manager !== '') {
    if (!acls.some((acl) => acl.principal === manager))
      acls.push({ principal: manager, permission: 'MANAGE' });
    log.mapped(
      'spec.initial_manage_permission',
      `spec.acls (${manager} MANAGE)`,
      'what it granted at creation, kept by the ACL list',
    );
  }
  for (const [field, why] of Object.entries({
    initial_manage_principal:
      'not a field of SecretScope (the type read initial_manage_permission), so it had no effect; give the principal an acls entry if it should manage the scope',
  })) {
    if (spec[field] !== undefined) log.notCarried(`spec.${field}`, why);
  }
  const exists = isObject(object.status.secretscope);
  noteStatus(log, object, exists ? 'status.secretscope.name' : undefined, 'spec.adopt');
  return {
    model: {
      kind: 'DatabricksSecretScope',
      id,
      name: object.name,
      ...(object.labels ? { labels: object.labels } : {}),
      scopeName: object.name,
      ...(exists ? { adopt: true } : {}),
      secrets,
      ...(acls.length > 0 ? { acls } : {}),
      notes: [
        `From ${object.file}: ${describeOld(object)}${exists ? `, adopting scope ${object.name} (spec.adopt)` : ''}.`,
      ],
    },
    report: log.report(
      `DatabricksSecretScope ${qualified(object)}${exists ? `, adopting scope ${object.name}` : ', a new scope'}`,
    ),
  };
}

function base64Content(object: OldObject, field: string): Buffer {
  const text = object.spec[field];
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(text)) {
    throw new CommandError(
      `${object.file}: ${describeOld(object)}: spec.${field} is ${text === undefined ? 'missing' : 'not base64'}; give the content base64-encoded, as the old operator took it`,
    );
  }
  return Buffer.from(text, 'base64');
}

function migrateDbfsBlock(object: OldObject, id: string): { model: DbfsFileModel; report: ObjectReport } {
  const log = new FieldLog(object);
  const path = object.spec.path;
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new CommandError(
      `${object.file}: ${describeOld(object)}: spec.path ${path === undefined ? 'is missing' : 'is not an absolute DBFS path'}; give one such as /FileStore/etl/config.json`,
    );
  }
  const bytes = base64Content(object, 'data');
  log.mapped('spec.path', 'spec.path');
  log.mapped(
    'spec.data',
    'spec.contents',
    'base64 as before; above 32 KiB the construct puts it in a ConfigMap',
  );
  const exists = isObject(object.status.file_info) && typeof object.status.file_info.path === 'string';
  noteStatus(
    log,
    object,
    exists ? 'status.file_info.path' : undefined,
    'the file at spec.path (taken over when its content is the same, else overwritten as before)',
  );
  return {
    model: {
      kind: 'DatabricksDbfsFile',
      id,
      name: object.name,
      ...(object.labels ? { labels: object.labels } : {}),
      path,
      content: { bytes, localPath: `dbfs${path}` },
      notes: [`From ${object.file}: ${describeOld(object)}.`],
    },
    report: log.report(`DatabricksDbfsFile ${qualified(object)}${exists ? `, taking over ${path}` : ''}`),
  };
}

const NOTEBOOK_FILES: Record<string, string> = {
  PYTHON: '.py',
  SCALA: '.scala',
  SQL: '.sql',
  R: '.r',
  JUPYTER: '.ipynb',
  DBC: '.dbc',
  HTML: '.html',
};

function migrateWorkspaceItem(object: OldObject, id: string): { model: NotebookModel; report: ObjectReport } {
  const log = new FieldLog(object);
  const { path, language } = object.spec;
  const format = (object.spec.format as string | undefined) ?? 'SOURCE';
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new CommandError(
      `${object.file}: ${describeOld(object)}: spec.path ${path === undefined ? 'is missing' : 'is not an absolute workspace path'}; give one such as /Shared/etl/ingest`,
    );
  }
  if (!['SOURCE', 'HTML', 'JUPYTER', 'DBC'].includes(format)) {
    throw new CommandError(
      `${object.file}: ${describeOld(object)}: spec.format ${format} is not SOURCE, HTML, JUPYTER or DBC; fix it`,
    );
  }
  if (language !== undefined && !['PYTHON', 'SCALA', 'SQL', 'R'].includes(String(language))) {
    throw new CommandError(
      `${object.file}: ${describeOld(object)}: spec.language ${String(language)} is not PYTHON, SCALA, SQL or R; fix it`,
    );
  }
  if (format === 'SOURCE' && language === undefined) {
    throw new CommandError(
      `${object.file}: ${describeOld(object)}: spec.language is missing, and SOURCE content needs one (PYTHON, SCALA, SQL or R); add it`,
    );
  }
  const bytes = base64Content(object, 'content');
  log.mapped('spec.path', 'spec.path');
  log.mapped(
    'spec.content',
    'spec.content',
    'base64 as before; above 32 KiB the construct puts it in a ConfigMap',
  );
  if (language !== undefined) {
    if (format === 'DBC')
      log.notCarried(
        'spec.language',
        'a DBC archive carries its own languages, and the API refuses one beside it',
      );
    else log.mapped('spec.language', 'spec.language');
  }
  if (object.spec.format !== undefined) log.mapped('spec.format', 'spec.format');
  if (object.spec.overwrite !== undefined) {
    log.notCarried(
      'spec.overwrite',
      'not a field of WorkspaceItem; the old controller always overwrote, and overwrite: true keeps that',
    );
  }
  const exists = isObject(object.status.object_info) && typeof object.status.object_info.path === 'string';
  noteStatus(
    log,
    object,
    exists ? 'status.object_info.path' : undefined,
    'the notebook at spec.path (taken over when its content is the same, else overwritten as before)',
  );
  const extension = NOTEBOOK_FILES[format === 'SOURCE' ? String(language) : format] ?? '';
  return {
    model: {
      kind: 'DatabricksNotebook',
      id,
      name: object.name,
      ...(object.labels ? { labels: object.labels } : {}),
      path,
      ...(language !== undefined && format !== 'DBC'
        ? { language: language as NotebookModel['language'] }
        : {}),
      format: format as NotebookModel['format'],
      content: { bytes, localPath: `notebooks${path}${extension}` },
      overwrite: true,
      notes: [
        `From ${object.file}: ${describeOld(object)}; overwrite: true, as the old operator always replaced what was at the path.`,
      ],
    },
    report: log.report(`DatabricksNotebook ${qualified(object)}${exists ? `, taking over ${path}` : ''}`),
  };
}

function qualified(object: OldObject): string {
  return `${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

/** Logs the old status: the ID that makes the object adopted, and the rest as not carried. */
function noteStatus(log: FieldLog, object: OldObject, idField: string | undefined, target: string): void {
  if (idField !== undefined)
    log.mapped(idField, target, 'it exists in Databricks: adopted, not created again');
  if (Object.keys(object.status).length > 0) {
    log.notCarried(
      'status',
      `${idField ? 'the rest is ' : ''}what the old controller observed; the new one writes its own status`,
    );
  }
  if (object.annotations && Object.keys(object.annotations).length > 0) {
    log.notCarried('metadata.annotations', METADATA_SKIPPED);
  }
  if (object.labels) log.mapped('metadata.labels', 'metadata.labels');
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

const MIGRATE: Record<
  OldObject['kind'],
  (object: OldObject, id: string) => { model?: ObjectModel; report: ObjectReport }
> = {
  Djob: migrateDjob,
  Run: migrateRun,
  Dcluster: migrateDcluster,
  SecretScope: migrateSecretScope,
  DbfsBlock: migrateDbfsBlock,
  WorkspaceItem: migrateWorkspaceItem,
};

/** Kinds in the order a chart declares them: what others refer to first. */
const ORDER: readonly OldObject['kind'][] = [
  'Dcluster',
  'SecretScope',
  'DbfsBlock',
  'WorkspaceItem',
  'Djob',
  'Run',
];
const ID_SUFFIX: Record<OldObject['kind'], string> = {
  Dcluster: 'cluster',
  SecretScope: 'scope',
  DbfsBlock: 'file',
  WorkspaceItem: 'notebook',
  Djob: 'job',
  Run: 'run',
};

/** Maps `objects` (read from old manifests) to an app and its report. */
export function migratedApp(objects: readonly OldObject[], options: MigrationOptions = {}): Migration {
  if (objects.length === 0) throw new CommandError('no azure-databricks-operator objects in the files given');
  const seen = new Set<string>();
  for (const object of objects) {
    const key = `${object.kind}/${object.namespace ?? ''}/${object.name}`;
    if (seen.has(key))
      throw new CommandError(`${object.file}: ${describeOld(object)} is given twice; give each object once`);
    seen.add(key);
  }
  const namespaces = [...new Set(objects.map((object) => object.namespace ?? ''))].sort();
  const host = options.host ?? PLACEHOLDER_HOST;
  const reports: ObjectReport[] = [];
  const charts: ChartModel[] = namespaces.map((namespace) => {
    const ids = new UniqueNames();
    const inNamespace = objects
      .filter((object) => (object.namespace ?? '') === namespace)
      .sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
    const workspaceId = ids.claim('databricks', ['databricks-workspace']);
    const workspace: WorkspaceModel = {
      kind: 'DatabricksWorkspace',
      id: workspaceId,
      name: workspaceId,
      host,
      auth: { token: { name: OLD_SETTINGS_SECRET, key: OLD_TOKEN_KEY } },
      notes: [
        `The old operator's one workspace. Its token is read from Secret ${OLD_SETTINGS_SECRET} (key ${OLD_TOKEN_KEY}), which the old operator kept in its own namespace (${OLD_OPERATOR_NAMESPACE} by default): copy it into ${namespace || 'the namespace these objects go to'}.` +
          (options.host === undefined
            ? ` Set host to the workspace URL (key ${OLD_HOST_KEY} of that Secret), or run migrate with --host.`
            : ''),
      ],
    };
    const models: ObjectModel[] = [];
    for (const object of inNamespace) {
      const base =
        kubernetesName(object.name) === object.name
          ? object.name
          : kubernetesName(object.name) || ID_SUFFIX[object.kind];
      const id = ids.claim(base, [`${base}-${ID_SUFFIX[object.kind]}`]);
      const { model, report } = MIGRATE[object.kind](object, id);
      if (model) models.push(model);
      reports.push(report);
    }
    return {
      className:
        namespaces.length === 1
          ? 'MigratedFromAzureDatabricksOperator'
          : `Migrated${pascal(namespace) || 'Default'}`,
      description: `The azure-databricks-operator objects${namespace ? ` of namespace ${namespace}` : ''}, migrated by \`cdk8s-databricks migrate\`: objects that exist in Databricks are adopted, not created again.`,
      ...(namespace ? { namespace } : {}),
      workspace,
      objects: models,
    };
  });
  const notes = referenceNotes(charts);
  if (options.host === undefined) {
    notes.push(
      `The workspace host is a placeholder (${PLACEHOLDER_HOST}): set it to the URL in key ${OLD_HOST_KEY} of Secret ${OLD_SETTINGS_SECRET}, or run migrate with --host.`,
    );
  }
  notes.push(
    `Copy Secret ${OLD_SETTINGS_SECRET} (key ${OLD_TOKEN_KEY}) from ${OLD_OPERATOR_NAMESPACE} into ${namespaces.filter((n) => n !== '').join(', ') || 'the namespace the objects go to'} before applying, and stop the old operator first: two controllers must not manage one object.`,
  );
  const migrated = charts.reduce((count, chart) => count + chart.objects.length, 0);
  return {
    app: {
      origin: `Generated by \`cdk8s-databricks migrate\` from ${objects.length} azure-databricks-operator object${objects.length === 1 ? '' : 's'}: ${migrated} migrated, ${objects.length - migrated} left out (see the report).`,
      charts,
    },
    reports,
    notes,
  };
}

/** Notes on references to objects that are not among the migrated ones. */
function referenceNotes(charts: readonly ChartModel[]): string[] {
  const notes: string[] = [];
  for (const chart of charts) {
    const has = (kind: string, name: string) => chart.objects.some((o) => o.kind === kind && o.name === name);
    for (const object of chart.objects) {
      const targets =
        object.kind === 'DatabricksJob'
          ? object.tasks.flatMap((task) =>
              task.runOn && 'cluster' in task.runOn ? [task.runOn.cluster] : [],
            )
          : object.kind === 'DatabricksRun'
            ? [
                ...(object.job ? [object.job] : []),
                ...((object.submit?.tasks ?? []) as Json[]).flatMap((task) =>
                  isObject(task.existing_cluster_ref)
                    ? [{ kind: 'DatabricksCluster', name: String(task.existing_cluster_ref.name) }]
                    : [],
                ),
              ]
            : [];
      for (const target of targets) {
        if (!has(target.kind, target.name)) {
          notes.push(
            `${object.kind} ${chart.namespace ? `${chart.namespace}/` : ''}${object.name} refers to ${target.kind} ${target.name}, which is not among the objects migrated: migrate it too, or the controller waits for it (WaitingForDependency).`,
          );
        }
      }
    }
  }
  return notes;
}
