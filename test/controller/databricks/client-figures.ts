/**
 * Figures for the Databricks client against the fake workspace (not a test; run by hand):
 *   npx tsx test/controller/databricks/client-figures.ts
 * 1. Throughput and per-call cost of the client with no server latency and no limits.
 * 2. The default 15 req/s bucket against the fake's default jobs/create limit (20/s): expect zero 429s.
 * 3. A workspace limit above the server's create limit (30/s against 20/s): the per-endpoint bucket
 *    (18/s for jobs/create) keeps creates under it.
 * 4. The same without per-endpoint buckets: how many 429s, and what the Retry-After waits cost.
 */
import { DatabricksClient } from '../../../controller/databricks/client.js';
import { PersonalAccessToken } from '../../../controller/databricks/auth/token.js';
import { startFakeWorkspace, type FakeWorkspace } from '../../fake-databricks/index.js';

const job = {
  name: 'figure',
  tasks: [
    {
      task_key: 't',
      notebook_task: { notebook_path: '/x' },
      new_cluster: { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 },
    },
  ],
};

function clientFor(fake: FakeWorkspace, rateLimit: number, perEndpoint = true): DatabricksClient {
  return new DatabricksClient({
    host: fake.url,
    auth: new PersonalAccessToken(fake.token),
    rateLimit,
    ...(perEndpoint ? {} : { endpointRateLimits: false as const }),
  });
}

async function inParallel(total: number, concurrency: number, call: () => Promise<unknown>): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total) {
        started++;
        await call();
      }
    }),
  );
}

async function throughput(): Promise<void> {
  const fake = await startFakeWorkspace({ rateLimits: false });
  const client = clientFor(fake, 1_000_000);
  const { job_id } = await client.jobs.create(job);
  const calls = 5000;
  const started = performance.now();
  await inParallel(calls, 20, () => client.jobs.get(job_id));
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `throughput: ${calls} jobs/get, 20 in flight: ${(calls / seconds).toFixed(0)} calls/s, ${((seconds * 1000 * 20) / calls).toFixed(2)} ms per call`,
  );
  client.close();
  await fake.close();
}

async function createBatch(rateLimit: number, creates: number, perEndpoint = true): Promise<void> {
  const fake = await startFakeWorkspace();
  const client = clientFor(fake, rateLimit, perEndpoint);
  const started = performance.now();
  await inParallel(creates, 50, () => client.jobs.create(job));
  const seconds = (performance.now() - started) / 1000;
  const refused = fake.requestCount('jobs/create', 429);
  const floor = creates / Math.min(rateLimit, 20);
  const buckets = perEndpoint ? 'with' : 'without';
  console.log(
    `client ${rateLimit}/s ${buckets} per-endpoint buckets vs fake jobs/create 20/s: ${creates} creates in ${seconds.toFixed(1)} s (server floor ${floor.toFixed(1)} s), ${refused} answered 429`,
  );
  client.close();
  await fake.close();
}

await throughput();
await createBatch(15, 300);
await createBatch(30, 300);
await createBatch(30, 300, false);
