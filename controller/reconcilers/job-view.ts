/**
 * Batched reads of one workspace's jobs and runs, shared by every DatabricksJob reconcile in it.
 *
 * At resync every DatabricksJob of a workspace is reconciled within seconds. One `jobs/list?expand_tasks`
 * listing (100 jobs a call) answers all their drift checks, and one walk of `runs/list` (newest first)
 * answers "what was each job's last run", so a resync of 1,000 jobs costs about 10 + 1 reads rather than
 * 2,000. A workspace with few managed jobs is read job by job instead: a listing there would cost more
 * than it saves.
 *
 * The listing is trusted for a job only if it started after this process last wrote that job; otherwise
 * (and for jobs with more than 100 tasks, which the listing cuts short) the job is read with `jobs/get`,
 * unless more jobs were written since the listing started than it has pages: then one new listing is
 * cheaper than a `jobs/get` each (a resync soon after a burst of creates or updates).
 */
import {
  formatId,
  unlessMissing,
  sameId,
  type DatabricksClient,
  type Job,
  type Run,
} from '../databricks/index.js';
import { OWNER_UID_TAG } from './ownership.js';

/** Tunables of {@link JobView}. */
export interface JobViewOptions {
  /** A listing (or runs walk) younger than this is reused. @default 60_000 */
  readonly maxAgeMs: number;
  /** With at least this many managed jobs in the workspace, drift checks use the listing. @default 10 */
  readonly listingThreshold: number;
  /** The first runs walk reads back at most this far. @default 86_400_000 (1 day) */
  readonly initialRunsLookbackMs: number;
  /** ...and at most this many pages. @default 10 */
  readonly maxRunsPages: number;
}

export const defaultJobViewOptions: JobViewOptions = {
  maxAgeMs: 60_000,
  listingThreshold: 10,
  initialRunsLookbackMs: 86_400_000,
  maxRunsPages: 10,
};

interface Listing {
  /** When the first page was requested, by this process's clock: how old the listing is. */
  readonly startedAt: number;
  /**
   * The view's write count when it started: writes numbered up to this are reflected in it, later ones
   * are not. A count, not a time, so a write and a listing in the same millisecond are still ordered.
   */
  readonly writesBefore: number;
  /** Pages it took (what reading it again costs). */
  readonly pages: number;
  readonly byId: Map<string, Job>;
  readonly byOwnerUid: Map<string, Job>;
}

interface RunsFeed {
  /** When the walk began, by this process's clock: how old the feed is. */
  readonly startedAt: number;
  /**
   * The newest sort time (end time, or start time while unfinished) any walk has read, by Databricks'
   * clock: the next walk stops a little before it, so a skewed local clock loses no runs.
   */
  readonly watermark?: number;
  /** The newest run of each job seen so far, by job ID. */
  readonly latest: Map<string, Run>;
}

const RUNS_PAGE_SIZE = 24;
/** `jobs/list` pages hold this many jobs. */
const JOBS_PAGE_SIZE = 100;

/** Life-cycle states of a run that is not over yet. */
const ACTIVE_LIFE_CYCLE: ReadonlySet<string> = new Set([
  'QUEUED',
  'PENDING',
  'RUNNING',
  'TERMINATING',
  'BLOCKED',
  'WAITING_FOR_RETRY',
]);

/** Whether `run` has not finished yet, so its state will still change. */
export function isActiveRun(run: Run): boolean {
  const state = run.state?.life_cycle_state;
  return state !== undefined && ACTIVE_LIFE_CYCLE.has(state);
}

/** Whether `a` started after `b` (run IDs break ties). */
function newerRun(a: Run, b: Run): boolean {
  const byStart = (a.start_time ?? 0) - (b.start_time ?? 0);
  return byStart !== 0 ? byStart > 0 : BigInt(String(a.run_id)) > BigInt(String(b.run_id));
}

const views = new WeakMap<DatabricksClient, JobView>();

/** Reads of one workspace's jobs, batched and cached briefly. */
export class JobView {
  private listing: Listing | undefined;
  private listingInFlight: { readonly writesBefore: number; readonly listing: Promise<Listing> } | undefined;
  /** Writes this process made to the workspace's jobs, counted so a listing knows how many it misses. */
  private writes = 0;
  private feed: RunsFeed = { startedAt: 0, latest: new Map() };
  private feedInFlight: Promise<RunsFeed> | undefined;
  /** job ID → the number of this process's last write to it (1 for the first write of all). */
  private readonly lastWrite = new Map<string, number>();
  /** owner UID → job ID, for jobs this process created (a listing may predate them). */
  private readonly createdHere = new Map<string, string>();

  constructor(
    private readonly client: DatabricksClient,
    private readonly options: JobViewOptions = defaultJobViewOptions,
  ) {}

  /** The view of the workspace `client` talks to (one per client, so a new host gets a fresh view). */
  static of(client: DatabricksClient, options?: JobViewOptions): JobView {
    let view = views.get(client);
    if (!view) views.set(client, (view = new JobView(client, options)));
    return view;
  }

  /**
   * The job as Databricks has it now, or undefined when it does not exist. `managedJobs` is how many
   * DatabricksJobs use this workspace: it decides between the shared listing and one `jobs/get`.
   */
  async job(jobId: string, managedJobs: number): Promise<Job | undefined> {
    if (managedJobs >= this.options.listingThreshold) {
      const written = this.lastWrite.get(jobId) ?? 0;
      let listing = await this.freshListing();
      if (listing.writesBefore < written && this.writes - listing.writesBefore > listing.pages) {
        listing = await this.listingAfter(written);
      }
      const listed = listing.byId.get(jobId);
      if (listing.writesBefore >= written && listed && !listed.has_more) return listed;
    }
    return unlessMissing(this.client.jobs.get(jobId));
  }

  /**
   * The job that carries owner UID `uid` in its marker tags, if any: how a controller that crashed between
   * create and status write finds what it created. Looks in the listing when many jobs are managed, else
   * with `jobs/list?name=` (exact name), which returns the few jobs of that name.
   */
  async findOwned(uid: string, name: string, managedJobs: number): Promise<Job | undefined> {
    const created = this.createdHere.get(uid);
    if (created) return this.job(created, 0);
    if (managedJobs >= this.options.listingThreshold) {
      return (await this.freshListing()).byOwnerUid.get(uid);
    }
    for await (const job of this.client.jobs.list({ name })) {
      if (job.settings?.tags?.[OWNER_UID_TAG] === uid) return job;
    }
    return undefined;
  }

  /** Records that this process created job `jobId` for owner `uid`. */
  created(uid: string, jobId: string): void {
    this.createdHere.set(uid, jobId);
    this.wrote(jobId);
  }

  /** Records a write to `jobId`: listings that started earlier no longer speak for it. */
  wrote(jobId: string): void {
    this.lastWrite.set(jobId, ++this.writes);
  }

  /** Forgets a deleted job. */
  deleted(uid: string, jobId: string): void {
    this.createdHere.delete(uid);
    this.wrote(jobId);
  }

  /** The newest run of job `jobId` seen in the workspace's recent runs, if any. */
  async lastRun(jobId: string): Promise<Run | undefined> {
    const feed = await this.freshFeed();
    return feed.latest.get(formatId(jobId));
  }

  private freshListing(): Promise<Listing> {
    if (this.listing && Date.now() - this.listing.startedAt < this.options.maxAgeMs) {
      return Promise.resolve(this.listing);
    }
    return this.listingAfter(0);
  }

  /** A listing that started after write number `write`: the one being read if it did, else a new one. */
  private listingAfter(write: number): Promise<Listing> {
    if (this.listingInFlight && this.listingInFlight.writesBefore >= write)
      return this.listingInFlight.listing;
    const writesBefore = this.writes;
    const inFlight = {
      writesBefore,
      listing: this.readListing(writesBefore).finally(() => {
        if (this.listingInFlight === inFlight) this.listingInFlight = undefined;
      }),
    };
    this.listingInFlight = inFlight;
    return inFlight.listing;
  }

  private async readListing(writesBefore: number): Promise<Listing> {
    const startedAt = Date.now();
    const byId = new Map<string, Job>();
    const byOwnerUid = new Map<string, Job>();
    for await (const job of this.client.jobs.list({ expand_tasks: true })) {
      byId.set(String(job.job_id), job);
      const uid = job.settings?.tags?.[OWNER_UID_TAG];
      if (uid) byOwnerUid.set(uid, job);
    }
    const listing = {
      startedAt,
      writesBefore,
      pages: Math.max(1, Math.ceil(byId.size / JOBS_PAGE_SIZE)),
      byId,
      byOwnerUid,
    };
    // Two listings can overlap; the one that started later is the better one to keep.
    if (!this.listing || this.listing.writesBefore <= writesBefore) this.listing = listing;
    return listing;
  }

  private freshFeed(): Promise<RunsFeed> {
    if (Date.now() - this.feed.startedAt < this.options.maxAgeMs) return Promise.resolve(this.feed);
    this.feedInFlight ??= this.readFeed().finally(() => (this.feedInFlight = undefined));
    return this.feedInFlight;
  }

  /**
   * Walks `runs/list` newest first (by end time, or start time while unfinished) until it reaches runs
   * sorted before the newest one the previous walk saw: every run that started or finished since then
   * is read, and nothing older is read again. A run still going that started before the previous walk
   * sorts behind where the walk stops, so while one is known, the active runs are read too
   * (`active_only`): that is how a run's state moves from PENDING to RUNNING in status before it ends.
   */
  private async readFeed(): Promise<RunsFeed> {
    const startedAt = Date.now();
    const previous = this.feed;
    // A second of overlap covers runs that changed while the previous walk was reading.
    const stopBefore =
      previous.watermark !== undefined
        ? previous.watermark - 1_000
        : startedAt - this.options.initialRunsLookbackMs;
    let watermark = previous.watermark;
    const latest = new Map(previous.latest);
    const seen = new Set<string>();
    const take = (run: Run): void => {
      seen.add(formatId(run.run_id));
      if (run.job_id === undefined) return;
      const jobId = formatId(run.job_id);
      const known = latest.get(jobId);
      // The same run read again is newer news of it; another run replaces it only if it started later
      // (the order is by end time, so a job's newest run is not always its first).
      if (!known || sameId(known.run_id, run.run_id) || newerRun(run, known)) latest.set(jobId, run);
    };
    const maxRuns = this.options.maxRunsPages * RUNS_PAGE_SIZE;
    let read = 0;
    for await (const run of this.client.jobs.listRuns({ run_type: 'JOB_RUN', limit: RUNS_PAGE_SIZE })) {
      const at = run.end_time ? run.end_time : (run.start_time ?? 0);
      watermark = Math.max(watermark ?? at, at);
      if (at < stopBefore || read++ >= maxRuns) break;
      take(run);
    }
    const activeNotSeen = [...latest.values()].some(
      (run) => isActiveRun(run) && !seen.has(formatId(run.run_id)),
    );
    if (previous.startedAt === 0 || activeNotSeen) {
      read = 0;
      const active = this.client.jobs.listRuns({
        run_type: 'JOB_RUN',
        active_only: true,
        limit: RUNS_PAGE_SIZE,
      });
      for await (const run of active) {
        if (read++ >= maxRuns) break;
        take(run);
      }
    }
    this.feed = { startedAt, ...(watermark === undefined ? {} : { watermark }), latest };
    return this.feed;
  }
}
