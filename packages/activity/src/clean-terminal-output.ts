import { cleanRow } from "./clean-line.js";
import { checkLines, runPipeline } from "./pipeline.js";

/**
 * Turns raw terminal log lines into the text a person would read.
 *
 * Escape sequences (CSI, OSC, charset selects, the rest) and control characters are removed;
 * `\r` redraws, backspaces, cursor-up frame redraws and erases are resolved to what the terminal
 * showed; box borders, frame and rule lines, blank lines and lone spinner glyphs are dropped. A
 * command or tool call line that was shown and then erased or overwritten is kept, once, where
 * its row was (other erased lines, such as spinner frames, are not).
 * In the original orchestrator's snapshot format (blocks that start with a line of 80 `=`, a
 * `[timestamp]` and another rule), only what each snapshot adds to the one before is kept.
 * Stateless: the lines are taken as a whole log (use `analyzeActivity` with `previous` to follow
 * a log poll by poll).
 *
 * @throws {InvalidActivityInputError} if `lines` is not an array of strings.
 * @example
 * cleanTerminalOutput(["\x1b[32m✓\x1b[0m ok", "⠋ Installing\r⠙ Installing\r\x1b[Kdone", "⠸"]);
 * // ["✓ ok", "done"]
 */
export function cleanTerminalOutput(lines: readonly string[]): string[] {
  checkLines(lines, "cleanTerminalOutput");
  const { rows } = runPipeline(lines, {}, true);
  const out: string[] = [];
  for (const row of rows) {
    const line = cleanRow(row.text, row.source, row.rowId);
    if (line.noise === null) out.push(line.text);
  }
  return out;
}
