/**
 * What to do with a DatabricksJob's job, decided from what was read, without any I/O: create it, reset
 * it (spec changed, drifted, found after a crash, reclaimed), adopt it (marker only, or with the settings
 * that differ), refuse it (owned elsewhere, or not there), or leave it. The reconciler reads what
 * {@link jobReads} names, calls {@link decideJob}, then acts; `plan` can print the same decision.
 */
import { formatId, type Job, type JobSettings } from '../../databricks/index.js';
import { JobSettings as JobSettingsSchema } from '../../../lib/crds/index.js';
import { jobDriftRules } from '../../drift/drift-rules.js';
import { SettingsDiff, type SettableFieldsSchema } from '../../drift/settings-diff.js';
import type { KubeObject } from '../../runtime/kube-client.js';
import type { ObjectStore } from '../../runtime/object-store.js';
import { NotReadyError } from '../managed/managed.js';
import { refuseIfOwnedElsewhere, withOwnerTags } from '../managed/ownership.js';

const jobDiff = new SettingsDiff(JobSettingsSchema as SettableFieldsSchema, jobDriftRules);

/** Why a known job is reset. */
export type ResetCause =
  /** spec.settings changed since they were last written: reset without reading first. */
  | 'SpecChanged'
  /** The job was changed in Databricks. */
  | 'Drifted'
  /** An earlier attempt created it and did not live to write status. */
  | 'Found'
  /** An earlier object of this namespace and name left it (deletionPolicy Retain, or orphaned). */
  | 'Reclaimed';

/** What {@link decideJob} decided, with what the reconciler needs to act on it. */
export type JobDecision =
  | { readonly action: 'create'; readonly replaces?: string }
  | {
      readonly action: 'update';
      readonly jobId: string;
      readonly cause: ResetCause;
      readonly diff?: readonly string[];
      /** For `Reclaimed`: the marker it carried, and other jobs left with the same one. */
      readonly leftBy?: Readonly<Record<string, string>>;
      readonly alsoLeft?: readonly string[];
    }
  | { readonly action: 'adopt'; readonly jobId: string; readonly diff: readonly string[] }
  | { readonly action: 'refuse'; readonly reason: string; readonly message: string }
  | { readonly action: 'none'; readonly jobId: string };

/** What the reconcile must read before deciding. */
export type JobRead =
  | { readonly read: 'nothing' }
  | { readonly read: 'job'; readonly jobId: string }
  /** The shared listing, for a job marked with this object's UID or left behind by an earlier object. */
  | { readonly read: 'marked' };

/** What status and spec say about the job, before anything is read. */
export interface JobRecord {
  /** `status.jobId`: the job this object manages. */
  readonly recorded?: string;
  /** `spec.jobId`: the job to adopt while status records none. */
  readonly adopt?: string;
  /** Whether the desired settings' hash differs from the one status recorded. */
  readonly specChanged: boolean;
}

/** What was read, as {@link jobReads} asked. */
export interface JobObservation {
  /** The job read by ID; `null` when Databricks has none. */
  readonly job?: Job | null;
  /** The marker search: this object's job, or else the ones an earlier object of its name left, oldest first. */
  readonly marked?: { readonly owned?: Job; readonly leftBehind: readonly Job[] };
}

/** Who the job is decided for, and the live DatabricksJobs whose marker makes a job theirs. */
export interface JobOwner {
  readonly object: KubeObject;
  readonly owners: Pick<ObjectStore<KubeObject>, 'get'>;
}

/** The one read a decision needs: none on a spec change, the job by ID, or the marker search. */
export function jobReads(record: JobRecord): JobRead {
  if (record.recorded !== undefined) {
    return record.specChanged ? { read: 'nothing' } : { read: 'job', jobId: record.recorded };
  }
  if (record.adopt !== undefined) return { read: 'job', jobId: record.adopt };
  return { read: 'marked' };
}

/**
 * Decides what to do with the job, given the desired settings (marker included), what status records
 * and what was read. Adoption writes only what differs: a job whose settings already match gets the
 * marker alone (`adopt` with an empty diff).
 */
export function decideJob(
  desired: JobSettings,
  record: JobRecord,
  observed: JobObservation,
  owner: JobOwner,
  host: string,
): JobDecision {
  const { recorded, adopt, specChanged } = record;
  if (recorded !== undefined) {
    if (specChanged) return { action: 'update', jobId: recorded, cause: 'SpecChanged' };
    if (!observed.job) return { action: 'create', replaces: recorded };
    const refusal = ownedElsewhere(observed.job, owner, 'status.jobId');
    if (refusal) return refusal;
    const diff = jobSettingsDifferences(desired, observed.job.settings);
    return diff.length > 0
      ? { action: 'update', jobId: recorded, cause: 'Drifted', diff }
      : { action: 'none', jobId: recorded };
  }
  if (adopt !== undefined) {
    if (!observed.job) {
      return {
        action: 'refuse',
        reason: 'JobNotFound',
        message: `spec.jobId: job ${adopt} does not exist in ${host}; point spec.jobId at an existing job, or remove it to create a new job`,
      };
    }
    const refusal = ownedElsewhere(observed.job, owner, 'spec.jobId');
    if (refusal) return refusal;
    const settings = observed.job.settings ?? {};
    if (jobSettingsDifferences(desired, settings).length === 0) return { action: 'none', jobId: adopt };
    const marked = { ...settings, tags: withOwnerTags(settings.tags, owner.object) };
    return { action: 'adopt', jobId: adopt, diff: jobSettingsDifferences(desired, marked) };
  }
  const { owned, leftBehind = [] } = observed.marked ?? {};
  if (owned) return { action: 'update', jobId: formatId(owned.job_id), cause: 'Found' };
  const [left, ...alsoLeft] = leftBehind;
  if (left) {
    return {
      action: 'update',
      jobId: formatId(left.job_id),
      cause: 'Reclaimed',
      ...(left.settings?.tags ? { leftBy: left.settings.tags } : {}),
      alsoLeft: alsoLeft.map((other) => formatId(other.job_id)),
    };
  }
  return { action: 'create' };
}

/** The field paths where the job's settings differ from `desired`, as the drift rules judge them. */
export function jobSettingsDifferences(desired: JobSettings, observed: JobSettings | undefined): string[] {
  return jobDiff.differences(desired, observed ?? {}).map((difference) => difference.path);
}

/**
 * `refuse` when an Asset Bundle deployed the job, or when its marker names another DatabricksJob that
 * still exists.
 */
function ownedElsewhere(observed: Job, owner: JobOwner, field: string): JobDecision | undefined {
  const jobId = formatId(observed.job_id);
  const deployment = observed.settings?.['deployment'] as
    { kind?: string; metadata_file_path?: string } | undefined;
  if (deployment?.kind === 'BUNDLE') {
    return {
      action: 'refuse',
      reason: 'OwnedElsewhere',
      message: `${field}: job ${jobId} is deployed by a Databricks Asset Bundle (${deployment.metadata_file_path ?? 'no metadata path'}); remove it from the bundle before managing it here`,
    };
  }
  try {
    refuseIfOwnedElsewhere({ tags: observed.settings?.tags, noun: 'job', id: jobId, field }, owner.object, {
      kind: 'DatabricksJob',
      store: owner.owners,
    });
  } catch (error) {
    if (!(error instanceof NotReadyError)) throw error;
    return { action: 'refuse', reason: error.reason, message: error.message };
  }
  return undefined;
}
