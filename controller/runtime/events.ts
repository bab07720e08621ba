import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { V1MicroTime, type EventsV1Event } from '@kubernetes/client-node';
import { redactCredentials } from '../databricks/credential-redaction.js';
import type { KubeClient, KubeObject } from './kube-client.js';
import { silentLogger, type Logger } from './logger.js';

/** One thing worth telling the object's owner (`kubectl describe` shows it). */
export interface EventNote {
  /** `Normal` for changes made, `Warning` for problems the user may have to act on. */
  readonly type: 'Normal' | 'Warning';
  /** CamelCase cause, e.g. `Created`, `Updated`, `InvalidSettings`. */
  readonly reason: string;
  /** What the controller did, e.g. `CreateJob`, `ResetJob`, `DeleteJob`. */
  readonly action: string;
  /** A human sentence; never credentials. */
  readonly note: string;
}

/** Options of {@link EventRecorder}. */
export interface EventRecorderOptions {
  /** `reportingController` of each event. @default 'databricks.operator.dev/controller' */
  readonly controller?: string;
  /** `reportingInstance`. @default the host name */
  readonly instance?: string;
  /** A repeat of an event updates its count at most this often. @default 30000 */
  readonly seriesUpdateIntervalMs?: number;
  /** New distinct events per object allowed at once ... @default 25 */
  readonly burstPerObject?: number;
  /** ... then one per this many ms. @default 300000 (client-go's spam filter) */
  readonly refillMsPerObject?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
}

interface RecordedEvent {
  readonly namespace: string;
  readonly name: string;
  count: number;
  lastWriteMs: number;
}

// Enough for the distinct events of thousands of objects; older entries are forgotten first.
const MAX_REMEMBERED_EVENTS = 4096;

/**
 * Records `events.k8s.io/v1` Events about objects. A repeat of the same event (object, type, reason,
 * action, note) is not a new Event: its `series.count` is raised, at most once per
 * `seriesUpdateIntervalMs`; and each object may create only a burst of distinct events, then one per
 * `refillMsPerObject`, so a reconcile loop that goes wrong cannot flood the API server.
 * Recording never throws: a lost event must not fail a reconcile.
 */
export class EventRecorder {
  /** API calls made, for tests: `created` Events and `patched` series updates. */
  readonly stats = { created: 0, patched: 0, dropped: 0 };
  private readonly recorded = new Map<string, RecordedEvent>();
  private readonly buckets = new Map<string, { tokens: number; last: number }>();
  private readonly controller: string;
  private readonly instance: string;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(
    private readonly kube: Pick<KubeClient, 'createEvent' | 'patchEvent'>,
    private readonly options: EventRecorderOptions = {},
  ) {
    this.controller = options.controller ?? 'databricks.operator.dev/controller';
    this.instance = options.instance ?? hostname();
    this.log = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  /** Records `event` about `regarding`. */
  async record(regarding: KubeObject, event: EventNote): Promise<void> {
    const { namespace = 'default', name, uid } = regarding.metadata;
    const id = [namespace, name, uid, event.type, event.reason, event.action, event.note].join('\u0000');
    const now = this.now();
    try {
      const seen = this.recorded.get(id);
      if (seen) return await this.repeat(seen, now);
      if (!this.takeToken(`${namespace}/${name}/${uid}`, now)) {
        this.stats.dropped++;
        return;
      }
      const body: EventsV1Event = {
        // client-go's naming: object name and a unique hex suffix (generateName would end in a dot, which is invalid).
        metadata: {
          name: `${name.slice(0, 220)}.${now.toString(16)}${randomBytes(4).toString('hex')}`,
          namespace,
        },
        // A plain Date would be sent with milliseconds, which the API server rejects for MicroTime fields.
        eventTime: new V1MicroTime(now),
        reportingController: this.controller,
        reportingInstance: this.instance,
        action: event.action,
        reason: event.reason,
        // Notes quote Databricks and conditions: nothing credential-like goes out, whoever wrote it.
        note: redactCredentials(event.note).slice(0, 1024),
        type: event.type,
        regarding: {
          apiVersion: regarding.apiVersion,
          kind: regarding.kind,
          name,
          namespace,
          uid,
          resourceVersion: regarding.metadata.resourceVersion,
        },
      };
      const created = await this.kube.createEvent(namespace, body);
      this.stats.created++;
      this.remember(id, {
        namespace,
        name: created.metadata?.name ?? '',
        count: 1,
        lastWriteMs: now,
      });
    } catch (error) {
      this.log.warn('could not record event', {
        error,
        reason: event.reason,
        object: `${namespace}/${name}`,
      });
    }
  }

  private async repeat(seen: RecordedEvent, now: number): Promise<void> {
    seen.count++;
    if (now - seen.lastWriteMs < (this.options.seriesUpdateIntervalMs ?? 30_000)) return;
    seen.lastWriteMs = now;
    await this.kube.patchEvent(seen.namespace, seen.name, {
      series: { count: seen.count, lastObservedTime: new V1MicroTime(now).toISOString() },
    });
    this.stats.patched++;
  }

  private remember(id: string, event: RecordedEvent): void {
    this.recorded.set(id, event);
    if (this.recorded.size > MAX_REMEMBERED_EVENTS) this.recorded.delete(this.recorded.keys().next().value!);
  }

  private takeToken(object: string, now: number): boolean {
    const burst = this.options.burstPerObject ?? 25;
    const refillMs = this.options.refillMsPerObject ?? 300_000;
    const bucket = this.buckets.get(object) ?? { tokens: burst, last: now };
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.last) / refillMs);
    bucket.last = now;
    this.buckets.delete(object);
    this.buckets.set(object, bucket);
    if (this.buckets.size > MAX_REMEMBERED_EVENTS) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
