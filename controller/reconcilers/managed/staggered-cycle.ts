/**
 * The slow cycle of what no listing shows: a job's permissions, a secret scope's keys and ACLs each take
 * a read of their own. Read at every resync, N objects would cost N reads a minute; instead each object
 * is read once per period (`--slow-resync-period`, 10 minutes by default) at its own moment in it, fixed
 * by a hash of its UID. N objects then cost N reads per period spread evenly over it, never a burst: not
 * at a resync, and not after a restart, since an object keeps its moment and a process reads nothing for
 * an object before its first moment comes.
 */
import { createHash } from 'node:crypto';

/**
 * A moment due within this long counts as come, and a read this long before a moment counts for it: a
 * timer set for the moment may fire a little early (it must not then wait a whole period), and a resync
 * just before it has read the object already (the moment's own reconcile must not read it again).
 */
const EARLY_MS = 1_000;

/** Each object's moment in a fixed period, and when this process last read each object. */
export class StaggeredCycle {
  /** UID → when its state was last read (or when this process first asked about it). */
  private readonly lastRead = new Map<string, number>();

  constructor(
    readonly periodMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(periodMs > 0)) throw new Error(`a staggered cycle needs a period above 0 ms, got ${periodMs}`);
  }

  /**
   * Whether the object with `uid` is to be read now: one of its moments has come since it was last read.
   * The first time this process asks, the answer is no and the object waits for its moment.
   */
  due(uid: string): boolean {
    const now = this.now();
    const last = this.lastRead.get(uid);
    if (last === undefined) {
      this.lastRead.set(uid, now);
      return false;
    }
    return this.latestMoment(uid, now + EARLY_MS) > last + EARLY_MS;
  }

  /** Records that the object's state was read (or written) now. */
  read(uid: string): void {
    this.lastRead.set(uid, this.now());
  }

  /** How long until the object's next moment: when its reconcile should look again. */
  untilNext(uid: string): number {
    const now = this.now();
    return this.latestMoment(uid, now + EARLY_MS) + this.periodMs - now;
  }

  /** Forgets a deleted object. */
  forget(uid: string): void {
    this.lastRead.delete(uid);
  }

  /** The object's moment in the period, as an offset in [0, period), from a hash of its UID. */
  offset(uid: string): number {
    const digest = createHash('sha256').update(uid).digest();
    return digest.readUIntBE(0, 6) % this.periodMs;
  }

  /** The latest of the object's moments at or before `at`. */
  private latestMoment(uid: string, at: number): number {
    const sinceMoment = (((at - this.offset(uid)) % this.periodMs) + this.periodMs) % this.periodMs;
    return at - sinceMoment;
  }
}
