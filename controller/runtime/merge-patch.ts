/** A JSON value as the API server stores it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of JSON values; object key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!jsonEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}

/**
 * The JSON merge patch (RFC 7386) that turns `current` into `desired`, or undefined when they are
 * already equal. Fields missing from `desired` become `null` (removed); arrays are replaced whole.
 * `undefined` values in `desired` count as missing.
 */
export function mergePatchBetween(current: unknown, desired: unknown): JsonValue | undefined {
  if (!isPlainObject(current) || !isPlainObject(desired)) {
    return jsonEqual(current, desired) ? undefined : ((desired ?? null) as JsonValue);
  }
  const patch: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(desired)) {
    if (value === undefined) continue;
    const change = mergePatchBetween(current[key], value);
    if (change !== undefined) patch[key] = change;
  }
  for (const key of Object.keys(current)) {
    if (desired[key] === undefined && current[key] !== undefined) patch[key] = null;
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}
