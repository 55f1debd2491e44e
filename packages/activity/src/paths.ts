/** Longest path or command kept (characters). */
export const MAX_PATH_CHARS = 300;

const FILE_TOOLS = new Set([
  "Read",
  "Edit",
  "Write",
  "Update",
  "MultiEdit",
  "Create",
  "View",
  "NotebookEdit",
  "NotebookRead",
  "Read Notebook",
]);

/** Whether a tool's argument names the file it works on. */
export function isFileTool(tool: string): boolean {
  return FILE_TOOLS.has(tool);
}

/** Whether `text` looks like a file path: no spaces, a `/` or a file extension, not a URL. */
export function looksLikePath(text: string): boolean {
  if (text.length === 0 || text.length > MAX_PATH_CHARS) return false;
  if (/\s/.test(text) || /^[a-z][a-z+.-]*:\/\//i.test(text)) return false;
  if (!/^[\w.~/@+\-\\:[\]()]+$/.test(text)) return false;
  return text.includes("/") || /\.[A-Za-z0-9]{1,10}$/.test(text);
}

/** Normalises a file tool's argument to its path: `file_path: "src/a.ts"` and `src/a.ts · 3-9` give `src/a.ts`. */
export function pathFromArgument(argument: string): string | null {
  let text = argument.trim();
  const named = /^(?:file_path|path|notebook_path)\s*[:=]\s*/.exec(text);
  if (named) text = text.slice(named[0].length);
  for (const separator of [" · ", ", ", " ("]) {
    const at = text.indexOf(separator);
    if (at > 0) text = text.slice(0, at);
  }
  text = text.replace(/^["'`]|["'`]$/g, "");
  return looksLikePath(text) ? text : null;
}

const RESULT_PATH =
  /^(?:Updated|Wrote \d+ lines to|Created|Edited|Modified|Deleted|Added|Removed|Renamed|Created file|Updated file)\s+(\S+)/;
const DIFF_HEADER =
  /^(?:diff --git a\/\S+ b\/(\S+)|\+\+\+ b\/(\S+)|\*\*\* (?:Update|Add|Delete) File: (\S+))/;

/**
 * A file path named by a line: a tool result (`Updated src/a.ts with 2 additions`,
 * `Wrote 12 lines to src/b.ts`, `Edited src/x.ts`), a diff header (`diff --git`, `+++ b/...`,
 * `*** Update File: ...`), or null.
 */
export function pathFromLine(body: string): string | null {
  if (body.length > 2000) return null;
  const first = body[0];
  if (first === "d" || first === "+" || first === "*") {
    const diff = DIFF_HEADER.exec(body);
    if (diff) {
      const path = diff[1] ?? diff[2] ?? diff[3]!;
      return looksLikePath(path) ? path : null;
    }
  }
  const result = RESULT_PATH.exec(body);
  if (!result) return null;
  const path = result[1]!.replace(/[,:;]$/, "");
  return looksLikePath(path) ? path : null;
}
