import { type AgentEvent, AgentEventSource } from "@agentwatch/models";
import { checkLines } from "./errors.js";
import { parseJsonLine } from "./json-line.js";
import {
  type ParseStats,
  emptyParseStats,
  markIgnored,
  markUnusable,
  readParseStats,
} from "./parse-stats.js";
import { askQuestionText, claudeToolInput } from "./tool-input.js";
import { EXCERPT_CHARS, MESSAGE_CHARS, cutMiddle, isObject, isoOrNull, str } from "./text.js";

/** Where a hooks-file parser stands: only counts (JSON-serialisable, a few hundred bytes). */
export interface HookParseState {
  version: 1;
  format: "hooks";
  stats: ParseStats;
}

/** A hooks parse state that has seen nothing. */
export function createHookParseState(): HookParseState {
  return { version: 1, format: "hooks", stats: emptyParseStats() };
}

/** Restores a hooks parse state from stored JSON, defensively. */
export function readHookParseState(value: unknown): HookParseState {
  const state = createHookParseState();
  if (isObject(value) && value.version === 1 && value.format === "hooks")
    state.stats = readParseStats(value.stats);
  return state;
}

/**
 * One Claude Code hook call as an event, with what the monitor needs to join it to an agent:
 * the session id, the transcript path, the working directory and the hook process's parents.
 */
export interface HookEvent {
  event: AgentEvent;
  /** The hook that was called: `Notification`, `PermissionRequest`, `Stop`, ... */
  hook_event_name: string;
  session_id: string | null;
  transcript_path: string | null;
  cwd: string | null;
  /** The pid of the `agentwatch hook` process that recorded it, when known. */
  pid: number | null;
  /** Its parent pids, nearest first (Claude Code is among them). */
  ppids: number[];
  /** When the hook was called (the record's `received_at`). */
  received_at: string | null;
}

type Obj = Record<string, unknown>;

const PERMISSION_MESSAGE = /needs your permission to use (.+?)\s*$/i;
const IDLE_MESSAGE = /waiting for your input/i;

function toolSummary(tool: string | null, input: unknown): string | null {
  if (!tool) return null;
  const parsed = claudeToolInput(tool, input);
  const what = parsed.command ?? parsed.file_path ?? parsed.pattern ?? parsed.description;
  return str(what ? `${tool}: ${what}` : tool, MESSAGE_CHARS);
}

function eventOf(
  payload: Obj,
  base: Pick<AgentEvent, "at" | "source" | "session_id">,
): AgentEvent | null {
  const name = payload.hook_event_name;
  const message = str(payload.message, MESSAGE_CHARS);
  switch (name) {
    case "Notification": {
      const kind = payload.notification_type;
      if (
        kind === "permission_prompt" ||
        (kind === undefined && message && PERMISSION_MESSAGE.test(message))
      ) {
        const tool = message ? (PERMISSION_MESSAGE.exec(message)?.[1] ?? null) : null;
        return { ...base, type: "permission_request", tool: str(tool, 200), message };
      }
      if (kind === "idle_prompt" || (kind === undefined && message && IDLE_MESSAGE.test(message)))
        return { ...base, type: "turn_end" };
      if (kind === "elicitation_dialog")
        return { ...base, type: "question", text: message ?? "an MCP server asks for input" };
      return null;
    }
    case "PermissionRequest": {
      const tool = str(payload.tool_name, 200);
      return {
        ...base,
        type: "permission_request",
        tool,
        message: toolSummary(tool, payload.tool_input),
      };
    }
    case "Stop":
      return { ...base, type: "turn_end" };
    case "SessionStart":
      return {
        ...base,
        type: "session_start",
        cwd: str(payload.cwd),
        version: null,
        model:
          str(payload.model, 200) ?? (isObject(payload.model) ? str(payload.model.id, 200) : null),
        git_branch: null,
      };
    case "SessionEnd":
      return { ...base, type: "session_end", reason: str(payload.reason, 200) };
    case "UserPromptSubmit":
      return typeof payload.prompt === "string"
        ? { ...base, type: "user_prompt", text: cutMiddle(payload.prompt, MESSAGE_CHARS) }
        : null;
    case "PreToolUse": {
      const tool = str(payload.tool_name, 200);
      if (!tool) return null;
      if (tool === "AskUserQuestion")
        return {
          ...base,
          type: "question",
          text: askQuestionText(payload.tool_input) ?? "Claude Code asks a question",
        };
      return {
        ...base,
        type: "tool_call",
        call_id: str(payload.tool_use_id, 200),
        tool,
        input: claudeToolInput(tool, payload.tool_input),
      };
    }
    case "PostToolUse": {
      const response = payload.tool_response;
      const text =
        typeof response === "string"
          ? response
          : isObject(response)
            ? [response.stdout, response.stderr, response.content, response.error]
                .filter((s): s is string => typeof s === "string" && s !== "")
                .join("\n")
            : "";
      const isError =
        isObject(response) && (response.success === false || typeof response.error === "string");
      return {
        ...base,
        type: "tool_result",
        call_id: str(payload.tool_use_id, 200),
        is_error: isError,
        excerpt: cutMiddle(text, EXCERPT_CHARS),
      };
    }
    default:
      return null;
  }
}

/**
 * Parses one line of agentwatch's hooks file (`{"v":1,"received_at":ISO,"pid":n,"ppids":[...],
 * "payload":{...}}`, one per Claude Code hook call) into the event it means, updating `state`'s
 * counts: a Notification's `permission_prompt` and a PermissionRequest → `permission_request`,
 * `elicitation_dialog` → `question`, `idle_prompt` and Stop → `turn_end`, SessionStart/SessionEnd →
 * `session_start`/`session_end`, UserPromptSubmit → `user_prompt`, PreToolUse/PostToolUse →
 * `tool_call`/`tool_result` (the analysis counts a call once whichever source saw it). Other hooks
 * (SubagentStop, PreCompact, ...) are counted as ignored; a record whose payload was not JSON, and
 * lines of the wrong shape, as unusable. Returns null when the line gives no event.
 *
 * @example
 * const hook = parseHookLine(line, state);
 * if (hook) join(hook.session_id, hook.transcript_path, hook.cwd, hook.ppids, hook.event);
 */
export function parseHookLine(line: string, state: HookParseState): HookEvent | null {
  const stats = state.stats;
  stats.lines++;
  const parsed = parseJsonLine(line, stats);
  if (parsed === undefined) return null;
  const record = parsed as Obj;
  if (typeof record.v !== "number") {
    markUnusable(stats, "not a hook record (no version field v)");
    return null;
  }
  const payload = record.payload;
  if (!isObject(payload)) {
    markUnusable(
      stats,
      typeof record.payload_text === "string"
        ? "hook input was not JSON"
        : "hook record without payload",
    );
    return null;
  }
  const name = str(payload.hook_event_name, 100);
  if (!name) {
    markUnusable(stats, "hook payload without hook_event_name");
    return null;
  }
  const receivedAt = isoOrNull(record.received_at);
  const sessionId = str(payload.session_id, 200);
  const event = eventOf(payload, {
    at: receivedAt,
    source: AgentEventSource.CLAUDE_HOOK,
    session_id: sessionId,
  });
  if (!event) {
    markIgnored(
      stats,
      `${name}${typeof payload.notification_type === "string" ? `:${payload.notification_type}` : ""}`,
    );
    return null;
  }
  stats.events++;
  const pid =
    typeof record.pid === "number" && Number.isSafeInteger(record.pid) ? record.pid : null;
  const ppids = Array.isArray(record.ppids)
    ? record.ppids
        .filter((p): p is number => typeof p === "number" && Number.isSafeInteger(p))
        .slice(0, 64)
    : [];
  return {
    event,
    hook_event_name: name,
    session_id: sessionId,
    transcript_path: str(payload.transcript_path, 4096),
    cwd: str(payload.cwd, 4096),
    pid,
    ppids,
    received_at: receivedAt,
  };
}

/**
 * Parses a page of lines of the hooks file, continuing from `state` (stored after the previous
 * page, `null` to start), without modifying it.
 *
 * @throws {InvalidTranscriptInputError} if `lines` is not an array of strings.
 * @example
 * const { hooks, state } = parseHookLines(page.lines, stored ?? null);
 */
export function parseHookLines(
  lines: readonly string[],
  state: unknown,
): { hooks: HookEvent[]; state: HookParseState } {
  checkLines(lines, "parseHookLines");
  const next = readHookParseState(state);
  const hooks: HookEvent[] = [];
  for (const line of lines) {
    const hook = parseHookLine(line, next);
    if (hook) hooks.push(hook);
  }
  return { hooks, state: next };
}
