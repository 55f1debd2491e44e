import type { FileHandle } from "node:fs/promises";
import { readFully } from "./chunk-reader.js";

const NEWLINE = 0x0a;
const BACKWARD_CHUNK = 64 * 1024;
const COUNT_CHUNK = 1024 * 1024;

/** Where the newest lines of a byte range begin, and how many lines that is. */
export interface NewestLines {
  /** The first byte of the oldest of the newest lines. */
  readonly offset: number;
  /** How many lines lie from `offset` on (at most the requested count). */
  readonly lines: number;
}

/**
 * Reads `[start, end)` backwards in chunks to find where its newest `count` lines begin; the cost
 * grows with the bytes of those lines, not with the range. An unterminated tail (bytes after the
 * last `\n`) counts as one of the lines only when `tailCounts`; it always lies after `offset`.
 */
export async function findNewestLines(
  fh: FileHandle,
  start: number,
  end: number,
  count: number,
  tailCounts: boolean,
): Promise<NewestLines> {
  if (end <= start || count <= 0) return { offset: end, lines: 0 };
  let need = count; // lines still wanted, the tail included while it may count
  let newlines = 0;
  let tailKnown = false;
  let tailLine = 0;
  let position = end;
  const buf = Buffer.allocUnsafe(Math.min(BACKWARD_CHUNK, end - start));
  while (position > start) {
    const from = Math.max(start, position - buf.length);
    const got = await readFully(fh, buf, position - from, from);
    if (got < position - from) break; // the file shrank under us
    let index = got - 1;
    while (index >= 0) {
      const newline = buf.lastIndexOf(NEWLINE, index);
      if (newline === -1) break;
      const absolute = from + newline;
      if (!tailKnown) {
        tailKnown = true;
        if (absolute < end - 1 && tailCounts) {
          tailLine = 1;
          need -= 1;
          if (need === 0) return { offset: absolute + 1, lines: 1 };
        }
      }
      newlines += 1;
      // the (need + 1)-th newline from the end closes the line before the newest `need` lines
      if (newlines === need + 1) return { offset: absolute + 1, lines: need + tailLine };
      index = newline - 1;
    }
    position = from;
  }
  if (!tailKnown && tailCounts) tailLine = 1; // no newline at all: the whole range is a tail
  return { offset: start, lines: Math.min(count, newlines + tailLine) };
}

/** Counts the `\n` bytes in `[start, end)` by reading it forward (no decoding). */
export async function countNewlines(fh: FileHandle, start: number, end: number): Promise<number> {
  let count = 0;
  let position = start;
  const buf = Buffer.allocUnsafe(Math.max(1, Math.min(COUNT_CHUNK, end - start)));
  while (position < end) {
    const got = await readFully(fh, buf, Math.min(buf.length, end - position), position);
    if (got === 0) break;
    let index = buf.indexOf(NEWLINE, 0);
    while (index !== -1 && index < got) {
      count += 1;
      index = buf.indexOf(NEWLINE, index + 1);
    }
    position += got;
  }
  return count;
}
