import type { ActivityState, AgentSummary, OnTrackStatus } from "@agentwatch/models";

/** What is known of an agent's state: null where nothing is known yet. */
export interface AgentStateLike {
  readonly activity_state: ActivityState | null;
  readonly on_track_status: OnTrackStatus | null;
}

/** The parts of a stored summary a notification quotes: the prompt, the drift reasons, the action. */
export type SummaryLike = Pick<
  AgentSummary,
  "current_activity" | "drift_reasons" | "recommended_action" | "on_track_status"
> & {
  readonly instance_name?: string | undefined;
  readonly activity_state?: ActivityState | undefined;
};

/**
 * An agent's state changed: what the notifier is given. The monitor's `state_change` event has
 * this shape (`instance_id`, `previous`, `current`, `at`); the caller adds who the agent is, where
 * to find it and its newest summary.
 */
export interface AgentTransition {
  readonly instance_id: string;
  /** Its human-readable name; the id when absent. */
  readonly instance_name?: string | null | undefined;
  /** Where a person finds it: its tmux pane or its log file. */
  readonly where?: string | null | undefined;
  readonly previous: AgentStateLike;
  readonly current: AgentStateLike;
  /** When, ISO 8601; the notifier's clock when absent. */
  readonly at?: string | undefined;
  /**
   * The agent's newest summary, if any. Its text is quoted only when it describes the current
   * state (same activity state for a prompt, same status for blocked and off track).
   */
  readonly summary?: SummaryLike | null | undefined;
  /** The prompt on the agent's screen, when the caller knows it. */
  readonly prompt?: string | null | undefined;
}

/** Why an agent is notified. */
export type NotifyReason =
  | "waiting_permission"
  | "waiting_input"
  | "blocked"
  | "off_track"
  /** It finished its turn (working → idle); only with `turnEnd`. */
  | "turn_end";

/** Each reason in words, as a notification says it. */
export const REASON_TEXT: Readonly<Record<NotifyReason, string>> = Object.freeze({
  waiting_permission: "is waiting for permission",
  waiting_input: "is waiting for an answer",
  blocked: "is blocked",
  off_track: "is off track",
  turn_end: "finished its turn",
});

/** What a person should do for each reason, when the summary does not say. */
export const DEFAULT_ACTION: Readonly<Record<NotifyReason, string>> = Object.freeze({
  waiting_permission: "approve or deny the request in its terminal",
  waiting_input: "answer its question in its terminal",
  blocked: "see what blocks it (a usage limit, a repeated error) and unblock or restart it",
  off_track: "check its work against its task and redirect it",
  turn_end: "review its work and give it the next instruction",
});

const isWaiting = (state: ActivityState | null): state is "waiting_permission" | "waiting_input" =>
  state === "waiting_permission" || state === "waiting_input";

/**
 * Whether a transition notifies, and why: an agent *entering* waiting_permission or
 * waiting_input (its activity state), off_track or blocked (its on-track status; blocked only when
 * not already told as waiting), or, with `turnEnd`, going from working to idle. Staying in a state
 * (a new summary that says the same) is no transition.
 */
export function reasonOf(
  transition: Pick<AgentTransition, "previous" | "current">,
  turnEnd: boolean,
): NotifyReason | null {
  const { previous, current } = transition;
  if (isWaiting(current.activity_state) && previous.activity_state !== current.activity_state) {
    return current.activity_state;
  }
  if (current.on_track_status === "off_track" && previous.on_track_status !== "off_track") {
    return "off_track";
  }
  if (
    current.on_track_status === "blocked" &&
    previous.on_track_status !== "blocked" &&
    !isWaiting(current.activity_state)
  ) {
    return "blocked";
  }
  if (turnEnd && previous.activity_state === "working" && current.activity_state === "idle") {
    return "turn_end";
  }
  return null;
}

/** Whether an agent in `state` still is as `reason` says (so a folded notification is still due). */
export function stillHolds(reason: NotifyReason, state: AgentStateLike): boolean {
  switch (reason) {
    case "waiting_permission":
    case "waiting_input":
      return state.activity_state === reason;
    case "blocked":
    case "off_track":
      return state.on_track_status === reason;
    case "turn_end":
      return state.activity_state === "idle";
  }
}

/** Whether `summary` describes the state `reason` is about, so its text can be quoted. */
export function summaryMatches(
  reason: NotifyReason,
  state: AgentStateLike,
  summary: SummaryLike | null | undefined,
): summary is SummaryLike {
  if (summary === null || summary === undefined) return false;
  switch (reason) {
    case "waiting_permission":
    case "waiting_input":
    case "turn_end":
      return summary.activity_state === state.activity_state;
    case "blocked":
    case "off_track":
      return summary.on_track_status === reason;
  }
}
