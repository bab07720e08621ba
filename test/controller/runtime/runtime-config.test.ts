import { parseRuntimeConfig } from '../../../controller/runtime/runtime-config.js';

describe('parseRuntimeConfig', () => {
  it('defaults to all namespaces, 16 workers, a 50 s resync, a 10 minute slow resync and no leader election', () => {
    expect(parseRuntimeConfig([], {})).toEqual({
      namespaces: undefined,
      workers: 16,
      resyncPeriodMs: 50_000,
      slowResyncPeriodMs: 600_000,
      metricsAddress: ':8080',
      leaderElection: false,
      leaderElectionNamespace: 'default',
      leaderElectionId: 'databricks-operator',
      logLevel: 'info',
    });
  });

  it('reads the environment, and flags override it', () => {
    const env = { WATCH_NAMESPACES: 'a, b', WORKERS: '8', RESYNC_PERIOD: '30s', POD_NAMESPACE: 'ops' };
    const fromEnv = parseRuntimeConfig([], env);
    expect(fromEnv).toMatchObject({
      namespaces: ['a', 'b'],
      workers: 8,
      resyncPeriodMs: 30_000,
      leaderElectionNamespace: 'ops',
    });
    const fromFlags = parseRuntimeConfig(
      [
        '--workers',
        '2',
        '--namespaces=c',
        '--leader-elect',
        '--resync-period',
        '1h',
        '--slow-resync-period=20m',
      ],
      env,
    );
    expect(fromFlags).toMatchObject({
      namespaces: ['c'],
      workers: 2,
      leaderElection: true,
      resyncPeriodMs: 3_600_000,
      slowResyncPeriodMs: 1_200_000,
    });
  });

  it('treats * as all namespaces and accepts --leader-elect=false', () => {
    expect(parseRuntimeConfig(['--namespaces', '*', '--leader-elect=false'], {})).toMatchObject({
      namespaces: undefined,
      leaderElection: false,
    });
  });

  it('names the flag or variable and the fix when a value is wrong', () => {
    expect(() => parseRuntimeConfig(['--workers', '0'], {})).toThrow(
      '--workers: "0" is not a whole number of workers',
    );
    expect(() => parseRuntimeConfig([], { RESYNC_PERIOD: '10 minutes' })).toThrow(
      'RESYNC_PERIOD: "10 minutes" is not a duration; write a number and a unit, e.g. 30s, 10m or 1h',
    );
    expect(() => parseRuntimeConfig(['--slow-resync-period', '0s'], {})).toThrow(
      '--slow-resync-period: "0s" must be longer than 0, e.g. 10m',
    );
    expect(() => parseRuntimeConfig(['--leader-elect=yes'], {})).toThrow('use true or false');
    expect(() => parseRuntimeConfig(['--wrokers', '2'], {})).toThrow('unknown flag --wrokers');
    expect(() => parseRuntimeConfig(['--workers'], {})).toThrow('flag --workers needs a value');
  });
});
