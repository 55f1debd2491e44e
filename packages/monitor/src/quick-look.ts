import type { AgentEvent } from "@agentwatch/models";
import type { AgentRecord } from "./agent-record.js";
import { inTimeOrder, streamsOf } from "./agent-streams.js";
import type { ProcessorContext } from "./processor-context.js";

/** Pages one stream gives a quick look at most (the cycle reads the rest). */
const QUICK_PAGES = 5;

/**
 * A quick look at an agent woken by a write to one of its files, outside the cycle: reads what
 * was written since its last look (without committing: its cycle step reads it again for the
 * summary), analyzes it and reports a state change at once. Only for an agent read before, not
 * exited nor backing off. Resolves to true when an unterminated last line is held back (look
 * again once the file is quiet); never throws.
 */
export async function quickLook(
  ctx: ProcessorContext,
  record: AgentRecord,
  nowMs: number,
): Promise<boolean> {
  if (!record.loaded || !record.logSeen || record.exitedAt !== null || record.retryAt > nowMs) {
    return false;
  }
  const id = record.info.instance_id;
  try {
    const quick = record.quick;
    const reads = new Map(quick?.reads ?? []);
    const carries: Record<string, unknown> = { ...(quick?.carries ?? record.carries) };
    const lines: string[] = [];
    const events: AgentEvent[] = [];
    const structured = ctx.d.structured;
    let held = false;
    for (const stream of streamsOf(record.info)) {
      const got: string[] = [];
      let read = reads.get(stream.log_type);
      for (let page = 0; page < QUICK_PAGES && (page === 0 || read?.hasMore === true); page++) {
        const next = await ctx.d.reader.read(
          id,
          stream.path,
          stream.log_type,
          read === undefined ? undefined : { after: read },
        );
        if (next.error !== null) break; // the cycle step says what is wrong
        read = next;
        got.push(...next.lines);
      }
      if (read === undefined) continue;
      reads.set(stream.log_type, read);
      held ||= read.pendingPartial !== null;
      if (stream.format === "terminal") lines.push(...got);
      else if (structured !== undefined && got.length > 0) {
        const parsed = structured.parse(stream.format, got, carries[stream.log_type]);
        carries[stream.log_type] = parsed.carry;
        events.push(...parsed.events);
      }
    }
    const hookSeq = quick?.hookSeq ?? record.hookSeq;
    const hooks = ctx.d.hooks?.since(record, events, hookSeq);
    const all =
      hooks === undefined || hooks.events.length === 0 ? events : inTimeOrder(events, hooks.events);
    const previous = quick?.analysis ?? record.analysis;
    const previousEvents = quick?.eventAnalysis ?? record.eventAnalysis;
    const now = new Date(nowMs);
    const context = {
      now,
      lastOutputAt: lines.length + all.length > 0 ? now : record.lastOutputAt,
    };
    const analysis = lines.length > 0 ? ctx.d.analyze(lines, { ...context, previous }) : previous;
    const eventAnalysis =
      structured !== undefined && all.length > 0
        ? structured.analyze(all, { ...context, previous: previousEvents })
        : previousEvents;
    record.quick = {
      reads,
      analysis,
      eventAnalysis,
      carries,
      hookSeq: hooks?.seq ?? hookSeq,
    };
    if (lines.length === 0 && all.length === 0) return held;
    const merged =
      structured !== undefined && eventAnalysis !== undefined
        ? structured.merge(analysis, eventAnalysis)
        : analysis;
    if (merged !== undefined) {
      ctx.report(record, merged.state, record.reported.on_track_status, "read");
    }
    return held;
  } catch (error) {
    // The cycle step reads the same output again, and reports what fails.
    ctx.d.logger.debug({ err: error, instanceId: id }, `a quick look at ${id} failed`);
    return false;
  }
}
