import type { z } from "zod";
import { ValidationError, type ValidationIssue } from "./errors.js";

const MAX_SHOWN_VALUE = 80;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function show(value: unknown): string {
  if (value === undefined) return "missing";
  let text: string;
  try {
    // JSON.stringify gives undefined for functions and symbols, and throws for bigints and cycles.
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value === "bigint" ? `${value}n` : typeof value;
  }
  return text.length > MAX_SHOWN_VALUE ? `${text.slice(0, MAX_SHOWN_VALUE)}…` : text;
}

function parseJsonText(what: string, input: unknown): unknown {
  if (typeof input !== "string") return input;
  try {
    return JSON.parse(input) as unknown;
  } catch (cause) {
    const issue: ValidationIssue = { path: [], message: "expected JSON text", value: input };
    throw new ValidationError(
      `invalid ${what}: not valid JSON (${(cause as Error).message}); pass a JSON object or its text`,
      [issue],
      { cause },
    );
  }
}

/**
 * Validates `input` (a value, or JSON text) against `schema`, throwing a `ValidationError` that
 * names every offending field and its value.
 */
export function validateWith<T>(schema: z.ZodType<T>, what: string, input: unknown): T {
  const value = parseJsonText(what, input);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map((key) => (typeof key === "symbol" ? String(key) : key)),
    message: issue.message,
    value: valueAt(value, issue.path),
  }));
  const details = issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join(".") : "(value)";
      return `${field}: ${issue.message} (got ${show(issue.value)})`;
    })
    .join("; ");
  throw new ValidationError(`invalid ${what}: ${details}`, issues);
}
