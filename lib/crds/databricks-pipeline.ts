import { type Static } from '@sinclair/typebox';
import { celValidations, unchanged } from './cel-rules.js';
import { Conditions, ObservedGeneration } from './conditions.js';
import { READY_COLUMN, REASON_COLUMN, type KindDefinition } from './custom-resource-definition.js';
import { DeletionPolicy } from './deletion-policy.js';
import { DriftedFields, ManagementPolicy } from './management-policy.js';
import { WorkspaceReference } from './object-references.js';
import { objectPermissions, PermissionsHash } from './permissions.js';
import { PipelineSettings } from './pipeline-settings.js';
import { Opt, Str, StringEnum, Struct } from './schema-types.js';

/** `spec` of a DatabricksPipeline: the pipeline settings and what deletion does. */
export const DatabricksPipelineSpec = Struct(
  {
    workspaceRef: WorkspaceReference,
    settings: PipelineSettings,
    permissions: Opt(
      objectPermissions('pipelines', {
        level:
          'Permission level. A pipeline has exactly one IS_OWNER; a list that names none keeps the current owner.',
        permissions: 'Who may view, run, manage or own the pipeline.',
      }),
    ),
    deletionPolicy: Opt(DeletionPolicy),
    managementPolicy: Opt(ManagementPolicy),
    pipelineId: Opt(
      Str(
        'Adopt this existing pipeline instead of creating one. Its settings are replaced by spec.settings.',
        { minLength: 1 },
      ),
    ),
  },
  'The desired Lakeflow Declarative Pipeline. The controller creates or edits it to match settings; a continuous pipeline is kept running, a triggered one is updated only by jobs (pipeline_task) or users.',
  // Pointing an existing object at another pipeline would orphan the pipeline it manages.
  celValidations(
    unchanged(
      'pipelineId',
      'delete this DatabricksPipeline (deletionPolicy Retain keeps the pipeline) and adopt the other pipeline with a new one',
    ),
  ),
);
export type DatabricksPipelineSpec = Static<typeof DatabricksPipelineSpec>;

/** The pipeline states `status.state` can hold; the controller shows any other as UNKNOWN. */
export const PIPELINE_STATES = [
  'IDLE',
  'STARTING',
  'DEPLOYING',
  'RESETTING',
  'RUNNING',
  'STOPPING',
  'RECOVERING',
  'FAILED',
  'DELETED',
  'UNKNOWN',
] as const;
export type PipelineStateName = (typeof PIPELINE_STATES)[number];

/** Whether Databricks' pipeline `state` is one the CRD's enum holds. */
export function isPipelineState(state: string): state is PipelineStateName {
  return (PIPELINE_STATES as readonly string[]).includes(state);
}

/** `status` of a DatabricksPipeline, written by the controller. */
export const DatabricksPipelineStatus = Struct(
  {
    observedGeneration: Opt(ObservedGeneration),
    conditions: Opt(Conditions),
    pipelineId: Opt(Str('Databricks pipeline ID.')),
    driftedFields: Opt(DriftedFields),
    url: Opt(Str('Link to the pipeline in the workspace UI.')),
    state: Opt(StringEnum(PIPELINE_STATES, 'Pipeline state reported by Databricks.')),
    health: Opt(Str('HEALTHY or UNHEALTHY, as Databricks reports it.')),
    cause: Opt(Str('Why the pipeline is in its state (for FAILED, the failure).')),
    latestUpdate: Opt(
      Struct(
        {
          updateId: Opt(Str('ID of the newest update.')),
          state: Opt(Str('Its state: QUEUED, RUNNING, COMPLETED, FAILED, CANCELED, ...')),
          creationTime: Opt(Str('When it was created (RFC 3339).')),
        },
        'The newest update of the pipeline.',
      ),
    ),
    settingsHash: Opt(Str('Hash of the settings last applied, to detect spec changes.')),
    permissionsHash: Opt(PermissionsHash),
  },
  'What the controller observed about the pipeline.',
);
export type DatabricksPipelineStatus = Static<typeof DatabricksPipelineStatus>;

/** The DatabricksPipeline kind: names, schemas and printer columns of its CRD. */
export const DATABRICKS_PIPELINE: KindDefinition<
  'DatabricksPipeline',
  DatabricksPipelineSpec,
  DatabricksPipelineStatus
> = {
  kind: 'DatabricksPipeline',
  plural: 'databrickspipelines',
  singular: 'databrickspipeline',
  shortName: 'dbpipeline',
  description:
    'DatabricksPipeline is a Lakeflow Declarative Pipeline (Delta Live Tables): spec.settings is the pipeline specification, verbatim.',
  spec: DatabricksPipelineSpec,
  status: DatabricksPipelineStatus,
  printerColumns: [
    {
      name: 'Pipeline ID',
      type: 'string',
      jsonPath: '.status.pipelineId',
      description: 'Databricks pipeline ID.',
    },
    {
      name: 'State',
      type: 'string',
      jsonPath: '.status.state',
      description: 'Pipeline state in Databricks.',
    },
    READY_COLUMN,
    REASON_COLUMN,
    {
      name: 'Update',
      type: 'string',
      jsonPath: '.status.latestUpdate.state',
      description: 'State of the newest update.',
      priority: 1,
    },
  ],
};
