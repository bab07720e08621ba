import { Logger } from '../../../controller/runtime/logger.js';

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
});
