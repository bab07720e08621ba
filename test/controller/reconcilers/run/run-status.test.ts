import {
  NotFoundError,
  type DatabricksClient,
  type Run,
  type RunOutput,
} from '../../../../controller/databricks/index.js';
import {
  finishedConditions,
  statusOf,
  withOutputs,
} from '../../../../controller/reconcilers/run/run-status.js';
import { RUN_OUTPUT_TEXT_LIMIT, RUN_OUTPUT_TRACE_LIMIT } from '../../../../lib/crds/databricks-run.js';

const ended = (result: string, lifeCycle = 'TERMINATED'): Run => ({
  run_id: 1,
  state: { life_cycle_state: lifeCycle, result_state: result, state_message: 'why' },
  status: {
    state: 'TERMINATED',
    termination_details: { code: result, type: 'CLIENT_ERROR', message: 'the reason' },
  },
});

function clientWithOutputs(outputs: Record<number, RunOutput | 'gone'>): {
  client: DatabricksClient;
  reads: number[];
} {
  const reads: number[] = [];
  const client = {
    jobs: {
      getRunOutput: async (runId: number) => {
        reads.push(runId);
        const output = outputs[runId];
        if (output === 'gone' || output === undefined) {
          throw new NotFoundError(
            400,
            'INVALID_PARAMETER_VALUE',
            `Run ${runId} does not exist.`,
            'jobs/runs/get-output',
          );
        }
        return output;
      },
    },
  } as unknown as DatabricksClient;
  return { client, reads };
}

describe('DatabricksRun status', () => {
  it('shows the states, times, URL and task runs Databricks reports, and keeps the IDs it already had', () => {
    const status = statusOf(
      {
        run_id: 7,
        run_page_url: 'https://example/jobs/3/runs/7',
        start_time: Date.UTC(2026, 0, 1, 10, 0, 0, 250),
        end_time: 0,
        state: { life_cycle_state: 'RUNNING', state_message: '' },
        status: { state: 'RUNNING' },
        tasks: [
          { run_id: 8, task_key: 'a', state: { life_cycle_state: 'RUNNING' } },
          { run_id: 9, task_key: 'b', state: { life_cycle_state: 'SOMETHING_NEW' } },
        ],
      },
      { runId: 7, jobId: 3 },
    );
    expect(status).toEqual({
      runId: 7,
      jobId: 3,
      url: 'https://example/jobs/3/runs/7',
      lifeCycleState: 'RUNNING',
      state: 'RUNNING',
      startTime: '2026-01-01T10:00:00Z',
      // A life cycle state newer than the CRD's enum is left out rather than refused by the API server.
      tasks: [
        { taskKey: 'a', runId: 8, lifeCycleState: 'RUNNING' },
        { taskKey: 'b', runId: 9 },
      ],
    });
  });

  it('sets Succeeded for SUCCESS and SUCCESS_WITH_FAILURES and Failed for every other end', () => {
    const statuses = (run: Run) => finishedConditions(run, 1).map((c) => [c.type, c.status, c.reason]);
    expect(statuses(ended('SUCCESS'))).toEqual([
      ['Succeeded', 'True', 'Success'],
      ['Failed', 'False', 'Success'],
    ]);
    expect(statuses(ended('SUCCESS_WITH_FAILURES'))[0]).toEqual(['Succeeded', 'True', 'SuccessWithFailures']);
    expect(statuses(ended('MAXIMUM_CONCURRENT_RUNS_REACHED', 'SKIPPED'))[1]).toEqual([
      'Failed',
      'True',
      'MaximumConcurrentRunsReached',
    ]);
    expect(statuses({ run_id: 1, state: { life_cycle_state: 'INTERNAL_ERROR' } })[1]).toEqual([
      'Failed',
      'True',
      'InternalError',
    ]);
    expect(finishedConditions(ended('FAILED'), 1)[1].message).toBe('the reason');
  });

  it('summarizes the output of the tasks that ran, failures first, cut to the status limits', async () => {
    const long = 'x'.repeat(5_000);
    const { client, reads } = clientWithOutputs({
      11: { notebook_output: { result: long, truncated: false } },
      12: { error: `Boom ${long}`, error_trace: long },
      14: 'gone',
    });
    const tasks = await withOutputs(
      [
        { taskKey: 'ok', runId: 11, resultState: 'SUCCESS' },
        { taskKey: 'bad', runId: 12, resultState: 'FAILED' },
        { taskKey: 'skipped', runId: 13, resultState: 'UPSTREAM_FAILED' },
        { taskKey: 'deleted', runId: 14, resultState: 'SUCCESS' },
      ],
      client,
    );
    expect(reads).toEqual([12, 11, 14]);
    const [ok, bad, skipped, deleted] = tasks!;
    expect(ok.output?.result).toHaveLength(RUN_OUTPUT_TEXT_LIMIT);
    expect(ok.output?.truncated).toBe(true);
    expect(bad.output?.error?.startsWith('Boom')).toBe(true);
    expect(bad.output?.error).toHaveLength(RUN_OUTPUT_TEXT_LIMIT);
    expect(bad.output?.errorTrace).toHaveLength(RUN_OUTPUT_TRACE_LIMIT);
    expect(skipped.output).toBeUndefined();
    expect(deleted.output).toBeUndefined();
  });
});
