/** Severity of a log line, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured fields carried on every line a logger writes (`controller`, `key`, `reconcileID`, ...). */
export type LogFields = Record<string, unknown>;

/** Where finished lines go; tests pass an array-backed sink instead of stdout. */
export type LogSink = (line: string) => void;

/** Options of {@link Logger}. */
export interface LoggerOptions {
  /** Lines below this level are dropped. @default 'info' (or `LOG_LEVEL` from the environment) */
  readonly level?: LogLevel;
  /** Receives each JSON line. @default writes to stdout */
  readonly sink?: LogSink;
  /** Fields added to every line. @default {} */
  readonly fields?: LogFields;
}

/**
 * A JSON-lines logger: one object per line with `ts`, `level`, `msg` and the bound fields, so log
 * pipelines can filter by `controller` or `key` without parsing prose.
 */
export class Logger {
  private readonly level: LogLevel;
  private readonly sink: LogSink;
  private readonly fields: LogFields;

  constructor(options: LoggerOptions = {}) {
    this.level = options.level ?? parseLevel(process.env.LOG_LEVEL) ?? 'info';
    this.sink = options.sink ?? ((line) => process.stdout.write(line + '\n'));
    this.fields = options.fields ?? {};
  }

  /** A logger that adds `fields` to every line, on top of this logger's own. */
  with(fields: LogFields): Logger {
    return new Logger({ level: this.level, sink: this.sink, fields: { ...this.fields, ...fields } });
  }

  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields);
  }

  private write(level: LogLevel, msg: string, fields?: LogFields): void {
    if (levelRank[level] < levelRank[this.level]) return;
    const line = { ts: new Date().toISOString(), level, msg, ...this.fields, ...fields };
    this.sink(JSON.stringify(line, errorReplacer));
  }
}

/** Errors have no enumerable fields, so JSON.stringify would print `{}`; keep the useful parts. */
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code !== undefined ? { code } : {}) };
  }
  return value;
}

function parseLevel(value: string | undefined): LogLevel | undefined {
  return value !== undefined && value in levelRank ? (value as LogLevel) : undefined;
}

/** A logger that writes nothing: the default where a caller did not pass one. */
export const silentLogger = new Logger({ level: 'error', sink: () => undefined });
