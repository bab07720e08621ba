/**
 * Where a DatabricksJob's job is in Databricks, and making it hold `spec.settings`. What to do is
 * {@link decideJob}'s: this file reads what the decision needs, then does what it says (create, reset,
 * write the marker alone, refuse, or nothing) and says so in Events.
 */
import {
  InvalidParameterError,
  NotFoundError,
  formatId,
  type DatabricksClient,
  type JobSettings,
} from '../../databricks/index.js';
import type { EventNote } from '../../runtime/events.js';
import { note, shortList, warning } from '../managed/event-notes.js';
import { NotReadyError, WORKSPACE_INDEX, describeApiError, workspaceKeyOf } from '../managed/managed.js';
import { OWNER_TAG, OWNER_UID_TAG, describeMarker, isLeftBehindFor } from '../managed/ownership.js';
import type { DatabricksJob, JobContext } from './job-types.js';
import {
  decideJob,
  jobReads,
  type JobDecision,
  type JobObservation,
  type JobRecord,
} from './job-decision.js';
import { JobView } from './job-view.js';

/** What placing the job in Databricks did. */
export interface Placement {
  readonly jobId: string;
  /** Created it, or wrote its settings or its marker. */
  readonly wrote: boolean;
  /** Created it just now (it can have no runs yet). */
  readonly created: boolean;
  readonly events: EventNote[];
}

/**
 * Makes the job exist in Databricks with `settings`, doing only what {@link decideJob} says is needed.
 * A job deleted in Databricks between the decision and a reset is created again.
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
  // A job status names but no settings were ever applied to was only observed (managementPolicy
  // Observe): taking it over is an adoption, which writes only what differs.
  const observedOnly = previous.jobId !== undefined && previous.settingsHash === undefined;
  const adopt = job.spec.jobId ?? (observedOnly ? previous.jobId : undefined);
  const record: JobRecord = {
    ...(previous.jobId === undefined || observedOnly ? {} : { recorded: formatId(previous.jobId) }),
    ...(adopt === undefined ? {} : { adopt: formatId(adopt) }),
    specChanged: previous.settingsHash !== settingsHash,
  };
  const reads = jobReads(record);
  const observed: JobObservation =
    reads.read === 'job'
      ? { job: (await view.job(reads.jobId, record.recorded === undefined ? 0 : managedJobs)) ?? null }
      : reads.read === 'marked'
        ? {
            marked: await view.findMarked(uid, jobName(job), managedJobs, (listed) =>
              isLeftBehindFor(listed.settings?.tags, job),
            ),
          }
        : {};
  const decision = decideJob(settings, record, observed, { object: job, owners: context.jobs }, client.host);
  return placeAsDecided(decision, settings, client, view, uid);
}

/** Does what `decision` says, and the Event that tells it. */
async function placeAsDecided(
  decision: JobDecision,
  settings: JobSettings,
  client: DatabricksClient,
  view: JobView,
  uid: string,
): Promise<Placement> {
  const create = async (): Promise<string> => {
    const { job_id } = await client.jobs.create(settings).catch(explainRejection(settings));
    const id = formatId(job_id);
    view.created(uid, id, settings.tags);
    return id;
  };
  const reset = async (id: string): Promise<void> => {
    await client.jobs.reset(id, settings).catch(explainRejection(settings));
    view.wrote(id);
  };
  const wrote = (jobId: string, event: EventNote, created = false): Placement => ({
    jobId,
    wrote: true,
    created,
    events: [event],
  });
  const recreated = async (gone: string): Promise<Placement> => {
    const id = await create();
    return wrote(
      id,
      warning('Recreated', 'CreateJob', `job ${gone} was deleted in Databricks; created job ${id}`),
      true,
    );
  };

  switch (decision.action) {
    case 'refuse':
      throw new NotReadyError(decision.reason, decision.message);
    case 'none':
      return { jobId: decision.jobId, wrote: false, created: false, events: [] };
    case 'create': {
      if (decision.replaces !== undefined) return recreated(decision.replaces);
      const id = await create();
      return wrote(id, note('Created', 'CreateJob', `created job ${id}`), true);
    }
    case 'adopt': {
      const { jobId, diff } = decision;
      if (diff.length > 0) {
        await reset(jobId);
        return wrote(
          jobId,
          note(
            'Adopted',
            'AdoptJob',
            `adopted job ${jobId} and replaced its settings with spec.settings (${shortList(diff)} differed)`,
          ),
        );
      }
      // Its settings match already: a reset would rewrite them for nothing. `tags` is replaced whole.
      await client.jobs
        .update(jobId, { new_settings: { tags: settings.tags } })
        .catch(explainRejection(settings));
      view.wrote(jobId);
      return wrote(
        jobId,
        note(
          'Adopted',
          'AdoptJob',
          `adopted job ${jobId}; its settings already matched spec.settings: wrote only the ownership marker (tags)`,
        ),
      );
    }
    case 'update': {
      const { jobId, cause } = decision;
      try {
        await reset(jobId);
      } catch (error) {
        // Reset without a read on a spec change: the job may have been deleted in Databricks meanwhile.
        if (cause !== 'SpecChanged' || !(error instanceof NotFoundError)) throw error;
        return recreated(jobId);
      }
      return wrote(jobId, resetEvent(decision));
    }
  }
}

/** The Event of a reset, by its cause. */
function resetEvent(decision: Extract<JobDecision, { action: 'update' }>): EventNote {
  const { jobId, cause } = decision;
  switch (cause) {
    case 'SpecChanged':
      return note('Updated', 'ResetJob', `reset job ${jobId} to the new spec.settings`);
    case 'Drifted':
      return warning(
        'DriftCorrected',
        'ResetJob',
        `job ${jobId} was changed in Databricks (${shortList(decision.diff ?? [])}); reset it to spec.settings`,
      );
    case 'Found':
      return note('Found', 'ResetJob', `found job ${jobId} this object created earlier; reset its settings`);
    case 'Reclaimed': {
      const alsoLeft = decision.alsoLeft ?? [];
      const others =
        alsoLeft.length > 0
          ? `; job ${shortList(alsoLeft)} carry the same earlier marker and were left alone`
          : '';
      return note(
        'Reclaimed',
        'ReclaimJob',
        `took back job ${jobId}, left in Databricks by an earlier DatabricksJob ${describeMarker(decision.leftBy)}, instead of creating a copy; reset it to spec.settings and marked it as this object's${others}`,
      );
    }
  }
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
