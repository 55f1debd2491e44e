import { type ParseStats, markUnusable } from "./parse-stats.js";

// Where the next entry of a JSONL file starts when a torn write left the end of the previous one
// on the same line: the keys the programs write first.
const ENTRY_START =
  /\{"(?:parentUuid|type|timestamp|isSidechain|v|id|record_type|sessionId|uuid)":/g;

/**
 * Parses a JSONL line into an object. A line that is not a JSON object is counted as unusable
 * (`undefined` is returned). A line where a torn write (a crash mid-line) was continued by the next
 * entry is split: the torn part is counted as unusable, the entry after it is returned.
 */
export function parseJsonLine(line: string, stats: ParseStats): unknown {
  const text = line.trim();
  if (text === "") return undefined;
  if (text.charCodeAt(0) !== 0x7b /* { */) {
    markUnusable(stats, "not a JSON object");
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
    markUnusable(stats, "not a JSON object");
    return undefined;
  } catch {
    // A torn line followed by a whole entry: try each place an entry can start (a few at most).
    ENTRY_START.lastIndex = 1;
    let tries = 0;
    for (let m = ENTRY_START.exec(text); m !== null && tries < 16; m = ENTRY_START.exec(text)) {
      tries++;
      try {
        const value: unknown = JSON.parse(text.slice(m.index));
        if (typeof value === "object" && value !== null && !Array.isArray(value)) {
          markUnusable(stats, "torn entry (cut short before the next one)");
          return value;
        }
      } catch {
        // not from here
      }
    }
    markUnusable(stats, "not JSON (a torn or corrupt line)");
    return undefined;
  }
}
