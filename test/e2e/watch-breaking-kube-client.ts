import { KubeClient, type ResourceType, type WatchOptions } from '../../controller/runtime/kube-client.js';

/**
 * A real KubeClient whose watches a test can break, for an operator running in-process: drop every open
 * watch connection (a network failure, an API server restart), refuse new ones for a while (the server
 * unreachable), and on recovery make each broken watch resume from a resourceVersion the server has
 * long forgotten, so it answers 410 Gone and the informer must relist. Everything else (lists, reads,
 * writes) goes to the API server untouched.
 */
export class WatchBreakingKubeClient extends KubeClient {
  /** Open watches: the scope (`plural.group/namespace`) of each and when it opened. */
  private readonly open = new Map<AbortController, { scope: string; openedAt: number }>();
  private refusing = false;
  /** Scopes whose watch broke during the current outage. */
  private readonly broken = new Set<string>();
  /** Scopes whose next watch is sent with an expired resourceVersion. */
  private readonly expireNext = new Set<string>();
  /** What happened to watches, for assertions that the faults really hit. */
  readonly stats = { started: 0, refused: 0, dropped: 0, expired: 0 };

  override async watch(
    resource: ResourceType,
    namespace: string | undefined,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: string, object: unknown) => void,
    onDone: (error: unknown) => void,
    options?: WatchOptions,
  ): Promise<AbortController> {
    const scope = `${resource.plural}.${resource.group}/${namespace ?? ''}`;
    if (this.refusing) {
      this.stats.refused++;
      this.broken.add(scope);
      throw Object.assign(new Error('connect ECONNREFUSED (watches broken by the test)'), {
        code: 'ECONNREFUSED',
      });
    }
    let effective = query;
    if (this.expireNext.delete(scope)) {
      this.stats.expired++;
      effective = { ...query, resourceVersion: '1' };
    }
    this.stats.started++;
    const controller = await super.watch(
      resource,
      namespace,
      effective,
      onEvent,
      (error) => {
        this.open.delete(controller);
        onDone(error);
      },
      options,
    );
    this.open.set(controller, { scope, openedAt: performance.now() });
    return controller;
  }

  /** Number of watch connections open now, counting only those open at least `minAgeMs`. */
  openWatches(minAgeMs = 0): number {
    const now = performance.now();
    return [...this.open.values()].filter(({ openedAt }) => now - openedAt >= minAgeMs).length;
  }

  /** Aborts every open watch connection; returns how many there were. */
  dropWatches(): number {
    const dropped = [...this.open];
    this.open.clear();
    for (const [controller, { scope }] of dropped) {
      if (this.refusing) this.broken.add(scope);
      controller.abort();
    }
    this.stats.dropped += dropped.length;
    return dropped.length;
  }

  /** Drops every watch and refuses new ones until {@link restore}. */
  breakWatches(): void {
    this.refusing = true;
    this.dropWatches();
  }

  /** Scopes whose watch broke in the current outage. */
  get brokenScopes(): readonly string[] {
    return [...this.broken];
  }

  /**
   * Accepts watches again. With `expired`, the first watch of each scope broken in the outage gets
   * 410 Gone, as after an outage longer than the API server's watch window.
   */
  restore({ expired = false }: { expired?: boolean } = {}): void {
    if (expired) for (const scope of this.broken) this.expireNext.add(scope);
    this.broken.clear();
    this.refusing = false;
  }
}
