/**
 * What the process-based end-to-end tests share: per test a namespace with a token Secret and a
 * DatabricksWorkspace `ws` pointing at a fake workspace in this (the test) process, controller
 * processes watching that namespace, and views of both sides (DatabricksJobs in Kubernetes, jobs in
 * the fake) to compare at the end.
 */
import type { DatabricksJob } from '../../controller/reconcilers/job/job.js';
import { OWNER_UID_TAG } from '../../controller/reconcilers/managed/ownership.js';
import { findCondition } from '../../controller/runtime/conditions.js';
import type { FakeWorkspaceOptions } from '../fake-databricks/index.js';
import { pollUntil } from '../control-plane/poll-until.js';
import { RESOURCES, useOperatorTestBed, type OperatorTestBed } from '../controller/operator-test-bed.js';
import {
  useControllerProcesses,
  type ControllerProcess,
  type ControllerProcessOptions,
} from './controller-process.js';

export const JOBS = RESOURCES.DatabricksJob;
export const WORKSPACES = RESOURCES.DatabricksWorkspace;

/** A job as the fake workspace holds it, reduced to what the tests compare. */
export interface RemoteJob {
  readonly jobId: number;
  readonly name: string | undefined;
  readonly ownerUid: string | undefined;
  readonly settings: Record<string, unknown>;
}

/** What a process-based test reaches. */
export interface ProcessTestBed {
  /** The namespace, fake and object helpers of the in-process bed (whose operator is never started). */
  readonly bed: OperatorTestBed;
  /**
   * Starts `controller/main.ts` watching the test namespace, with its metrics server on a port the OS
   * picks; `args` are added after those flags. `options`: see {@link ControllerProcessOptions}.
   */
  startController(
    name: string,
    args?: readonly string[],
    options?: ControllerProcessOptions,
  ): ControllerProcess;
  /** A DatabricksJob spec for workspace `ws` with one notebook task. */
  jobSpec(name: string, settings?: Record<string, unknown>): Record<string, unknown>;
  /** Creates DatabricksJobs `names`, `concurrency` requests at a time. */
  createJobs(names: readonly string[], concurrency?: number): Promise<void>;
  /** Every DatabricksJob in the namespace. */
  listJobs(): Promise<DatabricksJob[]>;
  /** Waits until `count` DatabricksJobs are Ready for their current generation, and returns them all. */
  waitForReadyJobs(count: number, timeoutMs: number): Promise<DatabricksJob[]>;
  /** Every job in the fake workspace. */
  remoteJobs(): RemoteJob[];
}

/** Whether the object's Ready condition is True for its current generation. */
export function isReady(job: DatabricksJob): boolean {
  const ready = findCondition(job.status?.conditions, 'Ready');
  return (
    ready?.status === 'True' &&
    (ready.observedGeneration === undefined || ready.observedGeneration === job.metadata.generation)
  );
}

/** Runs `task` over `items`, at most `limit` at a time. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** A whole number from environment variable `name`, or `fallback` when it is unset. */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name}="${raw}" is not a whole number`);
  return value;
}

/** Sets up the hooks: a fake per file; a namespace, Secret and workspace per test; controllers killed after each. */
export function useProcessTestBed(prefix: string, fake: FakeWorkspaceOptions = {}): ProcessTestBed {
  // Declared first so its afterEach runs first: the controllers die before the namespace is deleted and
  // the fake is reset, so no straggling reconcile writes into the next test's fake.
  const controllers = useControllerProcesses();
  const bed = useOperatorTestBed(prefix, { fake, startOperator: false });

  const testBed: ProcessTestBed = {
    bed,
    startController: (name, args = [], options = {}) =>
      controllers.start(
        name,
        ['--namespaces', bed.namespace, '--metrics-bind-address', '127.0.0.1:0', ...args],
        options,
      ),
    jobSpec: (name, settings = {}) => ({
      workspaceRef: { name: 'ws' },
      settings: {
        name,
        tasks: [{ task_key: 'main', notebook_task: { notebook_path: `/Shared/${name}` } }],
        ...settings,
      },
    }),
    async createJobs(names, concurrency = 20) {
      await inParallel(names, concurrency, async (name) => {
        await bed.create(JOBS, 'DatabricksJob', name, testBed.jobSpec(name));
      });
    },
    async listJobs() {
      const jobs: DatabricksJob[] = [];
      let continueToken: string | undefined;
      do {
        const page = await bed.kube.list<DatabricksJob>(JOBS, bed.namespace, { limit: 500, continueToken });
        jobs.push(...page.items);
        continueToken = page.continueToken;
      } while (continueToken);
      return jobs;
    },
    waitForReadyJobs(count, timeoutMs) {
      let ready = 0;
      return pollUntil(
        `${count} DatabricksJobs to be Ready`,
        async () => {
          const jobs = await testBed.listJobs();
          ready = jobs.filter(isReady).length;
          return ready >= count ? jobs : undefined;
        },
        { timeoutMs, intervalMs: 1_000 },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)} (${ready} were)`);
      });
    },
    remoteJobs() {
      const { jobs } = bed.fake.snapshot().jobs as {
        jobs: {
          job_id: number;
          settings?: Record<string, unknown> & { name?: string; tags?: Record<string, string> };
        }[];
      };
      return jobs.map((job) => ({
        jobId: job.job_id,
        name: job.settings?.name,
        ownerUid: job.settings?.tags?.[OWNER_UID_TAG],
        settings: job.settings ?? {},
      }));
    },
  };
  return testBed;
}
