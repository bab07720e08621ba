/**
 * What the controller would do to a workspace for each object of synthesized manifests, found with read
 * calls only and the controller's own rules: the drift rules and settings diff of controller/drift, the
 * ownership marker, the task references, the default scope name, the notebook source comparison.
 *
 * Plan reads no Kubernetes cluster, so it knows no UID and no status. An object's Databricks object is the
 * one its spec names (`spec.jobId`, `spec.clusterId`, a scope name, a path) or the one whose marker names
 * its `namespace/name`; a marker naming another object means the controller refuses it. A secret scope
 * has no marker: one that exists is planned as the object's own (with `spec.adopt`, as adopted).
 *
 * Reads: one `jobs/list` walk (100 jobs a page, tasks included) when there are jobs, one `clusters/list`
 * walk when there are clusters, one `secrets/scopes/list` when there are scopes; then per scope its keys
 * (and ACLs when the spec has some), per notebook and DBFS file its status and, when it exists, its content.
 */
import { createHash } from 'node:crypto';
import {
  formatId,
  type ClusterDetails,
  type ClusterSpec,
  type Job,
  type JobSettings,
  type ObjectInfo,
} from '../../controller/databricks/index.js';
import { clusterDriftRules, jobDriftRules } from '../../controller/drift/drift-rules.js';
import { sameNotebookSource, type NotebookLanguage } from '../../controller/drift/notebook-source.js';
import { SettingsDiff, type SettableFieldsSchema } from '../../controller/drift/settings-diff.js';
import {
  clusterSpecSites,
  jobClusterSites,
  replaceReferencesAt,
  taskSites,
  type ReferencedKind,
  type TaskReference,
} from '../../controller/drift/task-references.js';
import {
  AllPurposeClusterSettings,
  JobSettings as JobSettingsSchema,
  defaultScopeName,
} from '../../lib/crds/index.js';
import type { WorkspaceReads } from '../import/workspace-reader.js';
import { dbfsPath, workspacePath } from '../../controller/drift/object-paths.js';
import { OWNER_TAG, OWNER_UID_TAG, withoutOwnerTags } from '../../controller/drift/ownership-marker.js';
import { planManagedKinds } from './managed-kinds.js';
import {
  KNOWN_AFTER_APPLY,
  keyOf,
  ownerOf,
  unlessMissing,
  type PlanAction,
  type PlannedChange,
  type Tags,
} from './plan-types.js';
import { isKind, type KeyValues, type PlannedObject, type PlannedObjects } from './planned-objects.js';

export { KNOWN_AFTER_APPLY, type PlanAction, type PlannedChange } from './plan-types.js';

/** The whole plan. */
export interface Plan {
  readonly host: string;
  readonly changes: readonly PlannedChange[];
  /** How many of each action. */
  readonly summary: Readonly<Record<PlanAction, number>>;
}

const jobDiff = new SettingsDiff(JobSettingsSchema as SettableFieldsSchema, jobDriftRules);
const clusterDiff = new SettingsDiff(AllPurposeClusterSettings as SettableFieldsSchema, clusterDriftRules);

type Json = Record<string, unknown>;

function clusterTags(cluster: ClusterDetails): Tags {
  return cluster.spec?.custom_tags ?? cluster.custom_tags;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Content a spec names, from the manifests; undefined when they do not hold it (with why). */
type ContentFrom = { bytes: Buffer } | { unknown: string };

function contentOf(
  inline: string | undefined,
  from:
    | { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string } }
    | undefined,
  field: string,
  object: PlannedObject,
  manifests: PlannedObjects,
): ContentFrom {
  if (inline !== undefined) return { bytes: Buffer.from(inline, 'base64') };
  const [source, ref] = from?.configMapKeyRef
    ? ['ConfigMap', from.configMapKeyRef]
    : from?.secretKeyRef
      ? ['Secret', from.secretKeyRef]
      : [undefined, undefined];
  if (source === undefined || ref === undefined) return { unknown: `${field} is not set` };
  const holder = (source === 'ConfigMap' ? manifests.configMaps : manifests.secrets).get(
    `${object.namespace}/${ref.name}`,
  );
  const bytes = holder?.data.get(ref.key);
  if (bytes === undefined) {
    return {
      unknown: `${field}: ${source} ${object.namespace}/${ref.name}${holder ? ` has no key ${ref.key}` : ' is not in these files'}, so the content was not compared`,
    };
  }
  return { bytes };
}

/** The workspace's jobs and clusters, read once, by ID and by the object their marker names. */
class Listings {
  private jobs?: Promise<Job[]>;
  private clusters?: Promise<ClusterDetails[]>;

  constructor(private readonly reads: WorkspaceReads) {}

  listJobs(): Promise<Job[]> {
    this.jobs ??= (async () => {
      const jobs: Job[] = [];
      for await (const job of this.reads.jobs.list({ expand_tasks: true })) jobs.push(job);
      return jobs;
    })();
    return this.jobs;
  }

  listClusters(): Promise<ClusterDetails[]> {
    this.clusters ??= (async () => {
      const clusters: ClusterDetails[] = [];
      for await (const cluster of this.reads.clusters.list({ page_size: 100 })) clusters.push(cluster);
      return clusters;
    })();
    return this.clusters;
  }
}

/** Where an object's Databricks object is, before its settings are compared. */
type Located<T> =
  | { readonly found: T; readonly owner: 'ours' | 'unmarked' }
  | { readonly refused: string; readonly target: string; readonly found?: undefined }
  | { readonly found?: undefined };

function locate<T>(
  object: PlannedObject,
  byId: { field: string; id: string | undefined; noun: string; find: (id: string) => T | undefined },
  listed: readonly T[],
  tagsOf: (found: T) => Tags,
  refuseFor?: (found: T) => string | undefined,
): Located<T> {
  if (byId.id !== undefined) {
    const found = byId.find(byId.id);
    const target = `${byId.noun} ${byId.id}`;
    if (!found) {
      return {
        refused: `${byId.field}: ${target} does not exist in the workspace; point ${byId.field} at an existing ${byId.noun}, or remove it to create one`,
        target,
      };
    }
    const owner = ownerOf(tagsOf(found), object);
    if (typeof owner === 'object') {
      return {
        refused: `${byId.field}: ${target} belongs to ${object.kind} ${owner.other} (its ${OWNER_TAG} tag); the controller takes it only once that object is gone`,
        target,
      };
    }
    const elsewhere = refuseFor?.(found);
    if (elsewhere !== undefined) return { refused: `${byId.field}: ${target} ${elsewhere}`, target };
    return { found, owner };
  }
  const marked = listed.find((candidate) => tagsOf(candidate)?.[OWNER_TAG] === keyOf(object));
  return marked ? { found: marked, owner: 'ours' } : {};
}

/**
 * What the controller does with an object under `managementPolicy: Observe`: nothing, whatever differs;
 * the differences are told in the note, as status would tell them.
 */
function observed(
  object: PlannedObject,
  change: Omit<PlannedChange, 'kind' | 'namespace' | 'name'>,
): Omit<PlannedChange, 'kind' | 'namespace' | 'name'> {
  if ((object.spec as { managementPolicy?: unknown }).managementPolicy !== 'Observe') return change;
  const seen =
    change.action === 'create' || change.action === 'refuse'
      ? `nothing to observe yet (${change.note ?? 'it does not exist'})`
      : change.changes.length > 0
        ? `differs in ${change.changes.join(', ')}`
        : 'matches the spec';
  return {
    action: 'none',
    ...(change.target === undefined ? {} : { target: change.target }),
    changes: [],
    note: `managementPolicy Observe: read only; ${seen}`,
  };
}

/** Plans `manifests` against the workspace `reads` reads. */
export async function planWorkspace(reads: WorkspaceReads, manifests: PlannedObjects): Promise<Plan> {
  const listings = new Listings(reads);
  const objects = manifests.objects;
  const changes: PlannedChange[] = [];
  const add = (object: PlannedObject, change: Omit<PlannedChange, 'kind' | 'namespace' | 'name'>) =>
    changes.push({
      kind: object.kind,
      namespace: object.namespace,
      name: object.name,
      ...observed(object, change),
    });

  // The kinds referenced from cluster specs and tasks are planned first, then clusters and jobs are
  // located: references resolve to what was found (or to known after apply).
  const managed = await planManagedKinds(reads, objects);
  for (const { object, planned } of managed.plans) add(object, planned);

  const clusterIds = new Map<string, string>();
  const clusters: [PlannedObject<'DatabricksCluster'>, Located<ClusterDetails>][] = [];
  const listedClusters = objects.some((o) => o.kind === 'DatabricksCluster')
    ? await listings.listClusters()
    : [];
  for (const object of objects) {
    if (!isKind(object, 'DatabricksCluster')) continue;
    const id = object.spec.clusterId;
    // A cluster terminated over 30 days ago is not listed: read it on its own.
    const unlisted =
      id !== undefined && !listedClusters.some((cluster) => cluster.cluster_id === id)
        ? await unlessMissing(reads.clusters.get(id))
        : undefined;
    const located = locate(
      object,
      {
        field: 'spec.clusterId',
        id,
        noun: 'cluster',
        find: (wanted) => unlisted ?? listedClusters.find((cluster) => cluster.cluster_id === wanted),
      },
      listedClusters,
      clusterTags,
    );
    clusters.push([object, located]);
    clusterIds.set(keyOf(object), located.found ? located.found.cluster_id : KNOWN_AFTER_APPLY);
  }

  const jobIds = new Map<string, string>();
  const jobs: [PlannedObject<'DatabricksJob'>, Located<Job>][] = [];
  const listedJobs = objects.some((o) => o.kind === 'DatabricksJob') ? await listings.listJobs() : [];
  const jobsById = new Map(listedJobs.map((job) => [formatId(job.job_id), job]));
  for (const object of objects) {
    if (!isKind(object, 'DatabricksJob')) continue;
    const id = object.spec.jobId === undefined ? undefined : formatId(object.spec.jobId);
    const located = locate(
      object,
      { field: 'spec.jobId', id, noun: 'job', find: (wanted) => jobsById.get(wanted) },
      listedJobs,
      (job) => job.settings?.tags,
      (job) => {
        const deployment = job.settings?.['deployment'] as
          { kind?: string; metadata_file_path?: string } | undefined;
        return deployment?.kind === 'BUNDLE'
          ? `is deployed by a Databricks Asset Bundle (${deployment.metadata_file_path ?? 'no metadata path'}); remove it from the bundle first`
          : undefined;
      },
    );
    jobs.push([object, located]);
    jobIds.set(keyOf(object), located.found ? formatId(located.found.job_id) : KNOWN_AFTER_APPLY);
  }

  const notebookPaths = new Map(
    objects
      .filter((o) => isKind(o, 'DatabricksNotebook'))
      .map((o) => [keyOf(o), workspacePath((o as PlannedObject<'DatabricksNotebook'>).spec.path)]),
  );
  const tables = new Map<ReferencedKind, ReadonlyMap<string, string>>([
    ...managed.references,
    ['DatabricksCluster', clusterIds],
    ['DatabricksJob', jobIds],
    ['DatabricksNotebook', notebookPaths],
  ]);
  const resolverFor =
    (object: PlannedObject, missing: string[]) =>
    (reference: TaskReference): unknown => {
      const key = `${object.namespace}/${reference.name}`;
      const value = tables.get(reference.reference.kind)?.get(key);
      if (value === undefined) {
        missing.push(`${reference.field}: ${reference.reference.kind} ${key} is not in these files`);
        return `(${reference.reference.kind} ${key})`;
      }
      // Job IDs are numbers in job settings.
      return reference.reference.kind === 'DatabricksJob' && value !== KNOWN_AFTER_APPLY
        ? Number(value)
        : value;
    };

  for (const [object, located] of clusters) {
    const missing: string[] = [];
    add(
      object,
      planCluster(object, located, desiredClusterSettings(object, resolverFor(object, missing)), missing),
    );
  }
  for (const [object, located] of jobs) {
    const missing: string[] = [];
    const settings = desiredJobSettings(object, resolverFor(object, missing));
    // The listing holds at most 100 tasks of a job; the rest needs the job itself.
    const whole =
      'owner' in located && located.found.has_more
        ? { ...located, found: await reads.jobs.get(located.found.job_id) }
        : located;
    add(object, planJob(whole, settings, missing));
  }

  for (const object of objects) {
    if (isKind(object, 'DatabricksSecretScope')) add(object, await planScope(object, reads, manifests));
    else if (isKind(object, 'DatabricksNotebook')) add(object, await planNotebook(object, reads, manifests));
    else if (isKind(object, 'DatabricksDbfsFile')) add(object, await planDbfsFile(object, reads, manifests));
    else if (isKind(object, 'DatabricksRun')) {
      add(object, {
        action: 'create',
        changes: [],
        note: 'starts a run when it is applied as a new object (plan reads no cluster, so it cannot tell whether it was applied already)',
      });
    }
  }

  // Jobs and clusters marked as objects of these namespaces that the files no longer hold.
  const namespaces = new Set(objects.map((object) => object.namespace));
  const planned = new Set(objects.map((object) => `${object.kind} ${keyOf(object)}`));
  const leftovers = (kind: string, noun: string, marked: readonly (readonly [string, Tags])[]) => {
    for (const [id, tags] of marked) {
      const owner = tags?.[OWNER_TAG];
      if (!tags?.[OWNER_UID_TAG] || owner === undefined) continue;
      const [namespace, name] = [owner.slice(0, owner.indexOf('/')), owner.slice(owner.indexOf('/') + 1)];
      if (!namespaces.has(namespace) || planned.has(`${kind} ${owner}`)) continue;
      changes.push({
        action: 'delete',
        kind,
        namespace,
        name,
        target: `${noun} ${id}`,
        changes: [],
        note: `its marker names ${kind} ${owner}, which these files no longer hold: deleted when that object is deleted (unless its deletionPolicy keeps it)`,
      });
    }
  };
  leftovers(
    'DatabricksJob',
    'job',
    listedJobs.map((job) => [formatId(job.job_id), job.settings?.tags]),
  );
  leftovers(
    'DatabricksCluster',
    'cluster',
    listedClusters.map((cluster) => [cluster.cluster_id, clusterTags(cluster)]),
  );
  for (const { kind, noun, marked } of managed.marked) leftovers(kind, noun, marked);

  // In the order of the files, deletions last.
  const order = new Map(objects.map((object, index) => [`${object.kind} ${keyOf(object)}`, index]));
  const rank = (change: PlannedChange) => order.get(`${change.kind} ${keyOf(change)}`) ?? objects.length;
  changes.sort((a, b) => rank(a) - rank(b));

  const summary: Record<PlanAction, number> = {
    create: 0,
    update: 0,
    adopt: 0,
    refuse: 0,
    delete: 0,
    none: 0,
  };
  for (const change of changes) summary[change.action]++;
  return { host: reads.host, changes, summary };
}

/** `spec.settings` as the controller would send them, marker left out, references resolved with `resolve`. */
function desiredJobSettings(
  job: PlannedObject<'DatabricksJob'>,
  resolve: (reference: TaskReference) => unknown,
): JobSettings {
  const { settings } = job.spec;
  const desired = structuredClone({ ...settings, name: settings.name ?? job.name }) as JobSettings;
  replaceReferencesAt(
    [...taskSites(desired.tasks, 'tasks'), ...jobClusterSites(desired.job_clusters, 'job_clusters')],
    resolve,
  );
  return desired;
}

/** `spec.settings` of a cluster with its policy and pool references resolved with `resolve`. */
function desiredClusterSettings(
  cluster: PlannedObject<'DatabricksCluster'>,
  resolve: (reference: TaskReference) => unknown,
): ClusterSpec {
  const desired = structuredClone(cluster.spec.settings) as ClusterSpec;
  replaceReferencesAt(clusterSpecSites(desired, 'settings'), resolve);
  return desired;
}

function planJob(
  located: Located<Job>,
  settings: JobSettings,
  missing: readonly string[],
): Omit<PlannedChange, 'kind' | 'namespace' | 'name'> {
  const note = missing.length > 0 ? missing.join('; ') : undefined;
  if ('refused' in located)
    return { action: 'refuse', target: located.target, changes: [], note: located.refused };
  if (!located.found) return { action: 'create', changes: [], ...(note ? { note } : {}) };
  const target = `job ${formatId(located.found.job_id)}`;
  const observed = { ...located.found.settings, tags: withoutOwnerTags(located.found.settings?.tags) };
  const paths = jobDiff.differences(settings as Json, observed as Json).map((difference) => difference.path);
  return settingsPlan(located.owner, target, paths, note);
}

function settingsPlan(
  owner: 'ours' | 'unmarked',
  target: string,
  paths: readonly string[],
  note: string | undefined,
): Omit<PlannedChange, 'kind' | 'namespace' | 'name'> {
  if (owner === 'unmarked') {
    return {
      action: 'adopt',
      target,
      changes: paths,
      note:
        paths.length === 0 ? 'marker only' : (note ?? 'settings replaced by the spec, and the marker added'),
    };
  }
  return {
    action: paths.length === 0 ? 'none' : 'update',
    target,
    changes: paths,
    ...(note ? { note } : {}),
  };
}

function planCluster(
  cluster: PlannedObject<'DatabricksCluster'>,
  located: Located<ClusterDetails>,
  desired: ClusterSpec,
  missing: readonly string[],
): Omit<PlannedChange, 'kind' | 'namespace' | 'name'> {
  if ('refused' in located)
    return { action: 'refuse', target: located.target, changes: [], note: located.refused };
  const missingNote = missing.length > 0 ? missing.join('; ') : undefined;
  if (!located.found) return { action: 'create', changes: [], ...(missingNote ? { note: missingNote } : {}) };
  const found = located.found;
  const returned = (found.spec ?? found) as Json;
  const observed = { ...returned, custom_tags: withoutOwnerTags(clusterTags(found)) };
  const paths = clusterDiff.differences(desired as Json, observed).map((difference) => difference.path);
  const wanted = cluster.spec.state ?? 'Running';
  const state = found.state ?? 'UNKNOWN';
  const idle = state === 'TERMINATED' && found.termination_reason?.code === 'INACTIVITY';
  const stateChanges =
    wanted === 'Running'
      ? (state === 'TERMINATED' && !idle) || state === 'ERROR'
      : state !== 'TERMINATED' && state !== 'TERMINATING';
  const all = stateChanges ? [...paths, 'state'] : paths;
  const stateNote = stateChanges
    ? `state ${state}: ${wanted === 'Running' ? 'started' : 'terminated'}, as spec.state is ${wanted}`
    : undefined;
  const note = [missingNote, stateNote].filter((part) => part !== undefined).join('; ') || undefined;
  return settingsPlan(located.owner, `cluster ${found.cluster_id}`, all, note);
}

async function planScope(
  scope: PlannedObject<'DatabricksSecretScope'>,
  reads: WorkspaceReads,
  manifests: PlannedObjects,
): Promise<Omit<PlannedChange, 'kind' | 'namespace' | 'name'>> {
  const name = scope.spec.scopeName ?? defaultScopeName(scope.namespace, scope.name);
  const target = `scope ${name}`;
  const scopes = await reads.secrets.listScopes();
  if (!scopes.some((listed) => listed.name === name)) return { action: 'create', target, changes: [] };
  const unknown: string[] = [];
  const wanted = new Set<string>();
  for (const [index, entry] of (scope.spec.secrets ?? []).entries()) {
    if (entry.key !== undefined) wanted.add(entry.key);
    else if (entry.fromSecret) {
      const secret: KeyValues | undefined = manifests.secrets.get(
        `${scope.namespace}/${entry.fromSecret.name}`,
      );
      if (!secret)
        unknown.push(
          `spec.secrets[${index}].fromSecret: Secret ${scope.namespace}/${entry.fromSecret.name} is not in these files`,
        );
      for (const key of secret?.data.keys() ?? []) wanted.add(`${entry.fromSecret.prefix ?? ''}${key}`);
    }
  }
  const paths: string[] = [];
  if (scope.spec.backend?.type !== 'AzureKeyVault' && wanted.size > 0) {
    const held = new Set((await reads.secrets.listSecrets(name)).map((secret) => secret.key));
    for (const key of [...wanted].sort()) if (!held.has(key)) paths.push(`secrets[${key}]`);
  }
  if (scope.spec.acls) {
    const held = new Map((await reads.secrets.listAcls(name)).map((acl) => [acl.principal, acl.permission]));
    const desired = new Map(scope.spec.acls.map((acl) => [acl.principal, acl.permission]));
    for (const principal of [...new Set([...held.keys(), ...desired.keys()])].sort()) {
      if (held.get(principal) !== desired.get(principal)) paths.push(`acls[${principal}]`);
    }
  }
  const note = unknown.length > 0 ? unknown.join('; ') : undefined;
  // No marker tells a scope adopted earlier from one to adopt now: with spec.adopt, one whose keys and
  // ACLs already match is planned as nothing to do, the steady state after the adoption.
  const action = paths.length === 0 ? 'none' : scope.spec.adopt ? 'adopt' : 'update';
  return { action, target, changes: paths, ...(note ? { note } : {}) };
}

async function planNotebook(
  notebook: PlannedObject<'DatabricksNotebook'>,
  reads: WorkspaceReads,
  manifests: PlannedObjects,
): Promise<Omit<PlannedChange, 'kind' | 'namespace' | 'name'>> {
  const { spec } = notebook;
  const path = workspacePath(spec.path);
  const observed: ObjectInfo | undefined = await unlessMissing(reads.workspace.getStatus(path));
  if (!observed) return { action: 'create', target: path, changes: [] };
  const content = contentOf(spec.content, spec.contentFrom, 'spec.contentFrom', notebook, manifests);
  if ('unknown' in content)
    return { action: 'update', target: path, changes: ['content'], note: content.unknown };
  const format = spec.format ?? 'SOURCE';
  const paths: string[] = [];
  if (spec.language !== undefined && observed.language !== undefined && observed.language !== spec.language) {
    paths.push('language');
  }
  const exported = Buffer.from((await reads.workspace.export(path, 'SOURCE')).content ?? '', 'base64');
  if (observed.object_type === 'FILE') {
    if (sha256(exported) !== sha256(content.bytes)) paths.push('content');
  } else if (observed.object_type === 'NOTEBOOK' && (format === 'SOURCE' || format === 'AUTO')) {
    const language = (observed.language ?? spec.language ?? 'PYTHON') as NotebookLanguage;
    if (!sameNotebookSource(exported.toString('utf8'), content.bytes.toString('utf8'), language))
      paths.push('content');
  } else {
    return {
      action: 'update',
      target: path,
      changes: ['content'],
      note: `a ${String(observed.object_type ?? 'workspace object')} imported as ${format} cannot be compared with its export: planned as imported again`,
    };
  }
  return { action: paths.length === 0 ? 'none' : 'update', target: path, changes: paths };
}

async function planDbfsFile(
  file: PlannedObject<'DatabricksDbfsFile'>,
  reads: WorkspaceReads,
  manifests: PlannedObjects,
): Promise<Omit<PlannedChange, 'kind' | 'namespace' | 'name'>> {
  const path = dbfsPath(file.spec.path);
  const target = `dbfs:${path}`;
  const observed = await unlessMissing(reads.dbfs.getStatus(path));
  if (!observed) return { action: 'create', target, changes: [] };
  const content = contentOf(file.spec.contents, file.spec.contentsFrom, 'spec.contentsFrom', file, manifests);
  if ('unknown' in content) return { action: 'update', target, changes: ['contents'], note: content.unknown };
  const same =
    !observed.is_dir &&
    observed.file_size === content.bytes.length &&
    sha256(await reads.dbfs.download(path)) === sha256(content.bytes);
  return { action: same ? 'none' : 'update', target, changes: same ? [] : ['contents'] };
}
