/**
 * The npm package as `npm pack` at the repository root makes it (`prepack` builds it first), unpacked
 * beside the tarball so that tests can read what it holds.
 */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { repositoryRoot } from '../control-plane/state-paths.js';
import { runCommand, userEnvironment } from './run-command.js';

/** The fields of the packed package.json that the tests read. */
export interface PackedManifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

/** A packed tarball and what is in it. */
export interface PackedLibrary {
  /** Absolute path of the .tgz. */
  readonly tarball: string;
  /** Bytes of the .tgz. */
  readonly size: number;
  /** Bytes of the files in it. */
  readonly unpackedSize: number;
  /** Paths inside the package (`build/cjs/lib/index.js`, `README.md`), sorted. */
  readonly files: readonly string[];
  /** The directory the tarball was unpacked into (its `package/` folder). */
  readonly unpackedDir: string;
  readonly manifest: PackedManifest;
}

/** Runs `npm pack` at the repository root into `destination` (created if missing) and unpacks the result. */
export async function packLibrary(destination: string): Promise<PackedLibrary> {
  mkdirSync(destination, { recursive: true });
  const { stdout } = await runCommand('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: repositoryRoot(),
    env: userEnvironment({ npm_config_update_notifier: 'false' }),
    timeoutMs: 600_000,
  });
  const [report] = JSON.parse(stdout) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  const tarball = join(destination, report!.filename);
  const unpacked = join(destination, 'unpacked');
  mkdirSync(unpacked, { recursive: true });
  await runCommand('tar', ['-xzf', tarball, '-C', unpacked], { cwd: destination });
  const unpackedDir = join(unpacked, 'package');
  return {
    tarball,
    size: report!.size,
    unpackedSize: report!.unpackedSize,
    files: report!.files.map((file) => file.path).sort(),
    unpackedDir,
    manifest: JSON.parse(readFileSync(join(unpackedDir, 'package.json'), 'utf8')) as PackedManifest,
  };
}

/**
 * The packages the package's JavaScript loads with `require('...')`, by package name (`@scope/name`,
 * or `name` of `name/deep/path.js`), Node's own modules left out.
 */
export function requiredPackages(unpackedDir: string): Set<string> {
  const required = new Set<string>();
  for (const file of listFiles(unpackedDir).filter((path) => path.endsWith('.js'))) {
    const source = readFileSync(join(unpackedDir, file), 'utf8');
    for (const [, specifier] of source.matchAll(/\brequire\("([^"]+)"\)/g)) {
      if (specifier!.startsWith('.') || specifier!.startsWith('node:') || builtinModules.includes(specifier!))
        continue;
      const parts = specifier!.split('/');
      required.add(specifier!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
    }
  }
  return required;
}

/** Every file under `dir`, as paths relative to it. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}
