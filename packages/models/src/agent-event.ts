import { z } from "zod";
import { isoDateTimeSchema, nonNegativeSafeIntegerSchema } from "./common-schemas.js";
import { validateWith } from "./validate.js";

/**
 * Where an `AgentEvent` was seen: a Claude Code transcript, a Codex CLI rollout, a Claude Code hook
 * call, or terminal text.
 */
export const AgentEventSource = {
  CLAUDE_TRANSCRIPT: "claude_transcript",
  CODEX_ROLLOUT: "codex_rollout",
  CLAUDE_HOOK: "claude_hook",
  TERMINAL: "terminal",
} as const;

/** One of the event sources. */
export type AgentEventSource = (typeof AgentEventSource)[keyof typeof AgentEventSource];

/** The event sources, in declaration order. */
export const AGENT_EVENT_SOURCES: readonly AgentEventSource[] = Object.freeze(
  Object.values(AgentEventSource),
);

/** The tokens of one model request, or a sum of them. */
export interface TokenUsage {
  /** Input tokens not read from or written to the prompt cache. */
  input: number;
  /** Output tokens. */
  output: number;
  /** Input tokens read from the prompt cache. */
  cache_read: number;
  /** Input tokens written to the prompt cache. */
  cache_creation: number;
}

/**
 * What a tool call was given, in the fields agentwatch understands, whatever the tool called them:
 * the command of `Bash` or Codex's `shell`, the file of `Read`/`Edit`/`Write`/`apply_patch`, an edit's
 * old and new text. Texts are bounded by the parser (a few KiB each); `null` when the tool has none.
 */
export interface ToolInput {
  /** A shell command. */
  command: string | null;
  /** The file read, written or edited (for a patch touching several, the first). */
  file_path: string | null;
  /** Every file a patch touches, when there are several. */
  file_paths?: string[] | undefined;
  /** The text an edit replaces. */
  old_text: string | null;
  /** The text an edit (or a write) puts in its place. */
  new_text: string | null;
  /** A search pattern, a URL or a query, for tools that take one. */
  pattern: string | null;
  /** The tool's own one-line description of the call, when it gives one. */
  description: string | null;
}

interface EventBase {
  /** When it happened, ISO 8601, when the source says; else null. */
  at: string | null;
  /** Where it was seen. */
  source: AgentEventSource;
  /** The Claude Code or Codex session it belongs to, when known. */
  session_id: string | null;
}

/** The session began (or was resumed, or was found already running). */
export interface SessionStartEvent extends EventBase {
  type: "session_start";
  /** Its working directory, when known. */
  cwd: string | null;
  /** The program's version, when it says. */
  version: string | null;
  /** The model, when the source says at the start. */
  model: string | null;
  /** The git branch, when known. */
  git_branch: string | null;
}

/** The session ended (the program exited, `/clear`, a logout). */
export interface SessionEndEvent extends EventBase {
  type: "session_end";
  /** Why, in the source's words, when it says. */
  reason: string | null;
}

/** The user sent the agent a message. */
export interface UserPromptEvent extends EventBase {
  type: "user_prompt";
  text: string;
}

/** The agent wrote text to the user. */
export interface AssistantTextEvent extends EventBase {
  type: "assistant_text";
  text: string;
}

/** The agent called a tool. */
export interface ToolCallEvent extends EventBase {
  type: "tool_call";
  /** The call's id, matching its result's, when the source gives one. */
  call_id: string | null;
  /** The tool's name as the program calls it: `Bash`, `Edit`, `shell`, `apply_patch`, ... */
  tool: string;
  input: ToolInput;
}

/** A tool call came back. */
export interface ToolResultEvent extends EventBase {
  type: "tool_result";
  /** The id of the call it answers, when known. */
  call_id: string | null;
  /** Whether the tool reported a failure (a non-zero exit, a refused permission, an exception). */
  is_error: boolean;
  /** The start and end of its output, bounded (at most 2,000 characters). */
  excerpt: string;
}

/** The agent waits for the user to allow a tool call. */
export interface PermissionRequestEvent extends EventBase {
  type: "permission_request";
  /** The tool it wants to use, when known. */
  tool: string | null;
  /** What it asks, when the source says. */
  message: string | null;
}

/** The agent asks the user something and waits for the answer. */
export interface QuestionEvent extends EventBase {
  type: "question";
  text: string;
}

/** The agent finished its turn and waits for the user's next message. */
export interface TurnEndEvent extends EventBase {
  type: "turn_end";
}

/** The tokens one model request used. */
export interface UsageEvent extends EventBase {
  type: "usage";
  /** The model that answered. */
  model: string;
  tokens: TokenUsage;
}

/** Something failed that is not a tool's result: an API error, a rate or usage limit. */
export interface ErrorEvent extends EventBase {
  type: "error";
  message: string;
  /** Whether it is a rate or usage limit. */
  rate_limited: boolean;
}

/** One thing an agent did, as a structured source (a transcript, a hook) reports it. */
export type AgentEvent =
  | SessionStartEvent
  | SessionEndEvent
  | UserPromptEvent
  | AssistantTextEvent
  | ToolCallEvent
  | ToolResultEvent
  | PermissionRequestEvent
  | QuestionEvent
  | TurnEndEvent
  | UsageEvent
  | ErrorEvent;

/** The `type` of an AgentEvent. */
export type AgentEventType = AgentEvent["type"];

const count = nonNegativeSafeIntegerSchema;
const text = z.string({ error: "expected a string" });
const nullableText = text.nullable();

/** The zod schema of `TokenUsage`. */
export const tokenUsageSchema = z.object({
  input: count,
  output: count,
  cache_read: count,
  cache_creation: count,
});

const base = {
  at: isoDateTimeSchema.nullable(),
  source: z.enum(AGENT_EVENT_SOURCES as [AgentEventSource, ...AgentEventSource[]], {
    error: `expected one of ${AGENT_EVENT_SOURCES.join(", ")}`,
  }),
  session_id: nullableText,
};

const toolInputSchema = z.object({
  command: nullableText,
  file_path: nullableText,
  file_paths: z.array(text).optional(),
  old_text: nullableText,
  new_text: nullableText,
  pattern: nullableText,
  description: nullableText,
});

/** The zod schema of an `AgentEvent` (a union on `type`). */
export const agentEventSchema = z.discriminatedUnion("type", [
  z.object({
    ...base,
    type: z.literal("session_start"),
    cwd: nullableText,
    version: nullableText,
    model: nullableText,
    git_branch: nullableText,
  }),
  z.object({ ...base, type: z.literal("session_end"), reason: nullableText }),
  z.object({ ...base, type: z.literal("user_prompt"), text }),
  z.object({ ...base, type: z.literal("assistant_text"), text }),
  z.object({
    ...base,
    type: z.literal("tool_call"),
    call_id: nullableText,
    tool: text,
    input: toolInputSchema,
  }),
  z.object({
    ...base,
    type: z.literal("tool_result"),
    call_id: nullableText,
    is_error: z.boolean(),
    excerpt: text,
  }),
  z.object({
    ...base,
    type: z.literal("permission_request"),
    tool: nullableText,
    message: nullableText,
  }),
  z.object({ ...base, type: z.literal("question"), text }),
  z.object({ ...base, type: z.literal("turn_end") }),
  z.object({ ...base, type: z.literal("usage"), model: text, tokens: tokenUsageSchema }),
  z.object({ ...base, type: z.literal("error"), message: text, rate_limited: z.boolean() }),
]);

/**
 * Validates an AgentEvent given as an object or as JSON text.
 *
 * @throws {ValidationError} naming the offending field and value.
 * @example
 * const event = parseAgentEvent(line);
 */
export function parseAgentEvent(json: unknown): AgentEvent {
  return validateWith<AgentEvent>(agentEventSchema, "AgentEvent", json);
}

/** A TokenUsage of zeros. */
export function emptyTokenUsage(): TokenUsage {
  return { input: 0, output: 0, cache_read: 0, cache_creation: 0 };
}

/** `a + b`, field by field, as a new object. */
export function addTokenUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cache_read: a.cache_read + b.cache_read,
    cache_creation: a.cache_creation + b.cache_creation,
  };
}
