import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createControlPlanePki, type ControlPlanePki } from './certificates.js';
import { ensureEtcd } from './etcd-binary.js';
import { freeLoopbackPort } from './free-port.js';
import { ensureKubeBinaries } from './kube-binaries.js';
import { writeCertificateKubeconfig } from './kubeconfig-file.js';
import { KUBERNETES_VERSION } from './kubernetes-version.js';
import { isOurProcess, isProcessAlive, stopProcess } from './local-processes.js';
import { acquirePidLock } from './pid-lock.js';

/** A control plane that is up: what a caller needs to use it and to stop it. */
export interface RunningControlPlane {
  /** Directory holding everything of this control plane (data, certificates, logs, kubeconfig). */
  stateDir: string;
  /** Admin kubeconfig (user `admin`, group `system:masters`). */
  kubeconfig: string;
  /** `https://127.0.0.1:<port>` */
  server: string;
  /** Paths of the CA and its key, for tests that issue certificates for other users. */
  pki: Pick<ControlPlanePki, 'caCert' | 'caKey'>;
  /** The kubectl built with kube-apiserver, at the same version. */
  kubectl: string;
  /** Whether this call started it (false: an earlier `up` did and it was reused). */
  started: boolean;
}

/**
 * What `state.json` records once the control plane is up. The processes themselves are tracked by
 * pid files (`<name>.pid`), written the moment each starts, so even a run killed half-way through
 * startup leaves enough behind to find and stop what it started.
 */
interface ControlPlaneState {
  version: string;
  server: string;
  kubeconfig: string;
  kubectl: string;
  pki: Pick<ControlPlanePki, 'caCert' | 'caKey'>;
}

/** Options of {@link startControlPlane}. */
export interface StartOptions {
  stateDir: string;
  log: (line: string) => void;
  /**
   * Tie the control plane's life to this process: a watchdog stops it and removes the state
   * directory once the process is gone, however it ended (test runs use the Jest process).
   */
  ownerPid?: number;
}

const STATE_FILE = 'state.json';
/** Pid file of the process that owns a test run's control plane; see {@link StartOptions.ownerPid}. */
const OWNER_PID_FILE = 'owner.pid';
/** The processes of one control plane, in the order they are stopped. */
const PROCESS_NAMES = ['watchdog', 'kube-apiserver', 'etcd'] as const;
type ProcessName = (typeof PROCESS_NAMES)[number];
/** A state directory with no owner file yet may be a run that is just starting: leave it this long. */
const UNOWNED_GRACE_MS = 60_000;
const READY_TIMEOUT_MS = 120_000;
const START_ATTEMPTS = 3;

/**
 * Starts etcd and kube-apiserver on free loopback ports, or returns the control plane already
 * running from `stateDir`. Leftovers of a run that was killed (processes or files) are stopped and
 * removed first. Installs etcd and builds the Kubernetes binaries when they are missing.
 */
export async function startControlPlane(options: StartOptions): Promise<RunningControlPlane> {
  const stateDir = resolve(options.stateDir);
  return withStateDirLock(stateDir, options.log, () => startUnlocked(stateDir, options));
}

async function startUnlocked(stateDir: string, options: StartOptions): Promise<RunningControlPlane> {
  const existing = readState(stateDir);
  if (existing && (await isHealthy(stateDir, existing))) {
    return describe(stateDir, existing, false);
  }
  if (existing || existsSync(stateDir)) {
    options.log(`cleaning up a stale control plane in ${stateDir}`);
    await stopUnlocked(stateDir);
  }

  const etcdBinary = ensureEtcd(options.log);
  const binaries = await ensureKubeBinaries(options.log);

  for (let attempt = 1; ; attempt += 1) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    try {
      const state = await launch(stateDir, etcdBinary, binaries.kubeApiserver, binaries.kubectl, options);
      return describe(stateDir, state, true);
    } catch (error) {
      await stopUnlocked(stateDir);
      // A port picked as free can be taken before the server binds it; other failures are real.
      if (attempt >= START_ATTEMPTS || !String(error).includes('address already in use')) throw error;
      options.log('a port was taken before the server could bind it; retrying with new ports');
    }
  }
}

/** The control plane running from `stateDir`, or undefined when none is (or it is unhealthy). */
export async function findRunningControlPlane(stateDir: string): Promise<RunningControlPlane | undefined> {
  const dir = resolve(stateDir);
  const state = readState(dir);
  return state && (await isHealthy(dir, state)) ? describe(dir, state, false) : undefined;
}

/** Stops the processes of the control plane in `stateDir` (only if they are ours) and deletes the directory. */
export async function stopControlPlane(stateDir: string): Promise<void> {
  const dir = resolve(stateDir);
  await withStateDirLock(
    dir,
    () => undefined,
    () => stopUnlocked(dir),
  );
}

async function stopUnlocked(dir: string): Promise<void> {
  // The watchdog first, so it does not race us; then the API server before its storage.
  for (const name of PROCESS_NAMES) {
    const pid = readPid(dir, name);
    if (pid !== undefined) await stopProcess(pid, dir);
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Stops and removes the control planes under `parentDir` whose owner process has exited: what a
 * test run that was killed before its watchdog could act leaves behind.
 */
export async function cleanOrphanedControlPlanes(
  parentDir: string,
  log: (line: string) => void,
): Promise<void> {
  if (!existsSync(parentDir)) return;
  for (const entry of readdirSync(parentDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue; // lock files sit next to the state directories
    const dir = join(parentDir, entry.name);
    const owner = readPid(dir, OWNER_PID_FILE);
    if (owner === undefined ? Date.now() - statSync(dir).mtimeMs < UNOWNED_GRACE_MS : isProcessAlive(owner))
      continue;
    log(`removing the control plane of a finished test run: ${dir}`);
    await stopControlPlane(dir);
  }
}

/**
 * Runs `action` holding a lock on the state directory (a pid file next to it), so two commands on
 * one directory, say two `up`s, never see each other's half-started control plane as stale.
 */
async function withStateDirLock<T>(
  stateDir: string,
  log: (line: string) => void,
  action: () => Promise<T>,
): Promise<T> {
  mkdirSync(dirname(stateDir), { recursive: true });
  const release = await acquirePidLock(`${stateDir}.lock`, (pid) =>
    log(`waiting for process ${pid}, which is starting or stopping the control plane in ${stateDir}`),
  );
  try {
    return await action();
  } finally {
    release();
  }
}

function describe(stateDir: string, state: ControlPlaneState, started: boolean): RunningControlPlane {
  return {
    stateDir,
    kubeconfig: state.kubeconfig,
    server: state.server,
    pki: state.pki,
    kubectl: state.kubectl,
    started,
  };
}

function pidFile(stateDir: string, name: ProcessName | typeof OWNER_PID_FILE): string {
  return join(stateDir, name === OWNER_PID_FILE ? name : `${name}.pid`);
}

function readPid(stateDir: string, name: ProcessName | typeof OWNER_PID_FILE): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile(stateDir, name), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function readState(stateDir: string): ControlPlaneState | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, STATE_FILE), 'utf8')) as ControlPlaneState;
  } catch {
    return undefined;
  }
}

async function isHealthy(stateDir: string, state: ControlPlaneState): Promise<boolean> {
  if (state.version !== KUBERNETES_VERSION) return false;
  for (const name of ['etcd', 'kube-apiserver'] as const) {
    const pid = readPid(stateDir, name);
    if (pid === undefined || !isOurProcess(pid, stateDir)) return false;
  }
  return (await probeReadyz(state.server, readPkiForProbe(stateDir))) === 'ok';
}

async function launch(
  stateDir: string,
  etcdBinary: string,
  kubeApiserver: string,
  kubectl: string,
  options: StartOptions,
): Promise<ControlPlaneState> {
  if (options.ownerPid !== undefined) {
    // Before anything else runs, so no moment of startup can leak a process if the owner dies.
    writeFileSync(pidFile(stateDir, OWNER_PID_FILE), String(options.ownerPid));
    spawnWatchdog(stateDir, options.ownerPid);
  }
  const pki = createControlPlanePki(join(stateDir, 'pki'));
  const [etcdClientPort, etcdPeerPort, apiserverPort] = [
    await freeLoopbackPort(),
    await freeLoopbackPort(),
    await freeLoopbackPort(),
  ];
  const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
  const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
  const server = `https://127.0.0.1:${apiserverPort}`;
  const kubeconfig = join(stateDir, 'kubeconfig');

  options.log(`starting etcd on ${etcdUrl}`);
  const etcdPid = spawnLogged(stateDir, 'etcd', etcdBinary, [
    '--name=default',
    `--data-dir=${join(stateDir, 'etcd')}`,
    `--listen-client-urls=${etcdUrl}`,
    `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=default=${peerUrl}`,
    '--log-level=warn',
  ]);
  await waitFor('etcd', stateDir, etcdPid, async () => (await probeEtcd(etcdUrl)) === 'ok');

  options.log(`starting kube-apiserver ${KUBERNETES_VERSION} on ${server}`);
  // Modelled on controller-runtime's envtest: one loopback API server, certificate auth, RBAC.
  const apiserverPid = spawnLogged(stateDir, 'kube-apiserver', kubeApiserver, [
    `--etcd-servers=${etcdUrl}`,
    `--cert-dir=${join(stateDir, 'pki')}`,
    `--tls-cert-file=${pki.servingCert}`,
    `--tls-private-key-file=${pki.servingKey}`,
    `--client-ca-file=${pki.caCert}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${apiserverPort}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--authorization-mode=RBAC',
    '--allow-privileged=true',
    `--service-account-issuer=${server}`,
    `--service-account-key-file=${pki.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${pki.serviceAccountPrivateKey}`,
    // ServiceAccount admission waits for token Secrets that only kube-controller-manager creates.
    '--disable-admission-plugins=ServiceAccount',
    // The default reconciler would publish 127.0.0.1 as the `kubernetes` Service endpoint, which
    // validation rejects (loopback) every few seconds; nothing here needs that Service.
    '--endpoint-reconciler-type=none',
    '--profiling=false',
  ]);
  const probePki = readPkiForProbe(stateDir);
  await waitFor('kube-apiserver', stateDir, apiserverPid, async () => {
    return (await probeReadyz(server, probePki)) === 'ok';
  });

  writeCertificateKubeconfig(kubeconfig, {
    server,
    caCert: pki.caCert,
    clientCert: pki.adminCert,
    clientKey: pki.adminKey,
    user: 'admin',
  });
  const state: ControlPlaneState = {
    version: KUBERNETES_VERSION,
    server,
    kubeconfig,
    kubectl,
    pki: { caCert: pki.caCert, caKey: pki.caKey },
  };
  writeState(stateDir, state);
  return state;
}

function writeState(stateDir: string, state: ControlPlaneState): void {
  writeFileSync(join(stateDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Starts a process in its own process group (so it outlives `up` and a terminal's Ctrl-C does not
 * hit it half-way), with stdout and stderr appended to `<stateDir>/<name>.log`.
 */
function spawnLogged(stateDir: string, name: ProcessName, command: string, args: string[]): number {
  const logFd = openSync(join(stateDir, `${name}.log`), 'a');
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', logFd, logFd] });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
    writeFileSync(pidFile(stateDir, name), String(child.pid));
    child.unref();
    return child.pid;
  } finally {
    closeSync(logFd);
  }
}

/**
 * A shell loop that waits for `ownerPid` to exit, then stops the processes named by the pid files
 * and removes the state directory. It covers every way a test run can end (teardown skipped,
 * Ctrl-C, SIGKILL, crash) and every moment, startup included, as it reads the pid files only at
 * the end. A pid is only signalled while its command line still mentions the state directory.
 */
function spawnWatchdog(stateDir: string, ownerPid: number): void {
  const script = [
    'owner=$1; dir=$2',
    'while kill -0 "$owner" 2>/dev/null; do sleep 1; done',
    'ours() { tr "\\0" "\\n" < "/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$dir/"; }',
    'pids=; for f in "$dir/kube-apiserver.pid" "$dir/etcd.pid"; do',
    '  [ -f "$f" ] && pid=$(cat "$f") && ours "$pid" && pids="$pids $pid"',
    'done',
    'for pid in $pids; do kill -TERM "$pid" 2>/dev/null; done',
    'for _ in 1 2 3 4 5 6 7 8 9 10; do',
    '  alive=; for pid in $pids; do ours "$pid" && alive=1; done',
    '  [ -z "$alive" ] && break; sleep 1',
    'done',
    'for pid in $pids; do ours "$pid" && kill -KILL "$pid" 2>/dev/null; done',
    'rm -rf "$dir"',
  ].join('\n');
  const child = spawn('sh', ['-c', script, 'control-plane-watchdog', String(ownerPid), stateDir], {
    detached: true,
    stdio: 'ignore',
  });
  if (child.pid === undefined) throw new Error('could not start the control-plane watchdog (sh)');
  writeFileSync(pidFile(stateDir, 'watchdog'), String(child.pid));
  child.unref();
}

/** Polls `ready` until it holds, failing early (with the log's tail) if the process exits. */
async function waitFor(
  name: string,
  stateDir: string,
  pid: number,
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!isOurProcess(pid, stateDir)) {
      throw new Error(
        `${name} exited during startup; the end of ${join(stateDir, `${name}.log`)}:\n${logTail(stateDir, name)}`,
      );
    }
    if (await ready()) return;
    await delay(200);
  }
  throw new Error(
    `${name} was not ready after ${READY_TIMEOUT_MS / 1000}s; the end of its log:\n${logTail(stateDir, name)}`,
  );
}

function logTail(stateDir: string, name: string): string {
  try {
    return readFileSync(join(stateDir, `${name}.log`), 'utf8')
      .split('\n')
      .slice(-25)
      .join('\n');
  } catch {
    return '(no log written)';
  }
}

async function probeEtcd(url: string): Promise<string> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    const body = (await response.json()) as { health?: string };
    return body.health === 'true' ? 'ok' : 'unhealthy';
  } catch (error) {
    return String(error);
  }
}

interface ProbeCredentials {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

function readPkiForProbe(stateDir: string): ProbeCredentials | undefined {
  try {
    const pki = join(stateDir, 'pki');
    return {
      ca: readFileSync(join(pki, 'ca.crt')),
      cert: readFileSync(join(pki, 'admin.crt')),
      key: readFileSync(join(pki, 'admin.key')),
    };
  } catch {
    return undefined;
  }
}

/** GET /readyz as the admin user; resolves to the body (`ok` when every check passes) or an error text. */
function probeReadyz(server: string, credentials: ProbeCredentials | undefined): Promise<string> {
  if (!credentials) return Promise.resolve('no credentials');
  return new Promise((resolvePromise) => {
    const req = request(`${server}/readyz`, { ...credentials, timeout: 2000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolvePromise(response.statusCode === 200 ? body.trim() : `HTTP ${response.statusCode}`),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => resolvePromise(String(error)));
    req.end();
  });
}
