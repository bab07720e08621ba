import type { JobSettings } from '../../../controller/databricks/settings-payloads.js';
import {
  DatabricksApiError,
  InvalidParameterError,
  NotFoundError,
} from '../../../controller/databricks/errors.js';
import { formatId, sameId } from '../../../controller/databricks/int64-json.js';
import { collect } from '../../../controller/databricks/pagination.js';
import { eventually, startClientBed, type ClientBed } from './client-test-bed.js';

const cluster = { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 };
const settings = (name: string, taskCount = 1): JobSettings => ({
  name,
  tags: { 'databricks.operator.dev/owner': `default/${name}` },
  tasks: Array.from({ length: taskCount }, (_, i) => ({
    task_key: `t${i}`,
    notebook_task: { notebook_path: `/Shared/${name}/${i}` },
    new_cluster: cluster,
  })),
});

describe('jobs API against the fake workspace', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed({ timing: { runPendingMs: 20, taskRunningMs: 40, runTerminatingMs: 20 } });
  });
  afterEach(async () => bed.close());

  it('creates a job and reads its settings back', async () => {
    const { job_id } = await bed.client.jobs.create(settings('etl'));
    const job = await bed.client.jobs.get(job_id);
    expect(sameId(job.job_id, job_id)).toBe(true);
    expect(job.settings?.name).toBe('etl');
    expect(job.settings?.tags).toEqual({ 'databricks.operator.dev/owner': 'default/etl' });
    expect(job.settings?.tasks?.map((t) => t.task_key)).toEqual(['t0']);
    expect(job.creator_user_name).toBe(bed.fake.userName);
  });

  it('maps the 400 "Job N does not exist." of a missing job to NotFoundError, on get and delete', async () => {
    const { job_id } = await bed.client.jobs.create(settings('gone'));
    await bed.client.jobs.delete(job_id);
    const error = await bed.client.jobs.get(job_id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).status).toBe(400);
    await expect(bed.client.jobs.delete(job_id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps a rejected setting an InvalidParameterError, not a NotFoundError', async () => {
    const bad = { ...settings('bad'), max_concurrent_runs: 5000 } as JobSettings;
    const error = await bed.client.jobs.create(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error).not.toBeInstanceOf(NotFoundError);
  });

  it('returns all tasks of a job with more than 100, fetching every page', async () => {
    const { job_id } = await bed.client.jobs.create(settings('wide', 150));
    const job = await bed.client.jobs.get(job_id);
    expect(job.settings?.tasks).toHaveLength(150);
    expect(new Set(job.settings?.tasks?.map((t) => t.task_key)).size).toBe(150);
    expect(job.next_page_token).toBeUndefined();
    expect(bed.fake.requestCount('jobs/get')).toBe(2);
  });

  it('lists every job across pages, by name and with tasks when asked', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) await bed.client.jobs.create(settings(name));
    const all = await collect(bed.client.jobs.list({ limit: 2 }));
    expect(all.map((j) => j.settings?.name).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(bed.fake.requestCount('jobs/list')).toBe(3);
    const named = await collect(bed.client.jobs.list({ name: 'C', expand_tasks: true }));
    expect(named).toHaveLength(1);
    expect(named[0].settings?.tasks?.[0].task_key).toBe('t0');
  });

  it('replaces settings with reset and merges tasks by key with update', async () => {
    const { job_id } = await bed.client.jobs.create(settings('r', 2));
    await bed.client.jobs.reset(job_id, { ...settings('r2', 1) });
    let job = await bed.client.jobs.get(job_id);
    expect(job.settings?.name).toBe('r2');
    expect(job.settings?.tasks).toHaveLength(1);
    await bed.client.jobs.update(job_id, {
      new_settings: {
        tasks: [{ task_key: 'extra', notebook_task: { notebook_path: '/x' }, new_cluster: cluster }],
      },
    });
    job = await bed.client.jobs.get(job_id);
    expect(job.settings?.tasks?.map((t) => t.task_key).sort()).toEqual(['extra', 't0']);
    await bed.client.jobs.update(job_id, { fields_to_remove: ['tags'] });
    expect((await bed.client.jobs.get(job_id)).settings?.tags).toBeUndefined();
  });

  it('runs a job once per idempotency token and follows the run to success', async () => {
    const { job_id } = await bed.client.jobs.create(settings('run'));
    const first = await bed.client.jobs.runNow(job_id, { idempotency_token: 'default/run/1' });
    const again = await bed.client.jobs.runNow(job_id, { idempotency_token: 'default/run/1' });
    expect(formatId(again.run_id)).toBe(formatId(first.run_id));
    const run = await eventually('the run to terminate', async () => {
      const current = await bed.client.jobs.getRun(first.run_id);
      return current.state?.life_cycle_state === 'TERMINATED' ? current : undefined;
    });
    expect(run.state?.result_state).toBe('SUCCESS');
    expect(run.status?.state).toBe('TERMINATED');
    expect(sameId(run.job_id ?? -1, job_id)).toBe(true);
    expect(run.tasks).toHaveLength(1);
    const taskRunId = run.tasks?.[0].run_id ?? -1;
    const output = await bed.client.jobs.getRunOutput(taskRunId);
    expect(sameId(output.metadata?.run_id ?? -2, taskRunId)).toBe(true);
    const runs = await collect(bed.client.jobs.listRuns({ job_id }));
    expect(runs.map((r) => formatId(r.run_id))).toEqual([formatId(first.run_id)]);
  });

  it('cancels a run asynchronously, refuses to delete it while active, and deletes it once finished', async () => {
    bed.fake.setTiming({ runPendingMs: 10_000, taskRunningMs: 10_000, runTerminatingMs: 30 });
    const { job_id } = await bed.client.jobs.create(settings('cancel'));
    const { run_id } = await bed.client.jobs.runNow(job_id);
    const refused = await bed.client.jobs.deleteRun(run_id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DatabricksApiError);
    expect(refused).not.toBeInstanceOf(NotFoundError);
    await bed.client.jobs.cancelRun(run_id);
    const run = await eventually('the run to end cancelled', async () => {
      const current = await bed.client.jobs.getRun(run_id);
      return current.state?.life_cycle_state === 'TERMINATED' ? current : undefined;
    });
    expect(run.state?.result_state).toBe('CANCELED');
    await bed.client.jobs.deleteRun(run_id);
    await expect(bed.client.jobs.getRun(run_id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('submits a one-time run that is not saved as a job', async () => {
    const { run_id } = await bed.client.jobs.submit(
      {
        run_name: 'once',
        tasks: [{ task_key: 'only', notebook_task: { notebook_path: '/o' }, new_cluster: cluster }],
      },
      { idempotency_token: 'once-1' },
    );
    const run = await bed.client.jobs.getRun(run_id);
    expect(run.run_type).toBe('SUBMIT_RUN');
    expect(await collect(bed.client.jobs.list())).toEqual([]);
  });
});
