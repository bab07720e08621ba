/**
 * JSON for Databricks' int64 IDs.
 *
 * `job_id` and `run_id` are int64 and can exceed 2^53, where a JS number silently loses digits. The
 * client therefore parses every response so that an integer literal outside Number.MAX_SAFE_INTEGER
 * becomes its exact decimal string, and every smaller one stays a number. IDs are typed `Int64Id`
 * (`number | string`) and callers compare or store them through `formatId`. On the way out, an ID given
 * as a decimal string (or bigint) is written as a bare JSON number, so the API always sees an integer.
 */

/** An int64 ID as the client carries it: a number while it is safe, its exact decimal string beyond 2^53. */
export type Int64Id = number | string;

/** Anything the client accepts where the API wants an int64 ID. */
export type Int64IdInput = number | string | bigint;

/** The canonical decimal text of an ID: what Kubernetes status stores and what IDs are compared by. */
export function formatId(id: Int64IdInput): string {
  if (typeof id === 'number') {
    if (!Number.isSafeInteger(id)) throw new RangeError(`ID ${id} is not an exact integer`);
    return String(id);
  }
  if (typeof id === 'bigint') return id.toString();
  if (!/^-?\d+$/.test(id)) throw new RangeError(`ID "${id}" is not a decimal integer`);
  return BigInt(id).toString();
}

/** Whether two IDs name the same object, whichever of number, string or bigint each is. */
export function sameId(a: Int64IdInput, b: Int64IdInput): boolean {
  return formatId(a) === formatId(b);
}

/** Parses JSON text, turning integer literals beyond the safe range into exact decimal strings. */
export function parseJsonWithInt64(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}

/**
 * Rewrites `{"job_id": 9007199254740993}` as `{"job_id": "9007199254740993"}`. A single pass that
 * skips string literals, so digits inside strings are never touched.
 */
function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      i++;
      continue;
    }
    if (ch === 0x2d /* - */ || (ch >= 0x30 && ch <= 0x39)) {
      const start = i;
      i++;
      while (i < text.length && /[0-9eE.+-]/.test(text[i])) i++;
      const literal = text.slice(start, i);
      // Only long pure integers can be unsafe; 15 digits or fewer always fit.
      if (/^-?\d{16,}$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
        out += text.slice(copiedUpTo, start) + `"${literal}"`;
        copiedUpTo = i;
      }
      continue;
    }
    i++;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

const BIGINT_MARKER = '\u0000int64:';

/**
 * Serializes a request body. `bigint` values are written as bare integers (JSON.stringify cannot), so a
 * caller converts an unsafe ID with `toWireId` and the API receives an exact integer.
 */
export function stringifyWithInt64(value: unknown): string {
  const marked = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? `${BIGINT_MARKER}${v.toString()}` : v,
  );
  // JSON.stringify escapes the NUL as \u0000 inside the string literal.
  return marked.replace(/"\\u0000int64:(-?\d+)"/g, '$1');
}

/** An ID in the form the request body needs: a number when safe, else a bigint written as a bare integer. */
export function toWireId(id: Int64IdInput): number | bigint {
  const text = formatId(id);
  const asNumber = Number(text);
  return Number.isSafeInteger(asNumber) ? asNumber : BigInt(text);
}

/** An ID in the form a query string needs: its exact decimal text. */
export function toQueryId(id: Int64IdInput): string {
  return formatId(id);
}
