import {
  type LogPosition,
  type PositionStore,
  parseLogPosition,
  positionKey,
  sameLogPosition,
  silentLogger,
  systemClock,
} from "@agentwatch/models";
import {
  type JournalPolicy,
  type Written,
  commitBatch,
  compactState,
  restoreState,
} from "./commit-batch.js";
import {
  InvalidPositionError,
  PositionStoreClosedError,
  PositionStoreError,
  PositionWriteError,
} from "./errors.js";
import { type DiskView, JournalAppender } from "./journal.js";
import { loadState } from "./load-state.js";
import { SerialQueue } from "./serial-queue.js";
import { StateDir } from "./state-dir.js";
import { canonicalPosition } from "./state-format.js";
import type { LoaderContext } from "./state-loader.js";
import { StateLock } from "./state-lock.js";
import { statePaths } from "./state-paths.js";
import {
  type PositionTrackerOptions,
  type PositionTrackerStats,
  positiveOption,
} from "./tracker-options.js";
import { type Batch, createBatch } from "./write-batch.js";

function describePosition(position: unknown): string {
  const p = (position ?? {}) as Partial<Record<"instance_id" | "log_type", unknown>>;
  return typeof p.instance_id === "string" && typeof p.log_type === "string"
    ? JSON.stringify(positionKey(p.instance_id, p.log_type))
    : "a position";
}

/**
 * The durable `PositionStore`: read positions in `<stateDir>/monitor_positions.json`, safe to share
 * between processes. Reads answer from memory and show only what is durably on disk; every
 * `updatePosition`/`removePosition` resolves once a write containing it is on disk: one record
 * appended to `monitor_positions.json.journal`, which is folded into `monitor_positions.json` after
 * `compactAfterIdleMs` without writes, past `maxJournalBytes`, and on `close()`.
 *
 * @example
 * const tracker = await PositionTracker.open("/var/lib/agentwatch", { logger });
 * await tracker.updatePosition(position);
 * tracker.getPosition("agent-1", "tmux_output"); // the position, durably stored
 * await tracker.close();
 */
export class PositionTracker implements PositionStore {
  /** The state directory, absolute, symbolic links resolved. */
  readonly stateDir: string;
  /** `<stateDir>/monitor_positions.json`. */
  readonly stateFile: string;
  readonly #ctx: LoaderContext;
  readonly #lock: StateLock;
  readonly #serial = new SerialQueue();
  readonly #policy: JournalPolicy;
  readonly #compactAfterIdleMs: number;
  #committed: Map<string, LogPosition>;
  /** What this tracker knows of the files, or null when the next write must read them again. */
  #view: DiskView | null;
  #queued: Batch | undefined;
  #inflight: Batch | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** This tracker appended records that no compaction has folded in yet. */
  #appendedSinceCompaction = false;
  /** The state directory was recreated and this tracker's positions are not written back yet. */
  #restorePending = false;
  #closing: Promise<void> | undefined;
  #stats = { writes: 0, compactions: 0, failedWrites: 0, changesWritten: 0, unchangedUpdates: 0 };

  private constructor(
    ctx: LoaderContext,
    lock: StateLock,
    loaded: { positions: Map<string, LogPosition>; view: DiskView | null },
    journal: { maxJournalBytes: number; compactAfterIdleMs: number },
  ) {
    this.#ctx = ctx;
    this.#lock = lock;
    this.#committed = loaded.positions;
    this.#view = loaded.view;
    this.#policy = { maxJournalBytes: journal.maxJournalBytes, appender: new JournalAppender() };
    this.#compactAfterIdleMs = journal.compactAfterIdleMs;
    this.stateDir = ctx.paths.dir;
    this.stateFile = ctx.paths.file;
  }

  /**
   * Opens the store in `stateDir` (created with its missing parents, mode 0700, if missing) and
   * loads its state. The directory must be private: one owned by another user, writable by others,
   * or below a directory another user controls is refused (see `ensurePrivateDir` of
   * `@agentwatch/safe-fs`), since that user could read or replace the files or plant links. Never
   * throws because of file content: a corrupt file is kept aside and the `.bak` used.
   *
   * @throws {UnsafeStateDirError} (code `STATE_DIR_UNSAFE`) when another user could control the
   *   directory; the message names it and its owner.
   * @throws {StateDirError} when the directory cannot be created or is not a directory.
   * @throws {PositionReadError} when the state file exists but cannot be read.
   * @throws {PositionStoreError} with code `INVALID_OPTIONS` for a non-positive time or size option.
   * @example
   * const tracker = await PositionTracker.open(config.state_dir, { logger, lockStaleMs: 10_000 });
   */
  static async open(
    stateDir: string,
    options: PositionTrackerOptions = {},
  ): Promise<PositionTracker> {
    const staleMs = positiveOption("lockStaleMs", options.lockStaleMs ?? 10_000);
    const timeoutMs = positiveOption("lockTimeoutMs", options.lockTimeoutMs ?? 3 * staleMs);
    const journal = {
      maxJournalBytes: positiveOption(
        "maxJournalBytes",
        options.maxJournalBytes ?? 4 * 1024 * 1024,
        "bytes",
      ),
      compactAfterIdleMs: positiveOption("compactAfterIdleMs", options.compactAfterIdleMs ?? 1000),
    };
    const logger = options.logger ?? silentLogger;
    const dir = await StateDir.open(stateDir);
    const paths = statePaths(dir.path);
    const ctx: LoaderContext = {
      paths,
      stateDir: dir,
      logger,
      clock: options.clock ?? systemClock,
      preserved: new Set(),
    };
    const lock = new StateLock(paths, { staleMs, timeoutMs, logger });
    return new PositionTracker(ctx, lock, await loadState(ctx, lock), journal);
  }

  /** Counters of writes made, failed and avoided since `open`. */
  get stats(): PositionTrackerStats {
    return { ...this.#stats };
  }

  /**
   * The durably stored position of one log, or undefined.
   *
   * @throws {PositionStoreClosedError} after `close()`.
   */
  getPosition(instanceId: string, logType: string): LogPosition | undefined {
    this.#assertOpen("get a position");
    const position = this.#committed.get(positionKey(instanceId, logType));
    // Different (instance_id, log_type) pairs can share a key when ids contain ':'.
    if (position?.instance_id !== instanceId || position.log_type !== logType) return undefined;
    return { ...position };
  }

  /**
   * Every durably stored position, this process's and (as of the last write or refresh) others'.
   *
   * @throws {PositionStoreClosedError} after `close()`.
   */
  getAllPositions(): LogPosition[] {
    this.#assertOpen("list positions");
    return [...this.#committed.values()].map((position) => ({ ...position }));
  }

  /**
   * Saves a position; resolves once it is durably on disk. An update equal to the stored position
   * writes nothing.
   *
   * A state directory removed while the tracker is open is created again by the write (see
   * `open()` for the checks), which then writes back every position the tracker holds.
   *
   * @throws {InvalidPositionError} when `position` is not a valid LogPosition.
   * @throws {PositionWriteError} when the write failed; the position is then not stored.
   * @throws {UnsafeStateDirError} when the state directory was removed and a directory another
   *   user controls is now in its place; nothing is written there.
   */
  updatePosition(position: LogPosition): Promise<void> {
    return this.updatePositions([position]);
  }

  /**
   * Saves several positions in one durable write.
   *
   * @throws {InvalidPositionError} when one of them is invalid (then none is saved).
   * @throws {PositionWriteError} when the write failed; none of them is then stored.
   */
  async updatePositions(positions: readonly LogPosition[]): Promise<void> {
    this.#assertOpen("update positions");
    const valid = positions.map((position) => this.#validate(position));
    const waits = new Set<Batch>();
    for (const position of valid) {
      const key = positionKey(position.instance_id, position.log_type);
      const { current, pending } = this.#intended(key);
      if (current !== undefined && sameLogPosition(current, position)) {
        this.#stats.unchangedUpdates++;
        if (pending !== undefined) waits.add(pending);
        continue;
      }
      const batch = this.#queue();
      batch.changes.set(key, position);
      waits.add(batch);
    }
    await Promise.all([...waits].map((batch) => batch.done));
  }

  /**
   * Forgets a position; resolves to true once the removal is on disk, or false when there was none.
   *
   * @throws {PositionWriteError} when the write failed; the position is then still stored.
   */
  async removePosition(instanceId: string, logType: string): Promise<boolean> {
    this.#assertOpen("remove a position");
    const key = positionKey(instanceId, logType);
    const { current, pending } = this.#intended(key);
    if (current?.instance_id !== instanceId || current.log_type !== logType) {
      if (pending !== undefined) await pending.done;
      return false;
    }
    const batch = this.#queue();
    batch.changes.set(key, null);
    await batch.done;
    return true;
  }

  /**
   * Empties the state file, other processes' positions included (a full reset). The state before
   * it stays in `monitor_positions.json.bak` until the next write.
   *
   * @throws {PositionWriteError} when the write failed.
   */
  async clearAllPositions(): Promise<void> {
    this.#assertOpen("clear positions");
    const batch = this.#queue();
    batch.clear = true;
    batch.changes.clear();
    await batch.done;
  }

  /**
   * Re-reads the state file, to see positions other processes wrote since this one's last write.
   *
   * @throws {PositionReadError} when the state file cannot be read.
   */
  async refresh(): Promise<void> {
    this.#assertOpen("refresh");
    await this.#serial.run(async () => {
      const loaded = await loadState(this.#ctx, this.#lock);
      this.#committed = loaded.positions;
      this.#view = loaded.view;
    });
  }

  /**
   * Writes the journal into `monitor_positions.json` now (it happens by itself after
   * `compactAfterIdleMs` without writes, and on `close()`), so that programs reading only that
   * file (the Python implementation) see every position. Writes nothing when there is nothing to
   * fold in.
   *
   * @throws {PositionWriteError} when the rewrite failed; the positions stay safe in the journal.
   */
  async compact(): Promise<void> {
    this.#assertOpen("compact");
    await this.#serial.run(() => this.#compactNow(true));
  }

  /**
   * Waits for pending writes, writes the journal into `monitor_positions.json` when this tracker
   * added records to it (a failure there is logged: the positions are durable in the journal), then
   * closes the tracker; later calls throw. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closing ??= this.#serial.run(async () => {
      clearTimeout(this.#idleTimer);
      // Only this tracker's own records: a tracker that only read leaves the files as they are.
      if (this.#appendedSinceCompaction && (this.#view === null || this.#view.records > 0)) {
        await this.#compactNow(true).catch((error: unknown) => {
          this.#ctx.logger.warn(
            { file: this.stateFile, error: (error as Error).message },
            `${(error as Error).message}; the positions stay in ${this.#ctx.paths.journal}`,
          );
        });
      }
      await this.#lock.release();
      await this.#policy.appender.close();
    });
    return this.#closing;
  }

  #adopt(written: Written): void {
    this.#committed = written.positions;
    this.#view = written.view;
    if (written.compacted) {
      this.#stats.compactions++;
      this.#appendedSinceCompaction = false;
    }
  }

  /**
   * Folds the journal into the state file. With `restore`, a state directory found removed is
   * created again and the positions written back (see `#writeOrRestore`); the compaction after
   * idle time does not do that, so that a tracker left open never brings a directory back on its
   * own: the next write (or `compact()`, or `close()`) does.
   */
  async #compactNow(restore: boolean): Promise<void> {
    clearTimeout(this.#idleTimer);
    const compactNow = () =>
      compactState(this.#ctx, this.#lock, { positions: this.#committed, view: this.#view });
    try {
      this.#adopt(restore ? await this.#writeOrRestore(compactNow, undefined) : await compactNow());
    } catch (error) {
      this.#view = null;
      throw error instanceof PositionStoreError
        ? error
        : new PositionWriteError(this.stateFile, error);
    }
  }

  /**
   * Runs `write`. When it failed because the state directory was removed (a cleanup job's
   * `rm -rf /tmp/madrox_logs`) or replaced by another directory, checks the directory again as
   * `open()` does (creating it, mode 0700, when it is gone), warns once, and writes back every
   * position this tracker holds with `batch` on top, so that the write succeeds and the files hold
   * the whole state again, not only the changes written from then on. Until such a write back
   * succeeds, every write is one.
   *
   * @throws {UnsafeStateDirError} when the directory now there is one another user could control.
   * @throws the error of `write`, or of the write back, when it did not happen.
   */
  async #writeOrRestore(write: () => Promise<Written>, batch: Batch | undefined): Promise<Written> {
    if (this.#restorePending) {
      await this.#recreateIfGone(); // removed again since the write back that failed?
    } else {
      try {
        return await write();
      } catch (error) {
        if (!(await this.#recreateIfGone())) throw error;
      }
    }
    this.#restorePending = true;
    const written = await restoreState(this.#ctx, this.#lock, this.#committed, batch);
    this.#restorePending = false;
    return written;
  }

  /**
   * When the state directory was removed or replaced since it was checked, checks it again
   * (creating it when it is gone) and warns; resolves to whether it was.
   *
   * @throws {UnsafeStateDirError} when the directory now there is one another user could control.
   */
  async #recreateIfGone(): Promise<boolean> {
    const change = await this.#ctx.stateDir.change();
    if (change !== "removed" && change !== "replaced") return false;
    await this.#ctx.stateDir.recreate();
    const count = this.#committed.size;
    this.#ctx.logger.warn(
      { dir: this.stateDir, change, positions: count },
      `the state directory ${this.stateDir} was ${change} while in use; ` +
        (change === "removed" ? "it was recreated (mode 0700) and " : "") +
        `the ${count} positions this tracker holds are written back into it`,
    );
    return true;
  }

  /** After `compactAfterIdleMs` without another write, folds the journal into the state file. */
  #scheduleCompaction(): void {
    clearTimeout(this.#idleTimer);
    if (this.#closing !== undefined || !this.#appendedSinceCompaction) return;
    this.#idleTimer = setTimeout(() => {
      if (this.#closing !== undefined || this.#queued !== undefined) return;
      void this.#serial.run(async () => {
        // The directory was recreated and the positions are not written back yet: the next write
        // does that; a compaction now would read the (empty) files and forget them.
        if (this.#restorePending) return;
        await this.#compactNow(false).catch((error: unknown) => {
          this.#ctx.logger.warn(
            { file: this.stateFile, error: (error as Error).message },
            `${(error as Error).message}; the positions stay in the journal, the next idle time tries again`,
          );
        });
      });
    }, this.#compactAfterIdleMs);
    this.#idleTimer.unref();
  }

  #assertOpen(operation: string): void {
    if (this.#closing !== undefined) throw new PositionStoreClosedError(this.stateFile, operation);
  }

  #validate(position: LogPosition): LogPosition {
    try {
      return canonicalPosition(parseLogPosition(position));
    } catch (error) {
      throw new InvalidPositionError(
        `cannot store ${describePosition(position)} in ${this.stateFile}: ${(error as Error).message}; pass a valid LogPosition`,
        error,
      );
    }
  }

  /** What a key will hold once the pending writes are done, and the batch that decides it. */
  #intended(key: string): { current: LogPosition | undefined; pending: Batch | undefined } {
    for (const batch of [this.#queued, this.#inflight]) {
      if (batch === undefined) continue;
      if (batch.changes.has(key))
        return { current: batch.changes.get(key) ?? undefined, pending: batch };
      if (batch.clear) return { current: undefined, pending: batch };
    }
    return { current: this.#committed.get(key), pending: undefined };
  }

  /** The batch that collects changes for the next write (group commit). */
  #queue(): Batch {
    if (this.#queued !== undefined) return this.#queued;
    const batch = createBatch();
    this.#queued = batch;
    void this.#serial.run(() => this.#flush(batch));
    return batch;
  }

  async #flush(batch: Batch): Promise<void> {
    this.#queued = undefined;
    this.#inflight = batch;
    try {
      const written = await this.#writeOrRestore(
        () =>
          commitBatch(
            this.#ctx,
            this.#lock,
            { positions: this.#committed, view: this.#view },
            batch,
            this.#policy,
          ),
        batch,
      );
      this.#adopt(written);
      if (!written.compacted) this.#appendedSinceCompaction = true;
      this.#stats.writes++;
      this.#stats.changesWritten += batch.changes.size;
      batch.settle();
      this.#scheduleCompaction();
    } catch (error) {
      this.#view = null; // a failed write may have left anything: read the files again next time
      this.#stats.failedWrites++;
      const failure =
        error instanceof PositionStoreError ? error : new PositionWriteError(this.stateFile, error);
      this.#ctx.logger.warn({ file: this.stateFile, code: failure.code }, failure.message);
      batch.settle(failure);
    } finally {
      this.#inflight = undefined;
    }
  }
}
