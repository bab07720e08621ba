// The runtime is otherwise Databricks-agnostic; this one leaf module (no imports of its own) is shared
// because the client and the logger must agree on what a credential looks like.
import { REDACTED, redactCredentials, redactKnownCredentials } from '../databricks/credential-redaction.js';

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
 *
 * It is the last line of defence against credentials in logs: every string it serializes (the message,
 * field values, error messages and their causes) is cut of known credential values and of anything
 * shaped like one (see credential-redaction.ts), fields named like a credential (`authorization`,
 * `password`, ...) are dropped to `[REDACTED]`, and the finished line is checked once more.
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
    let text: string;
    try {
      text = JSON.stringify(line, redactingReplacer);
    } catch (error) {
      // A cycle or a BigInt must not lose the line, nor throw from a log call.
      const reason = error instanceof Error ? error.message : String(error);
      text = JSON.stringify({ ts: line.ts, level, msg: redactCredentials(msg), unserializable: reason });
    }
    // Strings were redacted one by one; this catches a known value escaped differently or used as a
    // key. Shapes are not applied to the whole line: one could cut across its JSON.
    this.sink(redactKnownCredentials(text));
  }
}

/** Field names whose string value is a credential whatever it looks like (HTTP headers, form fields). */
const CREDENTIAL_FIELD =
  /^((proxy-)?authorization|x-databricks-azure-sp-management-token|cookie|set-cookie|password|client_?secret|(access|refresh)_?token|token)$/i;

/**
 * Redacts every string, and keeps the useful parts of errors: they have no enumerable fields, so
 * JSON.stringify would print `{}`. A cause is an error too and goes through here again.
 */
function redactingReplacer(key: string, value: unknown): unknown {
  if (typeof value === 'string') return CREDENTIAL_FIELD.test(key) ? REDACTED : redactCredentials(value);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      name: value.name,
      message: redactCredentials(value.message),
      ...(code !== undefined ? { code } : {}),
      ...(value.cause !== undefined ? { cause: value.cause } : {}),
    };
  }
  return value;
}

function parseLevel(value: string | undefined): LogLevel | undefined {
  return value !== undefined && value in levelRank ? (value as LogLevel) : undefined;
}

/** A logger that writes nothing: the default where a caller did not pass one. */
export const silentLogger = new Logger({ level: 'error', sink: () => undefined });
