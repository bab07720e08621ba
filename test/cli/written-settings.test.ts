import { clusterDriftRules, jobDriftRules } from '../../controller/drift/drift-rules.js';
import { SettingsDiff, type SettableFieldsSchema } from '../../controller/drift/settings-diff.js';
import { FILLED_IN, writtenClusterSettings, writtenJobSettings } from '../../cli/import/written-settings.js';
import { AllPurposeClusterSettings, JobSettings } from '../../lib/crds/index.js';

/** Job settings as jobs/get returns them for a job made with a few settings of its own. */
const returned = {
  name: 'Nightly ETL',
  format: 'MULTI_TASK',
  email_notifications: {},
  timeout_seconds: 0,
  max_concurrent_runs: 1,
  queue: { enabled: true },
  run_as: { user_name: 'creator@example.com' },
  tags: { team: 'analytics' },
  tasks: [
    {
      task_key: 'ingest',
      run_if: 'ALL_SUCCESS',
      timeout_seconds: 0,
      notebook_task: { notebook_path: '/Shared/ingest', source: 'WORKSPACE' },
      new_cluster: {
        spark_version: '15.4.x-scala2.12',
        node_type_id: 'i3.xlarge',
        driver_node_type_id: 'i3.xlarge',
        enable_elastic_disk: true,
        enable_local_disk_encryption: false,
        data_security_mode: 'NONE',
        aws_attributes: { availability: 'SPOT_WITH_FALLBACK', zone_id: 'auto' },
        autoscale: { min_workers: 1, max_workers: 4 },
        num_workers: 3,
      },
    },
  ],
  created_time: 1700000000000,
};

describe('settings as a person would have written them', () => {
  it('leaves out what Databricks filled in on its own, and keeps what the job set', () => {
    expect(writtenJobSettings(returned, JobSettings, 'creator@example.com')).toEqual({
      name: 'Nightly ETL',
      tags: { team: 'analytics' },
      tasks: [
        {
          task_key: 'ingest',
          notebook_task: { notebook_path: '/Shared/ingest' },
          new_cluster: {
            spark_version: '15.4.x-scala2.12',
            node_type_id: 'i3.xlarge',
            autoscale: { min_workers: 1, max_workers: 4 },
          },
        },
      ],
    });
  });

  it('keeps a backend-default field whose value is not the default', () => {
    const settings = writtenJobSettings(
      {
        max_concurrent_runs: 0,
        queue: { enabled: false },
        run_as: { service_principal_name: 'etl-sp' },
        tasks: [
          {
            task_key: 'a',
            run_if: 'ALL_DONE',
            notebook_task: { notebook_path: 'etl/ingest', source: 'GIT' },
            new_cluster: {
              spark_version: '15.4.x-scala2.12',
              node_type_id: 'i3.xlarge',
              driver_node_type_id: 'i3.2xlarge',
              data_security_mode: 'SINGLE_USER',
              single_user_name: 'someone@example.com',
            },
          },
        ],
      },
      JobSettings,
      'creator@example.com',
    );
    expect(settings).toMatchObject({
      max_concurrent_runs: 0,
      queue: { enabled: false },
      run_as: { service_principal_name: 'etl-sp' },
      tasks: [
        {
          run_if: 'ALL_DONE',
          notebook_task: { source: 'GIT' },
          new_cluster: {
            driver_node_type_id: 'i3.2xlarge',
            data_security_mode: 'SINGLE_USER',
            single_user_name: 'someone@example.com',
          },
        },
      ],
    });
  });

  it('leaves out a node type an instance pool decided', () => {
    const cluster = writtenClusterSettings(
      {
        cluster_id: '0101-abc',
        state: 'RUNNING',
        spark_version: '15.4.x-scala2.12',
        instance_pool_id: 'pool-1',
        driver_instance_pool_id: 'pool-1',
        node_type_id: 'i3.xlarge',
        driver_node_type_id: 'i3.xlarge',
        num_workers: 2,
        azure_attributes: { availability: 'ON_DEMAND_AZURE' },
      },
      AllPurposeClusterSettings,
    );
    expect(cluster).toEqual({
      spark_version: '15.4.x-scala2.12',
      instance_pool_id: 'pool-1',
      num_workers: 2,
    });
  });

  it('takes a cluster from its spec when Databricks returns one, cloud attributes and tags included', () => {
    const cluster = writtenClusterSettings(
      {
        cluster_id: '0101-abc',
        node_type_id: 'i3.xlarge',
        enable_elastic_disk: true,
        aws_attributes: { availability: 'SPOT_WITH_FALLBACK', zone_id: 'auto', first_on_demand: 1 },
        spec: {
          spark_version: '15.4.x-scala2.12',
          num_workers: 2,
          aws_attributes: { availability: 'SPOT_WITH_FALLBACK' },
          custom_tags: { team: 'analytics' },
          spark_conf: { 'spark.speculation': 'true' },
        },
      },
      AllPurposeClusterSettings,
    );
    expect(cluster).toEqual({
      spark_version: '15.4.x-scala2.12',
      num_workers: 2,
      aws_attributes: { availability: 'SPOT_WITH_FALLBACK' },
      custom_tags: { team: 'analytics' },
      spark_conf: { 'spark.speculation': 'true' },
    });
  });

  it("finds no difference under the controller's own drift diff between what it writes and what Databricks has", () => {
    const diff = new SettingsDiff(JobSettings as SettableFieldsSchema, jobDriftRules);
    const written = writtenJobSettings(returned, JobSettings, 'creator@example.com');
    expect(diff.differences(written, returned)).toEqual([]);
  });

  it('has a judgement for every backend default of the drift rules that lists no values', () => {
    const valueless = [...jobDriftRules.backendDefaults, ...clusterDriftRules.backendDefaults]
      .filter((rule) => rule.values === undefined)
      .map((rule) => rule.field.split('.').pop()!);
    expect([...new Set(valueless)].filter((field) => FILLED_IN[field] === undefined)).toEqual([]);
  });
});
