import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian's package that ships the etcd server (3.4, which kube-apiserver up to 1.32 supports). */
const ETCD_PACKAGE = 'etcd-server';

/**
 * Path of the etcd executable, installing Debian's etcd-server package first when it is missing
 * (which needs root, as CI and the project's machines run). `ETCD_BINARY` overrides the lookup.
 */
export function ensureEtcd(log: (line: string) => void): string {
  const found = findEtcd();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `etcd is not installed and installing it needs root: run \`sudo apt-get install ${ETCD_PACKAGE}\` ` +
        '(or set ETCD_BINARY to an etcd 3.4+ executable), then retry.',
    );
  }
  log(`installing etcd from Debian (${ETCD_PACKAGE})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ETCD_PACKAGE], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const installed = findEtcd();
  if (!installed)
    throw new Error(`apt-get installed ${ETCD_PACKAGE} but no etcd executable appeared on PATH.`);
  return installed;
}

function findEtcd(): string | undefined {
  if (process.env.ETCD_BINARY) return process.env.ETCD_BINARY;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  return dirs
    .filter(Boolean)
    .map((dir) => join(dir, 'etcd'))
    .find((path) => existsSync(path));
}
