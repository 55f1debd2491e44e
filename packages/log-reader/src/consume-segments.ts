import { countNewlines, findNewestLines } from "./backward-scan.js";
import { readFully, scanLines } from "./line-scanner.js";
import type { Segment } from "./read-plan.js";

/** How to consume a planned read. */
export interface ConsumeOptions {
  readonly maxLines: number;
  readonly maxLineBytes: number;
  readonly skipBacklog: boolean;
  /** Whether a file last modified at `mtimeMs` is quiet enough to flush its unterminated last line. */
  readonly quiet: (mtimeMs: number) => boolean;
}

/** Where a read stopped and what it returned. */
export interface Consumed {
  readonly lines: string[];
  /** The segment the position ends in. */
  readonly segment: Segment;
  readonly offset: number;
  readonly line: number;
  readonly hasMore: boolean;
  readonly bytesBehind: number;
  readonly skippedLines: number;
  readonly pendingPartial: string | null;
}

interface Start {
  readonly index: number;
  readonly offset: number;
  readonly line: number;
  readonly skipped: number;
}

async function linesIn(segment: Segment): Promise<number> {
  const { fh, size } = segment.file;
  if (size <= segment.start) return 0;
  const newlines = await countNewlines(fh, segment.start, size);
  const last = Buffer.alloc(1);
  const got = await readFully(fh, last, 1, size - 1);
  return newlines + (got === 1 && last[0] !== 0x0a ? 1 : 0); // an unterminated tail is one more line
}

/**
 * With `catchUp: "skip"`: where to start so that at most `maxLines` lines remain, found by reading
 * backwards from the end; the skipped lines are counted exactly by scanning the skipped bytes.
 */
async function skipAhead(segments: readonly Segment[], options: ConsumeOptions): Promise<Start> {
  let need = options.maxLines;
  for (let index = segments.length - 1; index >= 0; index--) {
    const segment = segments[index]!;
    const { fh, size, mtimeMs } = segment.file;
    const newest = await findNewestLines(fh, segment.start, size, need, options.quiet(mtimeMs));
    if (newest.lines < need) {
      need -= newest.lines;
      continue;
    }
    let skipped = await countNewlines(fh, segment.start, newest.offset);
    const line = segment.line + skipped;
    for (let before = 0; before < index; before++) skipped += await linesIn(segments[before]!);
    return { index, offset: newest.offset, line, skipped };
  }
  const first = segments[0]!;
  return { index: 0, offset: first.start, line: first.line, skipped: 0 };
}

/**
 * Reads the planned segments in order, at most `maxLines` lines: a segment is left for the next
 * only once it is fully consumed (its unterminated tail flushed), so order is kept across files.
 */
export async function consumeSegments(
  segments: readonly Segment[],
  options: ConsumeOptions,
): Promise<Consumed> {
  const start: Start = options.skipBacklog
    ? await skipAhead(segments, options)
    : { index: 0, offset: segments[0]!.start, line: segments[0]!.line, skipped: 0 };
  let { index, offset, line } = start;
  let lines: string[] = [];
  let pendingPartial: string | null = null;
  let budgetHit = false;
  for (;;) {
    const segment = segments[index]!;
    const remaining = options.maxLines - lines.length;
    if (remaining <= 0) {
      budgetHit = true;
      break;
    }
    const scan = await scanLines(segment.file.fh, {
      start: offset,
      end: segment.file.size,
      maxLines: remaining,
      maxLineBytes: options.maxLineBytes,
      flushPartial: options.quiet(segment.file.mtimeMs),
    });
    if (lines.length === 0) lines = scan.lines;
    else for (const text of scan.lines) lines.push(text);
    offset = scan.offset;
    line += scan.lines.length;
    pendingPartial = scan.partial;
    budgetHit = scan.stop === "budget";
    const consumed = scan.stop !== "partial" && offset >= segment.file.size;
    if (!consumed || index === segments.length - 1) break;
    index += 1;
    offset = segments[index]!.start;
    line = segments[index]!.line;
  }
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
