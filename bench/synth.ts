// Synth benchmark: `npm run bench:synth -- --jobs N` builds N jobs of 10 tasks each through the L2
// constructs and synthesizes them to YAML with cdk8s, then serializes the same manifests to YAML without
// cdk8s (the floor: plain objects and the yaml library). Prints wall times, the ratio and peak RSS.
import { performance } from 'node:perf_hooks';
import { App, Chart, Duration } from 'cdk8s';
import { stringify } from 'yaml';
import { DatabricksJob, DatabricksWorkspace, JobSchedule, TaskType } from '../lib/index.js';

const TASKS_PER_JOB = 10;
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
function synthWithCdk8s(jobs: number): string {
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

/** The same N manifests as plain objects, serialized with the yaml library: the floor. */
function serializePlainObjects(jobs: number): string {
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
          name: `bench-job-${j}`,
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
    documents.push(stringify(manifest, { keepUndefined: true, lineWidth: 0 }));
  }
  return documents.join('---\n');
}

function timed<T>(run: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = run();
  return { result, ms: performance.now() - start };
}

function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

const jobs = jobCount(process.argv);
// Warm both paths up first so that neither pays for JIT compilation the other does not.
synthWithCdk8s(20);
serializePlainObjects(20);
const floor = timed(() => serializePlainObjects(jobs));
const floorRss = peakRssMiB();
const cdk8s = timed(() => synthWithCdk8s(jobs));
const cdk8sRss = peakRssMiB();

if (cdk8s.result !== floor.result) {
  throw new Error('the floor does not serialize the same manifests as cdk8s; the comparison would be unfair');
}
console.log(`jobs: ${jobs} x ${TASKS_PER_JOB} tasks (${jobs} manifests)`);
console.log(
  `cdk8s synth:     ${cdk8s.ms.toFixed(0)} ms, ${(cdk8s.result.length / 1024).toFixed(0)} KiB of YAML`,
);
console.log(
  `floor (yaml):    ${floor.ms.toFixed(0)} ms, ${(floor.result.length / 1024).toFixed(0)} KiB of YAML`,
);
console.log(`ratio:           ${(cdk8s.ms / floor.ms).toFixed(2)}x the floor`);
console.log(
  `peak RSS:        ${floorRss.toFixed(0)} MiB after the floor, ${cdk8sRss.toFixed(0)} MiB after cdk8s`,
);
