import type { FileHandle } from "node:fs/promises";
import {
  type ChunkSizes,
  ChunkReader,
  DEFAULT_CHUNKS,
  type ReadAhead,
  firstChunkSize,
} from "./chunk-reader.js";
import { GROUP_BYTES, decodeGroup, decodeLine } from "./line-decode.js";
import { ScannedLines } from "./scanned-lines.js";

const NEWLINE = 0x0a;

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
  /**
   * For a tail that still begins with `prefix` (no `\n` after it): return it (true) or hold it
   * back (false), since it lies in the earlier files too; `flushPartial` when not given.
   */
  readonly flushPrefixed?: boolean | undefined;
  /** Override of the chunk sizes (tests use tiny ones). */
  readonly chunks?: ChunkSizes | undefined;
  /** A read of this handle issued earlier: it becomes the first chunk if it starts at `start`. */
  readonly ahead?: ReadAhead | null | undefined;
  /**
   * Keep runs of short lines as bytes, decoded by `lines.decode()`, as long as the chunk buffers
   * kept for them stay within this many bytes; past that (and by default, 0), lines are decoded as
   * they are read.
   */
  readonly undecodedBytes?: number | undefined;
}

/** What {@link scanLines} found. */
export interface ScanResult {
  /**
   * Complete lines, oldest first (`lines.decode()`). Lines may share memory with the run of at
   * most {@link GROUP_BYTES} bytes they were decoded from (V8 substrings).
   */
  readonly lines: ScannedLines;
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

/** The byte just after the `count`-th `\n` from `from` on; the caller knows there are that many. */
function afterLines(buf: Buffer, from: number, count: number): number {
  let end = from;
  for (let i = 0; i < count; i++) end = buf.indexOf(NEWLINE, end) + 1;
  return end;
}

/**
 * Reads lines forward from `start` through one open handle, in chunks, with bounded memory:
 * of a line longer than `maxLineBytes` only its first `maxLineBytes + 1` bytes are kept.
 */
export async function scanLines(fh: FileHandle, request: ScanRequest): Promise<ScanResult> {
  const io = new ChunkReader(fh, request.ahead?.claim(fh, request.start) ?? null);
  try {
    return await scanWith(io, request);
  } finally {
    await io.close();
  }
}

async function scanWith(io: ChunkReader, request: ScanRequest): Promise<ScanResult> {
  const { start, end, maxLines, maxLineBytes, flushPartial, prefix } = request;
  const flushPrefixed = request.flushPrefixed ?? flushPartial;
  const chunks = request.chunks ?? DEFAULT_CHUNKS;
  const keepMax = maxLineBytes + 1;
  // A group of complete lines spans at most this many bytes (its last `\n` included), so none of
  // its lines can be longer than maxLineBytes.
  const groupBytes = Math.min(GROUP_BYTES, keepMax);
  const lines = new ScannedLines();
  // kept bytes of a line begun in an earlier chunk or file (copies)
  let parts: Buffer[] = prefix === undefined ? [] : [prefix.bytes.subarray(0, keepMax)];
  let kept = parts[0]?.length ?? 0;
  let lineLength = prefix?.length ?? 0; // bytes of that line seen so far
  let lastByte = prefix?.lastByte ?? -1;
  let lineStart = start;
  let position = start;
  const undecodedBytes = request.undecodedBytes ?? 0;
  let chunkSize = firstChunkSize(maxLines, undecodedBytes === 0, chunks);

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
    const partial = finishCarried();
    return { lines, offset: lineStart, stop: "partial", partial, tail };
  };

  while (position < end) {
    const view = await io.read(position, Math.min(chunkSize, end - position));
    chunkSize = Math.min(chunks.max, chunkSize * 2);
    const got = view.length;
    if (got === 0) break; // the file shrank under us: stop at what exists
    const base = position;
    position += got;
    let from = 0;
    // whether this chunk's runs of short lines are kept as bytes, and whether its buffer is kept
    const defer = lines.keptBytes + io.currentBytes <= undecodedBytes;
    let chunkKept = false;
    for (;;) {
      const window = Math.min(got, from + groupBytes);
      // `from` follows a `\n` (or is 0), so this backward search never goes far before it
      const last = lineLength === 0 && from < window ? view.lastIndexOf(NEWLINE, window - 1) : -1;
      if (last >= from && defer) {
        // the common case, decoded later: a run of short complete lines, counted now
        const budget = maxLines - lines.count;
        let count = 0;
        let end = from;
        while (end <= last && count < budget) {
          end = view.indexOf(NEWLINE, end) + 1;
          count += 1;
        }
        if (!chunkKept) {
          const buffer = io.takeCurrent();
          if (buffer !== null) lines.keep(buffer);
          chunkKept = true;
        }
        lines.addUndecoded(view, from, end - 1, count);
        from = end;
      } else if (last >= from) {
        // the common case: a run of short complete lines, decoded together
        const texts = decodeGroup(view, from, last);
        const budget = maxLines - lines.count;
        if (texts.length > budget) {
          texts.length = budget;
          from = afterLines(view, from, budget);
        } else {
          from = last + 1;
        }
        lines.addDecoded(texts);
      } else {
        const newline = view.indexOf(NEWLINE, from);
        if (newline === -1) {
          carry(view, from, got);
          break;
        }
        if (lineLength === 0) {
          const length = newline - from;
          lines.add(
            decodeLine(view, from, length, length > 0 ? view[newline - 1]! : -1, maxLineBytes),
          );
        } else {
          carry(view, from, newline);
          lines.add(finishCarried());
        }
        from = newline + 1;
      }
      lineStart = base + from;
      if (!io.reading && position < end && lines.count > 0) {
        // Read the next chunk while this one is decoded, if this one seems not to hold enough
        // lines: as many bytes as the lines still wanted would take at the mean length so far.
        const wanted = ((maxLines - lines.count) * (lineStart - start)) / lines.count;
        const beyond = wanted - (got - from);
        if (beyond > 0) {
          io.readAhead(
            position,
            Math.min(chunkSize, end - position, Math.ceil(beyond * 1.25) + 4096),
          );
        }
      }
      if (lines.count >= maxLines) {
        // Another line follows unless all that is left is an unterminated tail held back: then
        // say so, so that the caller knows no further line is waiting. A tail that would be
        // flushed is a line waiting (a line has ended, so `flushPartial` is its rule). This reads
        // on past the chunk only when no `\n` follows the page in it, and only as far as the
        // first `\n`.
        const budget: ScanResult = {
          lines,
          offset: lineStart,
          stop: "budget",
          partial: null,
          tail: null,
        };
        if (flushPartial || view.indexOf(NEWLINE, from) !== -1) return budget;
        carry(view, from, got);
        // the next `\n` is usually near: small reads first, growing as for a long line
        for (let size = chunks.first; position < end; size = Math.min(chunks.max, size * 2)) {
          const next = await io.read(position, Math.min(size, end - position));
          if (next.length === 0) break;
          position += next.length;
          const newline = next.indexOf(NEWLINE);
          if (newline !== -1) return budget;
          carry(next, 0, next.length);
        }
        return lineLength === 0 ? budget : hold();
      }
    }
  }

  if (lineLength === 0) {
    return { lines, offset: lineStart, stop: "eof", partial: null, tail: null };
  }
  // the tail still holds the prefix when no line has ended since it
  if (!(prefix !== undefined && lines.count === 0 ? flushPrefixed : flushPartial)) return hold();
  lines.add(finishCarried());
  return { lines, offset: position, stop: "eof", partial: null, tail: null };
}
