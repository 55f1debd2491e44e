import type { Timer } from "../../src/index.js";

/** A clock that moves only when told to, and a timer whose sleeps move it. */
export class FakeClock {
  now: number;
  /** Every sleep asked for, in ms. */
  readonly sleeps: number[] = [];

  constructor(start = Date.parse("2026-01-15T10:00:00.000Z")) {
    this.now = start;
  }

  readonly clock = (): number => this.now;

  advance(ms: number): void {
    this.now += ms;
  }

  /** A timer that sleeps by moving the clock, yielding to the event loop once. */
  readonly timer: Timer = {
    sleep: async (ms, signal) => {
      this.sleeps.push(ms);
      if (signal.aborted) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!signal.aborted && ms > 0) this.now += ms;
    },
  };
}
