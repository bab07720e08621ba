/**
 * The DatabricksJob reconciler: one Databricks job per object, equal to `spec.settings` (references
 * resolved, the ownership marker added), with its permissions, and the newest run in status.
 *
 * - First reconcile: adopt `spec.jobId`, or find a job this object created before a crash (marker UID),
 *   or create one. A job that belongs to another live object or to an Asset Bundle is never taken.
 * - Spec changed (the settings hash differs from status): `jobs/reset`, without reading first.
 * - Otherwise (resync, dependency woke it): compare with what Databricks has, through the shared
 *   {@link JobView} listing, and reset only on a real difference. No write at steady state.
 * - `spec.permissions`: applied when they changed; otherwise read on the slow cycle, once per period at
 *   the job's own moment (one call per job that has them), and applied again only when a grant drifted.
 * - Deleted: `deletionPolicy` Delete (default) deletes the job, Pause pauses its schedule and triggers,
 *   Retain leaves it.
 */
import {
  formatId,
  type DatabricksClient,
  type Job,
  type JobSettings,
  type Run,
} from '../../databricks/index.js';
import { type DatabricksJobStatus } from '../../../lib/crds/index.js';
import type { ManagedKind } from '../managed/managed-kind.js';
import { kubeTime } from '../../runtime/conditions.js';
import type { EventNote } from '../../runtime/events.js';
import { done } from '../../runtime/outcome.js';
import { contentHash } from '../managed/content-hash.js';
import { deleteUnlessGone, leftInPlace } from '../managed/deletion-policy.js';
import { note } from '../managed/event-notes.js';
import { observeJob } from './job-observe.js';
import { applyObjectPermissions } from '../managed/permissions.js';
import { jobName, placeJob } from './job-placement.js';
import { JobView, defaultJobViewOptions, isActiveRun } from './job-view.js';
import { type Applied, type CleanedUp, type Checkpoint } from '../managed/managed.js';
import { withOwnerTags } from '../managed/ownership.js';
import { settingsSites } from '../../drift/task-references.js';
import { referenceStores, referenceWatches, resolveReferences } from '../managed/references.js';
import { freshUntilResync } from '../managed/shared-listing.js';
import { StaggeredCycle } from '../managed/staggered-cycle.js';
import { JOBS, type DatabricksJob, type JobContext } from './job-types.js';

export { JOBS, type DatabricksJob, type JobContext } from './job-types.js';

/** How often the DatabricksJob controller looks at Databricks besides resyncs. */
export interface JobTiming {
  /** How often a job whose newest run is still active is looked at again. @default 60_000 */
  readonly activeRunPollMs: number;
}

export const defaultJobTiming: JobTiming = { activeRunPollMs: 60_000 };

async function applyJob(
  job: DatabricksJob,
  client: DatabricksClient,
  context: JobContext,
  checkpoint: Checkpoint<DatabricksJobStatus>,
): Promise<Applied<DatabricksJobStatus>> {
  const settings = desiredJobSettings(job, context);
  const settingsHash = contentHash(settings);
  const view = JobView.of(client, context.view);
  const previous = job.status ?? {};
  const placement = await placeJob(job, settings, settingsHash, client, context);
  const { jobId, wrote, created } = placement;

  const synced: Omit<DatabricksJobStatus, 'conditions' | 'observedGeneration'> = {
    jobId: Number(jobId),
    url: `${client.host}/jobs/${jobId}`,
    settingsHash,
    ...(wrote ? { lastSyncTime: kubeTime(new Date()) } : {}),
  };
  // The job is in place: in status before anything else is tried, or a retry after a failure below
  // would look for it again and reset it again.
  if (wrote) await checkpoint(synced, placement.events);
  const events: EventNote[] = wrote ? [] : [...placement.events];
  const permissionsHash = await applyObjectPermissions(
    job,
    { objectType: 'jobs', objectId: jobId, noun: 'job' },
    client,
    events,
    context.permissionsCycle,
  );
  const run = created ? undefined : await view.lastRun(jobId);
  const lastRun = run ? summarizeRun(run) : knownLastRun(job, jobId);
  const active = run !== undefined && isActiveRun(run);
  // Looked at again while its newest run is going, and at its moment of the slow cycle for permissions.
  const lookAgainMs = Math.min(
    active ? (context.activeRunPollMs ?? defaultJobTiming.activeRunPollMs) : Infinity,
    permissionsHash === undefined ? Infinity : context.permissionsCycle.untilNext(job.metadata.uid ?? ''),
  );
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
    ...(lookAgainMs < Infinity ? { requeueAfterMs: lookAgainMs } : {}),
  };
}

/**
 * `spec.settings` as Databricks should have it: the name defaulted to the object's, references resolved,
 * the ownership marker added.
 */
export function desiredJobSettings(job: DatabricksJob, context: Pick<JobContext, 'references'>): JobSettings {
  const resolved = resolveReferences(
    job.spec.settings,
    (copy) => settingsSites(copy, 'spec.settings'),
    job.metadata.namespace ?? '',
    context.references,
    { kind: 'DatabricksJob', workspace: job.spec.workspaceRef.name },
  );
  return { ...resolved, name: jobName(job), tags: withOwnerTags(job.spec.settings.tags, job) };
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
): Promise<CleanedUp> {
  const recorded = job.status?.jobId === undefined ? undefined : formatId(job.status.jobId);
  const leftover = recorded ? { what: `job ${recorded}`, where: 'Databricks', noun: 'Job' } : undefined;
  context.permissionsCycle.forget(job.metadata.uid ?? '');
  const left = leftInPlace(job, context, leftover);
  if (left) return left;
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
  if (job.spec.deletionPolicy === 'Pause') {
    const observed = await view.job(jobId, 0);
    if (!observed) return done;
    const paused = pausedSettings(observed);
    if (Object.keys(paused).length > 0) await client.jobs.update(jobId, { new_settings: paused });
    view.wrote(jobId);
    return {
      events: [
        note('Paused', 'PauseJob', `paused job ${jobId}'s schedule and triggers and left it in Databricks`),
      ],
    };
  }
  await deleteUnlessGone(() => client.jobs.delete(jobId));
  view.deleted(uid, jobId);
  return { events: [note('Deleted', 'DeleteJob', `deleted job ${jobId}`)] };
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

/** What the operator's options say to the DatabricksJob kind. */
export interface JobOptions {
  /** How often DatabricksJobs with an active run are looked at again (tests shorten it). */
  readonly jobTiming?: Partial<JobTiming>;
}

/**
 * The DatabricksJob kind, for `managedController`: woken by its workspace and by the clusters, jobs and
 * notebooks its tasks reference.
 */
export const jobKind: ManagedKind<DatabricksJob, DatabricksJobStatus, JobContext, JobOptions> = {
  kind: 'DatabricksJob',
  informer: ({ DatabricksJob }) => DatabricksJob,
  resource: JOBS,
  watches: referenceWatches<DatabricksJob>((job) => settingsSites(job.spec.settings, 'spec.settings')),
  context: ({ informer, informers, config, options }, base) => {
    const { activeRunPollMs } = { ...defaultJobTiming, ...options.jobTiming };
    return {
      ...base,
      jobs: informer.store,
      // Each resync reads the jobs listing and the runs afresh, once for all jobs of a workspace; reconciles
      // between resyncs reuse them, except that a poll of an active run needs runs at most half a poll old.
      view: {
        ...defaultJobViewOptions,
        ...freshUntilResync(informer, config.resyncPeriodMs),
        runsMaxAgeMs: Math.min(defaultJobViewOptions.runsMaxAgeMs, activeRunPollMs / 2),
      },
      activeRunPollMs,
      permissionsCycle: new StaggeredCycle(config.slowResyncPeriodMs),
      references: referenceStores(informers),
    };
  },
  apply: applyJob,
  cleanup: cleanupJob,
  observe: (job, client, context) => observeJob(job, desiredJobSettings(job, context), client, context),
};
