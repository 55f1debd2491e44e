import { randomBytes } from "node:crypto";
import { mkdir, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { errnoCode } from "./errors.js";

/** Flushes a directory's entries (new, renamed or removed files) to disk. */
export async function fsyncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; its renames are durable without it.
  if (process.platform === "win32") return;
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems refuse to fsync a directory; the rename itself is still atomic.
    const code = errnoCode(error);
    if (code !== "EINVAL" && code !== "ENOTSUP" && code !== "EPERM") throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Creates `dir` and any missing parents, then flushes the parent of every directory it created
 * so the new entries survive a crash.
 */
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

/** The unique temp name a write of `path` goes through: `.<name>.<pid>.<random>.tmp` beside it. */
export function tempPathFor(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
}

/**
 * Replaces `path` with `data` atomically and durably: a unique temp file in the same directory is
 * written and fsynced, renamed over `path`, and the directory is fsynced.
 *
 * Readers see the old content or the new, never a mix; after a crash `path` holds one of them.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const temp = tempPathFor(path);
  let renamed = false;
  try {
    const handle = await open(temp, "wx", 0o644);
    try {
      await handle.writeFile(data, "utf8");
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
