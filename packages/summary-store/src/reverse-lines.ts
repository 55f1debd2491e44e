import { open } from "node:fs/promises";
import { errnoCode } from "./errors.js";

/** One line of a file read backwards. */
export interface ReverseLine {
  /** The line's text, without its `\n`. */
  readonly text: string;
  /** False for a last line with no `\n` after it (a write torn by a crash, or still in progress). */
  readonly terminated: boolean;
}

/** The default chunk size of {@link readLinesBackward}: 64 KiB. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * Yields the non-empty lines of the file at `path` from last to first, reading it in chunks from
 * its end, so that stopping early reads only the tail. Yields nothing for a missing file.
 *
 * Lines are split on the `\n` byte before decoding, so a chunk boundary never splits a UTF-8
 * character. Memory use is one chunk plus the longest line.
 */
export async function* readLinesBackward(
  path: string,
  chunkBytes: number = DEFAULT_CHUNK_BYTES,
): AsyncGenerator<ReverseLine, void, undefined> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return;
    throw error;
  }
  try {
    let position = (await handle.stat()).size;
    let carry: Buffer = Buffer.alloc(0);
    let atEnd = true;
    while (position > 0) {
      const size = Math.min(chunkBytes, position);
      position -= size;
      const chunk = Buffer.allocUnsafe(size);
      let filled = 0;
      while (filled < size) {
        const { bytesRead } = await handle.read(chunk, filled, size - filled, position + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      const data =
        carry.length === 0
          ? chunk.subarray(0, filled)
          : Buffer.concat([chunk.subarray(0, filled), carry]);
      let end = data.length;
      let newline = data.lastIndexOf(0x0a, end - 1);
      while (newline >= 0) {
        if (end > newline + 1) {
          yield { text: data.toString("utf8", newline + 1, end), terminated: !atEnd };
        }
        atEnd = false;
        end = newline;
        newline = end > 0 ? data.lastIndexOf(0x0a, end - 1) : -1;
      }
      carry = Buffer.from(data.subarray(0, end));
    }
    if (carry.length > 0) yield { text: carry.toString("utf8"), terminated: !atEnd };
  } finally {
    await handle.close();
  }
}
