import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffSeconds, MAX_BACKOFF_SECONDS } from "./backoff.js";
import { nextSlot, systemTimer } from "./schedule.js";

describe("nextSlot", () => {
  it("goes to the following slot when the cycle ended in time", () => {
    expect(nextSlot(1_000, 12_000, 0, 1_000 + 4_000)).toEqual({ slot: 1, skipped: 0 });
  });

  it("starts at once when the cycle ended exactly on the next slot", () => {
    expect(nextSlot(0, 12_000, 0, 12_000)).toEqual({ slot: 1, skipped: 0 });
  });

  it("skips the slots a long cycle ran past", () => {
    expect(nextSlot(0, 12_000, 3, 36_000 + 30_000)).toEqual({ slot: 6, skipped: 2 });
  });

  it("always picks the first slot that has not passed, never one before the next", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (t0, interval, current, took) => {
          const end = t0 + current * interval + took;
          const { slot, skipped } = nextSlot(t0, interval, current, end);
          expect(slot).toBeGreaterThanOrEqual(current + 1);
          expect(t0 + slot * interval).toBeGreaterThanOrEqual(end);
          if (slot > current + 1) expect(t0 + (slot - 1) * interval).toBeLessThan(end);
          expect(skipped).toBe(slot - current - 1);
        },
      ),
    );
  });
});

describe("backoffSeconds", () => {
  it("doubles from the base per consecutive failure up to five minutes", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffSeconds(10, n))).toEqual([
      10, 20, 40, 80, 160, 300, 300, 300,
    ]);
    expect(backoffSeconds(7, 1)).toBe(7);
    expect(backoffSeconds(1_000, 1)).toBe(MAX_BACKOFF_SECONDS);
    expect(backoffSeconds(10, 0)).toBe(0);
  });
});

describe("systemTimer", () => {
  it("resolves early, without rejecting, when its signal aborts", async () => {
    const controller = new AbortController();
    const sleeping = systemTimer.sleep(60_000, controller.signal);
    controller.abort();
    await expect(sleeping).resolves.toBeUndefined();
  });
});
