/** Why a read gave no lines: a stable `code` (such as `ENOENT`) and a message for people. */
export interface ReadError {
  /** `ENOENT`, `EACCES`, `EISDIR`, `NOT_REGULAR_FILE`, `EIO`, `POSITION_STORE_FAILED`, ... */
  readonly code: string;
  /** What failed, on which path, and what to do. */
  readonly message: string;
}

/** What one read of a log returned. */
export interface ReadResult {
  /**
   * New complete lines, oldest first, without their line ending. Runs of lines are decoded
   * together, up to 16 KiB at a time, so lines of one read may share memory with the run they
   * came from (V8 substrings): keeping a line alive keeps at most 16 KiB alive with it.
   */
  lines: string[];
  /** Lines consumed from the current file since its start: the saved `last_line_number`. */
  totalLines: number;
  /**
   * True when the read stopped at `maxLinesPerRead` and another line is waiting. An unterminated
   * last line due to be returned (its file quiet for `partialLineFlushMs`) is one: the next read
   * returns it. One still held back after a full page is not (it is in `pendingPartial`).
   */
  hasMore: boolean;
  /** Bytes not yet consumed after this read (a held partial line counts). */
  bytesBehind: number;
  /** The path now names a different file; reading restarted at its byte 0. */
  rotated: boolean;
  /** The same file became shorter than the saved offset or was rewritten from its start. */
  truncated: boolean;
  /** With `catchUp: "skip"`, how many backlog lines were skipped unread. */
  skippedLines: number;
  /** The unterminated last line being held back, or null. */
  pendingPartial: string | null;
  /** Why nothing was read, or null. */
  error: ReadError | null;
}

/** Options of `IncrementalLogReader.read`. */
export interface ReadOptions {
  /**
   * An earlier read of the same log, by the same reader, not committed: this read continues where
   * it stopped, and this read's `commit()` saves the position after both.
   */
  readonly after?: PendingRead | undefined;
  /**
   * Skip a backlog on this read (not with `after`): when more than this many complete lines are
   * waiting, only the last this many are returned and the rest are counted in `skippedLines`,
   * unread; the commit moves past them. For a log met for the first time with a long history,
   * whatever the reader's `catchUp` option. A positive whole number.
   */
  readonly catchUpLines?: number | undefined;
}

/** A read whose position moves only when `commit()` is called (at-least-once delivery). */
export interface PendingRead extends ReadResult {
  /**
   * Saves the position after this read's lines (and, for a read made with `after`, after the
   * lines of the reads it continues). Idempotent; a no-op when nothing moved or when the position
   * changed since this read (a newer commit, a reset), so it never moves back.
   *
   * @throws the position store's error when saving fails.
   */
  readonly commit: () => Promise<void>;
}
