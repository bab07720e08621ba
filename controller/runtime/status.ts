import type { KubeClient, KubeObject, ResourceType } from './kube-client.js';
import { mergePatchBetween } from './merge-patch.js';

/** An object with a `status` the controller owns. */
export type ObjectWithStatus<S> = KubeObject & { status?: S };

/**
 * How long a cache may lag behind a write before it is trusted anyway: far beyond a watch's usual
 * delay, and short enough that a stuck watch (the informer relists) does not stop reconciles for long.
 */
const CACHE_LAG_LIMIT_MS = 30_000;

/**
 * Writes `status` through the status subresource with a merge patch, and only when it differs from what
 * the object already has: an unchanged status costs no API call and no watch event, so a reconcile
 * that changes nothing does not wake the controller again.
 */
export class StatusWriter {
  /** How many patches were sent (for tests and debugging). */
  writes = 0;
  /** How many writes {@link noteOwnWrite} recorded, to forget old ones now and then. */
  private noted = 0;
  /**
   * By object UID: the resourceVersions this writer's writes made stale (each one it wrote over, and what
   * its earlier writes produced), what its last write produced, and when that was.
   */
  private readonly writtenOver = new Map<
    string,
    { readonly stale: ReadonlySet<string>; readonly produced?: string; readonly at: number }
  >();

  constructor(
    private readonly kube: Pick<KubeClient, 'patchCustomObjectStatus'>,
    private readonly resource: ResourceType,
  ) {}

  /**
   * Makes `object.status` equal `desired` (fields absent from `desired` are removed). Returns whether a
   * write was needed. Build `desired` from the object's current status (e.g. with `setCondition`) so
   * unchanged conditions keep their transition times.
   */
  async update<S extends object>(object: ObjectWithStatus<S>, desired: S): Promise<boolean> {
    const patch = mergePatchBetween(object.status ?? {}, desired);
    if (patch === undefined) return false;
    const { namespace = '', name } = object.metadata;
    const written: KubeObject | undefined = await this.kube.patchCustomObjectStatus(
      this.resource,
      namespace,
      name,
      { status: patch },
    );
    this.writes++;
    this.noteOwnWrite(object, written);
    return true;
  }

  /**
   * Records that this controller wrote `object` (as read) and got `written` back, for
   * {@link precedesOwnWrite}. Status writes record themselves; other writes of the same reconcile (the
   * finalizer's patches) are recorded here, so a copy from before them is not worked on either.
   */
  noteOwnWrite(object: KubeObject, written: KubeObject | undefined): void {
    const { uid, resourceVersion } = object.metadata;
    if (uid !== undefined && resourceVersion !== undefined) {
      // Two writes in one reconcile (a checkpoint, then the result) both start from the object as it was
      // read: the version the first one produced is stale after the second, though nobody wrote over it.
      const earlier = this.writtenOver.get(uid);
      const recent = earlier !== undefined && Date.now() - earlier.at < CACHE_LAG_LIMIT_MS;
      const stale = new Set(recent ? earlier.stale : []);
      stale.add(resourceVersion);
      if (recent && earlier.produced !== undefined) stale.add(earlier.produced);
      const produced = written?.metadata?.resourceVersion;
      this.writtenOver.set(uid, { stale, ...(produced === undefined ? {} : { produced }), at: Date.now() });
      if (++this.noted % 1_000 === 0) this.forgetOldWrites();
    }
  }

  /**
   * Whether `object` is a copy from before this writer's last write to it. An informer hears of a write
   * a little after the write returns, so a reconcile started at once (the object was queued meanwhile)
   * reads the old status from the cache; redoing work from it would repeat what was just done. Callers
   * wait briefly and look again. Compares resourceVersions for equality only, as they are opaque.
   */
  precedesOwnWrite(object: KubeObject): boolean {
    const { uid, resourceVersion } = object.metadata;
    const written = uid === undefined ? undefined : this.writtenOver.get(uid);
    return (
      written !== undefined &&
      resourceVersion !== undefined &&
      written.stale.has(resourceVersion) &&
      Date.now() - written.at < CACHE_LAG_LIMIT_MS
    );
  }

  private forgetOldWrites(): void {
    const now = Date.now();
    for (const [uid, written] of this.writtenOver) {
      if (now - written.at >= CACHE_LAG_LIMIT_MS) this.writtenOver.delete(uid);
    }
  }
}
