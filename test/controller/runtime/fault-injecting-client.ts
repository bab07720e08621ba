import type {
  KubeClient,
  KubeObject,
  ListOptions,
  ObjectList,
  ResourceType,
  WatchOptions,
} from '../../../controller/runtime/kube-client.js';
import type { ListWatchClient } from '../../../controller/runtime/reflector.js';

/**
 * A real list/watch client with faults a test can inject: drop every open watch connection (as a
 * network failure or an API server restart would), or make the next watch resume from a
 * resourceVersion the server has long forgotten (so it answers 410 Gone).
 */
export class FaultInjectingClient implements ListWatchClient {
  private readonly open = new Set<AbortController>();
  private expireNext = false;
  watchesStarted = 0;

  constructor(private readonly kube: KubeClient) {}

  list<T extends KubeObject>(
    resource: ResourceType,
    namespace: string | undefined,
    options?: ListOptions,
  ): Promise<ObjectList<T>> {
    return this.kube.list<T>(resource, namespace, options);
  }

  async watch(
    resource: ResourceType,
    namespace: string | undefined,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: string, object: unknown) => void,
    onDone: (error: unknown) => void,
    options?: WatchOptions,
  ): Promise<AbortController> {
    this.watchesStarted++;
    const effective = this.expireNext ? { ...query, resourceVersion: '1' } : query;
    this.expireNext = false;
    const controller = await this.kube.watch(
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
    this.open.add(controller);
    return controller;
  }

  /** Number of watch connections open now. */
  get openWatches(): number {
    return this.open.size;
  }

  /** Aborts every open watch connection; returns how many there were. */
  dropWatches(): number {
    const dropped = this.open.size;
    for (const controller of this.open) controller.abort();
    this.open.clear();
    return dropped;
  }

  /** The next watch asks for resourceVersion 1, far older than the server's watch window. */
  expireNextWatch(): void {
    this.expireNext = true;
  }
}
