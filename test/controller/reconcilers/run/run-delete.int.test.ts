import type { DatabricksRun } from '../../../../controller/reconcilers/run/run.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { ManualClock } from '../../../fake-databricks/index.js';
import { RESOURCES, useOperatorTestBed } from '../../operator-test-bed.js';

const RUNS = RESOURCES.DatabricksRun;

interface RunsGet {
  state: { life_cycle_state: string; result_state?: string };
  status: { termination_details?: { code: string } };
}

const longRun = (cancelOnDelete?: boolean) => ({
  workspaceRef: { name: 'ws' },
  ...(cancelOnDelete === undefined ? {} : { cancelOnDelete }),
  submit: {
    tasks: [
      {
        task_key: 'long',
        notebook_task: { notebook_path: '/Shared/long_SLEEP_60000' },
        new_cluster: { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 },
      },
    ],
  },
});

describe('DatabricksRun reconciler: deletion', () => {
  // Runs move on the fake's manual clock, so a run is RUNNING or TERMINATING for as long as the test
  // looks at it, however slow the machine.
  const clock = new ManualClock();
  const bed = useOperatorTestBed('run-delete', { fake: { clock } });

  /** Waits for the run's submit, moves the clock past its PENDING time and waits for status to say RUNNING. */
  async function whenRunning(name: string, pendingMs: number): Promise<number> {
    await pollUntil(`${name} to be submitted`, async () =>
      bed.fake.requestCount('jobs/runs/submit', 200) > 0 ? true : undefined,
    );
    clock.advance(pendingMs);
    const run = await pollUntil(`${name} to be RUNNING`, async () => {
      const current = await bed.get<DatabricksRun>(RUNS, name);
      return current?.status?.lifeCycleState === 'RUNNING' ? current : undefined;
    });
    return run.status!.runId!;
  }

  const remoteRun = async (runId: number) =>
    (await bed.fake.ui.call('jobs/runs/get', { run_id: runId })) as unknown as RunsGet;

  it('cancels an active run and keeps the object until Databricks reports the run ended', async () => {
    // A cancel that takes a while to land: the finalizer must outlast TERMINATING.
    bed.fake.setTiming({ runPendingMs: 100, runTerminatingMs: 1_500 });
    await bed.create(RUNS, 'DatabricksRun', 'doomed', longRun());
    const runId = await whenRunning('doomed', 100);

    await bed.delete(RUNS, 'doomed');
    await pollUntil('the cancel to reach Databricks', async () =>
      bed.fake.requestCount('jobs/runs/cancel', 200) > 0 ? true : undefined,
    );
    expect((await remoteRun(runId)).state.life_cycle_state).toBe('TERMINATING');
    expect(await bed.get(RUNS, 'doomed')).toBeDefined();

    clock.advance(1_500);
    await bed.waitForGone(RUNS, 'doomed');
    const remote = await remoteRun(runId);
    expect(remote.state).toMatchObject({ life_cycle_state: 'TERMINATED', result_state: 'CANCELED' });
    expect(remote.status.termination_details?.code).toBe('USER_CANCELED');
    expect(bed.fake.requestCount('jobs/runs/cancel')).toBe(1);
  });

  it('leaves the run going when cancelOnDelete is false', async () => {
    bed.fake.setTiming({ runPendingMs: 100 });
    await bed.create(RUNS, 'DatabricksRun', 'detached', longRun(false));
    const runId = await whenRunning('detached', 100);

    await bed.delete(RUNS, 'detached');
    await bed.waitForGone(RUNS, 'detached');
    expect((await remoteRun(runId)).state.life_cycle_state).toBe('RUNNING');
    expect(bed.fake.requestCount('jobs/runs/cancel')).toBe(0);
  });

  it('lets go of a finished run at once, without calling Databricks', async () => {
    bed.fake.setTiming({ runPendingMs: 50, taskRunningMs: 200, runTerminatingMs: 50 });
    await bed.create(RUNS, 'DatabricksRun', 'done', {
      ...longRun(),
      submit: { tasks: [{ task_key: 'short', notebook_task: { notebook_path: '/Shared/short' } }] },
    });
    await pollUntil('the run to be submitted', async () =>
      bed.fake.requestCount('jobs/runs/submit', 200) > 0 ? true : undefined,
    );
    clock.advance(50 + 200 + 50);
    await bed.waitForCondition(RUNS, 'done', { type: 'Succeeded' });
    const calls = bed.fake.requests().length;
    await bed.delete(RUNS, 'done');
    await bed.waitForGone(RUNS, 'done');
    expect(bed.fake.requests().length).toBe(calls);
  });
});
