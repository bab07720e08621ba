import {
  decidePipelineRun,
  pipelineSettingsDifferences,
  type PipelineRunFacts,
} from '../../../../controller/reconcilers/pipeline/pipeline-decision.js';
import type { PipelineSettings } from '../../../../controller/databricks/index.js';

const desired: PipelineSettings = {
  name: 'etl',
  catalog: 'main',
  schema: 'etl',
  libraries: [{ notebook: { path: '/Shared/etl' } }],
  clusters: [{ label: 'default', num_workers: 2 }],
  configuration: { 'etl.source': 'raw' },
  tags: { team: 'data' },
  allow_duplicate_names: true,
  run_as: { user_name: 'etl@example.com' },
};

/** What pipelines/get returns for `desired`: the backend defaults added, the write-only fields gone. */
const remote = {
  id: 'p1',
  name: 'etl',
  catalog: 'main',
  schema: 'etl',
  channel: 'CURRENT',
  edition: 'ADVANCED',
  libraries: [{ notebook: { path: '/Shared/etl' } }],
  clusters: [
    {
      label: 'default',
      num_workers: 2,
      node_type_id: 'i3.xlarge',
      driver_node_type_id: 'i3.xlarge',
      enable_local_disk_encryption: false,
    },
  ],
  configuration: { 'etl.source': 'raw', 'spark.sql.ansi.enabled': 'true' },
  tags: { team: 'data' },
};

describe('pipelineSettingsDifferences', () => {
  it('sees no drift in the backend defaults, the ANSI configuration key or the write-only fields', () => {
    expect(pipelineSettingsDifferences(desired, remote)).toEqual([]);
  });

  it('names what was changed in Databricks (a map key the spec does not name is not compared, as for clusters)', () => {
    const changed = {
      ...remote,
      development: true,
      channel: 'PREVIEW',
      configuration: { 'etl.source': 'other', 'spark.sql.ansi.enabled': 'true', extra: 'x' },
      tags: {},
    };
    expect(pipelineSettingsDifferences(desired, changed)).toEqual([
      'channel',
      'configuration.etl.source',
      'development',
      'tags',
    ]);
  });

  it('sees the ANSI key when the spec sets it to something else', () => {
    const ansiOff = { ...desired, configuration: { 'spark.sql.ansi.enabled': 'false' } };
    expect(pipelineSettingsDifferences(ansiOff, remote)).toContain('configuration.spark.sql.ansi.enabled');
  });
});

describe('decidePipelineRun', () => {
  const facts = (over: Partial<PipelineRunFacts>): PipelineRunFacts => ({
    continuous: true,
    state: 'RUNNING',
    edited: false,
    failureReported: false,
    ...over,
  });

  it.each([
    [{ state: 'RUNNING' }, { step: 'ready', reason: 'Running' }],
    [{ state: 'RUNNING', edited: true }, { step: 'wait' }],
    [{ state: 'STARTING' }, { step: 'wait' }],
    [{ state: 'RECOVERING' }, { step: 'wait' }],
    [{ state: 'IDLE' }, { step: 'start' }],
    [{ state: 'FAILED' }, { step: 'failed' }],
    [{ state: 'FAILED', failureReported: true }, { step: 'start' }],
    [
      { continuous: false, state: 'IDLE' },
      { step: 'ready', reason: 'Idle' },
    ],
    [
      { continuous: false, state: 'RUNNING' },
      { step: 'ready', reason: 'Updating' },
    ],
    [
      { continuous: false, state: 'FAILED' },
      { step: 'ready', reason: 'UpdateFailed' },
    ],
  ] as const)('%j → %j', (over, expected) => {
    expect(decidePipelineRun(facts(over))).toEqual(expected);
  });
});
