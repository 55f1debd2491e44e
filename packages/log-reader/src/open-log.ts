import { type BigIntStats, constants } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import type { ReadError } from "./read-result.js";
import { readFully } from "./line-scanner.js";

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

/**
 * Opens a regular file for reading without blocking (a FIFO would block a plain open) and takes
 * its size, identity and first `headBytes` bytes through the same handle.
 *
 * @throws {ReadFailure} for anything but a readable regular file.
 */
export async function openLog(
  path: string,
  headBytes: (size: number) => number,
  pathStats?: BigIntStats,
): Promise<OpenedLog> {
  requireRegular(path, pathStats ?? (await stat(path, { bigint: true })));
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const stats = await fh.stat({ bigint: true });
    requireRegular(path, stats);
    const size = Number(stats.size);
    const head = Buffer.alloc(headBytes(size));
    const got = await readFully(fh, head, head.length, 0);
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
    };
  } catch (error) {
    await fh.close().catch(() => {});
    throw error;
  }
}
