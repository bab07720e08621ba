import {
  formatId,
  parseJsonWithInt64,
  sameId,
  stringifyWithInt64,
  toWireId,
} from '../../../controller/databricks/int64-json.js';

describe('int64 IDs in JSON', () => {
  it('keeps IDs beyond 2^53 exact by parsing them as decimal strings', () => {
    const parsed = parseJsonWithInt64('{"job_id": 9007199254740993, "run_id": 12}') as Record<
      string,
      unknown
    >;
    expect(parsed.job_id).toBe('9007199254740993');
    expect(parsed.run_id).toBe(12);
  });

  it('leaves digits inside strings, safe integers and decimals alone', () => {
    const text =
      '{"name":"job 99999999999999999999","escaped":"\\"12345678901234567890","t":1700000000000,"f":1.5e300}';
    expect(parseJsonWithInt64(text)).toEqual(JSON.parse(text));
  });

  it('handles unsafe integers in arrays and negative values', () => {
    expect(parseJsonWithInt64('[-9223372036854775808, 9223372036854775807, 1]')).toEqual([
      '-9223372036854775808',
      '9223372036854775807',
      1,
    ]);
  });

  it('writes an unsafe ID back as a bare JSON integer', () => {
    const body = stringifyWithInt64({ job_id: toWireId('9223372036854775807'), small: toWireId('42') });
    expect(body).toBe('{"job_id":9223372036854775807,"small":42}');
  });

  it('compares IDs whatever form they arrive in', () => {
    expect(sameId(42, '42')).toBe(true);
    expect(sameId('9007199254740993', 9007199254740993n)).toBe(true);
    expect(sameId('9007199254740993', '9007199254740992')).toBe(false);
    expect(formatId('007')).toBe('7');
  });

  it('rejects a non-integer ID instead of sending something Databricks would misread', () => {
    expect(() => formatId('abc')).toThrow(/not a decimal integer/);
    expect(() => formatId(1.5)).toThrow(/not an exact integer/);
  });
});
