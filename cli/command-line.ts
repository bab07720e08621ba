/**
 * What every command shares: where it writes, the error a user sees as one line, and flag parsing with
 * messages that say which flag was wrong and what `--help` to read.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where a command writes, and what it knows of its surroundings. */
export interface CommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths are read from and written to. */
  readonly cwd: string;
}

/** Exit statuses: 0 done, 1 failed (bad input, unreachable workspace, ...). */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;

/**
 * A failure the user can fix, told as one line: what was wrong, where (file, object, flag) and what to
 * do. Commands throw it; the entry point prints it after the command's name and exits 1.
 */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{ options: T; allowPositionals: true; strict: true; args: string[] }>
>;

/** Parses `args` for `command`, turning Node's parse errors into a CommandError that points at `--help`. */
export function parseCommandLine<T extends Options>(
  command: string,
  args: readonly string[],
  options: T,
): Pick<Parsed<T>, 'values' | 'positionals'> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's own error (not always `instanceof Error` here: Jest runs modules in another realm); its first
    // sentence says what was wrong, the rest is advice about `--` that does not fit these commands.
    const message = String((error as { message?: unknown }).message ?? error).split(/\.( |$)/)[0];
    throw new CommandError(`${message}; see cdk8s-databricks ${command} --help`);
  }
}
