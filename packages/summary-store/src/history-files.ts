import { constants } from "node:fs";
import { readdir, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { errnoCode, fsyncDir, openPrivateFile } from "@agentwatch/safe-fs";

/** The name of the current history file. */
export const HISTORY_FILE = "summary_history.jsonl";

const ROTATED = /^summary_history\.([1-9][0-9]*)\.jsonl$/;

/** The name of history file `index`: 0 is the current file, 1 the newest rotated one, and so on. */
export function historyFileName(index: number): string {
  return index === 0 ? HISTORY_FILE : `summary_history.${index}.jsonl`;
}

/** The indexes of the rotated history files in `dir` (1, 2, …), ascending; gaps are possible after a crash. */
export async function rotatedIndexes(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return [];
    throw error;
  }
  const indexes: number[] = [];
  for (const name of names) {
    const match = ROTATED.exec(name);
    if (match?.[1] !== undefined) indexes.push(Number(match[1]));
  }
  return indexes.sort((a, b) => a - b);
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if (errnoCode(error) !== "ENOENT") throw error;
  }
}

async function unlinkIfExists(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (errnoCode(error) !== "ENOENT") throw error;
  }
}

/**
 * Rotates the history in `dir`, keeping at most `historyFiles` files in all: `.N-2` → `.N-1`, …,
 * `.1` → `.2`, current → `.1` (each rename replaces its target, dropping the oldest). Any file with
 * an index of `historyFiles` or more (left by a larger setting) is removed.
 *
 * Every step is a rename within one directory, so a crash between steps leaves each record in at
 * most one file, at worst one index empty, and never touches `latest_summary.json`.
 */
export async function rotateHistory(dir: string, historyFiles: number): Promise<void> {
  for (const index of await rotatedIndexes(dir)) {
    if (index >= historyFiles) await unlinkIfExists(join(dir, historyFileName(index)));
  }
  if (historyFiles <= 1) {
    await unlinkIfExists(join(dir, HISTORY_FILE));
  } else {
    for (let index = historyFiles - 2; index >= 0; index--) {
      await renameIfExists(
        join(dir, historyFileName(index)),
        join(dir, historyFileName(index + 1)),
      );
    }
  }
  await fsyncDir(dir);
}

/** How the current history file is opened: read (its last byte) and append, created if missing. */
const APPEND_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT;

/**
 * Appends `line` (which ends in `\n`) to the current history file in `dir` and flushes it, rotating
 * first when the file is not empty and would grow past `maxBytes`.
 *
 * The file is opened without following a symbolic link and created with mode 0600; one of ours
 * that others can read is made 0600 (see `openPrivateFile`).
 *
 * When the file does not end in `\n` (a write torn by a crash), a `\n` is written first so the torn
 * fragment stays a line of its own and the new record is not glued onto it.
 *
 * @throws {SafeFsError} when the file is a symbolic link or not a regular file.
 */
export async function appendHistoryLine(
  dir: string,
  line: string,
  maxBytes: number,
  historyFiles: number,
): Promise<void> {
  const path = join(dir, HISTORY_FILE);
  const bytes = Buffer.byteLength(line, "utf8");
  let handle = await openPrivateFile(path, APPEND_FLAGS);
  let created = false;
  try {
    let size = (await handle.stat()).size;
    if (size > 0 && size + bytes > maxBytes) {
      await handle.close();
      await rotateHistory(dir, historyFiles);
      handle = await openPrivateFile(path, APPEND_FLAGS);
      size = (await handle.stat()).size;
    }
    created = size === 0;
    let data = line;
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) data = `\n${line}`;
    }
    await handle.writeFile(data, "utf8");
    await handle.datasync();
  } finally {
    await handle.close();
  }
  if (created) await fsyncDir(dir);
}
