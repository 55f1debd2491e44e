import { isObject } from "./text.js";

/** Most distinct entry kinds counted one by one in `ParseStats.ignored_types`; the rest go to `other`. */
export const MAX_IGNORED_KINDS = 32;

/**
 * What a parser did with the lines it was given, across calls. Part of every parse state, so a
 * monitor can show how many lines of a transcript it could not use and why (the first reason).
 */
export interface ParseStats {
  /** Lines taken so far (blank lines included). */
  lines: number;
  /** Events produced so far. */
  events: number;
  /** Lines of a known shape that give no event: summaries, snapshots, reasoning, unknown entry types. */
  ignored: number;
  /** `ignored` by entry kind (`summary`, `file-history-snapshot`, `system:compact_boundary`, ...). */
  ignored_types: Record<string, number>;
  /** Lines skipped as repeats of a line already taken (same entry id), and usage already counted. */
  duplicates: number;
  /** Lines that could not be used at all: not JSON, not an object, no `type`. */
  unusable: number;
  /** Why the first unusable line was, with its line number (never its content); null if none. */
  first_unusable: string | null;
}

/** Stats of a parser that has taken nothing yet. */
export function emptyParseStats(): ParseStats {
  return {
    lines: 0,
    events: 0,
    ignored: 0,
    ignored_types: {},
    duplicates: 0,
    unusable: 0,
    first_unusable: null,
  };
}

/** Counts line `stats.lines` as unusable for `reason`. */
export function markUnusable(stats: ParseStats, reason: string): void {
  stats.unusable++;
  stats.first_unusable ??= `line ${stats.lines}: ${reason}`;
}

/** Counts one line of kind `kind` as ignored. */
export function markIgnored(stats: ParseStats, kind: string): void {
  stats.ignored++;
  const kinds = stats.ignored_types;
  const key =
    kind in kinds || Object.keys(kinds).length < MAX_IGNORED_KINDS ? kind.slice(0, 64) : "other";
  kinds[key] = (kinds[key] ?? 0) + 1;
}

const isCount = (v: unknown): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** Reads stats from a stored state, defensively (a malformed value gives fresh stats). */
export function readParseStats(value: unknown): ParseStats {
  const fresh = emptyParseStats();
  if (!isObject(value)) return fresh;
  for (const key of ["lines", "events", "ignored", "duplicates", "unusable"] as const)
    if (isCount(value[key])) fresh[key] = value[key];
  if (typeof value.first_unusable === "string")
    fresh.first_unusable = value.first_unusable.slice(0, 200);
  if (isObject(value.ignored_types))
    for (const [k, v] of Object.entries(value.ignored_types).slice(0, MAX_IGNORED_KINDS + 1))
      if (isCount(v)) fresh.ignored_types[k.slice(0, 64)] = v;
  return fresh;
}

/** A list of strings from a stored state: the last `max` strings of `value` (others dropped). */
export function readStrings(value: unknown, max: number, maxChars = 64): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((v): v is string => typeof v === "string" && v.length <= maxChars)
    .slice(-max);
}

/** A list of hashes from a stored state: the last `max` safe non-negative integers of `value`. */
export function readHashes(value: unknown, max: number): number[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((v): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0)
    .slice(-max);
}

/**
 * Appends `item` to `list` and keeps only the last `max` items: exactly `max`, so a state that was
 * stored and read back (which keeps the last `max`) behaves as one that never was.
 */
export function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}
