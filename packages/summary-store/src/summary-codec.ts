import { ValidationError, parseAgentSummary, type AgentSummary } from "@agentwatch/models";
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
 * Why `error` (from validating a stored summary) rejected it, naming the fields and what each
 * should be but never a value: what a file holds is not for logs.
 */
function describeIssues(error: unknown): string {
  if (!(error instanceof ValidationError) || error.issues.length === 0) {
    return "not a valid AgentSummary";
  }
  const fields = error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join(".") : "(value)";
    return `${field}: ${issue.message}`;
  });
  return `not a valid AgentSummary: ${fields.join("; ")}`;
}

/**
 * Decodes the JSON text of one stored summary: the known fields validated (as the schema returns
 * them), unknown fields passed through untouched.
 *
 * A failure's `reason` names what is wrong (not JSON, not an object, which fields break the
 * schema) without quoting any of the text, so it can be logged: the text may be anything a file
 * holds. (`JSON.parse` and the schema's own messages quote the input.)
 */
export function decodeSummary(text: string): DecodeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not valid JSON" };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: "not a JSON object" };
  }
  try {
    const parsed = parseAgentSummary(raw);
    return { ok: true, summary: { ...(raw as Record<string, unknown>), ...parsed } };
  } catch (error) {
    return { ok: false, reason: describeIssues(error) };
  }
}
