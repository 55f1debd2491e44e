import { type BigIntStats, constants } from "node:fs";
import { copyFile, link, mkdir, open, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "@agentwatch/models";
import type { StatePaths } from "./state-paths.js";
import { tempPathFor } from "./state-paths.js";
import { describeSystemError, errnoCode } from "./system-error.js";

/** Flushes a directory's entries (created, renamed or removed files) to disk. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems refuse to fsync a directory; the rename itself is still atomic there.
    const code = errnoCode(error);
    if (code !== "EINVAL" && code !== "ENOTSUP" && code !== "EPERM" && code !== "EISDIR") {
      throw error;
    }
  } finally {
    await handle.close();
  }
}

/** Creates `dir` and its missing parents, flushing the parent of each directory it created. */
export async function mkdirDurable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  const created: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    created.push(current);
    if (current === first || dirname(current) === current) break;
  }
  for (const path of created) await fsyncDir(dirname(path));
}

/** Writes `text` to a new file at `path` (which must not exist), fsyncs it and returns its stats. */
export async function writeNewFileDurably(path: string, text: string): Promise<BigIntStats> {
  const handle = await open(path, "wx", 0o644);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
    return await handle.stat({ bigint: true });
  } finally {
    await handle.close();
  }
}

const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "EMLINK", "EXDEV", "ENOSYS"]);

/**
 * Makes `<file>.bak` the current content of `<file>` without ever moving `<file>`: a hard link (or
 * a copy, where hard links are not supported) under a temp name, renamed over the `.bak`.
 */
async function backupCurrent(paths: StatePaths, logger: Logger): Promise<void> {
  const temp = tempPathFor(paths.bak);
  try {
    try {
      await link(paths.file, temp);
    } catch (error) {
      if (!NO_HARD_LINKS.has(errnoCode(error) ?? "")) throw error;
      await copyFile(paths.file, temp, constants.COPYFILE_EXCL);
      const handle = await open(temp, "r+");
      await handle.sync().finally(() => handle.close());
    }
    await rename(temp, paths.bak);
    // When the .bak already is that very file (a write stopped between this and its rename),
    // rename() succeeds without doing anything and the temp name stays: remove it.
    await unlink(temp).catch(() => {});
  } catch (error) {
    await unlink(temp).catch(() => {});
    if (errnoCode(error) === "ENOENT") return; // no current file: nothing to keep
    logger.warn(
      { file: paths.bak, error: describeSystemError(error) },
      `could not update ${paths.bak}; the previous backup is kept`,
    );
  }
}

/** Options of `writeStateAtomically`. */
export interface AtomicWriteOptions {
  /** Keep the current state file as `.bak` first (only when it held a valid state). */
  readonly backupCurrent: boolean;
  /** Awaited just before the commit point (the rename); a rejection aborts the write. */
  readonly beforeCommit: () => Promise<void>;
  readonly logger: Logger;
}

/**
 * Replaces the state file with `text` atomically and durably: a uniquely named temp file in the
 * same directory is written and fsynced, renamed over the state file, and the directory fsynced.
 * A crash at any instant leaves the old or the new content, never a torn or missing file.
 * Resolves to the stats of the file written.
 */
export async function writeStateAtomically(
  paths: StatePaths,
  text: string,
  options: AtomicWriteOptions,
): Promise<BigIntStats> {
  const temp = tempPathFor(paths.file);
  let renamed = false;
  try {
    const stats = await writeNewFileDurably(temp, text);
    if (options.backupCurrent) await backupCurrent(paths, options.logger);
    await options.beforeCommit();
    await rename(temp, paths.file);
    renamed = true;
    await fsyncDir(paths.dir);
    return stats;
  } catch (error) {
    if (!renamed) await unlink(temp).catch(() => {});
    throw error;
  }
}
