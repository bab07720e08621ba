/**
 * "Record before acting", the one way every kind does it: a step a retry must not redo (a job created,
 * a scope claimed, a Secret about to carry a finalizer) is written into status, with its Events, before
 * the next step, and the next write builds on what this one wrote.
 */
import type { EventNote, EventRecorder } from '../../runtime/events.js';
import type { ObjectWithStatus, StatusWriter } from '../../runtime/status.js';

/**
 * Records a step before the next one, so that a retry after a failure (or a crash) starts from it instead
 * of doing it again: writes `fields` into status at once (merged over what this reconcile last wrote;
 * a field given as undefined is removed) and records `events`. Ready is left as it is; the end of the
 * reconcile sets it.
 */
export type Checkpoint<S extends object> = (
  fields: Partial<Omit<S, 'conditions' | 'observedGeneration'>>,
  events?: readonly EventNote[],
) => Promise<void>;

/** One reconcile's record of an object: its checkpoints, and the object as the last one left it. */
export class StatusRecord<T extends ObjectWithStatus<S>, S extends object> {
  private latest: T;

  constructor(
    object: T,
    private readonly writer: Pick<StatusWriter, 'update'>,
    private readonly recorder?: Pick<EventRecorder, 'record'>,
  ) {
    this.latest = object;
  }

  /** The object with the status this reconcile last wrote: what the next write builds on. */
  get object(): T {
    return this.latest;
  }

  /** Goes on from `object` (e.g. as the finalizer patch returned it, with a newer resourceVersion). */
  startFrom(object: T): void {
    this.latest = object;
  }

  readonly checkpoint: Checkpoint<S> = async (fields, events = []) => {
    if (events.length > 0 && !this.recorder) throw new Error('this status record records no Events');
    for (const event of events) await this.recorder?.record(this.latest, event);
    // Status is the object's own schema; the fields are a part of it.
    const status = { ...this.latest.status, ...fields } as S;
    await this.writer.update<S>(this.latest, status);
    this.latest = { ...this.latest, status };
  };
}
