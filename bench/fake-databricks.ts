/**
 * Benchmark of the fake Databricks workspace itself: how many `jobs/get` requests per second it answers
 * with rate limits off, over loopback, from concurrent keep-alive clients in the same process (so the
 * figure includes the client's cost and is a floor, not a ceiling).
 *
 *   npm run bench:fake -- [--connections 16] [--seconds 5] [--max-requests 200000] [--tasks 10]
 *
 * Prints requests/s and latency percentiles. Bounded by both time and request count.
 */
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { startFakeWorkspace } from '../test/fake-databricks/index.js';

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function get(agent: Agent, url: URL, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '16' },
      seconds: { type: 'string', default: '5' },
      'max-requests': { type: 'string', default: '200000' },
      tasks: { type: 'string', default: '10' },
    },
  });
  const connections = Number(values.connections);
  const seconds = Number(values.seconds);
  const maxRequests = Number(values['max-requests']);
  const taskCount = Number(values.tasks);

  const workspace = await startFakeWorkspace({ rateLimits: false });
  const tasks = Array.from({ length: taskCount }, (_, i) => ({
    task_key: `task_${i}`,
    notebook_task: { notebook_path: `/Shared/bench/task_${i}` },
    ...(i > 0 && { depends_on: [{ task_key: `task_${i - 1}` }] }),
  }));
  const created = await fetch(`${workspace.url}/api/2.2/jobs/create`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${workspace.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'bench', tasks }),
  });
  const { job_id: jobId } = (await created.json()) as { job_id: number };
  const url = new URL(`${workspace.url}/api/2.2/jobs/get?job_id=${jobId}`);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });

  // Warm up the JIT and the connections before measuring.
  await Promise.all(Array.from({ length: connections * 20 }, () => get(agent, url, workspace.token)));
  workspace.clearRequests();

  const latencies: number[] = [];
  let sent = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (sent < maxRequests && performance.now() < deadline) {
      sent++;
      const t0 = performance.now();
      const status = await get(agent, url, workspace.token);
      latencies.push(performance.now() - t0);
      if (status !== 200) errors++;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const served = workspace.requestCount('jobs/get', 200);
  await workspace.close();

  latencies.sort((a, b) => a - b);
  const rate = latencies.length / elapsed;
  process.stdout.write(
    [
      `fake-databricks jobs/get (${taskCount} tasks), ${connections} keep-alive connections, ${elapsed.toFixed(2)} s`,
      `requests: ${latencies.length} (server counted ${served} answered 200), non-200: ${errors}`,
      `throughput: ${rate.toFixed(0)} req/s`,
      `latency ms: p50 ${percentile(latencies, 50).toFixed(2)}  p99 ${percentile(latencies, 99).toFixed(2)}  max ${latencies[latencies.length - 1]?.toFixed(2) ?? '0'}`,
      '',
    ].join('\n'),
  );
  if (errors > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:fake failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
