import type { HttpFailure } from "./http-util.js";

/** The largest `limit` of a history request. */
export const MAX_HISTORY_LIMIT = 1000;
/** The `limit` of a history request that gives none. */
export const DEFAULT_HISTORY_LIMIT = 100;

const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** A validated history query. */
export interface HistoryParams {
  readonly limit: number;
  readonly since: string | undefined;
}

function invalid(message: string): HttpFailure {
  return { status: 400, code: "INVALID_QUERY", message };
}

/**
 * `limit` (an integer from 1 to 1000, 100 by default) and `since` (an ISO 8601 time) of
 * `/api/summaries/:id/history`, or the 400 to answer.
 */
export function parseHistoryParams(params: URLSearchParams): HistoryParams | HttpFailure {
  const rawLimit = params.get("limit");
  let limit = DEFAULT_HISTORY_LIMIT;
  if (rawLimit !== null) {
    limit = /^\d{1,7}$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!(limit >= 1 && limit <= MAX_HISTORY_LIMIT)) {
      return invalid(
        `invalid limit ${JSON.stringify(rawLimit)}: expected an integer from 1 to ${MAX_HISTORY_LIMIT}`,
      );
    }
  }
  let since = params.get("since") ?? undefined;
  if (since !== undefined) {
    // A "+" of a time zone offset arrives as a space when the client did not encode it.
    since = since.replace(/ (\d{2}:?\d{2})$/, "+$1");
    if (!ISO_8601.test(since) || Number.isNaN(Date.parse(since))) {
      return invalid(
        `invalid since ${JSON.stringify(params.get("since"))}: expected an ISO 8601 time such as 2026-01-15T10:30:00Z`,
      );
    }
  }
  return { limit, since };
}
