import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where Go lives when it is not on PATH: the tarball install the project's machines use. */
const FALLBACK_GO = '/usr/local/go/bin/go';

/** The `go` executable to use, or an error that says how to get one. */
export function findGo(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'go'))) return join(dir, 'go');
  }
  if (existsSync(FALLBACK_GO)) return FALLBACK_GO;
  throw new Error(
    'Building kube-apiserver and kubectl needs Go, and no `go` was found on PATH or at ' +
      `${FALLBACK_GO}. Install Go 1.23 or newer, or point KUBECONFIG at an existing cluster instead.`,
  );
}

/**
 * Runs `go` in the wrapper module and returns its stdout. Modules are resolved on the fly
 * (`-mod=mod`) so a bumped version needs no vendoring step.
 */
export function runGo(args: string[], cwd: string): string {
  return execFileSync(findGo(), args, {
    cwd,
    encoding: 'utf8',
    env: goEnvironment(),
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/**
 * Runs `go` and calls `onLine` for every line it writes to stderr (where `go build -v` reports
 * each package as it compiles it), resolving when it exits successfully.
 */
export function runGoStreaming(args: string[], cwd: string, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(findGo(), args, { cwd, env: goEnvironment(), stdio: ['ignore', 'inherit', 'pipe'] });
    let pending = '';
    const tail: string[] = [];
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        onLine(line);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `go ${args.join(' ')} failed (${signal ?? `exit ${code}`}); last output:\n${tail.join('\n')}`,
          ),
        );
    });
  });
}

function goEnvironment(): NodeJS.ProcessEnv {
  // CGO off: static binaries, no C toolchain needed, and a noticeably faster build.
  return { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
}
