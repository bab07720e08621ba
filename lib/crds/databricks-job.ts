import { type Static } from '@sinclair/typebox';
import { celValidations, unchanged } from './cel-rules.js';
import { Conditions, ObservedGeneration } from './conditions.js';
import { READY_COLUMN, REASON_COLUMN, type KindDefinition } from './custom-resource-definition.js';
import { JobDeletionPolicy } from './deletion-policy.js';
import { JobSettings } from './job-settings.js';
import { DriftedFields, ManagementPolicy } from './management-policy.js';
import { WorkspaceReference } from './object-references.js';
import { accessControlEntry, objectPermissions, PERMISSION_LEVELS, PermissionsHash } from './permissions.js';
import { Bool, Int64, Opt, Str, Struct } from './schema-types.js';

const JOB_PERMISSIONS_WORDING = {
  level: 'Permission level. A job has exactly one IS_OWNER.',
  permissions: 'Who may view, run, manage or own the job.',
};

/** One entry of a job's or a run's access control list (the Jobs API's JobAccessControlRequest). */
export const JobAccessControlEntry = accessControlEntry(
  PERMISSION_LEVELS.jobs,
  JOB_PERMISSIONS_WORDING.level,
);

/** `spec.permissions` of a DatabricksJob: the access control list and how it is applied. */
export const JobPermissions = objectPermissions('jobs', JOB_PERMISSIONS_WORDING);

/** `spec` of a DatabricksJob: the Jobs API 2.2 settings plus operator fields. */
export const DatabricksJobSpec = Struct(
  {
    workspaceRef: WorkspaceReference,
    settings: JobSettings,
    permissions: Opt(JobPermissions),
    deletionPolicy: Opt(JobDeletionPolicy),
    managementPolicy: Opt(ManagementPolicy),
    jobId: Opt(
      Int64(
        'Adopt this existing Databricks job instead of creating one. Its settings are replaced by spec.settings.',
        { minimum: 1 },
      ),
    ),
  },
  'The desired job. The controller creates or resets the job so it matches settings, and never writes spec.',
  // Pointing an existing object at another job would orphan the job it manages.
  celValidations(
    unchanged(
      'jobId',
      'delete this DatabricksJob (deletionPolicy Retain keeps the job) and adopt the other job with a new one',
    ),
  ),
);
export type DatabricksJobSpec = Static<typeof DatabricksJobSpec>;

/** `status` of a DatabricksJob, written by the controller. */
export const DatabricksJobStatus = Struct(
  {
    observedGeneration: Opt(ObservedGeneration),
    conditions: Opt(Conditions),
    jobId: Opt(Int64('Databricks job ID.')),
    url: Opt(Str('Link to the job in the workspace UI.')),
    settingsHash: Opt(Str('Hash of the settings last applied, to detect spec changes.')),
    permissionsHash: Opt(PermissionsHash),
    paused: Opt(Bool('True when deletionPolicy Pause paused the job.')),
    driftedFields: Opt(DriftedFields),
    lastSyncTime: Opt(
      Str('When the controller last wrote the job to match the spec.', { format: 'date-time' }),
    ),
    lastRun: Opt(
      Struct(
        {
          runId: Opt(Int64('Databricks run ID.')),
          state: Opt(
            Str(
              'The result (SUCCESS, FAILED, CANCELED, ...) once the run ended, else its life-cycle state (PENDING, RUNNING, ...).',
            ),
          ),
          url: Opt(Str('run_page_url: the run in the workspace UI.')),
          startTime: Opt(Str('When the run started.', { format: 'date-time' })),
          endTime: Opt(Str('When the run ended.', { format: 'date-time' })),
        },
        "The job's newest run, from the workspace's recent runs (updated at resync, and every minute while it is active).",
      ),
    ),
  },
  'What the controller observed about the job.',
);
export type DatabricksJobStatus = Static<typeof DatabricksJobStatus>;

/** The DatabricksJob kind: names, schemas and printer columns of its CRD. */
export const DATABRICKS_JOB: KindDefinition<'DatabricksJob', DatabricksJobSpec, DatabricksJobStatus> = {
  kind: 'DatabricksJob',
  plural: 'databricksjobs',
  singular: 'databricksjob',
  shortName: 'dbjob',
  description:
    'DatabricksJob is a Databricks job: spec.settings is the Jobs API 2.2 JobSettings, verbatim. The controller keeps the job in the workspace equal to it.',
  spec: DatabricksJobSpec,
  status: DatabricksJobStatus,
  printerColumns: [
    { name: 'Job ID', type: 'integer', jsonPath: '.status.jobId', description: 'Databricks job ID.' },
    READY_COLUMN,
    REASON_COLUMN,
    {
      name: 'Last Run',
      type: 'string',
      jsonPath: '.status.lastRun.state',
      description: 'Result or state of the newest run.',
    },
    { name: 'URL', type: 'string', jsonPath: '.status.url', description: 'Job page.', priority: 1 },
  ],
};
