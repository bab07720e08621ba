import { StaggeredCycle } from '../../../../controller/reconcilers/managed/staggered-cycle.js';

const PERIOD = 600_000;

/** A cycle on a clock the test moves. */
function cycleAt(start: number): { cycle: StaggeredCycle; clock: { now: number } } {
  const clock = { now: start };
  return { cycle: new StaggeredCycle(PERIOD, () => clock.now), clock };
}

describe('StaggeredCycle', () => {
  it('reads nothing when first asked, then each object once per period at its own moment', () => {
    const start = 5 * PERIOD;
    const { cycle, clock } = cycleAt(start);
    const uid = 'b4c1e0f2-0000-4000-8000-000000000001';
    expect(cycle.due(uid)).toBe(false);
    const moment = start + ((cycle.offset(uid) - (start % PERIOD) + PERIOD) % PERIOD);

    // Looked at every 50 s, as resyncs do: due once, at the first look from its moment on.
    const reads: number[] = [];
    for (let at = start; at < start + 3 * PERIOD; at += 50_000) {
      clock.now = at;
      if (cycle.due(uid)) {
        reads.push(at);
        cycle.read(uid);
      }
    }
    expect(reads).toHaveLength(3);
    for (const [index, at] of reads.entries()) {
      const due = moment + index * PERIOD;
      expect(at).toBeGreaterThanOrEqual(due - 1_000);
      expect(at).toBeLessThan(due + 50_000);
    }
  });

  it('spreads a thousand objects evenly over the period, with no burst after a restart', () => {
    const start = 7 * PERIOD + 123_456;
    const { cycle, clock } = cycleAt(start);
    const uids = Array.from(
      { length: 1_000 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    for (const uid of uids) expect(cycle.due(uid)).toBe(false);

    // Each minute of the period, the objects whose moment came: about a tenth each, never all.
    const perMinute: number[] = [];
    for (let minute = 1; minute <= 10; minute++) {
      clock.now = start + minute * 60_000;
      let due = 0;
      for (const uid of uids) {
        if (cycle.due(uid)) {
          due++;
          cycle.read(uid);
        }
      }
      perMinute.push(due);
    }
    expect(perMinute.reduce((sum, n) => sum + n, 0)).toBe(1_000);
    for (const count of perMinute) {
      expect(count).toBeGreaterThan(60);
      expect(count).toBeLessThan(140);
    }
  });

  it('keeps an object at the same moment across processes, and says how long until it', () => {
    const uid = 'same-object';
    const first = cycleAt(0).cycle;
    const second = cycleAt(123).cycle;
    expect(first.offset(uid)).toBe(second.offset(uid));

    const { cycle, clock } = cycleAt(3 * PERIOD);
    const moment = 3 * PERIOD + cycle.offset(uid);
    clock.now = moment - 10_000;
    expect(cycle.untilNext(uid)).toBe(10_000);
    // From just before the moment (a timer fired early) the next one is a period on.
    clock.now = moment - 500;
    expect(cycle.untilNext(uid)).toBe(PERIOD + 500);
  });

  it('counts a read just before a moment for that moment, so its own reconcile does not read again', () => {
    const { cycle, clock } = cycleAt(0);
    const uid = 'resynced-just-before';
    cycle.due(uid);
    const moment = PERIOD + cycle.offset(uid);
    clock.now = moment - 800;
    expect(cycle.due(uid)).toBe(true);
    cycle.read(uid);
    clock.now = moment;
    expect(cycle.due(uid)).toBe(false);
    clock.now = moment + PERIOD - 500;
    expect(cycle.due(uid)).toBe(true);
  });

  it('is due again after a failed read was not recorded, and forgets deleted objects', () => {
    const { cycle, clock } = cycleAt(0);
    const uid = 'flaky';
    cycle.due(uid);
    clock.now = PERIOD + cycle.offset(uid);
    expect(cycle.due(uid)).toBe(true);
    clock.now += 5_000;
    expect(cycle.due(uid)).toBe(true);
    cycle.forget(uid);
    expect(cycle.due(uid)).toBe(false);
  });
});
