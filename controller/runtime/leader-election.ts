import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { isConflict, type KubeClient } from './kube-client.js';
import { silentLogger, type Logger } from './logger.js';

/** Options of {@link LeaderElector}. Defaults are controller-runtime's. */
export interface LeaderElectionOptions {
  /** Namespace of the Lease. */
  readonly namespace: string;
  /** Name of the Lease, shared by all replicas. @default 'databricks-operator' */
  readonly name?: string;
  /** This replica's identity in `holderIdentity`. @default `<hostname>_<random>` */
  readonly identity?: string;
  /** How long a lease is honoured after its last renewal (whole seconds on the wire). @default 15000 */
  readonly leaseDurationMs?: number;
  /** The leader gives up if it could not renew for this long. @default 10000 */
  readonly renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew. @default 2000 */
  readonly retryPeriodMs?: number;
  readonly logger?: Logger;
}

/** Called when this replica becomes leader, and when it stops being leader (lost or released). */
export interface LeaderCallbacks {
  onStartedLeading(): void;
  onStoppedLeading(): void;
}

/**
 * Leader election on a `coordination.k8s.io/v1` Lease, as client-go's leaderelection does it: a
 * candidate takes the lease when it is free or its holder has not renewed it within the lease
 * duration (measured on this replica's own clock, from when it last saw the lease change, so clock
 * skew between replicas does not matter); the leader renews every retry period and steps down if it
 * cannot renew within the renew deadline. Every write carries the resourceVersion it read, so two
 * candidates can never both win. `release` hands the lease over at once on a clean shutdown.
 */
export class LeaderElector {
  readonly identity: string;
  readonly leaseName: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly log: Logger;
  private leading = false;
  private stopped = false;
  private observed: { lease: V1Lease; atMs: number } | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private renewDeadlineTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kube: Pick<KubeClient, 'readLease' | 'createLease' | 'replaceLease'>,
    private readonly options: LeaderElectionOptions,
    private readonly callbacks: LeaderCallbacks,
  ) {
    this.identity = options.identity ?? `${hostname()}_${randomUUID().slice(0, 8)}`;
    this.leaseName = options.name ?? 'databricks-operator';
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (this.renewDeadlineMs >= this.leaseDurationMs) {
      throw new Error(
        `leader election: renewDeadlineMs (${this.renewDeadlineMs}) must be shorter than leaseDurationMs (${this.leaseDurationMs})`,
      );
    }
    this.log = (options.logger ?? silentLogger).with({
      lease: `${options.namespace}/${this.leaseName}`,
      identity: this.identity,
    });
  }

  /** Whether this replica holds the lease now. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning in the background; the callbacks say when leadership starts and stops. */
  start(): void {
    this.stopped = false;
    this.loop ??= this.run();
  }

  /**
   * Stops campaigning. A leader writes the lease as free (controller-runtime's ReleaseOnCancel) so a
   * successor takes over at once instead of waiting out the lease duration. Call after the
   * controllers have stopped.
   */
  async release(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    this.setLeading(false);
    // Even when not leading: a campaign that won just as it was stopped still holds the lease.
    try {
      const lease = await this.kube.readLease(this.options.namespace, this.leaseName);
      if (lease?.spec?.holderIdentity !== this.identity) return;
      lease.spec = {
        ...lease.spec,
        holderIdentity: undefined,
        leaseDurationSeconds: 1,
        renewTime: new V1MicroTime(),
      };
      await this.kube.replaceLease(this.options.namespace, lease);
      this.log.info('released the lease');
    } catch (error) {
      this.log.warn('could not release the lease: successors wait for it to expire', { error });
    }
  }

  /** Stops campaigning without releasing the lease, as a killed process would (for tests). */
  async abandon(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    this.setLeading(false);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const acquired = await this.tryAcquireOrRenew();
      if (this.stopped) break;
      if (acquired) {
        this.armRenewDeadline();
        this.setLeading(true);
      } else if (this.leading && this.observed?.lease.spec?.holderIdentity !== this.identity) {
        this.log.error('another replica holds the lease: stepping down');
        this.setLeading(false);
      }
      await this.sleep(this.retryPeriodMs);
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace } = this.options;
    // MicroTime, not Date: a plain Date is sent with milliseconds, which the API server rejects.
    const now = new V1MicroTime();
    const leaseDurationSeconds = Math.max(1, Math.ceil(this.leaseDurationMs / 1000));
    try {
      const current = await this.kube.readLease(namespace, this.leaseName);
      if (!current) {
        const created = await this.kube.createLease(namespace, {
          metadata: { name: this.leaseName, namespace },
          spec: {
            holderIdentity: this.identity,
            leaseDurationSeconds,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: 0,
          },
        });
        this.observe(created);
        return true;
      }
      this.observe(current);
      const holder = current.spec?.holderIdentity;
      const heldByUs = holder === this.identity;
      const heldByOther = !!holder && !heldByUs;
      // The holder's own leaseDurationSeconds says how long it asked to be trusted (1 s after a release).
      const holderDurationMs = (current.spec?.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
      const expired = performance.now() - this.observed!.atMs >= holderDurationMs;
      if (heldByOther && !expired) return false;
      const spec = current.spec ?? {};
      current.spec = {
        ...spec,
        holderIdentity: this.identity,
        leaseDurationSeconds,
        renewTime: now,
        acquireTime: heldByUs ? spec.acquireTime : now,
        leaseTransitions: heldByUs ? spec.leaseTransitions : (spec.leaseTransitions ?? 0) + 1,
      };
      this.observe(await this.kube.replaceLease(namespace, current));
      return true;
    } catch (error) {
      if (!isConflict(error)) this.log.warn('lease request failed', { error });
      return false;
    }
  }

  /** Remembers when the lease last changed, by our clock; expiry is measured from then. */
  private observe(lease: V1Lease): void {
    const version = lease.metadata?.resourceVersion;
    if (this.observed?.lease.metadata?.resourceVersion !== version)
      this.observed = { lease, atMs: performance.now() };
  }

  /**
   * Steps down when no renewal succeeds within the renew deadline, even if a request hangs: the
   * loop's own check runs only between requests, and a hung leader must not outlive its lease.
   */
  private armRenewDeadline(): void {
    clearTimeout(this.renewDeadlineTimer);
    this.renewDeadlineTimer = setTimeout(() => {
      if (!this.leading) return;
      this.log.error('no lease renewal within the renew deadline: stepping down');
      this.setLeading(false);
    }, this.renewDeadlineMs);
    this.renewDeadlineTimer.unref();
  }

  private setLeading(leading: boolean): void {
    if (!leading) clearTimeout(this.renewDeadlineTimer);
    if (this.leading === leading) return;
    this.leading = leading;
    this.log.info(leading ? 'became leader' : 'stopped leading');
    if (leading) this.callbacks.onStartedLeading();
    else this.callbacks.onStoppedLeading();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = finish;
    });
  }
}
