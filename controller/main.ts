/**
 * The controller process: flags and environment in, the operator running until SIGTERM (or until it
 * loses the leader lease, when it exits so that it is restarted as a standby).
 *
 *   tsx controller/main.ts --namespaces team-a,team-b --workers 8 --leader-elect
 */
import { createOperator } from './operator.js';
import { Logger } from './runtime/logger.js';
import { parseRuntimeConfig, runtimeUsage } from './runtime/runtime-config.js';

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      `usage: controller [flags]\n\nflags and environment variables:\n${runtimeUsage()}\n`,
    );
    return 0;
  }
  const config = parseRuntimeConfig(argv);
  const logger = new Logger({ level: config.logLevel });
  const operator = createOperator({ config, logger });
  operator.manager.handleSignals();
  await operator.start();
  const { address, port } = operator.manager.address;
  logger.info('controller running', {
    namespaces: config.namespaces ?? 'all',
    // The port actually bound: with `--metrics-bind-address 127.0.0.1:0` the OS picks it.
    metricsAddress: `${address}:${port}`,
    workers: config.workers,
    resyncPeriodMs: config.resyncPeriodMs,
    leaderElection: config.leaderElection,
  });
  const reason = await operator.manager.done;
  operator.clients.closeAll();
  logger.info('controller stopped', { reason });
  return reason === 'leadership-lost' ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`controller: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
