import { setTimeout as delay } from "node:timers/promises";
import type { Timer } from "./parts.js";

/** Where the loop goes after a cycle: the next slot to start and how many slots it missed. */
export interface NextSlot {
  /** The index of the next cycle's slot (its start is `t0 + slot * intervalMs`). */
  readonly slot: number;
  /** Slots that passed while the cycle ran and are skipped, not stacked. */
  readonly skipped: number;
}

/**
 * The slot after a cycle that started in slot `current` and ended at `endMs`, on the fixed
 * schedule `t0 + k * intervalMs`: the next slot not yet passed (a slot exactly at `endMs` counts
 * as not passed, so it starts at once).
 */
export function nextSlot(t0: number, intervalMs: number, current: number, endMs: number): NextSlot {
  const due = current + 1;
  const reached = Math.ceil((endMs - t0) / intervalMs);
  const slot = Math.max(due, reached);
  return { slot, skipped: slot - due };
}

/** The default timer: real `setTimeout`, resolving early (not rejecting) on abort. */
export const systemTimer: Timer = {
  async sleep(ms, signal) {
    if (ms <= 0 || signal.aborted) return;
    try {
      await delay(ms, undefined, { signal });
    } catch (error) {
      if ((error as Error).name !== "AbortError") throw error;
    }
  },
};
