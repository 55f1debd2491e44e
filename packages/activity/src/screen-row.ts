/** A text a row showed before it was erased or overwritten. */
export interface ErasedText {
  readonly text: string;
  /** Index of the input line that last changed the row before the text was lost. */
  readonly source: number;
}

/** What a row keeps of the lines it lost (allocated when one first looks worth keeping). */
export interface LostLines {
  /** Kept texts not handed out yet: they go out just before the row. */
  pending: ErasedText[];
  /** The last text captured, kept or not (an identical capture is not judged again). */
  lastCapture: string | null;
  /** Hash of the last kept text handed out (carried, so a redraw is not kept twice). */
  hash: number | null;
}

/**
 * One row of the virtual terminal: the text a terminal would show on that row.
 *
 * A row starts in plain mode (one string, appended to at its end: the common case, free) and
 * switches to cell mode (one UTF-16 code unit per cell) only when something overwrites it: a `\r`
 * redraw, a backspace, a cursor move. Every operation costs time proportional to the text it
 * writes, never to the length of the row, so no input makes it quadratic:
 * - erase to the end of the row truncates;
 * - erase to the start of the row (`CSI 1 K`) is recorded lazily with a write clock and applied
 *   once when the row is rendered (a monotonic stack of `(column, time)` records).
 */
export class ScreenRow {
  /** Stable identity of the row, so a redraw of the same row is not taken for new output. */
  readonly id: number;
  /** Index of the input line that last changed this row (-1: an earlier call). */
  source: number;
  /** The text last handed out for this row, or null if it never was. */
  emitted: string | null;
  /**
   * Cells `[0, guard)` hold text whose line was ended (the cursor went back to column 0 or left
   * the row) since the row was last captured; destroying any of them captures the row first.
   */
  guard = 0;
  /** Whether the row changed since it was last captured (or since it was carried in). */
  dirty = false;
  /** The lines this row lost before it was handed out, if any looked worth keeping. */
  lost: LostLines | null = null;
  private text: string | null;
  private cells: string[] | null = null;
  private times: number[] | null = null;
  private clears: number[] = [];
  private clock = 0;

  constructor(id: number, source: number, text = "", emitted: string | null = null) {
    this.id = id;
    this.source = source;
    this.text = text;
    this.emitted = emitted;
  }

  /** The line of the row ended here (`\r`, a move to column 0, the cursor leaving the row). */
  end(): void {
    if (this.dirty) this.guard = this.length;
  }

  /** Whether writing `run` at `column` would change a non-blank cell of the guarded text. */
  overwrites(column: number, run: string): boolean {
    const end = Math.min(this.guard, this.length, column + run.length);
    for (let at = column; at < end; at++) {
      const cell = this.text !== null ? this.text[at]! : this.cells![at]!;
      if (cell !== " " && cell !== run[at - column]) return true;
    }
    return false;
  }

  /** The first `max` cells as `render()` would show them, without changing the row. */
  peek(max: number): string {
    if (this.text !== null) return this.text.length <= max ? this.text : this.text.slice(0, max);
    return this.compose(Math.min(this.cells!.length, max));
  }

  /**
   * Whether the row shows `text` followed by nothing but whitespace within its first `within`
   * cells (`within` >= the text's length), without changing the row.
   */
  shows(text: string, within: number): boolean {
    const length = this.length;
    if (length < text.length) return false;
    if (this.text !== null && !this.text.startsWith(text)) return false;
    return this.peek(Math.min(length, within)).trimEnd() === text;
  }

  /** Number of cells in the row. */
  get length(): number {
    return this.text !== null ? this.text.length : this.cells!.length;
  }

  /** Writes `run` starting at `column`, padding with spaces if the column is past the end. */
  write(column: number, run: string): void {
    if (this.text !== null) {
      const length = this.text.length;
      if (column === length) {
        this.text += run;
        return;
      }
      if (column > length) {
        this.text += " ".repeat(column - length) + run;
        return;
      }
      this.toCells();
    }
    const cells = this.cells!;
    const times = this.times;
    for (let i = cells.length; i < column; i++) {
      cells.push(" ");
      if (times) times.push(0);
    }
    for (let i = 0; i < run.length; i++) {
      const at = column + i;
      cells[at] = run[i]!;
      if (times) times[at] = ++this.clock;
    }
  }

  /** `CSI 0 K`: erases from `column` to the end of the row. */
  eraseToEnd(column: number): void {
    if (column >= this.length) return;
    if (this.text !== null) {
      this.text = this.text.slice(0, column);
      return;
    }
    this.cells!.length = column;
    if (this.times) this.times.length = column;
  }

  /** `CSI 1 K`: erases from the start of the row to `column`, inclusive. */
  eraseToStart(column: number): void {
    if (column >= this.length - 1) {
      this.clear();
      return;
    }
    this.toCells();
    if (!this.times) this.times = new Array<number>(this.cells!.length).fill(0);
    const time = ++this.clock;
    const clears = this.clears;
    while (clears.length > 0 && clears[clears.length - 2]! <= column) clears.length -= 2;
    clears.push(column, time);
  }

  /** `CSI n X` and friends: blanks `count` cells from `column` (bounded by the caller). */
  blank(column: number, count: number): void {
    if (column + count >= this.length) {
      this.eraseToEnd(column);
      return;
    }
    this.write(column, " ".repeat(count));
  }

  /** `CSI n P`: deletes `count` cells at `column`, shifting the rest left. */
  deleteCells(column: number, count: number): void {
    if (column >= this.length) return;
    this.toCells();
    this.cells!.splice(column, count);
    if (this.times) this.times.splice(column, count);
  }

  /** `CSI n @`: inserts `count` blank cells at `column`. */
  insertCells(column: number, count: number): void {
    if (column >= this.length) return;
    this.toCells();
    const blanks = new Array<string>(count).fill(" ");
    this.cells!.splice(column, 0, ...blanks);
    if (this.times) this.times.splice(column, 0, ...new Array<number>(count).fill(++this.clock));
  }

  /** `CSI 2 K`: erases the whole row. */
  clear(): void {
    this.text = "";
    this.cells = null;
    this.times = null;
    this.clears = [];
  }

  /** The row's text as a terminal shows it (trailing spaces kept). */
  render(): string {
    if (this.text !== null) return this.text;
    const text = this.compose(this.cells!.length);
    this.text = text;
    this.cells = null;
    this.times = null;
    this.clears = [];
    return text;
  }

  /** The first `length` cells of a row in cell mode, with the pending erases applied. */
  private compose(length: number): string {
    const cells = this.cells!;
    const clears = this.clears;
    if (clears.length === 0)
      return length === cells.length ? cells.join("") : cells.slice(0, length).join("");
    // The newest erase covering column i is the topmost stack record whose column is >= i.
    const times = this.times!;
    let k = clears.length - 2;
    const out = new Array<string>(length);
    for (let i = 0; i < length; i++) {
      while (k >= 0 && clears[k]! < i) k -= 2;
      out[i] = k >= 0 && times[i]! < clears[k + 1]! ? " " : cells[i]!;
    }
    return out.join("");
  }

  private toCells(): void {
    if (this.text === null) return;
    this.cells = this.text.split("");
    this.times = null;
    this.text = null;
  }
}
