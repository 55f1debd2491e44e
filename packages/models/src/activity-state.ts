/**
 * What an agent is doing right now, as read from the most recent screen of its output.
 *
 * A const object and a union type of the same name, so both `ActivityState.WORKING` and the
 * string `"working"` are an `ActivityState`.
 */
export const ActivityState = {
  /** Busy: a spinner with `esc to interrupt`, a running tool or command, output streaming. */
  WORKING: "working",
  /** A permission or approval dialog is open (`Do you want to proceed?`). */
  WAITING_PERMISSION: "waiting_permission",
  /** A question waits for an answer (a selection dialog, `[y/N]`, `Password:`). */
  WAITING_INPUT: "waiting_input",
  /** A finished turn at an empty prompt, or a shell back at its prompt. */
  IDLE: "idle",
  /** A usage or rate limit was reached (`5-hour limit reached ∙ resets 3pm`). */
  RATE_LIMITED: "rate_limited",
  /** The last output is an error or stack trace and no prompt came back. */
  ERRORED: "errored",
  /** The process ended (`[Process exited with code 1]`, `exit`, an agent quit to its shell). */
  EXITED: "exited",
  /** Nothing recognisable yet. */
  UNKNOWN: "unknown",
} as const;

/** One of the eight activity states. */
export type ActivityState = (typeof ActivityState)[keyof typeof ActivityState];

/** The eight states, in declaration order. */
export const ACTIVITY_STATES: readonly ActivityState[] = Object.freeze(
  Object.values(ActivityState),
);

/** Whether `value` is exactly one of the eight state strings. */
export function isActivityState(value: unknown): value is ActivityState {
  return typeof value === "string" && (ACTIVITY_STATES as readonly string[]).includes(value);
}
