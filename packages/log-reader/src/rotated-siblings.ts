import { readdir, realpath, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { LogPosition, Logger } from "@agentwatch/models";
import { matchesSaved } from "./fingerprint.js";
import { readFully } from "./chunk-reader.js";
import { type OpenedLog, openLog } from "./open-log.js";

const COMPRESSED = /\.(gz|tgz|bz2|tbz2?|xz|txz|zst|zstd|lz4|lzma|lzo|lz|z|zip|br|7z|sz)$/i;

/** Whether `name` can be a rotated copy of the log named `logName`: `app.log.1`, `app.log-20261123`, not `app.log.1.gz`. */
export function isRotatedName(logName: string, name: string): boolean {
  return name !== logName && name.startsWith(logName) && !COMPRESSED.test(name);
}

/** What a search for the previous file needs. */
export interface SiblingSearch {
  /** The log's path (the file now at it is the new one). */
  readonly logPath: string;
  readonly headBytes: (size: number) => number;
  readonly fingerprintBytes: number;
  readonly logger: Logger;
}

async function siblingsOf(logPath: string, logger: Logger): Promise<string[]> {
  const dir = dirname(logPath);
  const logName = basename(logPath);
  try {
    const names = await readdir(dir);
    return names.filter((name) => isRotatedName(logName, name)).map((name) => join(dir, name));
  } catch (error) {
    logger.debug(
      { err: error, dir },
      "cannot list the log's directory; no rotated file can be drained",
    );
    return [];
  }
}

/** Rotated-name files beside the log and, when the log path is a symlink, beside its target. */
async function candidates(search: SiblingSearch, hint?: string): Promise<string[]> {
  const paths = await siblingsOf(search.logPath, search.logger);
  const target = await realpath(search.logPath).catch(() => search.logPath);
  if (target !== search.logPath) {
    for (const path of await siblingsOf(target, search.logger))
      if (!paths.includes(path)) paths.push(path);
  }
  const dir = dirname(search.logPath);
  if (
    hint !== undefined &&
    dirname(hint) === dir &&
    isRotatedName(basename(search.logPath), basename(hint))
  ) {
    return [hint, ...paths.filter((path) => path !== hint)];
  }
  return paths;
}

/**
 * Finds, beside the log, the renamed file a position was taken from (same device and inode),
 * opened; null when it is gone. The position's own `file_path` is tried first.
 */
export async function findRenamed(
  search: SiblingSearch,
  saved: LogPosition,
): Promise<OpenedLog | null> {
  for (const path of await candidates(search, saved.file_path)) {
    let stats;
    try {
      stats = await stat(path, { bigint: true });
    } catch {
      continue; // renamed or removed meanwhile
    }
    if (
      !stats.isFile() ||
      stats.dev.toString() !== saved.device ||
      stats.ino.toString() !== saved.inode
    )
      continue;
    const opened = await openLog(path, search.headBytes, stats);
    if (opened.device === saved.device && opened.inode === saved.inode) return opened;
    await opened.fh.close().catch(() => {});
  }
  return null;
}

/**
 * Finds, beside the log, the copy that copytruncate made of it: a file at least as long as the
 * saved offset whose first bytes match the saved checksum; of several, the most recently
 * modified. Files unreadable during the search are passed over.
 */
export async function findCopy(
  search: SiblingSearch,
  saved: LogPosition,
  current: OpenedLog,
): Promise<OpenedLog | null> {
  let best: OpenedLog | null = null;
  for (const path of await candidates(search)) {
    let opened: OpenedLog;
    try {
      const stats = await stat(path, { bigint: true });
      if (!stats.isFile() || Number(stats.size) < saved.last_byte_offset) continue;
      if (stats.dev.toString() === current.device && stats.ino.toString() === current.inode)
        continue;
      opened = await openLog(path, search.headBytes, stats);
    } catch (error) {
      search.logger.debug(
        { err: error, path },
        "skipping an unreadable file while looking for a copy",
      );
      continue;
    }
    const match =
      opened.size >= saved.last_byte_offset &&
      matchesSaved(opened.head, saved, search.fingerprintBytes);
    const newer =
      best === null ||
      opened.mtimeMs > best.mtimeMs ||
      (opened.mtimeMs === best.mtimeMs && opened.ctimeMs > best.ctimeMs);
    if (match && newer) {
      if (best !== null) await best.fh.close().catch(() => {});
      best = opened;
    } else {
      await opened.fh.close().catch(() => {});
    }
  }
  return best;
}

/**
 * Whether the writer's stream went on from `file`'s end straight into the file now at the log
 * path: false when `file` ends in the middle of a line and another rotated file beside the log
 * was modified after it (more than one rotation since the last read: the file that continued
 * the line was rotated away too). Files that cannot be checked are passed over.
 */
export async function continuesIntoCurrent(
  search: SiblingSearch,
  file: OpenedLog,
  from: number,
): Promise<boolean> {
  if (file.size <= from) return true;
  const last = Buffer.alloc(1);
  if ((await readFully(file.fh, last, 1, file.size - 1)) !== 1 || last[0] === 0x0a) return true;
  for (const path of await candidates(search)) {
    try {
      const stats = await stat(path, { bigint: true });
      if (!stats.isFile()) continue;
      if (stats.dev.toString() === file.device && stats.ino.toString() === file.inode) continue;
      if (Number(stats.mtimeNs / 1_000_000n) > file.mtimeMs) {
        search.logger.info(
          { path: search.logPath, from: file.path, newer: path },
          "another rotated file is newer than the one drained; its last line is not joined to the new file",
        );
        return false;
      }
    } catch {
      continue; // renamed or removed meanwhile
    }
  }
  return true;
}
