/** The longest tool result excerpt, in characters. */
export const EXCERPT_CHARS = 2000;
/** The longest text of an edit (old or new), in characters. */
export const EDIT_CHARS = 4096;
/** The longest prompt, assistant text or question kept in an event, in characters. */
export const MESSAGE_CHARS = 4000;
/** The longest command, path or pattern kept in a tool input, in characters. */
export const ARGUMENT_CHARS = 2000;

const ELISION = "\n[…]\n";

function safeEnd(text: string, end: number): number {
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
}

function safeStart(text: string, start: number): number {
  const code = text.charCodeAt(start);
  return code >= 0xdc00 && code <= 0xdfff ? start + 1 : start;
}

/** The first `max` characters of `text`, not splitting a surrogate pair. */
export function cutChars(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, safeEnd(text, max));
}

/**
 * `text` if it has at most `max` characters; otherwise its start and its end with `[…]` between,
 * `max` characters in all (the end of a command's output says how it ended, the start what it was).
 */
export function cutMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = max - ELISION.length;
  if (room <= 0) return cutChars(text, max);
  const head = Math.ceil(room * 0.4);
  const tail = room - head;
  return (
    text.slice(0, safeEnd(text, head)) + ELISION + text.slice(safeStart(text, text.length - tail))
  );
}

/** A string or null: `value` when it is a non-empty string, bounded to `max` characters. */
export function str(value: unknown, max = ARGUMENT_CHARS): string | null {
  return typeof value === "string" && value.length > 0 ? cutChars(value, max) : null;
}

/** Whether `value` is a plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A non-negative whole number of tokens from `value`, or 0. */
export function count(value: unknown): number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : 0;
}

// ISO 8601 as @agentwatch/models' schema accepts it: a date, `T`, a time, an optional fraction and
// an optional offset.
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** `value` when it is an ISO 8601 date-time that parses to a real time, else null. */
export function isoOrNull(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 40 || !ISO.test(value)) return null;
  return Number.isFinite(Date.parse(value)) ? value : null;
}

/**
 * A 53-bit hash of `text` (two 32-bit FNV-1a style halves), a safe integer: keys remembered for
 * deduplication stay small in the carried state whatever the ids look like, and cost no string.
 */
export function hash53(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

/** `hash53` as a short string. */
export function hashKey(text: string): string {
  return hash53(text).toString(36);
}

/** The text blocks of a message `content` (a string or an array of `{type:"text",text}` blocks). */
export function contentText(content: unknown, types: readonly string[] = ["text"]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let out = "";
  for (const block of content) {
    if (typeof block === "string") out += (out ? "\n" : "") + block;
    else if (
      isObject(block) &&
      types.includes(block.type as string) &&
      typeof block.text === "string"
    )
      out += (out ? "\n" : "") + block.text;
    else if (isObject(block) && block.type === "image") out += (out ? "\n" : "") + "[image]";
  }
  return out;
}
