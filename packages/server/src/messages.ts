import type { OnTrackStatus } from "@agentwatch/models";
import type {
  ActivityState,
  AgentInfo,
  AgentStateSnapshot,
  AgentStatus,
  CycleStats,
  MonitoredSummary,
  StateChangeEvent,
} from "@agentwatch/monitor";

/** The version every message carries as `v`; bumped only for incompatible changes. */
export const PROTOCOL_VERSION = 1;

/** The WebSocket endpoint of live summaries. */
export const SUMMARIES_PATH = "/ws/agent_summaries";

/** WebSocket close codes the server uses. */
export const CloseCode = {
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** The client sent a message larger than `maxPayloadBytes`. */
  MESSAGE_TOO_BIG: 1009,
  /** The snapshot could not be built. */
  INTERNAL_ERROR: 1011,
  /** `max_clients` clients are connected already; try again later. */
  TRY_AGAIN_LATER: 1013,
  /** The client did not read fast enough: its unsent data passed `maxBufferedBytes`. */
  SLOW_CLIENT: 4008,
} as const;

/**
 * An agent as sent over the wire: its `AgentInfo` without the local log path. An agent of another
 * host (received over OTLP) has the id `<host>/<instance id>`, `log_type` `remote`, and carries
 * `host` and `stale` (its host stopped sending for `staleAfterMs`).
 */
export type WireAgentInfo = Omit<AgentInfo, "log_file_path"> & {
  readonly host?: string | undefined;
  readonly stale?: boolean | undefined;
};

/** An agent in a snapshot: who it is and its current state. */
export interface WireAgent extends WireAgentInfo {
  readonly activity_state: ActivityState | null;
  readonly on_track_status: OnTrackStatus | null;
  /** When it was marked exited, ISO 8601, or null. */
  readonly exited_at: string | null;
}

/** Sent first on every connection: every agent's latest summary and, with a service, every agent. */
export interface SnapshotMessage {
  readonly v: 1;
  readonly type: "snapshot";
  /** The server's time, ISO 8601 (clients may use it to correct their clock). */
  readonly at: string;
  /** Every agent's newest summary, ordered by instance id. */
  readonly summaries: readonly MonitoredSummary[];
  /** Every agent the monitor knows (empty when the server runs without one). */
  readonly agents: readonly WireAgent[];
  /** The last poll cycle the server saw, or null. */
  readonly last_cycle: CycleStats | null;
}

/** A summary was stored. */
export interface SummaryUpdateMessage {
  readonly v: 1;
  readonly type: "summary_update";
  readonly summary: MonitoredSummary;
}

/** An agent's activity state or on-track status changed (sent the moment the monitor notices). */
export interface StateChangeMessage {
  readonly v: 1;
  readonly type: "state_change";
  readonly instance_id: string;
  readonly previous: AgentStateSnapshot;
  readonly current: AgentStateSnapshot;
  readonly trigger: StateChangeEvent["trigger"];
  readonly at: string;
}

interface AgentEventMessage {
  readonly v: 1;
  readonly instance_id: string;
  readonly agent: WireAgentInfo;
  readonly at: string;
}

/** An agent appeared. */
export interface AgentAddedMessage extends AgentEventMessage {
  readonly type: "agent_added";
}

/** An agent was forgotten after its grace period. */
export interface AgentRemovedMessage extends AgentEventMessage {
  readonly type: "agent_removed";
}

/**
 * The host of a remote agent stopped sending for `staleAfterMs` (`stale: true`), or sends again
 * (`stale: false`). Its agents are removed (`agent_removed`) after `removeAfterMs`.
 */
export interface AgentStaleMessage {
  readonly v: 1;
  readonly type: "agent_stale";
  readonly instance_id: string;
  readonly host: string;
  readonly stale: boolean;
  /** When the host last sent anything, ISO 8601. */
  readonly last_seen_at: string;
  readonly at: string;
}

/** A poll cycle ended. */
export interface CycleMessage extends CycleStats {
  readonly v: 1;
  readonly type: "cycle";
}

/** The answer to a client's `ping`. */
export interface PongMessage {
  readonly v: 1;
  readonly type: "pong";
  readonly at: string;
}

/** A client message was not understood; the connection stays open. */
export interface ErrorMessage {
  readonly v: 1;
  readonly type: "error";
  readonly code: "INVALID_MESSAGE" | "UNKNOWN_MESSAGE" | "UNSUPPORTED_VERSION";
  readonly message: string;
}

/** Every message the server sends. */
export type ServerMessage =
  | SnapshotMessage
  | SummaryUpdateMessage
  | StateChangeMessage
  | AgentAddedMessage
  | AgentRemovedMessage
  | AgentStaleMessage
  | CycleMessage
  | PongMessage
  | ErrorMessage;

/** The only message a client sends: an application-level heartbeat, answered with `pong`. */
export interface ClientPingMessage {
  readonly v: 1;
  readonly type: "ping";
}

/** A message as the bytes of its JSON text, encoded once for every client. */
export function encodeMessage(message: ServerMessage): Buffer {
  return Buffer.from(JSON.stringify(message), "utf8");
}

/** An `AgentInfo` without its local log path. */
export function wireAgentInfo(agent: AgentInfo): WireAgentInfo {
  return {
    instance_id: agent.instance_id,
    instance_name: agent.instance_name,
    role: agent.role,
    assigned_task: agent.assigned_task,
    parent_instance_id: agent.parent_instance_id,
    created_at: agent.created_at,
    log_type: agent.log_type,
  };
}

/** An agent of `getAgents()` as it goes into a snapshot. */
export function wireAgent(status: AgentStatus): WireAgent {
  return {
    ...wireAgentInfo(status.agent),
    activity_state: status.state.activity_state,
    on_track_status: status.state.on_track_status,
    exited_at: status.exited_at,
  };
}
