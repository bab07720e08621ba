/**
 * A DatabricksJob under `managementPolicy: Observe`: the job is read, never written. It is the one
 * `spec.jobId` names, else the one status recorded, else the one carrying this object's marker (an object
 * managed before and switched to Observe). Status says its ID, and the `InSync` condition and
 * `driftedFields` say where it differs from `spec.settings`, by the same drift rules as a managed job; the
 * marker does not count, as an observed job never gets one. A job another DatabricksJob or an Asset
 * Bundle owns is refused as it is when managed, so that switching to Manage later cannot take it.
 */
import { formatId, type DatabricksClient, type Job, type JobSettings } from '../../databricks/index.js';
import type { DatabricksJobStatus } from '../../../lib/crds/index.js';
import { NotReadyError, WORKSPACE_INDEX, workspaceKeyOf, type Applied } from '../managed/managed.js';
import { OBSERVED_REASON, inSyncCondition, observedMessage } from '../managed/observation.js';
import { isLeftBehindFor, withoutOwnerTags } from '../managed/ownership.js';
import type { DatabricksJob, JobContext } from './job-types.js';
import { decideJob, jobSettingsDifferences } from './job-decision.js';
import { jobName } from './job-placement.js';
import { JobView } from './job-view.js';

/** Reads the job `job` observes and reports how it differs from `settings` (the desired settings). */
export async function observeJob(
  job: DatabricksJob,
  settings: JobSettings,
  client: DatabricksClient,
  context: JobContext,
): Promise<Applied<DatabricksJobStatus>> {
  const view = JobView.of(client, context.view);
  const managedJobs = context.jobs.keysByIndex(WORKSPACE_INDEX, workspaceKeyOf(job)[0]).length;
  const named = job.spec.jobId ?? job.status?.jobId;
  const field = job.spec.jobId !== undefined ? 'spec.jobId' : 'status.jobId';
  let observed: Job | undefined;
  if (named !== undefined) {
    const jobId = formatId(named);
    observed = await view.job(jobId, managedJobs);
    if (!observed) {
      throw new NotReadyError(
        'JobNotFound',
        `${field}: job ${jobId} does not exist in ${client.host}; managementPolicy Observe never creates one: point spec.jobId at the job to observe`,
      );
    }
    // The same ownership rules as adoption: refused, it throws; otherwise nothing else is decided here.
    const decision = decideJob(
      settings,
      { adopt: jobId, specChanged: false },
      { job: observed },
      { object: job, owners: context.jobs },
      client.host,
    );
    if (decision.action === 'refuse') throw new NotReadyError(decision.reason, decision.message);
  } else {
    const marked = await view.findMarked(job.metadata.uid ?? '', jobName(job), managedJobs, (listed) =>
      isLeftBehindFor(listed.settings?.tags, job),
    );
    observed = marked.owned ?? marked.leftBehind[0];
    if (!observed) {
      throw new NotReadyError(
        'JobNotFound',
        `no job in ${client.host} carries this object's marker, and spec.jobId is not set; managementPolicy Observe never creates one: set spec.jobId to the job to observe`,
      );
    }
  }
  const jobId = formatId(observed.job_id);
  const drifted = jobSettingsDifferences(
    { ...settings, tags: withoutOwnerTags(settings.tags) ?? {} },
    { ...observed.settings, tags: withoutOwnerTags(observed.settings?.tags) ?? {} },
  );
  return {
    status: { jobId: Number(jobId), url: `${client.host}/jobs/${jobId}`, driftedFields: drifted },
    reason: OBSERVED_REASON,
    message: observedMessage(`job ${jobId}`),
    conditions: [inSyncCondition(`job ${jobId}`, 'spec.settings', drifted, job.metadata.generation)],
  };
}
