import { type AgentEvent, AgentEventSource, type TokenUsage } from "@agentwatch/models";
import type { ParsedPage } from "./claude-parser.js";
import { commandText, codexToolInput } from "./codex-tools.js";
import { checkLines } from "./errors.js";
import { parseJsonLine } from "./json-line.js";
import {
  type ParseStats,
  emptyParseStats,
  markIgnored,
  markUnusable,
  pushBounded,
  readParseStats,
  readStrings,
} from "./parse-stats.js";
import { isRateLimited } from "./rate-limit.js";
import {
  EXCERPT_CHARS,
  MESSAGE_CHARS,
  count,
  cutMiddle,
  hashKey,
  isObject,
  isoOrNull,
  str,
} from "./text.js";
import { emptyToolInput } from "./tool-input.js";

/** Lines within which the same text from a `response_item` and an `event_msg` is one message. */
const ECHO_LINES = 12;
/** Recent texts remembered for that. */
const RECENT_TEXTS = 8;

/**
 * Where a Codex CLI rollout parser stands: JSON-serialisable and bounded (under 2 KiB). Store it
 * with the position of the last line given; `readCodexParseState` restores it from JSON.
 */
export interface CodexParseState {
  version: 1;
  format: "codex";
  /** The session id from `session_meta`. */
  session_id: string | null;
  /** The model from the last `turn_context`, for the usage that follows. */
  model: string | null;
  /** The working directory from `session_meta` or `turn_context`. */
  cwd: string | null;
  /** Sessions a `session_start` was emitted for (the last 4). */
  started: string[];
  /** Recent user and assistant texts as `u:<hash>@<line>` (Codex writes most twice). */
  recent_texts: string[];
  /** The last cumulative token count, to skip a repeated `token_count`. */
  last_total: [input: number, cached: number, output: number, reasoning: number] | null;
  /** Whether the last rate-limit snapshot showed a window used up. */
  limit_hit: boolean;
  /**
   * The model response being read: `open` (nothing yet), `said` (an assistant message and no
   * tool call so far), `tool` (a tool call, so the turn goes on), `ended` (a turn end was given).
   */
  response: CodexResponse;
  stats: ParseStats;
}

/** Where the model response being read stands (see `CodexParseState.response`). */
export type CodexResponse = "open" | "said" | "tool" | "ended";
const RESPONSES: readonly CodexResponse[] = ["open", "said", "tool", "ended"];

/** A Codex parse state that has seen nothing. */
export function createCodexParseState(): CodexParseState {
  return {
    version: 1,
    format: "codex",
    session_id: null,
    model: null,
    cwd: null,
    started: [],
    recent_texts: [],
    last_total: null,
    limit_hit: false,
    response: "open",
    stats: emptyParseStats(),
  };
}

/** Restores a Codex parse state from stored JSON, defensively (malformed parts start fresh). */
export function readCodexParseState(value: unknown): CodexParseState {
  const state = createCodexParseState();
  if (!isObject(value) || value.version !== 1 || value.format !== "codex") return state;
  state.session_id = str(value.session_id, 200);
  state.model = str(value.model, 200);
  state.cwd = str(value.cwd);
  state.started = readStrings(value.started, 4, 200);
  state.recent_texts = readStrings(value.recent_texts, RECENT_TEXTS, 40);
  const total = value.last_total;
  if (Array.isArray(total) && total.length === 4 && total.every((n) => count(n) === n))
    state.last_total = total as CodexParseState["last_total"];
  state.limit_hit = value.limit_hit === true;
  if (RESPONSES.includes(value.response as CodexResponse))
    state.response = value.response as CodexResponse;
  state.stats = readParseStats(value.stats);
  return state;
}

type Obj = Record<string, unknown>;

const CONTEXT_TEXT =
  /^\s*(?:<environment_context>|<user_instructions>|<INSTRUCTIONS>|<user_shell_command>|<turn_aborted>|# AGENTS\.md instructions|<permissions instructions>)/;
const RESPONSE_ITEM_TYPES = new Set([
  "message",
  "function_call",
  "function_call_output",
  "custom_tool_call",
  "custom_tool_call_output",
  "local_shell_call",
  "reasoning",
  "web_search_call",
]);

class CodexLine {
  readonly events: AgentEvent[] = [];
  constructor(
    readonly state: CodexParseState,
    readonly at: string | null,
  ) {}
  readonly source = AgentEventSource.CODEX_ROLLOUT;
  push(event: AgentEvent): void {
    this.events.push(event);
  }
}

/** Whether `text` of `kind` was seen in the last few lines (Codex writes a message twice). */
function echoed(line: CodexLine, kind: "u" | "a", text: string): boolean {
  const state = line.state;
  const key = `${kind}:${hashKey(text)}`;
  const now = state.stats.lines;
  for (const seen of state.recent_texts) {
    const at = seen.lastIndexOf("@");
    if (seen.slice(0, at) === key && now - Number(seen.slice(at + 1)) <= ECHO_LINES) return true;
  }
  pushBounded(state.recent_texts, `${key}@${now}`, RECENT_TEXTS);
  return false;
}

function userPrompt(line: CodexLine, raw: string): void {
  const text = raw.trim();
  if (text === "" || CONTEXT_TEXT.test(text) || echoed(line, "u", text)) return;
  line.state.response = "open";
  line.push({
    at: line.at,
    source: line.source,
    session_id: line.state.session_id,
    type: "user_prompt",
    text: cutMiddle(text, MESSAGE_CHARS),
  });
}

function assistantText(line: CodexLine, raw: string): void {
  const text = raw.trim();
  if (text === "" || echoed(line, "a", text)) return;
  line.push({
    at: line.at,
    source: line.source,
    session_id: line.state.session_id,
    type: "assistant_text",
    text: cutMiddle(text, MESSAGE_CHARS),
  });
}

function sessionStart(
  line: CodexLine,
  id: string | null,
  cwd: string | null,
  version: string | null,
  branch: string | null,
): void {
  const state = line.state;
  if (id) state.session_id = id;
  if (cwd) state.cwd = cwd;
  const key = state.session_id ?? "";
  if (state.started.includes(key)) return;
  state.started.push(key);
  if (state.started.length > 4) state.started.shift();
  line.push({
    at: line.at,
    source: line.source,
    session_id: line.state.session_id,
    type: "session_start",
    cwd: state.cwd,
    version,
    model: state.model,
    git_branch: branch,
  });
}

function sessionMeta(line: CodexLine, payload: Obj): void {
  const git = isObject(payload.git) ? payload.git : {};
  sessionStart(
    line,
    str(payload.id, 200),
    str(payload.cwd),
    str(payload.cli_version, 100),
    str(git.branch, 500),
  );
}

function messageText(content: unknown, types: readonly string[]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter(
      (c): c is Obj =>
        isObject(c) && types.includes(c.type as string) && typeof c.text === "string",
    )
    .map((c) => c.text as string)
    .filter((t) => !CONTEXT_TEXT.test(t))
    .join("\n");
}

function parseArguments(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (!text.startsWith("{")) return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return value;
  }
}

const EXIT_CODE = /^(?:Exit code|Process exited with code):?\s*(-?\d+)/m;
const FAILURE =
  /^(?:error|execution error|failed to|aborted|patch rejected|apply_patch verification failed|sandbox error)\b/i;

/** The text and failure of a function call's output: JSON `{output, metadata.exit_code}` or plain text. */
export function codexOutput(output: unknown): { text: string; isError: boolean } {
  if (isObject(output)) {
    const text =
      typeof output.content === "string"
        ? output.content
        : typeof output.output === "string"
          ? output.output
          : "";
    return { text, isError: output.success === false };
  }
  if (typeof output !== "string") return { text: "", isError: false };
  if (output.trimStart().startsWith("{")) {
    try {
      const parsed = JSON.parse(output) as unknown;
      if (isObject(parsed) && typeof parsed.output === "string") {
        const meta = isObject(parsed.metadata) ? parsed.metadata : {};
        const code = meta.exit_code;
        return {
          text: parsed.output,
          isError: (typeof code === "number" && code !== 0) || parsed.success === false,
        };
      }
    } catch {
      // plain text that starts with a brace
    }
  }
  const exit = EXIT_CODE.exec(output.slice(0, 500));
  const body = output.indexOf("\nOutput:\n");
  const text = body >= 0 && body < 500 ? output.slice(body + 9) : output;
  if (exit) return { text, isError: Number(exit[1]) !== 0 };
  return { text, isError: FAILURE.test(output.trimStart()) };
}

function responseItem(line: CodexLine, item: Obj): void {
  const stats = line.state.stats;
  switch (item.type) {
    case "message": {
      if (item.role === "user") userPrompt(line, messageText(item.content, ["input_text", "text"]));
      else if (item.role === "assistant") {
        assistantText(line, messageText(item.content, ["output_text", "text"]));
        if (line.state.response === "open") line.state.response = "said";
        // newer Codex marks the message that ends the turn (`phase: "final_answer"`, `end_turn`)
        if (item.phase === "final_answer" || item.end_turn === true) turnEnd(line);
      } else markIgnored(stats, `message:${String(item.role)}`);
      break;
    }
    case "function_call":
    case "custom_tool_call": {
      const name = str(item.name, 200) ?? "unknown";
      const args = item.type === "custom_tool_call" ? item.input : parseArguments(item.arguments);
      line.state.response = "tool";
      line.push({
        at: line.at,
        source: line.source,
        session_id: line.state.session_id,
        type: "tool_call",
        call_id: str(item.call_id, 200) ?? str(item.id, 200),
        tool: name,
        input: codexToolInput(name, args),
      });
      break;
    }
    case "local_shell_call": {
      const action = isObject(item.action) ? item.action : {};
      const input = emptyToolInput();
      input.command = commandText(action.command);
      line.state.response = "tool";
      line.push({
        at: line.at,
        source: line.source,
        session_id: line.state.session_id,
        type: "tool_call",
        call_id: str(item.call_id, 200) ?? str(item.id, 200),
        tool: "local_shell",
        input,
      });
      break;
    }
    case "function_call_output":
    case "custom_tool_call_output": {
      const { text, isError } = codexOutput(item.output);
      line.push({
        at: line.at,
        source: line.source,
        session_id: line.state.session_id,
        type: "tool_result",
        call_id: str(item.call_id, 200),
        is_error: isError,
        excerpt: cutMiddle(text, EXCERPT_CHARS),
      });
      break;
    }
    case "web_search_call": {
      const action = isObject(item.action) ? item.action : {};
      const input = emptyToolInput();
      input.pattern = str(action.query) ?? str(action.url);
      line.state.response = "tool";
      line.push({
        at: line.at,
        source: line.source,
        session_id: line.state.session_id,
        type: "tool_call",
        call_id: str(item.id, 200),
        tool: "web_search",
        input,
      });
      break;
    }
    default:
      markIgnored(stats, `response_item:${String(item.type)}`);
  }
}

/** Ends the turn: a `turn_end` event, once per turn. */
function turnEnd(line: CodexLine): void {
  line.state.response = "ended";
  line.push({
    at: line.at,
    source: line.source,
    session_id: line.state.session_id,
    type: "turn_end",
  });
}

/**
 * A `token_count` closes one model response. Codex asks the model again only when a response
 * called a tool, so a response that said something and called none ended the turn, also in
 * the versions that do not write `task_complete` to the rollout.
 */
function responseDone(line: CodexLine): void {
  const state = line.state;
  if (state.response === "said") turnEnd(line);
  else if (state.response === "tool") state.response = "open";
}

function tokenCount(line: CodexLine, payload: Obj): void {
  countTokens(line, payload);
  if (isObject(payload.info)) responseDone(line);
}

function countTokens(line: CodexLine, payload: Obj): void {
  const state = line.state;
  limits(line, payload.rate_limits);
  const info = payload.info;
  if (!isObject(info)) return markIgnored(state.stats, "event_msg:token_count");
  const read = (u: unknown) =>
    isObject(u)
      ? ([
          count(u.input_tokens),
          count(u.cached_input_tokens ?? u.cache_read_input_tokens),
          count(u.output_tokens),
          count(u.reasoning_output_tokens),
        ] as const)
      : null;
  const total = read(info.total_token_usage);
  const previous = state.last_total;
  if (total && previous && total.every((n, i) => n === previous[i])) {
    state.stats.duplicates++; // the same count written again (a rate-limit update)
    return;
  }
  let last = read(info.last_token_usage);
  if (!last && total)
    last = [0, 1, 2, 3].map((i) =>
      Math.max(0, total[i]! - (previous?.[i] ?? 0)),
    ) as unknown as typeof last;
  if (total) state.last_total = [...total];
  if (!last) return markIgnored(state.stats, "event_msg:token_count");
  const [input, cached, output] = last;
  const tokens: TokenUsage = {
    input: Math.max(0, input - cached),
    output,
    cache_read: Math.min(cached, input),
    cache_creation: 0,
  };
  if (tokens.input + tokens.output + tokens.cache_read === 0) return;
  line.push({
    at: line.at,
    source: line.source,
    session_id: line.state.session_id,
    type: "usage",
    model: state.model ?? "unknown",
    tokens,
  });
}

function limits(line: CodexLine, rateLimits: unknown): void {
  if (!isObject(rateLimits)) return;
  const windows = [rateLimits.primary, rateLimits.secondary].filter(isObject);
  const full = windows.find((w) => typeof w.used_percent === "number" && w.used_percent >= 100);
  const state = line.state;
  if (full && !state.limit_hit) {
    const minutes =
      typeof full.window_minutes === "number" ? ` (${full.window_minutes}-minute window)` : "";
    line.push({
      at: line.at,
      source: line.source,
      session_id: line.state.session_id,
      type: "error",
      message: `usage limit reached${minutes}`,
      rate_limited: true,
    });
  }
  state.limit_hit = full !== undefined;
}

function eventMsg(line: CodexLine, payload: Obj): void {
  const type = String(payload.type);
  switch (type) {
    case "token_count":
      return tokenCount(line, payload);
    case "user_message":
      if (typeof payload.message === "string") userPrompt(line, payload.message);
      return;
    case "agent_message":
      if (typeof payload.message === "string") assistantText(line, payload.message);
      if (line.state.response === "open") line.state.response = "said";
      return;
    case "task_complete":
    case "turn_complete":
      if (line.state.response !== "ended") turnEnd(line);
      return;
    case "turn_aborted":
      turnEnd(line);
      return;
    case "error":
    case "stream_error": {
      const raw = str(payload.message, MESSAGE_CHARS) ?? type;
      const message =
        type === "stream_error" && !/retry/i.test(raw) ? `stream error (retrying): ${raw}` : raw;
      line.push({
        at: line.at,
        source: line.source,
        session_id: line.state.session_id,
        type: "error",
        message,
        rate_limited: isRateLimited(message),
      });
      return;
    }
    case "exec_approval_request":
      line.push({
        at: line.at,
        source: line.source,
        session_id: line.state.session_id,
        type: "permission_request",
        tool: "shell",
        message: commandText(payload.command) ?? str(payload.reason, MESSAGE_CHARS),
      });
      return;
    case "apply_patch_approval_request": {
      const files = isObject(payload.changes) ? Object.keys(payload.changes).join(", ") : null;
      line.push({
        at: line.at,
        source: line.source,
        session_id: line.state.session_id,
        type: "permission_request",
        tool: "apply_patch",
        message: str(files, MESSAGE_CHARS) ?? str(payload.reason, MESSAGE_CHARS),
      });
      return;
    }
    case "request_user_input": {
      const text =
        str(payload.question, MESSAGE_CHARS) ??
        str(payload.message, MESSAGE_CHARS) ??
        "Codex asks for input";
      line.push({
        at: line.at,
        source: line.source,
        session_id: line.state.session_id,
        type: "question",
        text,
      });
      return;
    }
    default:
      markIgnored(line.state.stats, `event_msg:${type}`);
  }
}

/**
 * Parses one line of a Codex CLI rollout (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`) into
 * events, updating `state` in place.
 *
 * Lines are `{timestamp, type, payload}`: `session_meta` gives a `session_start`; `turn_context`
 * the model (and cwd) for what follows; `response_item` user and assistant messages, tool calls
 * (`shell`, `exec_command`, `apply_patch` with the files and texts of its patch, ...) and their
 * outputs (failure from the exit code); `event_msg` the per-turn token usage
 * (`info.last_token_usage`, cached input counted as cache reads), turn ends, errors and rate limits,
 * approval requests. A message Codex writes both as a `response_item` and an `event_msg` is one
 * event. Older rollouts without the envelope (a bare first line of session metadata, bare response
 * items) are read too. Reasoning, compaction and unknown types are counted in `state.stats`, as
 * are lines it cannot use; it never throws because of a line's content.
 *
 * @example
 * const state = createCodexParseState();
 * for (const line of lines) events.push(...parseCodexLine(line, state));
 */
export function parseCodexLine(line: string, state: CodexParseState): AgentEvent[] {
  const stats = state.stats;
  stats.lines++;
  const parsed = parseJsonLine(line, stats);
  if (parsed === undefined) return [];
  const entry = parsed as Obj;
  const current = new CodexLine(state, isoOrNull(entry.timestamp));
  const type = entry.type;
  const payload = isObject(entry.payload) ? entry.payload : null;
  if (payload && typeof type === "string") {
    switch (type) {
      case "session_meta":
        sessionMeta(current, isObject(payload.meta) ? payload.meta : payload);
        break;
      case "turn_context":
        state.model = str(payload.model, 200) ?? state.model;
        state.cwd = str(payload.cwd) ?? state.cwd;
        if (state.started.length === 0) sessionStart(current, null, null, null, null);
        break;
      case "response_item":
        responseItem(current, payload);
        break;
      case "event_msg":
        eventMsg(current, payload);
        break;
      default:
        markIgnored(stats, type);
    }
  } else if (typeof type === "string" && RESPONSE_ITEM_TYPES.has(type)) {
    responseItem(current, entry); // an older rollout: bare response items
  } else if (typeof type !== "string" && typeof entry.id === "string" && "timestamp" in entry) {
    sessionMeta(current, entry); // an older rollout's first line
  } else if (entry.record_type === "state") {
    markIgnored(stats, "state");
  } else if (typeof type === "string") {
    markIgnored(stats, type);
  } else {
    markUnusable(stats, "no entry type");
  }
  stats.events += current.events.length;
  return current.events;
}

/**
 * Parses a page of complete lines of a Codex rollout, continuing from `state` (as stored after the
 * previous page, `null` to start), without modifying it.
 *
 * @throws {InvalidTranscriptInputError} if `lines` is not an array of strings.
 * @example
 * const { events, state } = parseCodexLines(page.lines, stored ?? null);
 */
export function parseCodexLines(
  lines: readonly string[],
  state: unknown,
): ParsedPage<CodexParseState> {
  checkLines(lines, "parseCodexLines");
  const next = readCodexParseState(state);
  const events: AgentEvent[] = [];
  for (const line of lines) for (const event of parseCodexLine(line, next)) events.push(event);
  return { events, state: next };
}
