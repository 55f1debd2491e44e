import type { ActivityAnalysis, ActivityState } from "@agentwatch/activity";
import type { PendingRead, ReadOptions } from "@agentwatch/log-reader";
import type { AgentEvent, AgentSummary, PositionStore } from "@agentwatch/models";
import type { LogFormat } from "./agent-source.js";

/** An AgentSummary as the summarizer returns it: with the activity state it measured, if any. */
export type MonitoredSummary = AgentSummary & { activity_state?: ActivityState | undefined };

/**
 * The part of `@agentwatch/activity`'s `ActivityAnalysis` the service reads: the state (a test
 * double may return only that; the service passes whatever the analyzer returned back to it).
 */
export type ActivityAnalysisLike = Pick<ActivityAnalysis, "state">;

/** What `analyzeActivity` is given besides the lines. */
export interface AnalyzeContext {
  /** Now. */
  readonly now: Date;
  /** When the agent last wrote output, if known. */
  readonly lastOutputAt: Date | null;
  /** This agent's previous analysis (the one of its last committed read), if any. */
  readonly previous?: ActivityAnalysisLike | null | undefined;
  /** Seconds an agent may look busy without output before it is stalled (`stall_seconds`). */
  readonly stallSeconds?: number | undefined;
}

/** `analyzeActivity` from `@agentwatch/activity`, or any function of the same shape. */
export type ActivityAnalyzer = {
  analyze(lines: string[], context: AnalyzeContext): ActivityAnalysisLike;
}["analyze"];

/** The formats of structured streams: everything but terminal text. */
export type StructuredFormat = Exclude<LogFormat, "terminal">;

/** Events parsed from a structured stream's lines, and what the next parse continues from. */
export interface ParsedEvents {
  readonly events: AgentEvent[];
  /** JSON-serialisable and bounded; given back to the next `parse` of the same stream. */
  readonly carry: unknown;
}

/** An event of a hook call, with what ties it to its agent. */
export interface HookEventLike {
  readonly event: AgentEvent;
  /** The session it belongs to, when the call said. */
  readonly session_id: string | null;
  /** The transcript of that session, when the call said. */
  readonly transcript_path: string | null;
  /** Process ids above the hook call (its parents): the agent's process is among them. */
  readonly pids: readonly number[];
}

/**
 * What the service needs to read structured sources (`@agentwatch/transcripts`): Claude Code
 * transcripts, Codex rollouts and the Claude Code hooks JSONL. None of its functions may throw on
 * what a file holds: a line it cannot use is counted, not thrown.
 */
export interface StructuredAnalyzerLike {
  /** Parses complete lines of a stream of `format`, continuing from `carry` (undefined at first). */
  parse(format: StructuredFormat, lines: readonly string[], carry: unknown): ParsedEvents;
  /** Parses complete lines of the hooks JSONL. */
  parseHooks(lines: readonly string[]): HookEventLike[];
  /** Analyzes events, continuing from `context.previous` (its last analysis of events). */
  analyze(events: readonly AgentEvent[], context: AnalyzeContext): ActivityAnalysisLike;
  /** One analysis of an agent from its terminal analysis and its events' (either may be absent). */
  merge(
    terminal: ActivityAnalysisLike | undefined,
    events: ActivityAnalysisLike | undefined,
  ): ActivityAnalysisLike;
  /** Lines that tell a model what the events did: what the generator is given as new lines. */
  describe(events: readonly AgentEvent[]): string[];
}

/** The reader part: `IncrementalLogReader` from `@agentwatch/log-reader`. */
export interface LogReaderLike {
  /**
   * Reads new complete lines; the position moves only on `commit()`. With `options.after` it
   * continues after that uncommitted read, and its commit saves the position after both. Must
   * not throw.
   */
  read(
    instanceId: string,
    logFilePath: string,
    logType?: string,
    options?: ReadOptions,
  ): Promise<PendingRead>;
}

/** The tracker part: a `PositionStore` (such as `PositionTracker`), closed by `stop()` if it can be. */
export interface PositionTrackerLike extends PositionStore {
  /** Waits for pending writes and closes the store. */
  close?(): Promise<void>;
}

/** What the generator is told about an agent besides its new lines. */
export interface AgentContext {
  readonly instance_name: string;
  readonly role: string | null;
  readonly assigned_task: string | null;
  readonly parent_instance_id: string | null;
  /** The agent's newest stored summary, if any. */
  readonly previous_summary: AgentSummary | null;
  /** When the agent last wrote output, if known. */
  readonly last_output_at: Date | null;
  /**
   * The analysis the service made of these lines (what its analyzer returned: an
   * `ActivityAnalysis` with `analyzeActivity`), so the generator does not analyze twice.
   */
  readonly activity?: ActivityAnalysis | undefined;
}

/** Cumulative counters of a generator, read before and after a cycle to report its model calls. */
export interface GeneratorStats {
  readonly modelCalls: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly costUsd?: number;
  readonly fallbacks?: number;
}

/** The generator part: `SummaryGenerator` from `@agentwatch/summarizer`. */
export interface SummaryGeneratorLike {
  /** A summary of the agent from its new lines (no model call when `newLogLines` is empty). */
  generateSummary(
    instanceId: string,
    newLogLines: string[],
    agentContext: AgentContext,
  ): Promise<MonitoredSummary>;
  /** Cumulative counters; when absent, every call with lines counts as one model call. */
  readonly stats?: GeneratorStats | undefined;
}

/** The store part: `SummaryStore` from `@agentwatch/summary-store`. */
export interface SummaryStoreLike {
  /** Stores a summary durably; resolves once it is on disk. */
  write(summary: AgentSummary): Promise<void>;
  /** The newest stored summary of an agent, to continue from after a restart. */
  getLatest?(instanceId: string): Promise<AgentSummary | undefined>;
}

/** Waits: the service's only source of delay, so tests with a fake clock stay deterministic. */
export interface Timer {
  /** Resolves after `ms` milliseconds, or early (without rejecting) when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}
