/**
 * Runs a fake Databricks workspace as a process:
 *
 *   npm run fake-databricks -- [--port 8089] [--fault-rate 0.05] [--fault-kinds unavailable,reset]
 *                              [--latency-ms 20] [--jitter-ms 10] [--no-rate-limits] [--seed 7]
 *                              [--timing-scale 0.1]
 *
 * It prints its URL, a token it accepts and an OAuth client, then serves until SIGINT or SIGTERM.
 * The control API is under `<url>/__fake/` (see inspection.ts).
 */
import { parseArgs } from 'node:util';
import { defaultTiming, type Timing } from './api.js';
import { faultKinds, type FaultKind } from './faults.js';
import { startFakeWorkspace } from './index.js';

function fail(message: string): never {
  process.stderr.write(`fake-databricks: ${message}\n`);
  process.exit(2);
}

function numberOption(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) fail(`--${name} must be a number of 0 or more, got '${String(raw)}'.`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8089' },
      'fault-rate': { type: 'string' },
      'fault-kinds': { type: 'string', default: 'unavailable,rate-limit,reset' },
      'latency-ms': { type: 'string' },
      'jitter-ms': { type: 'string' },
      'no-rate-limits': { type: 'boolean', default: false },
      seed: { type: 'string' },
      'timing-scale': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: npm run fake-databricks -- [--port N] [--fault-rate P] [--fault-kinds k1,k2] [--latency-ms N]\n' +
        `       [--jitter-ms N] [--no-rate-limits] [--seed N] [--timing-scale F]\nfault kinds: ${faultKinds.join(', ')}\n`,
    );
    return;
  }
  const port = numberOption(values, 'port') ?? 8089;
  const faultRate = numberOption(values, 'fault-rate') ?? 0;
  if (faultRate > 1) fail(`--fault-rate is a probability in [0, 1], got ${faultRate}.`);
  const kinds = values['fault-kinds'].split(',').map((k) => k.trim()) as FaultKind[];
  for (const kind of kinds) {
    if (!faultKinds.includes(kind))
      fail(`--fault-kinds: '${kind}' is unknown; use ${faultKinds.join(', ')}.`);
  }
  const scale = numberOption(values, 'timing-scale') ?? 1;
  const timing = Object.fromEntries(
    Object.entries(defaultTiming).map(([k, v]) => [k, Math.round(v * scale)]),
  ) as unknown as Timing;

  const workspace = await startFakeWorkspace({
    port,
    timing,
    rateLimits: values['no-rate-limits'] ? false : {},
    latency: {
      fixedMs: numberOption(values, 'latency-ms') ?? 0,
      jitterMs: numberOption(values, 'jitter-ms') ?? 0,
    },
    // The rate is split evenly over the chosen kinds; rules are tried in turn, so each gets its share.
    faults:
      faultRate > 0
        ? kinds.map((kind, i) => ({
            endpoint: '*',
            kind,
            probability: faultRate / (kinds.length - i * faultRate),
          }))
        : [],
    seed: numberOption(values, 'seed'),
  });
  process.stdout.write(
    [
      `fake Databricks workspace listening on ${workspace.url}`,
      `DATABRICKS_HOST=${workspace.url}`,
      `DATABRICKS_TOKEN=${workspace.token}`,
      `DATABRICKS_CLIENT_ID=${workspace.oauthClient.clientId}`,
      `DATABRICKS_CLIENT_SECRET=${workspace.oauthClient.clientSecret}`,
      `control API: ${workspace.url}/__fake/ (state, requests, faults, latency, rate-limits, timing, reset)`,
      '',
    ].join('\n'),
  );
  const stop = () => {
    void workspace.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
