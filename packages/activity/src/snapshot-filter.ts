import type { EmittedRow } from "./terminal-screen.js";

/** Lines of the previous snapshot's end kept to find where the next one's new output starts. */
export const SNAPSHOT_TAIL_LINES = 120;
/** Lines at the end of a snapshot that may differ in the next (the TUI's live area). */
const LIVE_LINES = 40;
/** Lines of a snapshot held while it is unclear whether they are new (about; oldest dropped beyond). */
export const MAX_HELD_LINES = 2000;
/** Fewest lines that must match for an overlap to count (a blank or a rule alone is no evidence). */
const MIN_OVERLAP = 3;

const RULE = "=".repeat(80);
const TIMESTAMP = /^\[\d{4}-\d\d-\d\d[T ][\d:.,]+(?:Z|[+-]\d\d:?\d\d)?\]$/;

/** A row waiting in the filter, with its index in its snapshot. */
interface HeldRow {
  text: string;
  row_id: number;
  /** Index of the input line in the call that saw it (-1 once carried to a later call). */
  source: number;
  index: number;
}

/** The filter's state between calls, JSON-serialisable. */
export interface SnapshotCarry {
  /** Header lines seen at the end of the last call (a header cut by the poll boundary). */
  pending: { text: string; row_id: number; source: number }[];
  /** Whether a snapshot block is open. */
  active: boolean;
  /** The last lines of the last complete snapshot (trailing blank lines removed); null: none yet. */
  previous: string[] | null;
  /** The last lines of the open snapshot. */
  tail: string[];
  /** Blank lines at the end of the open snapshot not yet in `tail`. */
  trailing_blanks: number;
  /** Lines of the open snapshot so far. */
  count: number;
  /** Whether the open snapshot's new output has been found (everything from here on passes). */
  anchored: boolean;
  /** KMP state: length of the longest prefix of `previous` ending at the last line. */
  match: number;
  /** Start positions in `previous` that the open snapshot's first lines still match (null: not started). */
  candidates: number[] | null;
  /** Best overlap found by the candidates (first new line's index), -1 for none. */
  head_anchor: number;
  /** Lines held until the anchor is found. */
  held: HeldRow[];
}

/** A fresh filter state. */
export function emptySnapshotCarry(): SnapshotCarry {
  return {
    pending: [],
    active: false,
    previous: null,
    tail: [],
    trailing_blanks: 0,
    count: 0,
    anchored: true,
    match: 0,
    candidates: null,
    head_anchor: -1,
    held: [],
  };
}

/**
 * Passes through only what is new in the original orchestrator's `tmux_output.log` format.
 *
 * That log is a series of blocks, each a line of 80 `=`, a `[timestamp]` line, another rule and a
 * full `capture-pane -S -` snapshot. Consecutive snapshots repeat the earlier scrollback, so a
 * snapshot's new output starts after the last lines of the previous snapshot: found as the
 * longest prefix of those lines (allowing the last `LIVE_LINES`, the redrawn live area, to differ)
 * that occurs in the new snapshot, or as the longest suffix of them that the new snapshot starts
 * with (a screen that scrolled). Lines before that point are dropped; until it is found they are
 * held. A snapshot with no overlap at all is new in full. Everything is linear in the input.
 *
 * Input without snapshot headers passes through unchanged.
 */
export class SnapshotFilter {
  private readonly state: SnapshotCarry;
  private failure: number[] = [];
  private readonly out: EmittedRow[] = [];

  constructor(carry?: SnapshotCarry) {
    this.state = carry ?? emptySnapshotCarry();
    for (const p of this.state.pending) p.source = -1;
    for (const h of this.state.held) h.source = -1;
    if (this.state.previous) this.failure = failureFunction(this.state.previous);
  }

  /**
   * Feeds one row; the rows that pass (possibly earlier held ones) are drained in order. A row's
   * erased text passes at once: it is not part of any snapshot's scrollback, so it takes no part
   * in finding the overlap.
   */
  push(row: EmittedRow): void {
    if (row.erased === true) {
      this.out.push(row);
      return;
    }
    const pending = this.state.pending;
    const text = row.text.trimEnd();
    if (pending.length === 0) {
      if (text === RULE) pending.push({ text: row.text, row_id: row.rowId, source: row.source });
      else this.content(row);
      return;
    }
    if (pending.length === 1) {
      if (TIMESTAMP.test(text)) {
        pending.push({ text: row.text, row_id: row.rowId, source: row.source });
        return;
      }
    } else if (text === RULE) {
      pending.length = 0;
      this.startSnapshot();
      return;
    }
    this.flushPending();
    this.push(row);
  }

  /** Rows passed so far (drains the buffer). */
  drain(): EmittedRow[] {
    return this.out.splice(0);
  }

  /** Treats the input as complete: an open snapshot is closed, held and pending rows decided. */
  end(): void {
    this.flushPending();
    if (this.state.active) this.closeSnapshot();
  }

  /** The state to carry to the next call. */
  carry(): SnapshotCarry {
    return this.state;
  }

  /**
   * While an open snapshot's new output has not been found yet (a poll cut it), the last complete
   * snapshot's end is the most recent screen known; null otherwise.
   */
  screenWhileHolding(): string[] | null {
    const s = this.state;
    return s.active && !s.anchored && s.previous ? s.previous : null;
  }

  private flushPending(): void {
    const pending = this.state.pending.splice(0);
    for (const p of pending) this.content({ text: p.text, source: p.source, rowId: p.row_id });
  }

  private startSnapshot(): void {
    const s = this.state;
    if (s.active) this.closeSnapshot();
    s.active = true;
    s.count = 0;
    s.tail = [];
    s.trailing_blanks = 0;
    s.match = 0;
    s.candidates = null;
    s.head_anchor = -1;
    s.held = [];
    s.anchored = s.previous === null || s.previous.length === 0;
  }

  private closeSnapshot(): void {
    const s = this.state;
    if (!s.anchored) {
      const previous = s.previous ?? [];
      const stillMatching = s.candidates !== null && s.candidates.length > 0;
      // Ending inside a long match, or while the snapshot is still a piece of the previous one,
      // means nothing new; an overlap found by the candidates drops what precedes it; no overlap
      // at all means the snapshot is new in full.
      if (s.match >= threshold(previous.length) || stillMatching) s.held = [];
      else this.releaseFrom(s.head_anchor >= 0 ? s.head_anchor : 0);
    }
    s.previous = s.tail.length > 0 ? s.tail.slice(-SNAPSHOT_TAIL_LINES) : s.previous;
    this.failure = s.previous ? failureFunction(s.previous) : [];
    s.active = false;
    s.anchored = true;
    s.held = [];
    s.candidates = null;
  }

  private content(row: EmittedRow): void {
    const s = this.state;
    if (!s.active) {
      this.out.push(row);
      return;
    }
    const text = row.text.trimEnd();
    const index = s.count++;
    this.remember(text);
    if (s.anchored) {
      this.out.push(row);
      return;
    }
    const previous = s.previous!;
    const need = threshold(previous.length);
    // 1. Full-scrollback snapshots: the previous tail's prefix reappears, then the new output.
    if (s.match >= need && previous[s.match] !== text) {
      this.anchorAt(index, row);
      return;
    }
    while (s.match > 0 && previous[s.match] !== text) s.match = this.failure[s.match - 1]!;
    if (previous[s.match] === text) s.match++;
    if (s.match === previous.length) {
      this.anchorAt(index + 1, null);
      return;
    }
    // 2. Scrolled screens: the snapshot starts with a piece of the previous tail.
    this.advanceCandidates(text, index, previous);
    if (s.candidates!.length === 0 && s.head_anchor >= 0 && s.match < need) {
      this.anchorAt(s.head_anchor, index >= s.head_anchor ? row : null);
      return;
    }
    s.held.push({ text: row.text, row_id: row.rowId, source: row.source, index });
    if (s.held.length > MAX_HELD_LINES + 256) s.held.splice(0, s.held.length - MAX_HELD_LINES);
  }

  private advanceCandidates(text: string, index: number, previous: string[]): void {
    const s = this.state;
    if (s.candidates === null) {
      s.candidates = [];
      for (let j = 0; j < previous.length; j++) if (previous[j] === text) s.candidates.push(j);
      this.checkComplete(index, previous);
      return;
    }
    if (s.candidates.length === 0) return;
    const kept: number[] = [];
    for (const j of s.candidates) {
      if (previous[j + index] === text) kept.push(j);
      else if (
        index >= Math.min(MIN_OVERLAP, previous.length) &&
        j + index >= previous.length - LIVE_LINES
      )
        s.head_anchor = Math.max(s.head_anchor, index);
    }
    s.candidates = kept;
    this.checkComplete(index, previous);
  }

  /** Candidates that matched through the end of the previous tail: what follows is new. */
  private checkComplete(index: number, previous: string[]): void {
    const s = this.state;
    const kept: number[] = [];
    for (const j of s.candidates!) {
      if (j + index + 1 >= previous.length) {
        if (index + 1 >= Math.min(MIN_OVERLAP, previous.length))
          s.head_anchor = Math.max(s.head_anchor, index + 1);
      } else kept.push(j);
    }
    s.candidates = kept;
  }

  /** New output starts at snapshot index `first`; `row` (at the current index) is passed too if new. */
  private anchorAt(first: number, row: EmittedRow | null): void {
    const s = this.state;
    this.releaseFrom(first);
    s.anchored = true;
    s.held = [];
    s.candidates = null;
    if (row) this.out.push(row);
  }

  private releaseFrom(first: number): void {
    for (const h of this.state.held) {
      if (h.index >= first) this.out.push({ text: h.text, source: h.source, rowId: h.row_id });
    }
  }

  /** Keeps the open snapshot's last lines, with trailing blank lines set aside. */
  private remember(text: string): void {
    const s = this.state;
    if (text.trim() === "") {
      s.trailing_blanks++;
      return;
    }
    const blanks = Math.min(s.trailing_blanks, SNAPSHOT_TAIL_LINES);
    for (let i = 0; i < blanks; i++) s.tail.push("");
    s.trailing_blanks = 0;
    s.tail.push(text);
    if (s.tail.length > SNAPSHOT_TAIL_LINES * 2) {
      s.tail.splice(0, s.tail.length - SNAPSHOT_TAIL_LINES);
    }
  }
}

/** Matched lines needed before a prefix match counts: all but the live area, at least 3. */
function threshold(length: number): number {
  const live = Math.min(LIVE_LINES, Math.floor(length / 2));
  return Math.min(length, Math.max(MIN_OVERLAP, length - live));
}

function failureFunction(pattern: readonly string[]): number[] {
  const failure = new Array<number>(pattern.length).fill(0);
  let k = 0;
  for (let i = 1; i < pattern.length; i++) {
    while (k > 0 && pattern[i] !== pattern[k]) k = failure[k - 1]!;
    if (pattern[i] === pattern[k]) k++;
    failure[i] = k;
  }
  return failure;
}

/** The rows after the last snapshot header (`=`×80, `[timestamp]`, `=`×80), or all of them. */
export function afterLastSnapshotHeader(rows: readonly string[]): readonly string[] {
  for (let i = rows.length - 1; i >= 2; i--) {
    if (
      rows[i]!.trimEnd() === RULE &&
      TIMESTAMP.test(rows[i - 1]!.trimEnd()) &&
      rows[i - 2]!.trimEnd() === RULE
    )
      return rows.slice(i + 1);
  }
  return rows;
}
