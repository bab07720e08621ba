import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { findRunningControlPlane, startControlPlane, stopControlPlane } from './control-plane.js';
import { isOurProcess } from './local-processes.js';
import { pollUntil } from './poll-until.js';

/** Starting a control plane takes a few seconds; several starts in one test need more than Jest's 5 s. */
const LIFECYCLE_TIMEOUT_MS = 120_000;

/** The pids the control plane recorded in its pid files. */
function recordedPids(stateDir: string): { etcd: number; apiserver: number; watchdog?: number } {
  const read = (name: string) =>
    existsSync(join(stateDir, `${name}.pid`))
      ? Number(readFileSync(join(stateDir, `${name}.pid`), 'utf8'))
      : undefined;
  const etcd = read('etcd');
  const apiserver = read('kube-apiserver');
  if (etcd === undefined || apiserver === undefined) throw new Error(`no pid files in ${stateDir}`);
  return { etcd, apiserver, watchdog: read('watchdog') };
}

async function namespaceNames(kubeconfig: string): Promise<string[]> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const list = await config.makeApiClient(CoreV1Api).listNamespace();
  return list.items.map((item) => item.metadata?.name ?? '');
}

describe('the local control plane lifecycle', () => {
  const log = () => undefined;
  let stateDir: string;

  beforeEach(() => {
    stateDir = join(mkdtempSync(join(tmpdir(), 'control-plane-lifecycle-')), 'state');
  });
  afterEach(async () => {
    await stopControlPlane(stateDir);
    rmSync(join(stateDir, '..'), { recursive: true, force: true });
  });

  it(
    'reuses a running control plane, replaces one whose API server died, and leaves nothing after down',
    async () => {
      const first = await startControlPlane({ stateDir, log });
      expect(first.started).toBe(true);
      expect(await namespaceNames(first.kubeconfig)).toContain('default');

      const again = await startControlPlane({ stateDir, log });
      expect(again).toMatchObject({ started: false, server: first.server, kubeconfig: first.kubeconfig });

      const crashed = recordedPids(stateDir);
      process.kill(crashed.apiserver, 'SIGKILL');
      await pollUntil('the killed API server to be gone', async () =>
        isOurProcess(crashed.apiserver, stateDir) ? undefined : true,
      );
      expect(await findRunningControlPlane(stateDir)).toBeUndefined();

      const replaced = await startControlPlane({ stateDir, log });
      expect(replaced.started).toBe(true);
      // The orphaned etcd of the crashed run was stopped, not leaked next to the new one.
      expect(isOurProcess(crashed.etcd, stateDir)).toBe(false);
      expect(await namespaceNames(replaced.kubeconfig)).toContain('default');

      const running = recordedPids(stateDir);
      await stopControlPlane(stateDir);
      expect(isOurProcess(running.apiserver, stateDir)).toBe(false);
      expect(isOurProcess(running.etcd, stateDir)).toBe(false);
      expect(existsSync(stateDir)).toBe(false);
    },
    LIFECYCLE_TIMEOUT_MS,
  );

  it(
    'is stopped and removed by its watchdog once the owning process is gone',
    async () => {
      const owner = spawn('sleep', ['600'], { stdio: 'ignore' });
      if (owner.pid === undefined) throw new Error('could not start the owner process (sleep)');
      const controlPlane = await startControlPlane({ stateDir, log, ownerPid: owner.pid });
      const state = recordedPids(stateDir);
      expect(state.watchdog).toBeDefined();
      expect(await namespaceNames(controlPlane.kubeconfig)).toContain('default');

      owner.kill('SIGKILL');
      await pollUntil(
        'the watchdog to stop the control plane and remove its state',
        async () =>
          !isOurProcess(state.apiserver, stateDir) &&
          !isOurProcess(state.etcd, stateDir) &&
          !existsSync(stateDir)
            ? true
            : undefined,
        { timeoutMs: 30_000 },
      );
    },
    LIFECYCLE_TIMEOUT_MS,
  );
});
