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
  /**
   * Writes are appended to `monitor_positions.json.journal`; once it would grow past this many
   * bytes, the next write rewrites `monitor_positions.json` instead and starts a new journal.
   * Default 4 MiB.
   */
  maxJournalBytes?: number | undefined;
  /**
   * After this long without a write, the journal is written into `monitor_positions.json`, so the
   * file other programs read (the Python implementation, `cat`) is complete while the tracker is
   * idle. Default 1,000 ms. `close()` does it too.
   */
  compactAfterIdleMs?: number | undefined;
}

/** Counters of a tracker's disk activity since it was opened. */
export interface PositionTrackerStats {
  /** Durable writes that succeeded: journal appends and rewrites of the state file with changes. */
  readonly writes: number;
  /** Rewrites of `monitor_positions.json` (a clear, a full journal, idle time, `compact()`, `close()`). */
  readonly compactions: number;
  /** Writes that failed; their callers were rejected with `PositionWriteError`. */
  readonly failedWrites: number;
  /** Updates and removals carried by the successful writes. */
  readonly changesWritten: number;
  /** Updates that needed no write because they equalled the stored position. */
  readonly unchangedUpdates: number;
}

/** `value` if it is a positive, finite number (of `unit`); otherwise an `INVALID_OPTIONS` error. */
export function positiveOption(name: string, value: number, unit = "milliseconds"): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new PositionStoreError(
      `invalid ${name}: expected a positive number of ${unit}, got ${String(value)}`,
      "INVALID_OPTIONS",
    );
  }
  return value;
}
