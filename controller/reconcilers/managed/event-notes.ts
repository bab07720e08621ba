/**
 * The Events reconcilers record about what they did in Databricks. `note` is a change made as the spec
 * asks; `warning` is one the user may want to look at: drift corrected, something recreated after it
 * was deleted in Databricks, or left behind.
 */
import type { EventNote } from '../../runtime/events.js';

/** A `Normal` Event: `reason` (e.g. `Created`), the `action` taken (e.g. `CreateJob`) and a sentence. */
export function note(reason: string, action: string, text: string): EventNote {
  return { type: 'Normal', reason, action, note: text };
}

/** A `Warning` Event, with the same parts as {@link note}. */
export function warning(reason: string, action: string, text: string): EventNote {
  return { type: 'Warning', reason, action, note: text };
}

/** `a, b, c, d, e, and 2 more`: the first `limit` items of a list an Event would otherwise spell out. */
export function shortList(items: readonly string[], limit = 5): string {
  const more = items.length - limit;
  return (more > 0 ? [...items.slice(0, limit), `and ${more} more`] : items).join(', ');
}
