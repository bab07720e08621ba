/**
 * `npm run control-plane -- <command> [--dir <state dir>]`
 *
 *   up      build or reuse kube-apiserver/kubectl, start etcd + kube-apiserver (or reuse the running
 *           ones), print the kubeconfig path
 *   down    stop both processes and delete the state directory
 *   env     print `export KUBECONFIG=...` for the running control plane (use with eval)
 *   build   only build (or find cached) kube-apiserver and kubectl, print their paths
 *   go-mod  regenerate go/go.mod and go/go.sum from kubernetes-version.ts
 */
import { resolve } from 'node:path';
import { findRunningControlPlane, startControlPlane, stopControlPlane } from './control-plane.js';
import { syncWrapperModule } from './go-wrapper-module.js';
import { ensureKubeBinaries } from './kube-binaries.js';
import { KUBERNETES_VERSION } from './kubernetes-version.js';
import { defaultStateDir, wrapperModuleDir } from './state-paths.js';

const USAGE = 'usage: npm run control-plane -- up|down|env|build|go-mod [--dir <state dir>]';

/** Progress goes to stderr so `up`, `env` and `build` keep stdout for what scripts consume. */
function log(line: string): void {
  process.stderr.write(`control-plane: ${line}\n`);
}

function parseArguments(argv: string[]): { command: string; stateDir: string } {
  const [command, ...rest] = argv;
  let stateDir = defaultStateDir();
  for (let i = 0; i < rest.length; i += 1) {
    if (rest[i] === '--dir' && rest[i + 1]) {
      stateDir = resolve(rest[i + 1]);
      i += 1;
    } else if (rest[i].startsWith('--dir=')) {
      stateDir = resolve(rest[i].slice('--dir='.length));
    } else {
      throw new Error(`unknown argument "${rest[i]}"\n${USAGE}`);
    }
  }
  if (!command) throw new Error(USAGE);
  return { command, stateDir };
}

async function main(): Promise<void> {
  const { command, stateDir } = parseArguments(process.argv.slice(2));
  switch (command) {
    case 'up': {
      const started = Date.now();
      const controlPlane = await startControlPlane({ stateDir, log });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      log(
        controlPlane.started
          ? `kube-apiserver ${KUBERNETES_VERSION} is ready at ${controlPlane.server} (${seconds}s)`
          : `reusing the control plane already running at ${controlPlane.server}`,
      );
      log(`state in ${stateDir}; stop it with \`npm run control-plane -- down\``);
      process.stdout.write(`${controlPlane.kubeconfig}\n`);
      return;
    }
    case 'down':
      await stopControlPlane(stateDir);
      log(`stopped; removed ${stateDir}`);
      return;
    case 'env': {
      const controlPlane = await findRunningControlPlane(stateDir);
      if (!controlPlane) {
        throw new Error(
          `no control plane is running from ${stateDir}; start one with \`npm run control-plane -- up\``,
        );
      }
      process.stdout.write(`export KUBECONFIG=${controlPlane.kubeconfig}\n`);
      return;
    }
    case 'build': {
      const binaries = await ensureKubeBinaries(log);
      process.stdout.write(`${binaries.kubeApiserver}\n${binaries.kubectl}\n`);
      return;
    }
    case 'go-mod': {
      const count = syncWrapperModule(wrapperModuleDir(), KUBERNETES_VERSION);
      log(
        `wrote go/go.mod for k8s.io/kubernetes ${KUBERNETES_VERSION} with ${count} staging modules replaced`,
      );
      return;
    }
    default:
      throw new Error(`unknown command "${command}"\n${USAGE}`);
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
