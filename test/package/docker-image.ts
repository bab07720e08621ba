/**
 * The controller image's contents, made without Docker (none runs here) by following the Dockerfile:
 * each stage gets a directory for its filesystem; `COPY` copies from the build context as .dockerignore
 * lets through, or from an earlier stage; `RUN` commands are run in the stage's WORKDIR. The final
 * stage's directory then holds what the image holds, and its ENTRYPOINT says how to start it.
 *
 * Two `RUN` commands are stood in for, and the rest must be ones this file knows (anything else fails, so
 * a Dockerfile change cannot slip past the test that uses this):
 * - the build stage's full `npm ci` (development dependencies included) is this repository's own
 *   node_modules, linked: the same lockfile installed the same way, without minutes of copying.
 * - `npm cache clean --force` is skipped: in the image it empties the image's cache; here the cache is
 *   the machine's, which the production `npm ci` (run for real, offline) reads.
 */
import { cpSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative } from 'node:path';
import { listFiles } from './packed-library.js';
import { runCommand, userEnvironment } from './run-command.js';

/** One instruction: its keyword (upper case) and the rest of its line(s). */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
}

/** A `FROM` and the instructions up to the next one. */
export interface DockerStage {
  readonly base: string;
  readonly name: string | undefined;
  readonly instructions: readonly DockerInstruction[];
}

/** The Dockerfile's stages, with comments dropped and continued lines joined. */
export function parseDockerfile(text: string): DockerStage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: { base: string; name: string | undefined; instructions: DockerInstruction[] }[] = [];
  for (const line of lines) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const [, base = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ base, name, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`Dockerfile: ${keyword} before the first FROM`);
      stage.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/**
 * Whether .dockerignore lets `path` (relative to the context) into the build context. Docker's rules
 * for the forms this repository uses: `*` and plain paths, each matching the path or a directory above
 * it, `!` re-including; the last pattern that matches decides.
 */
export function dockerignoreAllows(dockerignore: string, path: string): boolean {
  let allowed = true;
  for (const raw of dockerignore.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/\/+$/, '');
    if (pattern !== '*' && /[*?[\]]/.test(pattern)) {
      throw new Error(
        `.dockerignore: the pattern "${line}" is of a form test/package/docker-image.ts does not read`,
      );
    }
    if (pattern === '*' || path === pattern || path.startsWith(`${pattern}/`)) allowed = negated;
  }
  return allowed;
}

/** What the final stage holds and how the image starts. */
export interface AssembledImage {
  /** The final stage's WORKDIR, as a directory here. */
  readonly workdir: string;
  /** ENTRYPOINT, exec form. */
  readonly entrypoint: readonly string[];
  /** The final stage's ENV. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Builds every stage of `<context>/Dockerfile` under `outDir` (empty or missing) and returns the final
 * stage. `developmentModules` is the node_modules that stands in for the build stage's `npm ci`.
 */
export async function assembleImage(
  context: string,
  outDir: string,
  developmentModules: string = join(context, 'node_modules'),
): Promise<AssembledImage> {
  const stages = parseDockerfile(readFileSync(join(context, 'Dockerfile'), 'utf8'));
  const dockerignore = readFileSync(join(context, '.dockerignore'), 'utf8');
  const roots = new Map<string, string>();
  let final: AssembledImage | undefined;

  for (const [index, stage] of stages.entries()) {
    const root = join(outDir, `stage-${index}`);
    mkdirSync(root, { recursive: true });
    roots.set(stage.name ?? String(index), root);
    let workdir = '/';
    const env: Record<string, string> = {};
    let entrypoint: string[] = [];
    const here = (path: string) => join(root, posix.isAbsolute(path) ? path : posix.join(workdir, path));

    for (const { keyword, args } of stage.instructions) {
      switch (keyword) {
        case 'WORKDIR':
          workdir = posix.resolve(workdir, args);
          mkdirSync(here('.'), { recursive: true });
          break;
        case 'ENV': {
          const [, name = '', value = ''] = /^(\w+)=(\S*)$/.exec(args) ?? [];
          if (!name) throw new Error(`Dockerfile: ENV ${args}: only NAME=value is read here`);
          env[name] = value;
          break;
        }
        case 'COPY': {
          const words = args.split(/\s+/);
          const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
          if (words.some((word) => word.startsWith('--')))
            throw new Error(`Dockerfile: COPY ${args}: unread flag`);
          const destination = words.pop()!;
          for (const source of words) {
            if (from !== undefined) {
              const fromRoot = roots.get(from);
              if (!fromRoot)
                throw new Error(`Dockerfile: COPY --from=${from}: no such stage before this one`);
              copy(join(fromRoot, source), here(destination), source, destination);
            } else {
              copyFromContext(context, dockerignore, source, here(destination), destination);
            }
          }
          break;
        }
        case 'RUN':
          for (const command of args.split('&&').map((part) => part.trim())) {
            await run(command, { cwd: here('.'), env, developmentModules });
          }
          break;
        case 'ENTRYPOINT':
          entrypoint = JSON.parse(args) as string[];
          break;
        case 'USER':
        case 'EXPOSE':
          break; // how the container runs, not what it holds
        default:
          throw new Error(`Dockerfile: ${keyword} is not an instruction test/package/docker-image.ts reads`);
      }
    }
    final = { workdir: here('.'), entrypoint, env };
  }
  if (!final) throw new Error('Dockerfile: no FROM');
  return final;
}

/** COPY semantics for one source: a directory's contents go into the destination directory. */
function copy(source: string, target: string, sourceName: string, destinationName: string): void {
  const intoDirectory = destinationName.endsWith('/') || destinationName === '.';
  const isDirectory = statSync(source).isDirectory();
  const path = intoDirectory && !isDirectory ? join(target, posix.basename(sourceName)) : target;
  mkdirSync(dirname(path), { recursive: true });
  cpSync(source, path, { recursive: true, dereference: false });
}

/** COPY from the build context: only the files .dockerignore lets into the context exist there. */
function copyFromContext(
  context: string,
  dockerignore: string,
  source: string,
  target: string,
  destinationName: string,
): void {
  const path = join(context, source);
  const files = statSync(path).isDirectory()
    ? listFiles(path).map((file) => posix.join(source.replace(/\/+$/, ''), file))
    : [source.replace(/\/+$/, '')];
  const allowed = files.filter((file) => dockerignoreAllows(dockerignore, file));
  if (allowed.length === 0) {
    throw new Error(`Dockerfile: COPY ${source}: .dockerignore keeps it out of the build context`);
  }
  for (const file of allowed) {
    const inSource = statSync(path).isDirectory()
      ? relative(source.replace(/\/+$/, ''), file)
      : posix.basename(file);
    const into = statSync(path).isDirectory() || destinationName.endsWith('/') || destinationName === '.';
    const destination = into ? join(target, inSource) : target;
    mkdirSync(dirname(destination), { recursive: true });
    cpSync(join(context, file), destination);
  }
}

/** One command of a RUN line; see the module comment for the two stand-ins. */
async function run(
  command: string,
  { cwd, env, developmentModules }: { cwd: string; env: Record<string, string>; developmentModules: string },
): Promise<void> {
  const words = command.split(/\s+/);
  if (command === 'npm cache clean --force') return;
  if (words[0] === 'npm' && words[1] === 'ci' && !words.includes('--omit=dev')) {
    if (!isAbsolute(developmentModules)) throw new Error('developmentModules must be an absolute path');
    symlinkSync(developmentModules, join(cwd, 'node_modules'), 'dir');
    return;
  }
  if (words[0] === 'npm' && (words[1] === 'ci' || words[1] === 'run')) {
    const args = words[1] === 'ci' ? [...words.slice(1), '--offline'] : words.slice(1);
    await runCommand('npm', args, {
      cwd,
      env: userEnvironment({ ...env, npm_config_update_notifier: 'false' }),
    });
    return;
  }
  throw new Error(
    `Dockerfile: RUN ${command}: not a command test/package/docker-image.ts knows how to stand for`,
  );
}
