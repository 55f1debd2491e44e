import { type ActivityAnalysis, type ActivityState, isActivityState } from "@agentwatch/activity";
import { type AgentSummary, type Logger, parseAgentSummary } from "@agentwatch/models";
import { InvalidArgumentError } from "./errors.js";

/** An AgentSummary with the activity state measured by `@agentwatch/activity`. */
export type MonitoredSummary = AgentSummary & {
  /** What the agent is doing by its terminal: `working`, `waiting_permission`, `rate_limited`… */
  activity_state?: ActivityState | undefined;
};

/** What the generator is told about an agent besides its new lines; every field is optional. */
export interface AgentContext {
  /** Its human-readable name; else the previous summary's, else the instance id. */
  instance_name?: string | undefined;
  /** Its role; undefined keeps the previous summary's, null means none. */
  role?: string | null | undefined;
  /** The task it was given; undefined keeps the previous summary's, null means none. */
  assigned_task?: string | null | undefined;
  /** The agent that started it; undefined keeps the previous summary's, null means none. */
  parent_instance_id?: string | null | undefined;
  /** Its previous summary, as an object or its JSON; invalid JSON counts as none (with a warning). */
  previous_summary?: AgentSummary | MonitoredSummary | string | null | undefined;
  /** When it last wrote output (a Date or an ISO string); the idle time is measured from it. */
  last_output_at?: Date | string | null | undefined;
  /** The analysis of these lines, when the caller made it already (the monitor does). */
  activity?: ActivityAnalysis | undefined;
  /** The analysis of the previous lines, passed to `analyzeActivity` when `activity` is not given. */
  previous_activity?: ActivityAnalysis | null | undefined;
}

/** A previous summary read from the context. */
export interface PreviousSummary {
  /** The summary, its 16 seed fields validated; null when none or invalid. */
  readonly summary: AgentSummary | null;
  /** Its `activity_state`, when it had a valid one. */
  readonly activityState: ActivityState | undefined;
}

/** Reads `previous_summary`: an object or JSON; anything invalid is logged and counts as none. */
export function readPreviousSummary(
  value: unknown,
  instanceId: string,
  logger: Logger,
): PreviousSummary {
  if (value === undefined || value === null) return { summary: null, activityState: undefined };
  let raw: unknown = value;
  try {
    if (typeof value === "string") raw = JSON.parse(value) as unknown;
    let state: unknown;
    if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
      // an activity_state this version does not know must not cost the whole summary
      const { activity_state, ...seedFields } = raw as Record<string, unknown>;
      state = activity_state;
      raw = seedFields;
    }
    const summary = parseAgentSummary(raw);
    return { summary, activityState: isActivityState(state) ? state : undefined };
  } catch (error) {
    logger.warn(
      { instanceId, err: error },
      `agent ${instanceId}: ignoring invalid previous_summary (${(error as Error).message}); summarizing as if there were none`,
    );
    return { summary: null, activityState: undefined };
  }
}

/** Reads `last_output_at`: a valid Date or ISO string, else null (an unreadable one is logged). */
export function readLastOutputAt(value: unknown, instanceId: string, logger: Logger): Date | null {
  if (value === undefined || value === null) return null;
  const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null;
  if (date !== null && Number.isFinite(date.getTime())) return date;
  const shown = typeof value === "string" ? JSON.stringify(value) : typeof value;
  logger.warn(
    { instanceId, last_output_at: shown },
    `agent ${instanceId}: ignoring invalid last_output_at ${shown}; pass a Date or an ISO 8601 string`,
  );
  return null;
}

/** Who the agent is: the four context fields of the summary. */
export interface Identity {
  readonly instance_name: string;
  readonly assigned_task: string | null;
  readonly parent_instance_id: string | null;
  readonly role: string | null;
}

function optionalText(value: unknown, name: string, fallback: string | null): string | null {
  if (value === undefined) return fallback;
  if (value === null || typeof value === "string") return value;
  throw new InvalidArgumentError(
    `invalid agentContext.${name}: expected a string or null (got ${typeof value})`,
    `agentContext.${name}`,
  );
}

/**
 * The identity fields from the context, falling back to the previous summary's.
 *
 * @throws {InvalidArgumentError} when a field is neither a string, null nor undefined.
 */
export function identityOf(
  instanceId: string,
  context: AgentContext,
  previous: AgentSummary | null,
): Identity {
  const name = optionalText(context.instance_name, "instance_name", null);
  return {
    instance_name: name ?? previous?.instance_name ?? instanceId,
    assigned_task: optionalText(
      context.assigned_task,
      "assigned_task",
      previous?.assigned_task ?? null,
    ),
    parent_instance_id: optionalText(
      context.parent_instance_id,
      "parent_instance_id",
      previous?.parent_instance_id ?? null,
    ),
    role: optionalText(context.role, "role", previous?.role ?? null),
  };
}
