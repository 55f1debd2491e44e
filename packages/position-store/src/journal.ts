import { type BigIntStats, constants } from "node:fs";
import { type FileHandle, lstat, rename, unlink } from "node:fs/promises";
import type { LogPosition } from "@agentwatch/models";
import { positionKey } from "@agentwatch/models";
import { fsyncDir, openPrivateFile } from "@agentwatch/safe-fs";
import { writeNewFileDurably, writeStateAtomically } from "./durable-fs.js";
import {
  type JournalRecord,
  type ParsedJournal,
  encodeHeader,
  parseJournal,
} from "./journal-format.js";
import { serializeState } from "./state-format.js";
import {
  type LoaderContext,
  SYMLINK_REASON,
  type StateFileRead,
  openNoFollow,
  preserveCorrupt,
  readStateFile,
  readStateForWrite,
  snapshotIdentity,
  warnProblems,
} from "./state-loader.js";
import type { AssertLockHeld } from "./state-lock.js";
import { tempPathFor } from "./state-paths.js";
import { errnoCode } from "./system-error.js";

/** The journal file at its path, as last seen: inode and size. */
export interface JournalFile {
  readonly ino: bigint;
  readonly size: number;
}

/**
 * What a tracker knows of the files on disk as of its last read or write. A write under the lock
 * that finds both files as described here knows that nobody else wrote since, and appends without
 * re-reading anything.
 */
export interface DiskView {
  /** The identity of `monitor_positions.json`, or null when there is none. */
  readonly snapshot: string | null;
  /** It held a valid state (worth keeping as `.bak` when it is rewritten). */
  readonly snapshotValid: boolean;
  /** The journal, or null when there is none. */
  readonly journal: JournalFile | null;
  /** The journal continues the state file and is intact: the next write may append to it. */
  readonly appendable: boolean;
  /** The sequence number of the journal's last record. */
  readonly lastSeq: number;
  /** How many records the journal holds (0: the state file alone is the whole state). */
  readonly records: number;
  /** Where the journal's valid content ends when an unfinished line follows it, else null. */
  readonly tornEnd: number | null;
}

/** The positions on disk and the view of the files they came from. */
export interface DiskState {
  readonly positions: Map<string, LogPosition>;
  readonly view: DiskView;
}

/** A read under the lock: the state and what must be rewritten to repair the files. */
interface LockedRead extends DiskState {
  /** `compact`: rewrite both files; `journal`: start a new journal; `none`: nothing to repair. */
  readonly repair: "compact" | "journal" | "none";
}

/** Applies a journal's records to `positions` in place. */
export function applyRecords(
  positions: Map<string, LogPosition>,
  records: readonly JournalRecord[],
): void {
  for (const record of records) {
    for (const position of record.set) {
      positions.set(positionKey(position.instance_id, position.log_type), position);
    }
    for (const [instanceId, logType] of record.del)
      positions.delete(positionKey(instanceId, logType));
  }
}

/** Stats of a path (of a symbolic link itself, not what it points to), or null when nothing is there. */
export async function statOrNull(path: string): Promise<BigIntStats | null> {
  try {
    return await lstat(path, { bigint: true });
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return null;
    throw error;
  }
}

/** Whether the files at the paths are still the ones `view` describes. */
export function viewMatches(
  view: DiskView,
  snapshot: BigIntStats | null,
  journal: BigIntStats | null,
): boolean {
  const snapshotSame =
    snapshot === null
      ? view.snapshot === null
      : snapshot.isFile() && snapshotIdentity(snapshot) === view.snapshot;
  const journalSame =
    journal === null
      ? view.journal === null
      : view.journal !== null &&
        journal.isFile() &&
        journal.ino === view.journal.ino &&
        Number(journal.size) === view.journal.size;
  return snapshotSame && journalSame;
}

interface JournalRead {
  readonly file: JournalFile;
  readonly parsed: ParsedJournal;
}

/**
 * Reads the journal through one handle, or null when there is none. A symbolic link there is not
 * followed: it reads as a journal damaged from its first byte, so it is kept aside as
 * `.corrupt-<timestamp>` and replaced by a new journal, and nothing is read from or appended to
 * the file it points to (see `readStateFile` for why a link is handled like damage).
 *
 * @throws the system error when it exists but cannot be read.
 */
export async function readJournal(path: string): Promise<JournalRead | null> {
  const handle = await openNoFollow(path);
  if (handle === "missing") return null;
  if (handle === "symlink") {
    const info = await lstat(path, { bigint: true });
    return {
      file: { ino: info.ino, size: 0 },
      parsed: { header: null, records: [], lastSeq: 0, validEnd: 0, problem: SYMLINK_REASON },
    };
  }
  try {
    const info = await handle.stat({ bigint: true });
    const bytes = await handle.readFile();
    return { file: { ino: info.ino, size: bytes.length }, parsed: parseJournal(bytes) };
  } finally {
    await handle.close();
  }
}

function viewOf(snapshot: StateFileRead, journal: JournalRead | null, applies: boolean): DiskView {
  const parsed = journal?.parsed;
  const appendable = applies && parsed !== undefined && parsed.problem === null;
  return {
    snapshot: snapshot.identity,
    snapshotValid: snapshot.kind === "valid",
    journal: journal?.file ?? null,
    appendable,
    lastSeq: parsed?.lastSeq ?? 0,
    records: applies ? (parsed?.records.length ?? 0) : 0,
    tornEnd:
      appendable && journal !== null && parsed !== undefined && parsed.validEnd < journal.file.size
        ? parsed.validEnd
        : null,
  };
}

/**
 * Reads the state without the lock, as `open()` and `refresh()` do: the state file, then the
 * journal on top of it. Resolves to null when that is not conclusive (the state file is corrupt,
 * or the journal does not continue it or is damaged: another process may be rewriting them, or
 * a repair is due), and the caller reads again under the lock.
 *
 * @throws the system error when a file exists but cannot be read.
 */
export async function readDiskUnlocked(ctx: LoaderContext): Promise<DiskState | null> {
  const snapshot = await readStateFile(ctx.paths.file);
  if (snapshot.kind === "corrupt") return null;
  const journal = await readJournal(ctx.paths.journal);
  const positions = snapshot.kind === "valid" ? snapshot.positions : new Map<string, LogPosition>();
  const header = journal?.parsed.header ?? null;
  if (journal !== null && journal.parsed.problem !== null) return null;
  if (header !== null && header.base !== snapshot.identity) return null;
  if (snapshot.kind === "valid") warnProblems(ctx, ctx.paths.file, snapshot.problems);
  if (journal !== null) applyRecords(positions, journal.parsed.records);
  return { positions, view: viewOf(snapshot, journal, header !== null) };
}

/**
 * Reads the state under the lock. A corrupt state file is kept aside and its `.bak` used; a
 * damaged journal is kept aside and its intact records used; a journal that does not continue the
 * state file (it was already written into it, or another program replaced the file) is not applied.
 * `repair` says what must be rewritten.
 *
 * @throws the system error when a file cannot be read or kept aside.
 */
export async function readDiskLocked(ctx: LoaderContext): Promise<LockedRead> {
  const base = await readStateForWrite(ctx);
  const { journal: journalPath } = ctx.paths;
  const journal = await readJournal(journalPath);
  const positions = base.positions;
  const snapshot: StateFileRead = base.read;
  if (journal === null)
    return {
      positions,
      view: viewOf(snapshot, null, false),
      repair: base.recovered ? "compact" : "none",
    };
  const { header, records, problem } = journal.parsed;
  if (header === null) {
    // Empty, or a header cut by a crash (never used), or a damaged header.
    if (problem !== null) await preserveCorrupt(ctx, ctx.paths.journal, problem);
    return {
      positions,
      view: viewOf(snapshot, journal, false),
      repair: base.recovered ? "compact" : problem !== null ? "journal" : "none",
    };
  }
  if (base.recovered) {
    // The journal continued a file that is now unusable: its records are still the newest
    // positions of their keys, so they go on top of the backup.
    applyRecords(positions, records);
    if (problem !== null) await preserveCorrupt(ctx, ctx.paths.journal, problem);
    return { positions, view: viewOf(snapshot, journal, false), repair: "compact" };
  }
  if (header.base !== snapshot.identity) {
    if (records.length > 0 && !(await foldedByCompaction(ctx, header.base))) {
      ctx.logger.warn(
        { file: journalPath, records: records.length },
        `${journalPath} does not continue the current ${ctx.paths.file} (it was already written ` +
          "into it, or another program replaced that file); its records are not applied",
      );
    }
    return {
      positions,
      view: viewOf(snapshot, journal, false),
      repair: "journal",
    };
  }
  applyRecords(positions, records);
  if (problem !== null) await preserveCorrupt(ctx, ctx.paths.journal, problem);
  return {
    positions,
    view: viewOf(snapshot, journal, true),
    repair: problem !== null ? "compact" : "none",
  };
}

/**
 * Whether a journal continuing the state file of identity `base` was already written into the
 * current one by a compaction stopped before it started the new journal: the file it continued is
 * then the `.bak` (a hard link to it), or there was none and there is no `.bak` either.
 */
async function foldedByCompaction(ctx: LoaderContext, base: string | null): Promise<boolean> {
  const bak = await statOrNull(ctx.paths.bak).catch(() => null);
  if (bak === null) return base === null;
  return snapshotIdentity(bak) === base;
}

/**
 * Starts a new journal continuing the state file of identity `base`: a temp file with the header
 * alone, fsynced and renamed over the journal, the directory fsynced.
 */
export async function resetJournal(
  ctx: LoaderContext,
  base: string | null,
  snapshotValid: boolean,
  lastSeq: number,
  assertLockHeld: AssertLockHeld,
): Promise<DiskView> {
  const { journal, dir } = ctx.paths;
  const temp = tempPathFor(journal);
  let renamed = false;
  try {
    const info = await writeNewFileDurably(temp, encodeHeader({ base, seq: lastSeq }));
    await assertLockHeld();
    await rename(temp, journal);
    renamed = true;
    await fsyncDir(dir);
    return {
      snapshot: base,
      snapshotValid,
      journal: { ino: info.ino, size: Number(info.size) },
      appendable: true,
      lastSeq,
      records: 0,
      tornEnd: null,
    };
  } catch (error) {
    if (!renamed) await unlink(temp).catch(() => {});
    throw error;
  }
}

/**
 * Writes `positions` as the whole state file (atomically, keeping the old one as `.bak` when
 * `backupCurrent`), then starts a new, empty journal on top of it. The state file is renamed into
 * place first, so a crash in between leaves a journal that no longer continues it and is ignored.
 *
 * Resolves to the new view, or to null when the state file was written but the new journal was
 * not (the old journal is then not applied; the next write reads the files again).
 */
export async function compact(
  ctx: LoaderContext,
  positions: Map<string, LogPosition>,
  options: { backupCurrent: boolean; lastSeq: number; assertLockHeld: AssertLockHeld },
): Promise<DiskView | null> {
  const info = await writeStateAtomically(ctx.paths, serializeState(positions.values()), {
    backupCurrent: options.backupCurrent,
    beforeCommit: options.assertLockHeld,
    logger: ctx.logger,
  });
  const identity = snapshotIdentity(info);
  try {
    return await resetJournal(ctx, identity, true, options.lastSeq, options.assertLockHeld);
  } catch (error) {
    ctx.logger.warn(
      { file: ctx.paths.journal, error: (error as Error).message },
      `${ctx.paths.file} was written, but a new ${ctx.paths.journal} could not be started; ` +
        "the next write tries again",
    );
    return null;
  }
}

/** The error of an append that went to a journal no longer in the directory (it was deleted). */
function journalDeleted(path: string): Error {
  return Object.assign(
    new Error(`ENOENT: ${path} was deleted while it was open; the record is not on disk`),
    { code: "ENOENT", path },
  );
}

/**
 * Appends records to the journal through a handle opened with O_APPEND and O_DSYNC, so a write is
 * on disk when it returns, and with O_NOFOLLOW (through `openPrivateFile`): a symbolic link there
 * is refused, never appended through. Only used under the lock; the handle is reopened when the
 * journal was replaced.
 */
export class JournalAppender {
  #handle: FileHandle | undefined;
  #ino: bigint | undefined;

  /**
   * Appends `text` to the journal at `path`, which must be the file of inode `ino`.
   *
   * @throws an `ENOENT` error when the journal was deleted (its directory removed) while the
   *   handle was open: the record went to a file no longer on disk.
   */
  async append(path: string, ino: bigint, text: string, tornEnd: number | null): Promise<number> {
    try {
      return await this.#append(path, ino, text, tornEnd);
    } catch (error) {
      await this.close(); // reopen next time rather than trust this handle
      throw error;
    }
  }

  async #append(path: string, ino: bigint, text: string, tornEnd: number | null): Promise<number> {
    if (this.#handle === undefined || this.#ino !== ino) {
      await this.close();
      const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_DSYNC;
      const handle = await openPrivateFile(path, flags);
      this.#handle = handle;
      this.#ino = (await handle.stat({ bigint: true })).ino;
      if (this.#ino !== ino) throw new Error(`${path} was replaced while the lock was held`);
    }
    const handle = this.#handle;
    if (tornEnd !== null) {
      // The end of a write cut by a crash, never acknowledged: cut it off before appending.
      await handle.truncate(tornEnd);
      await handle.datasync();
    }
    const bytes = Buffer.from(text, "utf8");
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, null);
      done += bytesWritten;
    }
    // A handle kept open across writes still writes after the journal was deleted (a cleanup job
    // removing the state dir): to a file no longer on disk, so the write must not count.
    if ((await handle.stat()).nlink === 0) throw journalDeleted(path);
    return bytes.length;
  }

  /** Closes the handle, if one is open. */
  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    this.#ino = undefined;
    await handle?.close().catch(() => {});
  }
}
