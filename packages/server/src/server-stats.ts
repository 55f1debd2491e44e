import type { CycleStats } from "@agentwatch/monitor";

/** What the server counts from the monitor's events, for `/healthz` and `/metrics`. */
export class ServerStats {
  /** When the server started listening (epoch ms). */
  startedAtMs = 0;
  cycles = 0;
  lines = 0;
  failures = 0;
  skippedSlots = 0;
  /** Model calls summed from the cycles (used when no generator stats are given). */
  modelCalls = 0;
  summaries = 0;
  stateChanges = 0;
  errors = 0;
  lastCycle: CycleStats | null = null;
  /** When the last cycle's event arrived (epoch ms, by the server's clock), or null. */
  lastCycleSeenMs: number | null = null;

  /** Adds one cycle. */
  recordCycle(stats: CycleStats, nowMs: number): void {
    this.cycles++;
    this.lines += stats.lines;
    this.failures += stats.failures;
    this.skippedSlots += stats.skipped_slots;
    this.modelCalls += stats.model_calls;
    this.lastCycle = stats;
    this.lastCycleSeenMs = nowMs;
  }
}
