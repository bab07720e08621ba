import { clusterDriftRules, jobDriftRules } from '../../../controller/drift/drift-rules.js';
import { parseRulePath, matchesRule } from '../../../controller/drift/field-path.js';
import { SettingsDiff, type SettableFieldsSchema } from '../../../controller/drift/settings-diff.js';

const stringMap: SettableFieldsSchema = { additionalProperties: {} };
const clusterSpec: SettableFieldsSchema = {
  properties: {
    spark_version: {},
    node_type_id: {},
    num_workers: {},
    autoscale: { properties: { min_workers: {}, max_workers: {} } },
    spark_conf: stringMap,
    custom_tags: stringMap,
    aws_attributes: { properties: { availability: {} } },
    apply_policy_default_values: {},
    enable_elastic_disk: {},
    data_security_mode: {},
    autotermination_minutes: {},
  },
};
const task: SettableFieldsSchema = {
  properties: {
    task_key: {},
    run_if: {},
    depends_on: { items: { properties: { task_key: {} } } },
    notebook_task: { properties: { notebook_path: {}, source: {} } },
    new_cluster: clusterSpec,
    job_cluster_key: {},
    timeout_seconds: {},
    libraries: { items: { properties: { jar: {}, whl: {} } } },
  },
};
const jobSettings: SettableFieldsSchema = {
  properties: {
    name: {},
    tags: stringMap,
    tasks: { items: task },
    job_clusters: { items: { properties: { job_cluster_key: {}, new_cluster: clusterSpec } } },
    schedule: { properties: { quartz_cron_expression: {}, timezone_id: {} } },
    max_concurrent_runs: {},
    timeout_seconds: {},
    email_notifications: { properties: { on_failure: { items: {} } } },
    queue: { properties: { enabled: {} } },
    format: {},
    run_as: { properties: { user_name: {} } },
  },
};

const jobs = new SettingsDiff(jobSettings, jobDriftRules);

const desiredJob = {
  name: 'nightly-etl',
  tags: { team: 'data' },
  job_clusters: [
    { job_cluster_key: 'main', new_cluster: { spark_version: '15.4.x-scala2.12', num_workers: 2 } },
  ],
  tasks: [
    { task_key: 'ingest', notebook_task: { notebook_path: '/etl/ingest' }, job_cluster_key: 'main' },
    {
      task_key: 'transform',
      depends_on: [{ task_key: 'ingest' }],
      notebook_task: { notebook_path: '/etl/transform' },
      job_cluster_key: 'main',
    },
  ],
};

/** What jobs/get gives back for `desiredJob` on a real workspace: defaults filled in, order changed. */
const observedJob = {
  name: 'nightly-etl',
  tags: { team: 'data' },
  format: 'MULTI_TASK',
  max_concurrent_runs: 1,
  timeout_seconds: 0,
  email_notifications: {},
  queue: { enabled: true },
  run_as: { user_name: 'someone@example.com' },
  job_clusters: [
    {
      job_cluster_key: 'main',
      new_cluster: {
        spark_version: '15.4.x-scala2.12',
        num_workers: 2,
        node_type_id: 'i3.xlarge',
        enable_elastic_disk: true,
        data_security_mode: 'SINGLE_USER',
        aws_attributes: { availability: 'SPOT_WITH_FALLBACK' },
      },
    },
  ],
  tasks: [
    {
      task_key: 'transform',
      run_if: 'ALL_SUCCESS',
      depends_on: [{ task_key: 'ingest' }],
      notebook_task: { notebook_path: '/etl/transform', source: 'WORKSPACE' },
      job_cluster_key: 'main',
      timeout_seconds: 0,
    },
    {
      task_key: 'ingest',
      run_if: 'ALL_SUCCESS',
      notebook_task: { notebook_path: '/etl/ingest', source: 'WORKSPACE' },
      job_cluster_key: 'main',
    },
  ],
};

describe('SettingsDiff for job settings', () => {
  test('finds nothing when Databricks only added its defaults and reordered tasks', () => {
    expect(jobs.differences(desiredJob, observedJob)).toEqual([]);
  });

  test('reports a field someone changed in the UI, named by task key', () => {
    const edited = structuredClone(observedJob);
    edited.tasks[1].notebook_task.notebook_path = '/etl/ingest-v2';
    expect(jobs.differences(desiredJob, edited)).toEqual([
      {
        path: 'tasks[ingest].notebook_task.notebook_path',
        desired: '/etl/ingest',
        observed: '/etl/ingest-v2',
      },
    ]);
  });

  test('reports a settable field added in Databricks that the spec leaves out', () => {
    const edited = {
      ...observedJob,
      schedule: { quartz_cron_expression: '0 0 2 * * ?', timezone_id: 'UTC' },
    };
    expect(jobs.differences(desiredJob, edited).map((d) => d.path)).toEqual(['schedule']);
  });

  test('reports a task deleted in Databricks and a task added there', () => {
    const edited = structuredClone(observedJob);
    edited.tasks[0].task_key = 'extra';
    const paths = jobs.differences(desiredJob, edited).map((d) => d.path);
    expect(paths).toEqual(['tasks[extra]', 'tasks[transform]']);
  });

  test('a backend default with a non-default value is drift', () => {
    expect(jobs.differences(desiredJob, { ...observedJob, max_concurrent_runs: 5 })).toEqual([
      { path: 'max_concurrent_runs', desired: undefined, observed: 5 },
    ]);
    expect(jobs.differences(desiredJob, { ...observedJob, queue: { enabled: false } })).toEqual([]);
  });

  test('ignores output-only fields the schema does not declare', () => {
    const withOutput = { ...observedJob, deployment: { kind: 'BUNDLE' }, edit_mode_effective: 'x' };
    expect(jobs.differences(desiredJob, withOutput)).toEqual([]);
  });

  test('ignores fields Databricks accepts but never returns', () => {
    const desired = structuredClone(desiredJob);
    (desired.job_clusters[0].new_cluster as Record<string, unknown>).apply_policy_default_values = true;
    expect(jobs.differences(desired, observedJob)).toEqual([]);
  });

  test('a value the spec sets explicitly must match even where the backend has a default', () => {
    const desired = { ...desiredJob, max_concurrent_runs: 3 };
    expect(jobs.differences(desired, observedJob)).toEqual([
      { path: 'max_concurrent_runs', desired: 3, observed: 1 },
    ]);
  });

  test('a zero value the spec sets explicitly is not covered by the backend default', () => {
    const noQueue = { ...desiredJob, queue: { enabled: false } };
    expect(jobs.differences(noQueue, observedJob)).toEqual([
      { path: 'queue.enabled', desired: false, observed: true },
    ]);
    expect(jobs.differences(noQueue, { ...observedJob, queue: { enabled: false } })).toEqual([]);
    expect(jobs.differences(noQueue, { ...observedJob, queue: undefined })).toEqual([]);
    const neverRun = { ...desiredJob, max_concurrent_runs: 0 };
    expect(jobs.differences(neverRun, observedJob)).toEqual([
      { path: 'max_concurrent_runs', desired: 0, observed: 1 },
    ]);
    expect(jobs.differences(neverRun, { ...observedJob, max_concurrent_runs: 0 })).toEqual([]);
  });

  test('treats an int64 id sent as a string and returned as a number as equal', () => {
    const schema: SettableFieldsSchema = { properties: { run_job_task: { properties: { job_id: {} } } } };
    const diff = new SettingsDiff(schema, jobDriftRules);
    expect(
      diff.differences(
        { run_job_task: { job_id: '9007199254740993' } },
        { run_job_task: { job_id: '9007199254740993' } },
      ),
    ).toEqual([]);
    expect(diff.differences({ run_job_task: { job_id: '12' } }, { run_job_task: { job_id: 12 } })).toEqual(
      [],
    );
    expect(
      diff.differences({ run_job_task: { job_id: '12' } }, { run_job_task: { job_id: 13 } }),
    ).toHaveLength(1);
  });

  test('compares unkeyed arrays by position', () => {
    const desired = { tasks: [{ task_key: 'a', libraries: [{ jar: 'a.jar' }, { whl: 'b.whl' }] }] };
    const observed = { tasks: [{ task_key: 'a', libraries: [{ whl: 'b.whl' }, { jar: 'a.jar' }] }] };
    expect(jobs.differences(desired, observed).map((d) => d.path)).toEqual([
      'tasks[a].libraries[0].jar',
      'tasks[a].libraries[0].whl',
      'tasks[a].libraries[1].jar',
      'tasks[a].libraries[1].whl',
    ]);
  });

  test('map keys added in Databricks are drift, removed ones too', () => {
    expect(jobs.differences(desiredJob, { ...observedJob, tags: { team: 'data', cost: 'x' } })).toEqual([
      { path: 'tags.cost', desired: undefined, observed: 'x' },
    ]);
    expect(jobs.differences(desiredJob, { ...observedJob, tags: {} })).toEqual([
      { path: 'tags', desired: { team: 'data' }, observed: {} },
    ]);
  });
});

describe('SettingsDiff for clusters', () => {
  const clusters = new SettingsDiff(clusterSpec, clusterDriftRules);
  const desired = { spark_version: '15.4.x-scala2.12', autoscale: { min_workers: 1, max_workers: 4 } };
  const observed = {
    cluster_id: '1125-101010-abcdefgh',
    state: 'RUNNING',
    spark_version: '15.4.x-scala2.12',
    autoscale: { min_workers: 1, max_workers: 4 },
    num_workers: 1,
    node_type_id: 'i3.xlarge',
    enable_elastic_disk: true,
    aws_attributes: { availability: 'SPOT_WITH_FALLBACK' },
    default_tags: { Vendor: 'Databricks' },
  };

  test('finds nothing at steady state', () => {
    expect(clusters.differences(desired, observed)).toEqual([]);
  });

  test('reports a resize done outside the operator', () => {
    expect(
      clusters.differences(desired, { ...observed, autoscale: { min_workers: 1, max_workers: 8 } }),
    ).toEqual([{ path: 'autoscale.max_workers', desired: 4, observed: 8 }]);
  });
});

describe('rule paths', () => {
  test('match concrete paths element by element', () => {
    const rule = parseRulePath('tasks[*].new_cluster.node_type_id');
    const path = parseRulePath('tasks[*].new_cluster.node_type_id');
    expect(matchesRule(path, rule)).toBe(true);
    expect(matchesRule(parseRulePath('tasks.new_cluster.node_type_id'), rule)).toBe(false);
  });

  test('reject a malformed rule with the path in the message', () => {
    expect(() => parseRulePath('tasks[0].x')).toThrow('drift rule path "tasks[0].x"');
  });
});
