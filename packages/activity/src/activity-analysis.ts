import type { ActivityState } from "./activity-state.js";
import type { AgentKind } from "./agent-kind.js";
import type { ActivityCarry } from "./carry.js";
import type { TestResult } from "./test-summary.js";
import type { AgentAction } from "./action-window.js";

export type { TestResult } from "./test-summary.js";

/** One tool call seen in the lines of this call. */
export interface ToolCall {
  /** The tool's name as the agent shows it: `Bash`, `Read`, `Update`, `shell`, `apply_patch`, ... */
  tool: string;
  /** Its argument: the command, the path, the pattern (at most 300 characters). */
  argument: string;
  /**
   * The 0-based index, in the `lines` passed to this call, of the line that showed the call (for
   * a redrawn row, the line that last changed it; for a call erased from the screen, the line that
   * last changed its row before); -1 when the line arrived in an earlier call and was held back
   * (a snapshot of the original orchestrator's log cut by a poll).
   */
  line: number;
}

/** One edit of a file with its contents, as far as they are known. */
export interface FileEdit {
  /** The file edited. */
  file: string;
  /** The text replaced (empty for a new file or a whole-file write; null when unknown). */
  old_text: string | null;
  /** The text put in its place (null when unknown). */
  new_text: string | null;
}

/** A distinct error line and how often it was seen in the error window. */
export interface ErrorCount {
  /** The error line (whitespace collapsed, at most 300 characters; the latest wording). */
  text: string;
  /** How many times it (or a line differing only in numbers) was seen. */
  count: number;
}

/** A repetition that suggests the agent is stuck. */
export interface ActivityLoop {
  /**
   * `tool`: the same action (a command differing only in numbers is the same) with the same
   * result 4 or more times, nothing changed between; `error`: the same specific error 3 or more
   * times (a generic one 5) since the last progress (a success or an edit).
   */
  kind: "tool" | "error";
  /** What repeats: `Bash(npm test)` or the error text. */
  what: string;
  /** How many times so far. */
  count: number;
}

/**
 * The measured facts about an agent's output, from `analyzeActivity`.
 *
 * Field names are snake_case like `AgentSummary`'s, so `last_tool_used`, `recent_tools`,
 * `output_preview` and `idle_duration_seconds` map across unchanged.
 */
export interface ActivityAnalysis {
  /** Which program the output comes from (carried from `previous` when these lines do not say). */
  agent_kind: AgentKind;
  /** What the agent is doing now, decided from the most recent screen. */
  state: ActivityState;
  /** The question or dialog text when `state` is `waiting_permission` or `waiting_input`, else null. */
  prompt: string | null;
  /** The last tool called, here or in an earlier call; null if none ever. */
  last_tool_used: string | null;
  /** The last 5 tools called (across calls), oldest first. */
  recent_tools: string[];
  /** The tool calls in this call's lines, in order (the last 100 when there are more). */
  tool_calls: ToolCall[];
  /** Distinct errors in the last 500 meaningful lines (across calls), oldest first, at most 20. */
  errors: ErrorCount[];
  /** The same action with the same result repeated, nothing changed between, or an error repeating without progress; else null. */
  loop: ActivityLoop | null;
  /** The last 200 characters of meaningful text on the current screen (no spinners, frames, prompts). */
  output_preview: string;
  /** Seconds from `lastOutputAt` to `now` (never negative); 0 when `lastOutputAt` is null. */
  idle_duration_seconds: number;
  /** Files read or changed, most recent last, without repeats, at most 50 (across calls). */
  files_touched: string[];
  /** Commands run, most recent last, without repeats, at most 50 (across calls). */
  commands_run: string[];
  /** The last test-run summary seen (here or carried); null if none. */
  tests: TestResult | null;
  /** Meaningful lines new in this call (noise, redraws and repeated snapshot content excluded). */
  new_output_lines: number;
  /**
   * The first message the user gave the agent, as Claude Code (`> …`) and Codex (`› …`) echo it at
   * the left margin, carried from the first call that saw one; null until then, and for output
   * that is not one of those agents' (where such lines are program output: npm, pytest). A hint of
   * the agent's task for agents whose task is not known otherwise.
   */
  first_user_message: string | null;
  /**
   * The edits whose contents are known (a structured source such as a Claude Code transcript gives
   * an edit's old and new text; the screen mostly does not), most recent last, at most 20, each
   * text bounded. Absent when no edit's contents were seen.
   */
  edits?: FileEdit[] | undefined;
  /**
   * The last 40 actions (tool calls, shell commands, edits with what was shown of their contents),
   * across calls, oldest first, each with a fingerprint of its result and, when it subverts the
   * task (a test skipped, a CI job disabled, a force-push to main), its meaning. Absent from
   * sources that do not fill it.
   */
  actions?: AgentAction[] | undefined;
  /** Busy (`working`) but silent for `stallSeconds` or more (needs `lastOutputAt`). */
  stalled?: boolean | undefined;
  /** When `state` is `exited`: `quit` when asked to (`/quit`, `/exit`, `exit` typed), else `crash`; null otherwise. */
  exit_kind?: "quit" | "crash" | null | undefined;
  /**
   * What the next call needs to continue where this one stopped (screen rows, the last snapshot,
   * runs and counts). JSON-serialisable and bounded; pass the whole analysis back as `previous`.
   * Not meant for display.
   */
  carry: ActivityCarry;
}

/** Options of `analyzeActivity`. */
export interface AnalyzeActivityOptions {
  /** The current time (the clock is injected: this package never reads it). */
  now: Date;
  /** When the agent last wrote output (the log's modification time, say), or null if unknown. */
  lastOutputAt: Date | null;
  /** The analysis returned by the previous call for the same log, so facts carry over. */
  previous?: ActivityAnalysis | null | undefined;
  /** Seconds without output while busy after which `stalled` is set (300 by default). */
  stallSeconds?: number | undefined;
}
