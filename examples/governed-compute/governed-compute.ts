import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  DatabricksCluster,
  DatabricksClusterPolicy,
  DatabricksInstancePool,
  DatabricksJob,
  DatabricksWorkspace,
  JobSchedule,
  TaskType,
  WorkspaceAuth,
} from '../../lib/index.js';

/**
 * Governed compute: a cluster policy caps what the team's clusters may be, and an instance pool keeps warm
 * nodes for them. The nightly job's cluster follows the policy and draws its nodes from the pool, and so
 * does the team's all-purpose cluster; both name the policy and the pool by reference, so the controller
 * waits until they exist and fills in their IDs.
 */
export class GovernedComputeChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = { namespace: 'data-platform' }) {
    super(scope, id, props);

    const workspace = new DatabricksWorkspace(this, 'workspace', {
      host: 'https://dbc-a1b2c3d4-e5f6.cloud.databricks.com',
      auth: WorkspaceAuth.token({ name: 'databricks-token', key: 'token' }),
    });

    const policy = new DatabricksClusterPolicy(this, 'team-policy', {
      workspace,
      description: 'Clusters of the data platform team: small, short-lived, tagged.',
      definition: {
        spark_version: { type: 'allowlist', values: ['15.4.x-scala2.12'], defaultValue: '15.4.x-scala2.12' },
        'autoscale.max_workers': { type: 'range', maxValue: 8, defaultValue: 4 },
        autotermination_minutes: { type: 'range', minValue: 10, maxValue: 60, defaultValue: 30 },
        'custom_tags.team': { type: 'fixed', value: 'data-platform' },
        instance_pool_id: { type: 'unlimited', isOptional: true },
      },
      maxClustersPerUser: 3,
    }).grant({ group: 'data-platform' }, 'CAN_USE');

    const pool = new DatabricksInstancePool(this, 'warm-nodes', {
      workspace,
      settings: {
        node_type_id: 'i3.xlarge',
        min_idle_instances: 1,
        max_capacity: 20,
        idle_instance_autotermination_minutes: 15,
        preloaded_spark_versions: ['15.4.x-scala2.12'],
        custom_tags: { team: 'data-platform' },
      },
    }).grant({ group: 'data-platform' }, 'CAN_ATTACH_TO');

    const job = new DatabricksJob(this, 'nightly-aggregates', {
      workspace,
      description: 'Rebuilds the daily aggregates on a policy-governed cluster drawn from the warm pool.',
      schedule: JobSchedule.cron('0 30 1 * * ?', { timezone: 'Europe/Amsterdam' }),
    });
    const cluster = job
      .addJobCluster('aggregates', {
        spark_version: '15.4.x-scala2.12',
        autoscale: { min_workers: 1, max_workers: 4 },
        custom_tags: { team: 'data-platform' },
      })
      .withPolicy(policy)
      .withPool(pool);
    job.addTask('aggregate', {
      type: TaskType.notebook('/Shared/data-platform/aggregate'),
      runOn: cluster,
    });

    new DatabricksCluster(this, 'team-cluster', {
      workspace,
      settings: {
        cluster_name: 'data-platform',
        spark_version: '15.4.x-scala2.12',
        autoscale: { min_workers: 1, max_workers: 2 },
        autotermination_minutes: 30,
        custom_tags: { team: 'data-platform' },
      },
    })
      .withPolicy(policy)
      .withPool(pool);
  }
}
