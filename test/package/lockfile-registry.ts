/**
 * An npm registry on loopback that offers exactly the package versions of this repository's
 * package-lock.json, so that `npm install` in a fresh app directory resolves its dependencies as it
 * would against registry.npmjs.org while every tarball comes from the npm cache that `npm ci` filled.
 *
 * Why not `npm install --offline`: `npm ci` caches the tarballs and the abbreviated metadata of what it
 * installs, but `npm install` asks for the full metadata document of each dependency, which nothing has
 * cached, so offline it fails with ENOTCACHED. This server answers those metadata requests from the
 * lockfile (names, versions, dependency ranges, integrity); npm then finds each tarball in its cache by
 * integrity. A tarball the cache lacks is answered 404 with the reason, never fetched from the network.
 * So an app can only get versions this repository already installs: what the test apps need beyond that
 * (the cdk8s template's Jest 29, ts-node, ...) is a devDependency of the repository for that reason.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { repositoryRoot } from '../control-plane/state-paths.js';
import { runCommand, userEnvironment, type CommandOutput } from './run-command.js';

/** The fields of a package-lock.json v3 `packages` entry that a registry's version document carries. */
interface LockEntry {
  readonly name?: string;
  readonly version?: string;
  readonly integrity?: string;
  readonly link?: boolean;
  readonly inBundle?: boolean;
  readonly license?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  readonly bundleDependencies?: readonly string[] | boolean;
  readonly bin?: Record<string, string>;
  readonly engines?: Record<string, string>;
  readonly os?: readonly string[];
  readonly cpu?: readonly string[];
  readonly hasInstallScript?: boolean;
}

/**
 * What npm reads from a version document to resolve and place it; the lockfile's own flags (`dev`,
 * `optional`, `peer`, ...) describe this repository's tree, not the package, and are left out.
 */
const VERSION_FIELDS = [
  'license',
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'bundleDependencies',
  'bin',
  'engines',
  'os',
  'cpu',
  'hasInstallScript',
] as const satisfies readonly (keyof LockEntry)[];

/** One version of a package as the registry describes it. */
type VersionDocument = Partial<Pick<LockEntry, (typeof VERSION_FIELDS)[number]>> & {
  readonly name: string;
  readonly version: string;
  readonly dist: { readonly tarball: string; readonly integrity: string };
};

/** A running {@link startLockfileRegistry} server. */
export interface LockfileRegistry {
  /** The registry URL, for npm's `--registry`. */
  readonly url: string;
  /** Runs npm in `cwd` against this registry, preferring the npm cache, without audit or fund requests. */
  npm(cwd: string, args: readonly string[]): Promise<CommandOutput>;
  close(): Promise<void>;
}

/**
 * The versions of every package in `lockfile` (default: the repository's), by name. Entries that are
 * links (workspaces) or came inside another package's tarball (bundled) are not offered: npm never
 * downloaded them on their own.
 */
export function lockedVersions(
  lockfile: string = join(repositoryRoot(), 'package-lock.json'),
): Map<string, Map<string, LockEntry>> {
  const { packages } = JSON.parse(readFileSync(lockfile, 'utf8')) as { packages: Record<string, LockEntry> };
  const byName = new Map<string, Map<string, LockEntry>>();
  for (const [path, entry] of Object.entries(packages)) {
    if (!path.includes('node_modules/') || entry.link || entry.inBundle) continue;
    if (!entry.version || !entry.integrity) continue;
    // An alias (`"x": "npm:jest@^29"`) sits at node_modules/x; its real name is in the entry.
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const versions = byName.get(name) ?? new Map<string, LockEntry>();
    versions.set(entry.version, entry);
    byName.set(name, versions);
  }
  return byName;
}

/** Starts the registry on a free loopback port. */
export async function startLockfileRegistry(lockfile?: string): Promise<LockfileRegistry> {
  const packages = lockedVersions(lockfile);
  let url = '';
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', url).pathname.slice(1));
    const versions = packages.get(path);
    if (request.method !== 'GET' || !versions) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: path.includes('/-/')
            ? `${path}: the npm cache has no tarball with the lockfile's integrity (run npm ci first)`
            : `${path}: not in package-lock.json; an app in this test can only get what the repository installs`,
        }),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(packument(path, versions, url)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    npm: (cwd, args) =>
      runCommand('npm', args, {
        cwd,
        env: userEnvironment({
          npm_config_registry: url,
          npm_config_prefer_offline: 'true',
          npm_config_audit: 'false',
          npm_config_fund: 'false',
          npm_config_update_notifier: 'false',
        }),
      }),
    close: () =>
      new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** The registry's document for package `name`: its versions, the highest one tagged `latest`. */
function packument(name: string, versions: ReadonlyMap<string, LockEntry>, registryUrl: string): unknown {
  const documents: Record<string, VersionDocument> = {};
  for (const [version, entry] of versions) {
    const fields = Object.fromEntries(
      VERSION_FIELDS.flatMap((field) => (field in entry ? [[field, entry[field]]] : [])),
    );
    const file = `${name.slice(name.indexOf('/') + 1)}-${version}.tgz`;
    documents[version] = {
      ...fields,
      name,
      version,
      dist: { tarball: `${registryUrl}${name}/-/${file}`, integrity: entry.integrity! },
    };
  }
  const latest = [...versions.keys()].sort(compareVersions).at(-1)!;
  return { name, 'dist-tags': { latest }, versions: documents };
}

/** Orders `1.2.10` after `1.2.9`, and a prerelease before its release. */
function compareVersions(a: string, b: string): number {
  const parse = (version: string) => {
    const [core = '', prerelease] = version.split('-', 2);
    return { parts: core.split('.').map(Number), prerelease };
  };
  const left = parse(a);
  const right = parse(b);
  for (let i = 0; i < 3; i++) {
    const difference = (left.parts[i] ?? 0) - (right.parts[i] ?? 0);
    if (difference !== 0) return difference;
  }
  if (left.prerelease === right.prerelease) return 0;
  if (left.prerelease === undefined) return 1;
  if (right.prerelease === undefined) return -1;
  return left.prerelease < right.prerelease ? -1 : 1;
}
