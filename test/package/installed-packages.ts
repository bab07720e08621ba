/**
 * What an npm install put in a directory's node_modules, read from the files themselves: the test checks
 * what installing the library added, and the package benchmark counts it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One installed copy of a package. */
export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  /** Its directory. */
  readonly dir: string;
}

/** Every package installed under `dir`/node_modules, nested node_modules included. */
export function installedCopies(dir: string): InstalledPackage[] {
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules)) return [];
  const found: InstalledPackage[] = [];
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue; // .bin, .package-lock.json
    const packageDirs = entry.startsWith('@')
      ? readdirSync(join(modules, entry)).map((name) => join(modules, entry, name))
      : [join(modules, entry)];
    for (const packageDir of packageDirs) {
      const manifest = join(packageDir, 'package.json');
      if (!existsSync(manifest)) continue;
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name: string;
        version: string;
      };
      found.push({ name, version, dir: packageDir }, ...installedCopies(packageDir));
    }
  }
  return found;
}

/** The names of {@link installedCopies}. */
export function installedPackages(dir: string): Set<string> {
  return new Set(installedCopies(dir).map((copy) => copy.name));
}

/** Bytes of every file under `dir`, symbolic links not followed. */
export function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directoryBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}
