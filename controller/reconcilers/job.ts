/**
 * The DatabricksJob reconciler: one Databricks job per object, equal to `spec.settings` (references
 * resolved, the ownership marker added), with its permissions, and the newest run in status.
 *
 * - First reconcile: adopt `spec.jobId`, or find a job this object created before a crash (marker UID),
 *   or create one. A job that belongs to another live object or to an Asset Bundle is never taken.
 * - Spec changed (the settings hash differs from status): `jobs/reset`, without reading first.
 * - Otherwise (resync, dependency woke it): compare with what Databricks has, through the shared
 *   {@link JobView} listing, and reset only on a real difference. No write at steady state.
 * - Deleted: `deletionPolicy` Delete (default) deletes the job, Pause pauses its schedule and triggers,
 *   Retain leaves it.
 */
import {
  InvalidParameterError,
  NotFoundError,
  formatId,
  type AccessControlRequest,
  type DatabricksClient,
  type Job,
  type JobSettings,
  type Run,
} from '../databricks/index.js';
import {
  API_GROUP,
  API_VERSION,
  DATABRICKS_JOB,
  JobSettings as JobSettingsSchema,
  type DatabricksJobSpec,
  type DatabricksJobStatus,
} from '../../lib/crds/index.js';
import { jobDriftRules } from '../drift/drift-rules.js';
import { SettingsDiff, type SettableFieldsSchema } from '../drift/settings-diff.js';
import type { OperatorSetup } from '../operator.js';
import { kubeTime } from '../runtime/conditions.js';
import type { Reconciler } from '../runtime/controller.js';
import { keysReferencing } from '../runtime/controller.js';
import type { EventNote } from '../runtime/events.js';
import type { Informer } from '../runtime/informer.js';
import type { ResourceType } from '../runtime/kube-client.js';
import type { ObjectStore } from '../runtime/object-store.js';
import { done, type Outcome } from '../runtime/outcome.js';
import { StatusWriter } from '../runtime/status.js';
import { contentHash } from './content-hash.js';
import { JobView, defaultJobViewOptions, isActiveRun, type JobViewOptions } from './job-view.js';
import { note, shortList, warning } from './event-notes.js';
import {
  NotReadyError,
  WORKSPACE_INDEX,
  describeApiError,
  reconcileManaged,
  workspaceKeyOf,
  workspaceReadinessChanged,
  type Applied,
  type ManagedContext,
  type ManagedObject,
} from './managed.js';
import {
  OWNER_TAG,
  OWNER_UID_TAG,
  describeOtherOwner,
  ownershipOf,
  withOwnerTags,
  type Ownership,
} from './ownership.js';
import {
  REFERENCE_INDEXES,
  referenceIndexFunctions,
  referenceTargetChanged,
  resolveTaskReferences,
  type ReferenceStores,
} from './references.js';

/** The `databricksjobs` resource. */
export const JOBS: ResourceType = { group: API_GROUP, version: API_VERSION, plural: DATABRICKS_JOB.plural };

/** A DatabricksJob as the informer holds it. */
export type DatabricksJob = ManagedObject<DatabricksJobSpec, DatabricksJobStatus>;

/** How often the DatabricksJob controller looks at Databricks besides resyncs. */
export interface JobTiming {
  /** How often a job whose newest run is still active is looked at again. @default 60_000 */
  readonly activeRunPollMs: number;
}

export const defaultJobTiming: JobTiming = { activeRunPollMs: 60_000 };

/** What {@link reconcileJob} needs besides the shared context. */
export interface JobContext extends ManagedContext {
  /** The DatabricksJob cache: counts the jobs of a workspace and tells live owners from gone ones. */
  readonly jobs: Pick<ObjectStore<DatabricksJob>, 'get' | 'keysByIndex'>;
  readonly references: ReferenceStores;
  readonly view?: JobViewOptions;
  /** How often a job whose newest run is still active is looked at again. @default 60_000 */
  readonly activeRunPollMs?: number;
}

const jobDiff = new SettingsDiff(JobSettingsSchema as SettableFieldsSchema, jobDriftRules);

/** Makes the Databricks job match the DatabricksJob. */
export const reconcileJob: Reconciler<DatabricksJob, JobContext> = (job, context) =>
  reconcileManaged<DatabricksJob, DatabricksJobStatus>(JOBS, job, context, {
    apply: (current, client) => applyJob(current, client, context),
    cleanup: (current, connect) => cleanupJob(current, connect, context),
  });

/** What placing the job in Databricks did. */
interface Placement {
  readonly jobId: string;
  /** Created or reset it. */
  readonly wrote: boolean;
  /** Created it just now (it can have no runs yet). */
  readonly created: boolean;
  readonly events: EventNote[];
}

async function applyJob(
  job: DatabricksJob,
  client: DatabricksClient,
  context: JobContext,
): Promise<Applied<DatabricksJobStatus>> {
  const settings = desiredSettings(job, context);
  const settingsHash = contentHash(settings);
  const view = JobView.of(client, context.view);
  const previous = job.status ?? {};
  const { jobId, wrote, created, events } = await placeJob(job, settings, settingsHash, client, context);

  const synced: Omit<DatabricksJobStatus, 'conditions' | 'observedGeneration'> = {
    jobId: Number(jobId),
    url: `${client.host}/jobs/${jobId}`,
    settingsHash,
    ...(wrote ? { lastSyncTime: kubeTime(new Date()) } : {}),
  };
  let permissionsHash: string | undefined;
  let run: Run | undefined;
  try {
    permissionsHash = await applyPermissions(job, jobId, client, events);
    run = created ? undefined : await view.lastRun(jobId);
  } catch (error) {
    // The job is in place: say so now, or the retry would find it again and reset it again.
    if (wrote) {
      for (const event of events) await context.events.record(job, event);
      await context.status.update<DatabricksJobStatus>(job, { ...previous, ...synced });
    }
    throw error;
  }
  const lastRun = run ? summarizeRun(run) : knownLastRun(job, jobId);
  const active = run !== undefined && isActiveRun(run);
  const status: Omit<DatabricksJobStatus, 'conditions' | 'observedGeneration'> = {
    ...synced,
    ...(permissionsHash === undefined ? {} : { permissionsHash }),
    ...(wrote || previous.lastSyncTime === undefined ? {} : { lastSyncTime: previous.lastSyncTime }),
    ...(lastRun ? { lastRun } : {}),
  };
  return {
    status,
    reason: 'Synced',
    message: `job ${jobId} matches spec.settings`,
    events,
    ...(active ? { requeueAfterMs: context.activeRunPollMs ?? defaultJobTiming.activeRunPollMs } : {}),
  };
}

/**
 * Makes the job exist in Databricks with `settings`, doing only what is needed: adopt `spec.jobId`, or
 * find the job an earlier attempt created, or create one (first reconcile); reset it (spec changed);
 * compare and reset on a real difference (otherwise). A job deleted in Databricks is created again.
 */
async function placeJob(
  job: DatabricksJob,
  settings: JobSettings,
  settingsHash: string,
  client: DatabricksClient,
  context: JobContext,
): Promise<Placement> {
  const view = JobView.of(client, context.view);
  const managedJobs = context.jobs.keysByIndex(WORKSPACE_INDEX, workspaceKeyOf(job)[0]).length;
  const uid = job.metadata.uid ?? '';
  const previous = job.status ?? {};
  const events: EventNote[] = [];
  let wrote = false;
  let created = false;
  const create = async (): Promise<string> => {
    const { job_id } = await client.jobs.create(settings).catch(explainRejection(settings));
    const id = formatId(job_id);
    view.created(uid, id);
    wrote = created = true;
    return id;
  };
  const reset = async (id: string): Promise<void> => {
    await client.jobs.reset(id, settings).catch(explainRejection(settings));
    view.wrote(id);
    wrote = true;
  };
  const recreate = async (gone: string): Promise<string> => {
    const id = await create();
    events.push(
      warning('Recreated', 'CreateJob', `job ${gone} was deleted in Databricks; created job ${id}`),
    );
    return id;
  };
  const placed = (jobId: string): Placement => ({ jobId, wrote, created, events });

  const recorded = previous.jobId === undefined ? undefined : formatId(previous.jobId);
  if (recorded === undefined && job.spec.jobId !== undefined) {
    const jobId = formatId(job.spec.jobId);
    const existing = await view.job(jobId, 0);
    if (!existing) {
      throw new NotReadyError(
        'JobNotFound',
        `spec.jobId: job ${jobId} does not exist in ${client.host}; point spec.jobId at an existing job, or remove it to create a new job`,
      );
    }
    refuseIfOwnedElsewhere(existing, job, context, 'spec.jobId');
    await reset(jobId);
    events.push(
      note('Adopted', 'AdoptJob', `adopted job ${jobId} and replaced its settings with spec.settings`),
    );
    return placed(jobId);
  }
  if (recorded === undefined) {
    const found = await view.findOwned(uid, jobName(job), managedJobs);
    if (!found) {
      const jobId = await create();
      events.push(note('Created', 'CreateJob', `created job ${jobId}`));
      return placed(jobId);
    }
    // Created by an earlier attempt that did not live to write status: that job, not a second one.
    const jobId = formatId(found.job_id);
    await reset(jobId);
    events.push(
      note('Found', 'ResetJob', `found job ${jobId} this object created earlier; reset its settings`),
    );
    return placed(jobId);
  }
  if (previous.settingsHash !== settingsHash) {
    try {
      await reset(recorded);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      return placed(await recreate(recorded));
    }
    events.push(note('Updated', 'ResetJob', `reset job ${recorded} to the new spec.settings`));
    return placed(recorded);
  }
  const observed = await view.job(recorded, managedJobs);
  if (!observed) return placed(await recreate(recorded));
  refuseIfOwnedElsewhere(observed, job, context, 'status.jobId');
  const paths = jobDiff.differences(settings, observed.settings ?? {}).map((difference) => difference.path);
  if (paths.length > 0) {
    await reset(recorded);
    events.push(
      warning(
        'DriftCorrected',
        'ResetJob',
        `job ${recorded} was changed in Databricks (${shortList(paths)}); reset it to spec.settings`,
      ),
    );
  }
  return placed(recorded);
}

/**
 * `spec.settings` as Databricks should have it: the name defaulted to the object's, references resolved,
 * the ownership marker added.
 */
function desiredSettings(job: DatabricksJob, context: JobContext): JobSettings {
  const namespace = job.metadata.namespace ?? '';
  const settings: JobSettings = {
    ...job.spec.settings,
    name: jobName(job),
    tags: withOwnerTags(job.spec.settings.tags, job),
  };
  const tasks = resolveTaskReferences(
    job.spec.settings.tasks,
    namespace,
    context.references,
    'spec.settings.tasks',
  );
  if (tasks) settings.tasks = tasks;
  return settings;
}

/** Databricks refuses a job with more tags than this (BEHAVIOUR.md §2). */
const MAX_JOB_TAGS = 25;

/**
 * Databricks' refusal of `settings`, with the reason the user cannot see in the spec when it is the
 * tag count: the two marker tags count too.
 */
function explainRejection(settings: JobSettings): (error: unknown) => never {
  return (error) => {
    const tags = Object.keys(settings.tags ?? {}).length;
    if (!(error instanceof InvalidParameterError) || tags <= MAX_JOB_TAGS) throw error;
    const marker = [OWNER_TAG, OWNER_UID_TAG];
    throw new NotReadyError(
      'InvalidSettings',
      `Databricks rejected the request: ${describeApiError(error)} spec.settings.tags has ${tags - marker.length} tags and the controller adds ${marker.length} (${marker.join(', ')}) to mark the job as this object's: keep at most ${MAX_JOB_TAGS - marker.length}`,
    );
  };
}

/** The job's name: `spec.settings.name`, or the object's name when the spec leaves it out. */
function jobName(job: DatabricksJob): string {
  return job.spec.settings.name ?? job.metadata.name;
}

/**
 * Throws `OwnedElsewhere` when the job's marker names another object that still exists, or when an
 * Asset Bundle deployed it. A marker of an object that is gone (deleted with Retain) does not block.
 */
function refuseIfOwnedElsewhere(observed: Job, job: DatabricksJob, context: JobContext, field: string): void {
  const jobId = formatId(observed.job_id);
  const deployment = observed.settings?.['deployment'] as
    { kind?: string; metadata_file_path?: string } | undefined;
  if (deployment?.kind === 'BUNDLE') {
    throw new NotReadyError(
      'OwnedElsewhere',
      `${field}: job ${jobId} is deployed by a Databricks Asset Bundle (${deployment.metadata_file_path ?? 'no metadata path'}); remove it from the bundle before managing it here`,
    );
  }
  const ownership = ownershipOf(observed.settings?.tags, job);
  if (ownership.kind === 'other' && ownerIsLive(ownership, context)) {
    throw new NotReadyError(
      'OwnedElsewhere',
      `${field}: job ${jobId} belongs to DatabricksJob ${describeOtherOwner(ownership)}; delete that object (deletionPolicy Retain keeps the job) before adopting it here`,
    );
  }
}

function ownerIsLive(ownership: Extract<Ownership, { kind: 'other' }>, context: JobContext): boolean {
  return context.jobs.get(ownership.owner)?.metadata.uid === ownership.uid;
}

/**
 * Applies `spec.permissions` when it changed since last applied (or the job is new). Additive: PATCH the
 * listed grants. Authoritative: PUT exactly the list. Either way the job keeps exactly one IS_OWNER: a
 * list that names none keeps the current owner, and an Additive list that names another owner demotes
 * the current one to CAN_MANAGE (it keeps access; PATCH alone would leave two owners, which Databricks
 * refuses). Returns the hash to remember.
 */
async function applyPermissions(
  job: DatabricksJob,
  jobId: string,
  client: DatabricksClient,
  events: EventNote[],
): Promise<string | undefined> {
  const permissions = job.spec.permissions;
  if (!permissions) return undefined;
  const hash = contentHash([permissions, jobId]);
  if (job.status?.permissionsHash === hash) return hash;
  const mode = permissions.mode ?? 'Additive';
  const acl = permissions.access_control_list as AccessControlRequest[];
  const namedOwner = acl.find((entry) => entry.permission_level === 'IS_OWNER');
  let demoted: AccessControlRequest | undefined;
  if (mode === 'Additive') {
    let complete = acl;
    if (namedOwner) {
      const owner = await currentOwner(client, jobId);
      if (owner && principalOf(owner) !== principalOf(namedOwner)) {
        demoted = { ...owner, permission_level: 'CAN_MANAGE' };
        complete = [...acl, demoted];
      }
    }
    await client.permissions.update('jobs', jobId, complete);
  } else {
    const owner = namedOwner ? undefined : await currentOwner(client, jobId);
    await client.permissions.set('jobs', jobId, owner ? [...acl, owner] : acl);
  }
  const demotion = demoted ? `; the previous owner ${principalOf(demoted)} now has CAN_MANAGE` : '';
  events.push(
    note(
      'PermissionsApplied',
      'SetPermissions',
      `applied ${acl.length} permission(s) to job ${jobId} (${mode})${demotion}`,
    ),
  );
  return hash;
}

/** The job's direct IS_OWNER grant, as a request entry. */
async function currentOwner(
  client: DatabricksClient,
  jobId: string,
): Promise<AccessControlRequest | undefined> {
  const current = await client.permissions.get('jobs', jobId);
  const owner = current.access_control_list?.find((entry) =>
    entry.all_permissions?.some((p) => p.permission_level === 'IS_OWNER' && !p.inherited),
  );
  if (!owner) return undefined;
  const { user_name, group_name, service_principal_name } = owner;
  return {
    ...(user_name ? { user_name } : {}),
    ...(group_name ? { group_name } : {}),
    ...(service_principal_name ? { service_principal_name } : {}),
    permission_level: 'IS_OWNER',
  };
}

/** `user alice@x`, `group data`, `service principal 123`: one principal of an ACL entry. */
function principalOf(
  entry: Pick<AccessControlRequest, 'user_name' | 'group_name' | 'service_principal_name'>,
): string {
  if (entry.user_name) return `user ${entry.user_name}`;
  if (entry.group_name) return `group ${entry.group_name}`;
  return `service principal ${entry.service_principal_name ?? ''}`;
}

/** What status says about the newest run of job `jobId`, when the recent runs no longer show one. */
function knownLastRun(job: DatabricksJob, jobId: string): DatabricksJobStatus['lastRun'] {
  const recorded = job.status?.jobId;
  return recorded !== undefined && formatId(recorded) === jobId ? job.status?.lastRun : undefined;
}

function summarizeRun(run: Run): NonNullable<DatabricksJobStatus['lastRun']> {
  const runId = formatId(run.run_id);
  const state = run.state?.result_state ?? run.state?.life_cycle_state;
  return {
    runId: Number(runId),
    ...(state ? { state } : {}),
    ...(run.run_page_url ? { url: run.run_page_url } : {}),
    ...(run.start_time ? { startTime: kubeTime(new Date(run.start_time)) } : {}),
    ...(run.end_time ? { endTime: kubeTime(new Date(run.end_time)) } : {}),
  };
}

/** Honours `deletionPolicy`; the finalizer goes only once Databricks confirmed. */
async function cleanupJob(
  job: DatabricksJob,
  connect: () => Promise<DatabricksClient>,
  context: JobContext,
): Promise<Outcome> {
  const policy = job.spec.deletionPolicy ?? 'Delete';
  const recorded = job.status?.jobId === undefined ? undefined : formatId(job.status.jobId);
  if (policy === 'Retain') {
    if (recorded)
      await context.events.record(
        job,
        note('Retained', 'RetainJob', `left job ${recorded} in Databricks (deletionPolicy Retain)`),
      );
    return done;
  }
  if (!context.workspaces.get(workspaceKeyOf(job)[0])) {
    // Nothing can reach the job any more; holding the object would block its namespace's deletion forever.
    if (recorded) {
      await context.events.record(
        job,
        warning(
          'Orphaned',
          'DeleteJob',
          `DatabricksWorkspace ${job.spec.workspaceRef.name} is gone, so job ${recorded} was left in Databricks`,
        ),
      );
    }
    return done;
  }
  const client = await connect();
  const view = JobView.of(client, context.view);
  const uid = job.metadata.uid ?? '';
  // A job created just before a crash has no ID in status yet; its marker still finds it.
  const jobId =
    recorded ??
    (job.spec.jobId === undefined
      ? await view.findOwned(uid, jobName(job), 0).then((found) => found && formatId(found.job_id))
      : undefined);
  if (!jobId) return done;
  if (policy === 'Pause') {
    const observed = await view.job(jobId, 0);
    if (!observed) return done;
    const paused = pausedSettings(observed);
    if (Object.keys(paused).length > 0) await client.jobs.update(jobId, { new_settings: paused });
    view.wrote(jobId);
    await context.events.record(
      job,
      note('Paused', 'PauseJob', `paused job ${jobId}'s schedule and triggers and left it in Databricks`),
    );
    return done;
  }
  try {
    await client.jobs.delete(jobId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  view.deleted(uid, jobId);
  await context.events.record(job, note('Deleted', 'DeleteJob', `deleted job ${jobId}`));
  return done;
}

/**
 * The `jobs/update` fields that pause everything that starts runs of `job` on its own: its schedule,
 * trigger, continuous setting, and each of the multi-trigger form's `triggers`. Empty when nothing
 * starts runs, or when all of it is paused already.
 */
function pausedSettings(job: Job): JobSettings {
  const settings = job.settings ?? {};
  const paused: Record<string, unknown> = {};
  const pause = (value: Record<string, unknown>) => ({ ...value, pause_status: 'PAUSED' });
  for (const field of ['schedule', 'trigger', 'continuous'] as const) {
    const value = settings[field] as Record<string, unknown> | undefined;
    if (value && value['pause_status'] !== 'PAUSED') paused[field] = pause(value);
  }
  const triggers = settings['triggers'] as Record<string, unknown>[] | undefined;
  if (triggers?.some((trigger) => trigger['pause_status'] !== 'PAUSED')) {
    paused['triggers'] = triggers.map(pause);
  }
  return paused as JobSettings;
}

/** Runs the DatabricksJob controller, woken also by its workspace and by the objects its tasks reference. */
export function registerJobController(setup: OperatorSetup): void {
  const { informers, manager } = setup;
  const { activeRunPollMs } = { ...defaultJobTiming, ...setup.options.jobTiming };
  // Each resync and each poll of an active run must read Databricks afresh, not reuse the previous
  // one's listing; within one resync every job of a workspace shares it.
  const view: JobViewOptions = {
    ...defaultJobViewOptions,
    maxAgeMs: Math.min(defaultJobViewOptions.maxAgeMs, setup.config.resyncPeriodMs / 2, activeRunPollMs),
  };
  const informer = informers.DatabricksJob as unknown as Informer<DatabricksJob>;
  informer.addIndex(WORKSPACE_INDEX, workspaceKeyOf);
  for (const { name, indexFunction } of referenceIndexFunctions<DatabricksJob>(
    (job) => job.spec.settings.tasks,
  )) {
    informer.addIndex(name, indexFunction);
  }
  const controller = manager.controller<DatabricksJob, JobContext>({
    name: 'databricksjob',
    informer,
    reconcile: reconcileJob,
    workers: setup.config.workers,
    context: {
      ...setup.shared,
      status: new StatusWriter(manager.kube, JOBS),
      jobs: informer.store,
      view,
      activeRunPollMs,
      references: {
        clusters: informers.DatabricksCluster.store,
        jobs: informer.store as ReferenceStores['jobs'],
        notebooks: informers.DatabricksNotebook.store,
      },
    },
  });
  controller.watch(informers.DatabricksWorkspace, keysReferencing(informer, WORKSPACE_INDEX), (a, b) =>
    workspaceReadinessChanged(a as never, b as never),
  );
  for (const kind of ['DatabricksCluster', 'DatabricksJob', 'DatabricksNotebook'] as const) {
    controller.watch(
      informers[kind],
      keysReferencing(informer, REFERENCE_INDEXES[kind]),
      referenceTargetChanged,
    );
  }
}
