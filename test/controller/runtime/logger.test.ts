import { knownCredentials } from '../../../controller/databricks/credential-redaction.js';
import { Logger } from '../../../controller/runtime/logger.js';
import { awkwardTokens, partsOf } from '../databricks/awkward-tokens.js';

function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = new Logger({
    level,
    sink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { lines, logger };
}

describe('Logger', () => {
  it('writes one JSON object per line with level, message and the bound fields', () => {
    const { lines, logger } = capture();
    logger
      .with({ controller: 'databricksjob' })
      .with({ key: 'ns/etl', reconcileID: 'r1' })
      .info('reconciled', { jobId: 7 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'reconciled',
      controller: 'databricksjob',
      key: 'ns/etl',
      reconcileID: 'r1',
      jobId: 7,
    });
    expect(typeof lines[0].ts).toBe('string');
  });

  it('drops lines below its level', () => {
    const { lines, logger } = capture('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((line) => line.level)).toEqual(['warn', 'error']);
  });

  it('logs errors with their name, message and code instead of {}', () => {
    const { lines, logger } = capture();
    logger.error('failed', { error: Object.assign(new Error('409 Conflict'), { code: 409 }) });
    expect(lines[0].error).toEqual({ name: 'Error', message: '409 Conflict', code: 409 });
  });

  describe('as the last line of defence against credentials', () => {
    afterEach(() => knownCredentials.clear());

    function rawLines(): { raw: string[]; logger: Logger } {
      const raw: string[] = [];
      return { raw, logger: new Logger({ level: 'debug', sink: (line) => raw.push(line) }) };
    }

    it.each(awkwardTokens)(
      'writes no part of a known token with %s, wherever it hides in a line',
      (_what, token) => {
        knownCredentials.add(token);
        const { raw, logger } = rawLines();
        const cause = new Error(`socket said ${token}`);
        logger.error(`msg ${token}`, {
          error: new TypeError(`Bearer ${token} is not a legal HTTP header value`, { cause }),
          nested: { deeper: [`value ${token}`] },
          [token]: 'as a key',
        });
        const text = raw.join('\n');
        const decoded = JSON.stringify(JSON.parse(raw[0]));
        for (const part of partsOf(token)) {
          expect(text).not.toContain(part);
          expect(text).not.toContain(JSON.stringify(part).slice(1, -1));
          expect(decoded).not.toContain(part);
        }
      },
    );

    it('keeps the parts of an error that help, its cause included, redacted', () => {
      knownCredentials.add('dapi-known-secret-1');
      const { lines, logger } = capture();
      const error = Object.assign(new Error('refused dapi-known-secret-1', { cause: new Error('inner') }), {
        code: 'E1',
      });
      logger.error('failed', { error });
      expect(lines[0].error).toEqual({
        name: 'Error',
        message: 'refused [REDACTED]',
        code: 'E1',
        cause: { name: 'Error', message: 'inner' },
      });
    });

    it('drops fields named like a credential and headers shaped like one, known or not', () => {
      const { lines, logger } = capture();
      logger.info('request', {
        headers: { Authorization: 'Bearer never-registered', 'X-Other': 'fine' },
        password: 'hunter2',
        note: 'sent Authorization: Basic dXNlcjpwYXNz',
      });
      expect(lines[0]).toMatchObject({
        headers: { Authorization: '[REDACTED]', 'X-Other': 'fine' },
        password: '[REDACTED]',
        note: 'sent Authorization: Basic [REDACTED]',
      });
    });

    it('writes a line it cannot serialize as a note instead of throwing', () => {
      const { lines, logger } = capture();
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      expect(() => logger.warn('odd', { cyclic })).not.toThrow();
      expect(lines[0]).toMatchObject({ level: 'warn', msg: 'odd' });
      expect(lines[0].unserializable).toEqual(expect.any(String));
    });
  });
});
