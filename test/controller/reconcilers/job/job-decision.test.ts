/**
 * The job decision as a table: what status and spec say, what was read, and what the reconcile does.
 * No I/O: each row runs in microseconds.
 */
import type { Job, JobSettings } from '../../../../controller/databricks/index.js';
import { describeDecision } from '../../../../controller/reconcilers/managed/decision.js';
import {
  decideJob,
  jobReads,
  type JobDecision,
  type JobObservation,
  type JobRecord,
} from '../../../../controller/reconcilers/job/job-decision.js';
import { ObjectStore } from '../../../../controller/runtime/object-store.js';
import type { KubeObject } from '../../../../controller/runtime/kube-client.js';

const HOST = 'https://adb-1.azuredatabricks.net';
const self: KubeObject = { metadata: { namespace: 'team', name: 'etl', uid: 'uid-self' } };
const marker = (namespace: string, name: string, uid: string) => ({
  'k8s-owner': `${namespace}/${name}`,
  'k8s-owner-uid': uid,
});
const OURS = marker('team', 'etl', 'uid-self');
const LIVE_OTHER = marker('team', 'other', 'uid-other');
const GONE_OTHER = marker('team', 'gone', 'uid-gone');
const EARLIER_SELF = marker('team', 'etl', 'uid-earlier');

const settings = (extra: Partial<JobSettings> = {}): JobSettings => ({
  name: 'nightly',
  tasks: [{ task_key: 'ingest', notebook_task: { notebook_path: '/Shared/ingest' } }],
  ...extra,
});
const desired = settings({ tags: { team: 'data', ...OURS } });
const job = (id: number, extra: Partial<JobSettings> = {}): Job => ({
  job_id: id,
  settings: settings({ tags: { team: 'data' }, ...extra }),
});

/** The live DatabricksJobs: `other` still exists, `gone` does not. */
const owners = new ObjectStore<KubeObject>();
owners.upsert({ metadata: { namespace: 'team', name: 'other', uid: 'uid-other' } });

const decide = (record: JobRecord, observed: JobObservation): JobDecision =>
  decideJob(desired, record, observed, { object: self, owners }, HOST);

describe('what a job reconcile reads before deciding', () => {
  it.each<[string, JobRecord, ReturnType<typeof jobReads>]>([
    ['status records a job and the spec changed', { recorded: '7', specChanged: true }, { read: 'nothing' }],
    [
      'status records a job, spec unchanged',
      { recorded: '7', specChanged: false },
      { read: 'job', jobId: '7' },
    ],
    ['spec.jobId to adopt', { adopt: '9', specChanged: true }, { read: 'job', jobId: '9' }],
    ['a first reconcile', { specChanged: true }, { read: 'marked' }],
  ])('%s', (_, record, reads) => {
    expect(jobReads(record)).toEqual(reads);
  });
});

describe('what to do with a job', () => {
  it.each<[string, JobRecord, JobObservation, JobDecision, string]>([
    // A first reconcile, without spec.jobId.
    [
      'nothing marked: create',
      { specChanged: true },
      { marked: { leftBehind: [] } },
      { action: 'create' },
      'create',
    ],
    [
      'one this object created before a crash: reset it, not a second one',
      { specChanged: true },
      { marked: { owned: job(5, { tags: OURS }), leftBehind: [] } },
      { action: 'update', jobId: '5', cause: 'Found' },
      'update (spec changed)',
    ],
    [
      'jobs an earlier object of this name left: reclaim the oldest',
      { specChanged: true },
      { marked: { leftBehind: [job(3, { tags: EARLIER_SELF }), job(4, { tags: EARLIER_SELF })] } },
      { action: 'update', jobId: '3', cause: 'Reclaimed', leftBy: EARLIER_SELF, alsoLeft: ['4'] },
      'update (spec changed)',
    ],
    // Adoption through spec.jobId.
    [
      'adopting a job whose settings match: the marker only',
      { adopt: '9', specChanged: true },
      { job: job(9) },
      { action: 'adopt', jobId: '9', diff: [] },
      'adopt (marker only)',
    ],
    [
      'adopting a job a gone object marked, settings matching: the marker only',
      { adopt: '9', specChanged: true },
      { job: job(9, { tags: { team: 'data', ...GONE_OTHER } }) },
      { action: 'adopt', jobId: '9', diff: [] },
      'adopt (marker only)',
    ],
    [
      'adopting a job whose settings differ: those fields, and a reset',
      { adopt: '9', specChanged: true },
      { job: job(9, { max_concurrent_runs: 4, tags: { team: 'ops' } }) },
      { action: 'adopt', jobId: '9', diff: ['max_concurrent_runs', 'tags.team'] },
      'adopt max_concurrent_runs, tags.team',
    ],
    [
      'adopting a job already marked as ours and matching: nothing to write',
      { adopt: '9', specChanged: true },
      { job: job(9, { tags: { team: 'data', ...OURS } }) },
      { action: 'none', jobId: '9' },
      'none',
    ],
    [
      'adopting a job that does not exist',
      { adopt: '9', specChanged: true },
      { job: null },
      {
        action: 'refuse',
        reason: 'JobNotFound',
        message: `spec.jobId: job 9 does not exist in ${HOST}; point spec.jobId at an existing job, or remove it to create a new job`,
      },
      `refuse (JobNotFound: spec.jobId: job 9 does not exist in ${HOST}; point spec.jobId at an existing job, or remove it to create a new job)`,
    ],
    [
      'adopting a job another live DatabricksJob owns',
      { adopt: '9', specChanged: true },
      { job: job(9, { tags: LIVE_OTHER }) },
      {
        action: 'refuse',
        reason: 'OwnedElsewhere',
        message:
          'spec.jobId: job 9 belongs to DatabricksJob team/other (uid uid-other); delete that object (deletionPolicy Retain keeps the job) before adopting it here',
      },
      'refuse (OwnedElsewhere: spec.jobId: job 9 belongs to DatabricksJob team/other (uid uid-other); delete that object (deletionPolicy Retain keeps the job) before adopting it here)',
    ],
    [
      'adopting a job an Asset Bundle deployed',
      { adopt: '9', specChanged: true },
      {
        job: job(9, {
          deployment: { kind: 'BUNDLE', metadata_file_path: '/bundle/meta.json' },
        } as JobSettings),
      },
      {
        action: 'refuse',
        reason: 'OwnedElsewhere',
        message:
          'spec.jobId: job 9 is deployed by a Databricks Asset Bundle (/bundle/meta.json); remove it from the bundle before managing it here',
      },
      'refuse (OwnedElsewhere: spec.jobId: job 9 is deployed by a Databricks Asset Bundle (/bundle/meta.json); remove it from the bundle before managing it here)',
    ],
    // The job status records.
    [
      'spec changed: reset without reading',
      { recorded: '7', specChanged: true },
      {},
      { action: 'update', jobId: '7', cause: 'SpecChanged' },
      'update (spec changed)',
    ],
    [
      'matches: leave it',
      { recorded: '7', specChanged: false },
      { job: job(7, { tags: { team: 'data', ...OURS } }) },
      { action: 'none', jobId: '7' },
      'none',
    ],
    [
      'changed in Databricks: reset, naming the fields',
      { recorded: '7', specChanged: false },
      { job: job(7, { timeout_seconds: 60, tags: { team: 'data', ...OURS } }) },
      { action: 'update', jobId: '7', cause: 'Drifted', diff: ['timeout_seconds'] },
      'update timeout_seconds',
    ],
    [
      'its marker removed in Databricks: that is drift too',
      { recorded: '7', specChanged: false },
      { job: job(7) },
      { action: 'update', jobId: '7', cause: 'Drifted', diff: ['tags.k8s-owner', 'tags.k8s-owner-uid'] },
      'update tags.k8s-owner, tags.k8s-owner-uid',
    ],
    [
      'deleted in Databricks: create it again',
      { recorded: '7', specChanged: false },
      { job: null },
      { action: 'create', replaces: '7' },
      'create',
    ],
    [
      'taken over by another live DatabricksJob since',
      { recorded: '7', specChanged: false },
      { job: job(7, { tags: LIVE_OTHER }) },
      {
        action: 'refuse',
        reason: 'OwnedElsewhere',
        message:
          'status.jobId: job 7 belongs to DatabricksJob team/other (uid uid-other); delete that object (deletionPolicy Retain keeps the job) before adopting it here',
      },
      'refuse (OwnedElsewhere: status.jobId: job 7 belongs to DatabricksJob team/other (uid uid-other); delete that object (deletionPolicy Retain keeps the job) before adopting it here)',
    ],
  ])('%s', (_, record, observed, decision, line) => {
    const decided = decide(record, observed);
    expect(decided).toEqual(decision);
    expect(describeDecision(decided)).toBe(line);
  });
});
