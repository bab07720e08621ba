/** Credential values that have leaked, or could leak, through error messages: the redaction tests' inputs. */

/** Tokens a careless paste or a hostile Secret can hold, each with distinctive pieces to look for. */
export const awkwardTokens: readonly (readonly [string, string])[] = [
  ['an inner newline', 'dapi4c1f9e27b8a3\nd05e6f1a9b2c7e48'],
  ['CRLF', 'dapi9a8b7c6d5e4f\r\n3a2b1c0d9e8f7a6b'],
  ['a NUL', 'dapi71e2b8c9d0a1\u0000f3e4d5c6b7a8f9e0'],
  ['a no-break space', 'dapi5b6c7d8e9f0a\u00a01b2c3d4e5f6a7b8c'],
  ['a line separator', 'dapi2e3f4a5b6c7d\u20288e9f0a1b2c3d4e5f'],
  ['quotes', '"dapi6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"'],
  ['JSON', '{"token":"dapi8c9d0e1f2a3b4c5d","n":1}'],
  ['JSON with a space', '{"token": "dapi3d4e5f6a7b8c9d0e"}'],
];

/** Every run of `length` characters of `value`: "no part of the value" is checked against these. */
export function partsOf(value: string, length = 8): string[] {
  const parts = new Set<string>();
  for (let start = 0; start + length <= value.length; start++) parts.add(value.slice(start, start + length));
  return [...parts];
}
