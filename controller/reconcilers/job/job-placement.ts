/**
 * Where a DatabricksJob's job is in Databricks, and making it hold `spec.settings`: adopted, found after
 * a crash, created, reset on a spec change, or reset when it drifted. A job another live DatabricksJob
 * or an Asset Bundle owns is refused.
 */
import {
  InvalidParameterError,
  NotFoundError,
  formatId,
  type DatabricksClient,
  type Job,
  type JobSettings,
} from '../../databricks/index.js';
import { JobSettings as JobSettingsSchema } from '../../../lib/crds/index.js';
import { jobDriftRules } from '../../drift/drift-rules.js';
import { SettingsDiff, type SettableFieldsSchema } from '../../drift/settings-diff.js';
import type { EventNote } from '../../runtime/events.js';
import { note, shortList, warning } from '../managed/event-notes.js';
import type { DatabricksJob, JobContext } from './job.js';
import { JobView } from './job-view.js';
import { NotReadyError, WORKSPACE_INDEX, describeApiError, workspaceKeyOf } from '../managed/managed.js';
import {
  OWNER_TAG,
  OWNER_UID_TAG,
  describeMarker,
  isLeftBehindFor,
  refuseIfOwnedElsewhere,
} from '../managed/ownership.js';

const jobDiff = new SettingsDiff(JobSettingsSchema as SettableFieldsSchema, jobDriftRules);

/** What placing the job in Databricks did. */
export interface Placement {
  readonly jobId: string;
  /** Created or reset it. */
  readonly wrote: boolean;
  /** Created it just now (it can have no runs yet). */
  readonly created: boolean;
  readonly events: EventNote[];
}

/**
 * Makes the job exist in Databricks with `settings`, doing only what is needed: adopt `spec.jobId`, or
 * find the job an earlier attempt created, or create one (first reconcile); reset it (spec changed);
 * compare and reset on a real difference (otherwise). A job deleted in Databricks is created again.
 */
export async function placeJob(
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
    view.created(uid, id, settings.tags);
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
    refuseIfTaken(existing, job, context, 'spec.jobId');
    await reset(jobId);
    events.push(
      note('Adopted', 'AdoptJob', `adopted job ${jobId} and replaced its settings with spec.settings`),
    );
    return placed(jobId);
  }
  if (recorded === undefined) {
    const marked = await view.findMarked(uid, jobName(job), managedJobs, (listed) =>
      isLeftBehindFor(listed.settings?.tags, job),
    );
    const found = marked.owned;
    const [left, ...alsoLeft] = marked.leftBehind;
    if (!found && left) {
      // An earlier DatabricksJob of this name left it (Retain, or orphaned): taken back, not copied.
      const jobId = formatId(left.job_id);
      await reset(jobId);
      const others =
        alsoLeft.length > 0
          ? `; job ${shortList(alsoLeft.map((other) => formatId(other.job_id)))} carry the same earlier marker and were left alone`
          : '';
      events.push(
        note(
          'Reclaimed',
          'ReclaimJob',
          `took back job ${jobId}, left in Databricks by an earlier DatabricksJob ${describeMarker(left.settings?.tags)}, instead of creating a copy; reset it to spec.settings and marked it as this object's${others}`,
        ),
      );
      return placed(jobId);
    }
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
  refuseIfTaken(observed, job, context, 'status.jobId');
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
export function jobName(job: DatabricksJob): string {
  return job.spec.settings.name ?? job.metadata.name;
}

/**
 * Throws `OwnedElsewhere` when an Asset Bundle deployed the job, or when its marker names another
 * DatabricksJob that still exists.
 */
function refuseIfTaken(observed: Job, job: DatabricksJob, context: JobContext, field: string): void {
  const jobId = formatId(observed.job_id);
  const deployment = observed.settings?.['deployment'] as
    { kind?: string; metadata_file_path?: string } | undefined;
  if (deployment?.kind === 'BUNDLE') {
    throw new NotReadyError(
      'OwnedElsewhere',
      `${field}: job ${jobId} is deployed by a Databricks Asset Bundle (${deployment.metadata_file_path ?? 'no metadata path'}); remove it from the bundle before managing it here`,
    );
  }
  refuseIfOwnedElsewhere({ tags: observed.settings?.tags, noun: 'job', id: jobId, field }, job, {
    kind: 'DatabricksJob',
    store: context.jobs,
  });
}
