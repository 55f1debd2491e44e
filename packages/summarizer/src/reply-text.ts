import { InvalidReplyError } from "./errors.js";

const FENCE = /```[ \t]*([A-Za-z0-9_-]*)[ \t]*\r?\n?([\s\S]*?)```/g;

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false };
  try {
    return { ok: true, value: JSON.parse(trimmed) as unknown };
  } catch {
    return { ok: false };
  }
}

function between(text: string, open: string, close: string): string | null {
  const start = text.indexOf(open);
  const end = text.lastIndexOf(close);
  return start >= 0 && end > start ? text.slice(start, end + 1) : null;
}

/**
 * The JSON value in a model's text reply: the first ```json (or bare ```) fenced block that
 * parses, else the whole text, else the span from the first `{` to the last `}` (or `[` to `]`,
 * so that an array is reported as an array, not as "no JSON").
 *
 * @throws {InvalidReplyError} when no JSON value can be found.
 */
export function jsonFromText(text: string, provider: string): unknown {
  for (const match of text.matchAll(FENCE)) {
    const language = (match[1] ?? "").toLowerCase();
    if (language !== "" && language !== "json") continue;
    const parsed = tryParse(match[2] ?? "");
    if (parsed.ok) return parsed.value;
  }
  for (const candidate of [text, between(text, "{", "}"), between(text, "[", "]")]) {
    if (candidate === null) continue;
    const parsed = tryParse(candidate);
    if (parsed.ok) return parsed.value;
  }
  throw new InvalidReplyError(
    `${provider}: the reply holds no tool call and no JSON verdict; the model should call the report tool`,
    provider,
    text,
  );
}
