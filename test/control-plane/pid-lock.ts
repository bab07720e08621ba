import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { isProcessAlive } from './local-processes.js';

/**
 * Takes an exclusive lock represented by a file holding the owner's pid, waiting while another live
 * process holds it. A lock left by a process that died is taken over. Used so two test runs on one
 * machine do not both build kube-apiserver into the same cache directory.
 *
 * @param onWait called once, with the holder's pid, if the lock is busy
 * @returns a function that releases the lock
 */
export async function acquirePidLock(path: string, onWait: (holderPid: number) => void): Promise<() => void> {
  let reportedWait = false;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(readIfExists(path), 10);
    if (!Number.isInteger(holder) || !isProcessAlive(holder)) {
      try {
        unlinkSync(path);
      } catch {
        // Another waiter removed it first; retry the create.
      }
      continue;
    }
    if (!reportedWait) {
      onWait(holder);
      reportedWait = true;
    }
    await delay(1000);
  }
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
