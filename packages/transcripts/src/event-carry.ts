import type { FileEdit, TestResult } from "@agentwatch/activity";
import { isActivityState, type ActivityState } from "@agentwatch/models";
import { readStrings } from "./parse-stats.js";
import { cutChars, isObject, isoOrNull, str } from "./text.js";

/** Tools kept in `recent_tools`. */
export const RECENT_TOOLS = 5;
/** Files kept in `files_touched`. */
export const MAX_FILES = 50;
/** Commands kept in `commands_run`. */
export const MAX_COMMANDS = 50;
/** Edits kept in `edits`. */
export const MAX_EDITS = 20;
/** Characters kept of each text of an edit in the analysis. */
export const EDIT_TEXT_CHARS = 1000;
/** Tool calls awaiting their result that are remembered. */
export const MAX_OPEN_CALLS = 64;
/** Call ids remembered to count a call (or a result) once when two sources report it. */
export const MAX_CALL_IDS = 256;
/** Error sightings kept. */
export const MAX_SIGHTINGS = 200;
/** Models whose usage is kept apart. */
export const MAX_MODELS = 32;
/** Longest path, command or argument kept (characters). */
export const MAX_ARGUMENT_CHARS = 300;

/** A tool call that has no result yet. */
export interface OpenCall {
  call_id: string | null;
  tool: string;
  argument: string;
  /** When it was called, when the source says. */
  since: string | null;
  /** Whether it runs a shell command (its result may hold a test summary). */
  shell: boolean;
}

/** An edit whose call's result is not known to have failed. */
export interface CarriedEdit extends FileEdit {
  call_id: string | null;
}

/** What an agent waits for: a permission, or an answer to a question. */
export interface Waiting {
  /** `permission`: a tool call to allow; `question`: a question to answer (a dialog or the agent's last text). */
  kind: "permission" | "question";
  /** The tool it asks permission for, when known. */
  tool: string | null;
  /** The question, or what the permission is for. */
  text: string | null;
  /** Since when, when the source says. */
  since: string | null;
}

/** The usage of one model: `[model, input, output, cache_read, cache_creation]`. */
export type ModelUsage = [
  model: string,
  input: number,
  output: number,
  cache_read: number,
  cache_creation: number,
];

/**
 * What `analyzeEvents` carries from one call to the next (as `previous.events_carry`): its own
 * copy of every fact, so merging with a terminal analysis cannot leak screen facts into it.
 * JSON-serialisable and bounded (tens of KiB at most).
 */
export interface EventCarry {
  version: 1;
  /** Events taken so far. */
  seq: number;
  agent_kind: "claude-code" | "codex" | null;
  session_id: string | null;
  cwd: string | null;
  model: string | null;
  first_user_message: string | null;
  last_tool: string | null;
  recent_tools: string[];
  files: string[];
  commands: string[];
  tests: TestResult | null;
  edits: CarriedEdit[];
  tool_run: { tool: string; argument: string; count: number } | null;
  errors: { key: string; text: string; seq: number }[];
  open_calls: OpenCall[];
  /** Hashed ids of calls taken (`c:`) and results taken (`r:`). */
  call_ids: string[];
  usage: ModelUsage[];
  /** The state the events last set, and why. */
  phase: ActivityState;
  reason: string;
  waiting: Waiting | null;
  /** The agent's last text in the current turn (its tail), null after a prompt. */
  last_text: string | null;
  /** The last text to show as a preview. */
  preview: string;
  /** The time of the latest event that had one. */
  last_at: string | null;
}

/** A carry that has seen nothing. */
export function emptyEventCarry(): EventCarry {
  return {
    version: 1,
    seq: 0,
    agent_kind: null,
    session_id: null,
    cwd: null,
    model: null,
    first_user_message: null,
    last_tool: null,
    recent_tools: [],
    files: [],
    commands: [],
    tests: null,
    edits: [],
    tool_run: null,
    errors: [],
    open_calls: [],
    call_ids: [],
    usage: [],
    phase: "unknown",
    reason: "no events yet",
    waiting: null,
    last_text: null,
    preview: "",
    last_at: null,
  };
}

const isInt = (v: unknown): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isText = (v: unknown, max: number): v is string => typeof v === "string" && v.length <= max;

function testResult(v: unknown): TestResult | null {
  if (!isObject(v) || !isInt(v.passed) || !isInt(v.failed) || !isText(v.raw, 4096)) return null;
  const result: TestResult = { passed: v.passed, failed: v.failed, raw: v.raw };
  if (isInt(v.skipped)) result.skipped = v.skipped;
  return result;
}

function nullableText(v: unknown, max: number): string | null {
  return typeof v === "string" ? cutChars(v, max) : null;
}

/**
 * Reads a carry from a previous analysis, defensively: it may come from disk or another version.
 * Whatever is malformed starts fresh rather than throwing.
 */
export function readEventCarry(value: unknown): EventCarry {
  const carry = emptyEventCarry();
  if (!isObject(value) || value.version !== 1) return carry;
  if (isInt(value.seq)) carry.seq = value.seq;
  if (value.agent_kind === "claude-code" || value.agent_kind === "codex")
    carry.agent_kind = value.agent_kind;
  carry.session_id = str(value.session_id, 200);
  carry.cwd = str(value.cwd, 4096);
  carry.model = str(value.model, 200);
  carry.first_user_message = nullableText(value.first_user_message, 500);
  carry.last_tool = str(value.last_tool, 200);
  carry.recent_tools = readStrings(value.recent_tools, RECENT_TOOLS, 200);
  carry.files = readStrings(value.files, MAX_FILES, MAX_ARGUMENT_CHARS);
  carry.commands = readStrings(value.commands, MAX_COMMANDS, MAX_ARGUMENT_CHARS);
  carry.tests = testResult(value.tests);
  if (Array.isArray(value.edits))
    carry.edits = value.edits
      .filter(
        (e): e is CarriedEdit =>
          isObject(e) &&
          isText(e.file, MAX_ARGUMENT_CHARS * 4) &&
          (e.old_text === null || isText(e.old_text, EDIT_TEXT_CHARS)) &&
          (e.new_text === null || isText(e.new_text, EDIT_TEXT_CHARS)) &&
          (e.call_id === null || isText(e.call_id, 200)),
      )
      .slice(-MAX_EDITS);
  const run = value.tool_run;
  if (
    isObject(run) &&
    isText(run.tool, 200) &&
    isText(run.argument, MAX_ARGUMENT_CHARS) &&
    isInt(run.count)
  )
    carry.tool_run = { tool: run.tool, argument: run.argument, count: run.count };
  if (Array.isArray(value.errors))
    carry.errors = value.errors
      .filter(
        (e): e is EventCarry["errors"][number] =>
          isObject(e) && isText(e.key, 400) && isText(e.text, 400) && isInt(e.seq),
      )
      .slice(-MAX_SIGHTINGS);
  if (Array.isArray(value.open_calls))
    carry.open_calls = value.open_calls
      .filter(
        (c): c is OpenCall =>
          isObject(c) &&
          (c.call_id === null || isText(c.call_id, 200)) &&
          isText(c.tool, 200) &&
          isText(c.argument, MAX_ARGUMENT_CHARS) &&
          (c.since === null || isoOrNull(c.since) !== null) &&
          typeof c.shell === "boolean",
      )
      .slice(-MAX_OPEN_CALLS);
  carry.call_ids = readStrings(value.call_ids, MAX_CALL_IDS, 20);
  if (Array.isArray(value.usage))
    carry.usage = value.usage
      .filter(
        (u): u is ModelUsage =>
          Array.isArray(u) && u.length === 5 && isText(u[0], 200) && u.slice(1).every(isInt),
      )
      .slice(0, MAX_MODELS);
  if (isActivityState(value.phase)) carry.phase = value.phase;
  if (typeof value.reason === "string") carry.reason = cutChars(value.reason, 300);
  const w = value.waiting;
  if (isObject(w) && (w.kind === "permission" || w.kind === "question"))
    carry.waiting = {
      kind: w.kind,
      tool: str(w.tool, 200),
      text: nullableText(w.text, 4000),
      since: isoOrNull(w.since),
    };
  carry.last_text = nullableText(value.last_text, 1000);
  carry.preview = typeof value.preview === "string" ? cutChars(value.preview, 200) : "";
  carry.last_at = isoOrNull(value.last_at);
  return carry;
}
