import type { Clock } from "@agentwatch/models";
import type { AgentEvent } from "@agentwatch/monitor";
import { PROTOCOL_VERSION, type ServerMessage, wireAgentInfo } from "./messages.js";
import type { SummarySource } from "./options.js";
import type { ServerStats } from "./server-stats.js";

function agentMessage(type: "agent_added" | "agent_removed", event: AgentEvent): ServerMessage {
  const message = {
    v: PROTOCOL_VERSION,
    instance_id: event.instance_id,
    agent: wireAgentInfo(event.agent),
    at: event.at,
  } as const;
  return type === "agent_added" ? { ...message, type } : { ...message, type };
}

/**
 * Subscribes to the service's events: counts them in `stats` and turns each into the message
 * `broadcast` sends to the clients. Returns the functions that unsubscribe.
 */
export function bridgeEvents(
  service: SummarySource,
  stats: ServerStats,
  clock: Clock,
  broadcast: (message: ServerMessage) => void,
): Array<() => void> {
  return [
    service.on("summary", ({ summary }) => {
      stats.summaries++;
      broadcast({ v: PROTOCOL_VERSION, type: "summary_update", summary });
    }),
    service.on("state_change", (change) => {
      stats.stateChanges++;
      broadcast({
        v: PROTOCOL_VERSION,
        type: "state_change",
        instance_id: change.instance_id,
        previous: change.previous,
        current: change.current,
        trigger: change.trigger,
        at: change.at,
      });
    }),
    service.on("agent_added", (event) => broadcast(agentMessage("agent_added", event))),
    service.on("agent_removed", (event) => broadcast(agentMessage("agent_removed", event))),
    service.on("cycle", (cycle) => {
      stats.recordCycle(cycle, clock());
      broadcast({ ...cycle, v: PROTOCOL_VERSION, type: "cycle" });
    }),
    service.on("error", () => {
      stats.errors++;
    }),
  ];
}
