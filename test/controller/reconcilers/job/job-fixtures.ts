/**
 * What the DatabricksJob integration tests share: task shapes, the job as Databricks has it, the calls
 * that change something in Databricks, and the Events recorded about an object.
 */
import type { EventsV1Event } from '@kubernetes/client-node';
import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import type { FakeWorkspace } from '../../../fake-databricks/index.js';
import { RESOURCES, type OperatorTestBed } from '../../operator-test-bed.js';

export const JOBS = RESOURCES.DatabricksJob;

/** A notebook task on its own small cluster. */
export const notebookTask = (key: string, notebookPath = `/Shared/${key}`) => ({
  task_key: key,
  notebook_task: { notebook_path: notebookPath },
  new_cluster: { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 },
});

/** The settings part of `jobs/get`. */
export interface RemoteJob {
  readonly job_id: number;
  readonly settings: Record<string, unknown> & {
    name?: string;
    tags?: Record<string, string>;
    tasks?: Record<string, unknown>[];
  };
}

/** The job as Databricks has it, or undefined when it does not exist. */
export async function remoteJob(
  fake: FakeWorkspace,
  jobId: number | undefined,
): Promise<RemoteJob | undefined> {
  if (jobId === undefined) return undefined;
  try {
    return (await fake.ui.call('jobs/get', { job_id: jobId })) as unknown as RemoteJob;
  } catch {
    return undefined;
  }
}

/** Every job in the workspace (all pages, tasks included). */
export async function allRemoteJobs(fake: FakeWorkspace): Promise<RemoteJob[]> {
  const snapshot = fake.snapshot() as { jobs: { jobs: RemoteJob[] } };
  return snapshot.jobs.jobs;
}

/** Endpoints whose calls change something in Databricks. */
export const WRITE_ENDPOINTS = [
  'jobs/create',
  'jobs/reset',
  'jobs/update',
  'jobs/delete',
  'permissions/put',
  'permissions/patch',
] as const;

/** How many requests each endpoint got since the log was last cleared (only those that were sent). */
export function callsTo(fake: FakeWorkspace, endpoints: readonly string[]): Record<string, number> {
  return Object.fromEntries(endpoints.map((endpoint) => [endpoint, fake.requestCount(endpoint)]));
}

/** The write calls since the log was last cleared, by endpoint: `{}` when there were none. */
export function writes(fake: FakeWorkspace): Record<string, number> {
  return Object.fromEntries(Object.entries(callsTo(fake, WRITE_ENDPOINTS)).filter(([, count]) => count > 0));
}

/** The Events recorded about object `name`, oldest first. */
export async function eventsAbout(bed: OperatorTestBed, name: string): Promise<EventsV1Event[]> {
  const { items } = await bed.kube.events.listNamespacedEvent({ namespace: bed.namespace });
  return items.filter((event) => event.regarding?.name === name);
}

/** A DatabricksJob spec in workspace `ws`. */
export function jobSpec(settings: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { workspaceRef: { name: 'ws' }, settings, ...extra };
}

/** Creates a DatabricksJob and waits until it is Ready. */
export async function createReadyJob(
  bed: OperatorTestBed,
  name: string,
  settings: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<DatabricksJob> {
  await bed.create(JOBS, 'DatabricksJob', name, jobSpec(settings, extra));
  return bed.waitForCondition<DatabricksJob>(JOBS, name);
}
