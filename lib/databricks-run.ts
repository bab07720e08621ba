import { createHash } from 'node:crypto';
import type { Construct } from 'constructs';
import type { DatabricksRunSpec, RunNowSettings, RunSubmitSettings } from './crds/databricks-run.js';
import { DatabricksApiObject, type DatabricksObjectProps } from './databricks-api-object.js';
import type { IDatabricksJob } from './databricks-job.js';
import type { IDatabricksWorkspace } from './databricks-workspace.js';
import { referenceScopeProblem } from './reference-scope.js';
import { taskGraphProblems } from './task-graph.js';

/**
 * What a GitOps tool does with the object of the previous run once a change in Git named a new one
 * (see {@link RunOnChangeOptions}).
 */
export enum PreviousRuns {
  /**
   * Keep it: Argo CD (`Prune=false`, `IgnoreExtraneous`) and Flux (`prune: disabled`) neither delete it
   * nor count it as out of sync, so a run still going is never cancelled by a later commit, and the
   * objects stay as a history (`kubectl get dbrun -l databricks.operator.dev/run-of=<name>`). Delete old
   * ones yourself: a failed one keeps an Argo CD app Degraded.
   */
  KEEP = 'Keep',
  /**
   * Let the GitOps tool prune it like any object gone from Git: the newest commit's run is the only one
   * left, and a run still going when it is pruned is cancelled unless `cancelOnDelete` is false.
   */
  PRUNE = 'Prune',
}

/** Options of {@link DatabricksRunProps.runOnChange}. */
export interface RunOnChangeOptions {
  /**
   * Anything else whose change should start a new run (a model version, a data date, a commit), mixed
   * into the name's hash with what runs.
   *
   * @default - only what runs (workspace, job and run-now parameters, or the submit payload)
   */
  readonly trigger?: string;
  /**
   * What happens to the object of the previous run once a change named a new one.
   *
   * @default PreviousRuns.KEEP
   */
  readonly previousRuns?: PreviousRuns;
}

/** Label naming the run of which a {@link DatabricksRunProps.runOnChange} object is one generation. */
export const RUN_OF_LABEL = 'databricks.operator.dev/run-of';

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
  /**
   * Start the run from Git: the object is named `<name>-<hash>`, the hash taken over what it runs
   * (workspace, job and run-now parameters, or the submit payload, and `trigger`). Applying the same
   * manifests again (an Argo CD sync, `kubectl apply`) finds the same object and starts nothing; a change
   * names a new object, which starts exactly one new run. Without it, a change to what runs is refused
   * by the API server (`runNow is immutable`), as a run happens once. `<name>` is `metadata.name`, else
   * the construct id; the object is labelled {@link RUN_OF_LABEL}: `<name>`.
   *
   * Not Argo CD hooks: a hook runs again on every sync, and any change in the app syncs it.
   *
   * @default false
   */
  readonly runOnChange?: boolean | RunOnChangeOptions;
}

/**
 * One run: a run-now of a {@link DatabricksJob} (synthesizes `spec.jobRef`), or a one-time run
 * (`spec.submit`). The controller starts it once, when the object is created, and reports its state.
 *
 * @example
 * new DatabricksRun(chart, 'train-now', { job: trainingJob, jobParameters: { epochs: '20' } });
 */
export class DatabricksRun extends DatabricksApiObject<DatabricksRunSpec> {
  /** The workspace the run happens in, if known. */
  readonly workspace?: IDatabricksWorkspace;
  /** The job this is a run of, if any. */
  readonly job?: IDatabricksJob;
  private readonly runProps: DatabricksRunProps;

  constructor(scope: Construct, id: string, props: DatabricksRunProps) {
    super(scope, id, 'DatabricksRun', { ...props, metadata: runMetadata(id, props) });
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
    const misplaced =
      props.job &&
      referenceScopeProblem(
        { construct: this, kind: 'DatabricksRun', workspace: this.workspace },
        'job (spec.jobRef)',
        props.job,
      );
    if (misplaced) problems.push(misplaced);
    if (props.runNow?.job_parameters && props.jobParameters) {
      problems.push('jobParameters and runNow.job_parameters are mutually exclusive; keep jobParameters');
    }
    if (props.submit) {
      problems.push(...taskGraphProblems(props.submit.tasks, props.submit.job_clusters ?? [], 'submit'));
    }
    if (props.runOnChange && !DNS_LABEL_PREFIX.test(runBaseName(this.node.id, props))) {
      problems.push(
        `runOnChange names the object "<name>-<hash>", and "${runBaseName(this.node.id, props)}" cannot start ` +
          "such a name: set metadata.name to at most 52 lowercase letters, digits and '-', starting with a letter or digit",
      );
    }
    return problems;
  }

  protected renderSpec(): DatabricksRunSpec {
    // Unreachable in a synth: validation, which refuses a run without a workspace, runs first.
    if (!this.workspace) throw new Error(`${this.node.path}: workspace is not set; set workspace`);
    return {
      workspaceRef: { name: this.workspace.name },
      ...runTarget(this.runProps),
      cancelOnDelete: this.runProps.cancelOnDelete,
    };
  }
}

/** A name `runOnChange` can append `-<hash>` to and stay a DNS label (63 characters). */
const DNS_LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/;
const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
const COMPARE_OPTIONS = 'argocd.argoproj.io/compare-options';

/** What the run runs, from its props alone: a job with its run-now parameters, or a one-time run. */
function runTarget(props: DatabricksRunProps): Pick<DatabricksRunSpec, 'jobRef' | 'runNow' | 'submit'> {
  return {
    jobRef: props.job ? { name: props.job.name } : undefined,
    runNow:
      props.runNow || props.jobParameters
        ? { ...props.runNow, ...(props.jobParameters && { job_parameters: { ...props.jobParameters } }) }
        : undefined,
    submit: props.submit,
  };
}

function runBaseName(id: string, props: DatabricksRunProps): string {
  return props.metadata?.name ?? id;
}

/**
 * The metadata as given, or for `runOnChange` the name `<name>-<hash>`, the run-of label, and the
 * annotations that keep GitOps tools from pruning earlier runs ({@link PreviousRuns.KEEP}).
 */
function runMetadata(id: string, props: DatabricksRunProps): DatabricksRunProps['metadata'] {
  if (!props.runOnChange) return props.metadata;
  const options: RunOnChangeOptions = props.runOnChange === true ? {} : props.runOnChange;
  const workspace = props.workspace ?? props.job?.workspace;
  const workspaceRef = workspace ? { name: workspace.name } : undefined;
  const { jobRef, runNow, submit } = runTarget(props);
  // What runs, and where: the fields a run cannot change (cancelOnDelete can, so it is left out).
  const hash = createHash('sha256')
    .update(canonicalJson({ workspaceRef, jobRef, runNow, submit, trigger: options.trigger }))
    .digest('hex')
    .slice(0, 10);
  const base = runBaseName(id, props);
  const annotations: Record<string, string> = { ...props.metadata?.annotations };
  if ((options.previousRuns ?? PreviousRuns.KEEP) === PreviousRuns.KEEP) {
    annotations[SYNC_OPTIONS] = withOption(annotations[SYNC_OPTIONS], 'Prune=false');
    annotations[COMPARE_OPTIONS] = withOption(annotations[COMPARE_OPTIONS], 'IgnoreExtraneous');
    annotations['kustomize.toolkit.fluxcd.io/prune'] = 'disabled';
  }
  return {
    ...props.metadata,
    name: `${base}-${hash}`,
    labels: { ...props.metadata?.labels, [RUN_OF_LABEL]: base },
    annotations,
  };
}

/** Argo CD's comma-separated option list with `option` added. */
function withOption(list: string | undefined, option: string): string {
  const options = (list ?? '').split(',').map((item) => item.trim());
  return options.includes(option) ? (list ?? option) : [...options.filter(Boolean), option].join(',');
}

/** JSON with object keys sorted, so that the hash does not depend on the order props were written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
