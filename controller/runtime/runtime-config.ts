import type { LogLevel } from './logger.js';

/** How the controller process runs, from flags and environment (flags win). */
export interface RuntimeConfig {
  /** Namespaces to watch; undefined means all namespaces. */
  readonly namespaces: readonly string[] | undefined;
  /** Concurrent reconciles per controller. */
  readonly workers: number;
  /**
   * The longest time between two reconciles of every cached object (drift detection); each interval is
   * up to a tenth shorter, at random.
   */
  readonly resyncPeriodMs: number;
  /**
   * How often what only a read per object shows (job permissions, secret scope keys and ACLs) is read,
   * each object at its own moment of the period.
   */
  readonly slowResyncPeriodMs: number;
  /** `host:port` of /metrics, /healthz and /readyz. */
  readonly metricsAddress: string;
  /** Whether to elect a leader on a Lease before reconciling. */
  readonly leaderElection: boolean;
  readonly leaderElectionNamespace: string;
  readonly leaderElectionId: string;
  readonly logLevel: LogLevel;
}

interface Setting {
  readonly flag: string;
  readonly env: string;
  readonly fallback: string;
  readonly help: string;
}

/** Every setting with its flag, environment variable and default; printed by `--help`. */
export const RUNTIME_SETTINGS = {
  namespaces: {
    flag: 'namespaces',
    env: 'WATCH_NAMESPACES',
    fallback: '',
    help: 'comma-separated namespaces to watch; empty or * for all',
  },
  // Enough to hold Databricks' create limit (18/s) while a reconcile takes up to ~0.8 s: three API server
  // writes and a Databricks call, slow while a thousand objects are being applied or Databricks answers
  // slowly (BENCHMARKS.md, Controller: 4 workers fall behind, 16 keep the pace at 500 ms per call).
  workers: { flag: 'workers', env: 'WORKERS', fallback: '16', help: 'concurrent reconciles per kind' },
  // Under a minute, so a change made in Databricks is put back within one (BENCHMARKS.md, Drift): every
  // kind reads Databricks through listings shared by all its objects in a workspace, so a resync costs a
  // few reads per workspace, not one per object. Intervals are 45 to 50 s (RESYNC_JITTER).
  resyncPeriod: {
    flag: 'resync-period',
    env: 'RESYNC_PERIOD',
    fallback: '50s',
    help: 'longest interval between full resyncs, which find drift made in Databricks (e.g. 50s, 10m)',
  },
  // What no listing shows costs a read per object: at N objects, N reads per period, spread evenly.
  slowResyncPeriod: {
    flag: 'slow-resync-period',
    env: 'SLOW_RESYNC_PERIOD',
    fallback: '10m',
    help: 'how often job permissions and secret scope keys and ACLs are read, each object at its own moment',
  },
  metricsAddress: {
    flag: 'metrics-bind-address',
    env: 'METRICS_BIND_ADDRESS',
    fallback: ':8080',
    help: 'host:port of /metrics, /healthz and /readyz',
  },
  leaderElection: {
    flag: 'leader-elect',
    env: 'LEADER_ELECT',
    fallback: 'false',
    help: 'elect a leader on a Lease (true/false)',
  },
  leaderElectionNamespace: {
    flag: 'leader-election-namespace',
    env: 'LEADER_ELECTION_NAMESPACE',
    fallback: '',
    help: 'namespace of the Lease; defaults to POD_NAMESPACE, then default',
  },
  leaderElectionId: {
    flag: 'leader-election-id',
    env: 'LEADER_ELECTION_ID',
    fallback: 'databricks-operator',
    help: 'name of the Lease',
  },
  logLevel: { flag: 'log-level', env: 'LOG_LEVEL', fallback: 'info', help: 'debug, info, warn or error' },
} as const satisfies Record<string, Setting>;

/** Usage text listing every flag and its environment variable. */
export function runtimeUsage(): string {
  return Object.values(RUNTIME_SETTINGS)
    .map(
      (s: Setting) =>
        `  --${s.flag.padEnd(27)} ${s.env.padEnd(26)} ${s.help} (default: ${s.fallback || 'none'})`,
    )
    .join('\n');
}

/**
 * Reads the runtime settings from `argv` (`--flag value`, `--flag=value`, bare `--leader-elect`) and
 * `env`. Unknown flags and bad values throw an error that names the flag or variable and the fix.
 */
export function parseRuntimeConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): RuntimeConfig {
  const flags = parseFlags(argv);
  const raw = (setting: Setting): { value: string; source: string } => {
    if (flags.has(setting.flag)) return { value: flags.get(setting.flag)!, source: `--${setting.flag}` };
    const fromEnv = env[setting.env];
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: setting.env };
    return { value: setting.fallback, source: `the default of --${setting.flag}` };
  };

  const namespaces = raw(RUNTIME_SETTINGS.namespaces)
    .value.split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const workers = raw(RUNTIME_SETTINGS.workers);
  const workerCount = Number(workers.value);
  if (!Number.isInteger(workerCount) || workerCount < 1) {
    throw new Error(
      `${workers.source}: "${workers.value}" is not a whole number of workers; use 1 or more, e.g. 4`,
    );
  }
  const leader = raw(RUNTIME_SETTINGS.leaderElection);
  if (!['true', 'false'].includes(leader.value)) {
    throw new Error(`${leader.source}: "${leader.value}" is not a boolean; use true or false`);
  }
  const logLevel = raw(RUNTIME_SETTINGS.logLevel);
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel.value)) {
    throw new Error(
      `${logLevel.source}: "${logLevel.value}" is not a log level; use debug, info, warn or error`,
    );
  }
  return {
    namespaces: namespaces.length === 0 || namespaces.includes('*') ? undefined : namespaces,
    workers: workerCount,
    resyncPeriodMs: parseDuration(raw(RUNTIME_SETTINGS.resyncPeriod)),
    slowResyncPeriodMs: positive(raw(RUNTIME_SETTINGS.slowResyncPeriod)),
    metricsAddress: raw(RUNTIME_SETTINGS.metricsAddress).value,
    leaderElection: leader.value === 'true',
    leaderElectionNamespace:
      raw(RUNTIME_SETTINGS.leaderElectionNamespace).value || env.POD_NAMESPACE || 'default',
    leaderElectionId: raw(RUNTIME_SETTINGS.leaderElectionId).value,
    logLevel: logLevel.value as LogLevel,
  };
}

function parseFlags(argv: readonly string[]): Map<string, string> {
  const known = new Set<string>(Object.values(RUNTIME_SETTINGS).map((s) => s.flag));
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--'))
      throw new Error(`unexpected argument "${arg}": flags look like --workers 4\n${runtimeUsage()}`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (!known.has(name)) throw new Error(`unknown flag --${name}; the flags are:\n${runtimeUsage()}`);
    if (inline !== undefined) flags.set(name, inline);
    else if (
      name === RUNTIME_SETTINGS.leaderElection.flag &&
      (argv[i + 1] === undefined || argv[i + 1].startsWith('--'))
    ) {
      flags.set(name, 'true');
    } else if (argv[i + 1] === undefined) throw new Error(`flag --${name} needs a value`);
    else flags.set(name, argv[++i]);
  }
  return flags;
}

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The share of the resync period by which each interval is shortened at most, at random. */
export const RESYNC_JITTER = 0.1;

function positive(setting: { value: string; source: string }): number {
  const ms = parseDuration(setting);
  if (ms <= 0) throw new Error(`${setting.source}: "${setting.value}" must be longer than 0, e.g. 10m`);
  return ms;
}

function parseDuration({ value, source }: { value: string; source: string }): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (!match)
    throw new Error(
      `${source}: "${value}" is not a duration; write a number and a unit, e.g. 30s, 10m or 1h`,
    );
  return Number(match[1]) * unitMs[match[2]];
}
