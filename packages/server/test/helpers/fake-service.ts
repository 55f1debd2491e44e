import type {
  AgentInfo,
  AgentStatus,
  MonitorEventName,
  MonitorEvents,
  MonitorListener,
  MonitoredSummary,
} from "@agentwatch/monitor";
import type { SummarySource } from "../../src/index.js";

type AnyListener = (payload: unknown) => unknown;

/** A stand-in for `MonitoringService`'s events and agents, driven by the test. */
export class FakeService implements SummarySource {
  readonly #listeners = new Map<MonitorEventName, Set<AnyListener>>();
  agents: AgentStatus[] = [];

  on<E extends MonitorEventName>(event: E, listener: MonitorListener<E>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener as AnyListener);
    return () => set.delete(listener as AnyListener);
  }

  emit<E extends MonitorEventName>(event: E, payload: MonitorEvents[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(payload);
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }

  getAgents(): AgentStatus[] {
    return this.agents;
  }
}

/** An AgentInfo for tests. */
export function agentInfo(id: string, logPath = `/logs/${id}/tmux_output.log`): AgentInfo {
  return {
    instance_id: id,
    instance_name: `${id}-name`,
    role: "developer",
    assigned_task: "Write the tests",
    parent_instance_id: null,
    created_at: "2026-01-15T10:00:00.000Z",
    log_file_path: logPath,
    log_type: "tmux_output",
  };
}

/** An agent as `getAgents()` lists it. */
export function agentStatus(
  id: string,
  summary: MonitoredSummary | null = null,
  logPath?: string,
): AgentStatus {
  return {
    agent: agentInfo(id, logPath),
    state: {
      activity_state: summary?.activity_state ?? null,
      on_track_status: summary?.on_track_status ?? null,
    },
    latest_summary: summary,
    exited_at: null,
    failures: 0,
    retry_at: null,
    last_error: null,
    lag: null,
  };
}

/** A valid summary of agent `id` at `timestamp`. */
export function summary(
  id: string,
  timestamp: string,
  overrides: Partial<MonitoredSummary> = {},
): MonitoredSummary {
  return {
    instance_id: id,
    instance_name: `${id}-name`,
    timestamp,
    current_activity: `working at ${timestamp}`,
    on_track_status: "on_track",
    confidence_score: 0.8,
    assigned_task: "Write the tests",
    parent_instance_id: null,
    role: "developer",
    last_tool_used: "Bash",
    recent_tools: ["Read", "Bash"],
    output_preview: "ok",
    idle_duration_seconds: 0,
    drift_reasons: [],
    alignment_keywords: ["tests"],
    recommended_action: null,
    ...overrides,
  };
}

/** The ISO time `seconds` after 2026-01-15T10:00:00Z. */
export function at(seconds: number): string {
  return new Date(Date.UTC(2026, 0, 15, 10, 0, 0) + seconds * 1000).toISOString();
}
