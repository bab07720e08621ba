/** The `cdk8s-databricks` command run in the test process, with its output captured. */
import { runCli } from '../../cli/cli.js';

/** What a command run wrote, and its exit status. */
export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `cdk8s-databricks ...args` with exactly `env` as its environment (nothing of the test process's,
 * so a DATABRICKS_* variable of the machine cannot leak in) in directory `cwd`.
 */
export async function runCommandLine(
  args: readonly string[],
  { env = {}, cwd = process.cwd() }: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    cwd,
  });
  return { status, stdout, stderr };
}
