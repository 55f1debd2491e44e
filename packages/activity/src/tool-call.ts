/** A tool call read from one line. */
export interface ParsedToolCall {
  /** The tool's name as the agent shows it (`Bash`, `Read`, `shell`, `apply_patch`). */
  readonly tool: string;
  /** Its argument (a command, a path, a pattern), without the surrounding parentheses. */
  readonly argument: string;
  /** False when the line ends inside the parentheses (a long call wrapped onto the next lines). */
  readonly complete: boolean;
}

const CLAUDE_GLYPHS = new Set(["⏺", "●"]);
const CLAUDE_TOOL_NAME = /^[A-Z][A-Za-z0-9_]{0,40}$/;
const MCP_TOOL_NAME = /^[\w.-]{1,40}(?: - [\w.-]{1,60})?$/;
const TWO_WORD_TOOLS = new Set(["Web Search", "Web Fetch", "Update Todos", "Read Notebook"]);

/** Gemini CLI's status glyphs before a tool name: done, waiting, failed, running, pending. */
const GEMINI_GLYPHS = new Set(["✔", "✓", "?", "✕", "x", "⊷", "o", "-"]);
const GEMINI_TOOLS = new Set([
  "ReadFile",
  "ReadManyFiles",
  "ReadFolder",
  "WriteFile",
  "Edit",
  "Shell",
  "FindFiles",
  "SearchText",
  "GoogleSearch",
  "WebFetch",
  "Save Memory",
]);

/** Reads a Gemini CLI tool line such as `✔  Shell npm test (Run the tests)` (glyph already checked). */
function parseGemini(rest: string): ParsedToolCall | null {
  const name = rest.startsWith("Save Memory") ? "Save Memory" : rest.split(" ", 1)[0]!;
  if (!GEMINI_TOOLS.has(name)) return null;
  let argument = rest.slice(name.length).trim();
  if (name === "WriteFile") argument = argument.replace(/^Writing to\s+/, "");
  if (name === "Edit") argument = argument.replace(/:\s.*$/, "");
  if (name === "Shell") argument = argument.replace(/\s+\([^()]*\)$/, "");
  return { tool: name, argument, complete: true };
}

/** Names of Codex's exploration steps under `• Explored`, as tools. */
export const CODEX_EXPLORE_STEP = /^(Read|Search|List|Find|Grep)\s+(\S.*)$/;

/** Reads a Claude Code tool line such as `⏺ Bash(npm test)` (glyph already checked). */
function parseClaude(rest: string): ParsedToolCall | null {
  if (rest === "Update Todos") return { tool: "TodoWrite", argument: "", complete: true };
  const open = rest.indexOf("(");
  if (open <= 0 || open > 100) return null;
  let name = rest.slice(0, open);
  let argsStart = open + 1;
  if (name.endsWith(" ") && rest.startsWith("(MCP)(", open)) {
    name = name.trimEnd();
    if (!MCP_TOOL_NAME.test(name)) return null;
    name = `${name} (MCP)`;
    argsStart = open + 6;
  } else if (!CLAUDE_TOOL_NAME.test(name) && !TWO_WORD_TOOLS.has(name)) {
    return null;
  }
  const close = rest.lastIndexOf(")");
  if (close >= argsStart) {
    return { tool: name, argument: rest.slice(argsStart, close).trim(), complete: true };
  }
  return { tool: name, argument: rest.slice(argsStart).trim(), complete: false };
}

/** Reads a Codex CLI history line such as `• Ran npm test` or `• Edited src/app.ts (+2 -1)`. */
function parseCodex(rest: string): ParsedToolCall | null {
  const space = rest.indexOf(" ");
  const verb = space < 0 ? rest : rest.slice(0, space);
  const object = space < 0 ? "" : rest.slice(space + 1).trim();
  switch (verb) {
    case "Ran":
    case "Running":
      return object ? { tool: "shell", argument: object, complete: true } : null;
    case "Edited":
    case "Added":
    case "Deleted": {
      if (!object) return null;
      const stats = object.lastIndexOf(" (+");
      return {
        tool: "apply_patch",
        argument: stats > 0 ? object.slice(0, stats) : object,
        complete: true,
      };
    }
    case "Updated":
      return object === "Plan" ? { tool: "update_plan", argument: "", complete: true } : null;
    case "Called":
    case "Calling": {
      const open = object.indexOf("(");
      const name = open > 0 ? object.slice(0, open) : object;
      if (!/^[\w.-]{1,80}$/.test(name)) return null;
      const close = object.lastIndexOf(")");
      const argument = open > 0 ? object.slice(open + 1, close > open ? close : undefined) : "";
      return { tool: name, argument: argument.trim(), complete: true };
    }
    default:
      return null;
  }
}

/**
 * Reads a tool call from a trimmed line: Claude Code's `⏺ Name(argument)` / `● Name(argument)`
 * (and `⏺ server - tool (MCP)(argument)`, `⏺ Update Todos`) or Codex's `• Ran`, `• Edited`,
 * `• Added`, `• Deleted`, `• Updated Plan`, `• Called`. Returns null for anything else,
 * including prose after a glyph.
 */
export function parseToolCall(trimmed: string): ParsedToolCall | null {
  const glyph = trimmed[0];
  if (glyph === undefined || trimmed[1] !== " ") return null;
  const rest = trimmed.slice(2).trimStart();
  if (CLAUDE_GLYPHS.has(glyph)) return parseClaude(rest);
  if (glyph === "•") return parseCodex(rest);
  if (GEMINI_GLYPHS.has(glyph) && trimmed[2] === " ") return parseGemini(rest);
  return null;
}
