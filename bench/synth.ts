// Synth benchmark: `npm run bench:synth -- --jobs N` builds N jobs of 10 tasks each through the L2
// constructs and synthesizes them to YAML with cdk8s, then serializes the same manifests to YAML without
// cdk8s (the floor: plain objects and the yaml library). Prints wall times, the ratio and peak RSS; each
// side runs in its own process so that its peak RSS is its own.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { App, Chart, Duration } from 'cdk8s';
import { stringify } from 'yaml';
import { DatabricksJob, DatabricksWorkspace, JobSchedule, TaskType } from '../lib/index.js';

const TASKS_PER_JOB = 10;
const REPEATS = 3;
// Keys in sorted order, as cdk8s writes them, so that both paths produce the same YAML byte for byte.
const CLUSTER = { node_type_id: 'i3.xlarge', num_workers: 4, spark_version: '15.4.x-scala2.12' };

function jobCount(argv: readonly string[]): number {
  const index = argv.indexOf('--jobs');
  const value = index >= 0 ? Number(argv[index + 1]) : 1000;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--jobs must be a positive whole number, got "${argv[index + 1]}"`);
  }
  return value;
}

/** N jobs through the constructs, synthesized to one YAML string (what `cdk8s synth` writes). */
export function synthWithCdk8s(jobs: number): string {
  const app = new App({ outdir: 'dist/bench' });
  const chart = new Chart(app, 'bench', { namespace: 'bench', disableResourceNameHashes: true });
  const workspace = DatabricksWorkspace.fromName('bench');
  for (let j = 0; j < jobs; j++) {
    const job = new DatabricksJob(chart, `job-${j}`, {
      workspace,
      schedule: JobSchedule.cron(`0 ${j % 60} 2 * * ?`, { timezone: 'UTC' }),
      notifications: { onFailure: ['oncall@example.com'] },
      timeout: Duration.hours(4),
      tags: { team: 'bench' },
    });
    const cluster = job.addJobCluster('main', CLUSTER);
    let previous = job.addTask('task-0', { type: TaskType.notebook('/Shared/bench/task-0'), runOn: cluster });
    for (let t = 1; t < TASKS_PER_JOB; t++) {
      previous = job
        .addTask(`task-${t}`, {
          type: TaskType.notebook(`/Shared/bench/task-${t}`, { base_parameters: { step: String(t) } }),
          runOn: cluster,
          maxRetries: 1,
        })
        .dependsOn(previous);
    }
  }
  return app.synthYaml();
}

/** The same N manifests as plain objects, serialized with the yaml library and the options cdk8s uses: the floor. */
export function serializePlainObjects(jobs: number): string {
  const documents: string[] = [];
  for (let j = 0; j < jobs; j++) {
    const tasks: object[] = [
      {
        job_cluster_key: 'main',
        notebook_task: { notebook_path: '/Shared/bench/task-0' },
        task_key: 'task-0',
      },
    ];
    for (let t = 1; t < TASKS_PER_JOB; t++) {
      tasks.push({
        depends_on: [{ task_key: `task-${t - 1}` }],
        job_cluster_key: 'main',
        max_retries: 1,
        notebook_task: { base_parameters: { step: String(t) }, notebook_path: `/Shared/bench/task-${t}` },
        task_key: `task-${t}`,
      });
    }
    const manifest = {
      apiVersion: 'databricks.operator.dev/v1alpha1',
      kind: 'DatabricksJob',
      metadata: { name: `bench-job-${j}`, namespace: 'bench' },
      spec: {
        settings: {
          email_notifications: { on_failure: ['oncall@example.com'] },
          job_clusters: [{ job_cluster_key: 'main', new_cluster: CLUSTER }],
          name: `job-${j}`,
          schedule: {
            pause_status: 'UNPAUSED',
            quartz_cron_expression: `0 ${j % 60} 2 * * ?`,
            timezone_id: 'UTC',
          },
          tags: { team: 'bench' },
          tasks,
          timeout_seconds: 14400,
        },
        workspaceRef: { name: 'bench' },
      },
    };
    documents.push(stringify(manifest, { keepUndefined: true, lineWidth: 0, version: '1.1' }));
  }
  return documents.join('---\n');
}

/** What one measurement reports. */
interface Measurement {
  readonly ms: number;
  readonly bytes: number;
  readonly peakRssMiB: number;
  readonly sha256: string;
}

/** Runs one side in this process: warm up, then time it. Peak RSS is this process's, so one side per process. */
function measure(side: 'cdk8s' | 'floor', jobs: number): Measurement {
  const run = side === 'cdk8s' ? synthWithCdk8s : serializePlainObjects;
  // Warm up so that JIT compilation of the code paths is not part of the timing.
  run(200);
  // The best of a few runs: on a shared machine the slower runs measure the neighbours, not the code.
  let ms = Infinity;
  let yaml = '';
  for (let round = 0; round < REPEATS; round++) {
    const start = performance.now();
    yaml = run(jobs);
    ms = Math.min(ms, performance.now() - start);
  }
  return {
    ms,
    bytes: yaml.length,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    sha256: createHash('sha256').update(yaml).digest('hex'),
  };
}

/** Measures one side in a fresh Node process (with the same loader flags), so peak RSS belongs to it alone. */
function measureInChild(side: 'cdk8s' | 'floor', jobs: number): Measurement {
  const output = execFileSync(
    process.execPath,
    [...process.execArgv, process.argv[1]!, '--jobs', String(jobs), '--measure', side],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(output.trim().split('\n').pop()!) as Measurement;
}

/** Runs the benchmark from the command line; importing this module (as the tests do) runs nothing. */
function main(): void {
  const jobs = jobCount(process.argv);
  const sideIndex = process.argv.indexOf('--measure');
  if (sideIndex >= 0) {
    const side = process.argv[sideIndex + 1];
    if (side !== 'cdk8s' && side !== 'floor')
      throw new Error(`--measure must be cdk8s or floor, got "${side}"`);
    console.log(JSON.stringify(measure(side, jobs)));
  } else {
    const floor = measureInChild('floor', jobs);
    const cdk8s = measureInChild('cdk8s', jobs);
    if (cdk8s.sha256 !== floor.sha256) {
      throw new Error(
        'the floor does not serialize the same manifests as cdk8s; the comparison would be unfair',
      );
    }
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      `jobs:          ${jobs} x ${TASKS_PER_JOB} tasks, ${mib(cdk8s.bytes)} MiB of YAML (identical on both sides)`,
    );
    console.log(`cdk8s synth:   ${cdk8s.ms.toFixed(0)} ms, peak RSS ${cdk8s.peakRssMiB.toFixed(0)} MiB`);
    console.log(`floor (yaml):  ${floor.ms.toFixed(0)} ms, peak RSS ${floor.peakRssMiB.toFixed(0)} MiB`);
    console.log(
      `ratio:         ${(cdk8s.ms / floor.ms).toFixed(2)}x the floor (best of ${REPEATS} runs each)`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
