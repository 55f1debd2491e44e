import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { errnoCode } from "./errors.js";

/** Flushes a directory's entries (created, renamed or removed files) to disk. */
export async function fsyncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; its renames are durable without it.
  if (process.platform === "win32") return;
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems refuse to fsync a directory; a rename there is still atomic.
    const code = errnoCode(error);
    if (code !== "EINVAL" && code !== "ENOTSUP" && code !== "EPERM" && code !== "EISDIR") {
      throw error;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Creates `dir` and its missing parents with mode 0700 (private to this user), then flushes the
 * parent of every directory it created so the new entries survive a crash. Resolves to whether
 * anything was created.
 */
export async function mkdirDurable(dir: string): Promise<boolean> {
  const first = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (first === undefined) return false;
  const created: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    created.push(current);
    if (current === first || dirname(current) === current) break;
  }
  for (const path of created) await fsyncDir(dirname(path));
  return true;
}
