import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** Whether a process with this pid exists (zombies included, which `stopProcess` reaps by waiting). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a running process (from /proc), or undefined when it is gone. */
export function commandLineOf(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (raw === '') return undefined; // a zombie: it has exited, only its exit status remains
    return raw.replace(/\0$/, '').split('\0');
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is still the process we started: alive, and its command line mentions `marker`
 * (the state directory, which every process of a control plane has in its arguments, alone or as
 * the start of a path). A bare pid
 * check would kill an unrelated process that reused the number after a reboot or a long pause.
 */
export function isOurProcess(pid: number, marker: string): boolean {
  const commandLine = commandLineOf(pid);
  return (
    commandLine !== undefined &&
    commandLine.some((argument) => argument === marker || argument.includes(`${marker}/`))
  );
}

/**
 * Stops a process we own: SIGTERM, then SIGKILL if it has not exited within `graceMs`.
 * Resolves once it is gone. Processes not matching `marker` are left alone.
 */
export async function stopProcess(pid: number, marker: string, graceMs = 10_000): Promise<void> {
  if (!isOurProcess(pid, marker)) return;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isOurProcess(pid, marker)) return;
    await delay(50);
  }
  signal(pid, 'SIGKILL');
  while (isOurProcess(pid, marker)) await delay(50);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // It exited between the check and the signal.
  }
}
