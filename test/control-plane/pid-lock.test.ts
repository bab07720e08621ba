import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquirePidLock } from './pid-lock.js';

describe('the build lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pid-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('records the holder and lets a second taker in only after release', async () => {
    const path = join(dir, 'build.lock');
    const release = await acquirePidLock(path, () => undefined);
    expect(readFileSync(path, 'utf8')).toBe(String(process.pid));

    const waits: number[] = [];
    let secondAcquired = false;
    const second = acquirePidLock(path, (holder) => waits.push(holder)).then((releaseSecond) => {
      secondAcquired = true;
      return releaseSecond;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondAcquired).toBe(false);
    expect(waits).toEqual([process.pid]);

    release();
    (await second)();
    expect(secondAcquired).toBe(true);
  });

  it('takes over a lock whose holder has died', async () => {
    const path = join(dir, 'build.lock');
    writeFileSync(path, String(2 ** 22 + 1)); // above Linux's pid_max: no such process
    const waits: number[] = [];
    const release = await acquirePidLock(path, (holder) => waits.push(holder));
    expect(waits).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
    release();
  });
});
