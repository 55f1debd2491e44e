import type { ActivityAnalysis, ActivityState } from "@agentwatch/activity";
import { stat } from "node:fs/promises";
import {
  type AgentEvent,
  type Clock,
  type Logger,
  type OnTrackStatus,
  type TokenUsage,
  addTokenUsage,
} from "@agentwatch/models";
import type { AgentInfo, LogFormat } from "./agent-source.js";
import {
  type AgentRecord,
  exitedSummary,
  inStoreTurn,
  summaryActivityState,
} from "./agent-record.js";
import { backoffSeconds } from "./backoff.js";
import type { CycleTail } from "./cycle-tail.js";
import { AgentProcessingError } from "./errors.js";
import type { AgentStateSnapshot, MonitorEmitter, StateChangeEvent } from "./events.js";
import { logExists } from "./log-exists.js";
import type {
  ActivityAnalysisLike,
  ActivityAnalyzer,
  AgentContext,
  LogReaderLike,
  MonitoredSummary,
  PositionTrackerLike,
  StructuredAnalyzerLike,
  SummaryGeneratorLike,
  SummaryStoreLike,
} from "./parts.js";
import type { HookFeedLike } from "./hook-feed.js";
import type { ModelLane } from "./model-lane.js";
import { restoreRecord } from "./restore-record.js";
import { activityOfOrchestratorState } from "./sources/orchestrator-state.js";
import { LogReadError, StageFailure, stage } from "./stage.js";

/** Characters of lines one agent's step holds at most (pages stop there; the rest waits). */
const MAX_CHARS_PER_STEP = 8 * 1024 * 1024;

/** The first message the user sent the agent, as the analysis saw it, if it did. */
function firstUserMessage(analysis: ActivityAnalysisLike): string | null {
  const message = (analysis as { first_user_message?: unknown }).first_user_message;
  return typeof message === "string" && message !== "" ? message : null;
}

function textLength(lines: readonly string[]): number {
  let total = 0;
  for (const line of lines) total += line.length + 1;
  return total;
}

/**
 * The summary of an agent that has no terminal output, from the state its orchestrator reports:
 * its previous summary's verdict carried forward (else `unknown`), no tools, no recommended action.
 */
function withoutLogSummary(record: AgentRecord, nowMs: number, state: string): MonitoredSummary {
  const { info } = record;
  const previous = record.lastSummary;
  return {
    instance_id: info.instance_id,
    instance_name: info.instance_name,
    timestamp: new Date(nowMs).toISOString(),
    current_activity: `No terminal output; its orchestrator reports it ${state}.`,
    on_track_status: previous?.on_track_status ?? "unknown",
    confidence_score: previous?.confidence_score ?? 0,
    assigned_task: info.assigned_task,
    parent_instance_id: info.parent_instance_id,
    role: info.role,
    last_tool_used: null,
    recent_tools: [],
    output_preview: "",
    idle_duration_seconds: 0,
    drift_reasons: previous?.drift_reasons ?? [],
    alignment_keywords: previous?.alignment_keywords ?? [],
    recommended_action: null,
    activity_state: activityOfOrchestratorState(state),
  };
}

/** What the processor needs: the parts, the settings and where to report. */
export interface ProcessorDeps {
  readonly reader: LogReaderLike;
  readonly tracker: PositionTrackerLike;
  readonly generator: SummaryGeneratorLike;
  readonly store: SummaryStoreLike;
  readonly analyze: ActivityAnalyzer;
  readonly emitter: MonitorEmitter;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly errorBackoffSeconds: number;
  readonly exitedGraceMs: number;
  /** Pages read of one agent in one cycle, at most. */
  readonly maxReadsPerCycle: number;
  /** Real milliseconds one agent may spend reading pages in one cycle before the rest waits. */
  readonly readBudgetMs: number;
  /** An agent busy and silent this long is summarized again (stalled). */
  readonly stallMs: number;
  /** A stream first met with more bytes than this is read from its last `catchUpLines` lines. */
  readonly catchUpBytes: number;
  readonly catchUpLines: number;
  /** Reads structured streams (transcripts, rollouts); without it they are not analyzed. */
  readonly structured?: StructuredAnalyzerLike | undefined;
  /** Hook calls, matched to agents. */
  readonly hooks?: HookFeedLike | undefined;
  /** The model beside the cycle, when there is one. */
  readonly lane?: ModelLane | undefined;
}

/** What one cycle shares across its agents. */
export interface CycleWork {
  /** When the cycle started (epoch ms): the "now" of every agent in it. */
  readonly now: number;
  /** Aborted when `stop()` gives up waiting: agents not started yet are skipped. */
  readonly signal: AbortSignal;
  /** Stores and commits running behind the slots. */
  readonly tail: CycleTail;
  lines: number;
  failures: number;
  /** Generator calls given new lines (the model-call count when the generator keeps no stats). */
  callsWithLines: number;
}

/** One stream of an agent: its log, or another file read with it. */
interface StreamSpec {
  readonly path: string;
  readonly log_type: string;
  readonly format: LogFormat;
}

/** The agent's log first, then its other streams. */
function streamsOf(info: AgentInfo): StreamSpec[] {
  const log: StreamSpec = {
    path: info.log_file_path,
    log_type: info.log_type,
    format: info.format ?? "terminal",
  };
  return [log, ...(info.streams ?? [])];
}

/** What the pages of one stream read in one step gave. */
interface StreamRead {
  readonly stream: StreamSpec;
  readonly lines: string[];
  /** Lines skipped unread (a long log first met is read from its last lines). */
  readonly skippedLines: number;
  /** When the stream was last written (epoch ms), when it was met for the first time; else null. */
  readonly writtenAt: number | null;
  readonly commit: () => Promise<void>;
  readonly rotated: boolean;
  readonly truncated: boolean;
  readonly hasMore: boolean;
  readonly bytesBehind: number;
}

/** The events of one step and what the parsers continue from. */
interface ParsedStep {
  readonly events: AgentEvent[];
  readonly carries: Record<string, unknown>;
  /** Lines of structured streams read. */
  readonly lineCount: number;
  /** Structured streams the agent has. */
  readonly streams: number;
  /** The last hook event taken, or null when none was. */
  readonly hookSeq: number | null;
}

/**
 * Two lists of events (each in its own order) as one in time order; an event without a time takes
 * the time of the one before it in its list, and ties keep `a` first.
 */
function inTimeOrder(a: readonly AgentEvent[], b: readonly AgentEvent[]): AgentEvent[] {
  const timed = (list: readonly AgentEvent[], rank: number) => {
    let last = Number.NEGATIVE_INFINITY;
    return list.map((event, index) => {
      const at = event.at === null ? Number.NaN : Date.parse(event.at);
      if (!Number.isNaN(at)) last = at;
      return { event, at: last, rank, index };
    });
  };
  return [...timed(a, 0), ...timed(b, 1)]
    .sort((x, y) => x.at - y.at || x.rank - y.rank || x.index - y.index)
    .map((item) => item.event);
}

/** The tokens and cost an analysis of events measured, as summary fields, when it did. */
function usageOf(
  analysis: ActivityAnalysisLike,
  base: UsageBase | null,
): Pick<MonitoredSummary, "tokens" | "cost_usd"> {
  const { tokens, cost_usd } = analysis as { tokens?: unknown; cost_usd?: unknown };
  if (tokens === null || typeof tokens !== "object") return {};
  const measured = tokens as TokenUsage;
  const usage = { tokens: base === null ? measured : addTokenUsage(base.tokens, measured) };
  if (typeof cost_usd !== "number" || !Number.isFinite(cost_usd)) return usage;
  if (base !== null && base.cost_usd === null) return usage; // part of the total has no price
  return { ...usage, cost_usd: (base?.cost_usd ?? 0) + cost_usd };
}

/** What a session used before this process began reading it (from its last stored summary). */
export interface UsageBase {
  readonly tokens: TokenUsage;
  /** Null when that part's cost was not known. */
  readonly cost_usd: number | null;
}

/** A read that got as far as its summary: what is left is storing it and committing. */
interface ReadStep {
  /** Saves the position after this read's lines. */
  readonly commit: () => Promise<void>;
  /** The analysis of this read's terminal lines, when they were analyzed. */
  readonly analysis: ActivityAnalysisLike | undefined;
  /** The analysis of this read's events, when there were any. */
  readonly eventAnalysis?: ActivityAnalysisLike | undefined;
  /** The parsers' carries after this read, per stream. */
  readonly carries?: Record<string, unknown> | undefined;
  /** The last hook event this read took, or null. */
  readonly hookSeq?: number | null | undefined;
  /** What the model beside the cycle is to judge, when there is one and new lines. */
  readonly model?: { readonly lines: string[]; readonly context: AgentContext } | undefined;
  /** When its lines were read, when it had any. */
  readonly outputAt: Date | null;
  /** The summary to store before committing, if one was made. */
  readonly summary: MonitoredSummary | null;
}

/** Pages one stream gives a quick look at most (the cycle reads the rest). */
const QUICK_PAGES = 5;

const EMPTY_STEP = { analysis: undefined, outputAt: null, summary: null } as const;

/**
 * Runs one agent's share of a cycle. In the agent's slot: read → analyze → `state_change` →
 * summarize. Behind it (the cycle waits): store → `summary` → commit (batched).
 */
export class AgentProcessor {
  readonly #d: ProcessorDeps;

  constructor(deps: ProcessorDeps) {
    this.#d = deps;
  }

  /**
   * Processes one agent; never throws. Resolves to `"removed"` when its grace period after
   * exiting is over and its position was removed.
   */
  async process(record: AgentRecord, work: CycleWork): Promise<"kept" | "removed"> {
    if (work.signal.aborted) return "kept";
    const { now } = work;
    record.quick = undefined; // the step reads what quick looks saw again, from the committed position
    try {
      if (!record.loaded) {
        await restoreRecord(record, this.#d.tracker, this.#d.store, this.#d.logger);
      }
      if (record.retryAt > now) return "kept";
      const path = record.info.log_file_path;
      if (!record.listed && !record.logSeen && record.lastSummary === null) {
        return "removed"; // listed once, never wrote a log: nothing to keep
      } else if (!record.listed) {
        await this.#exit(record, now, "its agent source no longer lists it");
      } else if (record.info.orchestrator_state === "terminated") {
        await this.#exit(record, now, "its orchestrator reports it terminated");
      } else if ((record.exitedAt !== null || !record.logSeen) && !(await logExists(path))) {
        if (record.logSeen) await this.#exit(record, now, `its log ${path} disappeared`);
        else await this.#withoutLog(record, now);
      } else if (await this.#read(record, work)) {
        return "kept"; // its success is decided behind the slot
      }
      const outcome = await this.#graceCheck(record, now);
      this.#succeeded(record);
      return outcome;
    } catch (error) {
      const failure = error instanceof StageFailure ? error : new StageFailure("read", error);
      this.#fail(record, failure, work);
      return "kept";
    }
  }

  /**
   * A quick look at an agent woken by a write to one of its files, outside the cycle: reads what
   * was written since its last look (without committing: its cycle step reads it again for the
   * summary), analyzes it and reports a state change at once. Only for an agent read before, not
   * exited nor backing off. Resolves to true when an unterminated last line is held back (look
   * again once the file is quiet); never throws.
   */
  async quickLook(record: AgentRecord, nowMs: number): Promise<boolean> {
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
      const structured = this.#d.structured;
      let held = false;
      for (const stream of streamsOf(record.info)) {
        const got: string[] = [];
        let read = reads.get(stream.log_type);
        for (let page = 0; page < QUICK_PAGES && (page === 0 || read?.hasMore === true); page++) {
          const next = await this.#d.reader.read(
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
      const hooks = this.#d.hooks?.since(record, events, hookSeq);
      const all =
        hooks === undefined || hooks.events.length === 0
          ? events
          : inTimeOrder(events, hooks.events);
      const previous = quick?.analysis ?? record.analysis;
      const previousEvents = quick?.eventAnalysis ?? record.eventAnalysis;
      const now = new Date(nowMs);
      const context = {
        now,
        lastOutputAt: lines.length + all.length > 0 ? now : record.lastOutputAt,
      };
      const analysis =
        lines.length > 0 ? this.#d.analyze(lines, { ...context, previous }) : previous;
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
        this.#report(record, merged.state, record.reported.on_track_status, "read");
      }
      return held;
    } catch (error) {
      // The cycle step reads the same output again, and reports what fails.
      this.#d.logger.debug({ err: error, instanceId: id }, `a quick look at ${id} failed`);
      return false;
    }
  }

  /** Reads, analyzes and summarizes; resolves to true when work was left behind the slot. */
  async #read(record: AgentRecord, work: CycleWork): Promise<boolean> {
    const step = await this.#readStep(record, work);
    if (step === null) return false;
    if (step.summary === null) {
      await stage("commit", step.commit); // nothing to store: usually nothing to save either
      this.#committed(record, step);
      return false;
    }
    work.tail.run(() => this.#finish(record, step, work));
    return true;
  }

  /**
   * An agent whose events last showed it working, with nothing new since: its events are analyzed
   * again as of now, since what silence means changes with time (a turn taken as ended after a
   * quiet minute; a quick tool with no result for a while taken as waiting for approval). A state
   * that changed is reported and summarized (no model call); otherwise null.
   */
  async #quietEvents(
    record: AgentRecord,
    work: CycleWork,
  ): Promise<Omit<ReadStep, "commit"> | null> {
    const structured = this.#d.structured;
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
    this.#report(record, analysis.state, record.reported.on_track_status, "read");
    const last = record.lastSummary;
    const generated = await stage("summarize", () =>
      this.#d.generator.generateSummary(record.info.instance_id, [], {
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
      ...(this.#d.lane !== undefined ? { judged_by: "offline" } : {}),
    };
    return { analysis: undefined, eventAnalysis, outputAt: null, summary };
  }

  /**
   * An agent busy on screen at its last summary, and silent since for `stallMs`: summarized again
   * without new lines (the generator marks it stalled, which blocks it; no model call), once, so a
   * silent agent is judged too. Null when it is not stalled, or was already told stalled.
   */
  async #stallCheck(record: AgentRecord, work: CycleWork): Promise<MonitoredSummary | null> {
    const last = record.lastSummary;
    const since = record.lastOutputAt;
    if (last === null || since === null || summaryActivityState(last) !== "working") return null;
    if (last.on_track_status === "blocked" || work.now - since.getTime() < this.#d.stallMs) {
      return null;
    }
    const generated = await stage("summarize", () =>
      this.#d.generator.generateSummary(record.info.instance_id, [], {
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

  /**
   * Reads every page one stream of the agent has waiting (while the agent's read budget lasts: at
   * most `maxReadsPerCycle` pages and `readBudgetMs`, counted from `started`). Resolves to the
   * error of a first read that failed.
   */
  async #readPages(
    id: string,
    stream: StreamSpec,
    work: CycleWork,
    started: number,
  ): Promise<StreamRead | { readonly error: { code: string; message: string } }> {
    const { path, log_type } = stream;
    const firstSight = await this.#firstSight(id, stream);
    // A session file is read whole: its tokens and cost need every line, and it parses fast.
    const catchUp =
      stream.format === "terminal" && firstSight !== null && firstSight.size > this.#d.catchUpBytes;
    let read = await stage("read", () =>
      this.#d.reader.read(
        id,
        path,
        log_type,
        catchUp ? { catchUpLines: this.#d.catchUpLines } : undefined,
      ),
    );
    if (read.error !== null) return { error: read.error };
    if (read.skippedLines > 0) {
      this.#d.logger.info(
        { instanceId: id, path, skippedLines: read.skippedLines, bytes: firstSight?.size },
        `agent ${id}: ${path} already held ${firstSight?.size ?? 0} bytes when first met; read from its last ${this.#d.catchUpLines} lines, ${read.skippedLines} earlier lines skipped (--from-start reads every log from its start)`,
      );
    }
    const lines = [...read.lines];
    let chars = textLength(read.lines);
    let { rotated, truncated } = read;
    for (
      let pages = 1;
      read.hasMore &&
      pages < this.#d.maxReadsPerCycle &&
      chars < MAX_CHARS_PER_STEP &&
      performance.now() - started < this.#d.readBudgetMs &&
      !work.signal.aborted;
      pages++
    ) {
      const after = read;
      const next = await stage("read", () => this.#d.reader.read(id, path, log_type, { after }));
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
  async #firstSight(
    id: string,
    stream: StreamSpec,
  ): Promise<{ size: number; mtimeMs: number } | null> {
    if (this.#d.tracker.getPosition(id, stream.log_type) !== undefined) return null;
    try {
      const info = await stat(stream.path);
      return { size: info.size, mtimeMs: info.mtimeMs };
    } catch {
      return null;
    }
  }

  /**
   * Reads every page the agent has waiting in its log and its other streams (a pane's transcript),
   * then analyzes the lines together and summarizes them once; the one commit of the step saves
   * the position of every stream after every page. Resolves to null when the log could not be read
   * (a missing log marks the agent exited) or the cycle was abandoned.
   */
  async #readStep(record: AgentRecord, work: CycleWork): Promise<ReadStep | null> {
    const { instance_id: id, log_file_path: path } = record.info;
    const started = performance.now();
    const reads: StreamRead[] = [];
    for (const stream of streamsOf(record.info)) {
      const read = await this.#readPages(id, stream, work, started);
      if ("error" in read) {
        if (read.error.code !== "ENOENT") {
          throw new StageFailure("read", new LogReadError(read.error.code, read.error.message));
        }
        if (stream.path !== path) continue; // a transcript not written yet, or gone: the log goes on
        if (record.logSeen) await this.#exit(record, work.now, `its log ${path} disappeared`);
        return null;
      }
      reads.push(read);
    }
    const behind = reads.filter((read) => read.hasMore);
    record.lag =
      behind.length > 0
        ? {
            bytes: behind.reduce((sum, read) => sum + read.bytesBehind, 0),
            since: record.lag?.since ?? work.now,
          }
        : null;
    const revived = record.exitedAt !== null;
    if (revived) {
      record.exitedAt = null;
      this.#d.logger.info(
        { instanceId: id, path },
        `agent ${id} is back: its log can be read again`,
      );
    }
    record.logSeen = true;
    const commits = reads.map((read) => read.commit);
    const commit =
      commits.length === 1
        ? commits[0]!
        : async () => {
            for (const each of commits) await each();
          };
    const terminal = reads.filter((read) => read.stream.format === "terminal");
    const lines = terminal.flatMap((read) => read.lines);
    const parsed = this.#parseEvents(record, reads);
    const newLines = lines.length + parsed.lineCount;
    work.lines += newLines;
    const renewed = reads.some((read) => read.rotated || read.truncated);
    // analysis only when something happened: new lines, a new file, the agent coming back
    if (newLines === 0 && parsed.events.length === 0 && !revived && !renewed) {
      const quiet = await this.#quietEvents(record, work);
      if (quiet !== null) return { ...quiet, commit, hookSeq: parsed.hookSeq };
      const stall = await this.#stallCheck(record, work);
      return { ...EMPTY_STEP, commit, hookSeq: parsed.hookSeq, summary: stall };
    }
    const now = new Date(work.now);
    // Output met for the first time was written when its file was last written, not now.
    const written = reads.map((read) => read.writtenAt).filter((at): at is number => at !== null);
    const lastOutputAt =
      newLines > 0
        ? written.length > 0
          ? new Date(Math.min(work.now, Math.max(...written)))
          : now
        : record.lastOutputAt;
    const skippedLines = reads.reduce((sum, read) => sum + read.skippedLines, 0);
    const terminalAnalysis =
      terminal.length > 0 &&
      (lines.length > 0 || revived || renewed || record.analysis === undefined)
        ? await stage("analyze", () =>
            this.#d.analyze(lines, {
              now,
              lastOutputAt,
              previous: record.analysis,
              stallSeconds: this.#d.stallMs / 1000,
            }),
          )
        : undefined;
    const structured = this.#d.structured;
    const eventAnalysis =
      structured !== undefined &&
      (parsed.events.length > 0 || (parsed.streams > 0 && record.eventAnalysis === undefined))
        ? await stage("analyze", () =>
            structured.analyze(parsed.events, {
              now,
              lastOutputAt,
              previous: record.eventAnalysis,
            }),
          )
        : undefined;
    const analysis =
      structured !== undefined &&
      (eventAnalysis !== undefined || record.eventAnalysis !== undefined)
        ? structured.merge(
            terminalAnalysis ?? record.analysis,
            eventAnalysis ?? record.eventAnalysis,
          )
        : (terminalAnalysis ?? record.analysis);
    if (analysis === undefined) return { ...EMPTY_STEP, commit, hookSeq: parsed.hookSeq };
    this.#report(record, analysis.state, record.reported.on_track_status, "read");
    const outputAt = newLines > 0 ? lastOutputAt : null;
    const step: ReadStep = {
      commit,
      analysis: terminalAnalysis,
      eventAnalysis,
      carries: parsed.carries,
      hookSeq: parsed.hookSeq,
      outputAt,
      summary: null,
    };
    const staleState =
      record.lastSummary !== null && summaryActivityState(record.lastSummary) !== analysis.state;
    if (newLines === 0 && parsed.events.length === 0 && !staleState) return step;
    if (work.signal.aborted) return null;
    if (newLines > 0) work.callsWithLines++;
    const described = structured !== undefined ? structured.describe(parsed.events) : [];
    const given = [...lines, ...described];
    const context: AgentContext = {
      instance_name: record.info.instance_name,
      role: record.info.role,
      // Its source gives no task (a tmux pane, a bare log): the first message the user sent it.
      assigned_task: record.info.assigned_task ?? firstUserMessage(analysis),
      parent_instance_id: record.info.parent_instance_id,
      previous_summary: record.lastSummary,
      last_output_at: lastOutputAt,
      activity: analysis as ActivityAnalysis, // what the analyzer returned, passed through
    };
    const generated = await stage("summarize", () =>
      this.#d.generator.generateSummary(id, given, context),
    );
    const lane = this.#d.lane;
    const summary: MonitoredSummary = {
      ...generated,
      ...(lane !== undefined ? { judged_by: "offline" } : {}),
      activity_state: analysis.state,
      ...usageOf(analysis, record.usageBase),
      ...(skippedLines > 0 ? { skipped_lines: skippedLines } : {}),
    };
    const model = lane !== undefined && given.length > 0 ? { lines: given, context } : undefined;
    return { ...step, summary, model };
  }

  /**
   * The events of the structured streams read in this step and of the hook calls about this
   * agent since its last step; the parsers' carries to keep once the step is committed.
   */
  #parseEvents(record: AgentRecord, reads: readonly StreamRead[]): ParsedStep {
    const structured = this.#d.structured;
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
    const hooks = this.#d.hooks?.since(record, events);
    const all =
      hooks === undefined || hooks.events.length === 0 ? events : inTimeOrder(events, hooks.events);
    return { events: all, carries, lineCount, streams, hookSeq: hooks?.seq ?? null };
  }

  /**
   * Stores `summary` as the agent's newest, in the agent's store turn: one store of an agent at a
   * time, so a model verdict arriving beside the cycle never lands over a newer summary.
   */
  #put(record: AgentRecord, summary: MonitoredSummary): Promise<void> {
    return inStoreTurn(record, async () => {
      await this.#d.store.write(summary);
      record.lastSummary = summary;
    });
  }

  /** Tells listeners of a summary stored beside the cycle (a model verdict). */
  announce(record: AgentRecord, summary: MonitoredSummary): void {
    this.#report(record, summary.activity_state ?? null, summary.on_track_status, "summary");
    this.#d.emitter.emit("summary", { summary });
  }

  /** Stores a step's summary, if any, then tells listeners. */
  async #store(record: AgentRecord, step: ReadStep): Promise<void> {
    const { summary } = step;
    if (summary === null) return;
    await stage("store", () => this.#put(record, summary));
    this.#report(record, summary.activity_state ?? null, summary.on_track_status, "summary");
    this.#d.emitter.emit("summary", { summary });
  }

  /** Behind the slot: store, then queue the commit; never rejects. */
  async #finish(record: AgentRecord, step: ReadStep, work: CycleWork): Promise<void> {
    try {
      await this.#store(record, step);
    } catch (error) {
      this.#fail(record, error as StageFailure, work);
      return;
    }
    if (step.model !== undefined && step.summary !== null) {
      this.#d.lane?.submit(record, step.model.lines, step.model.context, step.summary);
    }
    work.tail.commit(step.commit, (error) => {
      if (error !== undefined) {
        this.#fail(record, new StageFailure("commit", error), work);
        return;
      }
      this.#committed(record, step);
      this.#succeeded(record);
    });
  }

  /** What a committed read changes: the analysis to continue from, the output time. */
  #committed(record: AgentRecord, step: ReadStep): void {
    if (step.analysis !== undefined) record.analysis = step.analysis;
    if (step.eventAnalysis !== undefined) record.eventAnalysis = step.eventAnalysis;
    if (step.carries !== undefined) record.carries = step.carries;
    if (step.hookSeq !== undefined && step.hookSeq !== null) record.hookSeq = step.hookSeq;
    if (step.outputAt !== null) record.lastOutputAt = step.outputAt;
  }

  #succeeded(record: AgentRecord): void {
    record.failures = 0;
    record.retryAt = 0;
    record.lastError = null;
  }

  /** Marks an agent exited (once) and stores its exited summary (retried until stored). */
  async #exit(record: AgentRecord, now: number, reason: string): Promise<void> {
    const id = record.info.instance_id;
    if (record.exitedAt === null) {
      record.exitedAt = now;
      this.#d.logger.info({ instanceId: id }, `agent ${id} exited: ${reason}`);
    }
    this.#report(record, "exited", record.reported.on_track_status, "exit");
    if (summaryActivityState(record.lastSummary) === "exited") return;
    const summary = exitedSummary(record, now, reason);
    await stage("exit", () => this.#put(record, summary));
    this.#d.emitter.emit("summary", { summary });
  }

  /**
   * An agent whose log never existed: waited for, unless its source says it exists without one
   * (it has an orchestrator state). Then a summary with that state and "no terminal output" is
   * stored whenever what it says changes (no generator call), and a state change reported.
   */
  async #withoutLog(record: AgentRecord, now: number): Promise<void> {
    const { info } = record;
    const state = info.orchestrator_state;
    if (state === undefined || state === null) return; // just waited for
    if (record.exitedAt !== null) {
      record.exitedAt = null;
      this.#d.logger.info(
        { instanceId: info.instance_id },
        `agent ${info.instance_id} is back: its orchestrator reports it ${state}`,
      );
    }
    const summary = withoutLogSummary(record, now, state);
    const last = record.lastSummary;
    if (
      last !== null &&
      last.current_activity === summary.current_activity &&
      summaryActivityState(last) === summary.activity_state &&
      last.instance_name === summary.instance_name &&
      last.role === summary.role &&
      last.assigned_task === summary.assigned_task &&
      last.parent_instance_id === summary.parent_instance_id
    ) {
      return;
    }
    await stage("store", () => this.#put(record, summary));
    this.#report(record, summary.activity_state ?? null, summary.on_track_status, "summary");
    this.#d.emitter.emit("summary", { summary });
  }

  async #graceCheck(record: AgentRecord, now: number): Promise<"kept" | "removed"> {
    if (record.exitedAt === null || now - record.exitedAt < this.#d.exitedGraceMs) return "kept";
    const { instance_id: id, log_type } = record.info;
    await stage("remove", () => this.#d.tracker.removePosition(id, log_type));
    this.#d.logger.info({ instanceId: id }, `agent ${id} removed after its grace period`);
    return "removed";
  }

  #report(
    record: AgentRecord,
    activity: ActivityState | null,
    onTrack: OnTrackStatus | null,
    trigger: StateChangeEvent["trigger"],
  ): void {
    const previous = record.reported;
    if (previous.activity_state === activity && previous.on_track_status === onTrack) return;
    const current: AgentStateSnapshot = { activity_state: activity, on_track_status: onTrack };
    record.reported = current;
    this.#d.emitter.emit("state_change", {
      instance_id: record.info.instance_id,
      previous,
      current,
      trigger,
      at: new Date(this.#d.clock()).toISOString(),
    });
  }

  #fail(record: AgentRecord, failure: StageFailure, work: CycleWork): void {
    record.failures++;
    const wait = backoffSeconds(this.#d.errorBackoffSeconds, record.failures);
    record.retryAt = work.now + wait * 1000;
    work.failures++;
    const id = record.info.instance_id;
    const error = new AgentProcessingError(id, failure.stage, record.failures, wait, failure.cause);
    // The row it is shown in names the agent: the cause alone says what is wrong and what to do.
    record.lastError =
      failure.cause instanceof Error && failure.cause.message !== ""
        ? failure.cause.message
        : error.message;
    this.#d.logger.warn(
      { err: failure.cause, instanceId: id, stage: failure.stage },
      error.message,
    );
    this.#d.emitter.emit("error", {
      instance_id: id,
      error,
      at: new Date(this.#d.clock()).toISOString(),
    });
  }
}
