/**
 * Keeping credentials out of text: error messages at the client boundary, and every line the logger
 * writes. Two nets, because either alone has holes:
 *
 * - **Known values.** Every credential the client is handed or fetches (a PAT, an OAuth client secret,
 *   an access token) is remembered, with the pieces it splits into at characters that are not visible
 *   ASCII (a token with a line break can surface one line at a time). Any text is cut of them.
 * - **Shapes.** Whatever was never seen as a value: `Bearer …`/`Basic …`, `Authorization: …`-like
 *   fields, node-fetch's `<value> is not a legal HTTP header value`, and the shapes of Databricks
 *   tokens and JWTs.
 *
 * Both replace with `[REDACTED]`. The module has no dependencies, so the logger can use it too.
 */

/** What a credential is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Shorter pieces of a value are not remembered on their own, nor values shorter than the second: they
 * would cut ordinary words out of every line, and no real credential is that short.
 */
const MIN_PIECE_LENGTH = 6;
const MIN_VALUE_LENGTH = 4;
/** Enough for the live credentials of a thousand workspaces and a few hours of token refreshes. */
const MAX_REMEMBERED = 4096;

/** The credential values seen by this process, most recent last; bounded, oldest forgotten first. */
export class KnownCredentials {
  private readonly values = new Set<string>();
  /** Longest first, so a value is cut whole before any of its pieces; rebuilt on change. */
  private sorted: string[] | undefined;

  /** Remembers `value` and its pieces. Values too short to tell from ordinary text are remembered whole only. */
  add(value: string): void {
    const candidates = [value, value.trim(), ...value.split(/[^\x21-\x7e]+/)];
    for (const candidate of candidates) {
      if (candidate.length < (candidate === value ? MIN_VALUE_LENGTH : MIN_PIECE_LENGTH)) continue;
      this.values.delete(candidate);
      this.values.add(candidate);
      // The JSON-escaped form, as the value appears inside a serialized string.
      const escaped = JSON.stringify(candidate).slice(1, -1);
      if (escaped !== candidate) {
        this.values.delete(escaped);
        this.values.add(escaped);
      }
    }
    while (this.values.size > MAX_REMEMBERED) this.values.delete(this.values.values().next().value!);
    this.sorted = undefined;
  }

  /** The remembered values, longest first. */
  all(): readonly string[] {
    this.sorted ??= [...this.values].sort((a, b) => b.length - a.length);
    return this.sorted;
  }

  /** Forgets everything (tests). */
  clear(): void {
    this.values.clear();
    this.sorted = undefined;
  }
}

/** The credentials of this process; the client's credential providers add to it. */
export const knownCredentials = new KnownCredentials();

/**
 * Credential shapes, each with the replacement that keeps the text readable. Node's and node-fetch's
 * header errors first: their value can hold anything, line breaks included, so everything before the
 * phrase goes.
 */
const SHAPES: readonly (readonly [RegExp, string])[] = [
  [/[\s\S]+(?= is not a legal HTTP header (?:value|name))/g, REDACTED],
  // Not "bearer token" in prose.
  [/\b(Bearer|Basic)(\s+)(?!tokens?\b|auth(entication)?\b)[^\s"'<>,;\\()[\]{}]+/gi, `$1$2${REDACTED}`],
  [
    /\b((?:proxy-)?authorization|x-databricks-azure-sp-management-token|client_secret|clientSecret|access_token|accessToken|refresh_token|password)(\\?["']?\s*[:=]\s*\\?["']?)(?!\[REDACTED\]|(?:Bearer|Basic) +\[REDACTED\])(?:(?:Token|Bearer|Basic|Digest|Negotiate) +)?[^\s"'\\,;&}]+/gi,
    `$1$2${REDACTED}`,
  ],
  // Databricks personal access tokens and OAuth secrets, and JWTs (Entra ID and Databricks OAuth tokens).
  [/\bd(?:api|ose)[0-9a-f]{32}(?:-\d+)?\b/g, REDACTED],
  [/\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, REDACTED],
];

/** `text` without any known credential value (and `extra`) and without anything shaped like one. */
export function redactCredentials(text: string, extra: readonly string[] = []): string {
  let result = redactKnownCredentials(text, extra);
  for (const [shape, replacement] of SHAPES) result = result.replace(shape, replacement);
  return result;
}

/**
 * `text` without any known credential value (and `extra`), shapes left alone: for text with a
 * structure of its own (a serialized JSON line) that a shape could cut across.
 */
export function redactKnownCredentials(text: string, extra: readonly string[] = []): string {
  let result = text;
  for (const value of [...extra].sort((a, b) => b.length - a.length)) {
    if (value !== '' && result.includes(value)) result = result.split(value).join(REDACTED);
  }
  for (const value of knownCredentials.all()) {
    if (result.includes(value)) result = result.split(value).join(REDACTED);
  }
  return result;
}

/**
 * `error` with its message, stack and causes (recursively) redacted, in place, so its class still
 * tells callers what failed. Returns it for `throw redactError(error)`.
 */
export function redactError<E>(error: E, extra: readonly string[] = [], seen = new Set<unknown>()): E {
  if (!(error instanceof Error) || seen.has(error)) return error;
  seen.add(error);
  const message = redactCredentials(error.message, extra);
  if (message !== error.message) error.message = message;
  if (typeof error.stack === 'string') error.stack = redactCredentials(error.stack, extra);
  if (error.cause !== undefined) {
    if (error.cause instanceof Error) redactError(error.cause, extra, seen);
    else if (typeof error.cause === 'string') error.cause = redactCredentials(error.cause, extra);
  }
  return error;
}
