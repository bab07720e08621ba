import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runGo, runGoStreaming } from './go-toolchain.js';
import { WRAPPED_COMMANDS, wrapperKubernetesVersion } from './go-wrapper-module.js';
import { KUBERNETES_VERSION } from './kubernetes-version.js';
import { acquirePidLock } from './pid-lock.js';
import { machineCacheDir, wrapperModuleDir } from './state-paths.js';

/** Paths of the two binaries the control plane runs. */
export interface KubeBinaries {
  kubeApiserver: string;
  kubectl: string;
}

/** Where the binaries of `version` are cached on this machine. */
export function cachedBinaries(version: string = KUBERNETES_VERSION): KubeBinaries {
  const dir = join(machineCacheDir(), `kubernetes-${version}`);
  return { kubeApiserver: join(dir, 'kube-apiserver'), kubectl: join(dir, 'kubectl') };
}

/**
 * Returns the cached kube-apiserver and kubectl for the pinned version, building them first when
 * they are missing. Only one process on the machine builds at a time; others wait and reuse.
 *
 * @param log receives progress lines (the build takes minutes on a small machine)
 */
export async function ensureKubeBinaries(log: (line: string) => void): Promise<KubeBinaries> {
  const binaries = cachedBinaries();
  if (haveAll(binaries)) return binaries;

  const moduleDir = wrapperModuleDir();
  const pinned = wrapperKubernetesVersion(moduleDir);
  if (pinned !== KUBERNETES_VERSION) {
    throw new Error(
      `test/control-plane/go/go.mod requires k8s.io/kubernetes ${pinned ?? '(none)'} but ` +
        `kubernetes-version.ts pins ${KUBERNETES_VERSION}; run \`npm run control-plane -- go-mod\` and commit go/.`,
    );
  }

  const targetDir = join(binaries.kubeApiserver, '..');
  mkdirSync(machineCacheDir(), { recursive: true });
  const release = await acquirePidLock(
    join(machineCacheDir(), `kubernetes-${KUBERNETES_VERSION}.lock`),
    (pid) =>
      log(`another process (pid ${pid}) is building kube-apiserver ${KUBERNETES_VERSION}; waiting for it`),
  );
  try {
    if (haveAll(binaries)) return binaries;
    await build(moduleDir, `${targetDir}.partial-${process.pid}`, log);
    rmSync(targetDir, { recursive: true, force: true });
    // Build into a scratch directory and rename: an interrupted build never looks like a cache hit.
    renameSync(`${targetDir}.partial-${process.pid}`, targetDir);
    return binaries;
  } finally {
    release();
  }
}

function haveAll(binaries: KubeBinaries): boolean {
  return existsSync(binaries.kubeApiserver) && existsSync(binaries.kubectl);
}

async function build(moduleDir: string, outDir: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  log(
    `building kube-apiserver and kubectl ${KUBERNETES_VERSION} with Go (a cold build takes several minutes)`,
  );
  log('resolving modules');
  const total = runGo(['list', '-deps', ...WRAPPED_COMMANDS], moduleDir)
    .split('\n')
    .filter(Boolean).length;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const [major, minor] = KUBERNETES_VERSION.replace(/^v/, '').split('.');
  const versionPackage = 'k8s.io/component-base/version';
  const ldflags = [
    '-s -w', // no symbol table or DWARF: a third smaller and a faster link
    `-X ${versionPackage}.gitVersion=${KUBERNETES_VERSION}`,
    `-X ${versionPackage}.gitMajor=${major}`,
    `-X ${versionPackage}.gitMinor=${minor}`,
  ].join(' ');

  let compiled = 0;
  let lastReport = 0;
  await runGoStreaming(
    ['build', '-v', '-trimpath', '-ldflags', ldflags, '-o', `${outDir}/`, ...WRAPPED_COMMANDS],
    moduleDir,
    (line) => {
      if (!/^[\w.-]+(\/[\w.~-]+)*$/.test(line)) {
        if (line.trim()) log(line);
        return;
      }
      compiled += 1;
      const now = Date.now();
      if (now - lastReport >= 15_000) {
        lastReport = now;
        const percent = Math.min(99, Math.floor((compiled / total) * 100));
        log(
          `compiled ${compiled}/${total} packages (${percent}%), ${Math.round((now - started) / 1000)}s elapsed`,
        );
      }
    },
  );
  log(`built kube-apiserver and kubectl in ${Math.round((Date.now() - started) / 1000)}s`);
}
