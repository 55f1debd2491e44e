import type { AgentSummary, OnTrackStatus } from "@agentwatch/models";

/**
 * The server's WebSocket messages (protocol v1 of `@agentwatch/server`), as the dashboard reads
 * them. Kept in step with packages/server/src/messages.ts; the end-to-end test checks they agree.
 */

/** The protocol version the dashboard speaks. */
export const PROTOCOL_VERSION = 1;

/** The activity states the monitor reports (`@agentwatch/activity`). */
export type ActivityState =
  | "working"
  | "waiting_permission"
  | "waiting_input"
  | "idle"
  | "rate_limited"
  | "errored"
  | "exited"
  | "unknown";

/** The five on-track statuses, best first. */
export const STATUSES: readonly OnTrackStatus[] = [
  "on_track",
  "drifting",
  "off_track",
  "blocked",
  "unknown",
];

/** A summary as streamed: an AgentSummary with the activity state the monitor measured. */
export type Summary = AgentSummary & {
  activity_state?: ActivityState | null;
  /** The host of an agent received from another agentwatch over OTLP (its id is `<host>/<id>`). */
  host?: string;
};

/** An agent's identity as streamed (no log path). */
export interface AgentInfo {
  readonly instance_id: string;
  readonly instance_name: string;
  readonly role: string | null;
  readonly assigned_task: string | null;
  readonly parent_instance_id: string | null;
  readonly created_at: string | null;
  readonly log_type: string;
  /** The host of a remote agent (received over OTLP). */
  readonly host?: string;
  /** Its host stopped sending (`staleAfterMs`). */
  readonly stale?: boolean;
}

/** An agent of a snapshot. */
export interface SnapshotAgent extends AgentInfo {
  readonly activity_state: ActivityState | null;
  readonly on_track_status: OnTrackStatus | null;
  readonly exited_at: string | null;
}

/** An agent's state as a `state_change` reports it. */
export interface StateSnapshot {
  readonly activity_state: ActivityState | null;
  readonly on_track_status: OnTrackStatus | null;
}

/** The stats of one poll cycle. */
export interface CycleStats {
  readonly started_at: string;
  readonly duration_ms: number;
  readonly agents: number;
  readonly lines: number;
  readonly model_calls: number;
  readonly failures: number;
  readonly skipped_slots: number;
  /** The model beside the cycle, when there is one: since when it is unavailable, or null. */
  readonly model?: { readonly unavailable_since: string | null } | undefined;
}

/** Every message the server sends. */
export type ServerMessage =
  | {
      readonly v: 1;
      readonly type: "snapshot";
      readonly at: string;
      readonly summaries: readonly Summary[];
      readonly agents: readonly SnapshotAgent[];
      readonly last_cycle: CycleStats | null;
    }
  | { readonly v: 1; readonly type: "summary_update"; readonly summary: Summary }
  | {
      readonly v: 1;
      readonly type: "state_change";
      readonly instance_id: string;
      readonly previous: StateSnapshot;
      readonly current: StateSnapshot;
      readonly trigger: "read" | "summary" | "exit";
      readonly at: string;
    }
  | {
      readonly v: 1;
      readonly type: "agent_added" | "agent_removed";
      readonly instance_id: string;
      readonly agent: AgentInfo;
      readonly at: string;
    }
  | {
      readonly v: 1;
      readonly type: "agent_stale";
      readonly instance_id: string;
      readonly host: string;
      readonly stale: boolean;
      readonly last_seen_at: string;
    }
  | ({ readonly v: 1; readonly type: "cycle" } & CycleStats)
  | { readonly v: 1; readonly type: "pong"; readonly at: string }
  | { readonly v: 1; readonly type: "error"; readonly code: string; readonly message: string };

const TYPES = new Set([
  "snapshot",
  "summary_update",
  "state_change",
  "agent_added",
  "agent_removed",
  "agent_stale",
  "cycle",
  "pong",
  "error",
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasSummaryShape(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.instance_id === "string" &&
    typeof value.timestamp === "string" &&
    typeof value.on_track_status === "string"
  );
}

/**
 * A server message from the text of a WebSocket frame, or null for anything this version does not
 * understand (another protocol version, an unknown type, a malformed payload): ignored, never thrown.
 */
export function parseServerMessage(text: string): ServerMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(raw) || raw.v !== PROTOCOL_VERSION || typeof raw.type !== "string") return null;
  if (!TYPES.has(raw.type)) return null;
  switch (raw.type) {
    case "snapshot":
      if (!Array.isArray(raw.summaries) || !raw.summaries.every(hasSummaryShape)) return null;
      if (raw.agents !== undefined && !Array.isArray(raw.agents)) return null;
      return {
        ...raw,
        agents: raw.agents ?? [],
        last_cycle: isObject(raw.last_cycle) ? raw.last_cycle : null,
      } as unknown as ServerMessage;
    case "summary_update":
      return hasSummaryShape(raw.summary) ? (raw as unknown as ServerMessage) : null;
    case "state_change":
      return typeof raw.instance_id === "string" && isObject(raw.current)
        ? (raw as unknown as ServerMessage)
        : null;
    case "agent_stale":
      return typeof raw.instance_id === "string" && typeof raw.stale === "boolean"
        ? (raw as unknown as ServerMessage)
        : null;
    case "agent_added":
    case "agent_removed":
      return typeof raw.instance_id === "string" ? (raw as unknown as ServerMessage) : null;
    default:
      return raw as unknown as ServerMessage;
  }
}
