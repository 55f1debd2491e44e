import { parseAgentSummary, type AgentSummary } from "@agentwatch/models";
import { InvalidSummaryError } from "./errors.js";

/**
 * Validates `summary` against the AgentSummary schema and returns it as given: fields the schema
 * does not know (added by a newer version) are kept, not dropped.
 *
 * @throws {InvalidSummaryError} naming the offending field, with the `ValidationError` as `cause`.
 */
export function checkSummaryForWrite(summary: unknown): AgentSummary {
  if (typeof summary !== "object" || summary === null || Array.isArray(summary)) {
    throw new InvalidSummaryError(
      `cannot write summary: expected an AgentSummary object, got ${Array.isArray(summary) ? "an array" : String(summary === null ? "null" : typeof summary)}; nothing was written`,
    );
  }
  try {
    parseAgentSummary(summary);
  } catch (cause) {
    const id = (summary as { instance_id?: unknown }).instance_id;
    const of = typeof id === "string" ? ` for instance ${JSON.stringify(id)}` : "";
    throw new InvalidSummaryError(
      `cannot write summary${of}: ${(cause as Error).message}; nothing was written`,
      { cause },
    );
  }
  return summary as AgentSummary;
}

/** The result of decoding one stored summary. */
export type DecodeResult =
  | { readonly ok: true; readonly summary: AgentSummary }
  | { readonly ok: false; readonly reason: string };

/**
 * Decodes the JSON text of one stored summary: the known fields validated (as the schema returns
 * them), unknown fields passed through untouched.
 */
export function decodeSummary(text: string): DecodeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${(error as Error).message})` };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: "not a JSON object" };
  }
  try {
    const parsed = parseAgentSummary(raw);
    return { ok: true, summary: { ...(raw as Record<string, unknown>), ...parsed } };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
