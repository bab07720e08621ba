/**
 * What a credential value may hold. A personal access token or an OAuth access token is sent in the
 * `Authorization` header as is, and an OAuth client secret goes into a form or an HTTP Basic header.
 * Databricks tokens (`dapi…`, `dose…`), Entra ID client secrets and JWTs are all visible ASCII, and a
 * header can carry nothing else unchanged. So, after the whitespace around the value is dropped (a
 * trailing newline from `echo` or a file is the usual artefact, and it has always been ignored), a
 * value must consist of visible ASCII only: U+0021 `!` to U+007E `~`, no space, no tab, no line break,
 * no control or non-ASCII character. A value that breaks the rule is described by what the character
 * is and where it is, never by echoing the value or the character itself.
 */

/** The value as it is used: without the whitespace (as `String.prototype.trim` sees it) around it. */
export function trimCredential(value: string): string {
  return value.trim();
}

/**
 * What is wrong with a credential value, e.g. `contains a line break at character 13`, or undefined
 * when it can be sent. Positions count characters (code points) from 1 in the value as given, so they
 * match what the user sees in the Secret; surrounding whitespace is ignored, not reported.
 */
export function credentialValueProblem(value: string): string | undefined {
  const trimmed = trimCredential(value);
  if (trimmed === '') return 'is empty';
  // Code points of the leading whitespace: positions are counted in the value as stored.
  let position = [...value.slice(0, value.length - value.trimStart().length)].length;
  for (const character of trimmed) {
    position++;
    const code = character.codePointAt(0) ?? 0;
    if (code >= 0x21 && code <= 0x7e) continue;
    return `contains ${describeCharacter(code)} at character ${position}`;
  }
  return undefined;
}

const LINE_BREAKS = new Set([0x0a, 0x0b, 0x0c, 0x0d, 0x85, 0x2028, 0x2029]);

/**
 * A name for a character a credential must not hold. Whitespace, control and formatting characters are
 * named with their code point (they are paste artefacts, never part of a real secret); any other
 * non-ASCII character is not, since naming it would tell a reader one character of the value.
 */
function describeCharacter(code: number): string {
  const point = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (LINE_BREAKS.has(code)) return `a line break (${point})`;
  if (code === 0) return 'a NUL character (U+0000)';
  if (code === 0x09) return 'a tab (U+0009)';
  if (code === 0x20) return 'a space';
  const character = String.fromCodePoint(code);
  if (/\p{White_Space}/u.test(character)) return `a Unicode space (${point})`;
  if (/\p{Cc}/u.test(character)) return `a control character (${point})`;
  if (/\p{Cf}/u.test(character)) return `an invisible formatting character (${point})`;
  return 'a non-ASCII character';
}

/** What to do about a {@link credentialValueProblem}, for the end of an error message. */
export const CREDENTIAL_VALUE_ADVICE =
  'a token or secret is visible ASCII only (whitespace around it is ignored): store it again on one line, without spaces or invisible characters';
