import type { Summary } from "./protocol.js";

/** How many summaries the history panel shows. */
export const HISTORY_LIMIT = 100;

/** `a` and `b` merged, one per timestamp, newest first, at most HISTORY_LIMIT. */
export function mergeNewestFirst(a: readonly Summary[], b: readonly Summary[]): Summary[] {
  const byTime = new Map<string, Summary>();
  for (const s of [...a, ...b]) byTime.set(s.timestamp, s);
  return [...byTime.values()]
    .sort((x, y) => Date.parse(y.timestamp) - Date.parse(x.timestamp))
    .slice(0, HISTORY_LIMIT);
}
