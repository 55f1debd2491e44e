import { type AgentEvent, AgentEventSource, type TokenUsage } from "@agentwatch/models";
import { checkLines } from "./errors.js";
import {
  type ParseStats,
  emptyParseStats,
  markIgnored,
  markUnusable,
  pushBounded,
  readHashes,
  readParseStats,
  readStrings,
} from "./parse-stats.js";
import { isRateLimited } from "./rate-limit.js";
import { askQuestionText, claudeToolInput } from "./tool-input.js";
import {
  EXCERPT_CHARS,
  MESSAGE_CHARS,
  contentText,
  count,
  cutChars,
  cutMiddle,
  hash53,
  isObject,
  isoOrNull,
  str,
} from "./text.js";
import { parseJsonLine } from "./json-line.js";

/** Entry ids remembered to recognise a repeated line (a resumed session's copied history). */
export const SEEN_LINES = 1024;
/** Messages whose usage is remembered, to count it once. */
export const SEEN_MESSAGES = 1024;
/** Recent messages whose counted usage is kept, so a later line of the same message adds only what grew. */
const RECENT_MESSAGES = 32;
/** Sessions remembered as started. */
const STARTED_SESSIONS = 8;

/** A recent message: its hashed key, the usage counted for it so far, and whether its turn ended. */
export type CountedMessage = [
  key: number,
  input: number,
  output: number,
  cache_read: number,
  cache_creation: number,
  ended: 0 | 1,
];

/**
 * Where a Claude Code transcript parser stands: JSON-serialisable and bounded (a few tens of KiB
 * at most). Store it with the position of the last line given, and pass it back with the next
 * lines; `readClaudeParseState` restores it from JSON.
 */
export interface ClaudeParseState {
  version: 1;
  format: "claude";
  /** The session id of the last entry that named one. */
  session_id: string | null;
  /** Sessions a `session_start` was emitted for (the last 8). */
  started: string[];
  /** Hashed ids (`uuid`) of the last entries taken, to skip a repeated line (a ring of 1,024). */
  seen_lines: number[];
  /** Where the next id goes in `seen_lines`. */
  seen_lines_next: number;
  /** Hashed message id + request id of the last messages whose usage was counted (a ring of 1,024). */
  seen_messages: number[];
  /** Where the next key goes in `seen_messages`. */
  seen_messages_next: number;
  /** The usage counted for the most recent messages. */
  recent_messages: CountedMessage[];
  stats: ParseStats;
}

/** A Claude Code parse state that has seen nothing. */
export function createClaudeParseState(): ClaudeParseState {
  return {
    version: 1,
    format: "claude",
    session_id: null,
    started: [],
    seen_lines: [],
    seen_lines_next: 0,
    seen_messages: [],
    seen_messages_next: 0,
    recent_messages: [],
    stats: emptyParseStats(),
  };
}

/**
 * Restores a Claude Code parse state from stored JSON, defensively: whatever is malformed starts
 * fresh rather than throwing (the worst outcome is a usage counted again or a session_start
 * repeated).
 */
export function readClaudeParseState(value: unknown): ClaudeParseState {
  const state = createClaudeParseState();
  if (!isObject(value) || value.version !== 1 || value.format !== "claude") return state;
  state.session_id = str(value.session_id, 200);
  state.started = readStrings(value.started, STARTED_SESSIONS, 200);
  state.seen_lines = readHashes(value.seen_lines, SEEN_LINES);
  state.seen_lines_next = ringNext(value.seen_lines_next, state.seen_lines.length, SEEN_LINES);
  state.seen_messages = readHashes(value.seen_messages, SEEN_MESSAGES);
  state.seen_messages_next = ringNext(
    value.seen_messages_next,
    state.seen_messages.length,
    SEEN_MESSAGES,
  );
  if (Array.isArray(value.recent_messages))
    state.recent_messages = value.recent_messages
      .filter(
        (m): m is CountedMessage =>
          Array.isArray(m) &&
          m.length === 6 &&
          typeof m[0] === "number" &&
          m.slice(1).every((n) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0),
      )
      .slice(-RECENT_MESSAGES)
      .map((m) => [...m] as CountedMessage); // counted in place: never the caller's arrays
  state.stats = readParseStats(value.stats);
  return state;
}

// Sets of the remembered keys, built once per state object (the arrays stay the truth).
const lineSets = new WeakMap<number[], Set<number>>();

function seenSet(list: number[]): Set<number> {
  let set = lineSets.get(list);
  if (!set) {
    set = new Set(list);
    lineSets.set(list, set);
  }
  return set;
}

function ringNext(value: unknown, length: number, max: number): number {
  if (length < max) return length; // still filling: the next key is appended
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value < max
    ? value
    : 0;
}

/**
 * Adds `key` (not yet in it) to a ring of remembered keys and its set: the ring holds the last
 * `max` keys, overwriting the oldest, in O(1). Returns where the next key goes.
 */
function remember(list: number[], next: number, key: number, max: number): number {
  const set = seenSet(list);
  if (list.length < max) list.push(key);
  else {
    set.delete(list[next]!);
    list[next] = key;
  }
  set.add(key);
  return (next + 1) % max;
}

type Entry = Record<string, unknown>;

class ClaudeLine {
  readonly events: AgentEvent[] = [];
  readonly at: string | null;
  readonly sessionId: string | null;

  constructor(
    readonly entry: Entry,
    readonly state: ClaudeParseState,
  ) {
    this.at = isoOrNull(entry.timestamp);
    this.sessionId = str(entry.sessionId, 200) ?? state.session_id;
  }

  readonly source = AgentEventSource.CLAUDE_TRANSCRIPT;

  push(event: AgentEvent): void {
    this.events.push(event);
  }
}

/** Claude Code's markers of text it puts in a user entry that the user did not type. */
function userText(line: ClaudeLine, raw: string): void {
  const text = raw.trim();
  if (text === "") return;
  if (text.startsWith("[Request interrupted by user")) {
    line.push({ at: line.at, source: line.source, session_id: line.sessionId, type: "turn_end" });
    return;
  }
  if (text.startsWith("<command-name>") || text.startsWith("<command-message>")) {
    const name = /<command-name>\s*([^<]*?)\s*<\/command-name>/.exec(text)?.[1] ?? "";
    const args = /<command-args>([\s\S]*?)<\/command-args>/.exec(text)?.[1]?.trim() ?? "";
    const command = `${name.startsWith("/") ? "" : "/"}${name}${args ? ` ${args}` : ""}`;
    if (name)
      line.push({
        at: line.at,
        source: line.source,
        session_id: line.sessionId,
        type: "user_prompt",
        text: cutMiddle(command, MESSAGE_CHARS),
      });
    return;
  }
  if (text.startsWith("<bash-input>")) {
    const command = /<bash-input>([\s\S]*?)<\/bash-input>/.exec(text)?.[1] ?? "";
    line.push({
      at: line.at,
      source: line.source,
      session_id: line.sessionId,
      type: "user_prompt",
      text: cutMiddle(`!${command}`, MESSAGE_CHARS),
    });
    return;
  }
  if (/^<(?:local-command-|bash-std|system-reminder|task-notification)/.test(text)) return;
  line.push({
    at: line.at,
    source: line.source,
    session_id: line.sessionId,
    type: "user_prompt",
    text: cutMiddle(text, MESSAGE_CHARS),
  });
}

function toolResultText(block: Entry, toolUseResult: unknown, single: boolean): string {
  const text = contentText(block.content);
  if (text !== "" || !single) return text;
  if (typeof toolUseResult === "string") return toolUseResult;
  if (isObject(toolUseResult)) {
    const out = [toolUseResult.stdout, toolUseResult.stderr].filter(
      (s): s is string => typeof s === "string" && s !== "",
    );
    return out.join("\n");
  }
  return "";
}

function userEntry(line: ClaudeLine): void {
  const { entry } = line;
  const stats = line.state.stats;
  if (entry.isMeta === true) return markIgnored(stats, "user:meta");
  if (entry.isCompactSummary === true) return markIgnored(stats, "user:compact_summary");
  const message = entry.message;
  if (!isObject(message)) return markUnusable(stats, "user entry without a message object");
  const content = message.content;
  if (typeof content === "string") {
    userText(line, content);
    if (line.events.length === 0) markIgnored(stats, "user:other");
    return;
  }
  if (!Array.isArray(content)) return markUnusable(stats, "user message without content");
  let results = 0;
  for (const b of content) if (isObject(b) && b.type === "tool_result") results++;
  let texts = "";
  for (const block of content) {
    if (!isObject(block)) continue;
    if (block.type === "tool_result") {
      const text = toolResultText(block, entry.toolUseResult, results === 1);
      line.push({
        at: line.at,
        source: line.source,
        session_id: line.sessionId,
        type: "tool_result",
        call_id: str(block.tool_use_id, 200),
        is_error: block.is_error === true,
        excerpt: cutMiddle(text, EXCERPT_CHARS),
      });
    } else if (block.type === "text" && typeof block.text === "string") {
      texts += (texts ? "\n" : "") + block.text;
    }
  }
  if (texts) userText(line, texts);
  if (line.events.length === 0 && results === 0) markIgnored(stats, "user:other");
}

function apiErrorText(entry: Entry, message: Entry): string {
  const text = contentText(message.content).trim();
  if (text) return text;
  if (typeof entry.error === "string") return `API error: ${entry.error}`;
  return "API error";
}

const SYNTHETIC_ERROR =
  /^(?:API Error\b|Claude AI usage limit reached|You've hit your|.*\blimit reached\b)/i;

function usageOf(usage: Entry): TokenUsage {
  return {
    input: count(usage.input_tokens),
    output: count(usage.output_tokens),
    cache_read: count(usage.cache_read_input_tokens),
    cache_creation: count(usage.cache_creation_input_tokens),
  };
}

/** Counts the usage of a message once: new messages in full, later lines only by what grew. */
function countUsage(line: ClaudeLine, message: Entry, model: string): CountedMessage | null {
  const state = line.state;
  const { entry } = line;
  const id = str(message.id, 200);
  const request = str(entry.requestId, 200);
  const uuid = str(entry.uuid, 200);
  const key = hash53(
    id || request ? `${id ?? ""}\u0000${request ?? ""}` : `line\u0000${uuid ?? ""}`,
  );
  const tokens = isObject(message.usage) ? usageOf(message.usage) : null;
  let counted = state.recent_messages.find((m) => m[0] === key) ?? null;
  if (!counted) {
    if (seenSet(state.seen_messages).has(key)) {
      if (tokens) state.stats.duplicates++;
      return null; // counted long ago (a resumed session's copy)
    }
    counted = [key, 0, 0, 0, 0, 0];
    pushBounded(state.recent_messages, counted, RECENT_MESSAGES);
    state.seen_messages_next = remember(
      state.seen_messages,
      state.seen_messages_next,
      key,
      SEEN_MESSAGES,
    );
  }
  if (!tokens) return counted;
  const delta: TokenUsage = {
    input: Math.max(0, tokens.input - counted[1]),
    output: Math.max(0, tokens.output - counted[2]),
    cache_read: Math.max(0, tokens.cache_read - counted[3]),
    cache_creation: Math.max(0, tokens.cache_creation - counted[4]),
  };
  if (delta.input + delta.output + delta.cache_read + delta.cache_creation === 0) {
    if (counted[1] + counted[2] + counted[3] + counted[4] > 0) state.stats.duplicates++;
    return counted;
  }
  counted[1] += delta.input;
  counted[2] += delta.output;
  counted[3] += delta.cache_read;
  counted[4] += delta.cache_creation;
  line.push({
    at: line.at,
    source: line.source,
    session_id: line.sessionId,
    type: "usage",
    model,
    tokens: delta,
  });
  return counted;
}

function assistantEntry(line: ClaudeLine): void {
  const { entry } = line;
  const stats = line.state.stats;
  const message = entry.message;
  if (!isObject(message)) return markUnusable(stats, "assistant entry without a message object");
  const model = str(message.model, 200);
  if (
    entry.isApiErrorMessage === true ||
    (model === "<synthetic>" &&
      SYNTHETIC_ERROR.test(contentText(message.content).trimStart().slice(0, 200)))
  ) {
    const text = apiErrorText(entry, message);
    line.push({
      at: line.at,
      source: line.source,
      session_id: line.sessionId,
      type: "error",
      message: cutChars(text, MESSAGE_CHARS),
      rate_limited: isRateLimited(text, entry.apiErrorStatus ?? entry.error),
    });
    return;
  }
  const content = Array.isArray(message.content) ? message.content : [];
  for (const block of content) {
    if (!isObject(block)) continue;
    if (block.type === "text" && typeof block.text === "string") {
      const text = block.text.trim();
      if (text)
        line.push({
          at: line.at,
          source: line.source,
          session_id: line.sessionId,
          type: "assistant_text",
          text: cutMiddle(text, MESSAGE_CHARS),
        });
    } else if (block.type === "tool_use" && typeof block.name === "string" && block.name) {
      const tool = cutChars(block.name, 200);
      line.push({
        at: line.at,
        source: line.source,
        session_id: line.sessionId,
        type: "tool_call",
        call_id: str(block.id, 200),
        tool,
        input: claudeToolInput(tool, block.input),
      });
      if (tool === "AskUserQuestion") {
        const question = askQuestionText(block.input) ?? "Claude Code asks a question";
        line.push({
          at: line.at,
          source: line.source,
          session_id: line.sessionId,
          type: "question",
          text: question,
        });
      } else if (tool === "ExitPlanMode") {
        // Claude Code asks leave to carry the plan out ("Would you like to proceed?"): an
        // approval, like a tool's permission dialog, not a question with an answer of its own.
        const plan = isObject(block.input) ? str(block.input.plan, MESSAGE_CHARS) : null;
        line.push({
          at: line.at,
          source: line.source,
          session_id: line.sessionId,
          type: "permission_request",
          tool,
          message: cutMiddle(
            plan ? `Approve this plan?\n${plan}` : "Approve the plan?",
            MESSAGE_CHARS,
          ),
        });
      }
    }
  }
  if (model && model !== "<synthetic>") {
    const counted = countUsage(line, message, model);
    if (counted && message.stop_reason === "end_turn" && counted[5] === 0) {
      counted[5] = 1;
      line.push({ at: line.at, source: line.source, session_id: line.sessionId, type: "turn_end" });
    }
  }
  if (line.events.length === 0) markIgnored(stats, "assistant:other");
}

function systemEntry(line: ClaudeLine): void {
  const { entry } = line;
  const subtype = typeof entry.subtype === "string" ? entry.subtype : "";
  if (subtype === "api_error") {
    const error = isObject(entry.error) ? entry.error : {};
    const inner = isObject(error.error) ? error.error : {};
    const status = error.status ?? entry.apiErrorStatus;
    const detail =
      str(error.message, 500) ??
      str(inner.message, 500) ??
      (isObject(inner.error) ? str(inner.error.message, 500) : null) ??
      str(entry.content, 500) ??
      (isObject(error.cause) ? str(error.cause.code, 200) : null);
    const attempt = typeof entry.retryAttempt === "number" ? entry.retryAttempt : null;
    const max = typeof entry.maxRetries === "number" ? entry.maxRetries : null;
    const retry = attempt !== null ? ` (retry ${attempt}${max !== null ? `/${max}` : ""})` : "";
    const text = `API error${typeof status === "number" ? ` ${status}` : ""}${retry}${detail ? `: ${detail}` : ""}`;
    line.push({
      at: line.at,
      source: line.source,
      session_id: line.sessionId,
      type: "error",
      message: text,
      rate_limited: isRateLimited(text, status),
    });
    return;
  }
  if (subtype === "turn_duration") {
    line.push({ at: line.at, source: line.source, session_id: line.sessionId, type: "turn_end" });
    return;
  }
  if (entry.level === "error" && typeof entry.content === "string" && entry.content.trim()) {
    const text = cutChars(entry.content.trim(), MESSAGE_CHARS);
    line.push({
      at: line.at,
      source: line.source,
      session_id: line.sessionId,
      type: "error",
      message: text,
      rate_limited: isRateLimited(text),
    });
    return;
  }
  markIgnored(line.state.stats, subtype ? `system:${subtype}` : "system");
}

function sessionStart(line: ClaudeLine): void {
  const { entry, state } = line;
  const id = line.sessionId ?? "";
  if (typeof entry.cwd !== "string" || state.started.includes(id)) return;
  pushBounded(state.started, id, STARTED_SESSIONS);
  line.push({
    at: line.at,
    source: line.source,
    session_id: line.sessionId,
    type: "session_start",
    cwd: str(entry.cwd),
    version: str(entry.version, 100),
    model: null,
    git_branch: str(entry.gitBranch, 500),
  });
}

/**
 * Parses one line of a Claude Code transcript (`~/.claude/projects/<project>/<session>.jsonl`, a
 * sub-agent's `<session>/subagents/agent-*.jsonl` too) into events, updating `state` in place.
 *
 * User prompts, tool results (`is_error`, a bounded excerpt), assistant text, tool calls with their
 * input, questions (AskUserQuestion, ExitPlanMode), API errors and rate limits, turn ends
 * (`stop_reason: "end_turn"`, `turn_duration`, an interrupt), a `session_start` the first time a
 * session's `cwd` is seen, and `usage` once per message id + request id (Claude Code repeats a
 * message's usage on each of its lines; a later line adds only what grew). A repeated entry (same
 * `uuid`) gives nothing. Summaries, snapshots, compaction boundaries and unknown entry types are
 * counted in `state.stats`, as are lines it cannot use (not JSON, no `type`): it never throws
 * because of a line's content. Use `parseClaudeLines` to parse a page without touching the
 * caller's state.
 *
 * @example
 * const state = createClaudeParseState();
 * for (const line of lines) events.push(...parseClaudeLine(line, state));
 */
export function parseClaudeLine(line: string, state: ClaudeParseState): AgentEvent[] {
  const stats = state.stats;
  stats.lines++;
  const parsed = parseJsonLine(line, stats);
  if (parsed === undefined) return [];
  const entry = parsed as Entry;
  const type = entry.type;
  if (typeof type !== "string") {
    markUnusable(stats, "no entry type");
    return [];
  }
  const uuid = typeof entry.uuid === "string" ? entry.uuid : null;
  if (uuid !== null) {
    const key = hash53(uuid);
    if (seenSet(state.seen_lines).has(key)) {
      stats.duplicates++;
      return [];
    }
    state.seen_lines_next = remember(state.seen_lines, state.seen_lines_next, key, SEEN_LINES);
  }
  const current = new ClaudeLine(entry, state);
  if (typeof entry.sessionId === "string" && entry.sessionId) state.session_id = current.sessionId;
  if (type === "user" || type === "assistant" || type === "system") sessionStart(current);
  if (type === "user") userEntry(current);
  else if (type === "assistant") assistantEntry(current);
  else if (type === "system") systemEntry(current);
  else markIgnored(stats, type);
  stats.events += current.events.length;
  return current.events;
}

/** What a page parser returns: the events of the lines, in order, and the state after them. */
export interface ParsedPage<S> {
  events: AgentEvent[];
  /** The state after the last line: store it with the position of that line. */
  state: S;
}

/**
 * Parses a page of complete lines of a Claude Code transcript, continuing from `state` (as stored
 * after the previous page, `null` to start). The given state is not modified: a page parsed again
 * after a crash, from the state stored before it, gives the same events and state.
 *
 * @throws {InvalidTranscriptInputError} if `lines` is not an array of strings.
 * @example
 * const { events, state } = parseClaudeLines(page.lines, stored ?? null);
 * // commit the reader's position together with `state`
 */
export function parseClaudeLines(
  lines: readonly string[],
  state: unknown,
): ParsedPage<ClaudeParseState> {
  checkLines(lines, "parseClaudeLines");
  const next = readClaudeParseState(state);
  const events: AgentEvent[] = [];
  for (const line of lines) for (const event of parseClaudeLine(line, next)) events.push(event);
  return { events, state: next };
}
