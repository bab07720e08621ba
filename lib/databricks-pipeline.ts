import type { Construct } from 'constructs';
import type { DatabricksPipelineSpec } from './crds/databricks-pipeline.js';
import { DatabricksApiObject, type DatabricksObjectProps } from './databricks-api-object.js';
import type { IDatabricksWorkspace } from './databricks-workspace.js';
import type { DeletionPolicy, ManagementPolicy } from './deletion-policy.js';
import { Grants, type Principal } from './permission-grants.js';

/** A pipeline that pipeline tasks can update: anything with the name of a `DatabricksPipeline`. */
export interface IDatabricksPipeline {
  /** The kind, so that only a DatabricksPipeline (or its fromName) can stand here. */
  readonly kind: 'DatabricksPipeline';
  /** The name of the `DatabricksPipeline` object, in the same namespace. */
  readonly name: string;
  /** The workspace the pipeline lives in, if known: a task of a job in another workspace cannot use it. */
  readonly workspace?: IDatabricksWorkspace;
}

/** The settings of a pipeline (`spec.settings`). */
export type PipelineSettingsProps = DatabricksPipelineSpec['settings'];
/** The permissions of a pipeline (`spec.permissions`). */
export type PipelinePermissions = NonNullable<DatabricksPipelineSpec['permissions']>;
/** What a principal may do with a pipeline. */
export type PipelinePermissionLevel = PipelinePermissions['access_control_list'][number]['permission_level'];

/** Props of {@link DatabricksPipeline}. */
export interface DatabricksPipelineProps extends DatabricksObjectProps {
  /** The workspace the pipeline lives in (`spec.workspaceRef`). */
  readonly workspace: IDatabricksWorkspace;
  /**
   * The pipeline settings (Pipelines API), verbatim: `libraries`, `catalog` and `schema`, `continuous`,
   * `development`, `clusters` or `serverless`, `configuration`, `channel`, `edition`, `notifications`, ...
   * `name` defaults to the object's name.
   */
  readonly settings: PipelineSettingsProps;
  /**
   * Who may view, run, manage or own the pipeline (`spec.permissions`); {@link DatabricksPipeline.grant}
   * adds entries.
   *
   * @default - permissions are left as Databricks has them
   */
  readonly permissions?: PipelinePermissions;
  /**
   * What happens to the Databricks pipeline when this object is deleted.
   *
   * @default 'Delete'
   */
  readonly deletionPolicy?: DeletionPolicy;
  /**
   * `Observe` to only read the pipeline (give `pipelineId`) and report where it differs, never writing.
   *
   * @default 'Manage'
   */
  readonly managementPolicy?: ManagementPolicy;
  /**
   * The ID of an existing pipeline to adopt instead of creating one.
   *
   * @default - a new pipeline is created
   */
  readonly pipelineId?: string;
}

/**
 * A Lakeflow Declarative Pipeline. A job updates it with `TaskType.pipeline(pipeline)`, which synthesizes
 * `pipeline_task.pipeline_ref`. A continuous pipeline is kept running by the controller; a triggered one
 * runs when a job or a user starts an update.
 *
 * @example
 * const sales = new DatabricksPipeline(chart, 'sales', {
 *   workspace,
 *   settings: { catalog: 'main', schema: 'sales', serverless: true, libraries: [{ glob: { include: '/Workspace/etl/sales/**' } }] },
 * });
 */
export class DatabricksPipeline
  extends DatabricksApiObject<DatabricksPipelineSpec>
  implements IDatabricksPipeline
{
  declare readonly kind: 'DatabricksPipeline';

  /**
   * A pipeline defined elsewhere, by the name of its `DatabricksPipeline` object.
   *
   * @param workspace its workspace, checked at synth against the jobs that use it
   */
  static fromName(name: string, workspace?: IDatabricksWorkspace): IDatabricksPipeline {
    return { kind: 'DatabricksPipeline', name, workspace };
  }

  /** The workspace the pipeline lives in. */
  readonly workspace: IDatabricksWorkspace;
  /** The pipeline settings. */
  readonly settings: PipelineSettingsProps;
  private readonly deletionPolicy?: DeletionPolicy;
  private readonly managementPolicy?: ManagementPolicy;
  private readonly pipelineId?: string;
  private readonly grants: Grants<PipelinePermissionLevel>;

  constructor(scope: Construct, id: string, props: DatabricksPipelineProps) {
    super(scope, id, 'DatabricksPipeline', props);
    this.workspace = props.workspace;
    this.settings = props.settings;
    this.deletionPolicy = props.deletionPolicy;
    this.managementPolicy = props.managementPolicy;
    this.pipelineId = props.pipelineId;
    this.grants = new Grants(props.permissions);
    this.node.addValidation({ validate: () => pipelineSettingsProblems(this.settings) });
  }

  /**
   * Grants a permission on the pipeline (`spec.permissions.access_control_list`).
   *
   * @example
   * pipeline.grant({ group: 'analysts' }, 'CAN_VIEW');
   */
  grant(principal: Principal, level: PipelinePermissionLevel): this {
    this.grants.add(principal, level);
    return this;
  }

  protected renderSpec(): DatabricksPipelineSpec {
    return {
      workspaceRef: { name: this.workspace.name },
      settings: this.settings,
      permissions: this.grants.render(),
      deletionPolicy: this.deletionPolicy,
      managementPolicy: this.managementPolicy,
      pipelineId: this.pipelineId,
    };
  }
}

/** What the API server would refuse in the settings, said at synth time with the fix. */
function pipelineSettingsProblems(settings: PipelineSettingsProps): string[] {
  const problems: string[] = [];
  if (settings.schema !== undefined && settings.target !== undefined) {
    problems.push(
      'settings.schema and settings.target are the same setting (target is its old name); keep schema',
    );
  }
  settings.libraries?.forEach((library, index) => {
    const sources = Object.keys(library);
    if (sources.length !== 1) {
      problems.push(
        `settings.libraries[${index}] names ${sources.length === 0 ? 'no source' : sources.join(' and ')}; give exactly one of notebook, file, glob, jar, whl, maven`,
      );
    }
  });
  const tags = Object.keys(settings.tags ?? {}).length;
  if (tags > 23) {
    problems.push(
      `settings.tags has ${tags} tags; at most 23 (Databricks allows 25, and the controller adds 2)`,
    );
  }
  return problems;
}
