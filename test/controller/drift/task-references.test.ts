import {
  CLUSTER_SPEC_REFERENCE_KINDS,
  joinPath,
  TASK_REFERENCE_KINDS,
  clusterSpecSites,
  referencesAt,
  replaceReferencesAt,
  replaceTaskReferences,
  settingsSites,
  taskReferences,
} from '../../../controller/drift/task-references.js';

const settings = () => ({
  job_clusters: [
    {
      job_cluster_key: 'etl',
      new_cluster: {
        spark_version: '15.4.x-scala2.12',
        policy_ref: { name: 'etl-policy' },
        instance_pool_ref: { name: 'workers' },
        driver_instance_pool_ref: { name: 'drivers' },
      },
    },
    { job_cluster_key: 'plain', new_cluster: { spark_version: '15.4.x-scala2.12', policy_id: 'ABC' } },
  ],
  tasks: [
    {
      task_key: 'ingest',
      notebook_task: { notebook_ref: { name: 'ingest' } },
      new_cluster: { spark_version: '15.4.x-scala2.12', policy_ref: { name: 'small' } },
    },
    {
      task_key: 'loop',
      for_each_task: {
        inputs: '[1]',
        task: {
          task_key: 'inner',
          notebook_task: { notebook_path: '/x' },
          new_cluster: { spark_version: '15.4.x-scala2.12', instance_pool_ref: { name: 'workers' } },
        },
      },
    },
  ],
});

describe('reference sites', () => {
  it('finds every reference of job settings: tasks, for-each inner tasks, their new_cluster, and job clusters', () => {
    const found = referencesAt(settingsSites(settings(), 'spec.settings')).map(
      ({ reference, name, field }) => [reference.kind, name, field],
    );
    expect(found).toEqual([
      ['DatabricksNotebook', 'ingest', 'spec.settings.tasks[ingest].notebook_task.notebook_ref'],
      ['DatabricksClusterPolicy', 'small', 'spec.settings.tasks[ingest].new_cluster.policy_ref'],
      [
        'DatabricksInstancePool',
        'workers',
        'spec.settings.tasks[loop].for_each_task.task.new_cluster.instance_pool_ref',
      ],
      ['DatabricksClusterPolicy', 'etl-policy', 'spec.settings.job_clusters[etl].new_cluster.policy_ref'],
      ['DatabricksInstancePool', 'workers', 'spec.settings.job_clusters[etl].new_cluster.instance_pool_ref'],
      [
        'DatabricksInstancePool',
        'drivers',
        'spec.settings.job_clusters[etl].new_cluster.driver_instance_pool_ref',
      ],
    ]);
  });

  it('replaces each reference by the field it stands in for, and leaves ID fields alone', () => {
    const copy = settings();
    replaceReferencesAt(settingsSites(copy, 'spec.settings'), ({ reference, name }) =>
      reference.kind === 'DatabricksNotebook' ? `/Shared/${name}` : `${reference.replaceWith}:${name}`,
    );
    expect(copy.job_clusters[0]?.new_cluster).toEqual({
      spark_version: '15.4.x-scala2.12',
      policy_id: 'policy_id:etl-policy',
      instance_pool_id: 'instance_pool_id:workers',
      driver_instance_pool_id: 'driver_instance_pool_id:drivers',
    });
    expect(copy.job_clusters[1]?.new_cluster).toEqual({
      spark_version: '15.4.x-scala2.12',
      policy_id: 'ABC',
    });
    expect(copy.tasks[0]).toEqual({
      task_key: 'ingest',
      notebook_task: { notebook_path: '/Shared/ingest', source: 'WORKSPACE' },
      new_cluster: { spark_version: '15.4.x-scala2.12', policy_id: 'policy_id:small' },
    });
    expect(copy.tasks[1]?.for_each_task?.task.new_cluster).toEqual({
      spark_version: '15.4.x-scala2.12',
      instance_pool_id: 'instance_pool_id:workers',
    });
  });

  it('finds a cluster spec’s own references at its path', () => {
    const spec = { spark_version: '15.4.x-scala2.12', policy_ref: { name: 'p' }, instance_pool_id: 'x' };
    expect(referencesAt(clusterSpecSites(spec, 'spec.settings')).map(({ field }) => field)).toEqual([
      'spec.settings.policy_ref',
    ]);
  });

  it('keeps the task-list helpers plan uses: the references of tasks, and a resolved copy', () => {
    const { tasks } = settings();
    expect(taskReferences(tasks, 'tasks').map(({ field }) => field)).toContain(
      'tasks[ingest].new_cluster.policy_ref',
    );
    const resolved = replaceTaskReferences(tasks, 'tasks', () => 'ID');
    expect(resolved[0]?.new_cluster).toEqual({ spark_version: '15.4.x-scala2.12', policy_id: 'ID' });
    expect(tasks[0]?.new_cluster?.policy_ref).toEqual({ name: 'small' });
  });

  it('gives the entries naming one kind one index and one status field, so one watch serves them', () => {
    const all = [...TASK_REFERENCE_KINDS, ...CLUSTER_SPEC_REFERENCE_KINDS];
    const byIndex = new Map<string, Set<string>>();
    for (const { index, kind, statusField } of all) {
      byIndex.set(index, (byIndex.get(index) ?? new Set()).add(`${kind}.${statusField}`));
    }
    for (const targets of byIndex.values()) expect(targets.size).toBe(1);
  });
});

describe('task references: repo_ref', () => {
  const tasks = [
    {
      task_key: 'etl',
      notebook_task: { repo_ref: { name: 'code', path: 'etl/main' }, base_parameters: { a: '1' } },
    },
  ];

  it('is found as a reference to the DatabricksRepo, with its field', () => {
    expect(taskReferences(tasks, 'tasks')).toEqual([
      expect.objectContaining({ name: 'code', field: 'tasks[etl].notebook_task.repo_ref' }),
    ]);
    expect(taskReferences(tasks, 'tasks')[0].reference.kind).toBe('DatabricksRepo');
  });

  it("becomes notebook_path: the repo's path and the path inside it, read from the workspace, the rest of the task unchanged", () => {
    const resolved = replaceTaskReferences(tasks, 'tasks', () => '/Repos/ci/etl');
    expect(resolved).toEqual([
      {
        task_key: 'etl',
        notebook_task: {
          notebook_path: '/Repos/ci/etl/etl/main',
          source: 'WORKSPACE',
          base_parameters: { a: '1' },
        },
      },
    ]);
    expect(tasks[0].notebook_task.repo_ref).toBeDefined();
  });

  it('keeps a source the task sets itself', () => {
    const explicit = [
      {
        task_key: 'etl',
        notebook_task: { repo_ref: { name: 'code', path: 'etl/main' }, source: 'WORKSPACE' },
      },
    ];
    const resolved = replaceTaskReferences(explicit, 'tasks', () => '/Repos/ci/etl');
    expect(resolved[0].notebook_task).toEqual({
      notebook_path: '/Repos/ci/etl/etl/main',
      source: 'WORKSPACE',
    });
  });

  it('gives a DatabricksNotebook path the same source, and adds none to a path the task names itself', () => {
    const others = [
      { task_key: 'nb', notebook_task: { notebook_ref: { name: 'nb' } } },
      { task_key: 'git', notebook_task: { notebook_path: 'etl/main' } },
    ];
    expect(replaceTaskReferences(others, 'tasks', () => '/Shared/nb').map((t) => t.notebook_task)).toEqual([
      { notebook_path: '/Shared/nb', source: 'WORKSPACE' },
      { notebook_path: 'etl/main' },
    ]);
  });

  it('joins with one slash', () => {
    expect(joinPath('/Repos/ci/etl/', '/etl/main')).toBe('/Repos/ci/etl/etl/main');
    expect(joinPath('/Shared/code', 'main')).toBe('/Shared/code/main');
  });
});

describe('task references: spark_python_task.repo_ref', () => {
  it('becomes python_file inside the Git folder, read from the workspace', () => {
    const tasks = [
      {
        task_key: 'py',
        spark_python_task: { repo_ref: { name: 'code', path: 'jobs/run.py' }, parameters: ['x'] },
      },
    ];
    expect(replaceTaskReferences(tasks, 'tasks', () => '/Shared/code')).toEqual([
      {
        task_key: 'py',
        spark_python_task: {
          python_file: '/Shared/code/jobs/run.py',
          source: 'WORKSPACE',
          parameters: ['x'],
        },
      },
    ]);
  });
});

describe('task references: warehouse_ref', () => {
  const tasks = [
    { task_key: 'sql', sql_task: { warehouse_ref: { name: 'bi' }, query: { query_id: 'q' } } },
    { task_key: 'nb', notebook_task: { notebook_path: '/Shared/report', warehouse_ref: { name: 'bi' } } },
    { task_key: 'dbt', dbt_task: { commands: ['dbt run'], warehouse_ref: { name: 'bi' } } },
    { task_key: 'dash', dashboard_task: { dashboard_id: 'd', warehouse_ref: { name: 'bi' } } },
    { task_key: 'pbi', power_bi_task: { warehouse_ref: { name: 'bi' } } },
    { task_key: 'alert', alert_task: { alert_id: 'a', warehouse_ref: { name: 'bi' } } },
    {
      task_key: 'loop',
      for_each_task: {
        inputs: '[1]',
        task: { task_key: 'inner', notebook_task: { notebook_path: '/x', warehouse_ref: { name: 'adhoc' } } },
      },
    },
    { task_key: 'by-id', notebook_task: { notebook_path: '/y', warehouse_id: 'w-1' } },
  ];

  it('is found in every task type that takes a warehouse_id, inner for-each tasks too', () => {
    expect(
      taskReferences(tasks, 'tasks').map(({ reference, name, field }) => [reference.kind, name, field]),
    ).toEqual([
      ['DatabricksSqlWarehouse', 'bi', 'tasks[sql].sql_task.warehouse_ref'],
      ['DatabricksSqlWarehouse', 'bi', 'tasks[nb].notebook_task.warehouse_ref'],
      ['DatabricksSqlWarehouse', 'bi', 'tasks[dbt].dbt_task.warehouse_ref'],
      ['DatabricksSqlWarehouse', 'bi', 'tasks[dash].dashboard_task.warehouse_ref'],
      ['DatabricksSqlWarehouse', 'bi', 'tasks[pbi].power_bi_task.warehouse_ref'],
      ['DatabricksSqlWarehouse', 'bi', 'tasks[alert].alert_task.warehouse_ref'],
      ['DatabricksSqlWarehouse', 'adhoc', 'tasks[loop].for_each_task.task.notebook_task.warehouse_ref'],
    ]);
  });

  it('becomes warehouse_id, with no source added and the rest of each task unchanged', () => {
    const resolved = replaceTaskReferences(tasks, 'tasks', ({ name }) => `id-${name}`);
    expect(resolved).toEqual([
      { task_key: 'sql', sql_task: { warehouse_id: 'id-bi', query: { query_id: 'q' } } },
      { task_key: 'nb', notebook_task: { notebook_path: '/Shared/report', warehouse_id: 'id-bi' } },
      { task_key: 'dbt', dbt_task: { commands: ['dbt run'], warehouse_id: 'id-bi' } },
      { task_key: 'dash', dashboard_task: { dashboard_id: 'd', warehouse_id: 'id-bi' } },
      { task_key: 'pbi', power_bi_task: { warehouse_id: 'id-bi' } },
      { task_key: 'alert', alert_task: { alert_id: 'a', warehouse_id: 'id-bi' } },
      {
        task_key: 'loop',
        for_each_task: {
          inputs: '[1]',
          task: { task_key: 'inner', notebook_task: { notebook_path: '/x', warehouse_id: 'id-adhoc' } },
        },
      },
      { task_key: 'by-id', notebook_task: { notebook_path: '/y', warehouse_id: 'w-1' } },
    ]);
  });

  it('resolves a notebook and its warehouse together: the path with its source, and the warehouse ID', () => {
    const both = [
      {
        task_key: 'nb',
        notebook_task: { repo_ref: { name: 'code', path: 'sql/report' }, warehouse_ref: { name: 'bi' } },
      },
    ];
    const resolved = replaceTaskReferences(both, 'tasks', ({ reference }) =>
      reference.kind === 'DatabricksRepo' ? '/Repos/ci/code' : 'w-9',
    );
    expect(resolved[0].notebook_task).toEqual({
      notebook_path: '/Repos/ci/code/sql/report',
      source: 'WORKSPACE',
      warehouse_id: 'w-9',
    });
  });
});
