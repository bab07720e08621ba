/**
 * Preloaded (`--import`) into every controller process an end-to-end test spawns, before
 * `controller/main.ts` runs:
 *
 * - The process exits when its stdin pipe closes, which happens when the test process goes away for any
 *   reason, SIGKILL included: a Jest worker killed mid-test leaves no controller behind.
 * - With `E2E_HOLD_CONTROLLER=1` it loads the controller's modules and then waits for a `start` line on
 *   stdin before `main.ts` runs. A test that restarts the controller keeps such a spare ready, so a
 *   restart costs what the controller's own start costs, not seconds of module loading on a busy machine.
 */
import { createInterface } from 'node:readline';

const lines = createInterface({ input: process.stdin });
lines.on('close', () => process.exit(70));
process.stdin.on('error', () => process.exit(70));

if (process.env.E2E_HOLD_CONTROLLER === '1') {
  // Listen before loading: a `start` sent while the modules load must not be missed.
  const released = new Promise<void>((resolve) => {
    lines.on('line', (line) => {
      if (line.trim() === 'start') resolve();
    });
  });
  await import('../../controller/operator.js');
  await released;
}
