import { z } from "zod";
import { isoDateTimeSchema } from "./common-schemas.js";
import { ACTIVITY_STATES, type ActivityState } from "./activity-state.js";
import { ON_TRACK_STATUSES, type OnTrackStatus } from "./on-track-status.js";
import { validateWith } from "./validate.js";
import { tokenUsageSchema, type TokenUsage } from "./agent-event.js";

const stringList = z.array(z.string({ error: "expected a string" }), {
  error: "expected a list of strings",
});
const nullableString = z.string({ error: "expected a string or null" }).nullable();

/**
 * The zod schema of an `AgentSummary`, in the seed's snake_case on-disk and wire format: the seed's
 * sixteen fields plus the optional `activity_state`, `tokens`, `cost_usd`, `skipped_lines` and `judged_by`.
 *
 * Unknown fields are dropped, so summaries written by newer versions still load.
 */
export const agentSummarySchema = z.object({
  instance_id: z.string({ error: "expected a string" }),
  instance_name: z.string({ error: "expected a string" }),
  timestamp: isoDateTimeSchema,
  current_activity: z.string({ error: "expected a string" }),
  on_track_status: z.enum(ON_TRACK_STATUSES as [OnTrackStatus, ...OnTrackStatus[]], {
    error: `expected one of ${ON_TRACK_STATUSES.join(", ")}`,
  }),
  confidence_score: z
    .number({ error: "expected a number from 0 to 1" })
    .min(0, { error: "expected a number from 0 to 1" })
    .max(1, { error: "expected a number from 0 to 1" }),
  assigned_task: nullableString,
  parent_instance_id: nullableString,
  role: nullableString,
  last_tool_used: nullableString,
  recent_tools: stringList,
  output_preview: z.string({ error: "expected a string" }),
  idle_duration_seconds: z
    .number({ error: "expected a non-negative number of seconds" })
    .min(0, { error: "expected a non-negative number of seconds" }),
  drift_reasons: stringList,
  alignment_keywords: stringList,
  recommended_action: nullableString,
  activity_state: z
    .enum(ACTIVITY_STATES as [ActivityState, ...ActivityState[]], {
      error: `expected one of ${ACTIVITY_STATES.join(", ")}`,
    })
    .optional(),
  tokens: tokenUsageSchema.optional(),
  cost_usd: z
    .number({ error: "expected a non-negative number of US dollars" })
    .min(0, { error: "expected a non-negative number of US dollars" })
    .optional(),
  judged_by: z.string({ error: "expected a string" }).optional(),
  skipped_lines: z
    .number({ error: "expected a non-negative whole number of lines" })
    .int({ error: "expected a non-negative whole number of lines" })
    .min(0, { error: "expected a non-negative whole number of lines" })
    .optional(),
});

/** A snapshot of what one agent is doing and whether it is on track with its task. */
export interface AgentSummary {
  /** The agent instance this summary is about. */
  instance_id: string;
  /** Its human-readable name. */
  instance_name: string;
  /** When the summary was made, ISO 8601. */
  timestamp: string;
  /** One or two sentences on what the agent is doing now. */
  current_activity: string;
  /** The on-track verdict. */
  on_track_status: OnTrackStatus;
  /** How sure the verdict is, from 0 to 1. */
  confidence_score: number;
  /** The task the agent was given, if known. */
  assigned_task: string | null;
  /** The agent that started this one, if any. */
  parent_instance_id: string | null;
  /** The agent's role, if known. */
  role: string | null;
  /** The last tool the agent called, if any. */
  last_tool_used: string | null;
  /** The most recent tools, oldest first. */
  recent_tools: string[];
  /** The tail of the agent's meaningful output. */
  output_preview: string;
  /** Seconds since the agent last wrote output. */
  idle_duration_seconds: number;
  /** Why the agent is judged to drift from its task. */
  drift_reasons: string[];
  /** Terms shared by the task and the agent's activity. */
  alignment_keywords: string[];
  /** What a supervisor should do, if anything. */
  recommended_action: string | null;
  /**
   * What the agent was measured to be doing (`@agentwatch/activity`), so consumers can tell an agent
   * waiting for permission from one stuck in an error loop. Optional: not one of the seed's fields.
   */
  activity_state?: ActivityState | undefined;
  /**
   * The tokens the agent's session used so far, when a structured source (a Claude Code transcript,
   * a Codex rollout) reports them. Optional: not one of the seed's fields.
   */
  tokens?: TokenUsage | undefined;
  /**
   * What those tokens cost in US dollars, from a price table per model, when every model the
   * session used has a price. Optional: not one of the seed's fields.
   */
  cost_usd?: number | undefined;
  /**
   * Lines of the agent's log skipped unread when it was first met with a long history (it is read
   * from its last lines): set on the summary made from that first read. Optional: not one of the
   * seed's fields.
   */
  skipped_lines?: number | undefined;
  /**
   * Who gave the verdict: `offline` (the rules, at once) or the model's name, such as
   * `anthropic:claude-haiku-4-5`, when a model verdict replaced the offline one. Optional: not one
   * of the seed's fields; absent when the monitor runs without a model beside its cycle.
   */
  judged_by?: string | undefined;
}

/**
 * Validates an AgentSummary given as an object or as JSON text.
 *
 * @throws {ValidationError} naming the offending field and value.
 * @example
 * const summary = parseAgentSummary(line);
 */
export function parseAgentSummary(json: unknown): AgentSummary {
  return validateWith(agentSummarySchema, "AgentSummary", json);
}
