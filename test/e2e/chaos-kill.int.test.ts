/**
 * The controller SIGKILLed again and again while it creates many jobs, and restarted each time: every
 * DatabricksJob ends up with exactly one Databricks job, found again by its owner UID marker when the
 * process died between the create and the status write.
 *
 * E2E_CHAOS_JOBS (default 200) and E2E_CHAOS_KILLS (default 4 to 6 at random) scale it; E2E_SEED
 * replays the kill points of an earlier run.
 */
import { seededRandom } from '../fake-databricks/faults.js';
import type { ControllerProcess } from './controller-process.js';
import { envCount, isReady, useProcessTestBed, WORKSPACES } from './process-test-bed.js';

const seed = envCount('E2E_SEED', Date.now() % 1_000_000);
const random = seededRandom(seed);
const jobCount = envCount('E2E_CHAOS_JOBS', 200);
const killCount = envCount('E2E_CHAOS_KILLS', 4 + Math.floor(random() * 3));

if (jobCount < (killCount + 1) * 5) {
  throw new Error(
    `E2E_CHAOS_JOBS=${jobCount} is too few for E2E_CHAOS_KILLS=${killCount}: allow at least 5 creates per kill`,
  );
}

/** `count` create counts to kill at: one in each equal slice of (0, total), at a random place in it. */
function killPoints(total: number, count: number): number[] {
  const slice = total / (count + 1);
  return Array.from({ length: count }, (_, i) => Math.round((i + 0.5 + random()) * slice));
}

describe('controller killed while creating jobs', () => {
  // 20 to 50 ms per Databricks call keeps several creates in flight whenever the process is killed.
  const e2e = useProcessTestBed('chaos', { latency: { fixedMs: 20, jitterMs: 30 } });

  it(`makes exactly one Databricks job per DatabricksJob (${jobCount} jobs, ${killCount} SIGKILLs)`, async () => {
    const { bed } = e2e;
    const started = Date.now();
    const creates = (): number => bed.fake.requestCount('jobs/create', 200);
    let runs = 0;
    // A spare process with its modules loaded waits for each restart (see controller-preload.ts).
    const spawn = (): ControllerProcess =>
      e2e.startController(`run-${runs++}`, ['--workers', '16'], { held: true });
    let controller = spawn();
    controller.release();
    let spare = spawn();
    await bed.waitForCondition(WORKSPACES, 'ws', {}, 30_000);
    const names = Array.from({ length: jobCount }, (_, i) => `job-${String(i).padStart(4, '0')}`);
    const applied = e2e.createJobs(names, 25);

    const kills: { atCreates: number; at: number; successor: ControllerProcess }[] = [];
    for (const point of killPoints(jobCount, killCount)) {
      // Never at a count already passed (creates in flight land after a kill): each kill is mid-create.
      const target = Math.max(point, creates() + 2);
      if (target >= jobCount) break;
      await waitForCount(creates, target, controller, 60_000);
      controller.signal('SIGKILL');
      const at = Date.now();
      const exit = await controller.exited;
      expect(exit.signal).toBe('SIGKILL');
      controller = spare;
      controller.release();
      kills.push({ atCreates: creates(), at, successor: controller });
      spare = spawn();
    }
    spare.signal('SIGKILL');
    await applied;

    const objects = await e2e.waitForReadyJobs(jobCount, 80_000);
    const remote = e2e.remoteJobs();
    // From each kill until its successor's controllers started (informers synced).
    const restartMs = await Promise.all(
      kills.map(async ({ at, successor }) => {
        const line = await successor.waitForLog(
          '"controller started"',
          (l) => l.msg === 'controller started',
        );
        return Date.parse(line.ts) - at;
      }),
    );
    const found = (await bed.kube.core.listNamespacedEvent({ namespace: bed.namespace })).items.filter(
      (event) => event.reason === 'Found',
    ).length;
    process.stderr.write(
      `e2e chaos: seed ${seed}, ${kills.length} SIGKILLs at creates ${kills.map((k) => k.atCreates).join(', ')} ` +
        `(restarted in ${restartMs.map((ms) => `${ms} ms`).join(', ')}); ` +
        `${creates()} jobs/create answered 200 (${bed.fake.requestCount('jobs/create', 429)} answered 429), ` +
        `${found} 'Found' events (a job created before a kill found by its marker); all ${jobCount} Ready after ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );

    expect(kills).toHaveLength(killCount);
    expect(objects.filter(isReady)).toHaveLength(jobCount);
    // Exactly one job per object: as many as objects, each object's UID on exactly one, and that one in status.
    expect(remote).toHaveLength(jobCount);
    expect(creates()).toBe(jobCount);
    const byOwner = new Map(remote.map((job) => [job.ownerUid, job]));
    expect(byOwner.size).toBe(jobCount);
    for (const object of objects) {
      const job = byOwner.get(object.metadata.uid);
      expect({ name: object.metadata.name, jobId: job?.jobId, jobName: job?.name }).toEqual({
        name: object.metadata.name,
        jobId: object.status?.jobId,
        jobName: object.metadata.name,
      });
    }
  }, 180_000);
});

/** Resolves as soon as `count()` reaches `target` (checked every 2 ms, so the kill lands right after it). */
async function waitForCount(
  count: () => number,
  target: number,
  controller: ControllerProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (count() < target) {
    if (!controller.isRunning) throw new Error(`${controller.name} exited on its own${controller.tail()}`);
    if (Date.now() > deadline)
      throw new Error(`only ${count()} of ${target} creates within ${timeoutMs} ms${controller.tail()}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
