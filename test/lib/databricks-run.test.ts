import { Chart, Testing } from 'cdk8s';
import {
  DatabricksJob,
  DatabricksRun,
  DatabricksWorkspace,
  PreviousRuns,
  type DatabricksRunProps,
} from '../../lib/index.js';

const workspace = DatabricksWorkspace.fromName('prod');
const job = DatabricksJob.fromName('train', workspace);

/** The metadata of a run synthesized with these props. */
function runMetadata(props: DatabricksRunProps, id = 'train-now') {
  const chart = new Chart(Testing.app(), 'ml', { namespace: 'ml' });
  new DatabricksRun(chart, id, props);
  return Testing.synth(chart).find((object) => object.kind === 'DatabricksRun')!.metadata as {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

describe('DatabricksRun runOnChange', () => {
  it('names the object <id>-<hash of what runs>, the same for the same run however its props are written', () => {
    const a = runMetadata({ job, jobParameters: { epochs: '20', lr: '0.1' }, runOnChange: true });
    const b = runMetadata({ job, jobParameters: { lr: '0.1', epochs: '20' }, runOnChange: true });
    expect(a.name).toMatch(/^train-now-[0-9a-f]{10}$/);
    expect(b.name).toBe(a.name);
    expect(a.labels).toMatchObject({ 'databricks.operator.dev/run-of': 'train-now' });
  });

  it.each<[string, DatabricksRunProps]>([
    ['a parameter', { job, jobParameters: { epochs: '21', lr: '0.1' } }],
    [
      'the job',
      { job: DatabricksJob.fromName('other', workspace), jobParameters: { epochs: '20', lr: '0.1' } },
    ],
    [
      'the workspace',
      {
        job: DatabricksJob.fromName('train'),
        workspace: DatabricksWorkspace.fromName('staging'),
        jobParameters: { epochs: '20', lr: '0.1' },
      },
    ],
    [
      'another run-now field',
      { job, jobParameters: { epochs: '20', lr: '0.1' }, runNow: { only: ['train'] } },
    ],
    ['the trigger', { job, jobParameters: { epochs: '20', lr: '0.1' }, runOnChange: { trigger: 'v2' } }],
  ])('gives a new name when %s changes', (_, props) => {
    const before = runMetadata({ job, jobParameters: { epochs: '20', lr: '0.1' }, runOnChange: true });
    expect(runMetadata({ runOnChange: true, ...props }).name).not.toBe(before.name);
  });

  it('hashes a one-time run by its submit payload, and keeps the name when only cancelOnDelete changes', () => {
    const submit = { tasks: [{ task_key: 'a', notebook_task: { notebook_path: '/a' } }] };
    const first = runMetadata({ workspace, submit, runOnChange: true });
    expect(runMetadata({ workspace, submit, runOnChange: true, cancelOnDelete: false }).name).toBe(
      first.name,
    );
    const other = { tasks: [{ task_key: 'a', notebook_task: { notebook_path: '/b' } }] };
    expect(runMetadata({ workspace, submit: other, runOnChange: true }).name).not.toBe(first.name);
  });

  it('starts from metadata.name when given, and keeps the labels and annotations given', () => {
    const metadata = runMetadata({
      job,
      runOnChange: true,
      metadata: {
        name: 'nightly-train',
        labels: { team: 'ml' },
        annotations: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true', note: 'kept' },
      },
    });
    expect(metadata.name).toMatch(/^nightly-train-[0-9a-f]{10}$/);
    expect(metadata.labels).toMatchObject({ team: 'ml', 'databricks.operator.dev/run-of': 'nightly-train' });
    expect(metadata.annotations).toMatchObject({
      'argocd.argoproj.io/sync-options': 'ServerSideApply=true,Prune=false',
      note: 'kept',
    });
  });

  it('keeps earlier runs from being pruned by Argo CD or Flux, and out of sync status, by default', () => {
    expect(runMetadata({ job, runOnChange: true }).annotations).toEqual({
      'argocd.argoproj.io/sync-options': 'Prune=false',
      'argocd.argoproj.io/compare-options': 'IgnoreExtraneous',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    });
  });

  it('lets the GitOps tool prune earlier runs with PreviousRuns.PRUNE', () => {
    const metadata = runMetadata({ job, runOnChange: { previousRuns: PreviousRuns.PRUNE } });
    expect(metadata.name).toMatch(/^train-now-[0-9a-f]{10}$/);
    expect(metadata.annotations ?? {}).toEqual({});
  });

  it('leaves the name to cdk8s without runOnChange', () => {
    expect(runMetadata({ job }).name).toMatch(/^ml-train-now-[0-9a-f]{8}$/);
  });

  it('refuses an id that cannot start a name, saying to set metadata.name', () => {
    const chart = new Chart(Testing.app(), 'ml');
    new DatabricksRun(chart, 'Train Now', { job, runOnChange: true });
    expect(() => Testing.synth(chart)).toThrow(
      'runOnChange names the object "<name>-<hash>", and "Train Now" cannot start such a name: set metadata.name',
    );
  });
});
