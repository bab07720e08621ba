import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import type { DatabricksRun } from '../../../../controller/reconcilers/run/run.js';
import {
  KubeClient,
  type KubeObject,
  type ResourceType,
} from '../../../../controller/runtime/kube-client.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { testKubeConfig } from '../../../control-plane/test-cluster.js';
import { RESOURCES, useOperatorTestBed } from '../../operator-test-bed.js';

const RUNS = RESOURCES.DatabricksRun;
const JOBS = RESOURCES.DatabricksJob;

/** A KubeClient whose DatabricksRun status writes fail: the run was started, its ID never recorded. */
class LosingStatusWrites extends KubeClient {
  failed = 0;

  constructor(private remaining: number) {
    super(testKubeConfig());
  }

  override async patchCustomObjectStatus<T extends KubeObject>(
    resource: ResourceType,
    namespace: string,
    name: string,
    patch: Record<string, unknown>,
  ): Promise<T> {
    if (resource.plural === RUNS.plural && this.remaining > 0) {
      this.remaining--;
      this.failed++;
      // As a connection reset shows it: a transient failure, left to the work queue's backoff.
      throw Object.assign(new Error('injected: the status write was lost'), { code: 'ECONNRESET' });
    }
    return super.patchCustomObjectStatus<T>(resource, namespace, name, patch);
  }
}

const task = {
  task_key: 'main',
  notebook_task: { notebook_path: '/Shared/main' },
  new_cluster: { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 },
};

interface RunsList {
  runs?: { run_id: number }[];
}

describe('DatabricksRun reconciler: one run, whatever happens between the start and the status write', () => {
  const bed = useOperatorTestBed('run-once');

  beforeEach(() => {
    bed.fake.setTiming({ runPendingMs: 100, taskRunningMs: 300, runTerminatingMs: 100 });
  });

  it('gets the same run back when the status write after runs/submit is lost and retried', async () => {
    const kube = new LosingStatusWrites(2);
    await bed.startOperator({ kube });
    await bed.create(RUNS, 'DatabricksRun', 'once', {
      workspaceRef: { name: 'ws' },
      submit: { tasks: [task] },
    });
    const run = await bed.waitForCondition<DatabricksRun>(RUNS, 'once', { type: 'Succeeded' });
    expect(kube.failed).toBe(2);

    const submits = bed.fake.requests({ endpoint: 'jobs/runs/submit', status: 200 });
    expect(submits.length).toBeGreaterThanOrEqual(3);
    expect(
      new Set(submits.map((s) => (s.body as { idempotency_token: string }).idempotency_token)).size,
    ).toBe(1);
    const all = (await bed.fake.ui.call('jobs/runs/list', { limit: 25 })) as RunsList;
    expect(all.runs?.map((r) => r.run_id)).toEqual([run.status?.runId]);
  });

  it('an operator restarted between run-now and the status write finds the same run', async () => {
    await bed.create(JOBS, 'DatabricksJob', 'etl', {
      workspaceRef: { name: 'ws' },
      settings: { name: 'etl', tasks: [task] },
    });
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'etl');

    // The first operator starts the run and dies before any status of it is written.
    await bed.startOperator({ kube: new LosingStatusWrites(Number.MAX_SAFE_INTEGER) });
    await bed.create(RUNS, 'DatabricksRun', 'etl-once', {
      workspaceRef: { name: 'ws' },
      jobRef: { name: 'etl' },
    });
    await pollUntil('run-now to reach Databricks', async () =>
      bed.fake.requestCount('jobs/run-now', 200) > 0 ? true : undefined,
    );
    await bed.stopOperator();
    expect((await bed.get<DatabricksRun>(RUNS, 'etl-once'))?.status?.runId).toBeUndefined();

    await bed.startOperator();
    const run = await bed.waitForCondition<DatabricksRun>(RUNS, 'etl-once', { type: 'Succeeded' });
    const runs = (await bed.fake.ui.call('jobs/runs/list', { job_id: job.status?.jobId })) as RunsList;
    expect(runs.runs?.map((r) => r.run_id)).toEqual([run.status?.runId]);
    const tokens = bed.fake
      .requests({ endpoint: 'jobs/run-now', status: 200 })
      .map((r) => (r.body as { idempotency_token: string }).idempotency_token);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(new Set(tokens)).toEqual(new Set([`k8s-dbrun-${run.metadata.uid}`]));
  });

  it('rides out 429 and 503 answers without a second run', async () => {
    bed.fake.setFaults([
      { endpoint: 'jobs/runs/submit', kind: 'unavailable', times: 2 },
      { endpoint: 'jobs/runs/get', kind: 'rate-limit', times: 1 },
      { endpoint: 'jobs/runs/list', kind: 'unavailable', times: 2 },
      { endpoint: 'jobs/runs/get-output', kind: 'rate-limit', times: 1 },
    ]);
    for (const name of ['faulty-a', 'faulty-b']) {
      await bed.create(RUNS, 'DatabricksRun', name, {
        workspaceRef: { name: 'ws' },
        submit: { tasks: [task] },
      });
    }
    for (const name of ['faulty-a', 'faulty-b']) {
      await bed.waitForCondition(RUNS, name, { type: 'Succeeded' }, 30_000);
    }
    expect(bed.fake.requestCount('jobs/runs/submit', 503)).toBe(2);
    expect(bed.fake.requestCount('jobs/runs/submit', 200)).toBe(2);
    const all = (await bed.fake.ui.call('jobs/runs/list', { limit: 25 })) as RunsList;
    expect(all.runs).toHaveLength(2);
    expect(bed.fake.listFaults().every((fault) => fault.fired === fault.rule.times)).toBe(true);
  });
});
