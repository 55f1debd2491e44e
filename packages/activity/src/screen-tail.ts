import { cleanRow } from "./clean-line.js";
import { classifyLine } from "./classify-line.js";
import { TAIL_LINES, type TailLine } from "./decide-state.js";

/** Characters in `output_preview`. */
export const PREVIEW_CHARS = 200;

/** Classifies the last non-blank rows of the most recent screen (spinner glyphs dropped). */
export function buildTail(rows: readonly string[]): TailLine[] {
  const tail: TailLine[] = [];
  for (let i = rows.length - 1; i >= 0 && tail.length < TAIL_LINES; i--) {
    const line = cleanRow(rows[i]!, -1, -1);
    if (line.noise === "blank" || line.noise === "spinner") continue;
    if (line.noise === "frame") {
      tail.push({ kind: "frame", text: line.text.trim(), indent: 0, command: null });
      continue;
    }
    const info = classifyLine(line);
    tail.push({ kind: info.kind, text: info.trimmed, indent: info.indent, command: info.command });
  }
  return tail.reverse();
}

const NOT_PREVIEW = new Set<TailLine["kind"]>([
  "frame",
  "hint",
  "question_hint",
  "agent_prompt",
  "shell_prompt",
  "working",
  "finished",
]);

/** The last `PREVIEW_CHARS` characters of the screen's meaningful lines, joined by newlines. */
export function buildPreview(tail: readonly TailLine[]): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = tail.length - 1; i >= 0 && length < PREVIEW_CHARS * 2; i--) {
    const line = tail[i]!;
    if (NOT_PREVIEW.has(line.kind)) continue;
    const text =
      line.text.length > PREVIEW_CHARS * 2 ? line.text.slice(-PREVIEW_CHARS * 2) : line.text;
    parts.push(text);
    length += text.length + 1;
  }
  return lastChars(parts.reverse().join("\n"), PREVIEW_CHARS);
}

/** The last `max` code points of `text`. */
export function lastChars(text: string, max: number): string {
  const points = Array.from(text.length > max * 2 ? text.slice(-max * 2) : text);
  return points.length <= max ? points.join("") : points.slice(-max).join("");
}
