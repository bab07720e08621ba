import { type Static } from '@sinclair/typebox';
import { celValidations, exactlyOneOf, unchanged } from './cel-rules.js';
import { Conditions, ObservedGeneration } from './conditions.js';
import { READY_COLUMN, REASON_COLUMN, type KindDefinition } from './custom-resource-definition.js';
import { JobDeletionPolicy } from './deletion-policy.js';
import { JobSettings } from './job-settings.js';
import { DriftedFields, ManagementPolicy } from './management-policy.js';
import { WorkspaceReference } from './object-references.js';
import { Bool, Int64, List, Opt, Str, StringEnum, Struct } from './schema-types.js';

/** One entry of a job's or a run's access control list (the Jobs API's JobAccessControlRequest). */
export const JobAccessControlEntry = Struct(
  {
    user_name: Opt(Str('User (email) granted the level.')),
    group_name: Opt(Str('Group granted the level.')),
    service_principal_name: Opt(Str('Service principal (application ID) granted the level.')),
    permission_level: StringEnum(
      ['CAN_VIEW', 'CAN_MANAGE_RUN', 'CAN_MANAGE', 'IS_OWNER'] as const,
      'Permission level. A job has exactly one IS_OWNER.',
    ),
  },
  'A permission for one principal. Set exactly one of user_name, group_name, service_principal_name.',
  celValidations(exactlyOneOf(['user_name', 'group_name', 'service_principal_name'], 'access control entry')),
);

/** `spec.permissions` of a DatabricksJob: the access control list and how it is applied. */
export const JobPermissions = Struct(
  {
    mode: StringEnum(
      ['Additive', 'Authoritative'] as const,
      'Additive grants the listed permissions and leaves others alone; Authoritative makes the list the complete set of direct permissions.',
      { default: 'Additive' },
    ),
    access_control_list: List(
      JobAccessControlEntry,
      'The permissions, verbatim as the Permissions API takes them.',
      {
        maxItems: 200,
      },
    ),
  },
  'Who may view, run, manage or own the job.',
  celValidations({
    rule: "self.access_control_list.filter(e, e.permission_level == 'IS_OWNER').size() <= 1",
    message: 'permissions.access_control_list: at most one entry may have permission_level IS_OWNER',
    fieldPath: '.access_control_list',
  }),
);

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
    permissionsHash: Opt(Str('Hash of the permissions last applied.')),
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
