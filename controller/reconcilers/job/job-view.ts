/**
 * Batched reads of one workspace's jobs and runs, shared by every DatabricksJob reconcile in it.
 *
 * At resync every DatabricksJob of a workspace is reconciled within seconds. One `jobs/list?expand_tasks`
 * listing (100 jobs a call, see {@link SharedListing}) answers all their drift checks, and one walk of
 * `runs/list` (most recently started first) answers "what is each job's newest run", so a resync of 1,000
 * jobs costs about 10 + 1 reads rather than 2,000. Both are read afresh once after each resync and reused
 * until the next one. A workspace where a listing would cost more calls than there are managed jobs (few
 * jobs of ours among many) is read job by job instead.
 *
 * A job written by this process since the listing started, or with more than 100 tasks (which the listing
 * cuts short), is read with `jobs/get`; so is one the listing does not hold, which tells a job deleted in
 * Databricks from one created after the listing.
 */
import {
  formatId,
  unlessMissing,
  sameId,
  type DatabricksClient,
  type Int64Id,
  type Job,
  type Run,
} from '../../databricks/index.js';
import { OWNER_UID_TAG } from '../managed/ownership.js';
import { SharedListing, type ListingRead, type ListingSnapshot } from '../managed/shared-listing.js';

/** Tunables of {@link JobView}. */
export interface JobViewOptions {
  /** A jobs listing younger than this is reused (when no resync came since). @default 60_000 */
  readonly maxAgeMs: number;
  /** A runs walk younger than this is reused (when no resync came since). @default 60_000 */
  readonly runsMaxAgeMs: number;
  /**
   * With at least this many managed jobs in the workspace, and more than the listing's pages, drift
   * checks use the listing. @default 2
   */
  readonly listingThreshold: number;
  /** The first runs walk reads runs started at most this long ago. @default 86_400_000 (1 day) */
  readonly initialRunsLookbackMs: number;
  /** A walk reads at most this many pages of newly started runs (24 a page). @default 10 */
  readonly maxRunsPages: number;
  /** When the DatabricksJob informer last resynced: listings and walks from before are read again. */
  readonly resyncedAt?: () => number;
}

export const defaultJobViewOptions: JobViewOptions = {
  maxAgeMs: 60_000,
  runsMaxAgeMs: 60_000,
  listingThreshold: 2,
  initialRunsLookbackMs: 86_400_000,
  maxRunsPages: 10,
};

interface RunsFeed {
  /** When the walk began, by this process's clock: how old the feed is. */
  readonly startedAt: number;
  /**
   * The latest start time any walk has read, by Databricks' clock: the next walk stops a little before
   * it, so a skewed local clock loses no runs.
   */
  readonly watermark?: number;
  /** The most recently started run of each job seen so far, by job ID. */
  readonly latest: Map<string, Run>;
  /** IDs of the runs whose state this walk read; the others are as an earlier walk saw them. */
  readonly current: Set<string>;
}

const RUNS_PAGE_SIZE = 24;
/**
 * A walk reads back this far before the latest start time the previous one saw: a run being created while
 * that walk read may carry a start time a little earlier than runs it listed.
 */
const RUNS_OVERLAP_MS = 1_000;
/** `runs/get` calls of one walk in flight at once. */
const RUNS_GET_CONCURRENCY = 8;
/** `jobs/list` pages hold this many jobs. */
const JOBS_PAGE_SIZE = 100;
/** Owner UID → job, per listing: how a job created before a crash is found by its marker. */
const byOwnerUid = new WeakMap<ListingSnapshot<Job>, Map<string, Job>>();

function ownedJobs(listing: ListingSnapshot<Job>): Map<string, Job> {
  let index = byOwnerUid.get(listing);
  if (!index) {
    index = new Map();
    for (const job of listing.items.values()) {
      const uid = job.settings?.tags?.[OWNER_UID_TAG];
      if (uid) index.set(uid, job);
    }
    byOwnerUid.set(listing, index);
  }
  return index;
}

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

/** What one walk has read: each job's most recently started run among all known, and which are fresh. */
class RunsRead {
  readonly latest: Map<string, Run>;
  readonly current = new Set<string>();

  constructor(known: ReadonlyMap<string, Run>) {
    this.latest = new Map(known);
  }

  /** Takes in a run as just read: newer news of the same run, or a run that started later. */
  take(run: Run): void {
    this.current.add(formatId(run.run_id));
    if (run.job_id === undefined) return;
    const jobId = formatId(run.job_id);
    const known = this.latest.get(jobId);
    if (!known || sameId(known.run_id, run.run_id) || newerRun(run, known)) this.latest.set(jobId, run);
  }

  /** Puts what `run` is now in its place: itself, or (when it is gone) an older run of its job, or none. */
  replace(run: Run, now: Run | undefined): void {
    if (run.job_id !== undefined) this.latest.delete(formatId(run.job_id));
    if (now) this.take(now);
  }

  /** The newest runs of `jobs` that were unfinished when last read, before this walk. */
  unfinished(jobs: Iterable<string>): Run[] {
    const runs: Run[] = [];
    for (const jobId of jobs) {
      const run = this.latest.get(jobId);
      if (run && isActiveRun(run) && !this.current.has(formatId(run.run_id))) runs.push(run);
    }
    return runs;
  }
}

const views = new WeakMap<DatabricksClient, JobView>();

/** Reads of one workspace's jobs, batched and shared between resyncs. */
export class JobView {
  private readonly listing: SharedListing<Job>;
  private feed: RunsFeed = { startedAt: 0, latest: new Map(), current: new Set() };
  private feedInFlight: Promise<RunsFeed> | undefined;
  /** Jobs whose newest run was asked for (the managed ones): only their unfinished runs are followed. */
  private readonly followed = new Set<string>();
  /** Active runs in the workspace at the last `active_only` listing: what reading it again costs. */
  private activeRuns = 0;
  /** owner UID → job ID and marker tags, for jobs this process created (a listing may predate them). */
  private readonly createdHere = new Map<
    string,
    { readonly jobId: string; readonly tags?: Readonly<Record<string, string>> }
  >();

  constructor(
    private readonly client: DatabricksClient,
    private readonly options: JobViewOptions = defaultJobViewOptions,
  ) {
    this.listing = new SharedListing(() => this.readListing(), {
      maxAgeMs: options.maxAgeMs,
      resyncedAt: options.resyncedAt,
    });
  }

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
    if (this.listingPays(managedJobs)) {
      const listed = await this.listing.find(jobId);
      if (listed && !listed.has_more) return listed;
    }
    return unlessMissing(this.client.jobs.get(jobId));
  }

  /**
   * The job that carries owner UID `uid` in its marker tags, if any: how a controller that crashed between
   * create and status write finds what it created. Looks in the shared listing when it costs fewer calls
   * than the managed jobs, else with `jobs/list?name=` (exact name), which returns the few jobs of that name.
   */
  async findOwned(uid: string, name: string, managedJobs: number): Promise<Job | undefined> {
    return (await this.findMarked(uid, name, managedJobs, () => false)).owned;
  }

  /**
   * {@link findOwned}, and in the same read the jobs `leftBehind` picks (by their marker: an earlier
   * object of the same name left them), lowest job ID first. Those are looked for only when no job
   * carries `uid`.
   */
  async findMarked(
    uid: string,
    name: string,
    managedJobs: number,
    leftBehind: (job: Job) => boolean,
  ): Promise<{ owned?: Job; leftBehind: Job[] }> {
    const created = this.createdHere.get(uid);
    if (created) return { owned: await this.job(created.jobId, 0), leftBehind: [] };
    let jobs: Iterable<Job> | AsyncIterable<Job>;
    const left: Job[] = [];
    if (this.listingPays(managedJobs)) {
      const listing = await this.listing.current();
      const owned = ownedJobs(listing).get(uid);
      if (owned) return { owned, leftBehind: [] };
      jobs = listing.items.values();
      // Jobs this process created after the listing started are not in it; one marked as left behind
      // (created by an earlier object of this name, deleted since with Retain) is read on its own.
      for (const { jobId, tags } of this.createdHere.values()) {
        if (listing.items.has(jobId) || !leftBehind({ job_id: jobId, settings: { tags } } as Job)) continue;
        const now = await this.job(jobId, 0);
        if (now && leftBehind(now)) left.push(now);
      }
    } else {
      jobs = this.client.jobs.list({ name });
    }
    let owned: Job | undefined;
    for await (const job of jobs) {
      if (job.settings?.tags?.[OWNER_UID_TAG] === uid) owned = job;
      else if (leftBehind(job)) left.push(job);
    }
    if (owned) return { owned, leftBehind: [] };
    return {
      leftBehind: left.sort((a, b) => (BigInt(String(a.job_id)) < BigInt(String(b.job_id)) ? -1 : 1)),
    };
  }

  /** Records that this process created job `jobId` for owner `uid`, with these marker `tags`. */
  created(uid: string, jobId: string, tags?: Readonly<Record<string, string>>): void {
    this.createdHere.set(uid, { jobId, tags });
    this.wrote(jobId);
  }

  /** Records a write to `jobId`: listings that started earlier no longer speak for it. */
  wrote(jobId: string): void {
    this.listing.wrote(jobId);
  }

  /** Forgets a deleted job. */
  deleted(uid: string, jobId: string): void {
    this.createdHere.delete(uid);
    this.followed.delete(formatId(jobId));
    this.wrote(jobId);
  }

  /**
   * Whether the listing costs fewer calls than reading each of `managedJobs` jobs: the page count of the
   * last listing, or one page before the first.
   */
  private listingPays(managedJobs: number): boolean {
    return managedJobs >= this.options.listingThreshold && managedJobs > (this.listing.knownPages ?? 1);
  }

  /**
   * The most recently started run of job `jobId` among the workspace's recent runs, if any, in the state
   * the latest walk read. From now on, each walk follows the job's newest run until it has finished.
   */
  async lastRun(jobId: string): Promise<Run | undefined> {
    const id = formatId(jobId);
    const followedBefore = this.followed.has(id);
    this.followed.add(id);
    const feed = await this.freshFeed();
    const run = feed.latest.get(id);
    // An earlier walk saw this run going, and no walk has followed it since (nobody asked): read it now
    // rather than report a state that may be long over.
    if (!followedBefore && run && isActiveRun(run) && !feed.current.has(formatId(run.run_id))) {
      const now = await this.reread(run);
      if (now) {
        feed.current.add(formatId(now.run_id));
        feed.latest.set(id, now);
      } else {
        feed.latest.delete(id);
      }
      return now;
    }
    return run;
  }

  private async readListing(): Promise<ListingRead<Job>> {
    const items = new Map<string, Job>();
    for await (const job of this.client.jobs.list({ expand_tasks: true })) items.set(String(job.job_id), job);
    return { items, pages: Math.ceil(items.size / JOBS_PAGE_SIZE) };
  }

  private freshFeed(): Promise<RunsFeed> {
    const { startedAt } = this.feed;
    const resyncedAt = this.options.resyncedAt?.() ?? 0;
    if (startedAt >= resyncedAt && Date.now() - startedAt < this.options.runsMaxAgeMs) {
      return Promise.resolve(this.feed);
    }
    this.feedInFlight ??= this.readFeed().finally(() => (this.feedInFlight = undefined));
    return this.feedInFlight;
  }

  /**
   * Reads what changed in the workspace's runs since the previous walk, in two steps that `runs/list`'s
   * order (most recently started first, finished or not) allows:
   *
   * 1. The runs started since the previous walk: `runs/list` from the top down to the latest start time
   *    that walk saw (on the first walk, down to the lookback), usually one page.
   * 2. The newest runs of followed jobs that an earlier walk saw unfinished and step 1 did not reach: they
   *    started before the previous walk, so they sort behind where it stops, however recently they ended.
   *    Each is read with `runs/get`, unless more of them are going than the workspace's active runs fill
   *    pages: then one `active_only` listing refreshes those still going, and only the runs missing from
   *    it (they have just finished) are read with `runs/get`.
   *
   * The first walk also reads the `active_only` listing, so runs started before the lookback that are
   * still going are known too.
   */
  private async readFeed(): Promise<RunsFeed> {
    const startedAt = Date.now();
    const previous = this.feed;
    const first = previous.startedAt === 0;
    const read = new RunsRead(previous.latest);
    const watermark = await this.readStartedSince(
      previous.watermark !== undefined
        ? previous.watermark - RUNS_OVERLAP_MS
        : startedAt - this.options.initialRunsLookbackMs,
      previous.watermark,
      read,
    );
    await this.followUnfinished(first, read);
    this.feed = {
      startedAt,
      ...(watermark === undefined ? {} : { watermark }),
      latest: read.latest,
      current: read.current,
    };
    return this.feed;
  }

  /**
   * Step 1: `runs/list` from the top down to the first run started before `stopBefore`, at most
   * `maxRunsPages` pages. Returns the latest start time read (or `watermark` if none was later).
   */
  private async readStartedSince(
    stopBefore: number,
    watermark: number | undefined,
    read: RunsRead,
  ): Promise<number | undefined> {
    const maxRuns = this.options.maxRunsPages * RUNS_PAGE_SIZE;
    let count = 0;
    for await (const run of this.client.jobs.listRuns({ run_type: 'JOB_RUN', limit: RUNS_PAGE_SIZE })) {
      const started = run.start_time ?? 0;
      if (started < stopBefore) break;
      watermark = Math.max(watermark ?? started, started);
      read.take(run);
      if (++count >= maxRuns) break;
    }
    return watermark;
  }

  /** Step 2: the followed jobs' unfinished runs that step 1 did not reach, by listing or one by one. */
  private async followUnfinished(first: boolean, read: RunsRead): Promise<void> {
    const going = read.unfinished(this.followed);
    const listingPages = Math.max(1, Math.ceil(this.activeRuns / RUNS_PAGE_SIZE));
    if (first || going.length > listingPages) {
      // Worth at most as many pages as there are runs to follow (the first walk: as many as step 1).
      const maxActive = (first ? this.options.maxRunsPages : going.length) * RUNS_PAGE_SIZE;
      let active = 0;
      for await (const run of this.client.jobs.listRuns({
        run_type: 'JOB_RUN',
        active_only: true,
        limit: RUNS_PAGE_SIZE,
      })) {
        read.take(run);
        if (++active >= maxActive) break;
      }
      this.activeRuns = active;
    }
    // Missing from the active runs: they have finished since (or the listing was cut short).
    const left = read.unfinished(this.followed);
    let next = 0;
    const reader = async (): Promise<void> => {
      for (let run = left[next++]; run; run = left[next++]) read.replace(run, await this.reread(run));
    };
    await Promise.all(Array.from({ length: Math.min(RUNS_GET_CONCURRENCY, left.length) }, reader));
  }

  /**
   * The run as Databricks has it now; if it is gone (deleted, or expired after 60 days), its job's newest
   * run instead, or undefined when the job has none left.
   */
  private async reread(run: Run): Promise<Run | undefined> {
    const now = await unlessMissing(this.client.jobs.getRun(run.run_id));
    if (now || run.job_id === undefined) return now;
    return unlessMissing(this.newestRunOf(run.job_id));
  }

  /** The most recently started run of one job: the first item of its own listing (one call). */
  private async newestRunOf(jobId: Int64Id): Promise<Run | undefined> {
    for await (const run of this.client.jobs.listRuns({ job_id: jobId, limit: 1 })) return run;
    return undefined;
  }
}
