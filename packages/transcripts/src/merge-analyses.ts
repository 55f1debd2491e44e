import { type ActivityAnalysis, ActivityState } from "@agentwatch/activity";
import type { EventAnalysis } from "./analyze-events.js";

const KNOWN = (state: string) => state !== ActivityState.UNKNOWN;

function mergedState(
  terminal: ActivityAnalysis,
  events: EventAnalysis,
): Pick<ActivityAnalysis, "state" | "prompt"> & { reason: string } {
  const own = { state: events.state, prompt: events.prompt, reason: events.state_reason };
  const screen = (why: string) => ({
    state: terminal.state,
    prompt: terminal.prompt,
    reason: `screen: ${why}`,
  });
  if (terminal.state === ActivityState.EXITED) return screen("the program ended");
  if (
    terminal.state === ActivityState.WAITING_PERMISSION &&
    (events.pending_tool || events.state === ActivityState.WORKING)
  )
    return screen(
      `a permission dialog${events.pending_tool ? ` for ${events.pending_tool.tool}` : ""} is open`,
    );
  if (
    events.state === ActivityState.WAITING_PERMISSION &&
    (terminal.state === ActivityState.WORKING || terminal.state === ActivityState.IDLE) &&
    terminal.new_output_lines > 0
  )
    return screen("the permission dialog is gone");
  // What only a screen shows, shown now: a question or dialog waiting, a usage limit. The events
  // of the same moment say at most that a call has no result yet, or that no turn end came.
  if (
    (terminal.state === ActivityState.WAITING_INPUT ||
      terminal.state === ActivityState.RATE_LIMITED) &&
    events.state !== ActivityState.WAITING_PERMISSION &&
    events.state !== ActivityState.WAITING_INPUT &&
    events.state !== ActivityState.RATE_LIMITED
  )
    return screen(
      terminal.state === ActivityState.RATE_LIMITED
        ? "a usage limit is shown"
        : "a question waits on screen",
    );
  // The prompt is back on screen, and no event shows a call still running: the turn is over.
  if (
    terminal.state === ActivityState.IDLE &&
    events.state === ActivityState.WORKING &&
    !events.pending_tool
  )
    return screen("the prompt is back and no call is running");
  if (!KNOWN(events.state) && KNOWN(terminal.state)) return screen("no event says");
  if (events.state_reason.startsWith("quiet:") && KNOWN(terminal.state))
    return screen("the events only show the agent quiet");
  return own;
}

/**
 * Joins what the screen says about an agent (`analyzeActivity`) with what its structured sources
 * say (`analyzeEvents`). Events are the truth for tools, files, commands, tests, errors, loops,
 * edits, waiting and usage; the terminal fills in what events cannot say: the output preview when
 * events give none, a permission dialog on screen while the events show the agent at work (a
 * call pending, or its text with no call recorded yet: the approval comes before the call), the
 * program's end, a question or a usage limit on screen that no event says, the prompt back on
 * screen when no event shows a call running, the state when events only show silence, and the end
 * of a permission request once the screen has moved on. With only one of the
 * two, that one is returned unchanged. The result carries both analyses' carries, so it can be
 * passed as `previous` to both `analyzeActivity` and `analyzeEvents`.
 *
 * @example
 * const terminal = analyzeActivity(lines, { now, lastOutputAt, previous });
 * const events = analyzeEvents(newEvents, { now, lastOutputAt: transcriptMtime, previous });
 * previous = mergeAnalyses(terminal, events);
 */
export function mergeAnalyses(terminal: ActivityAnalysis, events: null): ActivityAnalysis;
export function mergeAnalyses(
  terminal: ActivityAnalysis | null,
  events: EventAnalysis,
): EventAnalysis;
export function mergeAnalyses(terminal: null, events: null): null;
export function mergeAnalyses(
  terminal: ActivityAnalysis | null,
  events: EventAnalysis | null,
): ActivityAnalysis | EventAnalysis | null;
export function mergeAnalyses(
  terminal: ActivityAnalysis | null,
  events: EventAnalysis | null,
): ActivityAnalysis | EventAnalysis | null {
  if (!events) return terminal;
  if (!terminal) return events;
  const { state, prompt, reason } = mergedState(terminal, events);
  const waiting =
    state === ActivityState.WAITING_INPUT || state === ActivityState.WAITING_PERMISSION;
  return {
    ...terminal, // fields only the screen fills (and fields of newer versions) pass through
    ...events,
    agent_kind: events.agent_kind !== "unknown" ? events.agent_kind : terminal.agent_kind,
    state,
    prompt: waiting ? (prompt ?? terminal.prompt) : null,
    output_preview: events.output_preview || terminal.output_preview,
    idle_duration_seconds: Math.min(events.idle_duration_seconds, terminal.idle_duration_seconds),
    new_output_lines: events.new_output_lines + terminal.new_output_lines,
    first_user_message: events.first_user_message ?? terminal.first_user_message,
    waiting: waiting ? events.waiting : null,
    state_reason: reason,
    carry: terminal.carry,
  };
}
