import {
  type ActivityAnalysis,
  type ActivityCarry,
  type ActivityLoop,
  ActivityState,
  type ErrorCount,
  type FileEdit,
  type TestResult,
  type ToolCall,
  analyzeActivity,
  questionToReader,
} from "@agentwatch/activity";
import { type AgentEvent, type TokenUsage, emptyTokenUsage } from "@agentwatch/models";
import { describe, InvalidTranscriptInputError } from "./errors.js";
import {
  type EventCarry,
  type ModelUsage,
  type Waiting,
  EDIT_TEXT_CHARS,
  MAX_ARGUMENT_CHARS,
  MAX_CALL_IDS,
  MAX_COMMANDS,
  MAX_EDITS,
  MAX_FILES,
  MAX_MODELS,
  MAX_OPEN_CALLS,
  MAX_SIGHTINGS,
  RECENT_TOOLS,
  readEventCarry,
} from "./event-carry.js";
import { pushBounded } from "./parse-stats.js";
import { type PriceTable, DEFAULT_PRICES, costOf } from "./pricing.js";
import { isRetryMessage } from "./rate-limit.js";
import { cutChars, cutMiddle, hashKey, isObject } from "./text.js";

export type { EventCarry, OpenCall, Waiting, CarriedEdit, ModelUsage } from "./event-carry.js";

/** Events within which an error counts for `errors` and loops. */
export const ERROR_WINDOW_EVENTS = 500;
/** Sightings of one error in the window that make a loop. */
export const ERROR_LOOP_COUNT = 3;
/** Identical tool calls in a row that make a loop. */
export const TOOL_LOOP_COUNT = 5;
/** The usage row of models beyond the 32 kept apart. */
const OTHER_MODELS = "(other models)";
/** Quiet seconds after the agent's text, with nothing pending, after which a turn is taken as ended. */
export const DEFAULT_QUIET_SECONDS = 60;
/**
 * Seconds after which a local tool that finishes at once (an edit, a read, a search) and has no
 * result yet is taken as waiting for approval (or `quietSeconds`, when that is shorter).
 */
export const APPROVAL_QUIET_SECONDS = 10;
/** The same for a fetch, which waits on the network and may take longer. */
const FETCH_APPROVAL_SECONDS = 30;

/** Local tools that finish in milliseconds once allowed: edits, reads, searches (not shell commands). */
const INSTANT_TOOLS = new Set([
  "Edit",
  "MultiEdit",
  "Write",
  "NotebookEdit",
  "Read",
  "Glob",
  "Grep",
  "LS",
  "apply_patch",
  "edit",
  "write_file",
  "replace",
  "read_file",
]);
const FETCH_TOOLS = new Set(["WebFetch", "web_fetch"]);

/** After how many quiet seconds a pending call of `tool` waits for approval; null for a tool that may just be running. */
function approvalSeconds(tool: string, argument: string): number | null {
  if (INSTANT_TOOLS.has(tool) || /^apply_patch\b/.test(argument)) return APPROVAL_QUIET_SECONDS;
  return FETCH_TOOLS.has(tool) ? FETCH_APPROVAL_SECONDS : null;
}

/** The tool call still waiting for its result. */
export interface PendingTool {
  tool: string;
  /** Its argument: the command, path or pattern (at most 300 characters). */
  argument: string;
  call_id: string | null;
  /** When it was called, when the source says. */
  since: string | null;
}

/** The tokens and cost of one model. */
export interface ModelUsageSummary {
  model: string;
  tokens: TokenUsage;
  /** USD, or null when the model has no price in the table used. */
  cost_usd: number | null;
}

/**
 * What `analyzeEvents` measures: an `ActivityAnalysis` (so the summarizer takes it unchanged) with
 * the usage, cost and waiting details that only structured sources give.
 */
export interface EventAnalysis extends ActivityAnalysis {
  /** All tokens used, across calls. */
  tokens: TokenUsage;
  /** Their cost in USD; null when a model that used tokens has no price (see `unpriced_models`). */
  cost_usd: number | null;
  /** Tokens and cost per model, most used first. */
  usage_by_model: ModelUsageSummary[];
  /** Models that used tokens but have no price in the table. */
  unpriced_models: string[];
  /** The Claude Code or Codex session, when known. */
  session_id: string | null;
  /** The agent's working directory, when known. */
  cwd: string | null;
  /** The model of the latest request. */
  model: string | null;
  /** The latest tool call with no result yet, or null. */
  pending_tool: PendingTool | null;
  /** What the agent waits for (a permission, an answer), or null. */
  waiting: Waiting | null;
  /**
   * Why `state` is what it is, in words (`tool call Bash has no result yet`, `the turn ended`);
   * starts with `quiet:` when it was inferred from silence rather than said by an event.
   */
  state_reason: string;
  /** The time of the latest event that had one. */
  last_event_at: string | null;
  /** What the next call needs: pass the whole analysis back as `previous`. Not meant for display. */
  events_carry: EventCarry;
}

/** Options of `analyzeEvents`. */
export interface AnalyzeEventsOptions {
  /** The current time (this package never reads the clock). */
  now: Date;
  /** When the agent last wrote (its transcript's modification time, say), or null if unknown. */
  lastOutputAt: Date | null;
  /** The analysis returned by the previous call for the same agent (or its merge with a terminal analysis). */
  previous?: ActivityAnalysis | EventAnalysis | null | undefined;
  /** Prices per model (default `DEFAULT_PRICES`). */
  prices?: PriceTable | undefined;
  /** Quiet seconds after the agent's text after which its turn is taken as ended (default 60). */
  quietSeconds?: number | undefined;
}

function checkDate(value: unknown, name: string, nullable: boolean): Date | null {
  if (nullable && (value === null || value === undefined)) return null;
  if (!(value instanceof Date) || !Number.isFinite(value.getTime()))
    throw new InvalidTranscriptInputError(
      `analyzeEvents: options.${name} must be a valid Date${nullable ? " or null" : ""} (got ${describe(value)})`,
      `options.${name}`,
    );
  return value;
}

let freshActivityCarry: ActivityCarry | null = null;

/** A terminal carry that has seen nothing (for an analysis that has no terminal part). */
function emptyActivityCarry(): ActivityCarry {
  freshActivityCarry ??= analyzeActivity([], { now: new Date(0), lastOutputAt: null }).carry;
  return structuredClone(freshActivityCarry);
}

/** Adds `item` as the most recent of a list without repeats. */
function addRecent(list: string[], item: string, max: number): void {
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

const NOT_A_QUESTION_LINE = /^(?:```|\s{4}|\t|[|>])/;

/**
 * The question the agent's last text ends with, when it asks the user to decide something (by
 * the same rule as the screen, `questionToReader`: not a courtesy such as "Anything else?", nor
 * a rhetorical question it answers; also when one short remark follows a question put to the
 * user), as its last paragraph; else null.
 */
export function trailingQuestion(text: string | null): string | null {
  if (!text) return null;
  const lines = text.trimEnd().split("\n");
  const last = lines[lines.length - 1] ?? "";
  if (NOT_A_QUESTION_LINE.test(last)) return null;
  // The last paragraph, as the question.
  let start = lines.length - 1;
  while (start > 0 && lines[start - 1]!.trim() !== "") start--;
  const paragraph = lines.slice(start).join("\n").trim();
  if (questionToReader(paragraph) === null) return null;
  return cutMiddle(paragraph, 500);
}

function argumentOf(event: Extract<AgentEvent, { type: "tool_call" }>): string {
  const input = event.input;
  const raw = input.command ?? input.file_path ?? input.pattern ?? input.description ?? "";
  return cutChars(raw.replace(/\s+/g, " ").trim(), MAX_ARGUMENT_CHARS);
}

const ERROR_LINE =
  /\b(?:error|fail(?:ed|ure)?|exception|denied|not found|refused|cannot|can't|panic|fatal|traceback)\b/i;

function errorTextOf(excerpt: string): string {
  const lines = excerpt
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && l !== "[…]");
  const line = lines.find((l) => ERROR_LINE.test(l)) ?? lines[0] ?? "tool failed";
  return cutChars(line.replace(/\s+/g, " "), 300);
}

function errorKey(text: string): string {
  return cutChars(text.replace(/0x[0-9a-f]+|[0-9a-f]{8,}|\d+/gi, "#"), 300);
}

const TEST_HINT =
  /\b(?:passed|failed|passing|failing|test result:|Tests:|pass \d|fail \d|\d+ tests?\b)/;

/** The test summary in a command's output, read the way `analyzeActivity` reads a screen. */
function testsIn(excerpt: string): TestResult | null {
  if (!TEST_HINT.test(excerpt)) return null;
  const lines = excerpt.split("\n");
  return analyzeActivity(lines, { now: new Date(0), lastOutputAt: null }).tests;
}

const SHELL_TOOLS = new Set([
  "Bash",
  "shell",
  "exec_command",
  "shell_command",
  "local_shell",
  "container.exec",
]);

class EventFolder {
  readonly toolCalls: ToolCall[] = [];
  newEvents = 0;

  constructor(readonly c: EventCarry) {}

  private seenCall(kind: "c" | "r", callId: string | null): boolean {
    if (callId === null) return false;
    const key = `${kind}:${hashKey(callId)}`;
    if (this.c.call_ids.includes(key)) return true;
    pushBounded(this.c.call_ids, key, MAX_CALL_IDS);
    return false;
  }

  private setPhase(phase: ActivityState, reason: string): void {
    this.c.phase = phase;
    this.c.reason = reason;
  }

  private waitingNow(): boolean {
    return (
      this.c.phase === ActivityState.WAITING_PERMISSION ||
      this.c.phase === ActivityState.WAITING_INPUT
    );
  }

  private endTurnState(): void {
    this.c.open_calls = [];
    this.c.waiting = null;
  }

  private sight(text: string): void {
    const c = this.c;
    pushBounded(c.errors, { key: errorKey(text), text, seq: c.seq }, MAX_SIGHTINGS);
  }

  add(event: AgentEvent, index: number): void {
    const c = this.c;
    c.seq++;
    if (event.at) c.last_at = event.at;
    if (event.session_id) c.session_id = event.session_id;
    if (event.source === "codex_rollout") c.agent_kind = "codex";
    else if (event.source === "claude_transcript" || event.source === "claude_hook")
      c.agent_kind = "claude-code";
    if (event.type !== "usage") this.newEvents++;
    switch (event.type) {
      case "session_start":
        if (event.cwd) c.cwd = event.cwd;
        if (event.model) c.model = event.model;
        this.endTurnState();
        c.last_text = null;
        this.setPhase(ActivityState.IDLE, "the session started");
        return;
      case "session_end":
        this.endTurnState();
        this.setPhase(
          ActivityState.EXITED,
          `the session ended${event.reason ? ` (${event.reason})` : ""}`,
        );
        return;
      case "user_prompt":
        c.first_user_message ??= cutChars(event.text.trim(), 500) || null;
        this.endTurnState();
        c.last_text = null;
        this.setPhase(ActivityState.WORKING, "the user sent a prompt");
        return;
      case "assistant_text":
        c.last_text = cutChars(event.text.slice(-1000), 1000);
        c.preview = cutChars(event.text.replace(/\s+/g, " ").trim().slice(-200), 200);
        if (!this.waitingNow()) this.setPhase(ActivityState.WORKING, "the agent is writing");
        return;
      case "tool_call":
        return this.toolCall(event, index);
      case "tool_result":
        return this.toolResult(event);
      case "permission_request":
        c.waiting = { kind: "permission", tool: event.tool, text: event.message, since: event.at };
        this.setPhase(
          ActivityState.WAITING_PERMISSION,
          `waiting for permission${event.tool ? ` to use ${event.tool}` : ""}`,
        );
        return;
      case "question":
        c.waiting = { kind: "question", tool: null, text: event.text, since: event.at };
        this.setPhase(ActivityState.WAITING_INPUT, "the agent asked a question");
        return;
      case "turn_end": {
        this.endTurnState();
        const question = trailingQuestion(c.last_text);
        if (question) {
          c.waiting = { kind: "question", tool: null, text: question, since: event.at };
          this.setPhase(ActivityState.WAITING_INPUT, "the turn ended with a question to the user");
        } else this.setPhase(ActivityState.IDLE, "the turn ended");
        return;
      }
      case "usage": {
        c.model = event.model;
        // Past MAX_MODELS, further models share one row that has no price (so the cost is null).
        const model = c.usage.length < MAX_MODELS - 1 ? event.model : OTHER_MODELS;
        let entry =
          c.usage.find((u) => u[0] === event.model) ?? c.usage.find((u) => u[0] === model);
        if (!entry) {
          entry = [model, 0, 0, 0, 0];
          c.usage.push(entry);
        }
        entry[1] += event.tokens.input;
        entry[2] += event.tokens.output;
        entry[3] += event.tokens.cache_read;
        entry[4] += event.tokens.cache_creation;
        return;
      }
      case "error": {
        this.sight(cutChars(event.message.replace(/\s+/g, " ").trim(), 300));
        if (event.rate_limited)
          this.setPhase(ActivityState.RATE_LIMITED, "a rate or usage limit was hit");
        else if (!isRetryMessage(event.message))
          this.setPhase(ActivityState.ERRORED, "an API error ended the turn");
        return;
      }
    }
  }

  private toolCall(event: Extract<AgentEvent, { type: "tool_call" }>, index: number): void {
    const c = this.c;
    if (this.seenCall("c", event.call_id)) return;
    const tool = event.tool;
    const argument = argumentOf(event);
    this.toolCalls.push({ tool, argument, line: index });
    if (this.toolCalls.length > 200) this.toolCalls.splice(0, 100);
    c.last_tool = tool;
    c.recent_tools.push(tool);
    if (c.recent_tools.length > RECENT_TOOLS)
      c.recent_tools.splice(0, c.recent_tools.length - RECENT_TOOLS);
    const run = c.tool_run;
    if (run && run.tool === tool && run.argument === argument) run.count++;
    else c.tool_run = { tool, argument, count: 1 };
    const input = event.input;
    const paths = input.file_paths ?? (input.file_path ? [input.file_path] : []);
    for (const path of paths) addRecent(c.files, cutChars(path, MAX_ARGUMENT_CHARS), MAX_FILES);
    if (input.command)
      addRecent(
        c.commands,
        cutChars(input.command.replace(/\s+/g, " ").trim(), MAX_ARGUMENT_CHARS),
        MAX_COMMANDS,
      );
    if (input.file_path && input.new_text !== null) {
      c.edits.push({
        call_id: event.call_id,
        file: input.file_path,
        old_text: input.old_text === null ? null : cutMiddle(input.old_text, EDIT_TEXT_CHARS),
        new_text: cutMiddle(input.new_text, EDIT_TEXT_CHARS),
      });
      if (c.edits.length > MAX_EDITS) c.edits.splice(0, c.edits.length - MAX_EDITS);
    }
    c.open_calls.push({
      call_id: event.call_id,
      tool,
      argument,
      since: event.at,
      shell: SHELL_TOOLS.has(tool) || input.command !== null,
    });
    if (c.open_calls.length > MAX_OPEN_CALLS)
      c.open_calls.splice(0, c.open_calls.length - MAX_OPEN_CALLS);
    if (c.phase !== ActivityState.WAITING_PERMISSION && c.phase !== ActivityState.WAITING_INPUT)
      this.setPhase(ActivityState.WORKING, `tool call ${tool} has no result yet`);
  }

  private toolResult(event: Extract<AgentEvent, { type: "tool_result" }>): void {
    const c = this.c;
    if (this.seenCall("r", event.call_id)) return;
    const at =
      event.call_id === null
        ? c.open_calls.length - 1
        : c.open_calls.findIndex((o) => o.call_id === event.call_id);
    const call = at >= 0 ? c.open_calls.splice(at, 1)[0]! : null;
    if (event.is_error) {
      this.sight(errorTextOf(event.excerpt));
      if (event.call_id !== null) c.edits = c.edits.filter((e) => e.call_id !== event.call_id);
    }
    if (call?.shell || (call === null && event.excerpt.length > 0)) {
      const tests = testsIn(event.excerpt);
      if (tests) c.tests = tests;
    }
    if (!c.preview && event.excerpt)
      c.preview = cutChars(event.excerpt.replace(/\s+/g, " ").trim().slice(-200), 200);
    c.waiting = null;
    const next = c.open_calls[c.open_calls.length - 1];
    this.setPhase(
      ActivityState.WORKING,
      next ? `tool call ${next.tool} has no result yet` : "a tool call came back",
    );
  }

  errors(): { errors: ErrorCount[]; loop: ActivityLoop | null } {
    const since = this.c.seq - ERROR_WINDOW_EVENTS;
    const groups = new Map<string, { text: string; count: number; first: number; last: number }>();
    for (const s of this.c.errors) {
      if (s.seq <= since) continue;
      const g = groups.get(s.key);
      if (g) {
        g.count++;
        g.text = s.text;
        g.last = s.seq;
      } else groups.set(s.key, { text: s.text, count: 1, first: s.seq, last: s.seq });
    }
    this.c.errors = this.c.errors.filter((s) => s.seq > since).slice(-MAX_SIGHTINGS);
    const ordered = [...groups.values()].sort((a, b) => a.last - b.last);
    let worst: (typeof ordered)[number] | null = null;
    for (const g of ordered)
      if (g.count >= ERROR_LOOP_COUNT && (!worst || g.count > worst.count)) worst = g;
    return {
      errors: ordered.slice(-20).map((g) => ({ text: g.text, count: g.count })),
      loop: worst ? { kind: "error", what: worst.text, count: worst.count } : null,
    };
  }
}

function usageSummary(usage: readonly ModelUsage[], prices: PriceTable) {
  const tokens = emptyTokenUsage();
  const byModel: ModelUsageSummary[] = [];
  const unpriced: string[] = [];
  let cost = 0;
  for (const [model, input, output, cache_read, cache_creation] of usage) {
    const t = { input, output, cache_read, cache_creation };
    tokens.input += input;
    tokens.output += output;
    tokens.cache_read += cache_read;
    tokens.cache_creation += cache_creation;
    const modelCost = costOf(model, t, prices);
    if (modelCost === null) unpriced.push(model);
    else cost += modelCost;
    byModel.push({ model, tokens: t, cost_usd: modelCost });
  }
  const size = (s: ModelUsageSummary) =>
    s.tokens.input + s.tokens.output + s.tokens.cache_read + s.tokens.cache_creation;
  byModel.sort((a, b) => size(b) - size(a));
  return { tokens, byModel, unpriced, cost: unpriced.length > 0 ? null : cost };
}

/**
 * Measures what an agent is doing from the events of its structured sources (a Claude Code
 * transcript, a Codex rollout, Claude Code hooks), as an `ActivityAnalysis` plus usage and cost.
 *
 * Events are the truth for tools (`last_tool_used`, `recent_tools`, `tool_calls` with the command,
 * path or pattern as `argument`), `files_touched`, `commands_run`, test results (read from the
 * output of shell commands the way `analyzeActivity` reads a screen), errors and loops, `edits`
 * and `first_user_message`. The state: a tool call with no result → working; a permission request
 * → waiting_permission until the next tool result, prompt, turn end or session event; a question
 * (AskUserQuestion, an elicitation) → waiting_input; a turn end → idle, or waiting_input when the
 * agent's last text ends with a question; a rate limit → rate_limited; an API error that ended the
 * turn → errored; a session end → exited; a prompt → working. When the last thing said is the
 * agent's text with nothing pending and the agent has been quiet for `quietSeconds`, the turn is
 * taken as ended (`state_reason` starts with `quiet:`); an edit, read or search with no result
 * for `APPROVAL_QUIET_SECONDS` (10 s; a fetch 30 s; or `quietSeconds` when shorter) is taken as
 * waiting for approval (they finish at once when allowed). A tool call or result reported by two
 * sources (transcript and hooks, same call id) counts once. Pass the result back as `previous`:
 * everything carries over in bounded, JSON-serialisable state. Pure: the time comes in as `now`.
 *
 * @throws {InvalidTranscriptInputError} if `events` is not an array or `now`/`lastOutputAt` is not
 *   a valid Date (or null, for `lastOutputAt`).
 * @example
 * const analysis = analyzeEvents(events, { now: new Date(), lastOutputAt: mtime, previous });
 * analysis.state; // "waiting_permission"
 * analysis.cost_usd; // 0.4213
 */
export function analyzeEvents(
  events: readonly AgentEvent[],
  options: AnalyzeEventsOptions,
): EventAnalysis {
  if (!Array.isArray(events))
    throw new InvalidTranscriptInputError(
      `analyzeEvents: events must be an array of AgentEvent (got ${describe(events)})`,
      "events",
    );
  if (!isObject(options))
    throw new InvalidTranscriptInputError(
      `analyzeEvents: options must be an object with now and lastOutputAt (got ${describe(options)})`,
      "options",
    );
  const now = checkDate(options.now, "now", false)!;
  const lastOutputAt = checkDate(options.lastOutputAt, "lastOutputAt", true);
  const previous = isObject(options.previous) ? (options.previous as Partial<EventAnalysis>) : null;
  const prices = options.prices ?? DEFAULT_PRICES;
  const quietSeconds =
    typeof options.quietSeconds === "number" && options.quietSeconds >= 0
      ? options.quietSeconds
      : DEFAULT_QUIET_SECONDS;
  const carry = readEventCarry(previous?.events_carry);
  const folder = new EventFolder(carry);
  events.forEach((event, index) => {
    if (isObject(event) && typeof event.type === "string")
      folder.add(event as unknown as AgentEvent, index);
  });
  const { errors, loop: errorLoop } = folder.errors();

  const lastMs = lastOutputAt?.getTime() ?? (carry.last_at ? Date.parse(carry.last_at) : NaN);
  const idleSeconds = Number.isFinite(lastMs) ? Math.max(0, now.getTime() - lastMs) / 1000 : 0;

  let state = carry.phase;
  let reason = carry.reason;
  let waiting = carry.waiting;
  if (
    state === ActivityState.WORKING &&
    carry.open_calls.length === 0 &&
    carry.last_text !== null &&
    idleSeconds >= quietSeconds
  ) {
    const question = trailingQuestion(carry.last_text);
    state = question ? ActivityState.WAITING_INPUT : ActivityState.IDLE;
    waiting = question
      ? { kind: "question", tool: null, text: question, since: carry.last_at }
      : null;
    reason = `quiet: no event for ${Math.round(idleSeconds)} s after the agent's text${question ? ", which asks a question" : ""}`;
  }
  const pending = carry.open_calls[carry.open_calls.length - 1];
  const approvalAfter = pending ? approvalSeconds(pending.tool, pending.argument) : null;
  if (
    state === ActivityState.WORKING &&
    pending !== undefined &&
    approvalAfter !== null &&
    idleSeconds >= Math.min(quietSeconds, approvalAfter)
  ) {
    // An edit, a read or a search takes milliseconds: one with no result for this long has not
    // run, it waits for the user to allow it (a dialog the session file does not record).
    state = ActivityState.WAITING_PERMISSION;
    waiting = {
      kind: "permission",
      tool: pending.tool,
      text: pending.argument ? `${pending.tool} ${pending.argument}` : pending.tool,
      since: pending.since,
    };
    reason = `quiet: ${pending.tool} has had no result for ${Math.round(idleSeconds)} s, so it waits for approval`;
  }
  const waitingState =
    state === ActivityState.WAITING_INPUT || state === ActivityState.WAITING_PERMISSION;
  const open = carry.open_calls[carry.open_calls.length - 1];
  const usage = usageSummary(carry.usage, prices);
  const run = carry.tool_run;
  const toolLoop: ActivityLoop | null =
    run && run.count >= TOOL_LOOP_COUNT
      ? { kind: "tool", what: `${run.tool}(${run.argument})`, count: run.count }
      : null;
  const edits: FileEdit[] = carry.edits.map(({ file, old_text, new_text }) => ({
    file,
    old_text,
    new_text,
  }));
  const terminalCarry = isObject(previous?.carry)
    ? (previous.carry as ActivityCarry)
    : emptyActivityCarry();

  const analysis: EventAnalysis = {
    agent_kind: carry.agent_kind ?? "unknown",
    state,
    prompt: waitingState ? (waiting?.text ?? null) : null,
    last_tool_used: carry.last_tool,
    recent_tools: [...carry.recent_tools],
    tool_calls: folder.toolCalls.slice(-100),
    errors,
    loop: toolLoop ?? errorLoop,
    output_preview: carry.preview,
    idle_duration_seconds: idleSeconds,
    files_touched: [...carry.files],
    commands_run: [...carry.commands],
    tests: carry.tests,
    new_output_lines: folder.newEvents,
    first_user_message: carry.first_user_message,
    carry: terminalCarry,
    tokens: usage.tokens,
    cost_usd: usage.cost,
    usage_by_model: usage.byModel,
    unpriced_models: usage.unpriced,
    session_id: carry.session_id,
    cwd: carry.cwd,
    model: carry.model,
    pending_tool: open
      ? { tool: open.tool, argument: open.argument, call_id: open.call_id, since: open.since }
      : null,
    waiting: waitingState ? waiting : null,
    state_reason: reason,
    last_event_at: carry.last_at,
    events_carry: carry,
  };
  if (edits.length > 0) analysis.edits = edits;
  return analysis;
}
