import { ApiObject, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import {
  DatabricksJob,
  DatabricksOperator,
  DatabricksRun,
  DatabricksWorkspace,
  setSyncWave,
  TaskType,
  WorkspaceAuth,
} from '../../lib/index.js';
import { KINDS, renderCrdManifest } from '../../lib/crds/index.js';

const WAVE = 'argocd.argoproj.io/sync-wave';

function wavesOf(chart: Chart): Record<string, string | undefined> {
  return Object.fromEntries(
    Testing.synth(chart).map((object) => [
      `${object.kind}/${object.metadata.name}`,
      object.metadata.annotations?.[WAVE] as string | undefined,
    ]),
  );
}

function objects(scope: Construct) {
  const workspace = new DatabricksWorkspace(scope, 'ws', {
    host: 'https://example.cloud.databricks.com',
    auth: WorkspaceAuth.token({ name: 'pat', key: 'token' }),
    metadata: { name: 'ws' },
  });
  const job = new DatabricksJob(scope, 'job', { workspace, metadata: { name: 'job' } });
  job.addTask('a', { type: TaskType.notebook('/a') });
  return { workspace, job };
}

describe('Argo CD sync waves', () => {
  it('puts a Databricks object in the wave its syncWave says, and leaves the others at the default', () => {
    const chart = new Chart(Testing.app(), 'app');
    const { job } = objects(chart);
    new DatabricksRun(chart, 'run', { job, syncWave: 1, metadata: { name: 'run' } });
    expect(wavesOf(chart)).toEqual({
      'DatabricksWorkspace/ws': undefined,
      'DatabricksJob/job': undefined,
      'DatabricksRun/run': '1',
    });
  });

  it('gives every Databricks object under a scope the wave of setSyncWave, the nearest scope and the object itself winning', () => {
    const chart = new Chart(Testing.app(), 'app');
    setSyncWave(chart, 2);
    const { job } = objects(chart);
    const later = new Construct(chart, 'later');
    setSyncWave(later, 3);
    new DatabricksRun(later, 'run', { job, metadata: { name: 'run' } });
    new DatabricksRun(later, 'first', { job, syncWave: -3, metadata: { name: 'first' } });
    new DatabricksRun(later, 'annotated', {
      job,
      metadata: { name: 'annotated', annotations: { [WAVE]: '7' } },
    });
    new ApiObject(chart, 'secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pat' } });
    expect(wavesOf(chart)).toEqual({
      'DatabricksWorkspace/ws': '2',
      'DatabricksJob/job': '2',
      'DatabricksRun/run': '3',
      'DatabricksRun/first': '-3',
      'DatabricksRun/annotated': '7',
      // Only the Databricks constructs read setSyncWave.
      'Secret/pat': undefined,
    });
  });

  it('refuses a wave that is not a whole number', () => {
    const chart = new Chart(Testing.app(), 'app');
    expect(() => setSyncWave(chart, 0.5)).toThrow('app: sync wave 0.5 must be a whole number');
    const { workspace } = objects(chart);
    new DatabricksJob(chart, 'odd', { workspace, syncWave: 1.5 }).addTask('a', {
      type: TaskType.notebook('/a'),
    });
    expect(() => Testing.synth(chart)).toThrow('syncWave 1.5 must be a whole number');
  });

  it('puts the operator install after the CRDs and before the objects, unless told otherwise', () => {
    const install = (props = {}) => {
      const chart = new Chart(Testing.app(), 'operator');
      new DatabricksOperator(chart, 'operator', props);
      return Object.values(wavesOf(chart));
    };
    expect(new Set(install())).toEqual(new Set(['-1']));
    expect(new Set(install({ syncWave: -5 }))).toEqual(new Set(['-5']));
    expect(new Set(install({ syncWave: undefined }))).toEqual(new Set([undefined]));
  });

  it('puts every CRD of dist/ in the first wave', () => {
    const waves = parseAllDocuments(renderCrdManifest()).map(
      (document) =>
        (document.toJS() as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[
          WAVE
        ],
    );
    expect(waves).toEqual(Array(KINDS.length).fill('-2'));
  });
});
