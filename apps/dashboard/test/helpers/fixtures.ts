import type { ServerMessage, SnapshotAgent, Summary } from "../../src/protocol.js";

/** The ISO time `seconds` after 2026-01-15T10:00:00Z. */
export function at(seconds: number): string {
  return new Date(Date.UTC(2026, 0, 15, 10, 0, 0) + seconds * 1000).toISOString();
}

/** A summary of `id` at `seconds`, for tests. */
export function summary(id: string, seconds: number, overrides: Partial<Summary> = {}): Summary {
  return {
    instance_id: id,
    instance_name: id,
    timestamp: at(seconds),
    current_activity: `activity at ${seconds}`,
    on_track_status: "on_track",
    confidence_score: 0.7,
    assigned_task: "task",
    parent_instance_id: null,
    role: "dev",
    last_tool_used: "Bash",
    recent_tools: ["Read", "Bash"],
    output_preview: "",
    idle_duration_seconds: 0,
    drift_reasons: [],
    alignment_keywords: [],
    recommended_action: null,
    ...overrides,
  };
}

/** A snapshot agent, for tests. */
export function snapshotAgent(id: string, overrides: Partial<SnapshotAgent> = {}): SnapshotAgent {
  return {
    instance_id: id,
    instance_name: `${id} name`,
    role: "dev",
    assigned_task: "task",
    parent_instance_id: null,
    created_at: null,
    log_type: "tmux_output",
    activity_state: null,
    on_track_status: null,
    exited_at: null,
    ...overrides,
  };
}

/** A snapshot message, for tests. */
export function snapshot(
  summaries: Summary[],
  agents: SnapshotAgent[] = [],
  serverSeconds = 100,
): ServerMessage {
  return { v: 1, type: "snapshot", at: at(serverSeconds), summaries, agents, last_cycle: null };
}
