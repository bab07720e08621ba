import type { Construct } from 'constructs';
import type { DatabricksRunSpec, RunNowSettings, RunSubmitSettings } from './crds/databricks-run.js';
import { DatabricksApiObject, type DatabricksObjectProps } from './databricks-api-object.js';
import type { IDatabricksJob } from './databricks-job.js';
import type { IDatabricksWorkspace } from './databricks-workspace.js';
import { taskGraphProblems } from './task-graph.js';

/** Props of {@link DatabricksRun}. */
export interface DatabricksRunProps extends DatabricksObjectProps {
  /**
   * The workspace the run happens in (`spec.workspaceRef`).
   *
   * @default - the workspace of `job`
   */
  readonly workspace?: IDatabricksWorkspace;
  /**
   * The job to run now (`spec.jobRef`). Exactly one of `job` and `submit`.
   *
   * @default - none; then `submit` is required
   */
  readonly job?: IDatabricksJob;
  /**
   * Job parameters of the run (`spec.runNow.job_parameters`); they override the job's defaults.
   *
   * @default - the job's defaults
   */
  readonly jobParameters?: Readonly<Record<string, string>>;
  /**
   * Any other run-now field, verbatim (`only`, `queue`, `performance_target`, the legacy `*_params`).
   *
   * @default - none
   */
  readonly runNow?: RunNowSettings;
  /**
   * A one-time run that is not saved as a job (the `runs/submit` payload, verbatim). Exactly one of `job`
   * and `submit`.
   *
   * @default - none; then `job` is required
   */
  readonly submit?: RunSubmitSettings;
  /**
   * Whether deleting this object cancels the run while it is active.
   *
   * @default true
   */
  readonly cancelOnDelete?: boolean;
}

/**
 * One run: a run-now of a {@link DatabricksJob} (synthesizes `spec.jobRef`), or a one-time run
 * (`spec.submit`). The controller starts it once, when the object is created, and reports its state.
 *
 * @example
 * new DatabricksRun(chart, 'train-now', { job: trainingJob, jobParameters: { epochs: '20' } });
 */
export class DatabricksRun extends DatabricksApiObject {
  /** The workspace the run happens in, if known. */
  readonly workspace?: IDatabricksWorkspace;
  /** The job this is a run of, if any. */
  readonly job?: IDatabricksJob;
  private readonly runProps: DatabricksRunProps;

  constructor(scope: Construct, id: string, props: DatabricksRunProps) {
    super(scope, id, 'DatabricksRun', props);
    this.runProps = props;
    this.job = props.job;
    this.workspace = props.workspace ?? props.job?.workspace;
    this.node.addValidation({ validate: () => this.problems() });
  }

  private problems(): string[] {
    const props = this.runProps;
    const problems: string[] = [];
    if (props.job && props.submit) {
      problems.push(
        'job (spec.jobRef) and submit (spec.submit) are mutually exclusive: a run is either a run of a job ' +
          'or a one-time run; keep one',
      );
    } else if (!props.job && !props.submit) {
      problems.push('a run needs either job (a run of a DatabricksJob) or submit (a one-time run); set one');
    }
    if (!props.job && (props.jobParameters || props.runNow)) {
      problems.push('jobParameters and runNow only apply to a run of a job; set job, or remove them');
    }
    if (!this.workspace) {
      problems.push('workspace is not set and the job does not say which workspace it is in; set workspace');
    }
    if (props.runNow?.job_parameters && props.jobParameters) {
      problems.push('jobParameters and runNow.job_parameters are mutually exclusive; keep jobParameters');
    }
    if (props.submit) {
      problems.push(...taskGraphProblems(props.submit.tasks, props.submit.job_clusters ?? [], 'submit'));
    }
    return problems;
  }

  protected renderSpec(): object {
    const props = this.runProps;
    const runNow: Record<string, unknown> | undefined =
      props.runNow || props.jobParameters ? { ...props.runNow } : undefined;
    if (runNow && props.jobParameters) runNow.job_parameters = { ...props.jobParameters };
    const spec: Partial<DatabricksRunSpec> = {
      workspaceRef: this.workspace ? { name: this.workspace.name } : undefined,
      jobRef: this.job ? { name: this.job.name } : undefined,
      runNow: runNow as RunNowSettings | undefined,
      submit: props.submit,
      cancelOnDelete: props.cancelOnDelete,
    };
    return spec;
  }
}
