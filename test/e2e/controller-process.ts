/**
 * The controller as a real child process (`node --import tsx controller/main.ts ...`), for end-to-end
 * tests that kill it, signal it or run two of it: its JSON log lines collected as they arrive, its
 * `/metrics` read over HTTP, and a guarantee that no process outlives the test that started it.
 *
 * ```ts
 * const controllers = useControllerProcesses();
 * it('...', async () => {
 *   const controller = controllers.start('a', ['--namespaces', ns, '--metrics-bind-address', '127.0.0.1:0']);
 *   await controller.waitForLog('running', (line) => line.msg === 'controller running');
 *   await controller.kill('SIGKILL');
 * });
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repositoryRoot } from '../control-plane/state-paths.js';

/** One JSON line the controller wrote to stdout. */
export interface LogLine {
  readonly ts: string;
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** How a controller process ended. */
export interface ControllerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** How to start a {@link ControllerProcess}. */
export interface ControllerProcessOptions {
  /** Added to the test process's environment. @default {} */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Load the controller's modules, but run `main.ts` only on {@link ControllerProcess.release}: a spare
   * that takes over at once after a kill (see controller-preload.ts). @default false
   */
  readonly held?: boolean;
  /**
   * Node's arguments that start the controller and the directory to run them in, in place of
   * `controller/main.ts` through tsx in the repository: e.g. the image's entry point in a directory that
   * holds what the image holds. Such a process has no preload, so it cannot be `held`, and it outlives a
   * test process that is SIGKILLed (the `exit` hook and `afterEach` cover every other end).
   * @default - tsx, controller-preload.ts and controller/main.ts, in the repository
   */
  readonly entryPoint?: { readonly cwd: string; readonly nodeArgs: readonly string[] };
}

/** Every process started and not yet seen to exit, across all tests of this worker. */
const running = new Set<ControllerProcess>();
let exitHookInstalled = false;

/** A controller process and what it has logged so far. */
export class ControllerProcess {
  /** Parsed JSON log lines, in order. */
  readonly logs: LogLine[] = [];
  /** stderr, and any stdout line that was not JSON. */
  readonly otherOutput: string[] = [];
  /** Resolves once the process has exited. */
  readonly exited: Promise<ControllerExit>;
  /** How the process ended; undefined while it runs. */
  exit: ControllerExit | undefined = undefined;
  /** When the process was spawned (`Date.now()`). */
  readonly spawnedAt = Date.now();
  private readonly child: ChildProcess;
  private readonly waiters = new Set<() => void>();

  constructor(
    /** A short name used in test output (`leader`, `restart-3`). */
    readonly name: string,
    args: readonly string[],
    { env = {}, held = false, entryPoint }: ControllerProcessOptions = {},
  ) {
    const root = repositoryRoot();
    if (entryPoint && held) throw new Error(`${name}: a controller with its own entryPoint cannot be held`);
    const { cwd, nodeArgs } = entryPoint ?? {
      cwd: root,
      nodeArgs: [
        '--import',
        'tsx',
        '--import',
        join(root, 'test', 'e2e', 'controller-preload.ts'),
        join(root, 'controller', 'main.ts'),
      ],
    };
    this.child = spawn(process.execPath, [...nodeArgs, ...args], {
      cwd,
      env: { ...process.env, ...env, E2E_HOLD_CONTROLLER: held ? '1' : '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    running.add(this);
    const echo = process.env.TEST_LOG
      ? (line: string) => process.stderr.write(`[${name}] ${line}\n`)
      : undefined;
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      echo?.(line);
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.otherOutput.push(line);
      }
      this.wake();
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      echo?.(line);
      this.otherOutput.push(line);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        running.delete(this);
        this.wake();
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Whether the process is still running. */
  get isRunning(): boolean {
    return this.exit === undefined;
  }

  /**
   * The first log line `matches` accepts, waiting for it up to `timeoutMs`. Fails at once if the process
   * exits first, and says what it was waiting for and the last lines logged. The default leaves room for
   * a fresh process (TypeScript loaded, informers synced) next to another one on a loaded 2-core machine;
   * it only costs time when the line never comes.
   */
  waitForLog(description: string, matches: (line: LogLine) => boolean, timeoutMs = 45_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${this.name} did not log ${description} within ${timeoutMs} ms${this.tail()}`));
      }, timeoutMs);
      const check = (): void => {
        const found = this.logs.find(matches);
        if (found || this.exit) {
          clearTimeout(timer);
          this.waiters.delete(check);
          if (found) resolve(found);
          else
            reject(
              new Error(
                `${this.name} exited (${describeExit(this.exit!)}) before logging ${description}${this.tail()}`,
              ),
            );
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Waits until the process serves and returns the base URL of its metrics server. */
  async metricsUrl(timeoutMs?: number): Promise<string> {
    const line = await this.waitForLog(
      '"controller running"',
      (l) => l.msg === 'controller running',
      timeoutMs,
    );
    return `http://${String(line.metricsAddress)}`;
  }

  /** GET `path` (`/metrics`, `/readyz`) from the process's metrics server. */
  async scrape(path = '/metrics'): Promise<{ status: number; body: string }> {
    const response = await fetch(`${await this.metricsUrl()}${path}`);
    return { status: response.status, body: await response.text() };
  }

  /** The sum of `metric` over the series whose labels include all of `labels`, from `/metrics`. */
  async metricValue(metric: string, labels: Readonly<Record<string, string>> = {}): Promise<number> {
    return sumMetric((await this.scrape()).body, metric, labels);
  }

  /** Lets a process started `held` run `main.ts`. */
  release(): void {
    this.child.stdin!.write('start\n');
  }

  /** Sends `signal` (SIGKILL unless told) and resolves once the process has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ControllerExit> {
    this.signal(signal);
    return this.exited;
  }

  /** Sends `signal` now, without waiting (a no-op once the process has exited). */
  signal(signal: NodeJS.Signals): void {
    if (!this.exit) this.child.kill(signal);
  }

  /** The last log lines, for error messages. */
  tail(lines = 15): string {
    const recent = [
      ...this.logs.slice(-lines).map((line) => JSON.stringify(line)),
      ...this.otherOutput.slice(-30),
    ];
    return recent.length ? `; last output:\n  ${recent.join('\n  ')}` : '; it wrote nothing';
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Sums the samples of `metric` in Prometheus text whose labels include `labels`. */
export function sumMetric(
  text: string,
  metric: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? ([^ ]+)/.exec(line);
    if (!match || match[1] !== metric) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([name, value]) => found[name] === value)) total += Number(match[3]);
  }
  return total;
}

function describeExit(exit: ControllerExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/** SIGKILLs every process still running and waits for them to exit. */
export async function killAllControllerProcesses(): Promise<void> {
  await Promise.all([...running].map((controller) => controller.kill('SIGKILL')));
}

/**
 * Starts controller processes for the tests of the enclosing `describe`; whatever a test started is
 * SIGKILLed after it, passed or failed. Should the test process itself die, each controller exits when
 * its stdin closes (see controller-preload.ts).
 */
export function useControllerProcesses(): {
  start(name: string, args: readonly string[], options?: ControllerProcessOptions): ControllerProcess;
} {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const controller of running) controller.signal('SIGKILL');
    });
  }
  afterEach(killAllControllerProcesses, 30_000);
  afterAll(killAllControllerProcesses, 30_000);
  return { start: (name, args, options) => new ControllerProcess(name, args, options) };
}
