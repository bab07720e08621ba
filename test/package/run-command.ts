/**
 * A command run to completion as a user would type it in a terminal, for the tests that exercise what
 * this repository ships (the npm package in fresh apps, the controller image's contents).
 */
import { execFile } from 'node:child_process';

/** How to run a {@link runCommand}. */
export interface CommandOptions {
  readonly cwd: string;
  /** The whole environment of the command. @default {@link userEnvironment}() */
  readonly env?: NodeJS.ProcessEnv;
  /** @default 300_000 */
  readonly timeoutMs?: number;
}

/** What a command that succeeded wrote. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The test process's environment without what `npm run` and Jest add to it (`npm_*` settings and
 * package fields, `INIT_CWD`, `JEST_WORKER_ID`): an npm or Jest started by the test in another directory
 * must read that directory's package.json and settings, not this repository's. The npm cache stays: it
 * is where `npm ci` put the packages the test apps install.
 */
export function userEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        (!/^npm_/i.test(name) || name.toLowerCase() === 'npm_config_cache') &&
        name !== 'INIT_CWD' &&
        name !== 'JEST_WORKER_ID',
    ),
  );
  return { ...env, ...extra };
}

/**
 * Runs `command` with `args` and resolves with its output once it exits 0; otherwise rejects with an
 * error that names the command, the directory, the exit status and what it wrote.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  { cwd, env = userEnvironment(), timeoutMs = 300_000 }: CommandOptions,
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr });
          return;
        }
        const status = error.killed ? `killed after ${timeoutMs} ms` : `exit status ${String(error.code)}`;
        reject(
          new Error(
            `\`${[command, ...args].join(' ')}\` in ${cwd} failed (${status}):\n${tail(stdout)}\n${tail(stderr)}`,
          ),
        );
      },
    );
  });
}

/** The last lines of `text`, enough to see why a command failed. */
function tail(text: string, lines = 60): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
