import type {
  AgentEvent,
  MonitoredSummary,
  StateChangeEvent,
  CycleStats,
} from "@agentwatch/monitor";
import { OtelAttributes as A, OtelNames } from "./semantic.js";

/** A log record's attribute values: what OTLP carries for agentwatch (no arrays, no nesting). */
export type RecordAttributes = Record<string, string | number | boolean>;

/** One log record agentwatch emits, before the SDK adds the resource and scope. */
export interface AgentwatchLogRecord {
  /** The event name (`gen_ai.evaluation.result`, `agentwatch.state_change`, …). */
  readonly eventName: string;
  /** When it happened, epoch milliseconds. */
  readonly timeMs: number;
  readonly attributes: RecordAttributes;
  /** The event itself as JSON text, so a receiving agentwatch rebuilds it exactly. */
  readonly body: string;
}

/**
 * The Claude Code or Codex session id of a summary, when it carries one: the hook for
 * `gen_ai.conversation.id`. Summaries do not have the field yet; a structured source that learns
 * the session id adds `session_id` to the summary and it is exported from then on.
 */
export function conversationIdOf(summary: MonitoredSummary): string | undefined {
  const value = (summary as { session_id?: unknown }).session_id;
  return typeof value === "string" && value !== "" ? value : undefined;
}

function timeOf(iso: string, fallbackMs: number): number {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : fallbackMs;
}

/**
 * The `gen_ai.evaluation.result` record of a stored summary: the verdict as GenAI evaluation
 * attributes, what was measured as `agentwatch.*` attributes, the whole summary as the JSON body.
 */
export function summaryRecord(summary: MonitoredSummary, nowMs: number): AgentwatchLogRecord {
  const attributes: RecordAttributes = {
    [A.EVALUATION_NAME]: OtelNames.EVALUATION_NAME,
    [A.SCORE_LABEL]: summary.on_track_status,
    [A.SCORE_VALUE]: summary.confidence_score,
    [A.AGENT_ID]: summary.instance_id,
    [A.AGENT_NAME]: summary.instance_name,
    [A.IDLE_SECONDS]: summary.idle_duration_seconds,
    [A.CURRENT_ACTIVITY]: summary.current_activity,
  };
  if (summary.drift_reasons.length > 0)
    attributes[A.EXPLANATION] = summary.drift_reasons.join("; ");
  const conversation = conversationIdOf(summary);
  if (conversation !== undefined) attributes[A.CONVERSATION_ID] = conversation;
  if (summary.activity_state !== undefined) attributes[A.ACTIVITY_STATE] = summary.activity_state;
  if (summary.last_tool_used !== null) attributes[A.LAST_TOOL] = summary.last_tool_used;
  if (summary.recommended_action !== null) {
    attributes[A.RECOMMENDED_ACTION] = summary.recommended_action;
  }
  if (summary.role !== null) attributes[A.ROLE] = summary.role;
  if (summary.tokens !== undefined) {
    attributes[A.TOKENS_INPUT] = summary.tokens.input;
    attributes[A.TOKENS_OUTPUT] = summary.tokens.output;
    attributes[A.TOKENS_CACHE_READ] = summary.tokens.cache_read;
    attributes[A.TOKENS_CACHE_CREATION] = summary.tokens.cache_creation;
  }
  if (summary.cost_usd !== undefined) attributes[A.COST_USD] = summary.cost_usd;
  return {
    eventName: OtelNames.EVALUATION_EVENT,
    timeMs: timeOf(summary.timestamp, nowMs),
    attributes,
    body: JSON.stringify(summary),
  };
}

/** The `agentwatch.state_change` record of a state change; the change as the JSON body. */
export function stateChangeRecord(change: StateChangeEvent, nowMs: number): AgentwatchLogRecord {
  const attributes: RecordAttributes = {
    [A.AGENT_ID]: change.instance_id,
    [A.TRIGGER]: change.trigger,
  };
  const put = (key: string, value: string | null) => {
    if (value !== null) attributes[key] = value;
  };
  put(A.PREVIOUS_ACTIVITY_STATE, change.previous.activity_state);
  put(A.PREVIOUS_STATUS, change.previous.on_track_status);
  put(A.CURRENT_ACTIVITY_STATE, change.current.activity_state);
  put(A.CURRENT_STATUS, change.current.on_track_status);
  return {
    eventName: OtelNames.STATE_CHANGE_EVENT,
    timeMs: timeOf(change.at, nowMs),
    attributes,
    body: JSON.stringify(change),
  };
}

/** The `agentwatch.agent_removed` record of an agent its host forgot. */
export function agentRemovedRecord(event: AgentEvent, nowMs: number): AgentwatchLogRecord {
  return {
    eventName: OtelNames.AGENT_REMOVED_EVENT,
    timeMs: timeOf(event.at, nowMs),
    attributes: { [A.AGENT_ID]: event.instance_id, [A.AGENT_NAME]: event.agent.instance_name },
    body: JSON.stringify({ instance_id: event.instance_id, at: event.at }),
  };
}

/** The `agentwatch.cycle` record of a finished poll cycle (the host's heartbeat). */
export function cycleRecord(cycle: CycleStats, nowMs: number): AgentwatchLogRecord {
  return {
    eventName: OtelNames.CYCLE_EVENT,
    timeMs: timeOf(cycle.started_at, nowMs),
    attributes: {},
    body: JSON.stringify(cycle),
  };
}
