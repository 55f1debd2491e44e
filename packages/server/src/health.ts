import type { CycleStats } from "@agentwatch/monitor";
import type { ServerStats } from "./server-stats.js";

/** The body of `GET /healthz`. */
export interface HealthBody {
  /** `ok`; `starting` before the first cycle; `stale` when cycles stopped arriving (answered with 503). */
  readonly status: "ok" | "starting" | "stale";
  /** The last poll cycle, or null before the first (or without a monitor). */
  readonly last_cycle: CycleStats | null;
  /** Agents the monitor knows (null without a monitor). */
  readonly agents: number | null;
  /** WebSocket clients connected. */
  readonly clients: number;
  /** Seconds since the server started listening. */
  readonly uptime_seconds: number;
}

/** The health of the server and its monitor at `nowMs`. */
export function health(
  stats: ServerStats,
  hasService: boolean,
  agents: number | null,
  clients: number,
  nowMs: number,
  staleAfterMs: number,
): HealthBody {
  const sinceStart = nowMs - stats.startedAtMs;
  let status: HealthBody["status"] = "ok";
  if (hasService) {
    const seen = stats.lastCycleSeenMs;
    if (seen === null) status = sinceStart > staleAfterMs ? "stale" : "starting";
    else if (nowMs - seen > staleAfterMs) status = "stale";
  }
  return {
    status,
    last_cycle: stats.lastCycle,
    agents,
    clients,
    uptime_seconds: Math.max(0, Math.round(sinceStart / 1000)),
  };
}
