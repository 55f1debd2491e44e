/**
 * How a session file (a Claude Code transcript, a Codex rollout) grows beside the terminal log:
 * the entries written by the time each terminal cut is on screen.
 */

/** When each entry of a session file was written (epoch ms), or null for an entry without a time. */
export function entryTimes(entries: readonly Buffer[]): (number | null)[] {
  return entries.map((entry) => {
    try {
      const value: unknown = JSON.parse(entry.toString("utf8"));
      if (typeof value !== "object" || value === null) return null;
      const at = (value as { timestamp?: unknown }).timestamp;
      if (typeof at !== "string") return null;
      const ms = Date.parse(at);
      return Number.isFinite(ms) ? ms : null;
    } catch {
      return null;
    }
  });
}

/**
 * How many entries of a session file each poll adds, following the terminal's cut plan: after
 * terminal cut k (a share f of the terminal's lines), the session holds the entries written by
 * its first entry's time plus f of its span, when its entries carry timestamps; otherwise the
 * first f of its entries (rounded up). Entries are a prefix (an appended file), an entry without
 * a timestamp is taken as written with the one before it, and after the last cut the whole file
 * is there. The sizes add up to `entries.length`; a poll may add none (the session wrote nothing
 * while the screen moved on).
 *
 * @example
 * sessionCuts(entries, [60, 58]); // e.g. [4, 5]
 */
export function sessionCuts(entries: readonly Buffer[], terminalPlan: readonly number[]): number[] {
  const total = terminalPlan.reduce((sum, size) => sum + size, 0);
  const times = entryTimes(entries);
  // An entry without a time was written with the one before it (the first known, at the start).
  const firstKnown = times.find((at) => at !== null) ?? null;
  let last = firstKnown;
  const filled = times.map((at) => (last = at ?? last));
  const known = filled.filter((at): at is number => at !== null);
  const start = known.length > 0 ? Math.min(...known) : 0;
  const span = known.length > 0 ? Math.max(...known) - start : 0;
  const byTime = known.length === entries.length && span > 0;
  const cuts: number[] = [];
  let had = 0;
  let shown = 0;
  for (const [index, size] of terminalPlan.entries()) {
    shown += size;
    let upTo: number;
    if (index === terminalPlan.length - 1 || total === 0) {
      upTo = entries.length;
    } else if (byTime) {
      const until = start + (span * shown) / total;
      upTo = 0;
      while (upTo < entries.length && (filled[upTo] ?? Infinity) <= until) upTo++;
    } else {
      upTo = Math.ceil((entries.length * shown) / total);
    }
    upTo = Math.max(had, Math.min(entries.length, upTo));
    cuts.push(upTo - had);
    had = upTo;
  }
  return cuts;
}

/** The first JSON objects of a session file's entries (lines that are not objects are skipped). */
function objects(entries: readonly Buffer[]): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const entry of entries) {
    try {
      const value: unknown = JSON.parse(entry.toString("utf8"));
      if (typeof value === "object" && value !== null && !Array.isArray(value))
        found.push(value as Record<string, unknown>);
    } catch {
      // not an entry with a directory
    }
  }
  return found;
}

/**
 * The working directory a session file records (a Claude Code entry's `cwd`, a Codex rollout's
 * `session_meta` payload `cwd`), which a pane running the tool in that directory is joined by;
 * null when it records none.
 */
export function sessionCwd(entries: readonly Buffer[]): string | null {
  for (const entry of objects(entries)) {
    const payload = (entry.type === "session_meta" ? entry.payload : entry) as
      Record<string, unknown> | undefined;
    const cwd = payload?.cwd;
    if (typeof cwd === "string" && cwd !== "") return cwd;
  }
  return null;
}
