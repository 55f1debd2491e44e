import { parseLine } from "./escape-parser.js";
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
}

/**
 * A minimal virtual terminal fed one log line at a time (each line ends with an implied `\n`).
 *
 * It keeps the last `WINDOW_ROWS` rows editable, so `\r` redraws, backspaces, cursor-up frame
 * redraws (`\x1b[2K\x1b[1A`, as ink-based TUIs such as Claude Code write them), erases and
 * absolute moves land on the row a terminal would change. A row is handed out when it scrolls out
 * of the window or when `finish()` is called, and handed out again later only if its text
 * changed: a spinner redrawn a thousand times yields one row, not a thousand.
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

  constructor(carry?: ScreenCarry) {
    if (carry && carry.rows.length > 0) {
      const firstUnemitted = carry.rows.length - Math.max(0, carry.unemitted_tail);
      for (let i = 0; i < carry.rows.length; i++) {
        const text = carry.rows[i]!;
        const emitted = i < firstUnemitted ? text : null;
        this.rows.push(new ScreenRow(carry.row_ids[i] ?? i, -1, text, emitted));
      }
      this.nextId = Math.max(carry.next_row_id, ...carry.row_ids.map((id) => id + 1));
      this.row = clamp(carry.cursor_row, 0, this.rows.length - 1);
      this.col = Math.max(0, carry.cursor_col);
      this.savedRow = clamp(carry.saved_row, 0, this.rows.length - 1);
      this.savedCol = Math.max(0, carry.saved_col);
      this.alt = carry.alt_screen;
      this.screenHeight = Math.max(0, Math.min(WINDOW_ROWS, carry.screen_height));
    } else {
      this.rows.push(new ScreenRow(this.nextId++, -1));
    }
  }

  /** Feeds one line (without its `\n`); `source` is its index in the caller's input. */
  feedLine(line: string, source: number): void {
    this.source = source;
    const current = this.rows[this.row]!;
    if (this.col === 0 && current.length === 0 && !needsParsing(line)) {
      if (line.length > 0) {
        current.write(0, line);
        current.source = source;
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
  }

  cursorUp(count: number): void {
    this.row = Math.max(this.top, this.row - count);
  }

  cursorDown(count: number): void {
    this.row = Math.min(this.rows.length - 1, this.row + count);
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
    this.row = Math.max(this.top, Math.min(target, this.rows.length - 1));
  }

  /** Erases below the cursor (`CSI 0 J`). */
  eraseBelow(): void {
    this.touch().eraseToEnd(this.col);
    for (let i = this.row + 1; i < this.rows.length; i++) this.touchRow(this.rows[i]!).clear();
  }

  /** Erases above the cursor (`CSI 1 J`). */
  eraseAbove(): void {
    for (let i = this.top; i < this.row; i++) this.touchRow(this.rows[i]!).clear();
    this.touch().eraseToStart(this.col);
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

  /** `\r`: back to column 0. */
  carriageReturn(): void {
    this.col = 0;
  }

  /** `\b`: one column left. */
  backspace(): void {
    this.col = Math.max(0, this.col - 1);
  }

  saveCursor(): void {
    this.savedRow = this.row;
    this.savedCol = this.col;
  }

  restoreCursor(): void {
    this.row = Math.max(this.top, Math.min(this.savedRow, this.rows.length - 1));
    this.col = this.savedCol;
  }

  /** The row under the cursor, marked as changed by the current input line. */
  touch(): ScreenRow {
    return this.touchRow(this.currentRow());
  }

  private touchRow(row: ScreenRow): ScreenRow {
    row.source = this.source;
    return row;
  }

  /** Writes printable text at the cursor and moves the cursor past it. */
  write(run: string): void {
    const row = this.touch();
    row.write(this.col, run);
    this.col += run.length;
  }

  private newline(): void {
    this.row++;
    this.col = 0;
    if (this.row >= this.rows.length) this.appendRow();
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
