import type { ActivityAnalysis, ActivityState } from "@agentwatch/activity";
import type { OnTrackStatus } from "@agentwatch/models";
import {
  type AgentRecord,
  exitedSummary,
  inStoreTurn,
  summaryActivityState,
} from "./agent-record.js";
import { EMPTY_STEP, type ReadStep, type StreamRead, streamsOf, usageOf } from "./agent-streams.js";
import { backoffSeconds } from "./backoff.js";
import { AgentProcessingError } from "./errors.js";
import type { AgentStateSnapshot, StateChangeEvent } from "./events.js";
import { logExists } from "./log-exists.js";
import type { ActivityAnalysisLike, AgentContext, MonitoredSummary } from "./parts.js";
import type { CycleWork, ProcessorContext, ProcessorDeps } from "./processor-context.js";
import { quickLook } from "./quick-look.js";
import { quietEvents, stallCheck } from "./quiet-checks.js";
import { parseEvents, readPages } from "./read-streams.js";
import { restoreRecord } from "./restore-record.js";
import { activityOfOrchestratorState } from "./sources/orchestrator-state.js";
import { LogReadError, StageFailure, stage } from "./stage.js";

export type { CycleWork, ProcessorDeps } from "./processor-context.js";

/** The first message the user sent the agent, as the analysis saw it, if it did. */
function firstUserMessage(analysis: ActivityAnalysisLike): string | null {
  const message = (analysis as { first_user_message?: unknown }).first_user_message;
  return typeof message === "string" && message !== "" ? message : null;
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

/**
 * Runs one agent's share of a cycle. In the agent's slot: read → analyze → `state_change` →
 * summarize. Behind it (the cycle waits): store → `summary` → commit (batched).
 */
export class AgentProcessor {
  readonly #d: ProcessorDeps;
  readonly #ctx: ProcessorContext;

  constructor(deps: ProcessorDeps) {
    this.#d = deps;
    this.#ctx = {
      d: deps,
      report: (record, activity, onTrack, trigger) =>
        this.#report(record, activity, onTrack, trigger),
    };
  }

  /**
   * A quick look at an agent woken by a write to one of its files, outside the cycle (see
   * `quickLook` in quick-look.ts). Resolves to true when a line is held back; never throws.
   */
  quickLook(record: AgentRecord, nowMs: number): Promise<boolean> {
    return quickLook(this.#ctx, record, nowMs);
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
      const read = await readPages(this.#ctx, id, stream, work, started);
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
    const parsed = parseEvents(this.#ctx, record, reads);
    const newLines = lines.length + parsed.lineCount;
    work.lines += newLines;
    const renewed = reads.some((read) => read.rotated || read.truncated);
    // analysis only when something happened: new lines, a new file, the agent coming back
    if (newLines === 0 && parsed.events.length === 0 && !revived && !renewed) {
      const quiet = await quietEvents(this.#ctx, record, work);
      if (quiet !== null) return { ...quiet, commit, hookSeq: parsed.hookSeq };
      const stall = await stallCheck(this.#ctx, record, work);
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
