import { stat } from "node:fs/promises";
import type { AgentEvent } from "@agentwatch/models";
import type { AgentRecord } from "./agent-record.js";
import {
  type ParsedStep,
  type StreamRead,
  type StreamSpec,
  inTimeOrder,
  textLength,
} from "./agent-streams.js";
import type { CycleWork, ProcessorContext } from "./processor-context.js";
import { stage } from "./stage.js";

/** Characters of lines one agent's step holds at most (pages stop there; the rest waits). */
const MAX_CHARS_PER_STEP = 8 * 1024 * 1024;

/**
 * Reads every page one stream of the agent has waiting (while the agent's read budget lasts: at
 * most `maxReadsPerCycle` pages and `readBudgetMs`, counted from `started`). Resolves to the
 * error of a first read that failed.
 */
export async function readPages(
  ctx: ProcessorContext,
  id: string,
  stream: StreamSpec,
  work: CycleWork,
  started: number,
): Promise<StreamRead | { readonly error: { code: string; message: string } }> {
  const { path, log_type } = stream;
  const firstSight = await statAtFirstSight(ctx, id, stream);
  // A session file is read whole: its tokens and cost need every line, and it parses fast.
  const catchUp =
    stream.format === "terminal" && firstSight !== null && firstSight.size > ctx.d.catchUpBytes;
  let read = await stage("read", () =>
    ctx.d.reader.read(
      id,
      path,
      log_type,
      catchUp ? { catchUpLines: ctx.d.catchUpLines } : undefined,
    ),
  );
  if (read.error !== null) return { error: read.error };
  if (read.skippedLines > 0) {
    ctx.d.logger.info(
      { instanceId: id, path, skippedLines: read.skippedLines, bytes: firstSight?.size },
      `agent ${id}: ${path} already held ${firstSight?.size ?? 0} bytes when first met; read from its last ${ctx.d.catchUpLines} lines, ${read.skippedLines} earlier lines skipped (--from-start reads every log from its start)`,
    );
  }
  const lines = [...read.lines];
  let chars = textLength(read.lines);
  let { rotated, truncated } = read;
  for (
    let pages = 1;
    read.hasMore &&
    pages < ctx.d.maxReadsPerCycle &&
    chars < MAX_CHARS_PER_STEP &&
    performance.now() - started < ctx.d.readBudgetMs &&
    !work.signal.aborted;
    pages++
  ) {
    const after = read;
    const next = await stage("read", () => ctx.d.reader.read(id, path, log_type, { after }));
    if (next.error !== null) break; // what was read so far is handled; the rest comes next time
    read = next;
    lines.push(...next.lines);
    chars += textLength(next.lines);
    rotated ||= next.rotated;
    truncated ||= next.truncated;
  }
  return {
    stream,
    lines,
    skippedLines: read.skippedLines,
    writtenAt: firstSight?.mtimeMs ?? null,
    commit: read.commit,
    rotated,
    truncated,
    hasMore: read.hasMore,
    bytesBehind: read.bytesBehind,
  };
}

/**
 * The size and modification time of a stream met for the first time (no saved position); null
 * for a stream read before, or one that cannot be stat'ed (the read says why).
 */
async function statAtFirstSight(
  ctx: ProcessorContext,
  id: string,
  stream: StreamSpec,
): Promise<{ size: number; mtimeMs: number } | null> {
  if (ctx.d.tracker.getPosition(id, stream.log_type) !== undefined) return null;
  try {
    const info = await stat(stream.path);
    return { size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return null;
  }
}

/**
 * The events of the structured streams read in this step and of the hook calls about this
 * agent since its last step; the parsers' carries to keep once the step is committed.
 */
export function parseEvents(
  ctx: ProcessorContext,
  record: AgentRecord,
  reads: readonly StreamRead[],
): ParsedStep {
  const structured = ctx.d.structured;
  const carries: Record<string, unknown> = { ...record.carries };
  const events: AgentEvent[] = [];
  let lineCount = 0;
  let streams = 0;
  if (structured === undefined) return { events, carries, lineCount, streams, hookSeq: null };
  for (const read of reads) {
    const format = read.stream.format;
    if (format === "terminal") continue;
    streams++;
    if (read.lines.length === 0 && !read.rotated && !read.truncated) continue;
    lineCount += read.lines.length;
    const parsed = structured.parse(format, read.lines, carries[read.stream.log_type]);
    carries[read.stream.log_type] = parsed.carry;
    events.push(...parsed.events);
  }
  const hooks = ctx.d.hooks?.since(record, events);
  const all =
    hooks === undefined || hooks.events.length === 0 ? events : inTimeOrder(events, hooks.events);
  return { events: all, carries, lineCount, streams, hookSeq: hooks?.seq ?? null };
}
