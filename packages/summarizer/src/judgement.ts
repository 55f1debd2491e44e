import { parseOnTrackStatus } from "@agentwatch/models";
import { z } from "zod";
import { InvalidReplyError } from "./errors.js";
import type { Judgement } from "./provider.js";
import { capList, truncate } from "./text.js";

/** At most this many drift reasons and alignment keywords are kept. */
export const LIST_MAX_ITEMS = 10;
/** Each drift reason or keyword is cut to this many characters. */
export const LIST_ITEM_MAX_CHARS = 200;
/** `current_activity` is cut to this many characters. */
export const ACTIVITY_MAX_CHARS = 300;
/** `recommended_action` is cut to this many characters. */
export const ACTION_MAX_CHARS = 500;

/** The confidence given for a level word instead of a number. */
export const CONFIDENCE_LEVELS: Readonly<Record<string, number>> = Object.freeze({
  high: 0.8,
  medium: 0.5,
  low: 0.2,
});

function scale(value: number): number {
  if (value <= 0) return 0;
  if (value <= 1) return value;
  if (value <= 10) return value / 10; // "7" on a 0-10 scale
  if (value <= 100) return value / 100; // "85" as a percentage
  return 1;
}

/**
 * Reads a confidence as a model may write it, or undefined when it is not one.
 *
 * A number from 0 to 1 is kept exactly; above 1 it is read as a 0–10 score (7 → 0.7), above 10 as
 * a percentage (85 → 0.85), above 100 it is clamped to 1 and below 0 to 0. Numeric text (`"0.8"`,
 * `"7"`, `"85%"`) is read the same way; `high`, `medium` and `low` (any case) give 0.8, 0.5, 0.2.
 */
export function parseConfidence(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? scale(value) : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim().toLowerCase();
  const level = CONFIDENCE_LEVELS[text];
  if (level !== undefined) return level;
  const percent = /^(-?\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (percent) return Math.min(1, Math.max(0, Number(percent[1]) / 100));
  if (/^-?\d+(?:\.\d+)?$/.test(text)) return scale(Number(text));
  return undefined;
}

const NO_ACTION = new Set(["", "none", "null", "n/a", "na", "no action", "nothing"]);

function listOf(value: unknown, ctx: z.RefinementCtx): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  const texts: string[] = [];
  for (const item of items) {
    if (item === null || item === undefined) continue;
    if (typeof item === "string") texts.push(item);
    else if (typeof item === "number" || typeof item === "boolean") texts.push(String(item));
    else {
      ctx.addIssue({ code: "custom", message: "expected a list of strings" });
      return [];
    }
  }
  return capList(texts, LIST_MAX_ITEMS, LIST_ITEM_MAX_CHARS);
}

const required = (name: string) =>
  z
    .unknown()
    .optional()
    .refine((value) => value !== undefined, { message: `missing ${name}` });

/** The judged fields of a reply, read leniently (see `parseJudgement`). */
const replySchema = z.object(
  {
    current_activity: required("current_activity").transform((value, ctx) => {
      const text = typeof value === "string" ? value.trim() : "";
      if (text === "") {
        ctx.addIssue({ code: "custom", message: "expected a non-empty string" });
        return z.NEVER;
      }
      return truncate(text, ACTIVITY_MAX_CHARS);
    }),
    on_track_status: required("on_track_status").transform((value) => parseOnTrackStatus(value)),
    confidence_score: required("confidence_score").transform((value, ctx) => {
      const confidence = parseConfidence(value);
      if (confidence === undefined) {
        ctx.addIssue({
          code: "custom",
          message: "expected a number from 0 to 1 (or high, medium, low)",
        });
        return z.NEVER;
      }
      return confidence;
    }),
    drift_reasons: z.unknown().optional().transform(listOf),
    alignment_keywords: z.unknown().optional().transform(listOf),
    recommended_action: z
      .unknown()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value === null) return null;
        if (typeof value !== "string") {
          ctx.addIssue({ code: "custom", message: "expected a string or null" });
          return z.NEVER;
        }
        const text = value.trim();
        return NO_ACTION.has(text.toLowerCase()) ? null : truncate(text, ACTION_MAX_CHARS);
      }),
  },
  { error: "expected a JSON object with the judged fields" },
);

function show(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value;
  }
  return truncate(text, max);
}

/**
 * Reads a verdict from a model reply or a provider's result, leniently.
 *
 * The status is read in any case and with any separator (`"ON_TRACK"`, `"Off-Track"`); a value
 * that is not one of the five statuses becomes `unknown`. The confidence is read by
 * `parseConfidence`. `drift_reasons` and `alignment_keywords` may be missing (→ `[]`), a single
 * string, or a list; they are capped at 10 items of 200 characters. `recommended_action` may be
 * missing, null, or a word such as `none` (→ null). Unknown fields are ignored.
 *
 * @throws {InvalidReplyError} when `value` is not an object (a JSON array, say), lacks
 *   `current_activity`, `on_track_status` or `confidence_score`, or has a confidence that is not
 *   a number or a level word.
 */
export function parseJudgement(value: unknown, provider: string): Judgement {
  const result = replySchema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "(reply)";
      let got: unknown = value;
      for (const key of issue.path)
        got =
          got !== null && typeof got === "object"
            ? (got as Record<PropertyKey, unknown>)[key]
            : undefined;
      return `${field}: ${issue.message} (got ${got === undefined ? "nothing" : show(got)})`;
    })
    .join("; ");
  throw new InvalidReplyError(
    `${provider}: the reply is not a valid verdict: ${details}`,
    provider,
    show(value, 500),
  );
}
