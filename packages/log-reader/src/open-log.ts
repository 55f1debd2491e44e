import { type BigIntStats, constants } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import type { ReadError } from "./read-result.js";
import { ReadAhead, readFully } from "./chunk-reader.js";

/** A log file opened for one call: everything about it comes from this one handle. */
export interface OpenedLog {
  readonly path: string;
  readonly fh: FileHandle;
  /** Size at open time: reads never go past it, so a call sees one consistent snapshot. */
  readonly size: number;
  readonly device: string;
  readonly inode: string;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  /** The file's first bytes (as many as fingerprints need). */
  readonly head: Buffer;
  /** Device, inode, size, mtime and ctime: changes whenever the file is written, cut or replaced. */
  readonly signature: string;
  /**
   * The read asked for at open (see {@link openLog}), or null: a scan from its position takes it
   * over; whoever closes `fh` must await `release()` first.
   */
  readonly ahead: ReadAhead | null;
}

/** Bytes to read at open, alongside fstat, because a scan is expected to start there. */
export interface Prefetch {
  readonly position: number;
  readonly length: number;
}

/** The {@link OpenedLog.signature} of a file from its stats. */
export function statSignature(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

/** A failed read, carrying the `ReadError` a result reports. Internal: never escapes the reader. */
export class ReadFailure extends Error {
  readonly error: ReadError;
  constructor(error: ReadError, options?: ErrorOptions) {
    super(error.message, options);
    this.name = "ReadFailure";
    this.error = error;
  }
}

function kindOf(stats: BigIntStats): string {
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/** Fails unless `stats` describe a regular file. */
export function requireRegular(path: string, stats: BigIntStats): void {
  if (stats.isFile()) return;
  if (stats.isDirectory()) {
    throw new ReadFailure({
      code: "EISDIR",
      message: `cannot read ${path}: it is a directory (EISDIR); pass the path of the log file itself`,
    });
  }
  throw new ReadFailure({
    code: "NOT_REGULAR_FILE",
    message: `cannot read ${path}: it is ${kindOf(stats)}, not a regular file (NOT_REGULAR_FILE); pass the path of a regular log file`,
  });
}

/** Turns any thrown value into the `ReadError` of a result. */
export function toReadError(error: unknown, path: string): ReadError {
  if (error instanceof ReadFailure) return error.error;
  const code =
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string"
      ? (error as { code: string }).code
      : "EUNKNOWN";
  const detail = error instanceof Error ? error.message : String(error);
  switch (code) {
    case "ENOENT":
      return {
        code,
        message: `cannot read ${path}: no such file (ENOENT); check the log path, or wait until the agent creates it`,
      };
    case "EACCES":
    case "EPERM":
      return {
        code,
        message: `cannot read ${path}: permission denied (${code}); give this process read access to the file and its directories`,
      };
    case "ENOTDIR":
      return {
        code,
        message: `cannot read ${path}: a part of the path is not a directory (ENOTDIR); check the log path`,
      };
    default:
      return {
        code,
        message: `cannot read ${path}: ${detail} (${code}); check the file and the disk it is on`,
      };
  }
}

/** The most first bytes read while fstat runs, before the size is known. */
const EARLY_HEAD_BYTES = 64 * 1024;

/**
 * Opens a regular file for reading without blocking (a FIFO would block a plain open) and takes
 * its size, identity and first `headBytes(size)` bytes through the same handle. The first bytes
 * (up to `headBytes(Number.MAX_SAFE_INTEGER)`, at most 64 KiB) are read while fstat runs, then
 * trimmed to what the size allows. `pathStats` is a stat of the path taken just before, which
 * must show a regular file; `"skip"` opens without that check: fstat still refuses anything else,
 * and a failed open stats the path then, so errors are the ones a stat first would have given.
 * `prefetch` starts reading those bytes too, through the same handle, as {@link OpenedLog.ahead}:
 * a scan uses them only up to the size fstat saw.
 *
 * @throws {ReadFailure} for anything but a readable regular file.
 */
export async function openLog(
  path: string,
  headBytes: (size: number) => number,
  pathStats?: BigIntStats | "skip",
  prefetch?: Prefetch,
): Promise<OpenedLog> {
  if (pathStats !== "skip") requireRegular(path, pathStats ?? (await stat(path, { bigint: true })));
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    // Unchecked, a socket fails to open (ENXIO): report it as a stat first would have.
    if (pathStats === "skip") requireRegular(path, await stat(path, { bigint: true }));
    throw error;
  }
  // The head read runs while fstat does: one round trip less. Both go through this handle.
  const early = Math.min(Math.max(0, headBytes(Number.MAX_SAFE_INTEGER)), EARLY_HEAD_BYTES);
  let head = Buffer.allocUnsafe(early);
  const reading = early === 0 ? Promise.resolve(0) : readOnce(fh, head, early);
  reading.catch(() => {}); // awaited below; a failure must not count as unhandled meanwhile
  const ahead =
    prefetch === undefined ? null : new ReadAhead(fh, prefetch.position, prefetch.length);
  try {
    let stats: BigIntStats;
    try {
      stats = await fh.stat({ bigint: true });
      requireRegular(path, stats);
    } catch (error) {
      await reading.catch(() => {}); // never close a handle under a read in flight
      throw error;
    }
    const size = Number(stats.size);
    const length = Math.max(0, headBytes(size));
    let got = Math.min(length, await reading);
    if (length > head.length) {
      const longer = Buffer.allocUnsafe(length);
      head.copy(longer, 0, 0, got);
      head = longer;
    }
    // a short read (or a file grown since, or a head longer than read early): read the rest
    if (got < length) got += await readFully(fh, head.subarray(got), length - got, got);
    return {
      path,
      fh,
      size,
      device: stats.dev.toString(),
      inode: stats.ino.toString(),
      mtimeMs: Number(stats.mtimeNs / 1_000_000n),
      ctimeMs: Number(stats.ctimeNs / 1_000_000n),
      head: got === head.length ? head : head.subarray(0, got),
      signature: statSignature(stats),
      ahead,
    };
  } catch (error) {
    await ahead?.release();
    await fh.close().catch(() => {});
    throw error;
  }
}

/** One read of up to `length` bytes at 0; resolves to the count read. */
async function readOnce(fh: FileHandle, buf: Buffer, length: number): Promise<number> {
  const { bytesRead } = await fh.read(buf, 0, length, 0);
  return bytesRead;
}
