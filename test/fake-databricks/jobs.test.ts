import { FakeHttpClient } from './fake-http-client.js';
import { startFakeWorkspace, type FakeWorkspace } from './index.js';

const notebook = (key: string, extra: Record<string, unknown> = {}) => ({
  task_key: key,
  notebook_task: { notebook_path: `/Shared/${key}` },
  ...extra,
});

describe('fake Jobs API: jobs', () => {
  let workspace: FakeWorkspace;
  let api: FakeHttpClient;
  beforeAll(async () => {
    workspace = await startFakeWorkspace({ rateLimits: false });
    api = new FakeHttpClient(workspace);
  });
  afterAll(() => workspace.close());
  beforeEach(() => workspace.reset());

  const create = async (settings: Record<string, unknown>, version = '2.2'): Promise<number> =>
    (await api.ok('POST', `/api/${version}/jobs/create`, settings)).job_id;

  it('creates a job and returns it with the server-side defaults and output-only fields', async () => {
    const jobId = await create({ name: 'etl', tasks: [notebook('ingest')] });
    const job = await api.ok('GET', '/api/2.2/jobs/get', { job_id: jobId });
    expect(job).toMatchObject({
      job_id: jobId,
      creator_user_name: workspace.userName,
      run_as_user_name: workspace.userName,
      settings: {
        name: 'etl',
        format: 'MULTI_TASK',
        email_notifications: {},
        timeout_seconds: 0,
        max_concurrent_runs: 1,
        queue: { enabled: true },
        tasks: [{ task_key: 'ingest', run_if: 'ALL_SUCCESS', notebook_task: { source: 'WORKSPACE' } }],
      },
    });
    expect(typeof job.created_time).toBe('number');
    expect(job.next_page_token).toBeUndefined();
  });

  it('fills in an unset source as Databricks does: GIT when the job has a git_source, else WORKSPACE, for notebook, Python, dbt and SQL file tasks, inner for-each tasks too; a source set stays', async () => {
    const git_source = {
      git_url: 'https://github.com/acme/etl.git',
      git_provider: 'gitHub',
      git_branch: 'main',
    };
    const tasks = [
      { task_key: 'nb', notebook_task: { notebook_path: 'etl/main' } },
      { task_key: 'ws', notebook_task: { notebook_path: '/Shared/x', source: 'WORKSPACE' } },
      { task_key: 'py', spark_python_task: { python_file: 'jobs/run.py' } },
      { task_key: 'dbt', dbt_task: { commands: ['dbt run'] } },
      { task_key: 'sql', sql_task: { warehouse_id: 'w', file: { path: 'q.sql' } } },
      {
        task_key: 'loop',
        for_each_task: {
          inputs: '[1]',
          task: { task_key: 'inner', notebook_task: { notebook_path: 'etl/x' } },
        },
      },
    ];
    const sourcesOf = async (jobId: number) => {
      const { settings } = await api.ok('GET', '/api/2.2/jobs/get', { job_id: jobId });
      return (settings.tasks as Record<string, Record<string, unknown>>[])
        .map(
          (task) =>
            (task.notebook_task ??
              task.spark_python_task ??
              task.dbt_task ??
              (task.sql_task as { file: unknown } | undefined)?.file ??
              (task.for_each_task as { task: { notebook_task: unknown } }).task.notebook_task) as {
              source?: string;
            },
        )
        .map((holder) => holder.source);
    };
    expect(await sourcesOf(await create({ name: 'git', git_source, tasks }))).toEqual([
      'GIT',
      'WORKSPACE',
      'GIT',
      'GIT',
      'GIT',
      'GIT',
    ]);
    expect(await sourcesOf(await create({ name: 'plain', tasks }))).toEqual([
      'WORKSPACE',
      'WORKSPACE',
      'WORKSPACE',
      'WORKSPACE',
      'WORKSPACE',
      'WORKSPACE',
    ]);
  });

  it('does not turn queueing on for jobs created through 2.1', async () => {
    const jobId = await create({ name: 'old', tasks: [notebook('a')] }, '2.1');
    const job = await api.ok('GET', '/api/2.1/jobs/get', { job_id: jobId });
    expect(job.settings.queue).toBeUndefined();
  });

  it('serves jobs/get on the 2.0 path too', async () => {
    const jobId = await create({ name: 'x', tasks: [notebook('a')] });
    expect((await api.ok('GET', '/api/2.0/jobs/get', { job_id: jobId })).job_id).toBe(jobId);
  });

  it('does not echo write-only fields', async () => {
    const jobId = await create({
      name: 'acl',
      access_control_list: [{ user_name: 'someone@example.com', permission_level: 'CAN_VIEW' }],
      job_clusters: [
        {
          job_cluster_key: 'c',
          new_cluster: {
            spark_version: '15.4.x-scala2.12',
            num_workers: 1,
            apply_policy_default_values: true,
          },
        },
      ],
      tasks: [notebook('a', { job_cluster_key: 'c' })],
    });
    const job = await api.ok('GET', '/api/2.2/jobs/get', { job_id: jobId });
    expect(job.settings.access_control_list).toBeUndefined();
    expect(job.settings.job_clusters[0].new_cluster.apply_policy_default_values).toBeUndefined();
    expect(job.settings.job_clusters[0].new_cluster.enable_elastic_disk).toBe(true);
  });

  it('answers a missing job with the legacy 400 INVALID_PARAMETER_VALUE "does not exist" quirk', async () => {
    const res = await api.call('GET', '/api/2.2/jobs/get', { job_id: 4242 });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Job 4242 does not exist.' });
  });

  it.each([
    [
      'a task without task_key',
      { tasks: [{ notebook_task: { notebook_path: '/a' } }] },
      /task_key is required/,
    ],
    ['a duplicate task_key', { tasks: [notebook('a'), notebook('a')] }, /used by more than one task/],
    [
      'an unknown depends_on',
      { tasks: [notebook('a', { depends_on: [{ task_key: 'zzz' }] })] },
      /depends on 'zzz'/,
    ],
    [
      'an unknown job_cluster_key',
      { tasks: [notebook('a', { job_cluster_key: 'nope' })] },
      /job_cluster_key 'nope'/,
    ],
    [
      'two task types',
      {
        tasks: [
          {
            task_key: 'a',
            notebook_task: { notebook_path: '/a' },
            spark_python_task: { python_file: 'x.py' },
          },
        ],
      },
      /more than one task type/,
    ],
    ['no task type', { tasks: [{ task_key: 'a' }] }, /exactly one task type/],
    [
      'a dependency cycle',
      {
        tasks: [
          notebook('a', { depends_on: [{ task_key: 'b' }] }),
          notebook('b', { depends_on: [{ task_key: 'a' }] }),
        ],
      },
      /cycle/,
    ],
    [
      'max_concurrent_runs over 1000',
      { max_concurrent_runs: 1001, tasks: [notebook('a')] },
      /between 0 and 1000/,
    ],
    [
      'more than 1000 tasks',
      { tasks: Array.from({ length: 1001 }, (_, i) => notebook(`t${i}`)) },
      /at most 1000/,
    ],
  ])('rejects %s with 400 INVALID_PARAMETER_VALUE', async (_what, settings, message) => {
    const res = await api.call('POST', '/api/2.2/jobs/create', { name: 'bad', ...settings });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(res.body.message).toMatch(message);
  });

  it.each([
    ['alert_task', { alert_id: 'a-1', warehouse_id: 'w-1' }],
    ['dbt_cloud_task', { connection_resource_name: 'dbt', dbt_cloud_job_id: 7 }],
    ['dbt_platform_task', { connection_resource_name: 'dbt', dbt_platform_job_id: '7' }],
    ['ai_runtime_task', { experiment: '/Shared/exp', deployments: [] }],
    ['python_operator_task', { main: 'pkg.main' }],
  ])('accepts a task of type %s, which jobs.Task has beside the older types', async (type, payload) => {
    const { job_id: jobId } = await api.ok('POST', '/api/2.2/jobs/create', {
      name: type,
      tasks: [{ task_key: 'a', [type]: payload }],
    });
    const job = await api.ok('GET', '/api/2.2/jobs/get', { job_id: jobId });
    expect(job.settings.tasks[0][type]).toEqual(payload);
  });

  it('rejects a field of the wrong JSON type with 400 MALFORMED_REQUEST', async () => {
    const res = await api.call('POST', '/api/2.2/jobs/create', { name: 'bad', tasks: 'not-a-list' });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('MALFORMED_REQUEST');
  });

  it('accepts 1000 tasks and pages task arrays of jobs/get at 100 with next_page_token', async () => {
    const tasks = Array.from({ length: 250 }, (_, i) => notebook(`t${i}`));
    const jobId = await create({ name: 'big', tasks, parameters: [{ name: 'p', default: '1' }] });
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await api.ok('GET', '/api/2.2/jobs/get', { job_id: jobId, page_token: pageToken });
      seen.push(...page.settings.tasks.map((t: { task_key: string }) => t.task_key));
      expect(page.settings.tasks.length).toBeLessThanOrEqual(100);
      pageToken = page.next_page_token;
      expect(page.has_more ?? false).toBe(pageToken !== undefined);
      pages++;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(seen).toEqual(tasks.map((t) => t.task_key));
    expect(
      (await create({ name: 'max', tasks: Array.from({ length: 1000 }, (_, i) => notebook(`t${i}`)) })) > 0,
    ).toBe(true);
  });

  it('lists jobs newest first, without tasks unless expand_tasks, paging with next_page_token', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await create({ name: `job-${i}`, tasks: [notebook('a')] }));
    const first = await api.ok('GET', '/api/2.2/jobs/list', { limit: 2 });
    expect(first.jobs.map((j: { job_id: number }) => j.job_id)).toEqual([ids[4], ids[3]]);
    expect(first.has_more).toBe(true);
    expect(first.jobs[0].settings.tasks).toBeUndefined();
    const all: number[] = [];
    let token: string | undefined;
    do {
      const page = await api.ok('GET', '/api/2.2/jobs/list', {
        limit: 2,
        page_token: token,
        expand_tasks: true,
      });
      all.push(...page.jobs.map((j: { job_id: number }) => j.job_id));
      expect(page.jobs[0].settings.tasks).toHaveLength(1);
      token = page.next_page_token;
    } while (token);
    expect(all).toEqual([...ids].reverse());
  });

  it('filters jobs/list by exact, case-insensitive name and omits jobs when none match', async () => {
    const id = await create({ name: 'Nightly ETL', tasks: [notebook('a')] });
    await create({ name: 'Nightly ETL v2', tasks: [notebook('a')] });
    const found = await api.ok('GET', '/api/2.2/jobs/list', { name: 'nightly etl' });
    expect(found.jobs.map((j: { job_id: number }) => j.job_id)).toEqual([id]);
    const none = await api.ok('GET', '/api/2.2/jobs/list', { name: 'nothing' });
    expect(none).toEqual({ has_more: false });
  });

  it('rejects a jobs/list limit above 100', async () => {
    const res = await api.call('GET', '/api/2.2/jobs/list', { limit: 101 });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('replaces all settings on reset', async () => {
    const jobId = await create({ name: 'r', tags: { team: 'a' }, tasks: [notebook('a'), notebook('b')] });
    await api.ok('POST', '/api/2.2/jobs/reset', {
      job_id: jobId,
      new_settings: { name: 'r2', tasks: [notebook('c')] },
    });
    const job = await api.ok('GET', '/api/2.2/jobs/get', { job_id: jobId });
    expect(job.settings.name).toBe('r2');
    expect(job.settings.tags).toBeUndefined();
    expect(job.settings.tasks.map((t: { task_key: string }) => t.task_key)).toEqual(['c']);
  });

  it('merges tasks and job clusters by key on update and removes fields_to_remove entries', async () => {
    const jobId = await create({
      name: 'u',
      tags: { team: 'a' },
      job_clusters: [
        { job_cluster_key: 'c1', new_cluster: { spark_version: '15.4.x-scala2.12', num_workers: 1 } },
      ],
      tasks: [notebook('a'), notebook('b', { depends_on: [{ task_key: 'a' }] }), notebook('c')],
    });
    await api.ok('POST', '/api/2.2/jobs/update', {
      job_id: jobId,
      new_settings: {
        name: 'u2',
        tasks: [{ task_key: 'b', notebook_task: { notebook_path: '/Shared/b2' } }, notebook('d')],
        job_clusters: [
          { job_cluster_key: 'c1', new_cluster: { spark_version: '15.4.x-scala2.12', num_workers: 4 } },
        ],
      },
      fields_to_remove: ['tags', 'tasks/c'],
    });
    const { settings } = await api.ok('GET', '/api/2.2/jobs/get', { job_id: jobId });
    expect(settings.name).toBe('u2');
    expect(settings.tags).toBeUndefined();
    expect(settings.tasks.map((t: { task_key: string }) => t.task_key)).toEqual(['a', 'b', 'd']);
    expect(settings.tasks[1].notebook_task.notebook_path).toBe('/Shared/b2');
    expect(settings.tasks[1].depends_on).toBeUndefined();
    expect(settings.job_clusters).toHaveLength(1);
    expect(settings.job_clusters[0].new_cluster.num_workers).toBe(4);
  });

  it('refuses an update that leaves a dependency on a removed task', async () => {
    const jobId = await create({
      name: 'u',
      tasks: [notebook('a'), notebook('b', { depends_on: [{ task_key: 'a' }] })],
    });
    const res = await api.call('POST', '/api/2.2/jobs/update', {
      job_id: jobId,
      fields_to_remove: ['tasks/a'],
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/depends on 'a'/);
  });

  it('deletes a job, after which get answers the not-found quirk', async () => {
    const jobId = await create({ name: 'd', tasks: [notebook('a')] });
    await api.ok('POST', '/api/2.2/jobs/delete', { job_id: jobId });
    expect((await api.call('GET', '/api/2.2/jobs/get', { job_id: jobId })).status).toBe(400);
    expect((await api.call('POST', '/api/2.2/jobs/delete', { job_id: jobId })).body.message).toBe(
      `Job ${jobId} does not exist.`,
    );
  });

  it('gives the creator IS_OWNER on the new job (permissions service hook)', async () => {
    const jobId = await create({ name: 'p', tasks: [notebook('a')] });
    const acl = await api.ok('GET', `/api/2.0/permissions/jobs/${jobId}`);
    const owner = acl.access_control_list.find(
      (e: { user_name?: string }) => e.user_name === workspace.userName,
    );
    expect(owner.all_permissions[0].permission_level).toBe('IS_OWNER');
  });

  it('lets a test edit and delete a job as a UI user would', async () => {
    const jobId = await create({ name: 'ui', tasks: [notebook('a')] });
    await workspace.ui.updateJob(jobId, { name: 'edited in the UI' });
    expect((await api.ok('GET', '/api/2.2/jobs/get', { job_id: jobId })).settings.name).toBe(
      'edited in the UI',
    );
    expect(workspace.requestCount('jobs/update')).toBe(0);
    await workspace.ui.deleteJob(jobId);
    expect((await api.call('GET', '/api/2.2/jobs/get', { job_id: jobId })).status).toBe(400);
  });
});
