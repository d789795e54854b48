import type { TestClock } from './types.js';

/** Where every suite clock starts: a fixed instant, so runs (and fast-check replays) are reproducible. */
export const CLOCK_START = Date.UTC(2024, 0, 1, 12, 0, 0);

/** A clock that stands still until told to move. */
export function createClock(start: number = CLOCK_START): TestClock {
  let time = start;
  return {
    now: () => new Date(time),
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock.advance needs a non-negative number of ms, got ${ms}`);
      time += ms;
    },
  };
}
