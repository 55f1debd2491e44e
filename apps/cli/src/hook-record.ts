import { join } from "node:path";

// What `agentwatch hook` appends to the hooks JSONL, one line per Claude Code hook call. Pure:
// no I/O, so the format is tested on its own. Imports nothing heavy: the hook must start fast.

/** The directory under the state directory that holds the hooks JSONL. */
export const HOOKS_DIR_NAME = "hooks";

/** The file, in {@link HOOKS_DIR_NAME}, that `agentwatch hook` appends to. */
export const HOOKS_FILE_NAME = "claude-hooks.jsonl";

/** Every line (newline included) is shorter than this, so one `write` appends it whole. */
export const HOOK_LINE_MAX_BYTES = 256 * 1024;

/** `payload_text` (stdin that is not JSON) keeps at most this many bytes of it. */
export const PAYLOAD_TEXT_MAX_BYTES = 64 * 1024;

/** `<stateDir>/hooks/claude-hooks.jsonl`: where `agentwatch hook` records Claude Code's events. */
export function hooksFilePath(stateDir: string): string {
  return join(stateDir, HOOKS_DIR_NAME, HOOKS_FILE_NAME);
}

/**
 * One line of the hooks JSONL, as parsed. `payload` is the hook's stdin JSON (null when stdin was
 * not JSON; then `payload_text` holds its first 64 KiB); `truncated` marks a line whose long
 * strings (or text) were shortened to keep it under 256 KiB.
 */
export interface HookRecord {
  readonly v: 1;
  /** When the hook had its payload, ISO 8601. */
  readonly received_at: string;
  /** The `agentwatch hook` process. */
  readonly pid: number;
  /** Its parent, grandparent, … (up to 4) from /proc; empty where there is no /proc. */
  readonly ppids: readonly number[];
  readonly payload: unknown;
  readonly payload_text?: string;
  readonly truncated?: true;
}

/** What a line is made of. */
export interface HookRecordInput {
  /** The hook's stdin, decoded as UTF-8. */
  readonly text: string;
  /** Whether more was sent than `text` holds (the hook stops reading at a limit). */
  readonly cut?: boolean;
  readonly receivedAt: Date;
  readonly pid: number;
  readonly ppids: readonly number[];
}

/** `text` cut to at most `max` UTF-16 units, never between the halves of a surrogate pair. */
function cutChars(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end);
}

/** `text` cut to at most `max` bytes of UTF-8, never inside a character. */
export function cutUtf8(text: string, max: number): string {
  if (text.length * 3 <= max) return text;
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= max) return text;
  let end = max;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}

/**
 * `value` with every string longer than `limit` characters shortened (and marked), arrays and
 * objects cut to their first `limit / 16` (at least 8) entries, and anything nested deeper than 12
 * levels replaced by a shortened JSON text of it.
 */
function shorten(value: unknown, limit: number, depth = 0): unknown {
  if (typeof value === "string") {
    return value.length <= limit
      ? value
      : `${cutChars(value, limit)}…[${value.length - limit} more characters]`;
  }
  if (value === null || typeof value !== "object") return value;
  if (depth >= 12) return shorten(JSON.stringify(value), limit, depth);
  const entries = Math.max(8, Math.floor(limit / 16));
  if (Array.isArray(value)) {
    return value.slice(0, entries).map((item) => shorten(item, limit, depth + 1));
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, entries)) {
    out[cutChars(key, limit)] = shorten(item, limit, depth + 1);
  }
  return out;
}

/** Whether `line` and its newline are shorter than {@link HOOK_LINE_MAX_BYTES}. */
function fits(line: string): boolean {
  const max = HOOK_LINE_MAX_BYTES - 1;
  return line.length * 3 < max || Buffer.byteLength(line) < max;
}

/**
 * The hooks JSONL line (ending in a newline) for one hook call:
 * `{"v":1,"received_at":…,"pid":…,"ppids":[…],"payload":<stdin JSON>}`, or with `"payload":null`
 * and `"payload_text"` when stdin is not JSON. Always shorter than {@link HOOK_LINE_MAX_BYTES}:
 * long strings in the payload are shortened and the line says `"truncated":true`.
 *
 * @example
 * hookRecordLine({ text: '{"hook_event_name":"Stop"}', receivedAt: new Date(), pid: 4242, ppids: [4241] });
 */
export function hookRecordLine(input: HookRecordInput): string {
  const head = {
    v: 1,
    received_at: input.receivedAt.toISOString(),
    pid: input.pid,
    ppids: input.ppids,
  };
  let payload: unknown;
  let parsed = false;
  if (input.cut !== true) {
    try {
      payload = JSON.parse(input.text);
      parsed = true;
    } catch {
      // Not JSON: recorded as text below.
    }
  }
  if (parsed) {
    const whole = JSON.stringify({ ...head, payload });
    if (fits(whole)) return `${whole}\n`;
    for (const limit of [16_384, 4096, 1024, 256, 64]) {
      const line = JSON.stringify({ ...head, payload: shorten(payload, limit), truncated: true });
      if (fits(line)) return `${line}\n`;
    }
  }
  let text = cutUtf8(input.text, PAYLOAD_TEXT_MAX_BYTES);
  let truncated = parsed || input.cut === true || text.length < input.text.length;
  for (;;) {
    const line = JSON.stringify({
      ...head,
      payload: null,
      payload_text: text,
      ...(truncated ? { truncated: true } : {}),
    });
    if (fits(line)) return `${line}\n`;
    // Escapes (\u0000 is six bytes) made it too long: keep less of the text.
    text = cutChars(text, Math.floor(text.length / 2));
    truncated = true;
  }
}
