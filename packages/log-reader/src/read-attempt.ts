import type { BigIntStats } from "node:fs";
import { stat } from "node:fs/promises";
import { type LogPosition, positionKey } from "@agentwatch/models";
import { firstChunkSize } from "./chunk-reader.js";
import { consumeSegments } from "./consume-segments.js";
import { checksumAt, headLength } from "./fingerprint.js";
import { type OpenedLog, openLog, requireRegular, statSignature } from "./open-log.js";
import type { ResolvedOptions } from "./options.js";
import { type CopyOrigin, planRead } from "./read-plan.js";
import type { ReadError, ReadResult } from "./read-result.js";

/** What one read found, and the position that committing it would save. */
export interface Attempt {
  /** The result but its lines. */
  readonly found: Omit<ReadResult, "lines">;
  /**
   * The lines, decoded on the first call: a caller may write `next` first and decode while it is
   * being written.
   */
  readonly lines: () => string[];
  /** The position after this read, or null when it would not change anything. */
  readonly next: LogPosition | null;
  /** Settles (never rejects) once every file the read opened is closed. */
  readonly closed: Promise<void>;
}

const NOTHING_OPEN: Promise<void> = Promise.resolve();
const NO_LINES = (): string[] => [];

/** The attempt of a read that gave no lines: an idle read, or (with `error`) a failed one. */
export function emptyAttempt(totalLines: number, error: ReadError | null): Attempt {
  return {
    found: emptyResult(totalLines, error),
    lines: NO_LINES,
    next: null,
    closed: NOTHING_OPEN,
  };
}

/** What a reader remembers between reads, by position key; lost on restart, and only an optimisation or a hint. */
export interface ReaderMemory {
  readonly verified: Map<string, string>;
  readonly copies: Map<string, CopyOrigin>;
  /** Keys whose last read stopped at `maxLinesPerRead` with more bytes waiting (`hasMore`). */
  readonly behind: Set<string>;
}

/** A result with no lines: an idle read, or (with `error`) a failed one. */
export function emptyResult(totalLines: number, error: ReadError | null): ReadResult {
  return {
    lines: [],
    totalLines,
    hasMore: false,
    bytesBehind: 0,
    rotated: false,
    truncated: false,
    skippedLines: 0,
    pendingPartial: null,
    error,
  };
}

function quietTest(now: number, flushMs: number): (mtimeMs: number) => boolean {
  return (mtimeMs) => flushMs === 0 || now - mtimeMs >= flushMs;
}

/**
 * Reads one log once from `base`: an idle file costs one stat; otherwise the file (and a rotated
 * predecessor, if any) is opened, checked and read; `closed` settles once every handle is closed.
 * `memory.verified` remembers, by key, the stat signature of the file last checked to be the saved
 * one; `memory.copies`, by key, the copytruncate copy last found and the file it was copied from;
 * `memory.behind` the keys whose last read left more waiting: their next read skips the idle check
 * (it could not pass) and opens the file at once. With `deferDecode`, runs of short lines are
 * decoded only when `lines()` is called. With `catchUpLines`, a backlog is skipped to its last
 * `catchUpLines` lines whatever `o.catchUp` says.
 *
 * @throws {ReadFailure} or the OS error when the file cannot be read (the reader reports it).
 */
export async function attemptRead(
  o: ResolvedOptions,
  memory: ReaderMemory,
  instanceId: string,
  logPath: string,
  logType: string,
  base: LogPosition | undefined,
  deferDecode: boolean,
  catchUpLines?: number,
): Promise<Attempt> {
  const now = o.clock();
  const key = positionKey(instanceId, logType);
  const { verified, copies, behind } = memory;
  // Deleted first, so that a read that fails leaves the next one to take the idle check.
  const wasBehind = behind.delete(key);
  let pathStats: BigIntStats | "skip" = "skip";
  if (!wasBehind) {
    pathStats = await stat(logPath, { bigint: true });
    requireRegular(logPath, pathStats);
  }
  if (
    pathStats !== "skip" &&
    base !== undefined &&
    base.device === pathStats.dev.toString() &&
    base.inode === pathStats.ino.toString() &&
    Number(pathStats.size) === base.last_byte_offset &&
    verified.get(key) === statSignature(pathStats)
  ) {
    // Idle: the file is unchanged (same size, mtime and ctime) since it was checked, and fully read.
    return emptyAttempt(base.last_line_number, null);
  }
  const headBytes = (size: number): number => headLength(size, o.fingerprintBytes);
  const opened: OpenedLog[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all(
      opened.map(async (file) => {
        await file.ahead?.release();
        await file.fh.close().catch(() => {});
      }),
    );
  };
  try {
    // The common read goes on from the saved offset (or byte 0): start reading there at once, no
    // more than the file held when it was stat'ed (when it was).
    const from = base?.last_byte_offset ?? 0;
    const waiting = pathStats === "skip" ? Number.POSITIVE_INFINITY : Number(pathStats.size) - from;
    const prefetch =
      waiting > 0
        ? {
            position: from,
            length: Math.min(firstChunkSize(o.maxLinesPerRead, !deferDecode), waiting),
          }
        : undefined;
    const current = await openLog(logPath, headBytes, pathStats, prefetch);
    opened.push(current);
    const search = { logPath, headBytes, fingerprintBytes: o.fingerprintBytes, logger: o.logger };
    const plan = await planRead(search, base, current, opened, copies.get(key));
    if (plan.copy !== null) copies.set(key, plan.copy);
    const { segments } = plan;
    const consumed = await consumeSegments(segments, {
      maxLines: catchUpLines ?? o.maxLinesPerRead,
      maxLineBytes: o.maxLineBytes,
      skipBacklog: catchUpLines !== undefined || o.catchUp === "skip",
      quiet: quietTest(now, o.partialLineFlushMs),
      deferDecode,
    });
    const { segment, offset, line } = consumed;
    const found: Omit<ReadResult, "lines"> = {
      totalLines: line,
      hasMore: consumed.hasMore,
      bytesBehind: consumed.bytesBehind,
      rotated: segment.restart === "rotated",
      truncated: segment.restart === "truncated",
      skippedLines: consumed.skippedLines,
      pendingPartial: consumed.pendingPartial,
      error: null,
    };
    // A drain of a copy that returned nothing still moves the saved identity to the copy, so that
    // a truncated file regrowing past the offset with the same first bytes is not taken for it.
    const savedFile =
      base === undefined ||
      (base.device === undefined
        ? segment.file === current
        : segment.file.device === base.device && segment.file.inode === base.inode);
    const unchanged =
      base === undefined
        ? offset === 0 && line === 0
        : segment === segments[0] &&
          segment.restart === null &&
          savedFile &&
          offset === base.last_byte_offset &&
          line === base.last_line_number;
    if (consumed.lines.count > 0) {
      o.logger.debug(
        { instanceId, path: segment.file.path, lines: consumed.lines.count, offset },
        "read new lines",
      );
    }
    if (segment.file === current) verified.set(key, current.signature);
    else verified.delete(key);
    if (found.hasMore) behind.add(key);
    const lines = (): string[] => consumed.lines.decode();
    const closed = closeAll();
    if (unchanged) return { found, lines, next: null, closed };
    const next: LogPosition = {
      instance_id: instanceId,
      log_type: logType,
      file_path: segment.file.path,
      last_byte_offset: offset,
      last_line_number: line,
      last_read_timestamp: new Date(now).toISOString(),
      checksum: checksumAt(segment.file.head, offset, o.fingerprintBytes),
      device: segment.file.device,
      inode: segment.file.inode,
    };
    return { found, lines, next, closed };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
