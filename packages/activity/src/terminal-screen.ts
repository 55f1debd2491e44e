import {
  ERASED_CREDIT,
  ERASED_HEAD_CHARS,
  ERASED_ROW_CHARS,
  MAX_ERASED_PER_ROW,
  RECENT_ERASED_TEXTS,
  textHash,
  type ErasedRowPolicy,
} from "./erased-text.js";
import { parseLine } from "./escape-parser.js";
import { RecentSet } from "./recent-set.js";
import { ScreenRow } from "./screen-row.js";

/** Rows of the screen that stay editable (a cursor-up can reach them); older rows are final. */
export const WINDOW_ROWS = 120;
/** Longest row text carried between calls (characters); longer rows are cut. */
export const CARRIED_ROW_CHARS = 4096;
/** Screen height assumed until absolute moves show a taller one (rows). */
const DEFAULT_SCREEN_ROWS = 24;
/** Farthest a cursor move may go past the end of a row (cells), so moves cannot pad unboundedly. */
const MAX_PAD = 256;

/** A row handed out by the screen: its final text, the input line that made it, its identity. */
export interface EmittedRow {
  readonly text: string;
  /** Index of the input line (in the current call) that last changed it; -1 for an earlier call. */
  readonly source: number;
  readonly rowId: number;
  /** True for a text the row showed and lost before it was handed out (see `TerminalScreen`). */
  readonly erased?: boolean;
}

/** The screen's state between calls, JSON-serialisable. */
export interface ScreenCarry {
  rows: string[];
  row_ids: number[];
  cursor_row: number;
  cursor_col: number;
  saved_row: number;
  saved_col: number;
  alt_screen: boolean;
  screen_height: number;
  next_row_id: number;
  /** How many rows at the bottom were not handed out yet (empty rows under the cursor). */
  unemitted_tail: number;
  /**
   * `[row id, hash]` of the last erased text handed out for a row of the window, so that a row
   * redrawn the same way in the next call is not handed out again. Absent in older carries.
   */
  erased?: [number, number][];
}

/**
 * A minimal virtual terminal fed one log line at a time (each line ends with an implied `\n`).
 *
 * It keeps the last `WINDOW_ROWS` rows editable, so `\r` redraws, backspaces, cursor-up frame
 * redraws (`\x1b[2K\x1b[1A`, as ink-based TUIs such as Claude Code write them), erases and
 * absolute moves land on the row a terminal would change. A row is handed out when it scrolls out
 * of the window or when `finish()` is called, and handed out again later only if its text
 * changed: a spinner redrawn a thousand times yields one row, not a thousand.
 *
 * Erased rows. What the final screen shows is not all that was shown: a line can be written and
 * then erased or overwritten before its row is handed out (`$ cmd` then `\x1b[1A\x1b[2K`, or
 * `$ cmd\r\x1b[K`), and whatever reads only the final screen never sees it. So a row whose line
 * was ended (the cursor went back to column 0 or left the row) is captured, up to
 * `ERASED_ROW_CHARS` characters, just before an erase, a delete or an overwrite with different
 * text destroys any of that line; typing corrections made before the line is ended (backspace,
 * erase to the end, as a shell echoes them) are not captured. A captured text is kept only when
 * the policy given to the constructor says so, and handed out (marked `erased`) just before the
 * row itself, once: not when it equals the row's final text, another row's current text (a line
 * that moved down in a redraw), a text handed out recently or the row's last erased text of the
 * previous call (a redraw of the same frame). Without a policy nothing is captured.
 *
 * A row is captured at most once per ended line; a capture reads the row's first
 * `ERASED_HEAD_CHARS` characters for the policy's cheap test, and up to `ERASED_ROW_CHARS` only
 * while the call's credit lasts (`ERASED_CREDIT`), so the work stays linear in the input: a long
 * row redrawn one character at a time costs a short read and test per redraw.
 */
export class TerminalScreen {
  private rows: ScreenRow[] = [];
  private top = 0;
  private row = 0;
  private col = 0;
  private savedRow = 0;
  private savedCol = 0;
  private alt = false;
  private screenHeight = 0;
  private nextId = 0;
  private source = 0;
  private readonly out: EmittedRow[] = [];
  private readonly policy: ErasedRowPolicy | null;
  /** Characters that full captures may still read in this call (see `ERASED_CREDIT`). */
  private credit: number = ERASED_CREDIT.base;
  /** Erased texts handed out lately in this call, which a later erased text skips. */
  private readonly recent = new RecentSet([], RECENT_ERASED_TEXTS);
  /** The carried rows' texts (handed out in an earlier call), which an erased text skips too. */
  private readonly carried: readonly string[];

  constructor(carry?: ScreenCarry, policy?: ErasedRowPolicy) {
    this.policy = policy ?? null;
    if (carry && carry.rows.length > 0) {
      const firstUnemitted = carry.rows.length - Math.max(0, carry.unemitted_tail);
      const hashes = new Map(Array.isArray(carry.erased) ? carry.erased : []);
      for (let i = 0; i < carry.rows.length; i++) {
        const text = carry.rows[i]!;
        const emitted = i < firstUnemitted ? text : null;
        const row = new ScreenRow(carry.row_ids[i] ?? i, -1, text, emitted);
        const hash = hashes.get(row.id);
        if (hash !== undefined) row.lost = { pending: [], lastCapture: null, hash };
        this.rows.push(row);
      }
      this.carried = carry.rows.slice(0, firstUnemitted);
      this.nextId = Math.max(carry.next_row_id, ...carry.row_ids.map((id) => id + 1));
      this.row = clamp(carry.cursor_row, 0, this.rows.length - 1);
      this.col = Math.max(0, carry.cursor_col);
      this.savedRow = clamp(carry.saved_row, 0, this.rows.length - 1);
      this.savedCol = Math.max(0, carry.saved_col);
      this.alt = carry.alt_screen;
      this.screenHeight = Math.max(0, Math.min(WINDOW_ROWS, carry.screen_height));
    } else {
      this.rows.push(new ScreenRow(this.nextId++, -1));
      this.carried = [];
    }
  }

  /** Feeds one line (without its `\n`); `source` is its index in the caller's input. */
  feedLine(line: string, source: number): void {
    this.source = source;
    this.credit += line.length * ERASED_CREDIT.perInputChar;
    const current = this.rows[this.row]!;
    if (this.col === 0 && current.length === 0 && !needsParsing(line)) {
      if (line.length > 0) {
        current.write(0, line);
        current.source = source;
        current.dirty = true;
        this.col = line.length;
      }
    } else {
      parseLine(this, line);
    }
    this.newline();
  }

  /**
   * Hands out every row not handed out yet (or changed since), in screen order, up to the last
   * non-empty row: empty rows at the bottom (the line the cursor waits on) are not output yet,
   * so a poll boundary never adds a blank line.
   */
  finish(): EmittedRow[] {
    let last = this.rows.length - 1;
    while (last >= this.top && this.rows[last]!.render() === "") last--;
    for (let i = this.top; i <= last; i++) this.emit(this.rows[i]!);
    // An empty row at the bottom may have lost a line (`$ cmd\r\x1b[K` as the last line).
    for (let i = last + 1; i < this.rows.length; i++) this.handOutErased(this.rows[i]!);
    return this.out.splice(0);
  }

  /** Rows handed out so far (drains the buffer). */
  drain(): EmittedRow[] {
    return this.out.splice(0);
  }

  /** The current screen: the text of every editable row, oldest first. */
  screenText(): string[] {
    const texts: string[] = [];
    for (let i = this.top; i < this.rows.length; i++) texts.push(this.rows[i]!.render());
    return texts;
  }

  /** The state to carry to the next call (call after `finish()`). */
  carry(): ScreenCarry {
    const window = this.rows.slice(this.top);
    return {
      rows: window.map((r) => r.render().slice(0, CARRIED_ROW_CHARS)),
      row_ids: window.map((r) => r.id),
      cursor_row: this.row - this.top,
      cursor_col: Math.min(this.col, CARRIED_ROW_CHARS),
      saved_row: clamp(this.savedRow - this.top, 0, window.length - 1),
      saved_col: Math.min(this.savedCol, CARRIED_ROW_CHARS),
      alt_screen: this.alt,
      screen_height: this.screenHeight,
      next_row_id: this.nextId,
      unemitted_tail: countUnemittedTail(window),
      erased: window.flatMap((r): [number, number][] =>
        r.lost?.hash == null ? [] : [[r.id, r.lost.hash]],
      ),
    };
  }

  // ——— operations used by the escape parser and applyControlSequence ———

  /** The row under the cursor. */
  currentRow(): ScreenRow {
    return this.rows[this.row]!;
  }

  /** Cursor column. */
  get column(): number {
    return this.col;
  }

  /** Moves the cursor to `column`, bounded so that a move cannot pad a row without limit. */
  setColumn(column: number): void {
    this.col = Math.max(0, Math.min(column, this.currentRow().length + MAX_PAD));
    if (this.col === 0) this.currentRow().end();
  }

  cursorUp(count: number): void {
    this.moveToRow(Math.max(this.top, this.row - count));
  }

  cursorDown(count: number): void {
    this.moveToRow(Math.min(this.rows.length - 1, this.row + count));
  }

  /**
   * Absolute row (1-based, as in `CSI row ; col H`), relative to the screen's top row: the last
   * `height` rows, where the height is the largest row addressed so far (at least 24).
   */
  setRow(row: number): void {
    const wanted = Math.max(1, Math.min(row, WINDOW_ROWS));
    if (wanted > this.screenHeight) this.screenHeight = wanted;
    const height = Math.max(this.screenHeight, DEFAULT_SCREEN_ROWS);
    const screenTop = Math.max(this.top, this.rows.length - height);
    const target = screenTop + wanted - 1;
    while (this.rows.length <= target) this.appendRow();
    this.moveToRow(Math.max(this.top, Math.min(target, this.rows.length - 1)));
  }

  /** Erases below the cursor (`CSI 0 J`). */
  eraseBelow(): void {
    this.edit(this.col).eraseToEnd(this.col);
    for (let i = this.row + 1; i < this.rows.length; i++) this.clearRow(this.rows[i]!);
  }

  /** Erases above the cursor (`CSI 1 J`). */
  eraseAbove(): void {
    for (let i = this.top; i < this.row; i++) this.clearRow(this.rows[i]!);
    this.edit(0).eraseToStart(this.col);
  }

  /** Clears the screen (`CSI 2 J`, `ESC c`, alternate screen switches): what was shown is final. */
  clearScreen(): void {
    for (let i = this.top; i < this.rows.length; i++) this.emit(this.rows[i]!);
    this.rows = [new ScreenRow(this.nextId++, this.source)];
    this.top = 0;
    this.row = 0;
    this.savedRow = 0;
  }

  /** Switches to or from the alternate screen. */
  setAlternateScreen(on: boolean): void {
    if (on === this.alt) return;
    this.alt = on;
    this.clearScreen();
    this.col = 0;
  }

  /** `\r`: back to column 0 (the line on this row ended). */
  carriageReturn(): void {
    this.col = 0;
    this.currentRow().end();
  }

  /** `\b`: one column left. */
  backspace(): void {
    this.col = Math.max(0, this.col - 1);
    if (this.col === 0) this.currentRow().end();
  }

  saveCursor(): void {
    this.savedRow = this.row;
    this.savedCol = this.col;
  }

  restoreCursor(): void {
    this.moveToRow(Math.max(this.top, Math.min(this.savedRow, this.rows.length - 1)));
    this.col = this.savedCol;
    if (this.col === 0) this.currentRow().end();
  }

  /**
   * The row under the cursor, about to be changed from column `from` on by an erase, a delete or
   * an insert: captured first if that destroys an ended line, then marked as changed.
   */
  edit(from: number): ScreenRow {
    const row = this.currentRow();
    if (from < row.guard) this.capture(row);
    return this.touchRow(row);
  }

  private touchRow(row: ScreenRow): ScreenRow {
    row.source = this.source;
    row.dirty = true;
    return row;
  }

  /** Clears a whole row (`CSI 2 K`, erase in display), capturing an ended line on it first. */
  clearRow(row: ScreenRow): void {
    if (row.guard > 0) this.capture(row);
    this.touchRow(row).clear();
  }

  /** Writes printable text at the cursor and moves the cursor past it. */
  write(run: string): void {
    const row = this.currentRow();
    if (this.col < row.guard && this.policy !== null && row.overwrites(this.col, run))
      this.capture(row);
    this.touchRow(row).write(this.col, run);
    this.col += run.length;
  }

  private newline(): void {
    this.moveToRow(this.row + 1);
    this.col = 0;
  }

  /** Moves the cursor to row index `target` (appending a row past the end): the row left ended. */
  private moveToRow(target: number): void {
    if (target === this.row) return;
    this.currentRow().end();
    this.row = target;
    if (this.row >= this.rows.length) this.appendRow();
  }

  /**
   * Takes the text of `row` before its ended line is destroyed, and keeps it if the policy says
   * so. The policy's cheap test on the row's head comes first; a longer text is read in full (up
   * to `ERASED_ROW_CHARS`) while the call's credit lasts, else only its head is judged (or
   * nothing, when the head says only the whole text can tell), so that a long row redrawn a
   * character at a time costs a bounded amount per redraw.
   */
  private capture(row: ScreenRow): void {
    row.guard = 0;
    const policy = this.policy;
    if (policy === null || !row.dirty) return;
    row.dirty = false;
    const length = row.length;
    let text = row.peek(ERASED_HEAD_CHARS);
    const verdict = policy.mayKeep(text, length);
    if (verdict === "no") return;
    if (length > text.length) {
      const max = Math.min(length, ERASED_ROW_CHARS);
      if (this.credit >= max) {
        this.credit -= max;
        text = row.peek(max);
      } else if (verdict === "whole") return;
    }
    text = text.trimEnd();
    const lost = (row.lost ??= { pending: [], lastCapture: null, hash: null });
    if (text === "" || text === lost.lastCapture) return;
    lost.lastCapture = text;
    if (this.recent.has(text) || !policy.keep(text)) return;
    if (lost.pending.some((e) => e.text === text)) return;
    lost.pending.push({ text, source: row.source });
    if (lost.pending.length >= MAX_ERASED_PER_ROW) this.handOutErased(row);
  }

  /** Hands out the kept erased texts of `row` that nothing shows or has shown already. */
  private handOutErased(row: ScreenRow): void {
    const lost = row.lost;
    if (lost === null || lost.pending.length === 0) return;
    const pending = lost.pending;
    lost.pending = [];
    for (const { text, source } of pending) {
      const within = text.length + ERASED_HEAD_CHARS;
      if (row.shows(text, within) || this.recent.has(text) || this.shown(text, within)) continue;
      const hash = textHash(text);
      if (hash === lost.hash) continue;
      lost.hash = hash;
      this.recent.add(text);
      this.out.push({ text, source, rowId: row.id, erased: true });
    }
  }

  /** Whether a row of the window shows `text` now, or showed it at the end of the last call. */
  private shown(text: string, within: number): boolean {
    for (let i = this.top; i < this.rows.length; i++)
      if (this.rows[i]!.shows(text, within)) return true;
    for (const carried of this.carried)
      if (carried.length >= text.length && carried.trimEnd() === text) return true;
    return false;
  }

  private appendRow(): void {
    this.rows.push(new ScreenRow(this.nextId++, this.source));
    while (this.rows.length - this.top > WINDOW_ROWS) {
      this.emit(this.rows[this.top]!);
      this.top++;
      if (this.savedRow < this.top) this.savedRow = this.top;
    }
    if (this.top > 4096) {
      this.rows = this.rows.slice(this.top);
      this.row -= this.top;
      this.savedRow -= this.top;
      this.top = 0;
    }
  }

  private emit(row: ScreenRow): void {
    if (row.lost !== null) this.handOutErased(row);
    const text = row.render();
    if (text === row.emitted) return;
    row.emitted = text;
    this.out.push({ text, source: row.source, rowId: row.id });
  }
}

function countUnemittedTail(rows: readonly ScreenRow[]): number {
  let count = 0;
  for (let i = rows.length - 1; i >= 0 && rows[i]!.emitted !== rows[i]!.render(); i--) count++;
  return count;
}

/** Whether a line has anything but printable characters and tabs (so needs the full parser). */
function needsParsing(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f)) return true;
  }
  return false;
}

function clamp(value: number, low: number, high: number): number {
  if (!Number.isFinite(value)) return low;
  return Math.max(low, Math.min(high, Math.trunc(value)));
}
