import type { Logger } from "@agentwatch/models";
import { InvalidOptionError } from "./errors.js";

/** Options of `SummaryStore`. */
export interface SummaryStoreOptions {
  /** Rotate the current history file before it would grow past this many bytes; 10,000,000 by default. */
  maxHistoryBytes?: number | undefined;
  /** At most this many history files per agent, the current one included; 3 by default. */
  historyFiles?: number | undefined;
  /**
   * The longest history line, in bytes (without its `\n`), that reads return: a longer line is
   * skipped without being held in memory, and counted in a warning. `write()` refuses a summary
   * whose line would be longer. 1,048,576 (1 MiB) by default; summaries are a few KiB.
   */
  maxLineBytes?: number | undefined;
  /** A pino-compatible logger for skipped records and directories; silent by default. */
  logger?: Logger | undefined;
}

/** Which summaries `SummaryStore.getHistory` returns. */
export interface HistoryQuery {
  /** At most this many summaries (a non-negative integer or `Infinity`); 100 by default. */
  limit?: number | undefined;
  /** Only summaries whose `timestamp` is at or after this instant: a `Date` or an ISO 8601 string. */
  since?: Date | string | undefined;
}

/** `value` (or `fallback` when undefined), checked to be a positive safe integer. */
export function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result < 1) {
    throw new InvalidOptionError(
      `invalid ${name}: expected a positive integer, got ${String(value)}; pass e.g. ${fallback}`,
      name,
    );
  }
  return result;
}

/** A `getHistory` limit: 100 by default, a non-negative integer or `Infinity`. */
export function parseLimit(value: number | undefined): number {
  const limit = value ?? 100;
  if (limit !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new InvalidOptionError(
      `invalid limit: expected a non-negative integer or Infinity, got ${String(value)}`,
      "limit",
    );
  }
  return limit;
}

/** A `getHistory` since as epoch milliseconds (undefined when not given). */
export function parseSince(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms =
    value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidOptionError(
      `invalid since: expected a valid Date or an ISO 8601 string such as 2026-01-15T10:30:00Z, got ${JSON.stringify(value instanceof Date ? "Invalid Date" : value)}`,
      "since",
    );
  }
  return ms;
}
