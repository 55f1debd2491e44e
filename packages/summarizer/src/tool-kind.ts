import type { ToolCall } from "@agentwatch/activity";

/** What a tool call does, for describing and judging it. */
export type ToolKind =
  "command" | "edit" | "read" | "search" | "web" | "plan" | "delegate" | "other";

const KINDS: Readonly<Record<string, ToolKind>> = {
  Bash: "command",
  shell: "command",
  exec: "command",
  exec_command: "command",
  local_shell: "command",
  BashOutput: "command",
  Edit: "edit",
  MultiEdit: "edit",
  Update: "edit",
  Write: "edit",
  Create: "edit",
  NotebookEdit: "edit",
  apply_patch: "edit",
  Read: "read",
  View: "read",
  NotebookRead: "read",
  "Read Notebook": "read",
  Search: "search",
  Grep: "search",
  Glob: "search",
  Find: "search",
  List: "search",
  LS: "search",
  WebFetch: "web",
  WebSearch: "web",
  "Web Fetch": "web",
  "Web Search": "web",
  TodoWrite: "plan",
  update_plan: "plan",
  Task: "delegate",
  Agent: "delegate",
};

/** The kind of a tool by its name as the agent shows it (`Bash`, `Update`, `apply_patch`…). */
export function toolKind(tool: string): ToolKind {
  return KINDS[tool] ?? "other";
}

/** The path a file tool works on (`file_path: "src/a.ts"` and `src/a.ts · 3-9` give `src/a.ts`). */
export function pathOf(call: ToolCall): string {
  let text = call.argument.trim();
  const named = /^(?:file_path|path|notebook_path)\s*[:=]\s*/.exec(text);
  if (named) text = text.slice(named[0].length);
  for (const separator of [" · ", " ("]) {
    const at = text.indexOf(separator);
    if (at > 0) text = text.slice(0, at);
  }
  return text.replace(/^["'`]|["'`]$/g, "");
}
