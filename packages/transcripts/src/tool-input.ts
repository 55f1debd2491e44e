import type { ToolInput } from "@agentwatch/models";
import { ARGUMENT_CHARS, EDIT_CHARS, MESSAGE_CHARS, cutMiddle, isObject, str } from "./text.js";

/** A ToolInput with every field null. */
export function emptyToolInput(): ToolInput {
  return {
    command: null,
    file_path: null,
    old_text: null,
    new_text: null,
    pattern: null,
    description: null,
  };
}

/** An edit text bounded to a few KiB (start and end kept), or null when `value` is not a string. */
export function editText(value: unknown): string | null {
  return typeof value === "string" ? cutMiddle(value, EDIT_CHARS) : null;
}

/**
 * The fields of a tool's input that agentwatch understands, read from the names tools commonly
 * use (`command`/`cmd`, `file_path`/`path`/`notebook_path`, `pattern`/`query`/`url`,
 * `description`), for tools this package has no special knowledge of (MCP tools, new tools).
 */
export function genericToolInput(input: unknown): ToolInput {
  const out = emptyToolInput();
  if (!isObject(input)) return out;
  out.command = str(input.command) ?? str(input.cmd);
  out.file_path = str(input.file_path) ?? str(input.path) ?? str(input.notebook_path);
  out.pattern = str(input.pattern) ?? str(input.query) ?? str(input.url);
  out.description = str(input.description, MESSAGE_CHARS);
  return out;
}

interface TodoItem {
  content?: unknown;
  status?: unknown;
}

function todoSummary(todos: unknown): string | null {
  if (!Array.isArray(todos)) return null;
  const items = todos.filter(isObject) as TodoItem[];
  const active = items.find((t) => t.status === "in_progress");
  const done = items.filter((t) => t.status === "completed").length;
  const what =
    active && typeof active.content === "string" ? `; in progress: ${active.content}` : "";
  return str(`${items.length} todos, ${done} done${what}`, ARGUMENT_CHARS);
}

/** The questions of Claude Code's AskUserQuestion input, one per line, with their options. */
export function askQuestionText(input: unknown): string | null {
  if (!isObject(input)) return null;
  if (typeof input.question === "string") return str(input.question, MESSAGE_CHARS);
  if (!Array.isArray(input.questions)) return null;
  const lines: string[] = [];
  for (const q of input.questions) {
    if (!isObject(q) || typeof q.question !== "string") continue;
    const options = Array.isArray(q.options)
      ? q.options
          .map((o) => (isObject(o) && typeof o.label === "string" ? o.label : null))
          .filter((o): o is string => o !== null)
      : [];
    lines.push(options.length > 0 ? `${q.question} (${options.join(" / ")})` : q.question);
  }
  return lines.length > 0 ? str(lines.join("\n"), MESSAGE_CHARS) : null;
}

function joinEdits(edits: unknown, field: "old_string" | "new_string"): string | null {
  if (!Array.isArray(edits)) return null;
  const parts = edits
    .map((e) => {
      const part = isObject(e) ? e[field] : null;
      return typeof part === "string" ? part : null;
    })
    .filter((p): p is string => p !== null);
  return parts.length > 0 ? editText(parts.join("\n⋯\n")) : null;
}

/**
 * The ToolInput of a Claude Code tool call, from its name and `input`: Bash (command,
 * description), Read/Write/Edit/MultiEdit/NotebookEdit (file, old and new text), Grep/Glob
 * (pattern), WebFetch/WebSearch (URL, query), Task/Agent (description), TodoWrite,
 * AskUserQuestion and ExitPlanMode; any other tool by the common field names.
 */
export function claudeToolInput(tool: string, input: unknown): ToolInput {
  const out = genericToolInput(input);
  if (!isObject(input)) return out;
  switch (tool) {
    case "Write":
      out.old_text = "";
      out.new_text = editText(input.content);
      break;
    case "Edit":
      out.old_text = editText(input.old_string);
      out.new_text = editText(input.new_string);
      break;
    case "MultiEdit":
      out.old_text = joinEdits(input.edits, "old_string");
      out.new_text = joinEdits(input.edits, "new_string");
      break;
    case "NotebookEdit":
      out.new_text = editText(input.new_source);
      break;
    case "Grep":
    case "Glob":
      out.pattern = str(input.pattern);
      out.file_path = null; // where to search, not a file read
      break;
    case "WebFetch":
      out.pattern = str(input.url);
      break;
    case "WebSearch":
      out.pattern = str(input.query);
      break;
    case "Task":
    case "Agent": {
      const kind = str(input.subagent_type);
      const description = str(input.description, MESSAGE_CHARS);
      out.description = kind && description ? `${description} (${kind})` : (description ?? kind);
      out.command = null;
      break;
    }
    case "TodoWrite":
      out.description = todoSummary(input.todos);
      break;
    case "AskUserQuestion":
      out.description = askQuestionText(input);
      break;
    case "ExitPlanMode":
      out.description = str(input.plan, MESSAGE_CHARS);
      break;
  }
  return out;
}
