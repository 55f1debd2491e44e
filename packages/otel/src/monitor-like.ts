import type { MonitoringService } from "@agentwatch/monitor";

/** The part of `MonitoringService` the exporter uses: its events and its agents. */
export type MonitorLike = Pick<MonitoringService, "on" | "getAgents">;
