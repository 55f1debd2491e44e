import type { ActivityAnalysis } from "@agentwatch/activity";
import { summaryActivityState, type AgentRecord } from "./agent-record.js";
import { type ReadStep, usageOf } from "./agent-streams.js";
import type { MonitoredSummary } from "./parts.js";
import type { CycleWork, ProcessorContext } from "./processor-context.js";
import { stage } from "./stage.js";

// What a quiet cycle may still say about an agent: that silence changed what its events mean, or
// that it stalled.

/**
 * An agent whose events last showed it working, with nothing new since: its events are analyzed
 * again as of now, since what silence means changes with time (a turn taken as ended after a
 * quiet minute; a quick tool with no result for a while taken as waiting for approval). A state
 * that changed is reported and summarized (no model call); otherwise null.
 */
export async function quietEvents(
  ctx: ProcessorContext,
  record: AgentRecord,
  work: CycleWork,
): Promise<Omit<ReadStep, "commit"> | null> {
  const structured = ctx.d.structured;
  const previous = record.eventAnalysis;
  if (structured === undefined || previous === undefined || previous.state !== "working") {
    return null;
  }
  const now = new Date(work.now);
  const eventAnalysis = await stage("analyze", () =>
    structured.analyze([], { now, lastOutputAt: record.lastOutputAt, previous }),
  );
  if (eventAnalysis.state === previous.state) return null;
  const analysis = structured.merge(record.analysis, eventAnalysis);
  ctx.report(record, analysis.state, record.reported.on_track_status, "read");
  const last = record.lastSummary;
  const generated = await stage("summarize", () =>
    ctx.d.generator.generateSummary(record.info.instance_id, [], {
      instance_name: record.info.instance_name,
      role: record.info.role,
      assigned_task: record.info.assigned_task ?? last?.assigned_task ?? null,
      parent_instance_id: record.info.parent_instance_id,
      previous_summary: last,
      last_output_at: record.lastOutputAt,
      activity: analysis as ActivityAnalysis,
    }),
  );
  const summary: MonitoredSummary = {
    ...generated,
    activity_state: analysis.state,
    ...usageOf(analysis, record.usageBase),
    ...(ctx.d.lane !== undefined ? { judged_by: "offline" } : {}),
  };
  return { analysis: undefined, eventAnalysis, outputAt: null, summary };
}

/**
 * An agent busy on screen at its last summary, and silent since for `stallMs`: summarized again
 * without new lines (the generator marks it stalled, which blocks it; no model call), once, so a
 * silent agent is judged too. Null when it is not stalled, or was already told stalled.
 */
export async function stallCheck(
  ctx: ProcessorContext,
  record: AgentRecord,
  work: CycleWork,
): Promise<MonitoredSummary | null> {
  const last = record.lastSummary;
  const since = record.lastOutputAt;
  if (last === null || since === null || summaryActivityState(last) !== "working") return null;
  if (last.on_track_status === "blocked" || work.now - since.getTime() < ctx.d.stallMs) {
    return null;
  }
  const generated = await stage("summarize", () =>
    ctx.d.generator.generateSummary(record.info.instance_id, [], {
      instance_name: record.info.instance_name,
      role: record.info.role,
      assigned_task: last.assigned_task,
      parent_instance_id: record.info.parent_instance_id,
      previous_summary: last,
      last_output_at: since,
      activity: record.analysis as ActivityAnalysis | undefined,
    }),
  );
  if (generated.on_track_status !== "blocked") return null; // the generator does not see a stall
  return { ...last, ...generated, activity_state: "working" };
}
