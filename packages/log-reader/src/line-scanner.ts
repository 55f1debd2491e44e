import type { FileHandle } from "node:fs/promises";
import { decodeLine } from "./line-decode.js";

const NEWLINE = 0x0a;
const CR = 0x0d;

/** Chunk sizes of forward reads: the first sized for the lines wanted, later ones doubling up to `max`. */
export interface ChunkSizes {
  readonly first: number;
  readonly max: number;
}

/** The default chunk sizes: 64 KiB growing to 1 MiB. */
export const DEFAULT_CHUNKS: ChunkSizes = Object.freeze({ first: 64 * 1024, max: 1024 * 1024 });

/**
 * The kept bytes of a line that has not ended yet: at most `maxLineBytes + 1` bytes of it, its
 * full length so far and its last byte. A fragment carried from a rotated-away file is one.
 */
export interface LineHead {
  readonly bytes: Buffer;
  readonly length: number;
  readonly lastByte: number;
}

/** What {@link scanLines} should read. */
export interface ScanRequest {
  /** First byte to read. */
  readonly start: number;
  /** End of the snapshot to read (the size seen by fstat). */
  readonly end: number;
  /** Stop after this many lines (may be Infinity). */
  readonly maxLines: number;
  /** Lines longer than this are cut and marked. */
  readonly maxLineBytes: number;
  /** Return an unterminated tail as a line (true) or hold it back (false). */
  readonly flushPartial: boolean;
  /** The start of a line begun before `start` (in an earlier file): the first line continues it. */
  readonly prefix?: LineHead | undefined;
  /** Override of the chunk sizes (tests use tiny ones). */
  readonly chunks?: ChunkSizes | undefined;
}

/** What {@link scanLines} found. */
export interface ScanResult {
  /** Complete lines, oldest first. */
  readonly lines: string[];
  /** The byte just after the last returned line. */
  readonly offset: number;
  /**
   * `budget`: maxLines reached and more bytes follow; `eof`: everything consumed; `partial`: every
   * complete line consumed and an unterminated tail held back.
   */
  readonly stop: "budget" | "eof" | "partial";
  /** The held tail's text (cut like a line), when `stop` is `partial`. */
  readonly partial: string | null;
  /** The held tail's kept bytes (a `prefix` included), when `stop` is `partial`. */
  readonly tail: LineHead | null;
}

/** Spare read buffers of the largest chunk size, reused across calls (each call takes its own). */
const spare: Buffer[] = [];
const MAX_SPARE = 4;

/** A buffer of at least `size` bytes: a spare one of `max` bytes for big reads, else a new one. */
function takeBuffer(size: number, max: number): Buffer {
  if (size * 2 <= max) return Buffer.allocUnsafe(size);
  const reused = spare.pop();
  return reused !== undefined && reused.length === max ? reused : Buffer.allocUnsafe(max);
}

function giveBack(buf: Buffer | undefined, max: number): void {
  if (buf !== undefined && buf.length === max && spare.length < MAX_SPARE) spare.push(buf);
}

/** Reads `length` bytes at `position` unless the file ends first; returns the count read. */
export async function readFully(
  fh: FileHandle,
  buf: Buffer,
  length: number,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/**
 * Reads lines forward from `start` through one open handle, in chunks, with bounded memory:
 * of a line longer than `maxLineBytes` only its first `maxLineBytes + 1` bytes are kept.
 */
export async function scanLines(fh: FileHandle, request: ScanRequest): Promise<ScanResult> {
  const chunks = request.chunks ?? DEFAULT_CHUNKS;
  const state: { buf: Buffer | undefined } = { buf: undefined };
  try {
    return await scanWith(fh, request, chunks, state);
  } finally {
    giveBack(state.buf, chunks.max);
  }
}

async function scanWith(
  fh: FileHandle,
  request: ScanRequest,
  chunks: ChunkSizes,
  state: { buf: Buffer | undefined },
): Promise<ScanResult> {
  const { start, end, maxLines, maxLineBytes, flushPartial, prefix } = request;
  const keepMax = maxLineBytes + 1;
  const lines: string[] = [];
  // kept bytes of a line begun in an earlier chunk or file (copies)
  let parts: Buffer[] = prefix === undefined ? [] : [prefix.bytes.subarray(0, keepMax)];
  let kept = parts[0]?.length ?? 0;
  let lineLength = prefix?.length ?? 0; // bytes of that line seen so far
  let lastByte = prefix?.lastByte ?? -1;
  let lineStart = start;
  let position = start;
  // Size the first read for the lines wanted (about 128 bytes each), within [first, max].
  let chunkSize = Math.min(chunks.max, Math.max(chunks.first, maxLines * 128));

  const carry = (view: Buffer, from: number, to: number): void => {
    const length = to - from;
    if (length <= 0) return;
    lastByte = view[to - 1]!;
    lineLength += length;
    const take = Math.min(keepMax - kept, length);
    if (take > 0) {
      parts.push(Buffer.from(view.subarray(from, from + take)));
      kept += take;
    }
  };
  const finishCarried = (): string => {
    const joined = parts.length === 1 ? parts[0]! : Buffer.concat(parts, kept);
    const text = decodeLine(joined, 0, lineLength, lastByte, maxLineBytes);
    parts = [];
    kept = 0;
    lineLength = 0;
    lastByte = -1;
    return text;
  };
  const hold = (): ScanResult => {
    const tail: LineHead = {
      bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, kept),
      length: lineLength,
      lastByte,
    };
    return { lines, offset: lineStart, stop: "partial", partial: finishCarried(), tail };
  };

  while (position < end) {
    const want = Math.min(chunkSize, end - position);
    chunkSize = Math.min(chunks.max, chunkSize * 2);
    let buf = state.buf;
    if (buf === undefined || buf.length < want) {
      giveBack(buf, chunks.max);
      buf = state.buf = takeBuffer(want, chunks.max);
    }
    const got = await readFully(fh, buf, want, position);
    if (got === 0) break; // the file shrank under us: stop at what exists
    const view = got === buf.length ? buf : buf.subarray(0, got);
    const base = position;
    position += got;
    let from = 0;
    for (;;) {
      const newline = view.indexOf(NEWLINE, from);
      if (newline === -1) {
        carry(view, from, got);
        break;
      }
      let text: string;
      if (lineLength === 0) {
        const length = newline - from;
        const last = length > 0 ? view[newline - 1]! : -1;
        // inline the common case: a line within maxLineBytes and without \r decodes as it is
        text =
          length <= maxLineBytes && last !== CR
            ? view.toString("utf8", from, newline)
            : decodeLine(view, from, length, last, maxLineBytes);
      } else {
        carry(view, from, newline);
        text = finishCarried();
      }
      lines.push(text);
      from = newline + 1;
      lineStart = base + from;
      if (lines.length >= maxLines) {
        // When the rest of the file is already in this chunk and is an unterminated tail held
        // back, say so (no extra I/O): the caller then knows that no further line is waiting.
        if (!flushPartial && position >= end && from < got && view.indexOf(NEWLINE, from) === -1) {
          carry(view, from, got);
          return hold();
        }
        return { lines, offset: lineStart, stop: "budget", partial: null, tail: null };
      }
    }
  }

  if (lineLength === 0) return { lines, offset: lineStart, stop: "eof", partial: null, tail: null };
  if (!flushPartial) return hold();
  lines.push(finishCarried());
  return { lines, offset: position, stop: "eof", partial: null, tail: null };
}
