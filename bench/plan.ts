/**
 * Benchmark of `cdk8s-databricks plan`: N jobs of 10 tasks synthesized through the constructs (as
 * `npm run bench:synth` builds them), the same jobs in a fake workspace as the controller leaves them
 * (settings as the spec says, the ownership marker added), then D of them changed in the workspace's UI.
 * Prints the time of each plan, what it asked Databricks (expect list pages of 100, not one call per
 * job), and checks that it found exactly the D changed jobs and nothing else.
 *
 *   npm run bench:plan -- [--jobs 1000] [--drifted 10] [--latency-ms 0] [--runs 3]
 *
 * The command runs in this process (as `runCli`, the bin's own entry), against the fake over loopback
 * with Databricks' rate limits on; `--latency-ms` adds a fixed delay to every answer of the fake.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../cli/cli.js';
import { startFakeWorkspace } from '../test/fake-databricks/index.js';
import { synthWithCdk8s } from './synth.js';

type Json = Record<string, unknown>;
type Manifest = { kind: string; metadata: { name: string; namespace: string }; spec: { settings: Json } };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '1000' },
      drifted: { type: 'string', default: '10' },
      'latency-ms': { type: 'string', default: '0' },
      runs: { type: 'string', default: '3' },
    },
  });
  const jobs = Number(values.jobs);
  const drifted = Number(values.drifted);
  const runs = Number(values.runs);
  const yaml = synthWithCdk8s(jobs);
  const manifests = parseAllDocuments(yaml)
    .map((document) => document.toJS() as Manifest)
    .filter((manifest) => manifest.kind === 'DatabricksJob');
  const fake = await startFakeWorkspace({ latency: { fixedMs: Number(values['latency-ms']), jitterMs: 0 } });
  const dir = mkdtempSync(join(tmpdir(), 'bench-plan-'));
  try {
    writeFileSync(join(dir, 'app.k8s.yaml'), yaml);
    const ids: number[] = [];
    for (const { metadata, spec } of manifests) {
      const tags = (spec.settings.tags ?? {}) as Record<string, string>;
      const { job_id } = (await fake.ui.call('jobs/create', {
        ...spec.settings,
        name: spec.settings.name ?? metadata.name,
        tags: {
          ...tags,
          'k8s-owner': `${metadata.namespace}/${metadata.name}`,
          'k8s-owner-uid': `uid-${metadata.name}`,
        },
      })) as { job_id: number };
      ids.push(job_id);
    }
    // Every (jobs / drifted)-th job changed in the UI: half a top-level field, half a task's field.
    const changed = new Set<string>();
    for (let d = 0; d < drifted; d++) {
      const index = Math.floor((d * jobs) / drifted);
      const change =
        d % 2 === 0
          ? { max_concurrent_runs: 7 }
          : { tasks: [{ ...((manifests[index]!.spec.settings.tasks as Json[])[3] ?? {}), max_retries: 9 }] };
      await fake.ui.call('jobs/update', { job_id: ids[index], new_settings: change });
      changed.add(`${manifests[index]!.metadata.namespace}/${manifests[index]!.metadata.name}`);
    }

    const env = { DATABRICKS_HOST: fake.url, DATABRICKS_TOKEN: fake.token };
    process.stdout.write(
      `plan of ${jobs} synthesized jobs (10 tasks each), ${drifted} changed in Databricks, best of ${runs}:\n`,
    );
    const times: number[] = [];
    let counts: Record<string, number> = {};
    let output = '';
    for (let run = 0; run < runs; run++) {
      fake.clearRequests();
      output = '';
      const started = performance.now();
      const status = await runCli(['plan', dir], {
        stdout: { write: (text: string) => (output += text) },
        stderr: { write: (text: string) => process.stderr.write(text) },
        env,
        cwd: dir,
      });
      times.push(performance.now() - started);
      if (status !== 2) throw new Error(`plan exited with ${status}, not 2 (changes)`);
      counts = fake.requestCounts();
    }
    const lines = output.trimEnd().split('\n');
    const updated = lines.filter((line) => line.startsWith('update ')).map((line) => line.split(' ')[2]!);
    const unchanged = lines.filter((line) => line.startsWith('none ')).length;
    const exact = updated.length === changed.size && updated.every((key) => changed.has(key));
    if (!exact || unchanged !== jobs - drifted) {
      throw new Error(
        `plan found ${updated.length} updates (${updated.join(', ')}) and ${unchanged} unchanged; expected exactly ${[...changed].join(', ')}`,
      );
    }
    const calls = Object.entries(counts)
      .map(([key, count]) => `${key}: ${count}`)
      .join(', ');
    const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
    process.stdout.write(
      `  ${(Math.min(...times) / 1000).toFixed(2)} s (runs: ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s); ${total} calls (${calls})\n` +
        `  found exactly the ${drifted} changed jobs (${lines
          .filter((line) => line.startsWith('update '))
          .slice(0, 2)
          .join(' | ')} ...) and ${unchanged} unchanged\n` +
        `  ${lines[lines.length - 1]}\n` +
        `  peak RSS of this process (fake, synthesis and command together): ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await fake.close();
  }
}

await main();
