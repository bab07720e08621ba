import {
  KnownCredentials,
  knownCredentials,
  redactCredentials,
  redactError,
} from '../../../controller/databricks/credential-redaction.js';
import { InvalidCredentialError, networkErrorOrSame } from '../../../controller/databricks/errors.js';
import { awkwardTokens } from './awkward-tokens.js';

describe('credential redaction', () => {
  afterEach(() => knownCredentials.clear());

  it.each(awkwardTokens)('cuts a known token with %s, whole, JSON-escaped or in pieces', (_what, token) => {
    knownCredentials.add(token);
    const pieces = token.split(/[^\x21-\x7e]+/);
    const texts = [
      `request failed: Bearer ${token} was refused`,
      JSON.stringify({ message: `token=${token}` }),
      ...pieces.map((piece) => `a line that ends in ${piece}`),
    ];
    for (const text of texts) {
      const redacted = redactCredentials(text);
      for (const piece of pieces) expect(redacted).not.toContain(piece);
      expect(redacted).not.toContain(JSON.stringify(token).slice(1, -1));
    }
  });

  it('cuts credential shapes it was never told about', () => {
    const cases: [string, string][] = [
      ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer [REDACTED]'],
      ['header Basic dXNlcjpwYXNz sent', 'header Basic [REDACTED] sent'],
      ['{"authorization":"Token zzz"}', '{"authorization":"[REDACTED]"}'],
      [
        'grant_type=client_credentials&client_secret=s3cr3t&scope=x',
        'grant_type=client_credentials&client_secret=[REDACTED]&scope=x',
      ],
      [
        'X-Databricks-Azure-SP-Management-Token: eyJabc',
        'X-Databricks-Azure-SP-Management-Token: [REDACTED]',
      ],
      ['token dapi0123456789abcdef0123456789abcdef-2 leaked', 'token [REDACTED] leaked'],
      ['secret dose0123456789abcdef0123456789abcdef', 'secret [REDACTED]'],
      ['jwt eyJhbGciOiJSUzI1.eyJzdWIiOiIxMjM0.c2lnbmF0dXJl end', 'jwt [REDACTED] end'],
    ];
    for (const [text, expected] of cases) expect(redactCredentials(text)).toBe(expected);
  });

  it("cuts everything before node-fetch's 'is not a legal HTTP header value', line breaks included", () => {
    const message = 'Bearer abcdef\nsecond-line-of-token is not a legal HTTP header value';
    expect(redactCredentials(message)).toBe('[REDACTED] is not a legal HTTP header value');
  });

  it('turns that node-fetch TypeError into an InvalidCredentialError that carries nothing of the value', () => {
    const error = networkErrorOrSame(
      'preview/scim/v2/Me',
      new TypeError('Bearer dapi-first\nsecond is not a legal HTTP header value'),
    );
    expect(error).toBeInstanceOf(InvalidCredentialError);
    expect((error as Error).message).toContain('preview/scim/v2/Me');
    expect((error as Error).message).not.toMatch(/dapi-first|second/);
  });

  it('redacts an error in place: message, stack and the whole cause chain, keeping its class', () => {
    const root = new Error('root cause with secret-value-1');
    const middle = new Error('middle: secret-value-1', { cause: root });
    const error = new InvalidCredentialError('top: secret-value-1');
    error.cause = middle;
    expect(redactError(error, ['secret-value-1'])).toBe(error);
    expect(error).toBeInstanceOf(InvalidCredentialError);
    expect(error.message).toBe('top: [REDACTED]');
    expect(error.stack).not.toContain('secret-value-1');
    expect(middle.message).toBe('middle: [REDACTED]');
    expect(root.message).toBe('root cause with [REDACTED]');
  });

  it('survives a cause cycle', () => {
    const error = new Error('loop secret-value-2');
    error.cause = error;
    expect(redactError(error, ['secret-value-2']).message).toBe('loop [REDACTED]');
  });

  it('forgets the oldest values beyond its bound, and ignores pieces too short to tell from words', () => {
    const known = new KnownCredentials();
    known.add('ab\ncd');
    expect(new Set(known.all())).toEqual(new Set(['ab\ncd', 'ab\\ncd']));
    known.add('abc');
    expect(known.all()).not.toContain('abc');
    for (let i = 0; i < 5000; i++) known.add(`value-${i.toString().padStart(5, '0')}`);
    expect(known.all()).toHaveLength(4096);
    expect(known.all()).toContain('value-04999');
    expect(known.all()).not.toContain('value-00000');
  });
});
