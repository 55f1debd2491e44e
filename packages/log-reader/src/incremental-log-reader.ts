import { setImmediate as nextTurn } from "node:timers/promises";
import { type LogPosition, positionKey } from "@agentwatch/models";
import { CommitGuard } from "./commit-guard.js";
import { ReadFailure, toReadError } from "./open-log.js";
import {
  type IncrementalLogReaderOptions,
  type ResolvedOptions,
  resolveOptions,
} from "./options.js";
import {
  type Attempt,
  type ReaderMemory,
  attemptRead,
  emptyAttempt,
  emptyResult,
} from "./read-attempt.js";
import { readLastLines } from "./read-last-lines.js";
import type { PendingRead, ReadOptions, ReadResult } from "./read-result.js";

/** What a pending read continues from, for a read that passes it as `after`. */
interface Chain {
  readonly key: string;
  /** The saved position the first read of the chain started from: what every commit checks. */
  readonly base: LogPosition | undefined;
  readonly generation: number;
  /** Where the next read of the chain starts: after this read's lines. */
  readonly next: LogPosition | undefined;
}

function invalidArgument(name: string, value: unknown): ReadFailure {
  return new ReadFailure({
    code: "EINVAL",
    message: `cannot read: ${name} must be a non-empty string (got ${JSON.stringify(value) ?? String(value)})`,
  });
}

/**
 * Reads what was appended to agents' logs since the last read, remembering where it stopped in a
 * `PositionStore`; survives rotation, copytruncate, truncation and restarts without losing,
 * splitting or duplicating lines. Holds no file open between calls.
 *
 * @example
 * const reader = new IncrementalLogReader({ positionTracker: await PositionTracker.open(stateDir) });
 * const read = await reader.read("agent-1", "/logs/instances/agent-1/tmux_output.log");
 * await handle(read.lines);
 * await read.commit();
 */
export class IncrementalLogReader {
  readonly #options: ResolvedOptions;
  readonly #guard: CommitGuard;
  /** By key: the running `readNewContent`, which the next one for that log waits for. */
  readonly #serial = new Map<string, Promise<ReadResult>>();
  /**
   * By key: the stat signature of the file at the path when it was last checked to be the saved
   * file, the copytruncate copy last found with the file it was copied from, and whether the last
   * read left more lines waiting.
   */
  readonly #memory: ReaderMemory = { verified: new Map(), copies: new Map(), behind: new Set() };
  /** The reads handed out by `read()`, for a later read that continues after one of them. */
  readonly #chains = new WeakMap<PendingRead, Chain>();

  /**
   * Creates a reader; it opens nothing until the first read.
   *
   * @throws {InvalidOptionError} when an option is invalid (maxLinesPerRead <= 0, an unknown catchUp, ...).
   */
  constructor(options: IncrementalLogReaderOptions) {
    this.#options = resolveOptions(options);
    this.#guard = new CommitGuard(this.#options.positionTracker, this.#options.logger);
  }

  /**
   * Reads the new complete lines of a log; the position moves only on `commit()`. Never throws:
   * a missing or unreadable file gives no lines and an `error`, leaving the position untouched.
   *
   * With `options.after`, a read of the same log that was not committed, the read continues where
   * that one stopped (its next page), and its `commit()` saves the position after both: a consumer
   * that is behind can take several pages, handle them together, and commit once (the earlier
   * reads of the chain then need no commit; one made later is ignored as stale).
   *
   * @example
   * const read = await reader.read("agent-1", logPath);
   * if (read.error === null) { await store(read.lines); await read.commit(); }
   * @example
   * let read = await reader.read("agent-1", logPath);
   * const lines = [...read.lines];
   * while (read.hasMore && read.error === null) {
   *   read = await reader.read("agent-1", logPath, "tmux_output", { after: read });
   *   lines.push(...read.lines);
   * }
   * await store(lines);
   * await read.commit(); // saves the position after every page
   */
  async read(
    instanceId: string,
    logFilePath: string,
    logType = "tmux_output",
    options: ReadOptions = {},
  ): Promise<PendingRead> {
    const after = options.after === undefined ? undefined : this.#chains.get(options.after);
    const key = positionKey(String(instanceId), String(logType));
    if (options.after !== undefined && after?.key !== key) {
      const found = emptyResult(0, {
        code: "EINVAL",
        message: `cannot read: options.after must be a read of ${key} by this reader`,
      });
      return { ...found, commit: () => Promise.resolve() };
    }
    const catchUp = options.catchUpLines;
    if (
      catchUp !== undefined &&
      (options.after !== undefined || !Number.isSafeInteger(catchUp) || catchUp <= 0)
    ) {
      const found = emptyResult(0, {
        code: "EINVAL",
        message: `cannot read: options.catchUpLines must be a positive whole number, on a read without options.after (got ${String(catchUp)})`,
      });
      return { ...found, commit: () => Promise.resolve() };
    }
    const { attempt, base, generation } = await this.#attempt(
      instanceId,
      logFilePath,
      logType,
      false,
      after,
      catchUp,
    );
    const lines = attempt.lines();
    await attempt.closed;
    const next = attempt.next ?? after?.next;
    let committing: Promise<void> | undefined;
    const commit = (): Promise<void> => {
      committing ??= this.#guard.commit(base, next ?? null, generation).catch((error: unknown) => {
        committing = undefined; // a failed save may be retried
        throw error;
      });
      return committing;
    };
    const pending: PendingRead = { ...attempt.found, lines, commit };
    this.#chains.set(pending, { key, base, generation, next: next ?? base });
    return pending;
  }

  /** One read of a log from the position a new read starts from; never throws. */
  async #attempt(
    instanceId: string,
    logFilePath: string,
    logType: string,
    deferDecode: boolean,
    after?: Chain,
    catchUpLines?: number,
  ): Promise<{ attempt: Attempt; base: LogPosition | undefined; generation: number }> {
    let base: LogPosition | undefined = after?.base;
    let attempt: Attempt;
    const generation =
      after?.generation ?? this.#guard.generation(positionKey(String(instanceId), String(logType)));
    try {
      if (typeof instanceId !== "string" || instanceId === "")
        throw invalidArgument("instanceId", instanceId);
      if (typeof logType !== "string" || logType === "") throw invalidArgument("logType", logType);
      if (typeof logFilePath !== "string" || logFilePath === "")
        throw invalidArgument("logFilePath", logFilePath);
      if (after === undefined) base = this.#guard.current(instanceId, logType);
      attempt = await attemptRead(
        this.#options,
        this.#memory,
        instanceId,
        logFilePath,
        logType,
        after === undefined ? base : after.next,
        deferDecode,
        catchUpLines,
      );
    } catch (error) {
      const readError = toReadError(
        error,
        typeof logFilePath === "string" ? logFilePath : "<no path>",
      );
      this.#options.logger.warn(
        { err: error, instanceId, path: logFilePath, code: readError.code },
        readError.message,
      );
      attempt = emptyAttempt((after?.next ?? base)?.last_line_number ?? 0, readError);
    }
    return { attempt, base, generation };
  }

  /**
   * Reads the new complete lines of a log and commits the position before resolving (the seed's
   * one-step form). The durable write of the position runs while the lines are decoded. Never
   * throws; a failed save gives no lines and a `POSITION_STORE_FAILED` error.
   *
   * @example
   * const { lines, totalLines } = await reader.readNewContent("agent-1", logPath);
   */
  async readNewContent(
    instanceId: string,
    logFilePath: string,
    logType = "tmux_output",
  ): Promise<ReadResult> {
    // One read-and-commit at a time per log, so concurrent calls never return the same lines.
    const key = positionKey(String(instanceId), String(logType));
    const previous = this.#serial.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.#readAndCommit(instanceId, logFilePath, logType));
    this.#serial.set(key, run);
    try {
      return await run;
    } finally {
      if (this.#serial.get(key) === run) this.#serial.delete(key);
    }
  }

  async #readAndCommit(
    instanceId: string,
    logFilePath: string,
    logType: string,
  ): Promise<ReadResult> {
    const { attempt, base, generation } = await this.#attempt(
      instanceId,
      logFilePath,
      logType,
      true,
    );
    // The position is written while the lines are decoded and the files closed: the write is
    // issued through promise callbacks, which all run before the next turn of the event loop.
    const saved = this.#guard.commit(base, attempt.next, generation).then(
      () => null,
      (error: unknown) => ({ error }),
    );
    if (attempt.next !== null) await nextTurn();
    // Decoding cannot fail (invalid bytes become U+FFFD), so lines are never lost to a commit
    // made before they are decoded.
    const lines = attempt.lines();
    const [failed] = await Promise.all([saved, attempt.closed]);
    if (failed === null) return { ...attempt.found, lines };
    const { error } = failed;
    const message = `cannot save the position of ${instanceId}:${logType} (${logFilePath}): ${
      error instanceof Error ? error.message : String(error)
    }; the same lines will be read again`;
    this.#options.logger.warn({ err: error, instanceId, path: logFilePath }, message);
    const before = this.#guard.current(instanceId, logType);
    return emptyResult(before?.last_line_number ?? 0, { code: "POSITION_STORE_FAILED", message });
  }

  /**
   * The last `n` lines of a file (at most `n` strings, oldest first), without touching any
   * position. A final line without `\n` counts as a line, the last of the `n`, and is returned as
   * it stands however recently it was written (`partialLineFlushMs` does not apply); a file ending
   * with `\n` has no empty line after it. Lines are cut at `maxLineBytes` like reads. Reads
   * backwards from the end: the cost grows with `n`, not with the file size. Never throws: a
   * missing or unreadable file, or an `n` that is not a non-negative integer, gives `[]`.
   *
   * @example
   * const context = await reader.readLastNLines(logPath, 50);
   */
  async readLastNLines(logFilePath: string, n = 100): Promise<string[]> {
    if (!Number.isSafeInteger(n) || n < 0) {
      this.#options.logger.warn(
        { path: logFilePath, n },
        "readLastNLines: n must be a non-negative integer",
      );
      return [];
    }
    try {
      return await readLastLines(logFilePath, n, this.#options.maxLineBytes);
    } catch (error) {
      const readError = toReadError(error, logFilePath);
      this.#options.logger.warn(
        { err: error, path: logFilePath, code: readError.code },
        readError.message,
      );
      return [];
    }
  }

  /**
   * Forgets the position of a log, so its next read starts at byte 0; resolves to false when there
   * was none. Reads taken before the reset can no longer commit.
   *
   * @throws the position store's error when removing fails.
   */
  async resetPosition(instanceId: string, logType = "tmux_output"): Promise<boolean> {
    const key = positionKey(instanceId, logType);
    this.#guard.reset(key);
    this.#memory.verified.delete(key);
    this.#memory.copies.delete(key);
    this.#memory.behind.delete(key);
    const removed = await this.#options.positionTracker.removePosition(instanceId, logType);
    this.#options.logger.info({ instanceId, logType }, "position reset");
    return removed;
  }
}
