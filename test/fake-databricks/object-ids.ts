import { createHash } from 'node:crypto';

/**
 * Identifiers shaped like the real ones, derived from a counter so that a fake started twice hands out the
 * same ids in the same order (tests and the demo can rely on them; nothing else should).
 */

/** A UUID (version-4 layout), as pipeline and update ids are. */
export function uuidFor(kind: string, sequence: number): string {
  const hex = createHash('sha256').update(`${kind}:${sequence}`).digest('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}

/** `length` hex characters, as a SQL warehouse id (16, lower case) is. */
export function hexIdFor(kind: string, sequence: number, length = 16): string {
  return createHash('sha256').update(`${kind}:${sequence}`).digest('hex').slice(0, length);
}

/** `MMDD-HHMMSS` of a time, the prefix of cluster and instance pool ids. */
export function datedPrefix(now: number): string {
  const date = new Date(now);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}-${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}`;
}
