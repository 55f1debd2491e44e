import type { ActivityAnalysis, AnalyzeActivityOptions, TestResult } from "./activity-analysis.js";
import { ActivityState, isActivityState } from "./activity-state.js";
import { AgentKind, isAgentKind } from "./agent-kind.js";
import { KindTally } from "./agent-markers.js";
import { readCarry, type ActivityCarry } from "./carry.js";
import { type CleanLine, cleanRow } from "./clean-line.js";
import { classifyLine } from "./classify-line.js";
import { decideState, exitKind } from "./decide-state.js";
import { readActions } from "./action-window.js";
import { InvalidActivityInputError } from "./errors.js";
import { FactCollector, MAX_COMMANDS, MAX_FILES, RECENT_TOOLS } from "./fact-collector.js";
import { checkLines, describe, runPipeline } from "./pipeline.js";
import { buildPreview, buildTail, lastChars, PREVIEW_CHARS } from "./screen-tail.js";
import { afterLastSnapshotHeader } from "./snapshot-filter.js";

function checkDate(value: unknown, name: string, nullable: boolean): Date | null {
  if (nullable && (value === null || value === undefined)) return null;
  if (!(value instanceof Date) || !Number.isFinite(value.getTime()))
    throw new InvalidActivityInputError(
      `analyzeActivity: options.${name} must be a valid Date${nullable ? " or null" : ""} (got ${describe(value)})`,
      `options.${name}`,
    );
  return value;
}

function stringList(value: unknown, max: number): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === "string").slice(-max)
    : [];
}

function testResult(value: unknown): TestResult | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const count = (n: unknown) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  if (!count(v.passed) || !count(v.failed) || typeof v.raw !== "string") return null;
  const result: TestResult = { passed: v.passed as number, failed: v.failed as number, raw: v.raw };
  if (count(v.skipped)) result.skipped = v.skipped as number;
  return result;
}

const AGENTS: readonly AgentKind[] = [
  AgentKind.CLAUDE_CODE,
  AgentKind.CODEX,
  AgentKind.AIDER,
  AgentKind.GEMINI,
];

/** Seconds without output, while busy, after which an agent counts as stalled. */
export const DEFAULT_STALL_SECONDS = 300;

/** A message the user sent, as Claude Code and Codex echo it at the left margin: `> text`, `› text`. */
const USER_MESSAGE = /^(?:>|›) +(\S.{2,})$/u;
/** The longest first message kept, in characters. */
const USER_MESSAGE_CHARS = 500;

function userMessage(line: CleanLine): string | null {
  if (line.boxed) return null; // the input box being typed in, not a message sent
  const match = USER_MESSAGE.exec(line.text);
  return match === null ? null : match[1]!.trim().slice(0, USER_MESSAGE_CHARS);
}

/**
 * Measures what an agent is doing from its terminal output, without an LLM.
 *
 * `lines` are the new lines of the log, as `IncrementalLogReader` returns them (split on `\n`,
 * one trailing `\r` removed), raw: escape codes and redraws are resolved here. Pass the previous
 * result as `previous` to follow a log poll by poll: the screen, tool runs, error counts, files,
 * commands and the last test result carry over, and lines that only redraw what was already
 * shown (spinners, repeated snapshots) count as nothing new. A command line or tool call line
 * that was shown and then erased or overwritten (`\x1b[1A\x1b[2K`, `\r\x1b[K`) still counts,
 * once; the state, prompt and preview come from the final screen. Pure: no I/O, the time comes
 * in as `now`. Never throws because of what the lines contain.
 *
 * @throws {InvalidActivityInputError} if `lines` is not an array of strings or `now`/`lastOutputAt`
 *   is not a valid Date (or null, for `lastOutputAt`).
 * @example
 * const facts = analyzeActivity(newLines, { now: new Date(), lastOutputAt: mtime, previous });
 * facts.state; // "waiting_permission"
 * facts.prompt; // "Bash command\nnpm install lodash\nDo you want to proceed?"
 */
export function analyzeActivity(
  lines: readonly string[],
  options: AnalyzeActivityOptions,
): ActivityAnalysis {
  checkLines(lines, "analyzeActivity");
  if (typeof options !== "object" || options === null)
    throw new InvalidActivityInputError(
      `analyzeActivity: options must be an object with now and lastOutputAt (got ${describe(options)})`,
      "options",
    );
  const now = checkDate(options.now, "now", false)!;
  const lastOutputAt = checkDate(options.lastOutputAt, "lastOutputAt", true);
  const previous = typeof options.previous === "object" ? options.previous : null;
  const carry = readCarry(previous?.carry);

  const run = runPipeline(lines, { screen: carry.screen, snapshot: carry.snapshot }, false);
  const collector = new FactCollector({
    recentTools: stringList(previous?.recent_tools, RECENT_TOOLS),
    lastTool: typeof previous?.last_tool_used === "string" ? previous.last_tool_used : null,
    files: stringList(previous?.files_touched, MAX_FILES),
    commands: stringList(previous?.commands_run, MAX_COMMANDS),
    tests: testResult(previous?.tests),
    toolRun: carry.tool_run,
    rowTools: carry.row_tools,
    errorWindow: carry.error_window,
    lineSeq: carry.line_seq,
    parser: carry.parser,
    actions: readActions(previous?.actions),
    failureText: carry.failure_text ?? "",
    progressSeq: carry.progress_seq ?? 0,
  });
  const tally = new KindTally();
  const carriedMessage =
    typeof previous?.first_user_message === "string" ? previous.first_user_message : null;
  let firstMessage: string | null = null;
  for (const row of run.rows) {
    const line = cleanRow(row.text, row.source, row.rowId);
    if (line.noise !== null) {
      if (line.noise === "frame") collector.frame(line.text.trim());
      continue;
    }
    const info = classifyLine(line);
    tally.add(info);
    collector.add(line, info);
    firstMessage ??= userMessage(line);
  }
  collector.finish(false);

  const previousKind = isAgentKind(previous?.agent_kind) ? previous.agent_kind : AgentKind.UNKNOWN;
  const detected = tally.result();
  const agentKind = AGENTS.includes(detected)
    ? detected
    : AGENTS.includes(previousKind) || detected === AgentKind.UNKNOWN
      ? previousKind
      : detected;

  const screenRows =
    run.filter.screenWhileHolding() ?? afterLastSnapshotHeader(run.screen.screenText());
  const tail = buildTail(screenRows);
  const decision = decideState(tail, agentKind);
  const previousState = isActivityState(previous?.state) ? previous.state : ActivityState.UNKNOWN;
  const state = decision?.state ?? previousState;
  const waiting =
    state === ActivityState.WAITING_INPUT || state === ActivityState.WAITING_PERMISSION;
  const prompt = decision
    ? decision.prompt
    : waiting && typeof previous?.prompt === "string"
      ? previous.prompt
      : null;
  const preview =
    tail.length > 0
      ? buildPreview(tail)
      : typeof previous?.output_preview === "string"
        ? lastChars(previous.output_preview, PREVIEW_CHARS)
        : "";

  const idleMs = lastOutputAt ? now.getTime() - lastOutputAt.getTime() : 0;
  const stallSeconds = checkStall(options.stallSeconds);
  const stalled =
    state === ActivityState.WORKING && lastOutputAt !== null && idleMs / 1000 >= stallSeconds;
  const { errors, loop: errorLoop } = collector.errors();
  const owned = collector.carry();
  const nextCarry: ActivityCarry = {
    version: 1,
    screen: run.screen.carry(),
    snapshot: run.filter.carry(),
    tool_run: owned.toolRun,
    row_tools: owned.rowTools,
    error_window: owned.errorWindow,
    line_seq: owned.lineSeq,
    parser: owned.parser,
    progress_seq: owned.progressSeq,
    failure_text: collector.recentFailures(),
  };
  return {
    agent_kind: agentKind,
    state,
    prompt: waiting ? prompt : null,
    last_tool_used: collector.lastToolUsed(),
    recent_tools: collector.recentTools(),
    tool_calls: collector.toolCalls.slice(-100),
    errors,
    loop: collector.toolLoop() ?? errorLoop,
    output_preview: preview,
    idle_duration_seconds: Math.max(0, idleMs) / 1000,
    files_touched: collector.filesTouched(),
    commands_run: collector.commandsRun(),
    tests: collector.lastTests(),
    new_output_lines: collector.newLines,
    // Only agents echo what the user sent as `> …`; in a shell it is output (npm, pytest).
    first_user_message: carriedMessage ?? (AGENTS.includes(agentKind) ? firstMessage : null),
    actions: collector.actionWindow(),
    stalled,
    exit_kind:
      state === ActivityState.EXITED
        ? tail.length > 0
          ? exitKind(tail)
          : previousExit(previous)
        : null,
    carry: nextCarry,
  };
}

function previousExit(previous: ActivityAnalysis | null | undefined): "quit" | "crash" {
  return previous?.exit_kind === "quit" ? "quit" : "crash";
}

function checkStall(value: unknown): number {
  if (value === undefined) return DEFAULT_STALL_SECONDS;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
    throw new InvalidActivityInputError(
      `analyzeActivity: options.stallSeconds must be a positive number of seconds (got ${describe(value)})`,
      "options.stallSeconds",
    );
  return value;
}
