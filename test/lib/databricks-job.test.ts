import { Chart, Duration, Testing } from 'cdk8s';
import {
  DatabricksCluster,
  DatabricksJob,
  DatabricksNotebook,
  DatabricksWorkspace,
  JobSchedule,
  TaskType,
} from '../../lib/index.js';

const CLUSTER = { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 2 };

function setup() {
  const chart = new Chart(Testing.app(), 'app', { namespace: 'data' });
  const workspace = DatabricksWorkspace.fromName('prod');
  return { chart, workspace };
}

function jobSpec(chart: Chart) {
  const job = Testing.synth(chart).find((o) => o.kind === 'DatabricksJob');
  return job.spec;
}

describe('DatabricksJob', () => {
  it('synthesizes tasks, dependencies, job clusters, schedule and notifications as Jobs API settings', () => {
    const { chart, workspace } = setup();
    const job = new DatabricksJob(chart, 'etl', {
      workspace,
      jobName: 'nightly-etl',
      schedule: JobSchedule.cron('0 30 2 ? * MON-FRI', { timezone: 'Europe/Amsterdam' }),
      notifications: { onFailure: ['data@example.com'], noAlertForSkippedRuns: true },
      maxConcurrentRuns: 2,
      timeout: Duration.hours(2),
      parameters: { date: '{{job.start_time.iso_date}}' },
      tags: { team: 'data' },
      deletionPolicy: 'Pause',
    });
    const cluster = job.addJobCluster('etl', CLUSTER);
    const ingest = job.addTask('ingest', {
      type: TaskType.notebook('/Shared/ingest', { base_parameters: { mode: 'full' } }),
      runOn: cluster,
      maxRetries: 2,
      timeout: Duration.minutes(30),
    });
    job
      .addTask('transform', { type: TaskType.pythonWheel({ package_name: 'etl', entry_point: 'transform' }) })
      .runOn(cluster)
      .addLibrary({ whl: 'dbfs:/libs/etl.whl' })
      .dependsOn(ingest);

    expect(jobSpec(chart)).toEqual({
      workspaceRef: { name: 'prod' },
      deletionPolicy: 'Pause',
      settings: {
        name: 'nightly-etl',
        schedule: {
          quartz_cron_expression: '0 30 2 ? * MON-FRI',
          timezone_id: 'Europe/Amsterdam',
          pause_status: 'UNPAUSED',
        },
        email_notifications: { on_failure: ['data@example.com'], no_alert_for_skipped_runs: true },
        max_concurrent_runs: 2,
        timeout_seconds: 7200,
        parameters: [{ name: 'date', default: '{{job.start_time.iso_date}}' }],
        tags: { team: 'data' },
        job_clusters: [{ job_cluster_key: 'etl', new_cluster: CLUSTER }],
        tasks: [
          {
            task_key: 'ingest',
            notebook_task: { notebook_path: '/Shared/ingest', base_parameters: { mode: 'full' } },
            job_cluster_key: 'etl',
            max_retries: 2,
            timeout_seconds: 1800,
          },
          {
            task_key: 'transform',
            python_wheel_task: { package_name: 'etl', entry_point: 'transform' },
            job_cluster_key: 'etl',
            libraries: [{ whl: 'dbfs:/libs/etl.whl' }],
            depends_on: [{ task_key: 'ingest' }],
          },
        ],
      },
    });
  });

  it('names the job after the construct id, or metadata.name when given', () => {
    const { chart, workspace } = setup();
    new DatabricksJob(chart, 'etl', { workspace }).addTask('only', { type: TaskType.notebook('/x') });
    new DatabricksJob(chart, 'named', { workspace, metadata: { name: 'orders-etl' } }).addTask('only', {
      type: TaskType.notebook('/x'),
    });
    const names = Testing.synth(chart).map((o) => o.spec.settings.name);
    expect(names).toEqual(['etl', 'orders-etl']);
  });

  it('grants permissions to users, groups and service principals on top of the permissions prop', () => {
    const { chart, workspace } = setup();
    new DatabricksJob(chart, 'etl', {
      workspace,
      permissions: {
        mode: 'Authoritative',
        access_control_list: [{ user_name: 'owner@example.com', permission_level: 'IS_OWNER' }],
      },
    })
      .grant({ group: 'data-engineers' }, 'CAN_MANAGE_RUN')
      .grant({ user: 'analyst@example.com' }, 'CAN_VIEW')
      .grant({ servicePrincipal: '33333333-3333-3333-3333-333333333333' }, 'CAN_MANAGE')
      .addTask('a', { type: TaskType.notebook('/a') });
    expect(jobSpec(chart).permissions).toEqual({
      mode: 'Authoritative',
      access_control_list: [
        { user_name: 'owner@example.com', permission_level: 'IS_OWNER' },
        { group_name: 'data-engineers', permission_level: 'CAN_MANAGE_RUN' },
        { user_name: 'analyst@example.com', permission_level: 'CAN_VIEW' },
        { service_principal_name: '33333333-3333-3333-3333-333333333333', permission_level: 'CAN_MANAGE' },
      ],
    });
  });

  it('leaves permissions out when none are given', () => {
    const { chart, workspace } = setup();
    new DatabricksJob(chart, 'etl', { workspace }).addTask('a', { type: TaskType.notebook('/a') });
    expect(jobSpec(chart).permissions).toBeUndefined();
  });

  it('synthesizes references: existing_cluster_ref, notebook_ref, run_job_task.job_ref', () => {
    const { chart, workspace } = setup();
    const shared = new DatabricksCluster(chart, 'shared', { workspace, settings: CLUSTER });
    const notebook = new DatabricksNotebook(chart, 'nb', {
      workspace,
      path: '/Shared/nb',
      language: 'PYTHON',
      content: 'print(1)',
    });
    const downstream = new DatabricksJob(chart, 'downstream', { workspace });
    downstream.addTask('x', { type: TaskType.notebook('/x') });
    const job = new DatabricksJob(chart, 'etl', { workspace });
    job.addTask('nb', { type: TaskType.notebook(notebook), runOn: shared });
    job.addTask('next', { type: TaskType.runJob(downstream, { job_parameters: { a: '1' } }) });
    job.addTask('by-id', { type: TaskType.runJob(42) });
    const tasks = Testing.synth(chart).find((o) => o.metadata.name === job.name).spec.settings.tasks;
    expect(tasks).toEqual([
      {
        task_key: 'nb',
        notebook_task: { notebook_ref: { name: notebook.name } },
        existing_cluster_ref: { name: shared.name },
      },
      { task_key: 'next', run_job_task: { job_ref: { name: downstream.name }, job_parameters: { a: '1' } } },
      { task_key: 'by-id', run_job_task: { job_id: 42 } },
    ]);
  });

  it('passes any Task and JobSettings field through verbatim and appends fluent tasks to settings.tasks', () => {
    const { chart, workspace } = setup();
    const job = new DatabricksJob(chart, 'etl', {
      workspace,
      settings: {
        tasks: [{ task_key: 'raw', dashboard_task: { dashboard_id: 'abc' } }],
        queue: { enabled: true },
        trigger: { file_arrival: { url: 's3://bucket/in/' } },
      },
    });
    job.addTask('after', {
      type: TaskType.of('alert_task', { alert_id: 'a1' } as never),
      settings: { run_if: 'ALL_DONE', environment_key: 'default', depends_on: [{ task_key: 'raw' }] },
    });
    job.addTask('cond', { type: TaskType.condition({ op: 'EQUAL_TO', left: '1', right: '1' }) });
    job.addTask('when-true', { type: TaskType.notebook('/t') }).dependsOnOutcome(job.tasks[1]!, true);
    const settings = jobSpec(chart).settings;
    expect(settings.queue).toEqual({ enabled: true });
    expect(settings.trigger).toEqual({ file_arrival: { url: 's3://bucket/in/' } });
    expect(settings.tasks.map((t: { task_key: string }) => t.task_key)).toEqual([
      'raw',
      'after',
      'cond',
      'when-true',
    ]);
    expect(settings.tasks[1]).toMatchObject({ run_if: 'ALL_DONE', environment_key: 'default' });
    expect(settings.tasks[3].depends_on).toEqual([{ task_key: 'cond', outcome: 'true' }]);
  });

  it('adds parameters and tags fluently', () => {
    const { chart, workspace } = setup();
    const job = new DatabricksJob(chart, 'etl', { workspace })
      .addParameter('env', 'prod')
      .addTag('owner', 'me');
    job.addTask('a', { type: TaskType.notebook('/a') });
    const settings = jobSpec(chart).settings;
    expect(settings.parameters).toEqual([{ name: 'env', default: 'prod' }]);
    expect(settings.tags).toEqual({ owner: 'me' });
  });
});

describe('DatabricksJob validation', () => {
  function expectSynthError(build: (chart: Chart, job: DatabricksJob) => void, message: string | RegExp) {
    const { chart, workspace } = setup();
    const job = new DatabricksJob(chart, 'etl', { workspace });
    build(chart, job);
    expect(() => Testing.synth(chart)).toThrow(message);
  }

  it('names the construct path in every message', () => {
    expectSynthError((_, job) => job.addTask('a'), /\[app\/etl\] task "a" has no type/);
  });

  it('rejects duplicate task keys', () => {
    expectSynthError((_, job) => {
      job.addTask('a', { type: TaskType.notebook('/a') });
      job.addTask('a', { type: TaskType.notebook('/b') });
    }, 'settings.tasks has two tasks with task_key "a"; task keys must be unique in a job, so rename one');
  });

  it('rejects duplicate job cluster keys', () => {
    expectSynthError((_, job) => {
      job.addJobCluster('c', CLUSTER);
      job.addJobCluster('c', CLUSTER);
      job.addTask('a', { type: TaskType.notebook('/a') });
    }, 'settings.job_clusters has two clusters with job_cluster_key "c"');
  });

  it('names the tasks of a dependency cycle', () => {
    expectSynthError((_, job) => {
      const a = job.addTask('a', { type: TaskType.notebook('/a') });
      const b = job.addTask('b', { type: TaskType.notebook('/b') }).dependsOn(a);
      const c = job.addTask('c', { type: TaskType.notebook('/c') }).dependsOn(b);
      a.dependsOn(c);
    }, 'tasks depend on each other in a cycle: a → c → b → a; remove one of these dependencies');
  });

  it('rejects a dependency on an unknown task', () => {
    expectSynthError((_, job) => {
      job.addTask('a', { type: TaskType.notebook('/a'), settings: { depends_on: [{ task_key: 'ghost' }] } });
    }, 'task "a" depends_on task_key "ghost", which is not a task of this job; add that task or remove the dependency (known tasks: a)');
  });

  it('rejects a dependency on a task of another job', () => {
    const { chart, workspace } = setup();
    const other = new DatabricksJob(chart, 'other', { workspace });
    const foreign = other.addTask('x', { type: TaskType.notebook('/x') });
    const job = new DatabricksJob(chart, 'etl', { workspace });
    job.addTask('a', { type: TaskType.notebook('/a') }).dependsOn(foreign);
    expect(() => Testing.synth(chart)).toThrow(
      'task "a" depends on task "x" of another job (app/other); tasks can only depend on tasks of the same job',
    );
  });

  it('rejects an unknown job_cluster_key', () => {
    expectSynthError((_, job) => {
      job.addJobCluster('main', CLUSTER);
      job.addTask('a', { type: TaskType.notebook('/a'), settings: { job_cluster_key: 'mian' } });
    }, 'task "a" has job_cluster_key "mian", which is not in settings.job_clusters (known: main); add it with addJobCluster() or fix the key');
  });

  it('rejects a job cluster spec Databricks would reject, naming its index', () => {
    expectSynthError((_, job) => {
      job.addJobCluster('ok', CLUSTER);
      job.addJobCluster('both', { ...CLUSTER, autoscale: { min_workers: 1, max_workers: 4 } });
      job.addTask('a', { type: TaskType.notebook('/a') });
    }, 'settings.job_clusters[1].new_cluster.num_workers and settings.job_clusters[1].new_cluster.autoscale are mutually exclusive');
  });

  it('rejects running on a job cluster of another job', () => {
    const { chart, workspace } = setup();
    const other = new DatabricksJob(chart, 'other', { workspace });
    const foreignCluster = other.addJobCluster('main', CLUSTER);
    other.addTask('x', { type: TaskType.notebook('/x'), runOn: foreignCluster });
    const job = new DatabricksJob(chart, 'etl', { workspace });
    job.addTask('a', { type: TaskType.notebook('/a'), runOn: foreignCluster });
    expect(() => Testing.synth(chart)).toThrow(
      /task "a" runs on job cluster "main" of another job \(app\/other\)/,
    );
  });

  it('rejects an invalid Quartz cron expression', () => {
    const { chart, workspace } = setup();
    const job = new DatabricksJob(chart, 'etl', { workspace, schedule: JobSchedule.cron('0 0 25 * * ?') });
    job.addTask('a', { type: TaskType.notebook('/a') });
    expect(() => Testing.synth(chart)).toThrow(
      'settings.schedule.quartz_cron_expression "0 0 25 * * ?" is not a valid Quartz cron expression: hours "25": 25 is out of range 0-23',
    );
  });

  it('rejects an unknown time zone', () => {
    const { chart, workspace } = setup();
    const job = new DatabricksJob(chart, 'etl', {
      workspace,
      schedule: JobSchedule.daily({ hour: 1 }, { timezone: 'Mars/Olympus' }),
    });
    job.addTask('a', { type: TaskType.notebook('/a') });
    expect(() => Testing.synth(chart)).toThrow(
      'settings.schedule.timezone_id "Mars/Olympus" is not a known time zone',
    );
  });

  it('rejects a task with two types', () => {
    expectSynthError((_, job) => {
      job.addTask('a', {
        type: TaskType.notebook('/a'),
        settings: { spark_python_task: { python_file: 'x.py' } },
      });
    }, 'task "a" sets notebook_task and spark_python_task, which are mutually exclusive; a task has exactly one type');
  });

  it('rejects a task with no type', () => {
    expectSynthError(
      (_, job) => job.addTask('a'),
      'task "a" has no type; give it one with `type: TaskType.notebook(...)`',
    );
  });

  it('rejects a task with two computes', () => {
    expectSynthError((_, job) => {
      const cluster = job.addJobCluster('main', CLUSTER);
      job.addTask('a', {
        type: TaskType.notebook('/a'),
        runOn: cluster,
        settings: { existing_cluster_id: '0101-abc' },
      });
    }, 'task "a" sets existing_cluster_id and job_cluster_key, which are mutually exclusive');
  });

  it('rejects job_id and job_ref together in run_job_task', () => {
    expectSynthError((_, job) => {
      job.addTask('a', { settings: { run_job_task: { job_id: 1, job_ref: { name: 'x' } } } });
    }, 'task "a" sets run_job_task.job_id and run_job_task.job_ref, which are mutually exclusive; keep one');
  });

  it('rejects the schedule prop together with settings.schedule', () => {
    const { chart, workspace } = setup();
    const job = new DatabricksJob(chart, 'etl', {
      workspace,
      schedule: JobSchedule.daily({ hour: 1 }),
      settings: { schedule: { quartz_cron_expression: '0 0 1 * * ?', timezone_id: 'UTC' } },
    });
    job.addTask('a', { type: TaskType.notebook('/a') });
    expect(() => Testing.synth(chart)).toThrow(
      'the schedule prop and settings.schedule are mutually exclusive',
    );
  });

  it('rejects a schedule together with a trigger or continuous', () => {
    const { chart, workspace } = setup();
    const job = new DatabricksJob(chart, 'etl', {
      workspace,
      schedule: JobSchedule.daily({ hour: 1 }),
      settings: { continuous: { pause_status: 'UNPAUSED' } },
    });
    job.addTask('a', { type: TaskType.notebook('/a') });
    expect(() => Testing.synth(chart)).toThrow(
      'settings.schedule and settings.continuous are mutually exclusive: a job runs on a schedule, on a trigger or continuously; keep one',
    );
  });

  it('rejects maxConcurrentRuns outside 1-1000', () => {
    const { chart, workspace } = setup();
    new DatabricksJob(chart, 'etl', { workspace, maxConcurrentRuns: 1001 }).addTask('a', {
      type: TaskType.notebook('/a'),
    });
    expect(() => Testing.synth(chart)).toThrow(
      'maxConcurrentRuns 1001 must be a whole number from 1 to 1000',
    );
  });

  it('rejects more than one owner', () => {
    const { chart, workspace } = setup();
    new DatabricksJob(chart, 'etl', { workspace })
      .grant({ user: 'a@example.com' }, 'IS_OWNER')
      .grant({ user: 'b@example.com' }, 'IS_OWNER')
      .addTask('a', { type: TaskType.notebook('/a') });
    expect(() => Testing.synth(chart)).toThrow(
      'permissions.access_control_list gives IS_OWNER to 2 principals; a job has exactly one owner, so grant the others CAN_MANAGE',
    );
  });

  it('rejects more than 25 tags', () => {
    const { chart, workspace } = setup();
    const tags = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`t${i}`, 'v']));
    new DatabricksJob(chart, 'etl', { workspace, tags }).addTask('a', { type: TaskType.notebook('/a') });
    expect(() => Testing.synth(chart)).toThrow(
      'settings.tags has 26 tags; Databricks allows at most 25, remove some',
    );
  });
});
