import type { CommonOptions } from "@agentwatch/models";
import { PositionStoreError } from "./errors.js";

/** Options of `PositionTracker.open`. */
export interface PositionTrackerOptions extends CommonOptions {
  /**
   * A lock whose holder stopped refreshing it this long ago (it died) is taken over. Default
   * 10,000 ms; proper-lockfile never goes below 2,000 ms.
   */
  lockStaleMs?: number | undefined;
  /** How long a write waits for the lock before failing. Default three times `lockStaleMs`. */
  lockTimeoutMs?: number | undefined;
}

/** Counters of a tracker's disk activity since it was opened. */
export interface PositionTrackerStats {
  /** Writes of the state file that succeeded. */
  readonly writes: number;
  /** Writes that failed; their callers were rejected with `PositionWriteError`. */
  readonly failedWrites: number;
  /** Updates and removals carried by the successful writes. */
  readonly changesWritten: number;
  /** Updates that needed no write because they equalled the stored position. */
  readonly unchangedUpdates: number;
}

/** `value` if it is a positive, finite number of milliseconds. */
export function positiveMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new PositionStoreError(
      `invalid ${name}: expected a positive number of milliseconds, got ${String(value)}`,
      "INVALID_OPTIONS",
    );
  }
  return value;
}
