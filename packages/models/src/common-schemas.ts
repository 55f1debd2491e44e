import { z } from "zod";

/** ISO 8601 date-time, with or without an offset (Python's `isoformat()` writes none). */
export const isoDateTimeSchema = z.iso.datetime({
  offset: true,
  local: true,
  error: "expected an ISO 8601 date-time such as 2026-01-15T10:30:00.000Z",
});

/** A whole number from 0 to Number.MAX_SAFE_INTEGER. */
export const nonNegativeSafeIntegerSchema = z
  .number({ error: "expected a non-negative safe integer" })
  .int({ error: "expected a non-negative safe integer" })
  .min(0, { error: "expected a non-negative safe integer" })
  .max(Number.MAX_SAFE_INTEGER, { error: "expected a non-negative safe integer" });
