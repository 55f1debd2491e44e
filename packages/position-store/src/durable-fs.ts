import { type BigIntStats, constants } from "node:fs";
import { link, lstat, rename, unlink } from "node:fs/promises";
import type { Logger } from "@agentwatch/models";
import { fsyncDir, openPrivateFile } from "@agentwatch/safe-fs";
import type { StatePaths } from "./state-paths.js";
import { tempPathFor } from "./state-paths.js";
import { describeSystemError, errnoCode } from "./system-error.js";

/** The flags of a new private file: created here or not at all, so never through a planted link. */
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

/**
 * Writes `text` to a new private file (mode 0600) at `path`, which must not exist (a symlink there
 * is not followed: the creation fails), fsyncs it and returns its stats.
 */
export async function writeNewFileDurably(path: string, text: string): Promise<BigIntStats> {
  const handle = await openPrivateFile(path, CREATE_NEW);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
    return await handle.stat({ bigint: true });
  } finally {
    await handle.close();
  }
}

/**
 * Copies the regular file `source` to a new private file (mode 0600) at `target` and fsyncs it.
 * Neither path is followed if it is a symbolic link: a link at `source` is refused, and one at
 * `target` makes the exclusive creation fail (EEXIST), so the copy never writes through a link.
 *
 * @throws {SafeFsError} with code `SYMLINK` or `WRONG_TYPE` when `source` is not a regular file.
 * @throws the system error (`EEXIST` when `target` exists) when the copy cannot be made.
 */
export async function copyToNewPrivateFile(source: string, target: string): Promise<void> {
  const from = await openPrivateFile(source, constants.O_RDONLY);
  try {
    const bytes = await from.readFile();
    const to = await openPrivateFile(target, CREATE_NEW);
    try {
      await to.writeFile(bytes);
      await to.sync();
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
}

/** Errors of `link()` where the file system has no hard links: a copy is made instead. */
export const NO_HARD_LINKS: ReadonlySet<string> = new Set([
  "EPERM",
  "ENOTSUP",
  "EOPNOTSUPP",
  "EMLINK",
  "EXDEV",
  "ENOSYS",
]);

/**
 * Makes `<file>.bak` the current content of `<file>` without ever moving `<file>`: a hard link (or
 * a private copy, where hard links are not supported) under a temp name, renamed over the `.bak`
 * (which replaces a symlink there rather than following it). A state file that is not a regular
 * file (a symlink, which `link()` would duplicate as a link) is not kept.
 */
async function backupCurrent(paths: StatePaths, logger: Logger): Promise<void> {
  const temp = tempPathFor(paths.bak);
  try {
    try {
      await link(paths.file, temp);
      if (!(await lstat(temp)).isFile()) {
        throw new Error(`${paths.file} is not a regular file`);
      }
    } catch (error) {
      if (!NO_HARD_LINKS.has(errnoCode(error) ?? "")) throw error;
      await copyToNewPrivateFile(paths.file, temp);
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
