/**
 * Runs from Git, as a GitOps tool applies them: the synthesized YAML of an app with a
 * `runOnChange` DatabricksRun, applied with kubectl (what an Argo CD sync does) again and again.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App, Chart } from 'cdk8s';
import {
  DatabricksJob,
  DatabricksRun,
  DatabricksWorkspace,
  RUN_OF_LABEL,
  TaskType,
} from '../../lib/index.js';
import type { DatabricksRun as DatabricksRunObject } from '../../controller/reconcilers/run/run.js';
import { cachedBinaries } from '../control-plane/kube-binaries.js';
import { RESOURCES, useOperatorTestBed } from '../controller/operator-test-bed.js';

const RUNS = RESOURCES.DatabricksRun;

/** The app as it would be in Git: a training job and a run of it with these parameters. */
function synthesize(namespace: string, epochs: string): string {
  const app = new App();
  const chart = new Chart(app, 'ml', { namespace });
  const job = new DatabricksJob(chart, 'train', {
    workspace: DatabricksWorkspace.fromName('ws'),
    parameters: { epochs: '10' },
  });
  const cluster = job.addJobCluster('small', {
    spark_version: '15.4.x-scala2.12',
    node_type_id: 'i3.xlarge',
    num_workers: 1,
  });
  job.addTask('train', { type: TaskType.notebook('/Shared/train'), runOn: cluster });
  new DatabricksRun(chart, 'train-now', { job, jobParameters: { epochs }, runOnChange: true });
  return app.synthYaml();
}

describe('a DatabricksRun with runOnChange, applied from Git', () => {
  const bed = useOperatorTestBed('run-from-git');
  let dir: string;

  beforeEach(() => {
    bed.fake.setTiming({ runPendingMs: 50, taskRunningMs: 100, runTerminatingMs: 50 });
    dir = mkdtempSync(join(tmpdir(), 'run-from-git-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** `kubectl apply` of the app's YAML, as a sync does; returns what kubectl says it did. */
  async function apply(yaml: string): Promise<string> {
    const file = join(dir, 'app.k8s.yaml');
    writeFileSync(file, yaml);
    const built = cachedBinaries().kubectl;
    const { stdout } = await promisify(execFile)(existsSync(built) ? built : 'kubectl', [
      'apply',
      '-f',
      file,
    ]);
    return stdout;
  }

  async function runsOfTrainNow(): Promise<DatabricksRunObject[]> {
    const list = await bed.kube.list<DatabricksRunObject>(RUNS, bed.namespace, {
      labelSelector: `${RUN_OF_LABEL}=train-now`,
    });
    return list.items;
  }

  it('starts one run however often the same app is applied, and exactly one more when a parameter changes', async () => {
    const first = synthesize(bed.namespace, '20');
    expect(await apply(first)).toMatch(
      /databricksrun\.databricks\.operator\.dev\/train-now-[0-9a-f]{10} created/,
    );
    const [run] = await runsOfTrainNow();
    await bed.waitForCondition(RUNS, run.metadata.name, { type: 'Succeeded' });

    // The same commit synced again, and synthesized again: nothing new in the cluster, so no run.
    expect(await apply(first)).toMatch(/train-now-[0-9a-f]{10} unchanged/);
    expect(await apply(synthesize(bed.namespace, '20'))).toMatch(/train-now-[0-9a-f]{10} unchanged/);
    expect((await runsOfTrainNow()).map((object) => object.metadata.name)).toEqual([run.metadata.name]);
    expect(bed.fake.requests({ endpoint: 'jobs/run-now' })).toHaveLength(1);

    // A commit that changes a parameter: a new object, and one new run with the new parameter.
    const changed = await apply(synthesize(bed.namespace, '30'));
    expect(changed).toMatch(/train-now-[0-9a-f]{10} created/);
    expect(changed).toMatch(/databricksjob\.databricks\.operator\.dev\/\S+ unchanged/);
    const runs = await runsOfTrainNow();
    expect(runs).toHaveLength(2);
    const next = runs.find((object) => object.metadata.name !== run.metadata.name)!;
    await bed.waitForCondition(RUNS, next.metadata.name, { type: 'Succeeded' });
    expect(await apply(synthesize(bed.namespace, '30'))).toMatch(/train-now-[0-9a-f]{10} unchanged/);
    const runNows = bed.fake.requests({ endpoint: 'jobs/run-now' });
    expect(runNows.map((request) => (request.body as { job_parameters: unknown }).job_parameters)).toEqual([
      { epochs: '20' },
      { epochs: '30' },
    ]);
    // The first run's object stays (not pruned, not cancelled), out of Argo CD's sync status.
    const kept = await bed.get<DatabricksRunObject>(RUNS, run.metadata.name);
    expect(kept?.metadata.annotations).toMatchObject({
      'argocd.argoproj.io/sync-options': 'Prune=false',
      'argocd.argoproj.io/compare-options': 'IgnoreExtraneous',
    });
    // Five kubectl processes, a job and two runs to their end: more than the 30 s default can hold on a
    // loaded machine.
  }, 60_000);
});
