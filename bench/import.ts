/**
 * Benchmark of `cdk8s-databricks import`: a fake workspace holding N jobs (3 tasks each, on a job cluster),
 * imported with `--all`, as TypeScript into a directory and as YAML. Prints the time of each command,
 * what it asked Databricks (expect list pages of 100, not one call per job) and the process's peak RSS.
 *
 *   npm run bench:import -- [--jobs 1000] [--latency-ms 0] [--runs 3]
 *
 * The command runs in this process (as `runCli`, the bin's own entry), against the fake over loopback
 * with Databricks' rate limits on; `--latency-ms` adds a fixed delay to every answer of the fake.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../cli/cli.js';
import { startFakeWorkspace } from '../test/fake-databricks/index.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '1000' },
      'latency-ms': { type: 'string', default: '0' },
      runs: { type: 'string', default: '3' },
    },
  });
  const jobs = Number(values.jobs);
  const runs = Number(values.runs);
  const fake = await startFakeWorkspace({ latency: { fixedMs: Number(values['latency-ms']), jitterMs: 0 } });
  const out = mkdtempSync(join(tmpdir(), 'bench-import-'));
  try {
    for (let i = 0; i < jobs; i++) {
      await fake.ui.call('jobs/create', {
        name: `etl ${i}`,
        job_clusters: [
          { job_cluster_key: 'main', new_cluster: { spark_version: '15.4.x-scala2.12', num_workers: 2 } },
        ],
        tasks: ['extract', 'transform', 'load'].map((key, index, keys) => ({
          task_key: key,
          job_cluster_key: 'main',
          notebook_task: { notebook_path: `/Shared/etl/${key}`, base_parameters: { run: String(i) } },
          ...(index > 0 ? { depends_on: [{ task_key: keys[index - 1] }] } : {}),
        })),
      });
    }
    const env = { DATABRICKS_HOST: fake.url, DATABRICKS_TOKEN: fake.token };
    const sink = { write: () => true };
    process.stdout.write(`import --all of ${jobs} jobs (3 tasks each), best of ${runs}:\n`);
    for (const format of ['ts', 'yaml'] as const) {
      const times: number[] = [];
      let counts: Record<string, number> = {};
      for (let run = 0; run < runs; run++) {
        fake.clearRequests();
        const args = [
          'import',
          '--all',
          '--format',
          format,
          ...(format === 'ts' ? ['--out', join(out, 'app')] : []),
        ];
        const started = performance.now();
        const status = await runCli(args, { stdout: sink, stderr: sink, env, cwd: out });
        times.push(performance.now() - started);
        if (status !== 0) throw new Error(`import exited with ${status}`);
        counts = fake.requestCounts();
      }
      const calls = Object.entries(counts)
        .map(([key, count]) => `${key}: ${count}`)
        .join(', ');
      const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
      process.stdout.write(
        `  --format ${format}: ${(Math.min(...times) / 1000).toFixed(2)} s (runs: ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s); ${total} calls (${calls})\n`,
      );
    }
    process.stdout.write(
      `  peak RSS of this process (fake and command together): ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB\n`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
    await fake.close();
  }
}

await main();
