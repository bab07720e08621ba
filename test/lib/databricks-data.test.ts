import { Chart, Testing } from 'cdk8s';
import {
  DatabricksJob,
  DatabricksPipeline,
  DatabricksSqlWarehouse,
  DatabricksWorkspace,
  TaskType,
} from '../../lib/index.js';

function setup() {
  const chart = new Chart(Testing.app(), 'app', { namespace: 'data' });
  return { chart, workspace: DatabricksWorkspace.fromName('prod') };
}

function manifest(chart: Chart, kind: string) {
  return Testing.synth(chart).find((o) => o.kind === kind);
}

const LIBRARIES = [{ notebook: { path: '/Shared/etl/dlt' } }];

describe('DatabricksPipeline', () => {
  it('synthesizes the settings verbatim (map keys included), its grants and policies', () => {
    const { chart, workspace } = setup();
    new DatabricksPipeline(chart, 'sales', {
      workspace,
      settings: {
        catalog: 'main',
        schema: 'sales',
        continuous: true,
        libraries: LIBRARIES,
        configuration: { 'sales.Source_Path': 's3://raw' },
        tags: { CostCenter: '42' },
      },
      deletionPolicy: 'Retain',
    }).grant({ group: 'analysts' }, 'CAN_VIEW');
    expect(manifest(chart, 'DatabricksPipeline')).toMatchObject({
      apiVersion: 'databricks.operator.dev/v1alpha1',
      metadata: { namespace: 'data' },
      spec: {
        workspaceRef: { name: 'prod' },
        settings: {
          catalog: 'main',
          schema: 'sales',
          continuous: true,
          libraries: LIBRARIES,
          configuration: { 'sales.Source_Path': 's3://raw' },
          tags: { CostCenter: '42' },
        },
        deletionPolicy: 'Retain',
        permissions: {
          mode: 'Additive',
          access_control_list: [{ group_name: 'analysts', permission_level: 'CAN_VIEW' }],
        },
      },
    });
  });

  it('refuses at synth what the API server would: schema with target, a library of two sources', () => {
    const { chart, workspace } = setup();
    new DatabricksPipeline(chart, 'bad', {
      workspace,
      settings: {
        schema: 'a',
        target: 'b',
        libraries: [{ notebook: { path: '/a' }, file: { path: '/b' } }],
      },
    });
    expect(() => Testing.synth(chart)).toThrow(/settings.schema and settings.target/);
    expect(() => Testing.synth(chart)).toThrow(/settings.libraries\[0\] names notebook and file/);
  });
});

describe('DatabricksSqlWarehouse', () => {
  it('synthesizes the settings, state and grants', () => {
    const { chart, workspace } = setup();
    new DatabricksSqlWarehouse(chart, 'bi', {
      workspace,
      settings: {
        cluster_size: 'Small',
        max_num_clusters: 2,
        tags: { custom_tags: [{ key: 'team', value: 'bi' }] },
      },
      state: 'Stopped',
    }).grant({ user: 'a@example.com' }, 'CAN_USE');
    expect(manifest(chart, 'DatabricksSqlWarehouse')?.spec).toEqual({
      workspaceRef: { name: 'prod' },
      settings: {
        cluster_size: 'Small',
        max_num_clusters: 2,
        tags: { custom_tags: [{ key: 'team', value: 'bi' }] },
      },
      state: 'Stopped',
      permissions: {
        mode: 'Additive',
        access_control_list: [{ user_name: 'a@example.com', permission_level: 'CAN_USE' }],
      },
    });
  });

  it.each([
    [{ cluster_size: 'Small', min_num_clusters: 3, max_num_clusters: 2 }, /min_num_clusters \(3\) is above/],
    [{ cluster_size: 'Small', auto_stop_mins: 5 }, /auto_stop_mins 5 must be 0/],
    [
      { cluster_size: 'Small', enable_serverless_compute: true, warehouse_type: 'CLASSIC' },
      /needs warehouse_type PRO/,
    ],
  ] as const)('refuses %j at synth', (settings, message) => {
    const { chart, workspace } = setup();
    new DatabricksSqlWarehouse(chart, 'bad', { workspace, settings });
    expect(() => Testing.synth(chart)).toThrow(message);
  });
});

describe('TaskType.pipeline and TaskType.sql', () => {
  it('synthesize pipeline_ref and warehouse_ref for constructs, and IDs for strings', () => {
    const { chart, workspace } = setup();
    const pipeline = new DatabricksPipeline(chart, 'sales', {
      workspace,
      settings: { libraries: LIBRARIES },
    });
    const warehouse = new DatabricksSqlWarehouse(chart, 'bi', {
      workspace,
      settings: { cluster_size: 'Small' },
    });
    const job = new DatabricksJob(chart, 'refresh', { workspace });
    const load = job.addTask('load', { type: TaskType.pipeline(pipeline, { full_refresh: true }) });
    job.addTask('report', { type: TaskType.sql(warehouse, { query: { query_id: 'q' } }) }).dependsOn(load);
    job.addTask('legacy', { type: TaskType.pipeline('p-1') });
    job.addTask('adhoc', { type: TaskType.sql('w-1', { file: { path: '/Shared/a.sql' } }) });
    const tasks = manifest(chart, 'DatabricksJob')?.spec.settings.tasks as Record<string, unknown>[];
    expect(tasks.map((task) => task.pipeline_task ?? task.sql_task)).toEqual([
      { pipeline_ref: { name: pipeline.name }, full_refresh: true },
      { warehouse_ref: { name: warehouse.name }, query: { query_id: 'q' } },
      { pipeline_id: 'p-1' },
      { warehouse_id: 'w-1', file: { path: '/Shared/a.sql' } },
    ]);
  });

  it('refuses a pipeline or warehouse of another workspace', () => {
    const { chart, workspace } = setup();
    const other = DatabricksWorkspace.fromName('other');
    const job = new DatabricksJob(chart, 'refresh', { workspace });
    job.addTask('load', { type: TaskType.pipeline(DatabricksPipeline.fromName('sales', other)) });
    job.addTask('report', {
      type: TaskType.sql(DatabricksSqlWarehouse.fromName('bi', other), { query: { query_id: 'q' } }),
    });
    expect(() => Testing.synth(chart)).toThrow(
      /pipeline_task.pipeline_ref refers to DatabricksPipeline sales/,
    );
    expect(() => Testing.synth(chart)).toThrow(/sql_task.warehouse_ref refers to DatabricksSqlWarehouse bi/);
  });
});

describe('a warehouse for SQL notebooks and dbt', () => {
  it('TaskType.notebook with warehouse synthesizes notebook_task.warehouse_ref beside the notebook, and dbt takes a warehouse or an ID', () => {
    const { chart, workspace } = setup();
    const bi = new DatabricksSqlWarehouse(chart, 'bi', { workspace, settings: { cluster_size: 'Small' } });
    const job = new DatabricksJob(chart, 'report', { workspace });
    job.addTask('nb', {
      type: TaskType.notebook('/Shared/report', { warehouse: bi, base_parameters: { a: '1' } }),
    });
    job.addTask('byId', { type: TaskType.notebook('/Shared/other', { warehouse_id: 'w-1' }) });
    job.addTask('dbt', {
      type: TaskType.dbt(bi, { commands: ['dbt build'], project_directory: 'analytics' }),
    });
    job.addTask('dbtId', { type: TaskType.dbt('w-2', { commands: ['dbt run'] }) });
    const tasks = manifest(chart, 'DatabricksJob')?.spec.settings.tasks as Record<string, unknown>[];
    expect(tasks.map((task) => task.notebook_task ?? task.dbt_task)).toEqual([
      { notebook_path: '/Shared/report', warehouse_ref: { name: bi.name }, base_parameters: { a: '1' } },
      { notebook_path: '/Shared/other', warehouse_id: 'w-1' },
      { commands: ['dbt build'], project_directory: 'analytics', warehouse_ref: { name: bi.name } },
      { commands: ['dbt run'], warehouse_id: 'w-2' },
    ]);
  });

  it('refuses at synth a warehouse of another workspace, and a warehouse_id beside the warehouse', () => {
    const { chart, workspace } = setup();
    const far = DatabricksSqlWarehouse.fromName('far', DatabricksWorkspace.fromName('other'));
    const job = new DatabricksJob(chart, 'report', { workspace });
    job.addTask('nb', { type: TaskType.notebook('/Shared/report', { warehouse: far }) });
    job.addTask('dbt', { type: TaskType.dbt(far, { commands: ['dbt run'] }) });
    job.addTask('both', {
      type: TaskType.notebook('/Shared/x', {
        warehouse: DatabricksSqlWarehouse.fromName('bi'),
        warehouse_id: 'w-1',
      }),
    });
    job.addTask('dash', {
      type: TaskType.of('dashboard_task', {
        dashboard_id: 'd',
        warehouse_id: 'w',
        warehouse_ref: { name: 'bi' },
      }),
    });
    const synth = () => Testing.synth(chart);
    expect(synth).toThrow(
      /task "nb" notebook_task.warehouse_ref refers to DatabricksSqlWarehouse far in DatabricksWorkspace other/,
    );
    expect(synth).toThrow(/task "dbt" dbt_task.warehouse_ref refers to DatabricksSqlWarehouse far/);
    expect(synth).toThrow(
      /task "both" sets notebook_task.warehouse_id and notebook_task.warehouse_ref, which are mutually exclusive/,
    );
    expect(synth).toThrow(/task "dash" sets dashboard_task.warehouse_id and dashboard_task.warehouse_ref/);
  });

  it('TaskType.dashboard, powerBi and alert synthesize warehouse_ref for a warehouse and keep an ID as it is', () => {
    const { chart, workspace } = setup();
    const bi = new DatabricksSqlWarehouse(chart, 'bi', { workspace, settings: { cluster_size: 'Small' } });
    const job = new DatabricksJob(chart, 'refresh', { workspace });
    const subscribers = [{ user_name: 'ana@example.com' }];
    job.addTask('dash', {
      type: TaskType.dashboard('d-1', { warehouse: bi, subscription: { subscribers } }),
    });
    job.addTask('dashId', { type: TaskType.dashboard('d-2', { warehouse_id: 'w-1' }) });
    job.addTask('pbi', {
      type: TaskType.powerBi({ warehouse: bi, connection_resource_name: 'pbi', refresh_after_update: true }),
    });
    job.addTask('alert', { type: TaskType.alert({ alert_id: 'a-1', warehouse: bi, subscribers }) });
    job.addTask('alertPath', { type: TaskType.alert({ workspace_path: '/Shared/alerts/late.sql' }) });
    const tasks = manifest(chart, 'DatabricksJob')?.spec.settings.tasks as Record<string, unknown>[];
    const ref = { name: bi.name };
    expect(tasks.map((task) => task.dashboard_task ?? task.power_bi_task ?? task.alert_task)).toEqual([
      { dashboard_id: 'd-1', subscription: { subscribers }, warehouse_ref: ref },
      { dashboard_id: 'd-2', warehouse_id: 'w-1' },
      { connection_resource_name: 'pbi', refresh_after_update: true, warehouse_ref: ref },
      { alert_id: 'a-1', subscribers, warehouse_ref: ref },
      { workspace_path: '/Shared/alerts/late.sql' },
    ]);
  });

  it('refuses at synth a dashboard, Power BI or alert warehouse of another workspace, and an ID beside it', () => {
    const { chart, workspace } = setup();
    const far = DatabricksSqlWarehouse.fromName('far', DatabricksWorkspace.fromName('other'));
    const job = new DatabricksJob(chart, 'refresh', { workspace });
    job.addTask('dash', { type: TaskType.dashboard('d', { warehouse: far }) });
    job.addTask('pbi', { type: TaskType.powerBi({ warehouse: far }) });
    job.addTask('alert', {
      type: TaskType.alert({
        alert_id: 'a',
        warehouse: DatabricksSqlWarehouse.fromName('bi'),
        warehouse_id: 'w',
      }),
    });
    const synth = () => Testing.synth(chart);
    expect(synth).toThrow(/task "dash" dashboard_task.warehouse_ref refers to DatabricksSqlWarehouse far/);
    expect(synth).toThrow(/task "pbi" power_bi_task.warehouse_ref refers to DatabricksSqlWarehouse far/);
    expect(synth).toThrow(/task "alert" sets alert_task.warehouse_id and alert_task.warehouse_ref/);
  });
});
