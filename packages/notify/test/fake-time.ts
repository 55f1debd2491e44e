import type { NotifyTimer } from "../src/index.js";

/** A fake clock and the timer that runs on it: time moves only when `advance` is called. */
export interface FakeTime {
  readonly clock: () => number;
  readonly timer: NotifyTimer;
  /** Moves the clock on by `ms`, running every timer that falls due, in order. */
  advance(ms: number): void;
  /** Timers not run yet. */
  pending(): number;
}

/** A {@link FakeTime} starting at 2026-12-01T10:00:00Z. */
export function fakeTime(): FakeTime {
  let now = Date.parse("2026-12-01T10:00:00Z");
  let timers: { at: number; run: () => void }[] = [];
  return {
    clock: () => now,
    timer: {
      set(run, ms) {
        const entry = { at: now + ms, run };
        timers.push(entry);
        return entry;
      },
      clear(handle) {
        timers = timers.filter((entry) => entry !== handle);
      },
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((entry) => entry.at <= end).sort((a, b) => a.at - b.at)[0];
        if (due === undefined) break;
        timers = timers.filter((entry) => entry !== due);
        now = Math.max(now, due.at);
        due.run();
      }
      now = end;
    },
    pending: () => timers.length,
  };
}
