import { jobDriftRules } from '../../../controller/drift/drift-rules.js';
import { SettingsDiff, type SettableFieldsSchema } from '../../../controller/drift/settings-diff.js';
import { JobSettings } from '../../../lib/crds/index.js';
import { withServerDefaults } from '../../fake-databricks/job-settings.js';

// The real JobSettings schema of the CRD against what the fake workspace stores for a write (the
// backend defaults BEHAVIOUR.md §9 and resources.yml list): a job the controller just wrote is no drift.
const diff = new SettingsDiff(JobSettings as SettableFieldsSchema, jobDriftRules);
const stored = (settings: Record<string, unknown>, api22 = true) =>
  withServerDefaults(settings, { queueByDefault: api22, runAs: { user_name: 'someone@example.com' } });

const cluster = { spark_version: '15.4.x-scala2.12', num_workers: 2, spark_conf: { 'spark.x': '1' } };
const everything = {
  name: 'nightly',
  description: 'all the parts a job can have',
  tags: { team: 'data', 'k8s-owner': 'ns/nightly', 'k8s-owner-uid': 'u-1' },
  job_clusters: [{ job_cluster_key: 'main', new_cluster: { ...cluster, apply_policy_default_values: true } }],
  environments: [{ environment_key: 'py', spec: { environment_version: '2', dependencies: ['pandas'] } }],
  parameters: [{ name: 'day', default: 'today' }],
  tasks: [
    { task_key: 'ingest', notebook_task: { notebook_path: '/etl/ingest' }, job_cluster_key: 'main' },
    {
      task_key: 'score',
      depends_on: [{ task_key: 'ingest' }],
      spark_python_task: { python_file: '/etl/score.py', parameters: ['--day', '{{job.parameters.day}}'] },
      new_cluster: { spark_version: '15.4.x-scala2.12', autoscale: { min_workers: 1, max_workers: 4 } },
      libraries: [{ pypi: { package: 'requests' } }],
      max_retries: 2,
    },
    {
      task_key: 'each',
      depends_on: [{ task_key: 'score' }],
      run_if: 'ALL_DONE',
      for_each_task: {
        inputs: '[1,2]',
        task: {
          task_key: 'each_inner',
          notebook_task: { notebook_path: '/etl/one' },
          job_cluster_key: 'main',
        },
      },
    },
    {
      task_key: 'serverless',
      environment_key: 'py',
      python_wheel_task: { package_name: 'p', entry_point: 'e' },
    },
  ],
  schedule: { quartz_cron_expression: '0 0 2 * * ?', timezone_id: 'UTC', pause_status: 'UNPAUSED' },
  email_notifications: { on_failure: ['ops@example.com'] },
  max_concurrent_runs: 3,
  timeout_seconds: 3600,
};

describe('job drift rules against the settings a workspace stores', () => {
  test('a job written through API 2.2 reads back without differences', () => {
    expect(diff.differences(everything, stored(everything))).toEqual([]);
  });

  test('a minimal job reads back without differences, whichever API version created it', () => {
    const minimal = { name: 'tiny', tasks: [{ task_key: 'a', notebook_task: { notebook_path: '/a' } }] };
    expect(diff.differences(minimal, stored(minimal))).toEqual([]);
    expect(diff.differences(minimal, stored(minimal, false))).toEqual([]);
  });

  test('an edit made in the UI on top of those defaults is found, named by task key', () => {
    const edited = stored(everything);
    const tasks = edited['tasks'] as Record<string, unknown>[];
    (tasks[1]['spark_python_task'] as Record<string, unknown>)['python_file'] = '/etl/other.py';
    edited['max_concurrent_runs'] = 1;
    expect(diff.differences(everything, edited).map((d) => d.path)).toEqual([
      'max_concurrent_runs',
      'tasks[score].spark_python_task.python_file',
    ]);
  });
});

describe('job drift rules: where a task reads its file from', () => {
  const git_source = {
    git_url: 'https://github.com/acme/etl.git',
    git_provider: 'gitHub',
    git_branch: 'main',
  };
  const withSource = (source?: string) => ({
    name: 'from-git',
    git_source,
    tasks: [
      {
        task_key: 'etl',
        notebook_task: { notebook_path: '/Repos/ci/etl/etl/main', ...(source && { source }) },
        existing_cluster_id: 'c-1',
      },
    ],
  });

  test('a resolved workspace path sent with source WORKSPACE in a job with git_source reads back the same', () => {
    expect(diff.differences(withSource('WORKSPACE'), stored(withSource('WORKSPACE')))).toEqual([]);
  });

  test('a job written before the path carried its source (Databricks filled in GIT) differs, so the next reconcile fixes it', () => {
    expect(diff.differences(withSource('WORKSPACE'), stored(withSource())).map((d) => d.path)).toEqual([
      'tasks[etl].notebook_task.source',
    ]);
  });
});
