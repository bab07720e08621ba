import { apiStatusCode, type KubeClient, type KubeObject, type ResourceType } from './kube-client.js';
import { silentLogger, type Logger } from './logger.js';

/** The part of {@link KubeClient} a reflector needs; tests pass a scripted fake. */
export type ListWatchClient = Pick<KubeClient, 'list' | 'watch'>;

/** A watch event the reflector passes on. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Receives what a reflector learns: a full list (after start or 410 Gone) and single changes. */
export interface ReflectorSink<T extends KubeObject> {
  /** The complete current set of objects in the reflector's scope. */
  replace(namespace: string | undefined, objects: T[]): void;
  /** One change from the watch stream. */
  apply(type: WatchEventType, object: T): void;
}

/** Options of {@link Reflector}. */
export interface ReflectorOptions {
  readonly resource: ResourceType;
  /** Namespace to list and watch. @default all namespaces */
  readonly namespace?: string;
  readonly labelSelector?: string;
  /** List and watch only the objects' metadata (see {@link KubeClient.list}). @default false */
  readonly metadataOnly?: boolean;
  /** Asked of the API server, which then ends each watch after this long. @default 300 */
  readonly watchTimeoutSeconds?: number;
  /**
   * A watch still open this long after `watchTimeoutSeconds` has silently stalled (a half-open
   * connection, a proxy holding it): it is aborted and restarted. @default 15000
   */
  readonly stallGraceMs?: number;
  /** First delay after a failure, doubled per consecutive failure. @default 200 */
  readonly initialBackoffMs?: number;
  /** @default 30000 */
  readonly maxBackoffMs?: number;
  /** Objects per list page. @default 500 */
  readonly pageSize?: number;
  readonly logger?: Logger;
}

type WatchEnd = 'closed' | 'gone' | 'stalled' | 'failed';

/**
 * Keeps a sink in step with the API server for one resource in one scope: list, then watch from the
 * list's resourceVersion; resume the watch where it ended; relist when the server answers 410 Gone
 * (the resourceVersion is too old); back off exponentially after errors and silent stalls.
 * client-node's own informer stops on errors and ignores its watch timeout, hence this loop.
 */
export class Reflector<T extends KubeObject> {
  private stopped = true;
  private synced = false;
  private loop: Promise<void> | undefined;
  /** Ends the open watch as if its stream had ended with `error` (undefined: a clean close). */
  private endCurrentWatch: ((error?: unknown) => void) | undefined;
  private wakeFromBackoff: (() => void) | undefined;
  private readonly log: Logger;
  /** Counters a test or a health check can read. */
  readonly stats = { lists: 0, watches: 0, gone: 0, stalls: 0, failures: 0 };

  constructor(
    private readonly client: ListWatchClient,
    private readonly sink: ReflectorSink<T>,
    private readonly options: ReflectorOptions,
  ) {
    const { group, plural } = options.resource;
    this.log = (options.logger ?? silentLogger).with({
      reflector: `${plural}.${group}`,
      namespace: options.namespace,
    });
  }

  /** Whether the first list has been delivered to the sink. */
  get hasSynced(): boolean {
    return this.synced;
  }

  /** Starts the list+watch loop in the background. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Ends the watch and the loop. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.endCurrentWatch?.();
    this.wakeFromBackoff?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let resourceVersion: string | undefined;
    let failures = 0;
    while (!this.stopped) {
      try {
        if (resourceVersion === undefined) resourceVersion = await this.relist();
        if (this.stopped) break;
        const startedAt = performance.now();
        const ended = await this.watchFrom(resourceVersion);
        // A watch the server ends at once with nothing in it, again and again, would spin: back off.
        const closedAtOnce =
          ended.resourceVersion === resourceVersion && performance.now() - startedAt < 1000;
        resourceVersion = ended.resourceVersion;
        // A watch that made progress proves the connection works: the next failure starts the backoff over.
        if (!closedAtOnce) failures = 0;
        if (ended.end === 'gone') {
          this.stats.gone++;
          this.log.info('watch resourceVersion expired (410 Gone): relisting');
          resourceVersion = undefined;
          failures = 0;
          continue;
        }
        if (this.stopped) break;
        if (ended.end === 'closed' && !closedAtOnce) continue;
        if (ended.end === 'stalled') this.stats.stalls++;
        throw (
          ended.error ??
          new Error(ended.end === 'closed' ? 'the server ended the watch at once' : `watch ${ended.end}`)
        );
      } catch (error) {
        if (this.stopped) break;
        failures++;
        this.stats.failures++;
        const delay = Math.min(
          (this.options.initialBackoffMs ?? 200) * 2 ** (failures - 1),
          this.options.maxBackoffMs ?? 30_000,
        );
        this.log.warn('list/watch failed: retrying', { error, retryInMs: Math.round(delay), failures });
        await this.sleep(delay);
      }
    }
  }

  private async relist(): Promise<string> {
    const objects: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.client.list<T>(this.options.resource, this.options.namespace, {
        labelSelector: this.options.labelSelector,
        limit: this.options.pageSize ?? 500,
        continueToken,
        metadataOnly: this.options.metadataOnly,
      });
      objects.push(...page.items);
      // The first page's resourceVersion is the snapshot all pages belong to.
      if (!continueToken) resourceVersion = page.resourceVersion;
      continueToken = page.continueToken;
    } while (continueToken);
    this.stats.lists++;
    this.sink.replace(this.options.namespace, objects);
    this.synced = true;
    return resourceVersion;
  }

  private watchFrom(
    resourceVersion: string,
  ): Promise<{ end: WatchEnd; resourceVersion: string; error?: unknown }> {
    const timeoutSeconds = this.options.watchTimeoutSeconds ?? 300;
    let latest = resourceVersion;
    this.stats.watches++;
    return new Promise((resolve) => {
      let finished = false;
      let controller: AbortController | undefined;
      const finish = (end: WatchEnd, error?: unknown): void => {
        if (finished) return;
        finished = true;
        clearTimeout(stallTimer);
        controller?.abort();
        this.endCurrentWatch = undefined;
        resolve({ end, resourceVersion: latest, error });
      };
      this.endCurrentWatch = (error) => finish(error ? 'failed' : 'closed', error);
      const stallTimer = setTimeout(
        () =>
          finish(
            'stalled',
            new Error(`watch open past its ${timeoutSeconds} s timeout: assuming it stalled`),
          ),
        timeoutSeconds * 1000 + (this.options.stallGraceMs ?? 15_000),
      );
      const onEvent = (type: string, object: unknown): void => {
        if (finished) return;
        const item = object as T;
        if (type === 'ERROR') {
          const status = object as { code?: number; message?: string };
          if (status.code === 410) return finish('gone');
          return finish('failed', new Error(`watch error ${status.code}: ${status.message}`));
        }
        const version = item?.metadata?.resourceVersion;
        if (version) latest = version;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.sink.apply(type, item);
      };
      const onDone = (error: unknown): void => {
        if (finished) return;
        if (apiStatusCode(error) === 410) return finish('gone');
        if (this.stopped) return finish('closed');
        // A null error is the server ending the watch at its timeout: resume from `latest`.
        finish(error ? 'failed' : 'closed', error);
      };
      this.client
        .watch(
          this.options.resource,
          this.options.namespace,
          {
            resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds,
            labelSelector: this.options.labelSelector,
          },
          onEvent,
          onDone,
          { metadataOnly: this.options.metadataOnly },
        )
        .then(
          (started) => {
            controller = started;
            if (finished) started.abort();
          },
          (error: unknown) => finish('failed', error),
        );
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeFromBackoff = done;
    });
  }
}
