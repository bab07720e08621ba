import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { Controller, type ControllerOptions } from './controller.js';
import { EventRecorder } from './events.js';
import { Informer, type InformerOptions } from './informer.js';
import { KubeClient, type KubeObject } from './kube-client.js';
import { LeaderElector, type LeaderElectionOptions } from './leader-election.js';
import { Logger } from './logger.js';

/** Options of {@link Manager}. */
export interface ManagerOptions {
  /** @default KubeClient.fromDefault() */
  readonly kube?: KubeClient;
  /** `host:port` of the metrics and health server; port 0 picks a free one. @default '127.0.0.1:8080' */
  readonly metricsAddress?: string;
  /** Lease settings, or `false` to reconcile without electing a leader (one replica only). @default false */
  readonly leaderElection?: LeaderElectionOptions | false;
  /** Where `process_*`, `workqueue_*`, `controller_runtime_*` and other parts' metrics go. @default a new Registry */
  readonly registry?: Registry;
  /** @default a JSON logger on stdout */
  readonly logger?: Logger;
  /** `reportingController` of Events. @default 'databricks.operator.dev/controller' */
  readonly eventController?: string;
}

const LEADER_METRIC = 'leader_election_master_status';

/** What the manager itself does with an informer, whatever the type of its objects. */
type SharedInformer = Pick<Informer, 'resource' | 'hasSynced' | 'start' | 'stop'>;

/** Why a manager stopped: asked to (`stop()` or a signal), or it lost the lease and must exit. */
export type StopReason = 'stopped' | 'leadership-lost';

/**
 * Runs a controller process: shared informers (started on every replica, so a standby has a warm
 * cache), controllers (started only on the leader), the `/metrics`, `/healthz` and `/readyz` server,
 * leader election, and graceful shutdown on SIGTERM/SIGINT.
 *
 * Readiness: `/readyz` answers 200 once every informer has synced, on leader and standby alike (a
 * standby is a working replica waiting for the lease, not a broken one); `/healthz` answers 200 while
 * the process serves. Losing the lease stops the controllers and resolves {@link done} with
 * `'leadership-lost'`: the process should exit, as controller-runtime's does, and be restarted.
 */
export class Manager {
  readonly kube: KubeClient;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Records Events for all controllers, deduplicated across them. */
  readonly events: EventRecorder;
  /** Resolves once the manager has stopped, with why. */
  readonly done: Promise<StopReason>;
  private resolveDone!: (reason: StopReason) => void;
  private readonly informers = new Map<string, SharedInformer>();
  /** What the manager does with a controller: start it while leading, stop it with the manager. */
  private readonly controllers: Pick<Controller<KubeObject, unknown>, 'start' | 'stop'>[] = [];
  private readonly elector: LeaderElector | undefined;
  private server: Server | undefined;
  private controllersRunning = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: ManagerOptions = {}) {
    this.kube = options.kube ?? KubeClient.fromDefault();
    this.registry = options.registry ?? new Registry();
    if (!options.registry) collectDefaultMetrics({ register: this.registry });
    this.logger = options.logger ?? new Logger();
    this.events = new EventRecorder(this.kube, { controller: options.eventController, logger: this.logger });
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.registerLeaderMetric();
    if (options.leaderElection) {
      this.elector = new LeaderElector(
        this.kube,
        { ...options.leaderElection, logger: options.leaderElection.logger ?? this.logger },
        {
          onStartedLeading: () => this.startControllers(),
          onStoppedLeading: () => {
            if (!this.stopping) void this.stopFor('leadership-lost');
          },
        },
      );
    }
  }

  /**
   * The informer for these options, shared: asking twice for the same resource, namespaces, selector
   * and metadata-only choice returns the same cache. Create informers and controllers before `start`.
   */
  informer<T extends KubeObject>(options: InformerOptions): Informer<T> {
    const { group, version, plural } = options.resource;
    const id = JSON.stringify([
      group,
      version,
      plural,
      [...(options.namespaces ?? [])].sort(),
      options.labelSelector,
      options.metadataOnly === true,
    ]);
    const shared = this.informers.get(id);
    // I/O boundary: the informer caches the API server's JSON for this resource, which T describes as it
    // did for the caller that created it (KubeClient.list reads that JSON as T in the first place).
    if (shared) return shared as Informer<T>;
    const informer = new Informer<T>(this.kube, { logger: this.logger, ...options });
    this.informers.set(id, informer);
    return informer;
  }

  /** Adds a controller; it runs whenever this replica leads (always, without leader election). */
  controller<T extends KubeObject, C>(options: Omit<ControllerOptions<T, C>, 'registry'>): Controller<T, C> {
    const controller = new Controller<T, C>({ logger: this.logger, ...options, registry: this.registry });
    this.controllers.push(controller);
    return controller;
  }

  /**
   * client-go's `leader_election_master_status{name}`: 1 while this replica runs the controllers (always,
   * once started, without leader election), 0 while it stands by. Summed over replicas it is the number
   * of leaders; its changes are leader changes.
   */
  private registerLeaderMetric(): void {
    if (this.registry.getSingleMetric(LEADER_METRIC)) return;
    const isLeader = (): boolean => this.isLeader;
    const name = this.options.leaderElection ? this.options.leaderElection.name : '';
    new Gauge({
      name: LEADER_METRIC,
      help: 'Whether this replica is the leader and runs the controllers (1) or stands by (0), by lease name.',
      labelNames: ['name'] as const,
      registers: [this.registry],
      collect() {
        this.set({ name }, isLeader() ? 1 : 0);
      },
    });
  }

  /** Whether this replica runs the controllers now. */
  get isLeader(): boolean {
    return this.controllersRunning;
  }

  /** Whether every informer has listed once. */
  get hasSynced(): boolean {
    return [...this.informers.values()].every((informer) => informer.hasSynced);
  }

  /** The metrics/health server's address (after `start`). */
  get address(): AddressInfo {
    const address = this.server?.address();
    if (!address || typeof address === 'string')
      throw new Error('the manager is not serving: call start() first');
    return address;
  }

  /** Serves metrics and health, starts the informers, then leads (or campaigns to lead). */
  async start(): Promise<void> {
    await this.listen(this.options.metricsAddress ?? '127.0.0.1:8080');
    for (const informer of this.informers.values()) informer.start();
    if (this.elector) {
      this.logger.info('campaigning for leadership', { identity: this.elector.identity });
      this.elector.start();
    } else {
      this.startControllers();
    }
  }

  /**
   * Graceful stop: controllers finish the reconciles in flight, the lease is released so a successor
   * takes over at once, informers and the server stop.
   */
  stop(): Promise<void> {
    return this.stopFor('stopped');
  }

  /** Stops gracefully on SIGTERM or SIGINT (once; a second signal exits at once). */
  handleSignals(): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (this.stopping) {
        this.logger.warn('second signal: exiting without waiting', { signal });
        process.exit(1);
      }
      this.logger.info('shutting down', { signal });
      void this.stop();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  /** Stops like a killed process would: the lease is not released, successors wait for it to expire (for failover tests). */
  abandon(): Promise<void> {
    return this.stopFor('stopped', false);
  }

  private stopFor(reason: StopReason, releaseLease = reason === 'stopped'): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info('stopping', { reason });
      this.controllersRunning = false;
      await Promise.all(this.controllers.map((controller) => controller.stop()));
      if (releaseLease) await this.elector?.release();
      else await this.elector?.abandon();
      await Promise.all([...this.informers.values()].map((informer) => informer.stop()));
      await this.closeServer();
      this.logger.info('stopped', { reason });
      this.resolveDone(reason);
    })();
    return this.stopping;
  }

  /**
   * Starts the controllers once every informer has synced, as controller-runtime does: a reconcile
   * that looks up a related object must not take "not in the cache yet" for "does not exist".
   */
  private startControllers(): void {
    if (this.controllersRunning || this.stopping) return;
    this.controllersRunning = true;
    void this.whenSynced().then((synced) => {
      if (!synced || !this.controllersRunning || this.stopping) return;
      for (const controller of this.controllers) controller.start();
    });
  }

  /** Resolves true when every informer has synced, false if the manager stops first. */
  private async whenSynced(): Promise<boolean> {
    let waited = 0;
    while (!this.hasSynced) {
      if (this.stopping) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
      if ((waited += 20) % 30_000 === 0) {
        this.logger.warn('controllers wait for informers to sync: is every CRD installed and readable?', {
          waitedSeconds: waited / 1000,
        });
      }
    }
    return true;
  }

  private listen(address: string): Promise<void> {
    const colon = address.lastIndexOf(':');
    const host = address.slice(0, colon) || '0.0.0.0';
    const port = Number(address.slice(colon + 1));
    if (colon < 0 || !Number.isInteger(port)) {
      throw new Error(`metrics address "${address}" is not host:port (e.g. 127.0.0.1:8080 or :8080)`);
    }
    this.server = createServer((request, response) => {
      void this.serve(request.url ?? '/').then(({ code, type, body }) => {
        response.writeHead(code, { 'Content-Type': type });
        response.end(body);
      });
    });
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
  }

  private async serve(url: string): Promise<{ code: number; type: string; body: string }> {
    const path = url.split('?')[0];
    const text = 'text/plain; charset=utf-8';
    if (path === '/metrics') {
      return { code: 200, type: this.registry.contentType, body: await this.registry.metrics() };
    }
    if (path === '/healthz') return { code: 200, type: text, body: 'ok\n' };
    if (path === '/readyz') {
      const waiting = [...this.informers.values()]
        .filter((informer) => !informer.hasSynced)
        .map(({ resource }) => `${resource.plural}.${resource.group}`);
      if (this.stopping) return { code: 503, type: text, body: 'shutting down\n' };
      if (waiting.length > 0)
        return { code: 503, type: text, body: `informers not synced: ${waiting.join(', ')}\n` };
      return { code: 200, type: text, body: 'ok\n' };
    }
    return { code: 404, type: text, body: 'not found: try /metrics, /healthz or /readyz\n' };
  }

  private closeServer(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
