// Lengths here are in code points (what `@agentwatch/activity` counts as characters), so a
// surrogate pair is never split. A string's UTF-16 length is never less than its code points.

/** The first `max` characters (code points) of `text`, ending in `…` when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/** The last `max` characters (code points) of `text`. */
export function lastChars(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  return points.length <= max ? text : points.slice(-max).join("");
}

/** `text` on one line: runs of whitespace (newlines included) become one space, trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** At most `maxItems` non-empty strings, each at most `maxChars` long; order kept. */
export function capList(items: readonly string[], maxItems: number, maxChars: number): string[] {
  const out: string[] = [];
  for (const item of items) {
    const text = item.trim();
    if (text === "") continue;
    out.push(truncate(text, maxChars));
    if (out.length === maxItems) break;
  }
  return out;
}

/**
 * `text` without anything a terminal or a page would act on: escape sequences (CSI, OSC, other
 * escapes), C0 and C1 control characters (newlines and tabs kept when `keepNewlines`),
 * bidirectional overrides and isolates, zero-width and other invisible format characters.
 */
export function safeText(text: string, keepNewlines = false): string {
  const stripped = text
    // eslint-disable-next-line no-control-regex -- control characters are what this removes
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g, "")
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]?/g, "")
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b[ -/]*[0-~]?/g, "")
    .replace(/[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2028\u2029\ufeff\u00ad]/g, "");
  return keepNewlines
    ? // eslint-disable-next-line no-control-regex
      stripped.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "")
    : // eslint-disable-next-line no-control-regex
      stripped.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ");
}
