// Package benchmark: `npm run bench:package [-- --runs N]`. What the npm package costs a cdk8s app: the
// tarball `npm pack` makes (size, files); what `npm install <tarball>` adds to an app that already has
// cdk8s and constructs (a bare app with only those two, and an app from the `cdk8s init typescript-app`
// template); and the wall time of synthesizing the README quickstart under each toolchain (each command
// run N times, fastest and median). The apps are the ones test/package/npm-package.int.test.ts builds,
// installed from the npm cache through the lockfile registry.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { directoryBytes, installedCopies } from '../test/package/installed-packages.js';
import { startLockfileRegistry, type LockfileRegistry } from '../test/package/lockfile-registry.js';
import { packLibrary } from '../test/package/packed-library.js';
import { TemplateApp, templateValues, type AppModuleSystem } from '../test/package/template-app.js';

const MIB = 1024 * 1024;

function runCount(argv: readonly string[]): number {
  const index = argv.indexOf('--runs');
  const value = index >= 0 ? Number(argv[index + 1]) : 5;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--runs must be a positive whole number, got "${argv[index + 1]}"`);
  }
  return value;
}

/** What `npm install <tarball>` added to the app in `dir`: package copies and bytes of node_modules. */
async function installLibrary(
  registry: LockfileRegistry,
  dir: string,
  tarball: string,
): Promise<{ packages: number; bytes: number; names: string[] }> {
  const before = new Set(installedCopies(dir).map((copy) => copy.dir));
  const bytesBefore = directoryBytes(join(dir, 'node_modules'));
  await registry.npm(dir, ['install', tarball]);
  const added = installedCopies(dir).filter((copy) => !before.has(copy.dir));
  return {
    packages: added.length,
    bytes: directoryBytes(join(dir, 'node_modules')) - bytesBefore,
    names: added.map((copy) => `${copy.name}@${copy.version}`).sort(),
  };
}

/** Runs `command` `runs` times in the app; the wall times in ms, sorted. */
async function time(
  runs: number,
  app: TemplateApp,
  command: string,
  args: readonly string[],
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await app.run(command, args);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

async function main(argv: readonly string[]): Promise<void> {
  const runs = runCount(argv);
  const work = mkdtempSync(join(tmpdir(), 'cdk8s-databricks-bench-package-'));
  const registry = await startLockfileRegistry();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    log('npm pack (prepack builds the package)');
    const packed = await packLibrary(join(work, 'pack'));

    log('a bare app with cdk8s and constructs');
    const bare = join(work, 'bare-app');
    mkdirSync(bare);
    const values = templateValues('bare-app');
    writeFileSync(
      join(bare, 'package.json'),
      JSON.stringify({
        name: 'bare-app',
        version: '1.0.0',
        private: true,
        dependencies: { cdk8s: `^${values.cdk8s_core_version}`, constructs: `^${values.constructs_version}` },
      }),
    );
    await registry.npm(bare, ['install']);
    const bareAdded = await installLibrary(registry, bare, packed.tarball);

    const apps: Partial<Record<AppModuleSystem, TemplateApp>> = {};
    const templateAdded: Partial<Record<AppModuleSystem, Awaited<ReturnType<typeof installLibrary>>>> = {};
    for (const moduleSystem of ['commonjs', 'esm'] as const) {
      log(`a ${moduleSystem} app from the cdk8s typescript-app template`);
      const dir = join(work, `${moduleSystem}-app`);
      mkdirSync(dir);
      const app = TemplateApp.create(dir, moduleSystem, registry);
      await app.npm(['install']);
      templateAdded[moduleSystem] = await installLibrary(registry, dir, packed.tarball);
      apps[moduleSystem] = app;
    }
    const commonjs = apps.commonjs!;
    const esm = apps.esm!;

    log(`synthesizing the quickstart, ${runs} runs per toolchain`);
    const compile = async (app: TemplateApp) => (await time(1, app, 'npx', ['tsc', '--outDir', 'js']))[0]!;
    const compileCommonjs = await compile(commonjs);
    const compileEsm = await compile(esm);
    const synth: [string, number[]][] = [
      [
        'CommonJS template: `cdk8s synth` (runs `npx ts-node main.ts`)',
        await time(runs, commonjs, 'npx', ['cdk8s', 'synth']),
      ],
      ['CommonJS template: `npx ts-node main.ts`', await time(runs, commonjs, 'npx', ['ts-node', 'main.ts'])],
      [
        'CommonJS template: `node js/main.js` (after tsc)',
        await time(runs, commonjs, 'node', ['js/main.js']),
      ],
      [
        'ESM: `node --loader ts-node/esm main.ts`',
        await time(runs, esm, 'node', ['--loader', 'ts-node/esm', 'main.ts']),
      ],
      ['ESM: `npx tsx main.ts`', await time(runs, esm, 'npx', ['tsx', 'main.ts'])],
      ['ESM: `node js/main.js` (after tsc)', await time(runs, esm, 'node', ['js/main.js'])],
    ];

    const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
    const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;
    const ms = (value: number) => `${Math.round(value)} ms`;
    const lines = [
      `tarball: ${packed.files.length} files, ${kB(packed.size)} packed, ${kB(packed.unpackedSize)} unpacked`,
      '',
      '| app | `npm install <tarball>` adds |',
      '|---|---|',
      `| bare (cdk8s, constructs) | ${bareAdded.packages} packages, ${mib(bareAdded.bytes)}: ${bareAdded.names.join(', ')} |`,
      ...(['commonjs', 'esm'] as const).map((moduleSystem) => {
        const added = templateAdded[moduleSystem]!;
        return `| template (${moduleSystem}) | ${added.packages} packages, ${mib(added.bytes)}: ${added.names.join(', ')} |`;
      }),
      '',
      `tsc --outDir js: CommonJS template ${ms(compileCommonjs)}, ESM ${ms(compileEsm)}`,
      '',
      `| toolchain | fastest | median (${runs} runs) |`,
      '|---|---|---|',
      ...synth.map(
        ([name, times]) => `| ${name} | ${ms(times[0]!)} | ${ms(times[Math.floor(times.length / 2)]!)} |`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await registry.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench:package: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
