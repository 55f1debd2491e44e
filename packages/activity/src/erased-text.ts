import { cleanRow, VERTICAL_BORDERS } from "./clean-line.js";
import { classifyLine, type LineKind } from "./classify-line.js";

/** Longest text captured from a row about to be erased (characters); the rest is not read. */
export const ERASED_ROW_CHARS = 1024;
/** Characters at the start of a row that tell whether its erased text may be worth keeping. */
export const ERASED_HEAD_CHARS = 64;
/** Characters of full captures a call may read up front, and per character of input. */
export const ERASED_CREDIT = { base: 65_536, perInputChar: 8 } as const;
/** Kept erased texts a row holds before they are handed out early (out of screen order). */
export const MAX_ERASED_PER_ROW = 8;
/** Erased texts handed out lately that a kept erased text is compared with. */
export const RECENT_ERASED_TEXTS = 256;

/**
 * What the head of a row says about its erased text: never kept (`no`), maybe kept (`yes`), or
 * maybe kept but only the whole text can tell (`whole`: judging the head alone is pointless).
 */
export type HeadVerdict = "no" | "yes" | "whole";

/** Decides which texts of erased rows are handed out. */
export interface ErasedRowPolicy {
  /**
   * A cheap test on the first `ERASED_HEAD_CHARS` characters of a row (`length`: the whole row's)
   * that must not say `no` for any text the policy keeps.
   */
  mayKeep(head: string, length: number): HeadVerdict;
  /** Whether the captured text (at most `ERASED_ROW_CHARS` characters) is handed out. */
  keep(text: string): boolean;
}

/** The kinds of line worth keeping after they were erased. */
const KEPT_KINDS: ReadonlySet<LineKind> = new Set(["shell_command", "tool_call"]);
/** Tool glyphs of Claude Code and Codex (see `parseToolCall`). */
const TOOL_GLYPHS: ReadonlySet<string> = new Set(["⏺", "●", "•"]);
/** Codex's lines for a call still running, replaced by `• Ran …` / `• Called …` when it ends. */
const IN_PROGRESS = /^• (?:Running|Calling) /;
/**
 * How every shell prompt `classifyLine` knows starts: `$`, `[u@h d]$`, `➜`, `(venv)`, `PS `, `u@h`,
 * `bash-5.1$`.
 */
const PROMPT_START = /^(?:[$[➜(]|PS |[\w.-]+(?:@|-\d))/;
/** A head that is one word (a prompt's `user` or `bash-5.1` may go on past it). */
const WORD = /^[\w.-]+$/;

/**
 * Keeps the erased text of a row only when it is a command typed at a shell prompt
 * (`$ curl … | sh`) or a tool call line (`⏺ Bash(…)`, `• Ran …`), as `classifyLine` reads them;
 * not Codex's `• Running …` / `• Calling …`, which Codex replaces by the finished `• Ran …` line
 * (often on another row, where keeping both would count the call twice).
 *
 * Why not every erased line that is not noise: ink-based TUIs (Claude Code) erase and redraw their
 * whole live area several times a second, and spinners and progress bars redraw with `\r`, so
 * nearly every erased line is a frame of a spinner, a timer, a prompt being typed or a progress
 * bar. Measured: on the fixture `raw-pipe-pane-ansi.log`, keeping every such line takes
 * `cleanTerminalOutput` from 26 lines to 48 (each spinner and status frame, each state of the
 * prompt being typed, each step of the progress bar) and changes the result of 6 of the package's
 * existing tests; on a Claude Code screen redrawn 300 times, from 6 lines to 533. This policy adds
 * none to either (the other fixtures have no erased lines). The lines that hide an action are
 * commands and tool calls, and those are what the facts (`commands_run`, `tool_calls`,
 * `last_tool_used`) and a reader need to see.
 */
export const keepCommandsAndToolCalls: ErasedRowPolicy = {
  mayKeep(head, length) {
    // Mirrors (loosely) `cleanRow` and `classifyLine`: borders and whitespace are skipped.
    let i = skipSpace(head, 0);
    let boxed = false;
    for (let depth = 0; depth < 3 && VERTICAL_BORDERS.has(head[i] ?? ""); depth++) {
      boxed = true;
      i = skipSpace(head, i + 1);
    }
    // Only spaces and borders in the head of a longer row: the text is further on.
    if (i >= head.length) return length > head.length ? "whole" : "no";
    if (TOOL_GLYPHS.has(head[i]!)) return "yes";
    if (i > 0 || boxed) return "no";
    if (PROMPT_START.test(head)) return "yes";
    // A first word longer than the head may still end in `@host` or `-5.1$`.
    return length > head.length && WORD.test(head) ? "whole" : "no";
  },
  keep(text) {
    const line = cleanRow(text, -1, -1);
    if (line.noise !== null) return false;
    const info = classifyLine(line);
    return KEPT_KINDS.has(info.kind) && !IN_PROGRESS.test(info.trimmed);
  },
};

const SPACE = /\s/;

/** The index of the first character at or after `from` that `String.prototype.trim` keeps. */
function skipSpace(text: string, from: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    if (c < 0x80 || !SPACE.test(text[i]!)) break;
  }
  return i;
}

/**
 * A 53-bit hash of `text` (cyrb53), carried instead of the text itself to tell a redraw of an
 * erased line from a new one in the next call.
 */
export function textHash(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
