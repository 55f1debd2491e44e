import { constants } from "node:fs";
import { errnoCode, openPrivateFile } from "@agentwatch/safe-fs";

/** One line of a file read backwards. */
export interface ReverseLine {
  /** The line's text, without its `\n`. */
  readonly text: string;
  /** False for a last line with no `\n` after it (a write torn by a crash, or still in progress). */
  readonly terminated: boolean;
}

/** A line longer than the limit, skipped without being kept in memory. */
export interface SkippedLine {
  /** The line's length in bytes, without its `\n`. */
  readonly skippedBytes: number;
  /** False for a last line with no `\n` after it. */
  readonly terminated: boolean;
}

/** Options of {@link readLinesBackward}. */
export interface ReverseReadOptions {
  /** How many bytes to read at a time; 64 KiB by default. */
  readonly chunkBytes?: number | undefined;
  /** Lines longer than this many bytes are reported as skipped, not yielded; 1 MiB by default. */
  readonly maxLineBytes?: number | undefined;
}

/** The default chunk size of {@link readLinesBackward}: 64 KiB. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

/** The default longest line {@link readLinesBackward} yields: 1 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/**
 * Yields the non-empty lines of the file at `path` from last to first, reading it in chunks from
 * its end, so that stopping early reads only the tail. A line longer than `maxLineBytes` is
 * yielded as a {@link SkippedLine} (its length only) instead. Yields nothing for a missing file;
 * a symbolic link or a file that is not a regular file is refused (see `openPrivateFile`).
 *
 * Lines are split on the `\n` byte before decoding, so a chunk boundary never splits a UTF-8
 * character. The chunks of a line that spans several are kept in a list and joined once, so the
 * time taken is linear in the bytes read, and the memory one chunk plus `maxLineBytes`: the chunks
 * of a line are dropped as soon as it is known to be too long.
 *
 * @throws {SafeFsError} for a symbolic link (`SYMLINK`) or something not a regular file.
 * @throws a Node.js system error when the file cannot be read.
 */
export async function* readLinesBackward(
  path: string,
  options: ReverseReadOptions = {},
): AsyncGenerator<ReverseLine | SkippedLine, void, undefined> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let handle;
  try {
    handle = await openPrivateFile(path, constants.O_RDONLY);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return;
    throw error;
  }
  try {
    let position = (await handle.stat()).size;
    // The part of the current line read so far (it starts in a chunk not yet read): its pieces,
    // later ones first, and its length. Once it is longer than maxLineBytes only the length counts.
    let pieces: Buffer[] = [];
    let length = 0;
    let atEnd = true;
    /** The current line, made of `head` (read last, so first in the file) and the pieces. */
    const finish = (head: Buffer): ReverseLine | SkippedLine | undefined => {
      const bytes = length + head.length;
      const terminated = !atEnd;
      const held = pieces;
      pieces = [];
      length = 0;
      if (bytes === 0) return undefined;
      if (bytes > maxLineBytes) return { skippedBytes: bytes, terminated };
      const text =
        held.length === 0
          ? head.toString("utf8")
          : Buffer.concat([head, ...held.reverse()], bytes).toString("utf8");
      return { text, terminated };
    };
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
      const data = chunk.subarray(0, filled);
      let end = data.length;
      let newline = data.lastIndexOf(0x0a, end - 1);
      while (newline >= 0) {
        const line = finish(data.subarray(newline + 1, end));
        atEnd = false;
        if (line !== undefined) yield line;
        end = newline;
        newline = end > 0 ? data.lastIndexOf(0x0a, end - 1) : -1;
      }
      if (end > 0) {
        length += end;
        if (length > maxLineBytes) pieces = [];
        else pieces.push(data.subarray(0, end));
      }
    }
    const first = finish(Buffer.alloc(0));
    if (first !== undefined) yield first;
  } finally {
    await handle.close();
  }
}
