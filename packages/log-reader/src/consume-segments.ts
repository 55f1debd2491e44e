import { countNewlines, findNewestLines } from "./backward-scan.js";
import { readFully } from "./chunk-reader.js";
import { type LineHead, scanLines } from "./line-scanner.js";
import type { Segment } from "./read-plan.js";
import { ScannedLines } from "./scanned-lines.js";

/** The most bytes of read buffers one read keeps for lines it has not decoded yet. */
export const MAX_UNDECODED_BYTES = 4 * 1024 * 1024;

/** How to consume a planned read. */
export interface ConsumeOptions {
  readonly maxLines: number;
  readonly maxLineBytes: number;
  readonly skipBacklog: boolean;
  /** Whether a file last modified at `mtimeMs` is quiet enough to flush its unterminated last line. */
  readonly quiet: (mtimeMs: number) => boolean;
  /**
   * Leave runs of short lines undecoded until `lines.decode()`, keeping at most
   * {@link MAX_UNDECODED_BYTES} of read buffers for them in all.
   */
  readonly deferDecode: boolean;
}

/** Where a read stopped and what it returned. */
export interface Consumed {
  readonly lines: ScannedLines;
  /** The segment the position ends in. */
  readonly segment: Segment;
  readonly offset: number;
  readonly line: number;
  readonly hasMore: boolean;
  readonly bytesBehind: number;
  readonly skippedLines: number;
  readonly pendingPartial: string | null;
}

/** A place in a planned read: a segment, a byte offset in its file and the lines before it there. */
interface Place {
  readonly index: number;
  readonly offset: number;
  readonly line: number;
}

interface Start extends Place {
  readonly skipped: number;
}

/**
 * The unterminated fragment a rotated-away file ends with, carried into the next file: the writer's
 * output is one stream, so the fragment is the start of that file's first line.
 */
interface Carried {
  readonly head: LineHead;
  /** Where the fragment begins: the position stays there until its line is returned. */
  readonly from: Place;
  /** Just after the fragment's last byte, counting it as a line: where a flush of it alone ends. */
  readonly end: Place;
}

/** Where the unterminated tail of a segment begins, or null when it is empty or ends with `\n`. */
async function tailStart(segment: Segment): Promise<number | null> {
  const { fh, size } = segment.file;
  if (size <= segment.start) return null;
  const last = Buffer.alloc(1);
  if ((await readFully(fh, last, 1, size - 1)) !== 1 || last[0] === 0x0a) return null;
  const newest = await findNewestLines(fh, segment.start, size, 1, true);
  return newest.offset;
}

/**
 * Whether segments `from` to `to` have all been quiet: the flush rule of an unterminated tail that
 * lies in those files, and in no others.
 */
function quietOver(
  segments: readonly Segment[],
  options: ConsumeOptions,
  from: number,
  to: number,
): boolean {
  let newest = Number.NEGATIVE_INFINITY;
  for (let index = from; index <= to; index++)
    newest = Math.max(newest, segments[index]!.file.mtimeMs);
  return options.quiet(newest);
}

/**
 * Whether the last segment's unterminated tail is flushed: once the files it lies in are quiet.
 * That is the last file alone, unless the tail is all that file holds (no `\n`) and an earlier
 * file's fragment joins it; then those files too.
 */
async function lastTailQuiet(
  segments: readonly Segment[],
  options: ConsumeOptions,
): Promise<boolean> {
  const lastIndex = segments.length - 1;
  if (!quietOver(segments, options, lastIndex, lastIndex)) return false;
  if (quietOver(segments, options, 0, lastIndex)) return true; // every file is quiet
  const last = segments[lastIndex]!;
  if ((await tailStart(last)) !== last.start) return true; // no tail, or one after a `\n`
  for (let before = lastIndex - 1; before >= 0; before--) {
    const earlier = segments[before]!;
    if (!earlier.joinsNext) return true;
    if (earlier.file.size <= earlier.start) continue; // empty: look further back
    if ((await tailStart(earlier)) === null) return true; // it ends with `\n`: nothing joins
    return quietOver(segments, options, before, lastIndex);
  }
  return true;
}

/**
 * With `catchUp: "skip"`: where to start so that at most `maxLines` lines remain, found by reading
 * backwards from the end; the skipped lines are counted exactly by scanning the skipped bytes. A
 * rotated file's unterminated fragment that joins the next file is not a line of its own, and a
 * start at that next file's first line moves back to the fragment.
 */
async function skipAhead(segments: readonly Segment[], options: ConsumeOptions): Promise<Start> {
  const lastIndex = segments.length - 1;
  let need = options.maxLines;
  let laterBytes = false; // whether a later segment holds bytes, which a joining fragment is part of
  for (let index = lastIndex; index >= 0; index--) {
    const segment = segments[index]!;
    const { fh, size, mtimeMs } = segment.file;
    // a joining fragment is a line of its own only when flushed alone (every later file empty)
    const tailCounts =
      index === lastIndex
        ? await lastTailQuiet(segments, options)
        : segment.joinsNext
          ? !laterBytes && quietOver(segments, options, index, lastIndex)
          : options.quiet(mtimeMs);
    const newest = await findNewestLines(fh, segment.start, size, need, tailCounts);
    if (newest.lines < need) {
      need -= newest.lines;
      laterBytes ||= size > segment.start;
      continue;
    }
    let at: Place = { index, offset: newest.offset, line: 0 };
    for (let before = index - 1; before >= 0 && at.offset === segments[at.index]!.start; before--) {
      const earlier = segments[before]!;
      if (!earlier.joinsNext) break;
      if (earlier.file.size <= earlier.start) continue; // empty: look further back
      const fragment = await tailStart(earlier);
      if (fragment === null) break;
      at = { index: before, offset: fragment, line: 0 };
    }
    const first = segments[at.index]!;
    let skipped = await countNewlines(first.file.fh, first.start, at.offset);
    const line = first.line + skipped;
    for (let before = 0; before < at.index; before++) {
      const earlier = segments[before]!;
      skipped += await countNewlines(earlier.file.fh, earlier.start, earlier.file.size);
      // a fragment that does not join the next file was a line of its own
      if (!earlier.joinsNext && (await tailStart(earlier)) !== null) skipped += 1;
    }
    return { index: at.index, offset: at.offset, line, skipped };
  }
  const first = segments[0]!;
  return { index: 0, offset: first.start, line: first.line, skipped: 0 };
}

/**
 * Reads the planned segments in order, at most `maxLines` lines. A segment is left for the next
 * only once it is fully consumed, so order is kept across files. An unterminated fragment that a
 * rotated-away segment ends with is joined to the next segment's first line; until that line is
 * returned, the position stays before the fragment.
 */
export async function consumeSegments(
  segments: readonly Segment[],
  options: ConsumeOptions,
): Promise<Consumed> {
  const start: Start = options.skipBacklog
    ? await skipAhead(segments, options)
    : { index: 0, offset: segments[0]!.start, line: segments[0]!.line, skipped: 0 };
  let { index, offset, line } = start;
  const lines = new ScannedLines();
  let pendingPartial: string | null = null;
  let budgetHit = false;
  let carried: Carried | null = null;
  for (;;) {
    const segment = segments[index]!;
    const remaining = options.maxLines - lines.count;
    if (remaining <= 0) {
      budgetHit = true;
      break;
    }
    const last = index === segments.length - 1;
    const joins = !last && segment.joinsNext;
    const scan = await scanLines(segment.file.fh, {
      start: offset,
      end: segment.file.size,
      maxLines: remaining,
      maxLineBytes: options.maxLineBytes,
      // An unterminated tail is flushed once the files it lies in are quiet: this one, and while
      // no `\n` follows a carried fragment, the files the fragment came from too. A fragment that
      // joins the next file is never flushed alone.
      flushPartial: !joins && quietOver(segments, options, index, index),
      flushPrefixed:
        carried === null
          ? undefined
          : !joins && quietOver(segments, options, carried.from.index, index),
      prefix: carried?.head,
      ahead: segment.file.ahead,
      undecodedBytes: options.deferDecode ? MAX_UNDECODED_BYTES - lines.keptBytes : 0,
    });
    const scanned = scan.lines.count;
    lines.append(scan.lines);
    budgetHit = scan.stop === "budget";
    if (carried !== null && scanned > 0) {
      // The carried fragment went out as the start of the first line.
      if (scan.offset === segment.start && segment.file.size <= segment.start) {
        // Nothing followed it: it was flushed alone, as the last line of the file it is in.
        ({ index, offset, line } = carried.end);
        carried = null;
        break;
      }
      carried = null;
    }
    offset = scan.offset;
    line += scanned;
    if (scan.stop === "partial") {
      if (!joins) {
        pendingPartial = scan.partial;
        break;
      }
      const head = scan.tail!;
      const from: Place = carried?.from ?? { index, offset, line };
      const end: Place =
        segment.file.size > offset
          ? { index, offset: segment.file.size, line: line + 1 }
          : carried!.end;
      carried = { head, from, end };
    } else if (!last && offset >= segment.file.size) {
      // fully consumed: go on with the next file
    } else {
      break;
    }
    index += 1;
    offset = segments[index]!.start;
    line = segments[index]!.line;
  }
  if (carried !== null) ({ index, offset, line } = carried.from); // its line is not returned yet
  const segment = segments[index]!;
  let bytesBehind = segment.file.size - offset;
  for (const later of segments.slice(index + 1)) bytesBehind += later.file.size - later.start;
  return {
    lines,
    segment,
    offset,
    line,
    hasMore: budgetHit && bytesBehind > 0,
    bytesBehind,
    skippedLines: start.skipped,
    pendingPartial,
  };
}
