/**
 * The `cdk8s-databricks` command: `import` a workspace as code, `migrate` from azure-databricks-operator,
 * `plan` what the controller would do.
 * Each command says what went wrong in one line on standard error and exits 1; `--help` on each says
 * how to call it.
 */
import { CommandError, EXIT_ERROR, EXIT_OK, type CommandIo } from './command-line.js';
import { runImport } from './import-command.js';
import { runMigrate } from './migrate-command.js';
import { runPlan } from './plan-command.js';

export const HELP = `Usage: cdk8s-databricks COMMAND [OPTIONS]

Moving a Databricks workspace into cdk8s-databricks:
  import    read jobs, clusters, secret scopes, DBFS files and notebooks from a workspace and write them
            as cdk8s code (or YAML), each set to adopt what it came from
  migrate   turn azure-databricks-operator manifests into this library's YAML (or code)

Looking before you leap:
  plan      print what the controller would do to a workspace for synthesized YAML (exit 0: nothing,
            2: changes)

None of them writes anything to a workspace. \`cdk8s-databricks COMMAND --help\` tells more.
`;

const COMMANDS: Record<string, (args: readonly string[], io: CommandIo) => Promise<number>> = {
  import: runImport,
  migrate: runMigrate,
  plan: runPlan,
};

/** Runs the command line `args` (without `node` and the script); resolves with the exit status. */
export async function runCli(args: readonly string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? io.stderr : io.stdout).write(HELP);
    return command === undefined ? EXIT_ERROR : EXIT_OK;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr.write(
      `cdk8s-databricks: unknown command ${JSON.stringify(command)}; the commands are ${Object.keys(COMMANDS).join(', ')} (see --help)\n`,
    );
    return EXIT_ERROR;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`cdk8s-databricks ${command}: ${message.split('\n')[0]}\n`);
    if (!(error instanceof CommandError) && io.env.CDK8S_DATABRICKS_DEBUG && error instanceof Error) {
      io.stderr.write(`${error.stack ?? ''}\n`);
    }
    return EXIT_ERROR;
  }
}
