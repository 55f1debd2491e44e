import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { type FileHandle, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fsyncDir } from "./durable.js";
import { SafeFsError, errnoCode } from "./errors.js";
import { currentUid } from "./owners.js";

/** `O_NOFOLLOW` where the platform has it (0 on Windows, which has no such flag). */
export const O_NOFOLLOW: number = constants.O_NOFOLLOW ?? 0;

function symlinkRefused(path: string, cause: unknown): SafeFsError {
  return new SafeFsError(
    `refusing to open ${path}: it is a symbolic link, and agentwatch never reads or writes its own files through one; remove the link`,
    "SYMLINK",
    path,
    { cause },
  );
}

/**
 * Opens `path` without following a symbolic link in its last component (`O_NOFOLLOW` is added to
 * `flags`); a file it creates gets mode 0600. The file must be a regular file: a symlink, a FIFO
 * or a directory there is refused. A file of this user's that others can read or write is made
 * private (0600) as it is opened.
 *
 * @throws {SafeFsError} with code `SYMLINK` or `WRONG_TYPE`.
 * @throws a Node.js system error (`ENOENT`, `EACCES`…) when it cannot be opened.
 * @example
 * const handle = await openPrivateFile(historyPath, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
 */
export async function openPrivateFile(path: string, flags: number): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO planted here must fail or return at once, never hang.
    handle = await open(path, flags | O_NOFOLLOW | (constants.O_NONBLOCK ?? 0), 0o600);
  } catch (error) {
    if (errnoCode(error) === "ELOOP") throw symlinkRefused(path, error);
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new SafeFsError(
        `refusing to open ${path}: it is not a regular file; remove it`,
        "WRONG_TYPE",
        path,
      );
    }
    if ((info.mode & 0o077) !== 0 && info.uid === currentUid() && (flags & 3) !== 0) {
      await handle.chmod(0o600);
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Reads a whole file as UTF-8 without following a symbolic link in its last component.
 *
 * @throws {SafeFsError} with code `SYMLINK` or `WRONG_TYPE`.
 * @throws a Node.js system error (`ENOENT`, `EACCES`…).
 */
export async function readPrivateFile(path: string): Promise<string> {
  const handle = await openPrivateFile(path, constants.O_RDONLY);
  try {
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

/** The unique temp name a write of `path` goes through: `.<name>.<pid>.<random>.tmp` beside it. */
export function tempPathFor(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
}

/**
 * Replaces `path` with `data` atomically and durably, as a private file (mode 0600): a new temp
 * file beside it (created exclusively, so a planted link is never written through) is written and
 * fsynced, renamed over `path` (which replaces a symlink there rather than following it), and the
 * directory is fsynced. Readers see the old content or the new, never a mix.
 *
 * @throws a Node.js system error when the file cannot be written; the temp file is removed.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  let renamed = false;
  try {
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    renamed = true;
    await fsyncDir(dirname(path));
  } catch (error) {
    if (!renamed) await unlink(temp).catch(() => {});
    throw error;
  }
}
