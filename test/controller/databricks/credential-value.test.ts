import {
  credentialValueProblem,
  trimCredential,
} from '../../../controller/databricks/auth/credential-value.js';

describe('credential values', () => {
  it('accepts visible ASCII, ignoring whitespace around it', () => {
    expect(credentialValueProblem('dapi0123456789abcdef0123456789abcdef')).toBeUndefined();
    expect(credentialValueProblem('  dapi0123\n')).toBeUndefined();
    expect(credentialValueProblem('\u00a0\u2028dapi0123\r\n\t')).toBeUndefined();
    expect(trimCredential('\n dapi0123 \r\n')).toBe('dapi0123');
    // Quotes and JSON are visible ASCII: legal in a header, so Databricks is the one to judge them.
    expect(credentialValueProblem('"dapi0123"')).toBeUndefined();
    expect(credentialValueProblem('{"token":"dapi0123"}')).toBeUndefined();
  });

  it.each([
    ['dapi01234567\n89', 'contains a line break (U+000A) at character 13'],
    ['dapi01234567\r\n89', 'contains a line break (U+000D) at character 13'],
    ['dapi\u2028x', 'contains a line break (U+2028) at character 5'],
    ['dapi\u2029x', 'contains a line break (U+2029) at character 5'],
    ['dapi\u0085x', 'contains a line break (U+0085) at character 5'],
    ['dapi\u0000x', 'contains a NUL character (U+0000) at character 5'],
    ['dapi\tx', 'contains a tab (U+0009) at character 5'],
    ['dapi x', 'contains a space at character 5'],
    ['{"token": "x"}', 'contains a space at character 10'],
    ['dapi\u00a0x', 'contains a Unicode space (U+00A0) at character 5'],
    ['dapi\u3000x', 'contains a Unicode space (U+3000) at character 5'],
    ['dapi\u200bx', 'contains an invisible formatting character (U+200B) at character 5'],
    ['dapi\ufeffx', 'contains an invisible formatting character (U+FEFF) at character 5'],
    ['dapi\u0007x', 'contains a control character (U+0007) at character 5'],
    ['dapi\u007fx', 'contains a control character (U+007F) at character 5'],
    ['dapi\u00e9x', 'contains a non-ASCII character at character 5'],
    ['dapi\u{1f511}x\n', 'contains a non-ASCII character at character 5'],
    ['   ', 'is empty'],
    ['', 'is empty'],
  ])('describes %j without repeating it: %s', (value, problem) => {
    expect(credentialValueProblem(value)).toBe(problem);
  });

  it('counts positions in the value as stored, leading whitespace and astral characters included', () => {
    expect(credentialValueProblem('\n\n  ab\ncd')).toBe('contains a line break (U+000A) at character 7');
    expect(credentialValueProblem('\u{1f511}\u{1f511}')).toBe(
      'contains a non-ASCII character at character 1',
    );
    expect(credentialValueProblem(' ab\u{1f511}c d')).toBe('contains a non-ASCII character at character 4');
  });

  it('never names an ordinary non-ASCII character, which would reveal one character of the secret', () => {
    for (const character of ['é', 'ß', 'Ж', '中', '\u{1f511}']) {
      expect(credentialValueProblem(`dapi${character}x`)).not.toContain(character);
      expect(credentialValueProblem(`dapi${character}x`)).not.toMatch(/U\+/);
    }
  });
});
