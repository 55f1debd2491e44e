import { stat } from "node:fs/promises";
import { findNewestLines } from "./backward-scan.js";
import { scanLines } from "./line-scanner.js";
import { openLog } from "./open-log.js";

/**
 * The last `n` lines of a file, oldest first: found by reading backwards from the end, then read
 * forward; the cost grows with those lines only. Bytes after the last `\n` (an unterminated last
 * line) are one line, the last, returned as they stand; a file ending with `\n` has no empty
 * line after it. So at most `n` strings.
 *
 * @throws whatever opening or reading the file throws (the reader turns it into `[]`).
 */
export async function readLastLines(
  path: string,
  n: number,
  maxLineBytes: number,
): Promise<string[]> {
  const file = await openLog(path, () => 0, await stat(path, { bigint: true }));
  try {
    if (file.size === 0) return [];
    // the unterminated tail counts as the last of the n lines
    const newest = await findNewestLines(file.fh, 0, file.size, n, true);
    const scan = await scanLines(file.fh, {
      start: newest.offset,
      end: file.size,
      maxLines: Number.POSITIVE_INFINITY,
      maxLineBytes,
      flushPartial: true,
    });
    return scan.lines.decode();
  } finally {
    await file.fh.close().catch(() => {});
  }
}
