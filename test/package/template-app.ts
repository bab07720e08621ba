/**
 * A cdk8s app as `cdk8s init typescript-app` makes it, built from that template's own files in the
 * cdk8s-cli this repository installs (`cdk8s init` itself ends with `cdk8s import k8s`, which needs
 * GitHub), with the README's quickstart as its chart. Two flavours:
 *
 * - `commonjs`: the template unchanged (CommonJS, `npx ts-node main.ts`, its tsconfig with `lib: es2016`,
 *   its Jest config) with a Jest test in the template's shape.
 * - `esm`: the same app made an ES module package, as a user who prefers ESM would: `"type": "module"`,
 *   `NodeNext` with `strict` and `exactOptionalPropertyTypes`, run by ts-node/esm, tsx, or tsc then node.
 *   The template's Jest setup is CommonJS, so it is left out here.
 *
 * Dependencies are installed with npm from a {@link LockfileRegistry}: the versions the template asks
 * for, resolved as npm resolves them, from what `npm ci` cached.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { repositoryRoot } from '../control-plane/state-paths.js';
import type { LockfileRegistry } from './lockfile-registry.js';
import { runCommand, userEnvironment, type CommandOutput } from './run-command.js';

/** Which module system the app's own code uses. */
export type AppModuleSystem = 'commonjs' | 'esm';

/** The file name every run of the quickstart writes in its output directory (chart `analytics`). */
export const QUICKSTART_MANIFEST = 'analytics.k8s.yaml';

const requireFromRoot = createRequire(join(repositoryRoot(), 'package.json'));
const cliDir = dirname(requireFromRoot.resolve('cdk8s-cli/package.json'));

/** The directory of the `typescript-app` template inside the installed cdk8s-cli. */
export const TEMPLATE_DIR = join(cliDir, 'templates', 'typescript-app');

/**
 * What `cdk8s init` fills into the template's `{{ ... }}` placeholders, worked out as cdk8s-cli does
 * (lib/cli/cmds/init.js): the versions of cdk8s and cdk8s-plus-33 it was installed with, the constructs
 * range it depends on, and a caret range of its own version.
 */
export function templateValues(appName: string): Record<string, string> {
  const requireFromCli = createRequire(join(cliDir, 'package.json'));
  const versionOf = (name: string) =>
    (JSON.parse(readFileSync(requireFromCli.resolve(`${name}/package.json`), 'utf8')) as { version: string })
      .version;
  const cli = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
  };
  return {
    $base: appName,
    cdk8s_core_version: versionOf('cdk8s'),
    cdk8s_plus_version: versionOf('cdk8s-plus-33'),
    constructs_version: cli.dependencies.constructs!.replace('^', ''),
    cdk8s_cli_spec: `^${cli.version}`,
  };
}

/** A template file with its placeholders filled. */
function templateFile(name: string, values: Record<string, string>): string {
  return readFileSync(join(TEMPLATE_DIR, name), 'utf8').replace(
    /\{\{\s*([\w$]+)\s*\}\}/g,
    (_, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`${TEMPLATE_DIR}/${name}: no value for {{ ${key} }}`);
      return value;
    },
  );
}

interface PackageJson {
  name: string;
  type?: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  [field: string]: unknown;
}

/**
 * examples/quickstart/quickstart.ts, the README example, importing the library by its package name as
 * an app does.
 */
function quickstartSource(): string {
  const path = join(repositoryRoot(), 'examples', 'quickstart', 'quickstart.ts');
  const source = readFileSync(path, 'utf8');
  const libraryImport = `from '../../lib/index.js';`;
  if (!source.includes(libraryImport)) {
    throw new Error(`${path} no longer imports ${libraryImport}; update test/package/template-app.ts`);
  }
  return source.replace(libraryImport, `from 'cdk8s-databricks';`);
}

/** A test in the shape of the template's main.test.ts, for the quickstart chart. */
const QUICKSTART_TEST = `import { Testing } from 'cdk8s';
import { quickstart } from './quickstart';

describe('quickstart', () => {
  test('synthesizes the README example', () => {
    const results = Testing.synth(quickstart(Testing.app()));
    expect(results.map((manifest) => manifest.kind)).toEqual(['DatabricksWorkspace', 'DatabricksJob']);
  });
});
`;

/** The template's main.ts with the quickstart as its chart. */
function mainSource(moduleSystem: AppModuleSystem): string {
  // CommonJS resolution (ts-node, Jest) wants no extension; ES modules want the emitted file's name.
  const specifier = moduleSystem === 'esm' ? './quickstart.js' : './quickstart';
  return `import { App } from 'cdk8s';
import { quickstart } from '${specifier}';

const app = new App();
quickstart(app);
app.synth();
`;
}

/** A cdk8s app directory made from the template; see the module comment. */
export class TemplateApp {
  private constructor(
    readonly dir: string,
    readonly moduleSystem: AppModuleSystem,
    private readonly registry: LockfileRegistry,
  ) {}

  /** Writes the app's files into the empty directory `dir` (its name becomes the app's name). */
  static create(dir: string, moduleSystem: AppModuleSystem, registry: LockfileRegistry): TemplateApp {
    const values = templateValues(basename(dir));
    const manifest = JSON.parse(templateFile('package.json', values)) as PackageJson;
    const tsconfig = JSON.parse(templateFile('tsconfig.json', values)) as {
      compilerOptions: Record<string, unknown>;
    };
    const write = (name: string, content: string) => writeFileSync(join(dir, name), content);
    write('quickstart.ts', quickstartSource());
    write('main.ts', mainSource(moduleSystem));
    if (moduleSystem === 'commonjs') {
      write('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
      write('tsconfig.json', `${JSON.stringify(tsconfig, null, 2)}\n`);
      write('cdk8s.yaml', templateFile('cdk8s.yaml', values));
      write('jest.config.js', templateFile('jest.config.js', values));
      write('main.test.ts', QUICKSTART_TEST);
    } else {
      const {
        jest: _jest,
        'ts-jest': _tsJest,
        '@types/jest': _typesJest,
        ...devDependencies
      } = manifest.devDependencies;
      const rootManifest = JSON.parse(
        readFileSync(join(repositoryRoot(), 'package.json'), 'utf8'),
      ) as PackageJson;
      const esmManifest: PackageJson = {
        ...manifest,
        type: 'module',
        devDependencies: { ...devDependencies, tsx: rootManifest.devDependencies.tsx! },
      };
      write('package.json', `${JSON.stringify(esmManifest, null, 2)}\n`);
      const esmTsconfig = {
        ...tsconfig,
        compilerOptions: {
          ...tsconfig.compilerOptions,
          target: 'ES2022',
          lib: ['es2022'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          exactOptionalPropertyTypes: true,
        },
      };
      write('tsconfig.json', `${JSON.stringify(esmTsconfig, null, 2)}\n`);
      write('cdk8s.yaml', 'language: typescript\napp: npx tsx main.ts\n');
    }
    return new TemplateApp(dir, moduleSystem, registry);
  }

  /** Runs npm in the app against the lockfile registry (see {@link LockfileRegistry.npm}). */
  npm(args: readonly string[]): Promise<CommandOutput> {
    return this.registry.npm(this.dir, args);
  }

  /**
   * Runs `command` in the app directory, with `env` added to the user's environment. cdk8s-cli's check for
   * a newer version of itself (a request to registry.npmjs.org on every command) is turned off.
   */
  run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CommandOutput> {
    return runCommand(command, args, {
      cwd: this.dir,
      env: userEnvironment({ CDK8S_CHECK_UPGRADE: 'false', ...env }),
    });
  }
}
