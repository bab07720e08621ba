/**
 * The entry point of the `cdk8s-databricks` bin (bin/cdk8s-databricks.cjs runs it): the process's
 * arguments, streams and environment in, its exit status out.
 */
import { runCli } from './cli.js';

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
}).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`cdk8s-databricks: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
