import type { ActivityLoop, FileEdit, ToolCall } from "./activity-analysis.js";
import {
  commandMeaning,
  editMeaning,
  type ActionMeaning,
  type MeaningContext,
} from "./action-meaning.js";

/** What an action does: changes a file, runs a command, reads, searches, browses, or else. */
export type ActionKind = "edit" | "command" | "read" | "search" | "web" | "other";

/**
 * One thing the agent did (a tool call, a shell command, an edit), with a fingerprint of what
 * it produced and, for edits, the text it removed and added as far as it was shown.
 */
export interface AgentAction {
  /** What the action does. */
  kind: ActionKind;
  /** The tool as the agent names it (`Bash`, `Update`, `apply_patch`, `shell` for a shell prompt). */
  tool: string;
  /** The file (edits, reads) or the command or pattern (at most 300 characters). */
  target: string;
  /** A fingerprint of its result (8 hex digits; durations, clocks and counters masked), "" when none was seen. */
  result: string;
  /** Result lines taken into the fingerprint so far (at most `RESULT_LINES`). */
  lines: number;
  /** Edits: the text added, as far as shown (at most `EDIT_TEXT_CHARS`). */
  added?: string | undefined;
  /** Edits: the text removed, as far as shown (at most `EDIT_TEXT_CHARS`). */
  removed?: string | undefined;
  /** When the action subverts its task: the rule and the evidence. */
  meaning?: ActionMeaning | null | undefined;
  /** Its result ended (the agent went on to write a message): later lines are not part of it. */
  closed?: boolean | undefined;
}

/** Actions kept in the window (across calls). */
export const MAX_ACTIONS = 40;
/** Result lines that count for an action's fingerprint. */
export const RESULT_LINES = 40;
/** Characters of added or removed text kept per edit. */
export const EDIT_TEXT_CHARS = 600;
/** The same action with the same result this many times, nothing changed between: a loop. */
export const ACTION_LOOP_COUNT = 4;

const KINDS: Readonly<Record<string, ActionKind>> = {
  Bash: "command",
  shell: "command",
  exec: "command",
  exec_command: "command",
  local_shell: "command",
  Shell: "command",
  run_shell_command: "command",
  BashOutput: "command",
  Edit: "edit",
  MultiEdit: "edit",
  Update: "edit",
  Write: "edit",
  Create: "edit",
  NotebookEdit: "edit",
  apply_patch: "edit",
  WriteFile: "edit",
  write_file: "edit",
  replace: "edit",
  Read: "read",
  View: "read",
  NotebookRead: "read",
  "Read Notebook": "read",
  ReadFile: "read",
  read_file: "read",
  ReadManyFiles: "read",
  ReadFolder: "read",
  Search: "search",
  Grep: "search",
  Glob: "search",
  Find: "search",
  List: "search",
  LS: "search",
  FindFiles: "search",
  SearchText: "search",
  WebFetch: "web",
  WebSearch: "web",
  "Web Fetch": "web",
  "Web Search": "web",
  GoogleSearch: "web",
};

/** The kind of action a tool performs, by the tool's name as the agent shows it. */
export function actionKindOf(tool: string): ActionKind {
  return KINDS[tool] ?? "other";
}

/** FNV-1a over `text`, continuing from `hex` (empty: a fresh hash); 8 hex digits. */
export function fingerprint(hex: string, text: string): string {
  let hash = hex === "" ? 0x811c9dc5 : Number.parseInt(hex, 16) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/**
 * A result line as it counts for "the same result": numbers and hex ids masked (durations,
 * clocks, ports, pids, retry counters vary between two runs of the same thing), except in a test
 * summary, whose counts are kept (a changed count is progress). At most 160 characters.
 */
export function normalizeResultLine(line: string, keepNumbers = false): string {
  const text = (line.length > 160 ? line.slice(0, 160) : line).trim();
  return keepNumbers ? text : text.replace(/\b[0-9a-f]{7,}\b|\d+/g, "#");
}

/** A command or argument with its numbers masked: `sleep 5 && curl …` and `sleep 10 && curl …` are one. */
export function actionKey(tool: string, target: string): string {
  return `${tool}\u0000${target
    .replace(/\d+(?:\.\d+)?/g, "#")
    .replace(/\s+/g, " ")
    .trim()}`;
}

/** A new action for a tool call (or a shell command), its meaning read when it is a command. */
export function newAction(tool: string, target: string, context: MeaningContext = {}): AgentAction {
  const kind = actionKindOf(tool);
  const action: AgentAction = { kind, tool, target, result: "", lines: 0 };
  if (kind === "command") action.meaning = commandMeaning(target, context);
  return action;
}

/** Takes one result line into an action's fingerprint (the first `RESULT_LINES` count); `keepNumbers` for a test summary. */
export function addResultLine(action: AgentAction, line: string, keepNumbers = false): void {
  if (action.closed === true || action.lines >= RESULT_LINES) return;
  const text = normalizeResultLine(line, keepNumbers);
  if (text === "") return;
  action.lines++;
  action.result = fingerprint(action.result, `${text}\n`);
}

function appendText(current: string | undefined, text: string): string {
  const joined = current ? `${current}\n${text}` : text;
  return joined.length > EDIT_TEXT_CHARS ? joined.slice(0, EDIT_TEXT_CHARS) : joined;
}

/** Adds a line an edit removed (`-`) or added (`+`) to what is known of its contents. */
export function addEditLine(action: AgentAction, sign: "+" | "-", text: string): void {
  if (sign === "+") action.added = appendText(action.added, text);
  else action.removed = appendText(action.removed, text);
}

/** Reads an edit action's meaning from what is known of its contents (again, as more is shown). */
export function judgeEdit(action: AgentAction, context: MeaningContext = {}): void {
  if (action.kind !== "edit") return;
  if (action.added === undefined && action.removed === undefined) return;
  action.meaning = editMeaning(
    { file: action.target, old_text: action.removed ?? "", new_text: action.added ?? "" },
    context,
  );
}

function sameEdit(a: AgentAction, b: AgentAction): boolean {
  return (
    a.target === b.target && a.result === b.result && a.added === b.added && a.removed === b.removed
  );
}

/**
 * The loop the window ends in, if any: the last action repeated `ACTION_LOOP_COUNT` times or more
 * with the same result, with no change between (an edit of new content breaks it; so does the
 * same action giving another result). A command that differs only in a number is the same
 * command; other actions may come between (a read, a test run), as long as they change nothing.
 */
export function findActionLoop(actions: readonly AgentAction[]): ActivityLoop | null {
  const last = actions.at(-1);
  if (last === undefined || last.lines === 0) return null;
  const key = actionKey(last.tool, last.target);
  let count = 0;
  for (let i = actions.length - 1; i >= 0; i--) {
    const action = actions[i]!;
    if (actionKey(action.tool, action.target) === key) {
      if (action.result !== last.result || (last.kind === "edit" && !sameEdit(action, last))) break;
      count++;
      continue;
    }
    // A change between (an edit of new content, or one whose content is unknown): not the same
    // situation again.
    if (
      action.kind === "edit" &&
      ((action.added === undefined && action.removed === undefined) ||
        !actions.slice(0, i).some((earlier) => sameEdit(earlier, action)))
    )
      break;
  }
  if (count < ACTION_LOOP_COUNT) return null;
  return { kind: "tool", what: `${last.tool}(${last.target})`, count };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const KIND_SET = new Set<string>(["edit", "command", "read", "search", "web", "other"]);

/** Reads a window of actions defensively (it may come from disk or another version). */
export function readActions(value: unknown): AgentAction[] {
  if (!Array.isArray(value)) return [];
  const out: AgentAction[] = [];
  for (const v of value.slice(-MAX_ACTIONS)) {
    if (!isRecord(v) || typeof v.tool !== "string" || typeof v.target !== "string") continue;
    const action: AgentAction = {
      kind:
        typeof v.kind === "string" && KIND_SET.has(v.kind)
          ? (v.kind as ActionKind)
          : actionKindOf(v.tool),
      tool: v.tool.slice(0, 100),
      target: v.target.slice(0, 300),
      result: typeof v.result === "string" && /^[0-9a-f]{0,8}$/.test(v.result) ? v.result : "",
      lines:
        typeof v.lines === "number" && Number.isSafeInteger(v.lines) && v.lines >= 0
          ? Math.min(v.lines, RESULT_LINES)
          : 0,
    };
    if (typeof v.added === "string") action.added = v.added.slice(0, EDIT_TEXT_CHARS);
    if (typeof v.removed === "string") action.removed = v.removed.slice(0, EDIT_TEXT_CHARS);
    if (v.closed === true) action.closed = true;
    const m = v.meaning;
    if (isRecord(m) && typeof m.rule === "string" && typeof m.evidence === "string")
      action.meaning = {
        rule: m.rule as ActionMeaning["rule"],
        evidence: m.evidence.slice(0, 200),
      };
    out.push(action);
  }
  return out;
}

/**
 * Extends a window of actions with tool calls and known edits, for sources that give them
 * directly (a transcript): each call becomes an action (its result unknown unless `results`
 * gives one), each edit with contents is joined to its call (or added) and judged. Returns the
 * new window (the last `MAX_ACTIONS`); `previous` is not changed.
 *
 * @example
 * analysis.actions = appendActions(previous?.actions, calls, edits);
 */
export function appendActions(
  previous: readonly AgentAction[] | null | undefined,
  calls: readonly Pick<ToolCall, "tool" | "argument">[],
  edits: readonly FileEdit[] = [],
  context: MeaningContext = {},
): AgentAction[] {
  const window = readActions(previous ?? []);
  const pending = [...edits];
  for (const call of calls) {
    const action = newAction(call.tool, call.argument.slice(0, 300), context);
    if (action.kind === "edit") {
      const at = pending.findIndex(
        (edit) => call.argument.includes(edit.file) || edit.file.includes(call.argument),
      );
      if (at >= 0) {
        const [edit] = pending.splice(at, 1);
        fillEdit(action, edit!, context);
      }
    }
    window.push(action);
  }
  for (const edit of pending) {
    const action = newAction("Edit", edit.file.slice(0, 300), context);
    fillEdit(action, edit, context);
    window.push(action);
  }
  return window.slice(-MAX_ACTIONS);
}

function fillEdit(action: AgentAction, edit: FileEdit, context: MeaningContext): void {
  if (edit.old_text !== null) action.removed = edit.old_text.slice(0, EDIT_TEXT_CHARS);
  if (edit.new_text !== null) action.added = edit.new_text.slice(0, EDIT_TEXT_CHARS);
  action.result = fingerprint(fingerprint("", edit.old_text ?? ""), `\u0000${edit.new_text ?? ""}`);
  action.lines = 1;
  action.meaning = editMeaning(edit, context);
}
