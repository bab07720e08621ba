/**
 * What a user does with the package: `npm pack` at the repository root; in fresh apps made from the
 * `cdk8s init typescript-app` template, `npm install` and then `npm install <tarball>`; synthesize the
 * README's quickstart under every toolchain, type-check the app against the library's .d.ts, run the
 * template's Jest test. No network: the apps' packages come from what `npm ci` cached (see
 * lockfile-registry.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { quickstart } from '../../examples/quickstart/quickstart.js';
import { repositoryRoot } from '../control-plane/state-paths.js';
import { installedPackages } from './installed-packages.js';
import { startLockfileRegistry, type LockfileRegistry } from './lockfile-registry.js';
import { listFiles, packLibrary, requiredPackages, type PackedLibrary } from './packed-library.js';
import { QUICKSTART_MANIFEST, TemplateApp, type AppModuleSystem } from './template-app.js';

interface Manifest {
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

const readManifest = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Manifest;

/** What the controller needs and the library does not: none of it may reach an app. */
function controllerOnlyDependencies(): string[] {
  const root = readManifest(join(repositoryRoot(), 'package.json'));
  const controller = readManifest(join(repositoryRoot(), 'controller', 'package.json'));
  const library = new Set([
    ...Object.keys(root.dependencies ?? {}),
    ...Object.keys(root.peerDependencies ?? {}),
  ]);
  return Object.keys(controller.dependencies ?? {}).filter((name) => !library.has(name));
}

describe('the npm package in a cdk8s app', () => {
  let work: string;
  let registry: LockfileRegistry | undefined;
  let packed: PackedLibrary;
  let commonjsApp: TemplateApp;
  let esmApp: TemplateApp;
  /** The quickstart synthesized from lib/'s sources by this test process. */
  let expectedYaml: string;
  /** The packages `npm install <tarball>` added to the CommonJS app, which had the template's. */
  let addedByLibrary: string[];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'cdk8s-databricks-package-'));
    const reference = new App({ outdir: join(work, 'reference') });
    quickstart(reference);
    reference.synth();
    expectedYaml = readFileSync(join(work, 'reference', QUICKSTART_MANIFEST), 'utf8');

    registry = await startLockfileRegistry();
    packed = await packLibrary(join(work, 'pack'));
    const installApp = async (name: string, moduleSystem: AppModuleSystem) => {
      const dir = join(work, name);
      mkdirSync(dir);
      const app = TemplateApp.create(dir, moduleSystem, registry!);
      await app.npm(['install']); // what `cdk8s init` runs in the new app
      const before = installedPackages(dir);
      await app.npm(['install', packed.tarball]);
      return { app, added: [...installedPackages(dir)].filter((name) => !before.has(name)).sort() };
    };
    const [commonjs, esm] = await Promise.all([
      installApp('commonjs-app', 'commonjs'),
      installApp('esm-app', 'esm'),
    ]);
    [commonjsApp, esmApp, addedByLibrary] = [commonjs.app, esm.app, commonjs.added];
  }, 900_000);

  afterAll(async () => {
    await registry?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds only the compiled library and CLI with their .d.ts, the bin, the manifests of dist/ but its examples, README and LICENSE', () => {
    const unexpected = packed.files.filter(
      (path) =>
        !/^build\/cjs\/.+\.(js|d\.ts)$/.test(path) &&
        !/^dist\/(?!examples\/).+\.(yaml|json)$/.test(path) &&
        ![
          'build/cjs/package.json',
          'bin/cdk8s-databricks.cjs',
          'package.json',
          'README.md',
          'LICENSE',
        ].includes(path),
    );
    expect(unexpected).toEqual([]);
    expect(
      packed.files.filter((path) => /^(test|bench|scripts|controller|lib|examples)\//.test(path)),
    ).toEqual([]);
    // Every manifest `npm run synth` writes, the examples apart, whatever directory it is in.
    const manifests = listFiles(join(repositoryRoot(), 'dist'))
      .filter((path) => !path.startsWith('examples/'))
      .map((path) => `dist/${path}`);
    expect(manifests).toEqual(
      expect.arrayContaining(['dist/databricks.operator.dev.crds.yaml', 'dist/operator.k8s.yaml']),
    );
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'build/cjs/lib/index.js',
        'build/cjs/lib/index.d.ts',
        'build/cjs/cli/bin.js',
        'bin/cdk8s-databricks.cjs',
        'README.md',
        'LICENSE',
        ...manifests,
      ]),
    );
    const withoutTypes = packed.files
      .filter((path) => path.endsWith('.js'))
      .filter((path) => !packed.files.includes(path.replace(/\.js$/, '.d.ts')));
    expect(withoutTypes).toEqual([]);
  });

  it('declares what its JavaScript requires: its own dependencies, with cdk8s and constructs as peers', () => {
    const { dependencies = {}, peerDependencies = {} } = packed.manifest;
    expect(Object.keys(peerDependencies).sort()).toEqual(['cdk8s', 'constructs']);
    expect([...requiredPackages(packed.unpackedDir)].sort()).toEqual(
      [...Object.keys(dependencies), ...Object.keys(peerDependencies)].sort(),
    );
    expect(Object.keys(dependencies).filter((name) => controllerOnlyDependencies().includes(name))).toEqual(
      [],
    );
  });

  it("adds none of the controller's dependencies to an app", () => {
    expect(addedByLibrary).toContain('cdk8s-databricks');
    expect(controllerOnlyDependencies().filter((name) => addedByLibrary.includes(name))).toEqual([]);
    expect(installedPackages(commonjsApp.dir)).not.toContain('@kubernetes/client-node');
  });

  it('synthesizes the same YAML with cdk8s synth (CommonJS, ts-node), ts-node/esm, tsx, and tsc then node', async () => {
    const synthesized = (app: TemplateApp, outdir: string) => {
      const dir = join(app.dir, outdir);
      expect(readdirSync(dir)).toEqual([QUICKSTART_MANIFEST]);
      return readFileSync(join(dir, QUICKSTART_MANIFEST), 'utf8');
    };
    await Promise.all([
      // The template's own command: its cdk8s.yaml runs `npx ts-node main.ts`.
      commonjsApp.run('npx', ['cdk8s', 'synth']),
      (async () => {
        await esmApp.run('node', ['--loader', 'ts-node/esm', 'main.ts'], { CDK8S_OUTDIR: 'out-ts-node-esm' });
        await esmApp.run('npx', ['tsx', 'main.ts'], { CDK8S_OUTDIR: 'out-tsx' });
        await esmApp.run('npx', ['tsc', '--outDir', 'js']);
        await esmApp.run('node', ['js/main.js'], { CDK8S_OUTDIR: 'out-tsc-node' });
      })(),
    ]);

    expect({
      'cdk8s synth (CommonJS, ts-node)': synthesized(commonjsApp, 'dist'),
      'ESM, ts-node/esm': synthesized(esmApp, 'out-ts-node-esm'),
      'ESM, tsx': synthesized(esmApp, 'out-tsx'),
      'ESM, tsc then node': synthesized(esmApp, 'out-tsc-node'),
    }).toEqual({
      'cdk8s synth (CommonJS, ts-node)': expectedYaml,
      'ESM, ts-node/esm': expectedYaml,
      'ESM, tsx': expectedYaml,
      'ESM, tsc then node': expectedYaml,
    });
  }, 300_000);

  it("type-checks with the template's tsconfig (lib es2016), and with NodeNext, strict and exactOptionalPropertyTypes", async () => {
    // Neither sets skipLibCheck: the library's .d.ts, and what they import, are checked too.
    await Promise.all([commonjsApp.run('npx', ['tsc', '--noEmit']), esmApp.run('npx', ['tsc', '--noEmit'])]);
  }, 300_000);

  it('runs the cdk8s-databricks bin with npx: --help, and a migrate of old manifests', async () => {
    const help = await commonjsApp.run('npx', ['cdk8s-databricks', '--help']);
    expect(help.stdout).toContain('Usage: cdk8s-databricks COMMAND');
    const corpus = join(repositoryRoot(), 'test', 'cli', 'migrate-corpus');
    await esmApp.run('npx', ['cdk8s-databricks', 'migrate', corpus, '--out', 'migrated']);
    const migrated = readFileSync(join(esmApp.dir, 'migrated', 'migrated.yaml'), 'utf8');
    expect(migrated).toContain('kind: DatabricksJob');
    expect(migrated).toContain('jobId: 42');
    expect(readFileSync(join(esmApp.dir, 'migrated', 'migration-report.txt'), 'utf8')).toContain(
      'spec.name: not carried',
    );
  }, 300_000);

  it("passes the template's Jest test (ts-jest, CommonJS)", async () => {
    const { stderr } = await commonjsApp.run('npx', ['jest']);
    expect(stderr).toMatch(/Tests:\s+1 passed, 1 total/);
  }, 300_000);
});
